//! Bad input is BAD_USER_INPUT (or CONFLICT for stale versions) and writes
//! nothing: no row, no event.

use serde_json::json;

use crate::both;
use crate::helpers::world;

both!(bad_input_is_refused_and_writes_nothing, |app| {
    let w = world(&app, "acme").await;
    let events = app.count("events").await;
    let organisations = app.count("organisations").await;
    let people = app.count("people").await;
    let positions = app.count("positions").await;

    let create_org =
        "mutation($input: CreateOrganisationInput!) { createOrganisation(input: $input) { organisation { id } } }";
    let create_person = "mutation($input: CreatePersonInput!) { createPerson(input: $input) { person { id } } }";
    let long = "x".repeat(10_000);
    let cases = [
        (create_org, json!({ "input": { "name": "", "kind": "OTHER" } }), "empty name"),
        (create_org, json!({ "input": { "name": "   ", "kind": "OTHER" } }), "blank name"),
        (create_org, json!({ "input": { "name": long, "kind": "OTHER" } }), "10,000-character name"),
        (create_org, json!({ "input": { "name": "Kasteel", "kind": "CASTLE" } }), "unknown enum value"),
        (create_org, json!({ "input": { "name": "Geen soort" } }), "missing kind"),
        (create_person, json!({ "input": { "subject": "", "name": "Niemand" } }), "empty subject"),
        (create_person, json!({ "input": { "subject": "with space", "name": "Niemand" } }), "subject with a space"),
        (
            create_person,
            json!({ "input": { "subject": "ok", "name": "Niemand", "email": "not-an-email" } }),
            "bad e-mail",
        ),
        (
            create_person,
            json!({ "input": { "subject": "ok", "name": "Niemand", "tenantRole": "KING" } }),
            "unknown role",
        ),
        (
            "mutation($input: AssignPositionInput!) { assignPosition(input: $input) { position { id } } }",
            json!({ "input": { "personId": "garbage", "organisationId": w.org_a, "role": "STAFF" } }),
            "malformed person id",
        ),
        (
            "mutation($input: AssignPositionInput!) { assignPosition(input: $input) { position { id } } }",
            json!({ "input": { "personId": w.staff_b, "organisationId": w.org_a, "role": "STAFF", "startedOn": "2026-13-45" } }),
            "impossible date",
        ),
        (
            "mutation($input: UpdateOrganisationInput!) { updateOrganisation(input: $input) { organisation { id } } }",
            json!({ "input": { "id": "!!not-base64!!", "expectedVersion": 1 } }),
            "malformed organisation id",
        ),
    ];
    for (query, variables, case) in cases {
        let response = app.gql(&w.admin, query, variables).await;
        assert_eq!(response.code(), "BAD_USER_INPUT", "{case}: {:?}", response.0);
    }
    let node = app.gql(&w.admin, "{ node(id: \"garbage\") { id } }", json!({})).await;
    assert_eq!(node.code(), "BAD_USER_INPUT");

    let duplicate =
        app.gql(&w.admin, create_person, json!({ "input": { "subject": "acme-dir-a", "name": "Dubbel" } })).await;
    assert_eq!(duplicate.code(), "CONFLICT", "a subject is unique within the tenant");

    assert_eq!(app.count("events").await, events);
    assert_eq!(app.count("organisations").await, organisations);
    assert_eq!(app.count("people").await, people);
    assert_eq!(app.count("positions").await, positions);
});

both!(a_stale_expected_version_is_a_conflict_and_loses_nothing, |app| {
    let w = world(&app, "acme").await;
    let update = "mutation($input: UpdateOrganisationInput!) { updateOrganisation(input: $input) { organisation { name version } } }";
    let first =
        app.gql(&w.admin, update, json!({ "input": { "id": w.org_a, "expectedVersion": 1, "name": "Eerste" } })).await;
    assert_eq!(first["updateOrganisation"]["organisation"], json!({ "name": "Eerste", "version": 2 }));
    let second =
        app.gql(&w.admin, update, json!({ "input": { "id": w.org_a, "expectedVersion": 1, "name": "Tweede" } })).await;
    assert_eq!(second.code(), "CONFLICT");
    let now = app
        .gql(
            &w.admin,
            "query($o: ID!) { node(id: $o) { ... on Organisation { name version } } }",
            json!({ "o": w.org_a }),
        )
        .await;
    assert_eq!(now["node"], json!({ "name": "Eerste", "version": 2 }));
});
