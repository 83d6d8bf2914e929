//! Ratification by each party's governing bodies: the rows a mandate makes,
//! consultation before agreement, outcomes by right after it, blocking and
//! advice, reopening with history, conditions, and board views.

use chrono::Duration;
use serde_json::{Value, json};

use crate::both;
use crate::helpers::{Member, NetWorld, TestApp, net_world, seat};

const RATIFICATIONS: &str = "query($c: ID!) { node(id: $c) { ... on Commitment { status ratificationStatus needsReplanning
    ratifications { id version status outcome right dueOn organisation { id } body { kind } conditions { id status } history { outcome reopenedAt } } } } }";
const RECORD: &str = "mutation($input: RecordRatificationOutcomeInput!) { recordRatificationOutcome(input: $input) { ratification { status outcome version } } }";

fn find<'a>(ratifications: &'a Value, organisation: &str, kind: &str) -> &'a Value {
    ratifications
        .as_array()
        .expect("ratifications")
        .iter()
        .find(|r| r["organisation"]["id"] == json!(organisation) && r["body"]["kind"] == json!(kind))
        .unwrap_or_else(|| panic!("no {kind} ratification for {organisation}"))
}

async fn ratifications(app: &TestApp, token: &str, commitment: &str) -> Value {
    app.ok(token, RATIFICATIONS, json!({ "c": commitment })).await["node"].clone()
}

async fn record(
    app: &TestApp,
    token: &str,
    ratification: &Value,
    outcome: &str,
    reason: Option<&str>,
    conditions: &[&str],
) -> crate::helpers::Gql {
    app.gql(
        token,
        RECORD,
        json!({ "input": { "ratificationId": ratification["id"], "expectedVersion": ratification["version"], "outcome": outcome,
            "decidedOn": app.clock_now().date_naive().format("%Y-%m-%d").to_string(), "minutesReference": "Notulen 2026-12",
            "reason": reason, "conditions": conditions } }),
    )
    .await
}

struct Boards {
    housing_supervisor: Member,
}

/// Housing (0) keeps the default mandate; the municipality (1) involves its
/// council in everything; the care provider (2) only its works council.
async fn boards(app: &TestApp, w: &NetWorld) -> Boards {
    let housing_supervisor = app.member(&w.admin, "acme", "acme-rvc", &w.orgs[0], "SUPERVISOR").await;
    seat(
        app,
        &w.admin,
        &w.orgs[0],
        &[
            ("EXECUTIVE_BOARD", &w.directors[0]),
            ("SUPERVISORY_BOARD", &housing_supervisor),
            ("WORKS_COUNCIL", &w.staff[0][0]),
        ],
    )
    .await;
    seat(app, &w.admin, &w.orgs[1], &[("EXECUTIVE_BOARD", &w.directors[1]), ("MUNICIPAL_COUNCIL", &w.staff[1][0])])
        .await;
    seat(app, &w.admin, &w.orgs[2], &[("EXECUTIVE_BOARD", &w.directors[2]), ("WORKS_COUNCIL", &w.staff[2][0])]).await;
    let bodies = |org: &str| {
        let org = org.to_owned();
        async move {
            app.ok(
                &w.admin,
                "query($o: ID!) { node(id: $o) { ... on Organisation { governingBodies { id kind } } } }",
                json!({ "o": org }),
            )
            .await["node"]["governingBodies"]
                .clone()
        }
    };
    let municipality = bodies(&w.orgs[1]).await;
    let council = municipality
        .as_array()
        .expect("bodies")
        .iter()
        .find(|b| b["kind"] == "MUNICIPAL_COUNCIL")
        .expect("council")["id"]
        .clone();
    app.ok(&w.directors[1].token, "mutation($o: ID!, $b: ID!) { setMandate(input: { organisationId: $o, rules: [{ bodyId: $b, appliesTo: ANY }] }) { organisation { mandate { isDefault } } } }", json!({ "o": w.orgs[1], "b": council })).await;
    let care = bodies(&w.orgs[2]).await;
    let works_council =
        care.as_array().expect("bodies").iter().find(|b| b["kind"] == "WORKS_COUNCIL").expect("OR")["id"].clone();
    app.ok(&w.directors[2].token, "mutation($o: ID!, $b: ID!) { setMandate(input: { organisationId: $o, rules: [{ bodyId: $b, appliesTo: INITIATIVE }] }) { organisation { id } } }", json!({ "o": w.orgs[2], "b": works_council })).await;
    Boards { housing_supervisor }
}

async fn propose_initiative(app: &TestApp, w: &NetWorld) -> String {
    let due = (app.clock_now().date_naive() + Duration::days(300)).format("%Y-%m-%d").to_string();
    let data = app
        .ok(
            &w.facilitator.token,
            "mutation($input: ProposeCommitmentInput!) { proposeCommitment(input: $input) { commitment { id } } }",
            json!({ "input": { "networkId": w.network, "title": "Wonen met zorg", "scope": "COALITION", "kind": "INITIATIVE",
                "parties": [{ "organisationId": w.orgs[0], "contributionEuros": 150000 }, { "organisationId": w.orgs[1], "contributionEuros": 20000 }, { "organisationId": w.orgs[2], "contributionEuros": 150000 }],
                "leadOrganisationId": w.orgs[0], "dueOn": due } }),
        )
        .await;
    data["proposeCommitment"]["commitment"]["id"].as_str().expect("id").to_owned()
}

