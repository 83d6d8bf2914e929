//! Networks: who sees what, the versioned charter and its acknowledgement,
//! partnerships and representatives with their history.

use serde_json::{Value, json};

use crate::both;
use crate::helpers::net_world;

const NETWORK: &str = "query($id: ID!) { network(id: $id) { id name partners { totalCount nodes { id } } } }";

fn ids(list: &Value) -> Vec<String> {
    list.as_array().expect("a list").iter().map(|n| n["id"].as_str().expect("id").to_owned()).collect()
}

both!(a_non_partner_sees_neither_the_network_nor_its_rounds, |app| {
    let w = net_world(&app, "acme").await;
    let round = app
        .ok(
            &w.facilitator.token,
            "mutation($n: ID!) { openAlignmentRound(input: { networkId: $n, closesAt: \"2026-04-01T00:00:00Z\" }) { alignmentRound { id } } }",
            json!({ "n": w.network }),
        )
        .await["openAlignmentRound"]["alignmentRound"]["id"]
        .clone();

    let seen = app
        .ok(
            &w.outsider.token,
            "query($n: ID!, $r: ID!) { networks { totalCount } network(id: $n) { id } node(id: $r) { id } }",
            json!({ "n": w.network, "r": round }),
        )
        .await;
    assert_eq!(seen, json!({ "networks": { "totalCount": 0 }, "network": null, "node": null }));

    let submit = app
        .gql(
            &w.outsider.token,
            "mutation($r: ID!) { submitAlignmentResponse(input: { roundId: $r, answers: [] }) { alignmentRound { id } } }",
            json!({ "r": round }),
        )
        .await;
    assert_eq!(submit.code(), "NOT_FOUND", "an invisible round behaves as a missing one");
    let invite = app
        .gql(
            &w.outsider.token,
            "mutation($n: ID!, $o: ID!) { invitePartner(input: { networkId: $n, organisationId: $o }) { partnership { id } } }",
            json!({ "n": w.network, "o": w.outsider_org }),
        )
        .await;
    assert_eq!(invite.code(), "NOT_FOUND");
});

both!(a_facilitator_of_one_network_cannot_see_another, |app| {
    let w = net_world(&app, "acme").await;
    let other = app.facilitator(&w.admin, "acme", "acme-fac-2").await;
    let other_network = app.create_network(&other.token, "Regio West").await;
    let mine = app.ok(&w.facilitator.token, NETWORK, json!({ "id": other_network })).await;
    assert_eq!(mine["network"], json!(null));
    let theirs = app.ok(&other.token, NETWORK, json!({ "id": w.network })).await;
    assert_eq!(theirs["network"], json!(null));
    let listed = app.ok(&other.token, "{ networks { nodes { id } } }", json!({})).await;
    assert_eq!(ids(&listed["networks"]["nodes"]), vec![other_network]);
    // The admin sees both.
    let admin = app.ok(&w.admin, "{ networks { totalCount } }", json!({})).await;
    assert_eq!(admin["networks"]["totalCount"], 2);
});

both!(partners_see_each_others_representatives_but_not_their_staff_or_email, |app| {
    let w = net_world(&app, "acme").await;
    let (dir_b, staff_b) = (&w.directors[1], &w.staff[1][0]);
    let seen = app
        .ok(
            &w.staff[0][0].token,
            "query($n: ID!, $dirB: ID!, $staffB: ID!, $orgB: ID!) {
                network(id: $n) { partners { nodes { organisation { id name } representatives { person { id name email } } } } }
                dirB: node(id: $dirB) { ... on Person { name email } }
                staffB: node(id: $staffB) { id }
                orgB: node(id: $orgB) { ... on Organisation { name } }
            }",
            json!({ "n": w.network, "dirB": dir_b.id, "staffB": staff_b.id, "orgB": w.orgs[1] }),
        )
        .await;
    assert_eq!(seen["dirB"]["name"], "acme-dir1", "a partner's representative is visible");
    assert_eq!(seen["dirB"]["email"], json!(null), "but not their e-mail address");
    assert_eq!(seen["staffB"], json!(null), "a partner's staff are not visible");
    assert_eq!(seen["orgB"]["name"], "Gemeente Oost");
    let partners = seen["network"]["partners"]["nodes"].as_array().expect("partners");
    assert_eq!(partners.len(), 3);
    assert_eq!(partners[1]["representatives"][0]["person"]["email"], json!(null));

    // The facilitator sees the partners' people and their e-mail addresses.
    let facilitator = app
        .ok(
            &w.facilitator.token,
            "query($s: ID!) { node(id: $s) { ... on Person { email } } }",
            json!({ "s": staff_b.id }),
        )
        .await;
    assert_eq!(facilitator["node"]["email"], "acme-staff1a@example.nl");
});

