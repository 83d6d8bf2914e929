//! Query limits (docs/security.md), each at its default: just under passes,
//! just over is LIMIT_EXCEEDED naming the limit, and the refused request ran no
//! SQL at all (the application's own pool counts its statements). In
//! production the message leaves the numbers out and nothing suggests field names.

use std::sync::Arc;

use chrono::Utc;
use eendracht::clock::SystemClock;
use eendracht::domain::values::{Name, Slug, Subject};
use eendracht::startup::Application;
use eendracht::store::tenants;
use serde_json::{Value, json};

use crate::both;
use crate::helpers::{AUDIENCE, Gql, ISSUER, SECRET, TestApp, now_secs, sign_hs};

/// Ten fields of an organisation, four of them aliases: scalars, which cost
/// nothing beyond the organisation.
const TEN_FIELDS: &str = "id name kind version createdAt updatedAt a: id b: name c: kind d: version";

/// Runs `query` and asserts it was refused as LIMIT_EXCEEDED with a message
/// containing `names`, without a single SQL statement.
async fn refused(app: &TestApp, token: &str, query: &str, names: &str) -> Gql {
    let before = app.app_db.statement_count();
    let response = app.gql(token, query, json!({})).await;
    assert_eq!(app.app_db.statement_count(), before, "no SQL ran for a refused query: {:#}", response.0);
    assert_eq!(response.code(), "LIMIT_EXCEEDED", "{:#}", response.0);
    assert!(response.message().contains(names), "the message names the limit: {:#}", response.0);
    response
}

/// A query nested exactly `depth` fields deep, alternating organisation and
/// partnership from `node(id:)` down.
fn nested(organisation: &str, depth: usize) -> String {
    let mut inner = String::from("id");
    for level in (2..depth).rev() {
        // Levels 2, 4, … select on an organisation, 3, 5, … on a partnership.
        inner =
            if level % 2 == 0 { format!("partnerships {{ {inner} }}") } else { format!("organisation {{ {inner} }}") };
    }
    format!("{{ node(id: \"{organisation}\") {{ ... on Organisation {{ {inner} }} }} }}")
}

both!(depth_is_limited_to_ten_levels, |app| {
    let admin = app.bootstrap("acme", "admin").await;
    let org =
        app.create_organisation(&admin, "Woonstad", "HOUSING_CORPORATION").await["id"].as_str().expect("id").to_owned();
    let ten = app.gql(&admin, &nested(&org, 10), json!({})).await;
    assert_eq!(ten["node"]["partnerships"], json!([]), "ten levels pass");
    let eleven = refused(&app, &admin, &nested(&org, 11), "nested too deep").await;
    assert!(eleven.message().contains("at most 10 levels"), "{}", eleven.message());
});

/// A page of `first` organisations, each with a page of `positions` of
/// its positions: 1 + first × (1 + 1 + positions) points.
fn organisations_with_positions(first: usize, positions: usize) -> String {
    format!(
        "{{ organisations(first: {first}) {{ nodes {{ {TEN_FIELDS} positions(first: {positions}) {{ totalCount nodes {{ id }} }} }} }} }}"
    )
}

both!(cost_is_limited_to_a_thousand_points, |app| {
    let admin = app.bootstrap("acme", "admin").await;
    app.create_organisation(&admin, "Woonstad", "HOUSING_CORPORATION").await;
    // 1 + 100 × (1 + 1 + 7) = 901 passes; 1 + 100 × (1 + 1 + 8) = 1,001 does not.
    let under = app.gql(&admin, &organisations_with_positions(100, 7), json!({})).await;
    assert_eq!(under["organisations"]["nodes"].as_array().map(Vec::len), Some(1));
    let over = refused(&app, &admin, &organisations_with_positions(100, 8), "costs 1001 points").await;
    assert!(over.message().contains("at most 1000"), "{}", over.message());
    // The same `first` given as a variable is counted the same.
    let by_variable =
        "query($n: Int) { organisations(first: 100) { nodes { positions(first: $n) { nodes { id } } } } }";
    let before = app.app_db.statement_count();
    let over = app.gql(&admin, by_variable, json!({ "n": 8 })).await;
    assert_eq!((over.code(), app.app_db.statement_count()), ("LIMIT_EXCEEDED", before), "{:#}", over.0);
    app.gql(&admin, by_variable, json!({ "n": 7 })).await.data();
});

