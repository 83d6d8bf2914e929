//! Commitments: scope rules, per-party agreement, transitions, concurrency,
//! visibility, partners leaving, goal results, and filtered pagination.

use chrono::Duration;
use serde_json::{Value, json};

use crate::both;
use crate::helpers::{Gql, NetWorld, TestApp, net_world};

const PROPOSE: &str = "mutation($input: ProposeCommitmentInput!) { proposeCommitment(input: $input) { commitment { id status scope version } } }";
const AGREE: &str = "mutation($c: ID!, $o: ID!, $m: ID) { agreeCommitment(input: { commitmentId: $c, organisationId: $o, meetingId: $m }) { commitment { status parties { agreed } } } }";
pub(crate) const PROGRESS: &str = "mutation($c: ID!, $s: CommitmentStatus) { addProgressUpdate(input: { commitmentId: $c, note: \"Stap gezet\", percent: 50, status: $s }) { commitment { status } } }";

fn day(app: &TestApp, days: i64) -> String {
    (app.clock_now().date_naive() + Duration::days(days)).format("%Y-%m-%d").to_string()
}

// The arguments are the proposal's own fields; a struct would only rename them.
#[allow(clippy::too_many_arguments)]
pub(crate) async fn propose(
    app: &TestApp,
    token: &str,
    w: &NetWorld,
    scope: &str,
    kind: &str,
    parties: &[&str],
    lead: &str,
    due_in: i64,
) -> Gql {
    let parties: Vec<Value> = parties
        .iter()
        .map(|p| json!({ "organisationId": p, "contributionEuros": 5000, "contributionHours": 40 }))
        .collect();
    app.gql(
        token,
        PROPOSE,
        json!({ "input": { "networkId": w.network, "title": "Samen doen", "scope": scope, "kind": kind, "parties": parties, "leadOrganisationId": lead, "dueOn": day(app, due_in) } }),
    )
    .await
}

pub(crate) fn id(response: &Gql) -> String {
    response["proposeCommitment"]["commitment"]["id"].as_str().expect("id").to_owned()
}

/// Proposes and has every party agree, returning an AGREED commitment's id.
pub(crate) async fn agreed(app: &TestApp, w: &NetWorld, parties: &[usize], scope: &str) -> String {
    let orgs: Vec<&str> = parties.iter().map(|i| w.orgs[*i].as_str()).collect();
    let commitment = id(&propose(app, &w.facilitator.token, w, scope, "QUICK_WIN", &orgs, orgs[0], 30).await);
    for i in parties {
        app.ok(&w.directors[*i].token, AGREE, json!({ "c": commitment, "o": w.orgs[*i] })).await;
    }
    commitment
}