async fn fourth_partner(app: &TestApp, w: &NetWorld) {
    let fourth = app.invite(&w.facilitator.token, &w.network, &w.outsider_org).await;
    app.accept(&w.outsider.token, &fourth).await;
}

both!(a_three_party_coalition_is_consulted_early_and_ratified_by_each_partys_bodies, |app| {
    let w = net_world(&app, "acme").await;
    fourth_partner(&app, &w).await;
    let b = boards(&app, &w).await;
    let commitment = propose_initiative(&app, &w).await;

    let start = ratifications(&app, &w.facilitator.token, &commitment).await;
    assert_eq!(start["ratificationStatus"], "PENDING");
    let rows = start["ratifications"].as_array().expect("rows");
    let mut kinds: Vec<(String, String)> = rows
        .iter()
        .map(|r| {
            let party = w.orgs.iter().position(|o| r["organisation"]["id"] == json!(o)).expect("a party");
            (
                format!("{party}:{}", r["body"]["kind"].as_str().expect("kind")),
                r["right"].as_str().expect("right").to_owned(),
            )
        })
        .collect();
    kinds.sort();
    assert_eq!(
        kinds,
        vec![
            ("0:CLIENT_COUNCIL".into(), "ADVISES".into()),
            ("0:EXECUTIVE_BOARD".into(), "DECIDES".into()),
            ("0:SUPERVISORY_BOARD".into(), "APPROVES".into()),
            ("0:WORKS_COUNCIL".into(), "ADVISES".into()),
            ("1:EXECUTIVE_BOARD".into(), "DECIDES".into()),
            ("1:MUNICIPAL_COUNCIL".into(), "WISHES_AND_CONCERNS".into()),
            ("2:EXECUTIVE_BOARD".into(), "DECIDES".into()),
            ("2:WORKS_COUNCIL".into(), "ADVISES".into()),
        ],
        "one ratification per party and body its mandate involves"
    );
    assert!(rows.iter().all(|r| r["status"] == "NOT_STARTED"));

    // Consultation before the agreement.
    let consult = "mutation($c: ID!, $o: ID!) { startConsultation(input: { commitmentId: $c, organisationId: $o }) { commitment { id } } }";
    let by_other = app.gql(&w.directors[1].token, consult, json!({ "c": commitment, "o": w.orgs[0] })).await;
    assert_eq!(by_other.code(), "FORBIDDEN");
    app.ok(&w.directors[0].token, consult, json!({ "c": commitment, "o": w.orgs[0] })).await;
    app.ok(&w.staff[0][1].token, "mutation($c: ID!, $o: ID!) { addConsultationInput(input: { commitmentId: $c, organisationId: $o, stance: CONCERN, text: \"Te weinig huurders betrokken\" }) { commitment { id } } }", json!({ "c": commitment, "o": w.orgs[0] })).await;
    let now = ratifications(&app, &w.facilitator.token, &commitment).await;
    let or = find(&now["ratifications"], &w.orgs[0], "WORKS_COUNCIL").clone();
    assert_eq!(or["status"], "CONSULTING");
    // The works council advises early, while consulting.
    let advice = record(&app, &w.staff[0][0].token, &or, "NEGATIVE", Some("Werkdruk"), &[]).await;
    assert_eq!(advice["recordRatificationOutcome"]["ratification"]["outcome"], "NEGATIVE");
    // The board cannot decide before the commitment is agreed.
    let board = find(&now["ratifications"], &w.orgs[0], "EXECUTIVE_BOARD").clone();
    let early = record(&app, &w.directors[0].token, &board, "APPROVED", None, &[]).await;
    assert_eq!(early.code(), "CONFLICT");

    // Every party agrees: the ratifications await their outcomes.
    for (i, director) in w.directors.iter().enumerate() {
        app.ok(&director.token, "mutation($c: ID!, $o: ID!) { agreeCommitment(input: { commitmentId: $c, organisationId: $o }) { commitment { status } } }", json!({ "c": commitment, "o": w.orgs[i] })).await;
    }
    let agreed = ratifications(&app, &w.facilitator.token, &commitment).await;
    assert_eq!(agreed["status"], "AGREED");
    let board = find(&agreed["ratifications"], &w.orgs[0], "EXECUTIVE_BOARD").clone();
    assert_eq!(board["status"], "AWAITING");
    assert_eq!(
        board["dueOn"],
        json!((app.clock_now().date_naive() + Duration::days(42)).format("%Y-%m-%d").to_string())
    );

    // The tenants' organisation (42 days) has not answered: the board waits.
    let too_soon = record(&app, &w.directors[0].token, &board, "APPROVED", None, &[]).await;
    assert_eq!(too_soon.code(), "CONFLICT", "the deciding body waits for advice or its response time");
    app.clock.advance(Duration::days(43));
    let unmotivated = record(&app, &w.directors[0].token, &board, "APPROVED", None, &[]).await;
    assert_eq!(unmotivated.code(), "BAD_USER_INPUT", "departing from negative advice needs a motivation");
    let wrong_member = record(&app, &b.housing_supervisor.token, &board, "APPROVED", Some("x"), &[]).await;
    assert_eq!(wrong_member.code(), "FORBIDDEN", "only the body's own members record its outcome");
    let facilitator = record(&app, &w.facilitator.token, &board, "APPROVED", Some("x"), &[]).await;
    assert_eq!(facilitator.code(), "FORBIDDEN");
    record(&app, &w.directors[0].token, &board, "APPROVED", Some("Huurders komen later aan tafel"), &[]).await.data();
    let wrong_right = record(
        &app,
        &b.housing_supervisor.token,
        find(&agreed["ratifications"], &w.orgs[0], "SUPERVISORY_BOARD"),
        "POSITIVE",
        None,
        &[],
    )
    .await;
    assert_eq!(wrong_right.code(), "BAD_USER_INPUT", "a supervisory board approves; it does not advise");
    record(
        &app,
        &b.housing_supervisor.token,
        find(&agreed["ratifications"], &w.orgs[0], "SUPERVISORY_BOARD"),
        "APPROVED_WITH_CONDITIONS",
        None,
        &["Jaarlijkse evaluatie"],
    )
    .await
    .data();

    // The municipality: the council gives wishes and concerns, the college decides.
    record(
        &app,
        &w.staff[1][0].token,
        find(&agreed["ratifications"], &w.orgs[1], "MUNICIPAL_COUNCIL"),
        "RESPONDED",
        None,
        &[],
    )
    .await
    .data();
    record(
        &app,
        &w.directors[1].token,
        find(&agreed["ratifications"], &w.orgs[1], "EXECUTIVE_BOARD"),
        "APPROVED",
        None,
        &[],
    )
    .await
    .data();
    let pending = ratifications(&app, &w.facilitator.token, &commitment).await;
    assert_eq!(pending["ratificationStatus"], "PENDING", "the care provider has not decided");
    record(
        &app,
        &w.staff[2][0].token,
        find(&agreed["ratifications"], &w.orgs[2], "WORKS_COUNCIL"),
        "POSITIVE",
        None,
        &[],
    )
    .await
    .data();
    record(
        &app,
        &w.directors[2].token,
        find(&agreed["ratifications"], &w.orgs[2], "EXECUTIVE_BOARD"),
        "APPROVED",
        None,
        &[],
    )
    .await
    .data();
    let ratified = ratifications(&app, &w.facilitator.token, &commitment).await;
    assert_eq!(ratified["ratificationStatus"], "RATIFIED");
    let by_status = "query($n: ID!, $s: CommitmentRatificationStatus!) { network(id: $n) { commitments(filter: { ratificationStatus: $s }) { nodes { id } } } }";
    for (status, expected) in [
        ("RATIFIED", json!([{ "id": commitment }])),
        ("PENDING", json!([])),
        ("REJECTED", json!([])),
        ("NOT_REQUIRED", json!([])),
    ] {
        let found = app.ok(&w.facilitator.token, by_status, json!({ "n": w.network, "s": status })).await;
        assert_eq!(found["network"]["commitments"]["nodes"], expected, "filter {status}");
    }

    // An outcome is final unless the same body reopens it; history keeps it.
    let rvc = find(&ratified["ratifications"], &w.orgs[0], "SUPERVISORY_BOARD").clone();
    let again = record(&app, &b.housing_supervisor.token, &rvc, "REJECTED", Some("x"), &[]).await;
    assert_eq!(again.code(), "CONFLICT");
    let reopen = "mutation($r: ID!, $v: Int!) { reopenRatification(input: { ratificationId: $r, expectedVersion: $v }) { ratification { status outcome version history { outcome reopenedAt } } } }";
    let by_board = app.gql(&w.directors[0].token, reopen, json!({ "r": rvc["id"], "v": rvc["version"] })).await;
    assert_eq!(by_board.code(), "FORBIDDEN");
    let reopened = app.ok(&b.housing_supervisor.token, reopen, json!({ "r": rvc["id"], "v": rvc["version"] })).await;
    let reopened = &reopened["reopenRatification"]["ratification"];
    assert_eq!(reopened["status"], "AWAITING");
    assert_eq!(reopened["history"][0]["outcome"], "APPROVED_WITH_CONDITIONS");
    assert!(reopened["history"][0]["reopenedAt"].is_string());
    let mut rvc = rvc.clone();
    rvc["version"] = reopened["version"].clone();
    record(&app, &b.housing_supervisor.token, &rvc, "REJECTED", Some("Financiering onvoldoende"), &[]).await.data();
    let rejected = ratifications(&app, &w.facilitator.token, &commitment).await;
    assert_eq!(rejected["ratificationStatus"], "REJECTED");
    assert_eq!(rejected["needsReplanning"], true, "a blocking rejection sends it back to the table");

    // Conditions: a director of the party marks them met.
    let condition = find(&rejected["ratifications"], &w.orgs[0], "SUPERVISORY_BOARD")["conditions"][0]["id"].clone();
    let met =
        "mutation($c: ID!) { markConditionMet(input: { conditionId: $c }) { ratification { conditions { status } } } }";
    let by_other_party = app.gql(&w.directors[1].token, met, json!({ "c": condition })).await;
    assert_eq!(by_other_party.code(), "FORBIDDEN");
    let marked = app.ok(&w.directors[0].token, met, json!({ "c": condition })).await;
    assert_eq!(marked["markConditionMet"]["ratification"]["conditions"][0]["status"], "MET");

    let rejected_filter = app.ok(&w.facilitator.token, by_status, json!({ "n": w.network, "s": "REJECTED" })).await;
    assert_eq!(rejected_filter["network"]["commitments"]["nodes"], json!([{ "id": commitment }]));
    let follow = app
        .ok(&w.facilitator.token, "query($n: ID!) { network(id: $n) { followThrough { organisation { id } involved answered approved rejected openConditions medianDaysToOutcome } } }", json!({ "n": w.network }))
        .await;
    let housing = follow["network"]["followThrough"]
        .as_array()
        .expect("list")
        .iter()
        .find(|f| f["organisation"]["id"] == json!(w.orgs[0]))
        .expect("housing")
        .clone();
    // Board approved, supervisory board rejected (after reopening), works
    // council advised; the tenants' organisation never answered.
    assert_eq!(
        (
            housing["involved"].as_i64(),
            housing["answered"].as_i64(),
            housing["approved"].as_i64(),
            housing["rejected"].as_i64(),
            housing["openConditions"].as_i64()
        ),
        (Some(4), Some(3), Some(1), Some(1), Some(0))
    );
});

