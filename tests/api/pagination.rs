//! Keyset pagination: every item exactly once, in creation order, at any page
//! size; bad arguments are BAD_USER_INPUT.

use serde_json::json;

use crate::both;

const PAGE: &str = "query($first: Int, $after: String) { organisations(first: $first, after: $after) {
    totalCount edges { cursor node { id name } } pageInfo { hasNextPage hasPreviousPage endCursor } } }";

both!(walking_250_organisations_returns_each_once_in_order_at_any_page_size, |app| {
    let admin = app.bootstrap("acme", "admin").await;
    let mut created = Vec::new();
    for i in 0..250 {
        let org = app.create_organisation(&admin, &format!("Organisatie {i:03}"), "OTHER").await;
        created.push(org["id"].as_str().expect("id").to_owned());
    }

    for size in [1, 7, 100] {
        let mut seen = Vec::new();
        let mut after: Option<String> = None;
        let mut pages = 0;
        loop {
            let page = app.gql(&admin, PAGE, json!({ "first": size, "after": after })).await;
            let connection = &page["organisations"];
            assert_eq!(connection["totalCount"], 250);
            assert_eq!(connection["pageInfo"]["hasPreviousPage"], after.is_some());
            let edges = connection["edges"].as_array().expect("edges");
            assert!(edges.len() <= size, "page larger than asked");
            seen.extend(edges.iter().map(|e| e["node"]["id"].as_str().expect("id").to_owned()));
            pages += 1;
            if connection["pageInfo"]["hasNextPage"] == false {
                break;
            }
            after = Some(connection["pageInfo"]["endCursor"].as_str().expect("cursor").to_owned());
        }
        assert_eq!(seen, created, "page size {size}: every organisation once, in creation order");
        assert_eq!(pages, 250usize.div_ceil(size), "page size {size}");
    }

    let default_page = app.gql(&admin, PAGE, json!({})).await;
    assert_eq!(default_page["organisations"]["edges"].as_array().map(Vec::len), Some(20), "default page size is 20");
});

both!(bad_page_arguments_are_bad_user_input, |app| {
    let admin = app.bootstrap("acme", "admin").await;
    app.create_organisation(&admin, "Een", "OTHER").await;
    for (first, after) in [
        (json!(0), json!(null)),
        (json!(101), json!(null)),
        (json!(-1), json!(null)),
        (json!(10), json!("garbage")),
        (json!(10), json!("")),
    ] {
        let response = app.gql(&admin, PAGE, json!({ "first": first, "after": after })).await;
        assert_eq!(response.code(), "BAD_USER_INPUT", "first {first}, after {after}");
    }
    let max = app.gql(&admin, PAGE, json!({ "first": 100 })).await;
    assert_eq!(max["organisations"]["totalCount"], 1);
});