both!(every_scope_rule_holds_and_a_refused_proposal_writes_nothing, |app| {
    let w = net_world(&app, "acme").await;
    let [a, b, c] = [w.orgs[0].as_str(), w.orgs[1].as_str(), w.orgs[2].as_str()];
    let fac = w.facilitator.token.clone();
    for (scope, parties, lead) in
        [("ORGANISATION", vec![a], a), ("COALITION", vec![a, b], b), ("NETWORK", vec![a, b, c], c)]
    {
        let ok = propose(&app, &fac, &w, scope, "INITIATIVE", &parties, lead, 200).await;
        assert_eq!(ok["proposeCommitment"]["commitment"]["status"], "PROPOSED", "{scope}");
    }
    let events = app.count("events").await;
    let commitments = app.count("commitments").await;
    let outsider = w.outsider_org.as_str();
    let refused: Vec<(&str, &str, Vec<&str>, &str, i64)> = vec![
        ("ORGANISATION with two parties", "ORGANISATION", vec![a, b], a, 10),
        ("COALITION of one", "COALITION", vec![a], a, 10),
        ("COALITION of all partners", "COALITION", vec![a, b, c], a, 10),
        ("NETWORK without every partner", "NETWORK", vec![a, b], a, 10),
        ("a party that is not a partner", "COALITION", vec![a, outsider], a, 10),
        ("a lead that is not a party", "COALITION", vec![a, b], c, 10),
        ("a party twice", "COALITION", vec![a, a], a, 10),
        ("a quick win due in 91 days", "ORGANISATION", vec![a], a, 91),
        ("a due date in the past", "ORGANISATION", vec![a], a, -1),
    ];
    for (case, scope, parties, lead, due) in refused {
        let kind = if case.contains("quick win") { "QUICK_WIN" } else { "INITIATIVE" };
        let response = propose(&app, &fac, &w, scope, kind, &parties, lead, due).await;
        assert_eq!(response.code(), "BAD_USER_INPUT", "{case}");
    }
    let just_in_time = propose(&app, &fac, &w, "ORGANISATION", "QUICK_WIN", &[a], a, 90).await;
    assert_eq!(just_in_time["proposeCommitment"]["commitment"]["status"], "PROPOSED", "90 days is within the window");
    let fifty_one: Vec<Value> = (0..51).map(|_| json!({ "organisationId": a })).collect();
    let too_many = app
        .gql(&fac, PROPOSE, json!({ "input": { "networkId": w.network, "title": "Te groot", "scope": "NETWORK", "kind": "INITIATIVE", "parties": fifty_one, "leadOrganisationId": a, "dueOn": day(&app, 100) } }))
        .await;
    assert_eq!(too_many.code(), "BAD_USER_INPUT");
    assert_eq!(app.count("events").await, events + 1, "only the 90-day quick win was written");
    assert_eq!(app.count("commitments").await, commitments + 1);

    // Proposing: a facilitator, or a director or representative of a party.
    let by_staff = propose(&app, &w.staff[0][0].token, &w, "ORGANISATION", "INITIATIVE", &[a], a, 30).await;
    assert_eq!(by_staff.code(), "FORBIDDEN");
    let for_others = propose(&app, &w.directors[0].token, &w, "ORGANISATION", "INITIATIVE", &[b], b, 30).await;
    assert_eq!(for_others.code(), "FORBIDDEN", "a director proposes only with their own organisation as a party");
    let own = propose(&app, &w.directors[0].token, &w, "COALITION", "INITIATIVE", &[a, b], a, 30).await;
    assert_eq!(own["proposeCommitment"]["commitment"]["status"], "PROPOSED");
});

both!(a_coalition_is_agreed_only_when_every_party_agreed_for_itself, |app| {
    let w = net_world(&app, "acme").await;
    // A fourth partner, so that three parties are a coalition, not the network.
    let fourth = app.invite(&w.facilitator.token, &w.network, &w.outsider_org).await;
    app.accept(&w.outsider.token, &fourth).await;
    let commitment = id(&propose(
        &app,
        &w.facilitator.token,
        &w,
        "COALITION",
        "QUICK_WIN",
        &[&w.orgs[0], &w.orgs[1], &w.orgs[2]],
        &w.orgs[0],
        30,
    )
    .await);

    let for_another = app.gql(&w.directors[0].token, AGREE, json!({ "c": commitment, "o": w.orgs[1] })).await;
    assert_eq!(for_another.code(), "FORBIDDEN", "a director of A cannot agree for B");
    let first = app.ok(&w.directors[0].token, AGREE, json!({ "c": commitment, "o": w.orgs[0] })).await;
    assert_eq!(first["agreeCommitment"]["commitment"]["status"], "PROPOSED");
    let twice = app.gql(&w.directors[0].token, AGREE, json!({ "c": commitment, "o": w.orgs[0] })).await;
    assert_eq!(twice.code(), "CONFLICT");

    // A facilitator records B's agreement in a meeting B's representative attended …
    let meeting = |attendees: Vec<&str>| json!({ "n": w.network, "d": day(&app, 0), "a": attendees });
    let record = "mutation($n: ID!, $d: Date!, $a: [ID!]!) { recordMeeting(input: { networkId: $n, heldOn: $d, attendeeIds: $a }) { meeting { id attendees { organisation { id } } } } }";
    let with_b = app.ok(&w.facilitator.token, record, meeting(vec![&w.directors[1].id, &w.facilitator.id])).await["recordMeeting"]["meeting"]["id"].clone();
    let without_c =
        app.ok(&w.facilitator.token, record, meeting(vec![&w.directors[1].id])).await["recordMeeting"]["meeting"]["id"]
            .clone();
    let second = app.ok(&w.facilitator.token, AGREE, json!({ "c": commitment, "o": w.orgs[1], "m": with_b })).await;
    assert_eq!(second["agreeCommitment"]["commitment"]["status"], "PROPOSED");
    // … but not C's, whose representative was not there.
    let not_there =
        app.gql(&w.facilitator.token, AGREE, json!({ "c": commitment, "o": w.orgs[2], "m": without_c })).await;
    assert_eq!(not_there.code(), "FORBIDDEN");
    let no_meeting = app.gql(&w.facilitator.token, AGREE, json!({ "c": commitment, "o": w.orgs[2] })).await;
    assert_eq!(no_meeting.code(), "BAD_USER_INPUT");
    let stranger = app.gql(&w.facilitator.token, record, meeting(vec![&w.staff[0][0].id])).await;
    assert_eq!(stranger.code(), "BAD_USER_INPUT", "attendees are representatives and facilitators");

    let third = app.ok(&w.directors[2].token, AGREE, json!({ "c": commitment, "o": w.orgs[2] })).await;
    assert_eq!(
        third["agreeCommitment"]["commitment"],
        json!({ "status": "AGREED", "parties": [{ "agreed": true }, { "agreed": true }, { "agreed": true }] })
    );
    let agreed_there = app
        .ok(
            &w.facilitator.token,
            "query($m: ID!) { node(id: $m) { ... on Meeting { commitmentsAgreed { id } } } }",
            json!({ "m": with_b }),
        )
        .await;
    assert_eq!(agreed_there["node"]["commitmentsAgreed"], json!([{ "id": commitment }]));
});