both!(consultation_inputs_stay_inside_the_organisation, |app| {
    let w = net_world(&app, "acme").await;
    fourth_partner(&app, &w).await;
    boards(&app, &w).await;
    let commitment = propose_initiative(&app, &w).await;
    app.ok(&w.directors[0].token, "mutation($c: ID!, $o: ID!) { startConsultation(input: { commitmentId: $c, organisationId: $o }) { commitment { id } } }", json!({ "c": commitment, "o": w.orgs[0] })).await;
    for (stance, text) in [("SUPPORT", "Goed plan"), ("OBJECTION", "Geheim bezwaar"), ("OBJECTION", "Nog een")] {
        app.ok(&w.staff[0][1].token, "mutation($c: ID!, $o: ID!, $s: Stance!, $t: String!) { addConsultationInput(input: { commitmentId: $c, organisationId: $o, stance: $s, text: $t }) { commitment { id } } }", json!({ "c": commitment, "o": w.orgs[0], "s": stance, "t": text })).await;
    }
    let outsider_input = app.gql(&w.staff[1][1].token, "mutation($c: ID!, $o: ID!) { addConsultationInput(input: { commitmentId: $c, organisationId: $o, stance: SUPPORT, text: \"x\" }) { commitment { id } } }", json!({ "c": commitment, "o": w.orgs[0] })).await;
    assert_eq!(outsider_input.code(), "FORBIDDEN");
    let query = "query($c: ID!) { node(id: $c) { ... on Commitment { parties { organisation { id } consultation { supportCount objectionCount inputs { text } } } } } }";
    let own = app.ok(&w.staff[0][0].token, query, json!({ "c": commitment })).await;
    assert_eq!(own["node"]["parties"][0]["consultation"]["objectionCount"], 2);
    assert_eq!(own["node"]["parties"][0]["consultation"]["inputs"].as_array().map(Vec::len), Some(3));
    let other_party = app.ok(&w.directors[1].token, query, json!({ "c": commitment })).await;
    assert_eq!(
        other_party["node"]["parties"][0]["consultation"],
        json!(null),
        "party B sees nothing of party A's consultation"
    );
    let facilitator = app.ok(&w.facilitator.token, query, json!({ "c": commitment })).await;
    assert_eq!(
        facilitator["node"]["parties"][0]["consultation"],
        json!({ "supportCount": 1, "objectionCount": 2, "inputs": [] }),
        "counts only"
    );
    let body = serde_json::to_string(&other_party).expect("json");
    assert!(!body.contains("Geheim"));
});

