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

both!(every_network_mutation_writes_exactly_one_event_and_answers_stay_anonymous, |app| {
    let w = crate::helpers::net_world(&app, "acme").await;
    let fac = w.facilitator.token.clone();
    let dir0 = w.directors[0].token.clone();
    let other = app.facilitator(&w.admin, "acme", "acme-fac-2").await;
    let steps: Vec<(&str, String, &str, serde_json::Value)> = vec![
        (
            "network.created",
            fac.clone(),
            "mutation { createNetwork(input: { name: \"Tweede\", purpose: \"Proef\" }) { network { id } } }",
            json!({}),
        ),
        (
            "network.updated",
            fac.clone(),
            "mutation($n: ID!) { updateNetwork(input: { id: $n, expectedVersion: 1, status: PAUSED }) { network { id } } }",
            json!({ "n": w.network }),
        ),
        (
            "network.settings_changed",
            fac.clone(),
            "mutation($n: ID!) { setNetworkSettings(input: { networkId: $n, ratificationWindowDays: 30 }) { network { id } } }",
            json!({ "n": w.network }),
        ),
        (
            "network.facilitator_assigned",
            w.admin.clone(),
            "mutation($n: ID!, $p: ID!) { assignFacilitator(input: { networkId: $n, personId: $p }) { network { id } } }",
            json!({ "n": w.network, "p": other.id }),
        ),
        (
            "charter.adopted",
            fac.clone(),
            "mutation($n: ID!) { adoptCharter(input: { networkId: $n, goals: \"G\", workingAgreements: \"W\" }) { charterVersion { id } } }",
            json!({ "n": w.network }),
        ),
        (
            "charter.acknowledged",
            dir0.clone(),
            "mutation($p: ID!) { acknowledgeCharter(input: { partnershipId: $p, version: 2 }) { partnership { id } } }",
            json!({ "p": w.partnerships[0] }),
        ),
        (
            "expectation.recorded",
            dir0.clone(),
            "mutation($p: ID!) { recordExpectation(input: { partnershipId: $p, kind: GOAL, text: \"Geheime wens\" }) { expectation { id } } }",
            json!({ "p": w.partnerships[0] }),
        ),
        (
            "representatives.set",
            dir0.clone(),
            "mutation($p: ID!, $s: ID!) { setRepresentatives(input: { partnershipId: $p, personIds: [$s] }) { partnership { id } } }",
            json!({ "p": w.partnerships[0], "s": w.staff[0][0].id }),
        ),
        (
            "partner.invited",
            fac.clone(),
            "mutation($n: ID!, $o: ID!) { invitePartner(input: { networkId: $n, organisationId: $o }) { partnership { id } } }",
            json!({ "n": w.network, "o": w.outsider_org }),
        ),
        (
            "partner.left",
            fac.clone(),
            "mutation($p: ID!) { removePartner(input: { partnershipId: $p, reason: \"Geheime reden\" }) { partnership { id } } }",
            json!({ "p": w.partnerships[2] }),
        ),
        (
            "alignment_round.opened",
            fac.clone(),
            "mutation($n: ID!) { openAlignmentRound(input: { networkId: $n, closesAt: \"2026-04-01T00:00:00Z\" }) { alignmentRound { id } } }",
            json!({ "n": w.network }),
        ),
    ];
    for (kind, token, query, variables) in steps {
        let before = app.count("events").await;
        app.ok(&token, query, variables).await;
        assert_eq!(app.count("events").await, before + 1, "{kind}: exactly one event");
        let (written, payload) = last_event(&app).await;
        assert_eq!(written, kind);
        assert!(!payload.contains("Geheim"), "{kind}: free text in the payload {payload}");
    }
    let invited = app
        .ok(
            &w.outsider.token,
            "query($o: ID!) { node(id: $o) { ... on Organisation { partnerships { id status } } } }",
            json!({ "o": w.outsider_org }),
        )
        .await;
    let invitation = invited["node"]["partnerships"][0]["id"].as_str().expect("invitation").to_owned();
    let before = app.count("events").await;
    app.accept(&w.outsider.token, &invitation).await;
    assert_eq!(app.count("events").await, before + 1);
    assert_eq!(last_event(&app).await.0, "partner.joined");

    let round = app
        .ok(&fac, "query($n: ID!) { network(id: $n) { alignmentRounds { nodes { id } } } }", json!({ "n": w.network }))
        .await["network"]["alignmentRounds"]["nodes"][0]["id"]
        .clone();
    let answers: Vec<serde_json::Value> =
        ["GOAL_CLARITY", "GOAL_SHARED", "WAY_OF_WORKING", "BACKING", "FOCUS", "RESULTS"]
            .iter()
            .map(|k| json!({ "questionKey": k, "score": 4 }))
            .collect();
    app.ok(&w.staff[1][0].token, "mutation($r: ID!, $a: [AlignmentAnswerInput!]!) { submitAlignmentResponse(input: { roundId: $r, answers: $a }) { alignmentRound { id } } }", json!({ "r": round, "a": answers })).await;
    let row = app
        .db
        .connection()
        .query_one_raw(Statement::from_string(
            app.sql_backend(),
            "SELECT kind, actor_person_id FROM events ORDER BY id DESC LIMIT 1".to_owned(),
        ))
        .await
        .expect("query")
        .expect("an event");
    assert_eq!(row.try_get::<String>("", "kind").expect("kind"), "alignment_response.submitted");
    assert_eq!(
        row.try_get::<Option<uuid::Uuid>>("", "actor_person_id").expect("actor"),
        None,
        "who answered is not recorded"
    );
    let before = app.count("events").await;
    app.ok(
        &fac,
        "mutation($r: ID!) { closeAlignmentRound(input: { roundId: $r }) { alignmentRound { id } } }",
        json!({ "r": round }),
    )
    .await;
    assert_eq!(app.count("events").await, before + 1);
    assert_eq!(last_event(&app).await.0, "alignment_round.closed");
});