both!(status_moves_forward_only, |app| {
    let w = net_world(&app, "acme").await;
    let proposed =
        id(&propose(&app, &w.facilitator.token, &w, "ORGANISATION", "QUICK_WIN", &[&w.orgs[0]], &w.orgs[0], 30).await);
    let early = app.gql(&w.staff[0][0].token, PROGRESS, json!({ "c": proposed, "s": "IN_PROGRESS" })).await;
    assert_eq!(early.code(), "CONFLICT", "PROPOSED cannot start");

    let commitment = agreed(&app, &w, &[0], "ORGANISATION").await;
    let started = app.ok(&w.staff[0][0].token, PROGRESS, json!({ "c": commitment, "s": "IN_PROGRESS" })).await;
    assert_eq!(started["addProgressUpdate"]["commitment"]["status"], "IN_PROGRESS");
    let back = app.gql(&w.staff[0][0].token, PROGRESS, json!({ "c": commitment, "s": "PROPOSED" })).await;
    assert_eq!(back.code(), "BAD_USER_INPUT");
    let delivered = app.ok(&w.staff[0][0].token, PROGRESS, json!({ "c": commitment, "s": "DELIVERED" })).await;
    assert_eq!(delivered["addProgressUpdate"]["commitment"]["status"], "DELIVERED");
    let after = app.gql(&w.staff[0][0].token, PROGRESS, json!({ "c": commitment })).await;
    assert_eq!(after.code(), "CONFLICT", "a delivered commitment takes no more progress");
    let drop = "mutation($c: ID!, $v: Int!) { dropCommitment(input: { id: $c, expectedVersion: $v, reason: \"Niet meer nodig\" }) { commitment { status droppedReason } } }";
    let drop_delivered = app.gql(&w.facilitator.token, drop, json!({ "c": commitment, "v": 4 })).await;
    assert_eq!(drop_delivered.code(), "CONFLICT");
    let dropped = app.ok(&w.facilitator.token, drop, json!({ "c": proposed, "v": 1 })).await;
    assert_eq!(
        dropped["dropCommitment"]["commitment"],
        json!({ "status": "DROPPED", "droppedReason": "Niet meer nodig" })
    );
    let progress = app
        .ok(&w.facilitator.token, "query($c: ID!) { node(id: $c) { ... on Commitment { progress { totalCount nodes { status percent note } } } } }", json!({ "c": commitment }))
        .await;
    assert_eq!(progress["node"]["progress"]["totalCount"], 2);
    assert_eq!(progress["node"]["progress"]["nodes"][0]["status"], "DELIVERED", "newest first");
});

