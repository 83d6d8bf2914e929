//! Observability and browser safety: `/metrics` counts requests by operation
//! and outcome, every response carries the security headers, CORS answers the
//! configured origins only, and GET never executes an operation.

use std::sync::Arc;

use clap::Parser;
use eendracht::clock::SystemClock;
use eendracht::config::{Environment, ServeSettings, Settings};
use eendracht::startup::Application;
use serde_json::json;

use crate::both;
use crate::helpers::{AUDIENCE, ISSUER, SECRET};

/// The value of one sample line (`name{labels} value`) of a Prometheus text.
fn sample(text: &str, series: &str) -> Option<f64> {
    text.lines().find_map(|line| line.strip_prefix(series)?.strip_prefix(' ')?.trim().parse().ok())
}

async fn scrape(address: &str) -> String {
    let response = reqwest::get(format!("{address}/metrics")).await.expect("metrics");
    assert_eq!(response.status(), 200);
    let content_type = response.headers().get("content-type").and_then(|v| v.to_str().ok()).unwrap_or_default();
    assert!(content_type.starts_with("text/plain; version=0.0.4"), "{content_type}");
    response.text().await.expect("text")
}

both!(metrics_count_requests_by_operation_and_outcome, |app| {
    let token = app.bootstrap("acme", "admin").await;
    let bearer = format!("Bearer {token}");
    for _ in 0..2 {
        let response = app
            .post(
                Some(&bearer),
                json!({ "query": "query Whoami { viewer { person { id } } }", "operationName": "Whoami" }),
            )
            .await;
        assert_eq!(response.status(), 200);
    }
    // A validation error, a request without a token, and a client-chosen name
    // that is not a plain GraphQL name.
    app.post(Some(&bearer), json!({ "query": "{ nodez }" })).await;
    assert_eq!(app.post(None, json!({ "query": "{ viewer { person { id } } }" })).await.status(), 401);
    app.post(
        Some(&bearer),
        json!({ "query": "query Whoami { viewer { person { id } } }", "operationName": "not a name; DROP" }),
    )
    .await;

    let text = scrape(&app.address).await;
    assert_eq!(sample(&text, r#"eendracht_requests_total{operation="Whoami",outcome="ok"}"#), Some(2.0), "{text}");
    assert_eq!(
        sample(&text, r#"eendracht_requests_total{operation="anonymous",outcome="GRAPHQL_VALIDATION_FAILED"}"#),
        Some(1.0),
        "{text}"
    );
    assert_eq!(
        sample(&text, r#"eendracht_requests_total{operation="unknown",outcome="UNAUTHENTICATED"}"#),
        Some(1.0),
        "{text}"
    );
    assert!(text.contains(r#"eendracht_requests_total{operation="other","#), "{text}");
    assert!(!text.contains("DROP"), "client text never becomes a label: {text}");
    assert_eq!(sample(&text, r#"eendracht_request_duration_seconds_count{operation="Whoami"}"#), Some(2.0), "{text}");
    assert!(sample(&text, "eendracht_statements_total").is_some_and(|n| n > 0.0), "{text}");
    assert!(sample(&text, "eendracht_db_pool_connections_max").is_some_and(|n| n >= 1.0), "{text}");
    assert!(sample(&text, "eendracht_db_pool_connections_in_use").is_some(), "{text}");
    assert!(sample(&text, "eendracht_db_pool_connections_idle").is_some(), "{text}");
    assert_eq!(sample(&text, "eendracht_rate_limit_rejections_total"), Some(0.0), "{text}");
});

both!(every_response_carries_the_security_headers, |app| {
    let token = app.bootstrap("acme", "admin").await;
    let graphql = app.post(Some(&format!("Bearer {token}")), json!({ "query": "{ viewer { person { id } } }" })).await;
    let healthz = app.client.get(format!("{}/healthz", app.address)).send().await.expect("healthz");
    let missing = app.client.get(format!("{}/no-such-page", app.address)).send().await.expect("404");
    assert_eq!(missing.status(), 404);
    for response in [&graphql, &healthz, &missing] {
        let headers = response.headers();
        assert_eq!(headers["x-content-type-options"], "nosniff");
        assert_eq!(headers["referrer-policy"], "no-referrer");
        assert_eq!(headers["x-frame-options"], "DENY");
        assert_eq!(headers["content-security-policy"], "default-src 'none'; frame-ancestors 'none'");
    }
    assert_eq!(graphql.headers()["cache-control"], "no-store", "GraphQL answers are never cached");

    // GraphiQL (development) loads its scripts from this server only; it still may not be framed.
    let graphiql = app.client.get(format!("{}/graphql", app.address)).send().await.expect("graphiql");
    let csp = graphiql.headers()["content-security-policy"].to_str().expect("ascii").to_owned();
    assert!(!csp.contains("https://") && csp.contains("frame-ancestors 'none'"), "{csp}");
});

both!(cors_preflight_from_an_origin_that_is_not_configured_is_not_allowed, |app| {
    let preflight = app
        .client
        .request(reqwest::Method::OPTIONS, format!("{}/graphql", app.address))
        .header("origin", "https://evil.example")
        .header("access-control-request-method", "POST")
        .header("access-control-request-headers", "authorization,content-type")
        .send()
        .await
        .expect("preflight");
    assert!(!preflight.headers().contains_key("access-control-allow-origin"));
});

both!(a_get_carrying_a_mutation_never_executes_it, |app| {
    let people = app.count("people").await;
    let response = app
        .client
        .get(format!("{}/graphql", app.address))
        .query(&[("query", "mutation { createPerson(input: {subject: \"x\", name: \"X\"}) { person { id } } }")])
        .header("authorization", format!("Bearer {}", app.token("acme", "admin")))
        .send()
        .await
        .expect("get");
    // Development answers with GraphiQL's page, whatever the query string says.
    assert_eq!(response.status(), 200);
    assert!(response.text().await.expect("html").contains("graphiql"));
    assert_eq!(app.count("people").await, people, "nothing was created");
});

/// `serve`'s settings as the command line would give them.
#[derive(Parser)]
struct Serve {
    #[command(flatten)]
    serve: ServeSettings,
}

/// A server on a fresh SQLite file with the given environment and CORS origins:
/// (address, temp dir to keep, shutdown sender to keep).
async fn spawn(
    environment: Environment,
    cors_origins: &str,
) -> anyhow::Result<(String, tempfile::TempDir, tokio::sync::oneshot::Sender<()>)> {
    let dir = tempfile::tempdir()?;
    let settings = Settings {
        database_url: format!("sqlite://{}?mode=rwc", dir.path().join("e.db").display()).into(),
        migration_database_url: None,
        environment,
        jwt_secret: Some(SECRET.to_owned().into()),
        jwt_public_keys: None,
        jwt_issuer: Some(ISSUER.to_owned()),
        jwt_audience: Some(AUDIENCE.to_owned()),
        db_pool_size: None,
    };
    let serve = Serve::try_parse_from(["serve", "--listen", "127.0.0.1:0", "--cors-origins", cors_origins])?.serve;
    let app = Application::build(&settings, &serve, Arc::new(SystemClock)).await?;
    let address = format!("http://{}", app.local_addr());
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    tokio::spawn(app.run_until_stopped(async {
        let _ = stopped.await;
    }));
    Ok((address, dir, stop))
}

#[tokio::test]
async fn cors_preflight_from_a_configured_origin_is_answered() {
    let (address, _dir, _stop) =
        spawn(Environment::Development, "https://app.example.org,https://admin.example.org").await.expect("spawn");
    let client = reqwest::Client::new();
    let preflight = |origin: &'static str| {
        client
            .request(reqwest::Method::OPTIONS, format!("{address}/graphql"))
            .header("origin", origin)
            .header("access-control-request-method", "POST")
            .header("access-control-request-headers", "authorization,content-type")
            .send()
    };
    let allowed = preflight("https://admin.example.org").await.expect("preflight");
    assert!(allowed.status().is_success());
    let headers = allowed.headers();
    assert_eq!(headers["access-control-allow-origin"], "https://admin.example.org");
    let methods = headers["access-control-allow-methods"].to_str().expect("ascii");
    assert!(methods.contains("POST") && methods.contains("GET"), "{methods}");
    let allowed_headers = headers["access-control-allow-headers"].to_str().expect("ascii");
    assert!(allowed_headers.contains("authorization") && allowed_headers.contains("content-type"));
    assert!(!headers.contains_key("access-control-allow-credentials"), "bearer tokens need no credentials");

    let refused = preflight("https://evil.example").await.expect("preflight");
    assert!(!refused.headers().contains_key("access-control-allow-origin"));
}

#[tokio::test]
async fn a_wildcard_cors_origin_is_refused_at_startup() {
    let error = spawn(Environment::Development, "*").await.expect_err("must refuse");
    assert!(error.to_string().contains("EENDRACHT_CORS_ORIGINS"), "{error}");
}

#[tokio::test]
async fn production_has_no_get_route_that_could_run_an_operation() {
    let (address, _dir, _stop) = spawn(Environment::Production, "").await.expect("spawn");
    let response = reqwest::Client::new()
        .get(format!("{address}/graphql"))
        .query(&[("query", "mutation { createPerson(input: {subject: \"x\", name: \"X\"}) { person { id } } }")])
        .send()
        .await
        .expect("get");
    assert_eq!(response.status(), 405);
}

/// Logs redirected to a file or a collector are plain text: colour codes are
/// for a person at a terminal only.
#[test]
fn log_lines_carry_no_colour_codes_when_stderr_is_not_a_terminal() {
    use std::io::{BufRead, BufReader};
    use std::process::{Command, Stdio};

    let dir = tempfile::tempdir().expect("temp dir");
    let database_url = format!("sqlite://{}?mode=rwc", dir.path().join("plain.db").display());
    let mut command = Command::new(env!("CARGO_BIN_EXE_eendracht"));
    crate::shutdown::with_environment(&mut command, &database_url)
        .env("EENDRACHT_ENV", "development")
        .env("EENDRACHT_LISTEN", "127.0.0.1:0")
        .arg("serve")
        .stdout(Stdio::null())
        .stderr(Stdio::piped());
    let mut server = crate::shutdown::Server(command.spawn().expect("start eendracht"));
    let stderr = server.0.stderr.take().expect("stderr");
    let mut lines = Vec::new();
    for line in BufReader::new(stderr).lines() {
        let line = line.expect("a line of the log");
        let listening = line.contains("listening");
        lines.push(line);
        if listening {
            break;
        }
    }
    assert!(lines.iter().any(|line| line.contains("listening")), "{lines:#?}");
    assert!(lines.iter().all(|line| !line.contains('\u{1b}')), "colour codes in a redirected log: {lines:#?}");
}
