//! Execution as the GraphQL specification describes it: a failed non-null
//! field nulls its nearest nullable ancestor, and keys come in selection order.

use serde_json::{Value, json};

use crate::helpers::net_world;

crate::both!(a_failed_non_null_connection_nulls_the_network_rather_than_vanishing, |app| {
    let world = net_world(&app, "nulls").await;
    let answer = app
        .gql(
            &world.facilitator.token,
            "query($id: ID!) { network(id: $id) { name commitments(first: 0) { totalCount } } }",
            json!({ "id": world.network }),
        )
        .await;
    assert_eq!(answer.0["data"], json!({ "network": null }), "{:#}", answer.0);
    assert_eq!(answer.0["errors"][0]["path"], json!(["network", "commitments"]), "{:#}", answer.0);
    assert_eq!(answer.0["errors"][0]["extensions"]["code"], "BAD_USER_INPUT");
});

crate::both!(response_keys_come_in_selection_order_with_fragments_and_aliases, |app| {
    let world = net_world(&app, "order").await;
    let query = "query($id: ID!) {
        network(id: $id) { name charterVersions { version } partners { totalCount } ...More label: purpose }
        viewer { person { name } }
    }
    fragment More on Network { status goals { totalCount } }";
    let response = app
        .post(
            Some(&format!("Bearer {}", world.facilitator.token)),
            json!({ "query": query, "variables": { "id": world.network } }),
        )
        .await;
    let text = response.text().await.expect("a body");
    let body: Value = serde_json::from_str(&text).expect("JSON");
    assert!(body.get("errors").is_none(), "{body:#}");
    let positions: Vec<usize> =
        ["\"name\"", "\"charterVersions\"", "\"partners\"", "\"status\"", "\"goals\"", "\"label\"", "\"viewer\""]
            .iter()
            .map(|key| text.find(key).unwrap_or_else(|| panic!("{key} in {text}")))
            .collect();
    let mut sorted = positions.clone();
    sorted.sort_unstable();
    assert_eq!(positions, sorted, "keys out of selection order: {text}");
});