both!(two_updates_with_the_same_version_one_wins_the_other_conflicts, |app| {
    let w = net_world(&app, "acme").await;
    let commitment =
        id(&propose(&app, &w.facilitator.token, &w, "ORGANISATION", "INITIATIVE", &[&w.orgs[0]], &w.orgs[0], 100)
            .await);
    let update = "mutation($c: ID!, $t: String!) { updateCommitment(input: { id: $c, expectedVersion: 1, title: $t }) { commitment { title version } } }";
    let (first, second) = tokio::join!(
        app.gql(&w.facilitator.token, update, json!({ "c": commitment, "t": "Versie A" })),
        app.gql(&w.directors[0].token, update, json!({ "c": commitment, "t": "Versie B" })),
    );
    let outcomes = [&first, &second];
    let winners: Vec<&&Gql> = outcomes.iter().filter(|r| r.0.get("errors").is_none()).collect();
    assert_eq!(winners.len(), 1, "exactly one wins: {first:?} {second:?}");
    let loser = outcomes.iter().find(|r| r.0.get("errors").is_some()).expect("a loser");
    assert_eq!(loser.code(), "CONFLICT");
    let won_title = winners[0]["updateCommitment"]["commitment"]["title"].clone();
    let now = app
        .ok(
            &w.facilitator.token,
            "query($c: ID!) { node(id: $c) { ... on Commitment { title version } } }",
            json!({ "c": commitment }),
        )
        .await;
    assert_eq!(now["node"], json!({ "title": won_title, "version": 2 }), "the winner's change is kept, nothing lost");
});

both!(parties_people_read_commitments_outsiders_do_not_and_non_parties_cannot_report, |app| {
    let w = net_world(&app, "acme").await;
    let supervisor = app.member(&w.admin, "acme", "acme-sup0", &w.orgs[0], "SUPERVISOR").await;
    let commitment = agreed(&app, &w, &[0], "ORGANISATION").await;
    let read = "query($c: ID!) { node(id: $c) { ... on Commitment { title parties { organisation { id } contributionEuros } } } }";
    for member in [&supervisor, &w.staff[0][0], &w.staff[1][0]] {
        let seen = app.ok(&member.token, read, json!({ "c": commitment })).await;
        assert_eq!(seen["node"]["title"], "Samen doen");
        assert_eq!(seen["node"]["parties"][0]["contributionEuros"], 5000);
    }
    let outsider = app.ok(&w.outsider.token, read, json!({ "c": commitment })).await;
    assert_eq!(outsider["node"], json!(null));
    let outsider_progress = app.gql(&w.outsider.token, PROGRESS, json!({ "c": commitment })).await;
    assert_eq!(outsider_progress.code(), "NOT_FOUND");
    let non_party = app.gql(&w.staff[1][0].token, PROGRESS, json!({ "c": commitment })).await;
    assert_eq!(non_party.code(), "FORBIDDEN", "staff of a non-party partner read but do not report");
    let party = app.ok(&supervisor.token, PROGRESS, json!({ "c": commitment })).await;
    assert_eq!(party["addProgressUpdate"]["commitment"]["status"], "AGREED");
});

