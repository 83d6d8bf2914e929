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

/// Every relation the schema has non-null because whoever sees the parent
/// sees it too, asked for by each of the demo's people and an API client.
const RELATIONS: &str = "{
  networks(first: 2) { nodes { id
    followThrough { organisation { id } }
    alignmentRounds(first: 5) { nodes { network { id } results { partners { organisation { id } } } } }
    partners(status: [INVITED, ACTIVE, LEFT], first: 10) { nodes { organisation { id }
      representatives(includeEnded: true) { partnership { id } } expectations { partnership { id } } } }
    goals(first: 10) { nodes { network { id } } }
    commitments(first: 20) { nodes { network { id } lead { id } parties { organisation { id } }
      ratifications { commitment { id } organisation { id } body { organisation { id } } } } }
    health { backing { partners { organisation { id } } } }
  } }
  organisations(first: 10) { nodes { governingBodies { organisation { id } }
    positions(includeEnded: true, first: 5) { nodes { organisation { id } } } partnerships { organisation { id } } } }
  viewer { pendingDecisions { commitment { id } organisation { id } body { id } } }
}";

crate::both!(relations_that_always_exist_are_present_for_every_role_and_an_api_client, |app| {
    let demo = eendracht::demo::load(&app.db, app.clock_now()).await.expect("the demo loads");
    let mut tokens: Vec<(String, String)> =
        demo.people.iter().map(|person| (person.role.to_owned(), app.token("demo", person.subject))).collect();
    // An API client of the director's organisation.
    let director = &tokens.iter().find(|(role, _)| role == "director").expect("a director").1.clone();
    let organisations = app.ok(director, "{ organisations(first: 20) { nodes { id name } } }", json!({})).await;
    let organisation = organisations["organisations"]["nodes"]
        .as_array()
        .expect("organisations")
        .iter()
        .find(|organisation| organisation["name"] == "Woonstichting De Linge")
        .expect("the director's organisation")["id"]
        .clone();
    let created = app
        .ok(
            director,
            "mutation($o: ID!) { createApiClient(input: { organisationId: $o, name: \"Portal\" }) { clientId clientSecret } }",
            json!({ "o": organisation }),
        )
        .await;
    let form = [
        ("grant_type", "client_credentials"),
        ("client_id", created["createApiClient"]["clientId"].as_str().expect("id")),
        ("client_secret", created["createApiClient"]["clientSecret"].as_str().expect("secret")),
    ];
    let response = app.client.post(format!("{}/oauth/token", app.address)).form(&form).send().await.expect("token");
    let body: Value = response.json().await.expect("json");
    tokens.push(("api client".to_owned(), body["access_token"].as_str().expect("access_token").to_owned()));

    for (role, token) in &tokens {
        let answer = app.gql(token, RELATIONS, json!({})).await;
        assert!(answer.0.get("errors").is_none(), "{role}: {:#}", answer.0);
        assert!(!answer["networks"]["nodes"].as_array().expect("networks").is_empty(), "{role} sees the network");
    }
    // Who is signed in, without an error for the API client.
    let (_, client) = tokens.last().expect("the API client");
    let viewer = app.gql(client, "{ viewer { signedInPerson { name } apiClient { name } } }", json!({})).await;
    assert!(viewer.0.get("errors").is_none(), "{:#}", viewer.0);
    assert_eq!(viewer["viewer"], json!({ "signedInPerson": null, "apiClient": { "name": "Portal" } }));
    let person = app.gql(director, "{ viewer { signedInPerson { name } apiClient { name } } }", json!({})).await;
    assert_eq!(person["viewer"], json!({ "signedInPerson": { "name": "Marco de Graaf" }, "apiClient": null }));
});
