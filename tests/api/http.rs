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
        database_url: format!("sqlite://{}?mode=rwc", dir.path().join("prod.db").display()),
        migration_database_url: None,
        environment: Environment::Production,
        jwt_secret: None,
        jwt_public_keys: None,
        jwt_issuer: None,
        jwt_audience: None,
        db_pool_size: None,
    };
    let serve = crate::helpers::serve_settings();
    let error = Application::build(&settings, &serve, Arc::new(SystemClock)).await.err().expect("must refuse");
    assert!(error.to_string().contains("EENDRACHT_JWT_SECRET"), "{error}");
    assert!(!dir.path().join(".eendracht-jwt-secret").exists(), "no secret is generated in production");
}