both!(a_leaving_partner_flags_its_open_commitments_and_replanning_clears_the_flag, |app| {
    let w = net_world(&app, "acme").await;
    let open = agreed(&app, &w, &[1, 2], "COALITION").await;
    let delivered = agreed(&app, &w, &[2], "ORGANISATION").await;
    app.ok(&w.staff[2][0].token, PROGRESS, json!({ "c": delivered, "s": "DELIVERED" })).await;
    let untouched = agreed(&app, &w, &[0, 1], "COALITION").await;
    let not_flagged = app
        .ok(
            &w.facilitator.token,
            "query($c: ID!) { node(id: $c) { ... on Commitment { needsReplanning } } }",
            json!({ "c": untouched }),
        )
        .await;

    app.ok(
        &w.facilitator.token,
        "mutation($p: ID!) { removePartner(input: { partnershipId: $p, reason: \"Fusie\" }) { partnership { id } } }",
        json!({ "p": w.partnerships[2] }),
    )
    .await;
    let flagged = app
        .ok(&w.facilitator.token, "query($n: ID!) { network(id: $n) { commitments(filter: { needsReplanning: true }) { nodes { id replanningReason status version } } } }", json!({ "n": w.network }))
        .await;
    let nodes = flagged["network"]["commitments"]["nodes"].as_array().expect("nodes").clone();
    assert_eq!(nodes.len(), 1, "only the open commitment with the leaving party: {nodes:?}");
    assert_eq!(nodes[0]["id"], json!(open));
    assert_eq!(nodes[0]["status"], "AGREED", "nothing else changes silently");

    let still = app
        .ok(
            &w.facilitator.token,
            "query($c: ID!) { node(id: $c) { ... on Commitment { needsReplanning } } }",
            json!({ "c": untouched }),
        )
        .await;
    assert_eq!(still, not_flagged);
    assert_eq!(still["node"]["needsReplanning"], false, "a commitment without the leaving party is not flagged");
    let replan = "mutation($c: ID!, $v: Int!, $o: ID!) { replanCommitment(input: { id: $c, expectedVersion: $v, scope: ORGANISATION, parties: [{ organisationId: $o }], leadOrganisationId: $o }) {
        commitment { needsReplanning status scope parties { organisation { id } agreed } replannedCount lastReplanningReason } } }";
    let by_director =
        app.gql(&w.directors[1].token, replan, json!({ "c": open, "v": nodes[0]["version"], "o": w.orgs[1] })).await;
    assert_eq!(by_director.code(), "FORBIDDEN");
    let replanned =
        app.ok(&w.facilitator.token, replan, json!({ "c": open, "v": nodes[0]["version"], "o": w.orgs[1] })).await;
    assert_eq!(
        replanned["replanCommitment"]["commitment"],
        json!({ "needsReplanning": false, "status": "PROPOSED", "scope": "ORGANISATION", "parties": [{ "organisation": { "id": w.orgs[1] }, "agreed": false }],
            "replannedCount": 1, "lastReplanningReason": nodes[0]["replanningReason"] })
    );
    assert!(nodes[0]["replanningReason"].is_string(), "the flag's reason, kept past the re-plan: {nodes:?}");
});

both!(goal_results_count_delivered_commitments_of_the_goal_and_its_sub_goals, |app| {
    let w = net_world(&app, "acme").await;
    let create = "mutation($n: ID!, $t: String!, $p: ID) { createGoal(input: { networkId: $n, title: $t, horizon: LONG_TERM, parentId: $p }) { goal { id version } } }";
    let root = app.ok(&w.facilitator.token, create, json!({ "n": w.network, "t": "Betaalbaar wonen" })).await["createGoal"]["goal"]["id"].clone();
    let child = app.ok(&w.facilitator.token, create, json!({ "n": w.network, "t": "Doorstroming", "p": root })).await["createGoal"]["goal"]["id"].clone();
    let grandchild = app
        .ok(&w.facilitator.token, create, json!({ "n": w.network, "t": "Seniorenwoningen", "p": child }))
        .await["createGoal"]["goal"]["id"]
        .clone();

    let link = "mutation($c: ID!, $g: ID!, $v: Int!) { updateCommitment(input: { id: $c, expectedVersion: $v, goalId: $g }) { commitment { version } } }";
    let mut delivered_on = Vec::new();
    for (goal, parties, scope) in
        [(&root, vec![0], "ORGANISATION"), (&grandchild, vec![0, 1], "COALITION"), (&child, vec![2], "ORGANISATION")]
    {
        let commitment = agreed(&app, &w, &parties, scope).await;
        let version = app
            .ok(
                &w.facilitator.token,
                "query($c: ID!) { node(id: $c) { ... on Commitment { version } } }",
                json!({ "c": commitment }),
            )
            .await["node"]["version"]
            .clone();
        app.ok(&w.facilitator.token, link, json!({ "c": commitment, "g": goal, "v": version })).await;
        app.clock.advance(Duration::days(3));
        app.ok(&w.facilitator.token, PROGRESS, json!({ "c": commitment, "s": "DELIVERED" })).await;
        delivered_on.push(day(&app, 0));
    }
    // A commitment for the root goal that is not delivered is not a result.
    let pending = agreed(&app, &w, &[1], "ORGANISATION").await;
    app.ok(&w.facilitator.token, link, json!({ "c": pending, "g": root, "v": 2 })).await;

    let results = "query($g: ID!) { node(id: $g) { ... on Goal { results { total organisationCount coalitionCount networkCount quickWinCount initiativeCount lastResultOn delivered { scope } } } } }";
    let of_root = app.ok(&w.staff[1][1].token, results, json!({ "g": root })).await;
    assert_eq!(
        of_root["node"]["results"],
        json!({ "total": 3, "organisationCount": 2, "coalitionCount": 1, "networkCount": 0, "quickWinCount": 3, "initiativeCount": 0,
                "lastResultOn": delivered_on[2], "delivered": [{ "scope": "ORGANISATION" }, { "scope": "COALITION" }, { "scope": "ORGANISATION" }] })
    );
    let of_child = app.ok(&w.facilitator.token, results, json!({ "g": child })).await;
    assert_eq!(of_child["node"]["results"]["total"], 2);
    assert_eq!(of_child["node"]["results"]["lastResultOn"], json!(delivered_on[2]));
    let of_grandchild = app.ok(&w.facilitator.token, results, json!({ "g": grandchild })).await;
    assert_eq!(of_grandchild["node"]["results"]["total"], 1);
    assert_eq!(of_grandchild["node"]["results"]["lastResultOn"], json!(delivered_on[1]));

    let cycle = app
        .gql(&w.facilitator.token, "mutation($g: ID!, $p: ID!) { updateGoal(input: { id: $g, expectedVersion: 1, parentId: $p }) { goal { id } } }", json!({ "g": root, "p": grandchild }))
        .await;
    assert_eq!(cycle.code(), "BAD_USER_INPUT", "no cycles in the goal tree");
});