both!(after_removal_a_partners_people_lose_access_and_history_stays, |app| {
    let w = net_world(&app, "acme").await;
    let care = &w.partnerships[2];
    let removed = app
        .ok(
            &w.facilitator.token,
            "mutation($p: ID!) { removePartner(input: { partnershipId: $p, reason: \"Andere prioriteiten\" }) {
                partnership { status leftOn leftReason representatives { id } } } }",
            json!({ "p": care }),
        )
        .await;
    assert_eq!(removed["removePartner"]["partnership"]["status"], "LEFT");
    assert_eq!(removed["removePartner"]["partnership"]["leftOn"], "2026-03-02");
    assert_eq!(removed["removePartner"]["partnership"]["representatives"], json!([]), "its seats ended");

    for member in [&w.directors[2], &w.staff[2][0]] {
        let seen = app
            .ok(
                &member.token,
                "query($n: ID!) { networks { totalCount } network(id: $n) { id } }",
                json!({ "n": w.network }),
            )
            .await;
        assert_eq!(seen, json!({ "networks": { "totalCount": 0 }, "network": null }));
    }
    // Its own partnership history stays with the organisation.
    let own = app
        .ok(
            &w.directors[2].token,
            "query($o: ID!) { node(id: $o) { ... on Organisation { partnerships { status network { id } } } } }",
            json!({ "o": w.orgs[2] }),
        )
        .await;
    assert_eq!(own["node"]["partnerships"], json!([{ "status": "LEFT", "network": null }]));

    // Re-joining is a new period; the old one stays visible.
    let again = app.invite(&w.facilitator.token, &w.network, &w.orgs[2]).await;
    assert_ne!(&again, care);
    app.accept(&w.directors[2].token, &again).await;
    let history = app
        .ok(
            &w.facilitator.token,
            "query($n: ID!) { network(id: $n) { partners(status: [ACTIVE, LEFT]) { nodes { id status } } } }",
            json!({ "n": w.network }),
        )
        .await;
    let statuses: Vec<(String, String)> = history["network"]["partners"]["nodes"]
        .as_array()
        .expect("partners")
        .iter()
        .map(|p| (p["id"].as_str().expect("id").to_owned(), p["status"].as_str().expect("status").to_owned()))
        .collect();
    assert!(statuses.contains(&(care.clone(), "LEFT".to_owned())));
    assert!(statuses.contains(&(again.clone(), "ACTIVE".to_owned())));
});

both!(partnership_transitions_are_guarded, |app| {
    let w = net_world(&app, "acme").await;
    let twice = app
        .gql(
            &w.facilitator.token,
            "mutation($n: ID!, $o: ID!) { invitePartner(input: { networkId: $n, organisationId: $o }) { partnership { id } } }",
            json!({ "n": w.network, "o": w.orgs[0] }),
        )
        .await;
    assert_eq!(twice.code(), "CONFLICT", "already a partner");

    let invited = app.invite(&w.facilitator.token, &w.network, &w.outsider_org).await;
    let accept = "mutation($p: ID!) { acceptPartnership(input: { partnershipId: $p }) { partnership { status } } }";
    let by_partner_director = app.gql(&w.directors[0].token, accept, json!({ "p": invited })).await;
    assert_eq!(by_partner_director.code(), "FORBIDDEN", "one organisation never accepts for another");
    let by_facilitator = app.gql(&w.facilitator.token, accept, json!({ "p": invited })).await;
    assert_eq!(by_facilitator.code(), "FORBIDDEN");
    // The invited director sees the network they are asked to join.
    let invited_view =
        app.ok(&w.outsider.token, "query($n: ID!) { network(id: $n) { name } }", json!({ "n": w.network })).await;
    assert_eq!(invited_view["network"]["name"], "Regio Oost");
    app.accept(&w.outsider.token, &invited).await;
    let again = app.gql(&w.outsider.token, accept, json!({ "p": invited })).await;
    assert_eq!(again.code(), "CONFLICT", "accepting twice");
});