both!(event_payloads_show_global_ids_and_instants_as_the_api_writes_them, |app| {
    let w = crate::helpers::net_world(&app, "acme").await;
    // An instant given with an offset and nanoseconds comes back in UTC, to the millisecond.
    let closes = app.clock_now() + chrono::Duration::days(7);
    let offset = chrono::FixedOffset::east_opt(3600).expect("offset");
    let given = closes.with_timezone(&offset).to_rfc3339_opts(chrono::SecondsFormat::Nanos, false);
    app.ok(
        &w.facilitator.token,
        "mutation($input: OpenAlignmentRoundInput!) { openAlignmentRound(input: $input) { alignmentRound { id } } }",
        json!({ "input": { "networkId": w.network, "closesAt": given } }),
    )
    .await;
    let timeline = app
        .ok(
            &w.facilitator.token,
            "query($n: ID!) { network(id: $n) { timeline(first: 100) { nodes { id kind occurredAt payload } } } }",
            json!({ "n": w.network }),
        )
        .await;
    let events = timeline["network"]["timeline"]["nodes"].as_array().expect("events").clone();
    let millis_z = |text: &str| text.len() == 24 && text.ends_with('Z') && text.as_bytes()[19] == b'.';
    for event in &events {
        assert!(millis_z(event["occurredAt"].as_str().expect("occurredAt")), "{event}");
    }
    let opened = events.iter().find(|e| e["kind"] == "alignment_round.opened").expect("the round's event");
    assert_eq!(
        opened["payload"]["closesAt"],
        json!(closes.to_rfc3339_opts(chrono::SecondsFormat::Millis, true)),
        "{opened}"
    );
    let joined: Vec<&serde_json::Value> = events.iter().filter(|e| e["kind"] == "partner.joined").collect();
    assert_eq!(joined.len(), 3, "{events:?}");
    for event in &joined {
        let organisation = &event["payload"]["organisationId"];
        assert!(w.orgs.iter().any(|o| json!(o) == *organisation), "not a global id: {event}");
    }
    // The event's own id is a global id that `node` finds as the same event.
    let found = app
        .ok(
            &w.directors[0].token,
            "query($e: ID!) { node(id: $e) { __typename ... on Event { id kind } } }",
            json!({ "e": opened["id"] }),
        )
        .await;
    assert_eq!(found["node"], json!({ "__typename": "Event", "id": opened["id"], "kind": "alignment_round.opened" }));
    let outsider =
        app.ok(&w.outsider.token, "query($e: ID!) { node(id: $e) { __typename } }", json!({ "e": opened["id"] })).await;
    assert_eq!(outsider["node"], json!(null), "an outsider does not see the network's events");
});

both!(a_timeline_filters_on_event_kind_values_and_names_the_kinds_when_one_is_unknown, |app| {
    let w = crate::helpers::net_world(&app, "acme").await;
    let timeline = app
        .ok(
            &w.facilitator.token,
            "query($n: ID!) { network(id: $n) { timeline(types: [PARTNER_JOINED, CHARTER_ADOPTED], first: 100) { nodes { kind type } } } }",
            json!({ "n": w.network }),
        )
        .await;
    let nodes = timeline["network"]["timeline"]["nodes"].as_array().expect("nodes").clone();
    assert!(nodes.iter().any(|n| n["type"] == "PARTNER_JOINED"), "{nodes:?}");
    for node in &nodes {
        let expected = match node["kind"].as_str() {
            Some("partner.joined") => "PARTNER_JOINED",
            Some("charter.adopted") => "CHARTER_ADOPTED",
            other => panic!("an event of another kind: {other:?}"),
        };
        assert_eq!(node["type"], expected);
    }
    let refused = app
        .gql(
            &w.facilitator.token,
            "query($n: ID!) { network(id: $n) { timeline(kinds: [\"partner.joinde\"]) { nodes { kind } } } }",
            json!({ "n": w.network }),
        )
        .await;
    assert_eq!(refused.code(), "BAD_USER_INPUT", "{refused:?}");
    let message = refused.message().to_owned();
    assert!(message.contains("partner.joinde") && message.contains("partner.joined"), "{message}");
});