both!(three_hundred_commitments_page_and_filter_stably, |app| {
    let w = net_world(&app, "acme").await;
    let mut all = Vec::new();
    let mut coalition_of_b = Vec::new();
    for i in 0..300usize {
        let (scope, parties): (&str, Vec<&str>) = match i % 3 {
            0 => ("ORGANISATION", vec![&w.orgs[0]]),
            1 => ("COALITION", vec![&w.orgs[0], &w.orgs[1]]),
            _ => ("NETWORK", vec![&w.orgs[0], &w.orgs[1], &w.orgs[2]]),
        };
        let kind = if i % 2 == 0 { "QUICK_WIN" } else { "INITIATIVE" };
        let response =
            propose(&app, &w.facilitator.token, &w, scope, kind, &parties, parties[0], 10 + (i as i64 % 60)).await;
        let id = id(&response);
        if i % 3 == 1 {
            coalition_of_b.push(id.clone());
        }
        all.push(id);
    }
    let page = "query($n: ID!, $f: CommitmentFilter, $after: String) { network(id: $n) { commitments(filter: $f, first: 7, after: $after) {
        totalCount nodes { id } pageInfo { hasNextPage endCursor } } } }";
    let walk = |filter: Value| {
        let app = &app;
        let w = &w;
        async move {
            let mut seen = Vec::new();
            let mut after: Option<String> = None;
            let mut total;
            loop {
                let data =
                    app.ok(&w.facilitator.token, page, json!({ "n": w.network, "f": filter, "after": after })).await;
                let connection = &data["network"]["commitments"];
                total = connection["totalCount"].as_u64().expect("count");
                seen.extend(
                    connection["nodes"]
                        .as_array()
                        .expect("nodes")
                        .iter()
                        .map(|n| n["id"].as_str().expect("id").to_owned()),
                );
                if connection["pageInfo"]["hasNextPage"] == false {
                    break;
                }
                after = connection["pageInfo"]["endCursor"].as_str().map(str::to_owned);
            }
            (seen, total)
        }
    };
    let (everything, total) = walk(json!(null)).await;
    assert_eq!(total, 300);
    assert_eq!(everything, all, "each once, in a stable order");
    let (coalitions, total) = walk(json!({ "scope": "COALITION", "partyId": w.orgs[1] })).await;
    assert_eq!(total, 100);
    assert_eq!(coalitions, coalition_of_b);
    let (quick, total) = walk(json!({ "kind": "QUICK_WIN", "scope": "NETWORK" })).await;
    assert_eq!(total, 50);
    assert_eq!(quick.len(), 50);
    let (soon, _) = walk(json!({ "dueBefore": day(&app, 20) })).await;
    assert_eq!(soon.len(), 50, "due in 10 to 19 days: 10 of every 60");
    let (later, _) = walk(json!({ "dueAfter": day(&app, 59), "status": ["PROPOSED"] })).await;
    assert_eq!(later.len(), 50, "due in 60 to 69 days");
    let (none, total) = walk(json!({ "needsReplanning": true })).await;
    assert_eq!((none.len(), total), (0, 0));
});