both!(a_director_here_and_supervisor_there_sees_exactly_the_right_pending_decisions, |app| {
    let w = net_world(&app, "acme").await;
    fourth_partner(&app, &w).await;
    boards(&app, &w).await;
    // The municipality's director also supervises the housing corporation.
    app.assign(&w.admin, &w.directors[1].id, &w.orgs[0], "SUPERVISOR").await;
    let both_boards = Member { id: w.directors[1].id.clone(), token: w.directors[1].token.clone() };
    seat(
        &app,
        &w.admin,
        &w.orgs[0],
        &[("EXECUTIVE_BOARD", &w.directors[0]), ("SUPERVISORY_BOARD", &both_boards), ("WORKS_COUNCIL", &w.staff[0][0])],
    )
    .await;
    let commitment = propose_initiative(&app, &w).await;
    let pending = "{ viewer { pendingDecisions { organisation { id } body { kind } commitment { id } } } }";
    let seen = app.ok(&w.directors[1].token, pending, json!({})).await;
    let mut decisions: Vec<(String, String)> = seen["viewer"]["pendingDecisions"]
        .as_array()
        .expect("list")
        .iter()
        .map(|d| {
            assert_eq!(d["commitment"]["id"], json!(commitment));
            (
                d["organisation"]["id"].as_str().expect("org").to_owned(),
                d["body"]["kind"].as_str().expect("kind").to_owned(),
            )
        })
        .collect();
    decisions.sort();
    let mut expected =
        vec![(w.orgs[0].clone(), "SUPERVISORY_BOARD".to_owned()), (w.orgs[1].clone(), "EXECUTIVE_BOARD".to_owned())];
    expected.sort();
    assert_eq!(decisions, expected, "the college at one, the supervisory board at the other, nothing else");
    let staff = app.ok(&w.staff[0][1].token, pending, json!({})).await;
    assert_eq!(staff["viewer"]["pendingDecisions"], json!([]));
    let portal = app
        .gql(
            &w.staff[0][1].token,
            "query($o: ID!) { node(id: $o) { ... on Organisation { pendingRatifications { id } } } }",
            json!({ "o": w.orgs[0] }),
        )
        .await;
    assert_eq!(portal.code(), "FORBIDDEN");
    let board_portal = app
        .ok(
            &w.directors[0].token,
            "query($o: ID!) { node(id: $o) { ... on Organisation { pendingRatifications { body { kind } } } } }",
            json!({ "o": w.orgs[0] }),
        )
        .await;
    assert_eq!(board_portal["node"]["pendingRatifications"].as_array().map(Vec::len), Some(4));
});