both!(a_new_charter_version_unacknowledges_partners_and_representatives, |app| {
    let w = net_world(&app, "acme").await;
    let acknowledge = "mutation($p: ID!, $v: Int!) { acknowledgeCharter(input: { partnershipId: $p, version: $v }) {
        forPartner personally partnership { charterAcknowledged acknowledgedCharterVersion representatives { charterAcknowledged } } } }";
    let done = app.ok(&w.directors[0].token, acknowledge, json!({ "p": w.partnerships[0], "v": 1 })).await;
    assert_eq!(
        done["acknowledgeCharter"],
        json!({ "forPartner": true, "personally": true, "partnership": {
            "charterAcknowledged": true, "acknowledgedCharterVersion": 1, "representatives": [{ "charterAcknowledged": true }] } })
    );
    let staff_try = app.gql(&w.staff[0][0].token, acknowledge, json!({ "p": w.partnerships[0], "v": 1 })).await;
    assert_eq!(staff_try.code(), "FORBIDDEN", "staff neither direct nor represent");

    let v2 = app.adopt_charter(&w.facilitator.token, &w.network, "Betaalbaar wonen, zorg en onderwijs").await;
    assert_eq!(v2["version"], 2);
    let after = app
        .ok(
            &w.directors[1].token,
            "query($n: ID!) { network(id: $n) { charter { version } charterVersions { version goals }
                partners { nodes { charterAcknowledged representatives { charterAcknowledged } } } } }",
            json!({ "n": w.network }),
        )
        .await;
    let network = &after["network"];
    assert_eq!(network["charter"]["version"], 2);
    assert_eq!(
        network["charterVersions"],
        json!([{ "version": 1, "goals": "Betaalbaar wonen met zorg dichtbij" }, { "version": 2, "goals": "Betaalbaar wonen, zorg en onderwijs" }]),
        "version 1 stays readable and unchanged"
    );
    assert_eq!(
        network["partners"]["nodes"][0],
        json!({ "charterAcknowledged": false, "representatives": [{ "charterAcknowledged": false }] })
    );

    let stale = app.gql(&w.directors[0].token, acknowledge, json!({ "p": w.partnerships[0], "v": 1 })).await;
    assert_eq!(stale.code(), "CONFLICT", "only the current version can be acknowledged");

    // A new representative starts unacknowledged.
    let set = app
        .set_representatives(&w.directors[0].token, &w.partnerships[0], &[&w.directors[0].id, &w.staff[0][0].id])
        .await;
    app.ok(&w.directors[0].token, acknowledge, json!({ "p": w.partnerships[0], "v": 2 })).await;
    let reps = app
        .ok(&w.facilitator.token, "query($p: ID!) { node(id: $p) { ... on Partnership { representatives { person { id } charterAcknowledged startedOn } } } }", json!({ "p": w.partnerships[0] }))
        .await;
    let _ = set.data();
    assert_eq!(
        reps["node"]["representatives"],
        json!([
            { "person": { "id": w.directors[0].id }, "charterAcknowledged": true, "startedOn": "2026-03-02" },
            { "person": { "id": w.staff[0][0].id }, "charterAcknowledged": false, "startedOn": "2026-03-02" }
        ])
    );
});

both!(representatives_come_and_go_with_history, |app| {
    let w = net_world(&app, "acme").await;
    app.clock.advance(chrono::Duration::days(30));
    let replaced = app.set_representatives(&w.directors[0].token, &w.partnerships[0], &[&w.staff[0][1].id]).await;
    assert_eq!(
        replaced["setRepresentatives"]["partnership"]["representatives"],
        json!([{ "person": { "id": w.staff[0][1].id }, "charterAcknowledged": false }])
    );
    let history = app
        .ok(&w.facilitator.token, "query($p: ID!) { node(id: $p) { ... on Partnership { representatives(includeEnded: true) { person { id } startedOn endedOn current } } } }", json!({ "p": w.partnerships[0] }))
        .await;
    assert_eq!(
        history["node"]["representatives"],
        json!([
            { "person": { "id": w.directors[0].id }, "startedOn": "2026-03-02", "endedOn": "2026-04-01", "current": false },
            { "person": { "id": w.staff[0][1].id }, "startedOn": "2026-04-01", "endedOn": null, "current": true }
        ])
    );
    // Another partner's director cannot set A's representatives.
    let foreign = app.set_representatives(&w.directors[1].token, &w.partnerships[0], &[&w.directors[1].id]).await;
    assert_eq!(foreign.code(), "FORBIDDEN");
});