/// Runs a mutation and checks it wrote exactly one event of `kind`.
async fn one_event(app: &TestApp, kind: &str, token: &str, query: &str, variables: Value) -> Value {
    use sea_orm::ConnectionTrait;
    let before = app.count("events").await;
    let data = app.ok(token, query, variables).await;
    assert_eq!(app.count("events").await, before + 1, "{kind}: exactly one event");
    let row = app
        .db
        .connection()
        .query_one_raw(sea_orm::Statement::from_string(
            app.sql_backend(),
            "SELECT kind FROM events ORDER BY id DESC LIMIT 1".to_owned(),
        ))
        .await
        .expect("query")
        .expect("an event");
    assert_eq!(row.try_get::<String>("", "kind").expect("kind"), kind);
    data
}

both!(every_change_to_goals_meetings_and_commitments_writes_its_event, |app| {
    let w = net_world(&app, "acme").await;
    let fac = w.facilitator.token.clone();
    let goal = one_event(&app, "goal.created", &fac, "mutation($n: ID!) { createGoal(input: { networkId: $n, title: \"Doel\", horizon: MID_TERM }) { goal { id } } }", json!({ "n": w.network })).await
        ["createGoal"]["goal"]["id"].clone();
    one_event(&app, "goal.updated", &fac, "mutation($g: ID!) { updateGoal(input: { id: $g, expectedVersion: 1, description: \"Uitleg\" }) { goal { id } } }", json!({ "g": goal })).await;
    one_event(&app, "meeting.recorded", &fac, "mutation($n: ID!, $d: Date!, $a: ID!) { recordMeeting(input: { networkId: $n, heldOn: $d, attendeeIds: [$a] }) { meeting { id } } }", json!({ "n": w.network, "d": day(&app, 0), "a": w.directors[0].id })).await;
    let parties = json!([{ "organisationId": w.orgs[0] }, { "organisationId": w.orgs[1] }]);
    let commitment = one_event(&app, "commitment.proposed", &fac, PROPOSE, json!({ "input": { "networkId": w.network, "title": "T", "scope": "COALITION", "kind": "QUICK_WIN", "parties": parties, "leadOrganisationId": w.orgs[0], "dueOn": day(&app, 30) } })).await
        ["proposeCommitment"]["commitment"]["id"].clone();
    one_event(&app, "commitment.updated", &fac, "mutation($c: ID!) { updateCommitment(input: { id: $c, expectedVersion: 1, title: \"T2\" }) { commitment { id } } }", json!({ "c": commitment })).await;
    one_event(
        &app,
        "commitment.party_agreed",
        &w.directors[0].token,
        AGREE,
        json!({ "c": commitment, "o": w.orgs[0] }),
    )
    .await;
    one_event(&app, "commitment.agreed", &w.directors[1].token, AGREE, json!({ "c": commitment, "o": w.orgs[1] }))
        .await;
    one_event(&app, "commitment.progress_added", &w.staff[0][0].token, PROGRESS, json!({ "c": commitment })).await;
    one_event(
        &app,
        "commitment.started",
        &w.staff[0][0].token,
        PROGRESS,
        json!({ "c": commitment, "s": "IN_PROGRESS" }),
    )
    .await;
    one_event(&app, "commitment.replanned", &fac, "mutation($c: ID!, $o: ID!) { replanCommitment(input: { id: $c, expectedVersion: 4, scope: ORGANISATION, parties: [{ organisationId: $o }], leadOrganisationId: $o }) { commitment { id } } }", json!({ "c": commitment, "o": w.orgs[0] })).await;
    one_event(&app, "commitment.dropped", &fac, "mutation($c: ID!) { dropCommitment(input: { id: $c, expectedVersion: 5, reason: \"Anders\" }) { commitment { id } } }", json!({ "c": commitment })).await;
    let delivered = agreed(&app, &w, &[2], "ORGANISATION").await;
    one_event(
        &app,
        "commitment.delivered",
        &w.staff[2][1].token,
        PROGRESS,
        json!({ "c": delivered, "s": "DELIVERED" }),
    )
    .await;
});