both!(scalars_are_free_and_a_connection_costs_first_times_its_items, |app| {
    let admin = app.bootstrap("acme", "admin").await;
    app.create_organisation(&admin, "Woonstad", "HOUSING_CORPORATION").await;
    // A thousand scalar fields cost nothing beyond their object.
    let wide = format!("{{ viewer {{ {} }} }}", "tenantRole ".repeat(1_000));
    let cost = &app.gql(&admin, &wide, json!({})).await.0["extensions"]["cost"];
    assert_eq!(cost["requestedQueryCost"], 1, "{cost}");
    // Without `first` a connection costs its default page of 20: 1 + 20 × (1 + 1 + 20).
    let page = format!("{{ organisations {{ nodes {{ {TEN_FIELDS} positions {{ nodes {{ id }} }} }} }} }}");
    let cost = &app.gql(&admin, &page, json!({})).await.0["extensions"]["cost"];
    assert_eq!(cost["requestedQueryCost"], 1 + 20 * 22, "{cost}");
    // Edges and pageInfo are bookkeeping: `edges { node }` costs what `nodes` does.
    let edges = "{ organisations(first: 10) { pageInfo { hasNextPage } edges { cursor node { id } } } }";
    let cost = &app.gql(&admin, edges, json!({})).await.0["extensions"]["cost"];
    assert_eq!(cost["requestedQueryCost"], 11, "{cost}");
});

both!(nodes_costs_the_number_of_ids, |app| {
    let admin = app.bootstrap("acme", "admin").await;
    let org =
        app.create_organisation(&admin, "Woonstad", "HOUSING_CORPORATION").await["id"].as_str().expect("id").to_owned();
    let nodes = |count: usize| {
        let ids = vec![format!("\"{org}\""); count].join(", ");
        format!("{{ nodes(ids: [{ids}]) {{ id ... on Organisation {{ positions(first: 9) {{ nodes {{ id }} }} }} }} }}")
    };
    // 90 × (1 + 1 + 9) = 990 passes; 91 × 11 = 1,001 does not.
    let under = app.gql(&admin, &nodes(90), json!({})).await;
    assert_eq!(under["nodes"].as_array().map(Vec::len), Some(90));
    refused(&app, &admin, &nodes(91), "costs 1001 points").await;
    // At most 100 ids, in the query or in its variables.
    let cheap = |count: usize| format!("{{ nodes(ids: [{}]) {{ id }} }}", vec![format!("\"{org}\""); count].join(", "));
    assert_eq!(app.gql(&admin, &cheap(100), json!({})).await["nodes"].as_array().map(Vec::len), Some(100));
    let over = refused(&app, &admin, &cheap(101), "input list").await;
    assert_eq!(over.message(), "an input list has 101 items; at most 100 are allowed");
    let by_variable = "query($ids: [ID!]!) { nodes(ids: $ids) { id } }";
    let hundred = app.gql(&admin, by_variable, json!({ "ids": vec![org.clone(); 100] })).await;
    assert_eq!(hundred["nodes"].as_array().map(Vec::len), Some(100));
    let before = app.app_db.statement_count();
    let over = app.gql(&admin, by_variable, json!({ "ids": vec![org.clone(); 101] })).await;
    assert_eq!(app.app_db.statement_count(), before, "no SQL ran");
    assert_eq!(over.code(), "LIMIT_EXCEEDED");
});

both!(aliases_are_limited_to_fifteen_fragments_included, |app| {
    let admin = app.bootstrap("acme", "admin").await;
    let aliased = |direct: usize, spreads: usize| {
        let fields: String = (0..direct).map(|i| format!("a{i}: viewer {{ __typename }} ")).collect();
        let fragment = if spreads > 0 { "fragment F on Query { f: viewer { __typename } }" } else { "" };
        format!("{{ {fields}{} }} {fragment}", "...F ".repeat(spreads))
    };
    app.gql(&admin, &aliased(15, 0), json!({})).await.data();
    app.gql(&admin, &aliased(14, 1), json!({})).await.data();
    let over = refused(&app, &admin, &aliased(16, 0), "aliases").await;
    assert_eq!(over.message(), "the query has 16 aliases; at most 15 are allowed");
    // A fragment's aliases count for every spread of it.
    refused(&app, &admin, &aliased(14, 2), "16 aliases").await;
});

both!(the_query_text_is_limited_to_fifteen_thousand_characters, |app| {
    let admin = app.bootstrap("acme", "admin").await;
    let padded = |length: usize| {
        let query = "{ viewer { __typename } }\n#";
        // Characters, not bytes: "é" is two bytes in UTF-8.
        format!("{query}{}", "é".repeat(length - query.len()))
    };
    app.gql(&admin, &padded(15_000), json!({})).await.data();
    let over = refused(&app, &admin, &padded(15_001), "characters").await;
    assert_eq!(over.message(), "the query has 15001 characters; at most 15000 are allowed");
});