/// An AGREED coalition whose municipal council (a member: the municipality's
/// first staff member) awaits its answer.
async fn awaiting_council(app: &TestApp, w: &NetWorld) -> (String, Value) {
    fourth_partner(app, w).await;
    boards(app, w).await;
    let commitment = propose_initiative(app, w).await;
    for (i, director) in w.directors.iter().enumerate() {
        app.ok(&director.token, "mutation($c: ID!, $o: ID!) { agreeCommitment(input: { commitmentId: $c, organisationId: $o }) { commitment { status } } }", json!({ "c": commitment, "o": w.orgs[i] })).await;
    }
    let rows = ratifications(app, &w.facilitator.token, &commitment).await;
    let council = find(&rows["ratifications"], &w.orgs[1], "MUNICIPAL_COUNCIL").clone();
    (commitment, council)
}

crate::postgres_only!(twenty_concurrent_outcomes_with_one_version_record_exactly_one, |app| {
    let w = net_world(&app, "acme").await;
    let (_, council) = awaiting_council(&app, &w).await;
    let before = app.count("events").await;
    let attempts = (0..20).map(|_| record(&app, &w.staff[1][0].token, &council, "RESPONDED", None, &[]));
    let results = futures_util::future::join_all(attempts).await;
    let won = results.iter().filter(|r| r.0.get("errors").is_none()).count();
    let conflicts = results.iter().filter(|r| r.0.get("errors").is_some() && r.code() == "CONFLICT").count();
    assert_eq!((won, conflicts), (1, 19), "exactly one succeeds, the rest are told CONFLICT");
    assert_eq!(app.count("events").await, before + 1, "the timeline holds exactly one event");
    assert_eq!(app.count("ratification_records").await, 1);
});

both!(an_outcome_whose_event_cannot_be_written_leaves_nothing_behind, |app| {
    use sea_orm::ConnectionTrait;
    let w = net_world(&app, "acme").await;
    let (commitment, council) = awaiting_council(&app, &w).await;
    // Make the event store refuse this one kind of event.
    let conn = app.db.connection();
    match app.backend {
        crate::helpers::Backend::Sqlite => {
            conn.execute_unprepared("CREATE TRIGGER refuse_decided BEFORE INSERT ON events WHEN NEW.kind = 'ratification.decided' BEGIN SELECT RAISE(ABORT, 'event store unavailable'); END").await.expect("trigger");
        }
        crate::helpers::Backend::Postgres => {
            conn.execute_unprepared("CREATE FUNCTION refuse_decided() RETURNS trigger AS $$ BEGIN IF NEW.kind = 'ratification.decided' THEN RAISE EXCEPTION 'event store unavailable'; END IF; RETURN NEW; END $$ LANGUAGE plpgsql").await.expect("function");
            conn.execute_unprepared(
                "CREATE TRIGGER refuse_decided BEFORE INSERT ON events FOR EACH ROW EXECUTE FUNCTION refuse_decided()",
            )
            .await
            .expect("trigger");
        }
    }
    let failed = record(&app, &w.staff[1][0].token, &council, "RESPONDED", None, &[]).await;
    assert_eq!(failed.code(), "INTERNAL");
    assert_eq!(failed.message(), "internal error", "the cause is logged, not told");
    let after = ratifications(&app, &w.facilitator.token, &commitment).await;
    let council_now = find(&after["ratifications"], &w.orgs[1], "MUNICIPAL_COUNCIL");
    assert_eq!(council_now["outcome"], json!(null));
    assert_eq!(council_now["version"], council["version"]);
    assert_eq!(app.count("ratification_records").await, 0, "nothing half-written");
});

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum May {
    /// Allowed: succeeds, or meets a state CONFLICT once another allowed actor acted first.
    Do,
    Forbidden,
    NotFound,
}

