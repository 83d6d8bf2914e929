//! Connections: one client, or a thousand, must never take the service down.
//! A request head, a request body and the wait between keep-alive requests
//! each have a deadline, and open connections are capped below the open-file
//! limit, so connections beyond the cap wait in the listen backlog while the
//! open ones (and the database) keep working.
//!
//! The clients here speak raw HTTP/1.1 over TCP, so they can stop half-way.
//! Every wait is bounded by [`PATIENCE`], far above the deadlines configured,
//! and the assertions are about what happened (closed, answered, refused),
//! never about how long it took.

use std::io::{Read, Write};
use std::time::{Duration, Instant};

use eendracht::config::ServeSettings;
use serde_json::Value;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

use crate::both_with;
use crate::helpers::TestApp;

/// Generous bound for every wait: a server that never closes or answers
/// fails the test, never hangs it.
pub(crate) const PATIENCE: Duration = Duration::from_secs(30);

const SECOND: Duration = Duration::from_secs(1);

/// `host:port` of a test app.
pub(crate) fn host(app: &TestApp) -> String {
    app.address.trim_start_matches("http://").to_owned()
}

pub(crate) fn get(path: &str) -> String {
    format!("GET {path} HTTP/1.1\r\nHost: test\r\n\r\n")
}

fn graphql(token: &str, query: &str) -> String {
    let body = serde_json::json!({ "query": query }).to_string();
    format!(
        "POST /graphql HTTP/1.1\r\nHost: test\r\nAuthorization: Bearer {token}\r\n\
         Content-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}",
        body.len()
    )
}

/// Everything the server sends until it closes the connection (a reset
/// counts as closed); fails if it is still open after [`PATIENCE`].
pub(crate) async fn read_until_closed(stream: &mut TcpStream) -> String {
    let mut seen = Vec::new();
    let mut buffer = [0u8; 4096];
    let closed = tokio::time::timeout(PATIENCE, async {
        loop {
            match stream.read(&mut buffer).await {
                Ok(0) | Err(_) => break,
                Ok(n) => seen.extend_from_slice(&buffer[..n]),
            }
        }
    })
    .await;
    let seen = String::from_utf8_lossy(&seen).into_owned();
    assert!(closed.is_ok(), "the server kept the connection open for {PATIENCE:?}; it sent {seen:?}");
    seen
}

/// One whole response (head and `Content-Length` body) on a connection that
/// stays open.
pub(crate) async fn read_response(stream: &mut TcpStream) -> String {
    let mut seen = Vec::new();
    let mut buffer = [0u8; 4096];
    let read = tokio::time::timeout(PATIENCE, async {
        loop {
            if let Some(end) = seen.windows(4).position(|w| w == b"\r\n\r\n") {
                let head = String::from_utf8_lossy(&seen[..end]).to_ascii_lowercase();
                let length: usize = head
                    .lines()
                    .find_map(|line| line.strip_prefix("content-length:"))
                    .map(|value| value.trim().parse().expect("a length"))
                    .unwrap_or_else(|| panic!("a response with a Content-Length: {head}"));
                if seen.len() >= end + 4 + length {
                    return;
                }
            }
            let n = stream.read(&mut buffer).await.expect("read a response");
            assert!(n > 0, "closed before a whole response: {:?}", String::from_utf8_lossy(&seen));
            seen.extend_from_slice(&buffer[..n]);
        }
    })
    .await;
    let seen = String::from_utf8_lossy(&seen).into_owned();
    assert!(read.is_ok(), "no whole response within {PATIENCE:?}: {seen:?}");
    seen
}

/// A response's lower-cased head has `Connection: close`.
pub(crate) fn says_close(response: &str) -> bool {
    let head = response.split("\r\n\r\n").next().unwrap_or_default().to_ascii_lowercase();
    head.lines().any(|line| line.starts_with("connection:") && line.contains("close"))
}

async fn connect(app: &TestApp) -> TcpStream {
    TcpStream::connect(host(app)).await.expect("connect")
}

fn short_heads(serve: &mut ServeSettings) {
    serve.header_timeout = SECOND;
}

fn short_bodies(serve: &mut ServeSettings) {
    serve.body_timeout = SECOND;
}

fn short_idle(serve: &mut ServeSettings) {
    serve.header_timeout = SECOND;
    serve.idle_timeout = 6 * SECOND;
}

