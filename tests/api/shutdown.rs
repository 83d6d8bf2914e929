//! Shutdown: requests in flight when SIGTERM arrives complete; then the
//! process exits 0 and accepts no more connections. Runs the real binary on a
//! temp SQLite file, in production mode so its log lines are JSON.
//!
//! The in-process tests below start the application themselves, so they can
//! connect before it serves and see when it has taken the signal: requests
//! waiting in the listen backlog are answered, a connection opened before the
//! signal gets its request answered, and the whole shutdown keeps its bound.
//!
//! The request is held in flight deterministically: it is sent with
//! `Expect: 100-continue` and without its body. The server answers
//! `100 Continue` once the handler reads the body, which proves the request is
//! being handled; SIGTERM is sent, the test waits for the server to log that it
//! is shutting down, and only then sends the body.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use serde_json::Value;

use crate::helpers::SECRET;

/// Generous bound for every wait: a stuck server fails the test, never hangs it.
const PATIENCE: Duration = Duration::from_secs(60);

pub(crate) fn eendracht(database_url: &str) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_eendracht"));
    with_environment(&mut command, database_url);
    command
}

/// The environment `eendracht` runs in here, and nothing else.
pub(crate) fn with_environment<'c>(command: &'c mut Command, database_url: &str) -> &'c mut Command {
    command
        .env_clear()
        .env("DATABASE_URL", database_url)
        .env("EENDRACHT_ENV", "production")
        .env("EENDRACHT_JWT_SECRET", SECRET)
        .env("RUST_LOG", "info")
        // The body below is sent once the shutdown is logged: however long
        // that takes, the request must not miss its body deadline.
        .env("EENDRACHT_BODY_TIMEOUT", "60s")
}

pub(crate) fn run(command: &mut Command) -> String {
    let output = command.output().expect("run eendracht");
    assert!(output.status.success(), "{:?}: {}", command, String::from_utf8_lossy(&output.stderr));
    String::from_utf8(output.stdout).expect("utf-8")
}

/// Kills the server if the test fails half-way.
pub(crate) struct Server(pub(crate) Child);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Creates the tenant `acme` with its admin; returns the admin's token.
pub(crate) fn bootstrap(database_url: &str) -> String {
    run(eendracht(database_url).args([
        "bootstrap",
        "--tenant",
        "acme",
        "--tenant-name",
        "Acme",
        "--admin-subject",
        "admin",
        "--admin-name",
        "Admin",
    ]));
    let token =
        run(eendracht(database_url).args(["token", "--tenant", "acme", "--subject", "admin"])).trim().to_owned();
    assert!(!token.is_empty());
    token
}

/// Starts `eendracht serve`: the server, its address (`host:port`) and its
/// log lines as they come.
pub(crate) fn start(command: &mut Command) -> (Server, String, mpsc::Receiver<String>) {
    let mut server =
        Server(command.stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().expect("start eendracht serve"));
    let stdout = server.0.stdout.take().expect("stdout");
    let address = BufReader::new(stdout)
        .lines()
        .map_while(Result::ok)
        .find_map(|line| {
            line.strip_prefix("Eendracht GraphQL API: http://")?.strip_suffix("/graphql").map(str::to_owned)
        })
        .expect("the server prints its address");
    let (log_lines, logged) = mpsc::channel::<String>();
    let stderr = server.0.stderr.take().expect("stderr");
    std::thread::spawn(move || {
        for line in BufReader::new(stderr).lines().map_while(Result::ok) {
            if log_lines.send(line).is_err() {
                break;
            }
        }
    });
    (server, address, logged)
}

/// Reads from `stream` until `marker` has been seen; returns what was read.
fn read_until(stream: &mut TcpStream, marker: &str) -> String {
    let mut seen = Vec::new();
    let mut buffer = [0u8; 4096];
    while !String::from_utf8_lossy(&seen).contains(marker) {
        let n = stream.read(&mut buffer).expect("read from the server");
        assert!(n > 0, "connection closed before {marker:?}: {}", String::from_utf8_lossy(&seen));
        seen.extend_from_slice(&buffer[..n]);
    }
    String::from_utf8_lossy(&seen).into_owned()
}

