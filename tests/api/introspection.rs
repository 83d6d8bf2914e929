//! The standard introspection queries of GraphQL tools pass under the default
//! limits (their texts pinned in tests/fixtures/introspection), while
//! introspection stays bounded and the depth limit for data holds.

use serde_json::json;

fn fixture(name: &str) -> String {
    std::fs::read_to_string(crate::helpers::fixture(&format!("introspection/{name}"))).expect("the fixture")
}

crate::both!(the_standard_introspection_queries_pass_the_default_limits, |app| {
    let admin = app.bootstrap("introspect", "introspect-admin").await;
    for name in ["graphql-js.graphql", "python-graphql-core.graphql"] {
        let answer = app.gql(&admin, &fixture(name), json!({})).await;
        assert!(answer.0.get("errors").is_none(), "{name}: {:#}", answer.0);
        let types = answer.0["data"]["__schema"]["types"].as_array().expect("types");
        assert!(types.iter().any(|t| t["name"] == "Network"), "{name}: Network is described");
        let query_type = &answer.0["data"]["__schema"]["queryType"]["name"];
        assert_eq!(query_type, "Query", "{name}");
    }
});

crate::both!(introspection_is_bounded_on_its_own, |app| {
    let admin = app.bootstrap("introspect-deep", "introspect-deep-admin").await;
    let of_type = |levels: usize| format!("{}name{}", "ofType { ".repeat(levels), " }".repeat(levels));
    let fits = format!("{{ __type(name: \"Network\") {{ fields {{ type {{ {} }} }} }} }}", of_type(18));
    let answer = app.gql(&admin, &fits, json!({})).await;
    assert!(answer.0.get("errors").is_none(), "{:#}", answer.0);
    let too_deep = format!("{{ __type(name: \"Network\") {{ fields {{ type {{ {} }} }} }} }}", of_type(30));
    let answer = app.gql(&admin, &too_deep, json!({})).await;
    assert_eq!(answer.code(), "LIMIT_EXCEEDED", "{:#}", answer.0);
    assert!(answer.message().contains("introspection"), "{}", answer.message());
    // Introspection nested inside data does not lift the data's depth limit.
    let data = "{ viewer { person { positions { nodes { organisation { governingBodies { members { person { positions { nodes { id } } } } } } } } } } }";
    let answer = app.gql(&admin, data, json!({})).await;
    assert_eq!(answer.code(), "LIMIT_EXCEEDED", "{:#}", answer.0);
});
