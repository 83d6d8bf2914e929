//! The HTTP surface: health, readiness, request ids, GraphiQL in development,
//! JSON-only POSTs, and a production server that will not start without keys.

use std::sync::Arc;

use eendracht::clock::SystemClock;
use eendracht::config::{Environment, Settings};
use eendracht::startup::Application;
use serde_json::json;

use crate::both;

both!(health_and_readiness_answer_and_every_response_has_a_request_id, |app| {
    let healthz = app.client.get(format!("{}/healthz", app.address)).send().await.expect("healthz");
    assert_eq!(healthz.status(), 200);
    assert!(healthz.headers().contains_key("x-request-id"));
    let readyz = app.client.get(format!("{}/readyz", app.address)).send().await.expect("readyz");
    assert_eq!(readyz.status(), 200);

    let graphiql = app.client.get(format!("{}/graphql", app.address)).send().await.expect("graphiql");
    assert_eq!(graphiql.status(), 200);
    assert!(graphiql.text().await.expect("html").contains("graphiql"), "GraphiQL is served in development");

    // A request id sent by the caller is kept, so logs on both sides line up.
    let token = app.bootstrap("acme", "admin").await;
    let response = app
        .client
        .post(format!("{}/graphql", app.address))
        .header("authorization", format!("Bearer {token}"))
        .header("x-request-id", "trace-me-123")
        .json(&json!({ "query": "{ nodez }" }))
        .send()
        .await
        .expect("post");
    assert_eq!(response.headers().get("x-request-id").and_then(|v| v.to_str().ok()), Some("trace-me-123"));
    let body: serde_json::Value = response.json().await.expect("json");
    assert_eq!(body["errors"][0]["extensions"]["requestId"], "trace-me-123");
    assert_eq!(body["errors"][0]["extensions"]["code"], "GRAPHQL_VALIDATION_FAILED");
});

both!(only_json_posts_are_accepted, |app| {
    let token = app.bootstrap("acme", "admin").await;
    let form = app
        .client
        .post(format!("{}/graphql", app.address))
        .header("authorization", format!("Bearer {token}"))
        .header("content-type", "application/x-www-form-urlencoded")
        .body("query=mutation{createPerson(input:{subject:\"x\",name:\"x\"}){person{id}}}")
        .send()
        .await
        .expect("post");
    assert_eq!(form.status(), 415, "a cross-site form cannot post a mutation");
    let not_json = app
        .client
        .post(format!("{}/graphql", app.address))
        .header("authorization", format!("Bearer {token}"))
        .header("content-type", "application/json")
        .body("{ this is not json")
        .send()
        .await
        .expect("post");
    assert_eq!(not_json.status(), 400);
    let body: serde_json::Value = not_json.json().await.expect("json");
    assert_eq!(body["errors"][0]["extensions"]["code"], "BAD_USER_INPUT");
    assert_eq!(app.count("people").await, 1, "nothing was created");
});

#[tokio::test]
async fn production_refuses_to_start_without_explicit_keys() {
    let dir = tempfile::tempdir().expect("temp dir");
    let settings = Settings {
        jwt_secret: None,
        jwt_issuer: None,
        jwt_audience: None,
        ..crate::helpers::production_settings(crate::helpers::sqlite_in(dir.path(), "prod.db"))
    };
    let serve = crate::helpers::serve_settings();
    let error = Application::build(&settings, &serve, Arc::new(SystemClock)).await.err().expect("must refuse");
    assert!(error.to_string().contains("EENDRACHT_JWT_SECRET"), "{error}");
    assert!(!dir.path().join(".eendracht-jwt-secret").exists(), "no secret is generated in production");
}

/// An OPTIONS preflight from `origin` against a server in `environment` with
/// no `EENDRACHT_CORS_ORIGINS`: the `Access-Control-Allow-Origin` it gets.
async fn preflight_without_configured_origins(environment: Environment, origin: &str) -> Option<String> {
    let dir = tempfile::tempdir().expect("temp dir");
    let settings = Settings {
        database_url: format!("sqlite://{}?mode=rwc", dir.path().join("cors.db").display()).into(),
        migration_database_url: None,
        environment,
        jwt_secret: Some(crate::helpers::SECRET.to_owned().into()),
        jwt_public_keys: None,
        jwt_issuer: Some(crate::helpers::ISSUER.to_owned()),
        jwt_audience: Some(crate::helpers::AUDIENCE.to_owned()),
        db_pool_size: None,
    };
    let serve = crate::helpers::serve_settings();
    assert!(serve.cors_origins.is_empty());
    let app = Application::build(&settings, &serve, Arc::new(SystemClock)).await.expect("build");
    let address = format!("http://{}", app.local_addr());
    let (_stop, stopped) = tokio::sync::oneshot::channel::<()>();
    tokio::spawn(app.run_until_stopped(async {
        let _ = stopped.await;
    }));
    let preflight = reqwest::Client::new()
        .request(reqwest::Method::OPTIONS, format!("{address}/graphql"))
        .header("origin", origin)
        .header("access-control-request-method", "POST")
        .header("access-control-request-headers", "authorization,content-type")
        .send()
        .await
        .expect("preflight");
    preflight.headers().get("access-control-allow-origin").map(|v| v.to_str().expect("ascii").to_owned())
}

#[tokio::test]
async fn in_development_a_local_front_end_dev_server_may_call_without_configuration() {
    for origin in ["http://localhost:5173", "http://127.0.0.1:5173", "http://localhost:3000", "http://127.0.0.1:3000"] {
        let allowed = preflight_without_configured_origins(Environment::Development, origin).await;
        assert_eq!(allowed.as_deref(), Some(origin));
    }
    // Only those: another local port, or a site, is still refused.
    assert_eq!(preflight_without_configured_origins(Environment::Development, "http://localhost:8000").await, None);
    assert_eq!(preflight_without_configured_origins(Environment::Development, "https://evil.example").await, None);
}

#[tokio::test]
async fn in_production_no_origin_may_call_unless_configured() {
    assert_eq!(preflight_without_configured_origins(Environment::Production, "http://localhost:5173").await, None);
}