#[test]
fn requests_in_flight_when_sigterm_arrives_complete() {
    let dir = tempfile::tempdir().expect("temp dir");
    let database_url = format!("sqlite://{}?mode=rwc", dir.path().join("e.db").display());
    let token = bootstrap(&database_url);
    let (mut server, address, logged) = start(eendracht(&database_url).args(["serve", "--listen", "127.0.0.1:0"]));

    // The request, all but its body.
    let body = r#"{"query":"query Probe { viewer { person { id } } }","operationName":"Probe"}"#;
    let mut stream = TcpStream::connect(&address).expect("connect");
    stream.set_read_timeout(Some(PATIENCE)).expect("timeout");
    write!(
        stream,
        "POST /graphql HTTP/1.1\r\nHost: {address}\r\nAuthorization: Bearer {token}\r\n\
         Content-Type: application/json\r\nContent-Length: {}\r\nExpect: 100-continue\r\n\
         X-Request-Id: shutdown-probe\r\nConnection: close\r\n\r\n",
        body.len()
    )
    .expect("send the head");
    read_until(&mut stream, "100 Continue\r\n\r\n");

    let status = Command::new("kill").args(["-TERM", &server.0.id().to_string()]).status().expect("kill");
    assert!(status.success());
    let mut lines = Vec::new();
    let deadline = Instant::now() + PATIENCE;
    while !lines.iter().any(|line: &String| line.contains("shutting down")) {
        let line = logged.recv_timeout(deadline.saturating_duration_since(Instant::now())).expect("the shutdown log");
        lines.push(line);
    }

    // The request in flight still completes.
    stream.write_all(body.as_bytes()).expect("send the body");
    let mut response = String::new();
    stream.read_to_string(&mut response).expect("read the response");
    let final_head = response.rsplit("HTTP/1.1 ").next().unwrap_or_default();
    assert!(final_head.starts_with("200"), "{response}");
    let json: Value = serde_json::from_str(&response[response.find("\r\n\r\n{").expect("a body") + 4..])
        .unwrap_or_else(|_| panic!("a JSON body: {response}"));
    assert!(json["errors"].is_null(), "{json:#}");
    assert!(json["data"]["viewer"]["person"]["id"].is_string(), "{json:#}");

    // Then the process stops cleanly and takes no more connections.
    let deadline = Instant::now() + PATIENCE;
    let exit = loop {
        if let Some(exit) = server.0.try_wait().expect("wait") {
            break exit;
        }
        assert!(Instant::now() < deadline, "the server did not stop");
        std::thread::sleep(Duration::from_millis(20));
    };
    assert!(exit.success(), "exit status {exit:?}");
    assert!(TcpStream::connect(&address).is_err(), "no new connections after shutdown");

    // One JSON line for the request, with no token in any line.
    lines.extend(logged.iter());
    let request_line = lines
        .iter()
        .filter_map(|line| serde_json::from_str::<Value>(line).ok())
        .find(|line| line["message"] == "graphql request")
        .unwrap_or_else(|| panic!("a request log line in {lines:#?}"));
    assert_eq!(request_line["level"], "INFO");
    assert_eq!(request_line["request_id"], "shutdown-probe");
    assert_eq!(request_line["tenant"], "acme");
    assert_eq!(request_line["operation"], "Probe");
    assert_eq!(request_line["outcome"], "ok");
    assert!(request_line["duration_ms"].is_u64(), "{request_line}");
    assert!(lines.iter().all(|line| !line.contains(&token)), "tokens never reach the log");
}

/// The flags of `eendracht serve`, parsed as the binary parses them, so the
/// tests below name only what they change.
#[derive(clap::Parser)]
struct Flags {
    #[command(flatten)]
    settings: eendracht::config::Settings,
    #[command(flatten)]
    serve: eendracht::config::ServeSettings,
}

