//! Every mutation writes exactly one event, in its transaction, with a wire
//! name and no personal data.

use sea_orm::{ConnectionTrait, Statement};
use serde_json::json;

use crate::both;
use crate::helpers::{TestApp, world};

async fn last_event(app: &TestApp) -> (String, String) {
    let row = app
        .db
        .connection()
        .query_one_raw(Statement::from_string(
            app.sql_backend(),
            "SELECT kind, payload FROM events ORDER BY id DESC LIMIT 1".to_owned(),
        ))
        .await
        .expect("query")
        .expect("an event");
    let kind: String = row.try_get("", "kind").expect("kind");
    let payload: serde_json::Value = row.try_get("", "payload").expect("payload");
    (kind, payload.to_string())
}

both!(every_mutation_writes_exactly_one_event, |app| {
    let w = world(&app, "acme").await;
    let position = app.assign(&w.admin, &w.staff_b, &w.org_a, "STAFF").await;
    let org = app
        .gql(
            &w.admin,
            "query($o: ID!) { node(id: $o) { ... on Organisation { governingBodies { id } } } }",
            json!({ "o": w.org_a }),
        )
        .await;
    let board = org["node"]["governingBodies"][0]["id"].clone();

    let mutations = [
        (
            "organisation.created",
            "mutation { createOrganisation(input: { name: \"Nieuw\", kind: WELFARE }) { organisation { id } } }",
            json!({}),
        ),
        (
            "organisation.updated",
            "mutation($o: ID!) { updateOrganisation(input: { id: $o, expectedVersion: 1, name: \"Woonstad\" }) { organisation { id } } }",
            json!({ "o": w.org_a }),
        ),
        (
            "governing_bodies.set",
            "mutation($o: ID!, $b: ID!) { setGoverningBodies(input: { organisationId: $o, bodies: [
                { id: $b, name: \"Bestuur\", kind: EXECUTIVE_BOARD, right: DECIDES } ] }) { organisation { id } } }",
            json!({ "o": w.org_a, "b": board }),
        ),
        (
            "person.created",
            "mutation { createPerson(input: { subject: \"p-new\", name: \"Pieter Geheim\", email: \"pieter@geheim.nl\" }) { person { id } } }",
            json!({}),
        ),
        (
            "position.assigned",
            "mutation($p: ID!, $o: ID!) { assignPosition(input: { personId: $p, organisationId: $o, role: SUPERVISOR }) { position { id } } }",
            json!({ "p": w.staff_a, "o": w.org_b }),
        ),
        (
            "position.ended",
            "mutation($p: ID!) { endPosition(input: { positionId: $p }) { position { id } } }",
            json!({ "p": position }),
        ),
    ];
    for (kind, query, variables) in mutations {
        let before = app.count("events").await;
        app.gql(&w.admin, query, variables).await.data();
        assert_eq!(app.count("events").await, before + 1, "{kind}: exactly one event");
        let (written, payload) = last_event(&app).await;
        assert_eq!(written, kind);
        for personal in ["Pieter", "Geheim", "pieter@geheim.nl", "Woonstad", "Nieuw"] {
            assert!(!payload.contains(personal), "{kind}: payload {payload} carries personal data or free text");
        }
    }
});