both!(who_may_do_what_in_ratification_walked_as_a_table, |app| {
    use May::*;
    let w = net_world(&app, "acme").await;
    fourth_partner(&app, &w).await;
    let b = boards(&app, &w).await;
    let off_board = app.member(&w.admin, "acme", "acme-dir0b", &w.orgs[0], "DIRECTOR").await;
    // The world's outsider became the fourth partner; this one stays outside.
    let stranger_org =
        app.create_organisation(&w.admin, "Adviesbureau", "COMPANY").await["id"].as_str().expect("id").to_owned();
    let stranger = app.member(&w.admin, "acme", "acme-stranger", &stranger_org, "DIRECTOR").await;
    let commitment = propose_initiative(&app, &w).await;
    let admin = crate::helpers::Member { id: String::new(), token: w.admin.clone() };
    // The roles, in the order they act: allowed roles come last in each row's
    // walk only by virtue of the checks below, which accept a CONFLICT for an
    // allowed role that acts after another.
    let roles: Vec<(&str, &crate::helpers::Member)> = vec![
        ("admin", &admin),
        ("facilitator", &w.facilitator),
        ("director of another party", &w.directors[1]),
        ("director outside the network", &stranger),
        ("staff of the party, off the works council", &w.staff[0][1]),
        ("staff of the party, on the works council", &w.staff[0][0]),
        ("supervisor of the party, on the supervisory board", &b.housing_supervisor),
        ("director of the party, off the board", &off_board),
        ("director of the party, on the board", &w.directors[0]),
    ];
    let expect = |row: [May; 9]| row;
    let walk = |action: &'static str, query: &'static str, variables: Value, row: [May; 9]| {
        let app = &app;
        let roles = roles.clone();
        async move {
            let mut succeeded = 0;
            for ((role, member), may) in roles.iter().zip(row) {
                let events = app.count("events").await;
                let response = app.gql(&member.token, query, variables.clone()).await;
                let error = response.0.get("errors").map(|_| response.code().to_owned());
                match (may, error.as_deref()) {
                    (Do, None) => succeeded += 1,
                    (Do, Some("CONFLICT")) => {}
                    (Forbidden, Some("FORBIDDEN")) | (NotFound, Some("NOT_FOUND")) => {
                        assert_eq!(app.count("events").await, events, "{action} by {role}: a refusal writes nothing");
                    }
                    (expected, got) => {
                        panic!("{action} by {role}: expected {expected:?}, got {got:?}: {:?}", response.0)
                    }
                }
            }
            assert!(succeeded >= 1, "{action}: an allowed role must have succeeded");
        }
    };
    let record_versioned = "mutation($r: ID!, $v: Int!, $o: RatificationOutcome!, $c: [String!]) { recordRatificationOutcome(input: { ratificationId: $r, expectedVersion: $v, outcome: $o, decidedOn: \"2026-03-01\", minutesReference: \"N-2\", reason: \"Gemotiveerd\", conditions: $c }) { ratification { id } } }";

    //                                                     admin      facilitator dir. other outsider  staff off  staff OR   supervisor dir. off   dir. on
    walk("startConsultation", "mutation($c: ID!, $o: ID!) { startConsultation(input: { commitmentId: $c, organisationId: $o }) { commitment { id } } }",
        json!({ "c": commitment, "o": w.orgs[0] }),
        expect([Forbidden, Forbidden, Forbidden, NotFound, Forbidden, Forbidden, Forbidden, Do, Do])).await;
    walk("addConsultationInput", "mutation($c: ID!, $o: ID!) { addConsultationInput(input: { commitmentId: $c, organisationId: $o, stance: SUPPORT, text: \"Eens\" }) { commitment { id } } }",
        json!({ "c": commitment, "o": w.orgs[0] }),
        expect([Forbidden, Forbidden, Forbidden, NotFound, Do, Do, Do, Do, Do])).await;
    let rows = ratifications(&app, &w.facilitator.token, &commitment).await;
    let works_council = find(&rows["ratifications"], &w.orgs[0], "WORKS_COUNCIL").clone();
    walk(
        "recordRatificationOutcome (works council advice)",
        record_versioned,
        json!({ "r": works_council["id"], "v": works_council["version"], "o": "POSITIVE", "c": [] }),
        expect([Forbidden, Forbidden, Forbidden, NotFound, Forbidden, Do, Forbidden, Forbidden, Forbidden]),
    )
    .await;
    for (i, director) in w.directors.iter().enumerate() {
        app.ok(&director.token, "mutation($c: ID!, $o: ID!) { agreeCommitment(input: { commitmentId: $c, organisationId: $o }) { commitment { status } } }", json!({ "c": commitment, "o": w.orgs[i] })).await;
    }
    app.clock.advance(Duration::days(43));
    let rows = ratifications(&app, &w.facilitator.token, &commitment).await;
    let versioned = |kind: &str| {
        let r = find(&rows["ratifications"], &w.orgs[0], kind);
        (r["id"].clone(), r["version"].clone())
    };
    let (supervisory, version) = versioned("SUPERVISORY_BOARD");
    walk(
        "recordRatificationOutcome (supervisory board)",
        record_versioned,
        json!({ "r": supervisory, "v": version, "o": "APPROVED_WITH_CONDITIONS", "c": ["Evaluatie na een jaar"] }),
        expect([Forbidden, Forbidden, Forbidden, NotFound, Forbidden, Forbidden, Do, Forbidden, Forbidden]),
    )
    .await;
    let (board, version) = versioned("EXECUTIVE_BOARD");
    walk(
        "recordRatificationOutcome (executive board)",
        record_versioned,
        json!({ "r": board, "v": version, "o": "APPROVED", "c": [] }),
        expect([Forbidden, Forbidden, Forbidden, NotFound, Forbidden, Forbidden, Forbidden, Forbidden, Do]),
    )
    .await;
    let rows = ratifications(&app, &w.facilitator.token, &commitment).await;
    let sb = find(&rows["ratifications"], &w.orgs[0], "SUPERVISORY_BOARD");
    let condition = sb["conditions"][0]["id"].clone();
    walk(
        "markConditionMet",
        "mutation($c: ID!) { markConditionMet(input: { conditionId: $c }) { ratification { id } } }",
        json!({ "c": condition }),
        expect([Forbidden, Forbidden, Forbidden, NotFound, Forbidden, Forbidden, Forbidden, Do, Do]),
    )
    .await;
    walk("reopenRatification", "mutation($r: ID!, $v: Int!) { reopenRatification(input: { ratificationId: $r, expectedVersion: $v }) { ratification { id } } }",
        json!({ "r": sb["id"], "v": sb["version"] }),
        expect([Forbidden, Forbidden, Forbidden, NotFound, Forbidden, Forbidden, Do, Forbidden, Forbidden])).await;
    let mandate = "mutation($o: ID!) { setMandate(input: { organisationId: $o, rules: [] }) { organisation { id } } }";
    walk(
        "setMandate",
        mandate,
        json!({ "o": w.orgs[0] }),
        expect([Forbidden, Forbidden, Forbidden, NotFound, Forbidden, Forbidden, Forbidden, Do, Do]),
    )
    .await;
});

