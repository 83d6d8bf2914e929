//! Roles come from the database: only a tenant ADMIN administers, and an ended
//! position gives nothing.

use serde_json::json;

use crate::both;
use crate::helpers::world;

both!(a_non_admin_cannot_create_organisations_bodies_people_or_positions, |app| {
    let w = world(&app, "acme").await;
    app.gql(
        &w.admin,
        "mutation { createPerson(input: { subject: \"acme-fac\", name: \"Fleur\", tenantRole: FACILITATOR }) { person { id } } }",
        json!({}),
    )
    .await
    .data();
    let facilitator_token = app.token("acme", "acme-fac");
    let events_before = app.count("events").await;
    let organisations_before = app.count("organisations").await;

    for token in [&w.director_a_token, &w.staff_a_token, &facilitator_token] {
        let create_org = app
            .gql(
                token,
                "mutation { createOrganisation(input: { name: \"X\", kind: OTHER }) { organisation { id } } }",
                json!({}),
            )
            .await;
        assert_eq!(create_org.code(), "FORBIDDEN");
        let create_person = app
            .gql(
                token,
                "mutation { createPerson(input: { subject: \"x\", name: \"X\" }) { person { id } } }",
                json!({}),
            )
            .await;
        assert_eq!(create_person.code(), "FORBIDDEN");
    }
    // A director sees their own organisation, so acting on it is FORBIDDEN
    // (not NOT_FOUND): they may see it but not administer it.
    let bodies = app
        .gql(
            &w.director_a_token,
            "mutation($org: ID!) { setGoverningBodies(input: { organisationId: $org, bodies: [
                { name: \"Bestuur\", kind: EXECUTIVE_BOARD, right: DECIDES } ] }) { organisation { id } } }",
            json!({ "org": w.org_a }),
        )
        .await;
    assert_eq!(bodies.code(), "FORBIDDEN");
    let position = app
        .gql(
            &w.director_a_token,
            "mutation($p: ID!, $o: ID!) { assignPosition(input: { personId: $p, organisationId: $o, role: DIRECTOR }) { position { id } } }",
            json!({ "p": w.staff_a, "o": w.org_a }),
        )
        .await;
    assert_eq!(position.code(), "FORBIDDEN");
    let update = app
        .gql(
            &w.director_a_token,
            "mutation($o: ID!) { updateOrganisation(input: { id: $o, expectedVersion: 1, name: \"Mine now\" }) { organisation { id } } }",
            json!({ "o": w.org_a }),
        )
        .await;
    assert_eq!(update.code(), "FORBIDDEN");

    assert_eq!(app.count("events").await, events_before, "refused mutations write no event");
    assert_eq!(app.count("organisations").await, organisations_before);
});

both!(an_ended_position_gives_no_rights_and_no_view, |app| {
    let w = world(&app, "acme").await;
    let seen =
        app.gql(&w.staff_a_token, "{ organisations { nodes { id } } viewer { positions { role } } }", json!({})).await;
    assert_eq!(seen["organisations"]["nodes"].as_array().map(Vec::len), Some(1));

    let position_id = app
        .gql(
            &w.admin,
            "query($p: ID!) { node(id: $p) { ... on Person { positions { id } } } }",
            json!({ "p": w.staff_a }),
        )
        .await["node"]["positions"][0]["id"]
        .clone();
    let ended = app
        .gql(
            &w.admin,
            "mutation($id: ID!) { endPosition(input: { positionId: $id }) { position { current endedOn } } }",
            json!({ "id": position_id }),
        )
        .await;
    assert_eq!(ended["endPosition"]["position"]["current"], false);

    let after = app
        .gql(
            &w.staff_a_token,
            "query($o: ID!) { organisations { nodes { id } } viewer { positions { role } } node(id: $o) { id } }",
            json!({ "o": w.org_a }),
        )
        .await;
    assert_eq!(after["organisations"]["nodes"], json!([]));
    assert_eq!(after["viewer"]["positions"], json!([]));
    assert_eq!(after["node"], json!(null));

    // Ending it twice is a conflict with the state, not bad input.
    let again = app
        .gql(
            &w.admin,
            "mutation($id: ID!) { endPosition(input: { positionId: $id }) { position { id } } }",
            json!({ "id": position_id }),
        )
        .await;
    assert_eq!(again.code(), "CONFLICT");
});