const BULK: &str = "mutation($u: [AddProgressUpdateInput!]!) { addProgressUpdates(input: { updates: $u }) {
    commitments { id status } } }";

both!(a_quarterly_report_records_many_updates_all_or_nothing_naming_each_refused_one, |app| {
    let w = net_world(&app, "acme").await;
    let first = agreed(&app, &w, &[0], "ORGANISATION").await;
    let second = agreed(&app, &w, &[0, 1], "COALITION").await;
    let proposed =
        id(&propose(&app, &w.facilitator.token, &w, "ORGANISATION", "QUICK_WIN", &[&w.orgs[0]], &w.orgs[0], 30).await);
    let update = |c: &str, note: &str, percent: i64, status: Option<&str>| json!({ "commitmentId": c, "note": note, "percent": percent, "status": status });
    let (rows, events) = (app.count("progress_updates").await, app.count("events").await);

    // Five updates: one fine, an empty note, a commitment not yet agreed, an
    // id that is no id, and one that names nothing. None is recorded; each
    // refused one is named.
    use base64::Engine;
    let nowhere =
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(format!("Commitment:{}", uuid::Uuid::now_v7()));
    let report = json!([
        update(&first, "Bouwteam gestart", 40, Some("IN_PROGRESS")),
        update(&second, "", 20, None),
        update(&proposed, "Te vroeg", 10, None),
        update("bm9uc2Vuc2U", "Geen id", 10, None),
        update(&nowhere, "Bestaat niet", 10, None),
    ]);
    let refused = app.gql(&w.staff[0][0].token, BULK, json!({ "u": report })).await;
    assert_eq!(refused.code(), "BAD_USER_INPUT", "the first refused item's code");
    assert_eq!(refused.message(), "4 of 5 updates were refused; nothing was recorded");
    let items = refused.0["errors"][0]["extensions"]["items"].as_array().expect("items").clone();
    let named: Vec<(i64, &str, Option<&str>)> = items
        .iter()
        .map(|i| (i["index"].as_i64().expect("index"), i["code"].as_str().expect("code"), i["field"].as_str()))
        .collect();
    assert_eq!(
        named,
        [
            (1, "BAD_USER_INPUT", Some("note")),
            (2, "CONFLICT", None),
            (3, "BAD_USER_INPUT", Some("commitmentId")),
            (4, "NOT_FOUND", None)
        ]
    );
    assert_eq!(app.count("progress_updates").await, rows, "all or nothing");
    assert_eq!(app.count("events").await, events);
    let status = "query($c: ID!) { node(id: $c) { ... on Commitment { status } } }";
    assert_eq!(app.ok(&w.staff[0][0].token, status, json!({ "c": first })).await["node"]["status"], "AGREED");

    // The same report, corrected: recorded in order, the same commitment twice.
    let report = json!([
        update(&first, "Bouwteam gestart", 40, Some("IN_PROGRESS")),
        update(&second, "Eerste overleg gevoerd", 20, None),
        update(&first, "Opgeleverd", 100, Some("DELIVERED")),
    ]);
    let done = app.ok(&w.staff[0][0].token, BULK, json!({ "u": report })).await;
    let statuses: Vec<&str> = done["addProgressUpdates"]["commitments"]
        .as_array()
        .expect("commitments")
        .iter()
        .map(|c| c["status"].as_str().expect("status"))
        .collect();
    assert_eq!(statuses, ["IN_PROGRESS", "AGREED", "DELIVERED"], "each as it stood after its update");
    assert_eq!(app.count("progress_updates").await, rows + 3);

    // A staff member of a partner that is no party is refused for that item.
    let other = app.gql(&w.staff[2][0].token, BULK, json!({ "u": [update(&second, "Niet van ons", 30, None)] })).await;
    assert_eq!(other.code(), "FORBIDDEN");
    let empty = app.gql(&w.staff[0][0].token, BULK, json!({ "u": [] })).await;
    assert_eq!(empty.code(), "BAD_USER_INPUT");
});