both!(the_timeline_shows_the_networks_history_newest_first_with_each_subjects_visibility, |app| {
    let w = net_world(&app, "acme").await;
    fourth_partner(&app, &w).await;
    boards(&app, &w).await;
    let commitment = propose_initiative(&app, &w).await;
    app.ok(&w.directors[0].token, "mutation($c: ID!, $o: ID!) { startConsultation(input: { commitmentId: $c, organisationId: $o }) { commitment { id } } }", json!({ "c": commitment, "o": w.orgs[0] })).await;
    app.ok(&w.staff[0][1].token, "mutation($c: ID!, $o: ID!) { addConsultationInput(input: { commitmentId: $c, organisationId: $o, stance: OBJECTION, text: \"Intern bezwaar\" }) { commitment { id } } }", json!({ "c": commitment, "o": w.orgs[0] })).await;

    let timeline = "query($n: ID!, $k: [String!], $o: ID) { network(id: $n) { timeline(kinds: $k, organisationId: $o, first: 100) { totalCount nodes { kind subjectId payload actor { id } } } } }";
    let kinds = |data: &Value| -> Vec<String> {
        data["network"]["timeline"]["nodes"]
            .as_array()
            .expect("nodes")
            .iter()
            .map(|e| e["kind"].as_str().expect("kind").to_owned())
            .collect()
    };
    let facilitator = app.ok(&w.facilitator.token, timeline, json!({ "n": w.network })).await;
    let seen = kinds(&facilitator);
    assert_eq!(
        &seen[..3],
        ["ratification.consultation_input_added", "ratification.consultation_started", "commitment.proposed"],
        "newest first"
    );
    assert!(seen.contains(&"network.created".to_owned()) && seen.contains(&"charter.adopted".to_owned()));
    assert_eq!(facilitator["network"]["timeline"]["nodes"][2]["subjectId"], json!(commitment));
    assert!(!facilitator.to_string().contains("Intern bezwaar"), "no free text in events");

    let own = app.ok(&w.staff[0][0].token, timeline, json!({ "n": w.network })).await;
    assert_eq!(
        kinds(&own)[0],
        "ratification.consultation_input_added",
        "the organisation's own people see their consultation"
    );
    let other = app.ok(&w.staff[1][0].token, timeline, json!({ "n": w.network })).await;
    assert!(
        !kinds(&other).contains(&"ratification.consultation_input_added".to_owned()),
        "another partner does not even see that input was given"
    );
    assert_eq!(kinds(&other)[0], "ratification.consultation_started");

    let filtered = app.ok(&w.facilitator.token, timeline, json!({ "n": w.network, "k": ["partner.joined"] })).await;
    assert_eq!(filtered["network"]["timeline"]["totalCount"], 4);
    let of_care = app
        .ok(
            &w.facilitator.token,
            timeline,
            json!({ "n": w.network, "k": ["partner.invited", "partner.joined"], "o": w.orgs[2] }),
        )
        .await;
    assert_eq!(kinds(&of_care), vec!["partner.joined", "partner.invited"]);
    let stranger = app.ok(&w.outsider.token, timeline, json!({ "n": w.network })).await;
    assert!(stranger["network"].is_object(), "the fourth partner sees the network");
});