both!(bad_network_input_is_refused_and_writes_nothing, |app| {
    let w = net_world(&app, "acme").await;
    let events = app.count("events").await;
    let charters = app.count("charter_versions").await;
    let empty_goals = app
        .gql(&w.facilitator.token, "mutation($n: ID!) { adoptCharter(input: { networkId: $n, goals: \"  \", workingAgreements: \"x\" }) { charterVersion { id } } }", json!({ "n": w.network }))
        .await;
    assert_eq!(empty_goals.code(), "BAD_USER_INPUT");
    let empty_expectation = app
        .gql(&w.directors[0].token, "mutation($p: ID!) { recordExpectation(input: { partnershipId: $p, kind: GOAL, text: \"\" }) { expectation { id } } }", json!({ "p": w.partnerships[0] }))
        .await;
    assert_eq!(empty_expectation.code(), "BAD_USER_INPUT");
    let outsider_rep = app.set_representatives(&w.directors[0].token, &w.partnerships[0], &[&w.staff[1][0].id]).await;
    assert_eq!(outsider_rep.code(), "BAD_USER_INPUT", "a representative needs a current position in the partner");
    let empty_network = app
        .gql(
            &w.facilitator.token,
            "mutation { createNetwork(input: { name: \"\", purpose: \"x\" }) { network { id } } }",
            json!({}),
        )
        .await;
    assert_eq!(empty_network.code(), "BAD_USER_INPUT");
    assert_eq!(app.count("events").await, events);
    assert_eq!(app.count("charter_versions").await, charters);

    let recorded = app
        .ok(&w.directors[0].token, "mutation($p: ID!) { recordExpectation(input: { partnershipId: $p, kind: RESULT, text: \"Honderd woningen per jaar\" }) { expectation { kind text partnership { id } } } }", json!({ "p": w.partnerships[0] }))
        .await;
    assert_eq!(recorded["recordExpectation"]["expectation"]["kind"], "RESULT");
    let by_other = app
        .gql(&w.directors[1].token, "mutation($p: ID!) { recordExpectation(input: { partnershipId: $p, kind: GOAL, text: \"Namens een ander\" }) { expectation { id } } }", json!({ "p": w.partnerships[0] }))
        .await;
    assert_eq!(by_other.code(), "FORBIDDEN");
});

crate::both!(a_partners_people_see_who_facilitates_their_network, |app| {
    let w = crate::helpers::net_world(&app, "facilitated").await;
    let query = "query($n: ID!) { network(id: $n) { facilitators { id name email } } }";
    for token in [&w.staff[0][0].token, &w.directors[1].token] {
        let seen = app.ok(token, query, json!({ "n": w.network })).await;
        let facilitators = seen["network"]["facilitators"].as_array().expect("facilitators").clone();
        assert_eq!(facilitators.len(), 1, "{seen}");
        assert_eq!(facilitators[0]["id"], w.facilitator.id);
        // Their name, as a representative's; not their e-mail address.
        assert!(facilitators[0]["name"].is_string(), "{seen}");
        assert!(facilitators[0]["email"].is_null(), "{seen}");
    }
    // Outside the network, nobody.
    let outsider = app.gql(&w.outsider.token, query, json!({ "n": w.network })).await;
    assert_eq!(outsider["network"], Value::Null);
});

both!(a_mutations_payload_sees_the_rights_the_mutation_just_gave, |app| {
    // The facilitator who creates a network facilitates it from that moment:
    // the payload is resolved with the actor read again, not as it was.
    let admin = app.bootstrap("acme", "acme-admin").await;
    let facilitator = app.facilitator(&admin, "acme", "acme-fac").await;
    let created = app
        .ok(
            &facilitator.token,
            "mutation { createNetwork(input: { name: \"Regio Oost\", purpose: \"Samen\" }) {
                network { id facilitators { id } } } }",
            json!({}),
        )
        .await;
    let network = &created["createNetwork"]["network"];
    assert_eq!(network["facilitators"], json!([{ "id": facilitator.id }]), "{created}");
    // And a read right after agrees.
    let read = app.ok(&facilitator.token, NETWORK_FACILITATORS, json!({ "id": network["id"] })).await;
    assert_eq!(read["network"]["facilitators"], network["facilitators"]);
});

const NETWORK_FACILITATORS: &str = "query($id: ID!) { network(id: $id) { facilitators { id } } }";
