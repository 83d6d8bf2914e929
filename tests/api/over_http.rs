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

crate::both!(automatic_persisted_queries_ask_for_the_text_once, |app| {
    let admin = app.bootstrap("apq", "apq-admin").await;
    let query = "query Me { viewer { person { name } } }";
    let hash = eendracht::http::persisted::hash(query);
    let persisted = json!({ "persistedQuery": { "version": 1, "sha256Hash": hash } });
    // The hash alone, first time: not found, as Apollo's link expects.
    let (_, _, body) = send(&app, &admin, None, json!({ "extensions": persisted })).await;
    assert_eq!(body["errors"][0]["extensions"]["code"], "PERSISTED_QUERY_NOT_FOUND", "{body}");
    assert_eq!(body["errors"][0]["message"], "PersistedQueryNotFound", "{body}");
    // Hash and text together run and register it; then the hash alone does.
    let (_, _, body) = send(&app, &admin, None, json!({ "query": query, "extensions": persisted })).await;
    assert_eq!(body["data"]["viewer"]["person"]["name"], "Admin", "{body}");
    let (_, _, body) = send(&app, &admin, None, json!({ "extensions": persisted })).await;
    assert_eq!(body["data"]["viewer"]["person"]["name"], "Admin", "{body}");
    // A text that is not the hash's is refused.
    let (_, _, body) =
        send(&app, &admin, None, json!({ "query": "{ viewer { tenantRole } }", "extensions": persisted })).await;
    assert_eq!(body["errors"][0]["extensions"]["code"], "BAD_USER_INPUT", "{body}");
});

/// A manifest in the client preset's format with one document.
fn manifest_with(query: &str) -> std::path::PathBuf {
    let path = std::env::temp_dir().join(format!("eendracht-trusted-{}.json", uuid::Uuid::now_v7()));
    let manifest = json!({ format!("sha256:{}", eendracht::http::persisted::hash(query)): query });
    std::fs::write(&path, manifest.to_string()).expect("the manifest");
    path
}

const TRUSTED: &str = "query Me { viewer { person { name } } }";

crate::both_with!(
    trusted_documents_mode_runs_only_the_manifests_operations,
    |serve: &mut eendracht::config::ServeSettings| serve.trusted_documents = Some(manifest_with(TRUSTED)),
    |app| {
        let admin = app.bootstrap("trusted", "trusted-admin").await;
        let hash = eendracht::http::persisted::hash(TRUSTED);
        let by_hash =
            json!({ "extensions": { "persistedQuery": { "version": 1, "sha256Hash": format!("sha256:{hash}") } } });
        let (_, _, body) = send(&app, &admin, None, by_hash).await;
        assert_eq!(body["data"]["viewer"]["person"]["name"], "Admin", "{body}");
        let (_, _, body) = send(&app, &admin, None, json!({ "query": TRUSTED })).await;
        assert_eq!(body["data"]["viewer"]["person"]["name"], "Admin", "{body}");
        let (status, _, body) =
            send(&app, &admin, Some(GRAPHQL_RESPONSE), json!({ "query": "{ viewer { tenantRole } }" })).await;
        assert_eq!(status, 400, "{body}");
        assert_eq!(body["errors"][0]["extensions"]["code"], "PERSISTED_QUERY_NOT_IN_LIST", "{body}");
    }
);

crate::both_with!(
    each_answer_reports_its_cost_and_the_budget_left,
    |serve: &mut eendracht::config::ServeSettings| {
        serve.rate_limits =
            eendracht::config::RateLimits { tenant_points: 10_000, person_points: 1_200, auth_failures: 0 }
    },
    |app| {
        let admin = app.bootstrap("cost", "cost-admin").await;
        let (_, _, body) = send(&app, &admin, None, json!({ "query": "{ viewer { person { name } } }" })).await;
        let cost = &body["extensions"]["cost"];
        // Two objects (viewer, person) asked for and returned; the name is free.
        assert_eq!(cost["requestedQueryCost"], 2, "{body}");
        assert_eq!(cost["actualQueryCost"], 2, "{body}");
        assert_eq!(
            cost["throttleStatus"],
            json!({ "maximumAvailable": 1_200, "currentlyAvailable": 1_198, "restoreRate": 20 }),
            "{body}"
        );
    }
);

crate::both!(a_malformed_date_time_variable_is_refused_naming_its_argument, |app| {
    let world = crate::helpers::net_world(&app, "coerce").await;
    let query = "query($n: ID!, $t: DateTime) { network(id: $n) { health(asOf: $t) { __typename } } }";
    let variables = json!({ "n": world.network, "t": "2026-13-45" });
    let (status, _, body) =
        send(&app, &world.facilitator.token, Some(GRAPHQL_RESPONSE), json!({ "query": query, "variables": variables }))
            .await;
    assert_eq!(status, 400, "{body}");
    assert_eq!(body["errors"][0]["extensions"]["code"], "BAD_USER_INPUT", "{body}");
    assert!(body["errors"][0]["message"].as_str().is_some_and(|m| m.contains("asOf")), "{body}");
});