both!(a_proposer_adds_bodies_but_never_removes_the_mandates, |app| {
    let w = net_world(&app, "acme").await;
    boards(&app, &w).await;
    let bodies = app.ok(&w.admin, "query($o: ID!, $h: ID!) { care: node(id: $o) { ... on Organisation { governingBodies { id kind } } } housing: node(id: $h) { ... on Organisation { governingBodies { id kind } } } }", json!({ "o": w.orgs[2], "h": w.orgs[0] })).await;
    let id_of = |org: &str, kind: &str| {
        bodies[org]["governingBodies"]
            .as_array()
            .expect("bodies")
            .iter()
            .find(|b| b["kind"] == json!(kind))
            .expect("body")["id"]
            .clone()
    };
    let due = (app.clock_now().date_naive() + Duration::days(30)).format("%Y-%m-%d").to_string();
    let propose = |added: Value| {
        json!({ "input": { "networkId": w.network, "title": "Snel resultaat", "scope": "ORGANISATION", "kind": "QUICK_WIN",
            "parties": [{ "organisationId": w.orgs[2] }], "leadOrganisationId": w.orgs[2], "dueOn": due, "additionalBodyIds": added } })
    };
    let query = "mutation($input: ProposeCommitmentInput!) { proposeCommitment(input: $input) { commitment { ratifications { body { kind } right } } } }";
    let plain = app.ok(&w.facilitator.token, query, propose(json!([]))).await;
    assert_eq!(
        plain["proposeCommitment"]["commitment"]["ratifications"],
        json!([{ "body": { "kind": "EXECUTIVE_BOARD" }, "right": "DECIDES" }]),
        "a quick win: the deciding body only"
    );
    let added = app.ok(&w.facilitator.token, query, propose(json!([id_of("care", "SUPERVISORY_BOARD")]))).await;
    let kinds: Vec<&str> = added["proposeCommitment"]["commitment"]["ratifications"]
        .as_array()
        .expect("list")
        .iter()
        .map(|r| r["body"]["kind"].as_str().expect("kind"))
        .collect();
    assert_eq!(kinds.len(), 2);
    assert!(kinds.contains(&"EXECUTIVE_BOARD") && kinds.contains(&"SUPERVISORY_BOARD"));
    let foreign = app.gql(&w.facilitator.token, query, propose(json!([id_of("housing", "SUPERVISORY_BOARD")]))).await;
    assert_eq!(foreign.code(), "BAD_USER_INPUT", "a body of a non-party is refused");
});

both!(a_board_seat_gives_no_say_once_the_position_ended, |app| {
    let w = net_world(&app, "acme").await;
    let (_, council) = awaiting_council(&app, &w).await;
    // The council member also works for the housing corporation, so still sees
    // the network; then the municipal position ends. The seat stays on record
    // but no longer counts.
    app.assign(&w.admin, &w.staff[1][0].id, &w.orgs[0], "STAFF").await;
    let positions = app
        .ok(
            &w.admin,
            "query($p: ID!) { node(id: $p) { ... on Person { positions { id } } } }",
            json!({ "p": w.staff[1][0].id }),
        )
        .await;
    let position = positions["node"]["positions"][0]["id"].clone();
    app.ok(
        &w.admin,
        "mutation($p: ID!) { endPosition(input: { positionId: $p }) { position { id } } }",
        json!({ "p": position }),
    )
    .await;
    let pending = app.ok(&w.staff[1][0].token, "{ viewer { pendingDecisions { id } } }", json!({})).await;
    assert_eq!(pending["viewer"]["pendingDecisions"], json!([]));
    let refused = record(&app, &w.staff[1][0].token, &council, "RESPONDED", None, &[]).await;
    assert_eq!(refused.code(), "FORBIDDEN", "an ended position gives no rights, board seats included");
});

both!(a_dropped_commitment_leaves_the_boards_inboxes_and_keeps_the_outcomes_given, |app| {
    let w = net_world(&app, "acme").await;
    fourth_partner(&app, &w).await;
    let b = boards(&app, &w).await;
    let commitment = propose_initiative(&app, &w).await;
    for (i, director) in w.directors.iter().enumerate() {
        app.ok(&director.token, "mutation($c: ID!, $o: ID!) { agreeCommitment(input: { commitmentId: $c, organisationId: $o }) { commitment { status } } }", json!({ "c": commitment, "o": w.orgs[i] })).await;
    }
    let agreed = ratifications(&app, &w.facilitator.token, &commitment).await;
    let or = find(&agreed["ratifications"], &w.orgs[0], "WORKS_COUNCIL").clone();
    record(&app, &w.staff[0][0].token, &or, "POSITIVE", None, &[]).await;
    let inbox = "{ viewer { pendingDecisions { commitment { id } } } }";
    let pending = app.ok(&b.housing_supervisor.token, inbox, json!({})).await;
    assert_eq!(pending["viewer"]["pendingDecisions"].as_array().map(Vec::len), Some(1));

    let version = app
        .ok(
            &w.facilitator.token,
            "query($c: ID!) { node(id: $c) { ... on Commitment { version } } }",
            json!({ "c": commitment }),
        )
        .await["node"]["version"]
        .clone();
    app.ok(
        &w.facilitator.token,
        "mutation($c: ID!, $v: Int!) { dropCommitment(input: { id: $c, expectedVersion: $v, reason: \"Geen geld\" }) { commitment { status } } }",
        json!({ "c": commitment, "v": version }),
    )
    .await;
    let pending = app.ok(&b.housing_supervisor.token, inbox, json!({})).await;
    assert_eq!(pending["viewer"]["pendingDecisions"], json!([]), "no body decides on a dropped commitment");
    let after = ratifications(&app, &w.facilitator.token, &commitment).await;
    let left = after["ratifications"].as_array().expect("ratifications");
    assert_eq!(left.len(), 1, "the advice given stays on record: {left:#?}");
    assert_eq!(left[0]["outcome"], "POSITIVE");
});