/// The application on a fresh SQLite file, built but not yet serving: the
/// kernel already queues connections on its port.
async fn application(dir: &tempfile::TempDir, flags: &[&str]) -> eendracht::startup::Application {
    use clap::Parser;

    let database_url = format!("sqlite://{}?mode=rwc", dir.path().join("e.db").display());
    let mut args = vec![
        "eendracht",
        "--database-url",
        &database_url,
        "--env",
        "development",
        "--jwt-secret",
        SECRET,
        "--listen",
        "127.0.0.1:0",
        "--webhook-worker",
        "false",
    ];
    args.extend_from_slice(flags);
    let Flags { settings, serve } = Flags::try_parse_from(args).expect("valid flags");
    eendracht::startup::Application::build(&settings, &serve, std::sync::Arc::new(eendracht::clock::SystemClock))
        .await
        .expect("build the application")
}

/// Serves `app` until `stop` fires; `taken` fires from inside the shutdown
/// future, so once it has, the server has seen the signal and stopped
/// accepting.
fn serve_until(
    app: eendracht::startup::Application,
    stop: tokio::sync::oneshot::Receiver<()>,
) -> (tokio::task::JoinHandle<anyhow::Result<()>>, tokio::sync::oneshot::Receiver<()>) {
    let (taken_tx, taken) = tokio::sync::oneshot::channel();
    let server = tokio::spawn(app.run_until_stopped(async move {
        let _ = stop.await;
        let _ = taken_tx.send(());
    }));
    (server, taken)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn requests_waiting_in_the_listen_backlog_when_the_signal_comes_are_all_answered() {
    use tokio::io::AsyncWriteExt;

    use crate::connections::{get, read_until_closed, says_close};

    let dir = tempfile::tempdir().expect("temp dir");
    let app = application(&dir, &[]).await;
    let address = app.local_addr();
    // Twelve requests, sent before the server takes a single connection: the
    // kernel has accepted them into the listen backlog.
    let mut clients = Vec::new();
    for _ in 0..12 {
        let mut client = tokio::net::TcpStream::connect(address).await.expect("connect");
        client.write_all(get("/healthz").as_bytes()).await.expect("request");
        clients.push(client);
    }
    // The signal has come before serving begins.
    let (stop, stopped) = tokio::sync::oneshot::channel();
    let _ = stop.send(());
    let (server, _taken) = serve_until(app, stopped);

    for (i, client) in clients.iter_mut().enumerate() {
        let response = read_until_closed(client).await;
        assert!(response.starts_with("HTTP/1.1 200"), "request {i} was not answered: {response:?}");
        assert!(says_close(&response), "{response}");
    }
    let served = tokio::time::timeout(PATIENCE, server).await.expect("the server stops").expect("joins");
    served.expect("a clean stop");
    assert!(tokio::net::TcpStream::connect(address).await.is_err(), "no new connections after shutdown");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_connection_opened_before_the_signal_has_its_request_answered_and_an_idle_one_is_closed() {
    use tokio::io::AsyncWriteExt;

    use crate::connections::{get, read_response, read_until_closed, says_close};

    let dir = tempfile::tempdir().expect("temp dir");
    let app = application(&dir, &[]).await;
    let address = app.local_addr();
    let (stop, stopped) = tokio::sync::oneshot::channel();
    let (server, taken) = serve_until(app, stopped);

    // A keep-alive connection, answered once and now between requests.
    let mut idle = tokio::net::TcpStream::connect(address).await.expect("connect");
    idle.write_all(get("/healthz").as_bytes()).await.expect("request");
    let first = read_response(&mut idle).await;
    assert!(first.starts_with("HTTP/1.1 200") && !says_close(&first), "{first}");
    // Connections whose requests are not sent yet (taken by the server or
    // still in the backlog: either way they are the server's to answer).
    let mut opened = Vec::new();
    for _ in 0..3 {
        opened.push(tokio::net::TcpStream::connect(address).await.expect("connect"));
    }

    let _ = stop.send(());
    tokio::time::timeout(PATIENCE, taken).await.expect("the signal is taken").expect("taken");

    // The idle connection had nothing left to finish: closed, unanswered.
    let rest = read_until_closed(&mut idle).await;
    assert!(rest.is_empty(), "{rest}");
    // The others send their requests after the signal, and are answered.
    for (i, client) in opened.iter_mut().enumerate() {
        client.write_all(get("/healthz").as_bytes()).await.expect("request");
        let response = read_until_closed(client).await;
        assert!(response.starts_with("HTTP/1.1 200"), "request {i} was not answered: {response:?}");
        assert!(says_close(&response), "{response}");
    }
    let served = tokio::time::timeout(PATIENCE, server).await.expect("the server stops").expect("joins");
    served.expect("a clean stop");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_whole_shutdown_ends_within_the_drain_timeout_whatever_stays_open() {
    use chrono::Utc;
    use eendracht::domain::values::{Name, Slug, Subject};
    use eendracht::startup::DRAIN_TIMEOUT;
    use sea_orm::TransactionTrait;
    use tokio::io::AsyncWriteExt;

    use crate::connections::read_until_closed;

    let dir = tempfile::tempdir().expect("temp dir");
    // Deadlines far beyond the drain: only the drain ends these connections.
    let app =
        application(&dir, &["--header-timeout", "300s", "--body-timeout", "300s", "--idle-timeout", "300s"]).await;
    let address = app.local_addr();
    eendracht::store::tenants::bootstrap(
        app.db(),
        &Slug::parse("acme").expect("slug"),
        &Name::parse("name", "Acme").expect("name"),
        &Subject::parse("subject", "admin").expect("subject"),
        &Name::parse("name", "Admin").expect("name"),
        Utc::now(),
    )
    .await
    .expect("bootstrap");
    let token = crate::helpers::sign_hs(
        SECRET,
        serde_json::json!({ "sub": "admin", "tid": "acme", "exp": crate::helpers::now_secs() + 3600 }),
    );
    // A database connection that stays checked out, so closing the pool waits.
    let held = app.db().connection().begin().await.expect("a transaction");
    let (stop, stopped) = tokio::sync::oneshot::channel();
    let (server, taken) = serve_until(app, stopped);

    // A request in flight that never finishes: its handler reads a body that
    // stops coming (the server's 100 Continue says it is reading).
    let mut in_flight = tokio::net::TcpStream::connect(address).await.expect("connect");
    let head = format!(
        "POST /graphql HTTP/1.1\r\nHost: test\r\nAuthorization: Bearer {token}\r\n\
         Content-Type: application/json\r\nContent-Length: 1000\r\nExpect: 100-continue\r\n\r\n"
    );
    in_flight.write_all(head.as_bytes()).await.expect("the head");
    let mut seen = Vec::new();
    let mut buffer = [0u8; 256];
    while !String::from_utf8_lossy(&seen).contains("100 Continue\r\n\r\n") {
        let n = tokio::time::timeout(PATIENCE, tokio::io::AsyncReadExt::read(&mut in_flight, &mut buffer))
            .await
            .expect("100 Continue in time")
            .expect("read");
        assert!(n > 0, "closed before 100 Continue: {}", String::from_utf8_lossy(&seen));
        seen.extend_from_slice(&buffer[..n]);
    }
    in_flight.write_all(b"{\"query\":").await.expect("a bit of the body");
    // A client that stopped half-way through its request head, and one that
    // never said a thing.
    let mut half = tokio::net::TcpStream::connect(address).await.expect("connect");
    half.write_all(b"GET /healthz HTTP/1.1\r\nHost: test\r\n").await.expect("half a head");
    let mut silent = tokio::net::TcpStream::connect(address).await.expect("connect");

    let signalled = Instant::now();
    let _ = stop.send(());
    tokio::time::timeout(PATIENCE, taken).await.expect("the signal is taken").expect("taken");
    let served = tokio::time::timeout(PATIENCE, server).await.expect("the server stops").expect("joins");
    let took = signalled.elapsed();
    served.expect("a clean stop");
    // The bound is the drain timeout itself; the margin is for scheduling, and
    // below the five seconds the pool alone was once given after a full drain.
    assert!(took < DRAIN_TIMEOUT + Duration::from_secs(2), "the shutdown took {took:?}");
    // Whatever was left open was closed, not left behind.
    for (what, client) in [("in flight", &mut in_flight), ("half a head", &mut half), ("silent", &mut silent)] {
        let rest = read_until_closed(client).await;
        assert!(!rest.contains("HTTP/1.1 200"), "{what}: {rest}");
    }
    drop(held);
}
