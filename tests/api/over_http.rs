//! GraphQL over HTTP (the 2024 specification) and the codes of requests
//! refused before execution.

use serde_json::{Value, json};

async fn send(app: &crate::helpers::TestApp, token: &str, accept: Option<&str>, body: Value) -> (u16, String, Value) {
    let mut request = app.client.post(format!("{}/graphql", app.address)).bearer_auth(token).json(&body);
    if let Some(accept) = accept {
        request = request.header("accept", accept);
    }
    let response = request.send().await.expect("an answer");
    let status = response.status().as_u16();
    let media = response.headers().get("content-type").and_then(|v| v.to_str().ok()).unwrap_or_default().to_owned();
    (status, media, response.json().await.expect("JSON"))
}

const GRAPHQL_RESPONSE: &str = "application/graphql-response+json";

crate::both!(refusals_before_execution_have_their_own_codes_and_statuses, |app| {
    let admin = app.bootstrap("http-spec", "http-spec-admin").await;
    let cases = [
        ("{ viewer { ", "GRAPHQL_PARSE_FAILED"),
        ("{ viewer { noSuchField } }", "GRAPHQL_VALIDATION_FAILED"),
        ("query($n: Int!) { organisations(first: $n) { totalCount } }", "BAD_USER_INPUT"),
    ];
    for (query, code) in cases {
        let variables = json!({ "n": "not a number" });
        // application/json (the default): 200 with `data: null`.
        let (status, media, body) = send(&app, &admin, None, json!({ "query": query, "variables": variables })).await;
        assert_eq!((status, media.as_str()), (200, "application/json"), "{body}");
        assert_eq!(body["errors"][0]["extensions"]["code"], code, "{query}: {body}");
        // The GraphQL over HTTP media type: 400, no `data` at all.
        let (status, media, body) =
            send(&app, &admin, Some(GRAPHQL_RESPONSE), json!({ "query": query, "variables": variables })).await;
        assert_eq!((status, media.as_str()), (400, GRAPHQL_RESPONSE), "{body}");
        assert!(body.get("data").is_none(), "{body}");
        assert_eq!(body["errors"][0]["extensions"]["code"], code, "{query}: {body}");
    }
    // A query that runs is 200 under both, even with a field error in it.
    let (status, media, body) = send(
        &app,
        &admin,
        Some(&format!("{GRAPHQL_RESPONSE}, application/json;q=0.9")),
        json!({ "query": "{ viewer { person { name } } }" }),
    )
    .await;
    assert_eq!((status, media.as_str()), (200, GRAPHQL_RESPONSE), "{body}");
    assert_eq!(body["data"]["viewer"]["person"]["name"], "Admin");
    // 401 stays 401, GraphQL-shaped.
    let (status, media, body) =
        send(&app, "not-a-token", Some(GRAPHQL_RESPONSE), json!({ "query": "{ viewer { id } }" })).await;
    assert_eq!((status, media.as_str()), (401, GRAPHQL_RESPONSE), "{body}");
    assert_eq!(body["errors"][0]["extensions"]["code"], "UNAUTHENTICATED");
});