both!(directives_are_limited_to_three_per_field, |app| {
    let admin = app.bootstrap("acme", "admin").await;
    let with = |directives: &str| format!("{{ viewer {{ __typename {directives} }} }}");
    let two = app.gql(&admin, &with("@include(if: true) @skip(if: false)"), json!({})).await;
    assert_eq!(two["viewer"]["__typename"], "Viewer");
    let three = app.gql(&admin, &with("@include(if: true) @skip(if: false) @include(if: true)"), json!({})).await;
    assert_eq!(three["viewer"]["__typename"], "Viewer");
    let four = "@include(if: true) @skip(if: false) @include(if: true) @skip(if: false)";
    let over = refused(&app, &admin, &with(four), "directives").await;
    assert_eq!(over.message(), "the field `__typename` has 4 directives; at most 3 are allowed per field");
});

both!(a_batch_holds_at_most_ten_operations, |app| {
    let admin = app.bootstrap("acme", "admin").await;
    let batch = |operations: usize| Value::Array(vec![json!({ "query": "{ viewer { __typename } }" }); operations]);
    let authorization = format!("Bearer {admin}");
    let ten: Value = app.post(Some(&authorization), batch(10)).await.json().await.expect("json");
    assert_eq!(ten.as_array().map(Vec::len), Some(10), "{ten:#}");
    let before = app.app_db.statement_count();
    let response = app.post(Some(&authorization), batch(11)).await;
    assert_eq!(response.status(), 200);
    let eleven = Gql(response.json().await.expect("json"));
    assert_eq!(app.app_db.statement_count(), before, "no SQL ran");
    assert_eq!(eleven.code(), "LIMIT_EXCEEDED");
    assert_eq!(eleven.message(), "the batch has 11 operations; at most 10 are allowed");
});

both!(a_request_runs_one_mutation, |app| {
    let admin = app.bootstrap("acme", "admin").await;
    let create = |alias: &str| {
        format!("{alias}: createOrganisation(input: {{ name: \"{alias}\", kind: OTHER }}) {{ organisation {{ id }} }}")
    };
    let organisations = app.count("organisations").await;
    app.gql(&admin, &format!("mutation {{ {} __typename }}", create("een")), json!({})).await.data();
    let two = format!("mutation {{ {} {} }}", create("twee"), create("drie"));
    let over = refused(&app, &admin, &two, "mutation").await;
    assert_eq!(over.message(), "the operation has 2 mutation fields; send one mutation per request");
    // Through a fragment too.
    let fragment = format!("mutation {{ ...M }} fragment M on Mutation {{ {} {} }}", create("vier"), create("vijf"));
    refused(&app, &admin, &fragment, "mutation").await;
    assert_eq!(app.count("organisations").await, organisations + 1, "only the single mutation wrote");
});

/// Production leaves the numbers out of limit errors and suggests no field names.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn production_names_limits_without_numbers_and_suggests_nothing() {
    let dir = tempfile::tempdir().expect("temp dir");
    let settings = crate::helpers::production_settings(crate::helpers::sqlite_in(dir.path(), "prod.db"));
    let serve = crate::helpers::serve_settings();
    let app = Application::build(&settings, &serve, Arc::new(SystemClock)).await.expect("production app");
    let address = format!("http://{}/graphql", app.local_addr());
    tenants::bootstrap(
        app.db(),
        &Slug::parse("acme").expect("slug"),
        &Name::parse("name", "Acme").expect("name"),
        &Subject::parse("subject", "admin").expect("subject"),
        &Name::parse("name", "Admin").expect("name"),
        Utc::now(),
    )
    .await
    .expect("bootstrap");
    let token = sign_hs(
        SECRET,
        json!({ "sub": "admin", "tid": "acme", "iss": ISSUER, "aud": AUDIENCE, "exp": now_secs() + 3600 }),
    );
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(app.run_until_stopped(async {
        let _ = stopped.await;
    }));
    let client = reqwest::Client::new();
    let ask = |query: String| {
        let request = client.post(&address).bearer_auth(&token).json(&json!({ "query": query }));
        async move { Gql(request.send().await.expect("answer").json().await.expect("json")) }
    };

    let aliases: String = (0..16).map(|i| format!("a{i}: viewer {{ __typename }} ")).collect();
    let cases = [
        (format!("{{ {aliases} }}"), "the query has too many aliases"),
        (organisations_with_positions(100, 8), "the query asks for too much at once"),
        (format!("{{ viewer {{ __typename }} }}#{}", "x".repeat(15_000)), "the query is too long"),
    ];
    for (query, message) in cases {
        let response = ask(query).await;
        assert_eq!(response.code(), "LIMIT_EXCEEDED");
        assert_eq!(response.message(), message);
    }
    let misspelt = ask("{ viewr { __typename } }".to_owned()).await;
    assert_eq!(misspelt.code(), "GRAPHQL_VALIDATION_FAILED");
    assert!(!misspelt.message().to_lowercase().contains("did you mean"), "{}", misspelt.message());

    let _ = stop.send(());
    let _ = server.await;
}