/// A cap of 20 that nothing else frees: heads and idle waits far longer
/// than the test.
fn small_cap(serve: &mut ServeSettings) {
    serve.max_connections = Some(20);
    serve.header_timeout = 120 * SECOND;
    serve.idle_timeout = 120 * SECOND;
}

fn small_cap_short_heads(serve: &mut ServeSettings) {
    serve.max_connections = Some(20);
    serve.header_timeout = SECOND;
}

both_with!(a_connection_that_sends_half_a_request_head_is_closed, short_heads, |app| {
    let mut stream = connect(&app).await;
    stream.write_all(b"GET /healthz HTTP/1.1\r\nHost: test\r\n").await.expect("half a head");
    let sent = read_until_closed(&mut stream).await;
    assert!(!sent.contains("200 OK"), "a half head is never answered: {sent}");
});

both_with!(a_connection_that_sends_nothing_is_closed, short_heads, |app| {
    let mut stream = connect(&app).await;
    let sent = read_until_closed(&mut stream).await;
    assert!(sent.is_empty(), "{sent}");
});

both_with!(a_request_body_that_stops_half_way_is_answered_408, short_bodies, |app| {
    let token = app.bootstrap("acme", "acme-admin").await;
    let mut stream = connect(&app).await;
    let head = format!(
        "POST /graphql HTTP/1.1\r\nHost: test\r\nAuthorization: Bearer {token}\r\n\
         Content-Type: application/json\r\nContent-Length: 1000\r\n\r\n{{\"query\":"
    );
    stream.write_all(head.as_bytes()).await.expect("the head and a bit");
    let response = read_until_closed(&mut stream).await;
    assert!(response.starts_with("HTTP/1.1 408"), "{response}");
    assert!(says_close(&response), "{response}");
    assert!(response.to_ascii_lowercase().contains("x-request-id:"), "the router's headers stay: {response}");
});

both_with!(a_request_body_that_trickles_in_is_cut_off, short_bodies, |app| {
    // A byte every quarter second: a timeout per read would never fire.
    let token = app.bootstrap("acme", "acme-admin").await;
    let stream = connect(&app).await;
    let (mut reader, mut writer) = stream.into_split();
    let head = format!(
        "POST /graphql HTTP/1.1\r\nHost: test\r\nAuthorization: Bearer {token}\r\n\
         Content-Type: application/json\r\nContent-Length: 1000\r\n\r\n"
    );
    writer.write_all(head.as_bytes()).await.expect("the head");
    let trickle = tokio::spawn(async move {
        for _ in 0..1000 {
            if writer.write_all(b" ").await.is_err() {
                break;
            }
            tokio::time::sleep(Duration::from_millis(250)).await;
        }
    });
    let mut seen = Vec::new();
    let closed = tokio::time::timeout(PATIENCE, reader.read_to_end(&mut seen)).await;
    trickle.abort();
    let seen = String::from_utf8_lossy(&seen);
    assert!(closed.is_ok(), "still open after {PATIENCE:?}: {seen}");
    // The 408 is sent; whether the client reads it before the close depends on
    // when its next byte lands, so closed without a word is right too.
    assert!(seen.is_empty() || seen.starts_with("HTTP/1.1 408"), "{seen}");
});

both_with!(a_keep_alive_connection_waits_its_idle_timeout_for_the_next_request, short_idle, |app| {
    let mut stream = connect(&app).await;
    stream.write_all(get("/healthz").as_bytes()).await.expect("first request");
    assert!(read_response(&mut stream).await.starts_with("HTTP/1.1 200"));

    // Longer than the header timeout, well within the idle timeout: a
    // keep-alive connection is not held to the header timeout between requests.
    tokio::time::sleep(2 * SECOND).await;
    stream.write_all(get("/healthz").as_bytes()).await.expect("second request");
    let second = read_response(&mut stream).await;
    assert!(second.starts_with("HTTP/1.1 200"), "{second}");
    let answered = Instant::now();

    // Then nothing: the server closes it.
    let rest = read_until_closed(&mut stream).await;
    assert!(rest.is_empty(), "{rest}");
    assert!(answered.elapsed() > 2 * SECOND, "closed by the idle timeout (6 s), not the header timeout (1 s)");
});

