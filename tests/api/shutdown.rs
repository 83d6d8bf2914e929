//! Shutdown: requests in flight when SIGTERM arrives complete; then the
//! process exits 0 and accepts no more connections. Runs the real binary on a
//! temp SQLite file, in production mode so its log lines are JSON.
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

fn eendracht(database_url: &str) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_eendracht"));
    command
        .env_clear()
        .env("DATABASE_URL", database_url)
        .env("EENDRACHT_ENV", "production")
        .env("EENDRACHT_JWT_SECRET", SECRET)
        .env("RUST_LOG", "info");
    command
}

fn run(command: &mut Command) -> String {
    let output = command.output().expect("run eendracht");
    assert!(output.status.success(), "{:?}: {}", command, String::from_utf8_lossy(&output.stderr));
    String::from_utf8(output.stdout).expect("utf-8")
}

/// Kills the server if the test fails half-way.
struct Server(Child);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
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
    run(eendracht(&database_url).args([
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
        run(eendracht(&database_url).args(["token", "--tenant", "acme", "--subject", "admin"])).trim().to_owned();
    assert!(!token.is_empty());

    let mut server = Server(
        eendracht(&database_url)
            .args(["serve", "--listen", "127.0.0.1:0"])
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("start eendracht serve"),
    );
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