both_with!(at_the_connection_cap_new_connections_wait_and_open_ones_keep_working, small_cap, |app| {
    let token = app.bootstrap("acme", "acme-admin").await;
    let mut kept = connect(&app).await;
    kept.write_all(get("/healthz").as_bytes()).await.expect("request");
    assert!(read_response(&mut kept).await.starts_with("HTTP/1.1 200"));

    // Twice the cap in connections that never send a thing.
    let mut idle = Vec::new();
    for _ in 0..40 {
        idle.push(connect(&app).await);
    }

    // The connection open before them still answers, database work included.
    kept.write_all(get("/healthz").as_bytes()).await.expect("request");
    assert!(read_response(&mut kept).await.starts_with("HTTP/1.1 200"));
    kept.write_all(graphql(&token, "{ viewer { person { id } } }").as_bytes()).await.expect("query");
    let answer = read_response(&mut kept).await;
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
    let body: Value = serde_json::from_str(answer.split("\r\n\r\n").nth(1).unwrap_or_default()).expect("JSON");
    assert!(body["data"]["viewer"]["person"]["id"].is_string(), "{body}");

    // A new connection waits behind the cap: the kernel holds it, the server
    // does not take it, so nothing answers it.
    let mut fresh = connect(&app).await;
    fresh.write_all(get("/healthz").as_bytes()).await.expect("request");
    let mut buffer = [0u8; 64];
    let early = tokio::time::timeout(SECOND, fresh.read(&mut buffer)).await;
    assert!(early.is_err(), "answered past the cap: {:?}", early.map(|n| n.map(|n| buffer[..n].to_vec())));

    // Once the idle ones go, it is served.
    drop(idle);
    let response = read_response(&mut fresh).await;
    assert!(response.starts_with("HTTP/1.1 200"), "{response}");
});

both_with!(connections_past_the_cap_are_served_once_idle_ones_time_out, small_cap_short_heads, |app| {
    let mut idle = Vec::new();
    for _ in 0..40 {
        idle.push(connect(&app).await);
    }
    let mut fresh = connect(&app).await;
    fresh.write_all(get("/healthz").as_bytes()).await.expect("request");
    let response = read_response(&mut fresh).await;
    assert!(response.starts_with("HTTP/1.1 200"), "{response}");
    drop(idle);
});

/// With the process's open-file limit at 128, 150 connections that send
/// nothing would use up every file descriptor: the listener could accept
/// nothing more and the database could open nothing. Capped below the limit,
/// and each closed by the header timeout, they leave room for a health check
/// and a query on a new connection. Runs the real binary under `ulimit -n`.
#[test]
fn at_a_low_open_file_limit_idle_connections_do_not_shut_out_health_checks_or_queries() {
    use crate::shutdown::{bootstrap, start, with_environment};

    let dir = tempfile::tempdir().expect("temp dir");
    let database_url = format!("sqlite://{}?mode=rwc", dir.path().join("e.db").display());
    let token = bootstrap(&database_url);
    // `eendracht serve` through a shell that lowers the limit first.
    let mut command = std::process::Command::new("/bin/sh");
    with_environment(&mut command, &database_url).args([
        "-c",
        r#"ulimit -n 128 && exec "$0" "$@""#,
        env!("CARGO_BIN_EXE_eendracht"),
        "serve",
        "--listen",
        "127.0.0.1:0",
        "--header-timeout",
        "1s",
    ]);
    let (_server, address, _logged) = start(&mut command);

    let idle: Vec<std::net::TcpStream> =
        (0..150).map(|_| std::net::TcpStream::connect(&address).expect("connect")).collect();

    let ask = |request: String| -> String {
        let mut stream = std::net::TcpStream::connect(&address).expect("connect");
        stream.set_read_timeout(Some(2 * PATIENCE)).expect("timeout");
        stream.write_all(request.as_bytes()).expect("request");
        let mut response = String::new();
        let read = stream.read_to_string(&mut response);
        assert!(read.is_ok(), "no answer: {read:?} after {response:?}");
        response
    };
    let health = ask("GET /healthz HTTP/1.1\r\nHost: test\r\nConnection: close\r\n\r\n".to_owned());
    assert!(health.starts_with("HTTP/1.1 200"), "{health}");
    let query = graphql(&token, "{ viewer { person { id } } }").replacen(
        "Host: test\r\n",
        "Host: test\r\nConnection: close\r\n",
        1,
    );
    let answer = ask(query);
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
    assert!(answer.contains("\"person\":{\"id\":"), "{answer}");
    drop(idle);
}
