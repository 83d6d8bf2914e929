//! `Network.health`: each signal fires in the smallest situation that should
//! trigger it and not just below its threshold; who sees what; languages;
//! `asOf`; and a statement count that does not grow with the network.

use chrono::Duration;
use serde_json::{Value, json};

use crate::both;
use crate::helpers::{NetWorld, TestApp, net_world, seat};

const HEALTH: &str = "query($n: ID!, $asOf: DateTime, $locale: Locale) { network(id: $n) { health(asOf: $asOf, locale: $locale) {
    asOf view
    expectations { alignmentIndex previousAlignmentIndex alignmentTrend charterVersion partnersNotAcknowledgedCount
      representativesNotAcknowledgedCount daysSinceLastRound daysSinceLastMeeting
      lowestScoringQuestion { key value } mostDivergentQuestion { key value } }
    backing { openRatifications medianDaysWaiting oldestDaysWaiting overdueCount agreedWithoutConsultationCount
      adviceOverriddenCount recentRejectionsCount openConditionsCount
      partners { organisation { id } involved answered approved rejected rejectedLast180Days overdue openConditions followingThrough } }
    focus { openCommitments byScope { scope count share } quickWinsDeliveredLast90Days daysSinceLastQuickWin
      withoutGoalCount goalsWithoutRecentResultCount needsReplanningCount withoutGoal { id } }
    signals { kind severity message subjectIds } } } }";
const PROPOSE: &str =
    "mutation($input: ProposeCommitmentInput!) { proposeCommitment(input: $input) { commitment { id version } } }";
const AGREE: &str = "mutation($c: ID!, $o: ID!) { agreeCommitment(input: { commitmentId: $c, organisationId: $o }) { commitment { status } } }";
const PROGRESS: &str = "mutation($c: ID!, $s: CommitmentStatus) { addProgressUpdate(input: { commitmentId: $c, note: \"Gedaan\", status: $s }) { commitment { status } } }";
const ACKNOWLEDGE: &str =
    "mutation($p: ID!, $v: Int!) { acknowledgeCharter(input: { partnershipId: $p, version: $v }) { forPartner } }";

async fn health(app: &TestApp, token: &str, w: &NetWorld) -> Value {
    app.ok(token, HEALTH, json!({ "n": w.network })).await["network"]["health"].clone()
}

fn kinds(health: &Value) -> Vec<String> {
    health["signals"]
        .as_array()
        .expect("signals")
        .iter()
        .map(|s| s["kind"].as_str().expect("kind").to_owned())
        .collect()
}

fn has(health: &Value, kind: &str) -> bool {
    kinds(health).iter().any(|k| k == kind)
}

fn day(app: &TestApp, days: i64) -> String {
    (app.clock_now().date_naive() + Duration::days(days)).format("%Y-%m-%d").to_string()
}

/// A commitment proposed by the facilitator; `parties` by index into the world's organisations.
async fn propose(app: &TestApp, w: &NetWorld, scope: &str, kind: &str, parties: &[usize], euros: i64) -> String {
    let party_inputs: Vec<Value> =
        parties.iter().map(|i| json!({ "organisationId": w.orgs[*i], "contributionEuros": euros })).collect();
    let due = if kind == "QUICK_WIN" { 60 } else { 300 };
    let data = app
        .ok(
            &w.facilitator.token,
            PROPOSE,
            json!({ "input": { "networkId": w.network, "title": "Samen doen", "scope": scope, "kind": kind,
                "parties": party_inputs, "leadOrganisationId": w.orgs[parties[0]], "dueOn": day(app, due) } }),
        )
        .await;
    data["proposeCommitment"]["commitment"]["id"].as_str().expect("id").to_owned()
}

async fn agree_all(app: &TestApp, w: &NetWorld, commitment: &str, parties: &[usize]) {
    for i in parties {
        app.ok(&w.directors[*i].token, AGREE, json!({ "c": commitment, "o": w.orgs[*i] })).await;
    }
}

async fn acknowledge_all(app: &TestApp, w: &NetWorld, version: i64) {
    for (i, director) in w.directors.iter().enumerate() {
        app.ok(&director.token, ACKNOWLEDGE, json!({ "p": w.partnerships[i], "v": version })).await;
    }
}

async fn ratification(app: &TestApp, w: &NetWorld, commitment: &str, organisation: usize, body: &str) -> Value {
    let data = app
        .ok(
            &w.facilitator.token,
            "query($c: ID!) { node(id: $c) { ... on Commitment { ratifications { id version organisation { id } body { kind } } } } }",
            json!({ "c": commitment }),
        )
        .await;
    data["node"]["ratifications"]
        .as_array()
        .expect("ratifications")
        .iter()
        .find(|r| r["organisation"]["id"] == json!(w.orgs[organisation]) && r["body"]["kind"] == json!(body))
        .unwrap_or_else(|| panic!("no {body} ratification"))
        .clone()
}

async fn record(app: &TestApp, token: &str, ratification: &Value, outcome: &str, conditions: &[&str]) -> Value {
    app.ok(
        token,
        "mutation($input: RecordRatificationOutcomeInput!) { recordRatificationOutcome(input: $input) { ratification { id outcome conditions { id } } } }",
        json!({ "input": { "ratificationId": ratification["id"], "expectedVersion": ratification["version"], "outcome": outcome,
            "decidedOn": day(app, 0), "minutesReference": "Notulen", "reason": "Besproken", "conditions": conditions } }),
    )
    .await["recordRatificationOutcome"]["ratification"]
        .clone()
}

both!(health_is_for_facilitators_in_full_for_directors_in_part_and_for_no_one_else, |app| {
    let w = net_world(&app, "acme").await;
    let full = health(&app, &w.facilitator.token, &w).await;
    assert_eq!(full["view"], "NETWORK");
    // A fresh network: nothing measured, nothing delivered, charter v1 not yet acknowledged.
    let mut fresh = kinds(&full);
    fresh.sort();
    assert_eq!(fresh, ["CHARTER_NOT_ACKNOWLEDGED", "NO_RECENT_ALIGNMENT_ROUND", "NO_RECENT_QUICK_WIN"]);
    assert_eq!(full["expectations"]["partnersNotAcknowledgedCount"], 3);
    assert_eq!(full["expectations"]["representativesNotAcknowledgedCount"], 3);
    let admin = health(&app, &w.admin, &w).await;
    assert_eq!(admin["view"], "NETWORK");

    // A director sees what concerns their own organisation only.
    let director = health(&app, &w.directors[0].token, &w).await;
    assert_eq!(director["view"], "OWN_ORGANISATIONS");
    assert_eq!(director["expectations"]["partnersNotAcknowledgedCount"], 1);
    assert_eq!(director["expectations"]["representativesNotAcknowledgedCount"], 1);

    // Staff of a partner see the network but not its health.
    let staff = app.ok(&w.staff[0][0].token, HEALTH, json!({ "n": w.network })).await;
    assert_eq!(staff["network"]["health"], Value::Null);
    let outsider = app.ok(&w.outsider.token, HEALTH, json!({ "n": w.network })).await;
    assert_eq!(outsider["network"], Value::Null);

    // Acknowledging (partner and representative at once) clears the signal,
    // one short of everyone still fires it.
    for (i, director) in w.directors.iter().enumerate().take(2) {
        app.ok(&director.token, ACKNOWLEDGE, json!({ "p": w.partnerships[i], "v": 1 })).await;
    }
    assert!(has(&health(&app, &w.facilitator.token, &w).await, "CHARTER_NOT_ACKNOWLEDGED"));
    app.ok(&w.directors[2].token, ACKNOWLEDGE, json!({ "p": w.partnerships[2], "v": 1 })).await;
    assert!(!has(&health(&app, &w.facilitator.token, &w).await, "CHARTER_NOT_ACKNOWLEDGED"));
});

/// The health answer (the whole body) to a request with this `Accept-Language`.
async fn health_in(app: &crate::helpers::TestApp, token: &str, network: &str, accept_language: &str) -> Value {
    let response = app
        .client
        .post(format!("{}/graphql", app.address))
        .bearer_auth(token)
        .header("accept-language", accept_language)
        .json(&json!({ "query": HEALTH, "variables": { "n": network } }))
        .send()
        .await
        .expect("answer");
    response.json().await.expect("json")
}

both!(messages_come_in_english_and_dutch, |app| {
    let w = net_world(&app, "acme").await;
    let en = app.ok(&w.facilitator.token, HEALTH, json!({ "n": w.network, "locale": "EN" })).await;
    let nl = app.ok(&w.facilitator.token, HEALTH, json!({ "n": w.network, "locale": "NL" })).await;
    let message = |v: &Value, kind: &str| -> String {
        v["network"]["health"]["signals"]
            .as_array()
            .expect("signals")
            .iter()
            .find(|s| s["kind"] == json!(kind))
            .expect("signal")["message"]
            .as_str()
            .expect("message")
            .to_owned()
    };
    assert!(message(&en, "NO_RECENT_QUICK_WIN").contains("quick win"));
    assert!(message(&nl, "NO_RECENT_QUICK_WIN").contains("snel resultaat"));
    // Without the argument, Accept-Language decides.
    let body = health_in(&app, &w.facilitator.token, &w.network, "nl-NL,nl;q=0.9,en;q=0.5").await;
    assert_eq!(
        message(&json!({ "network": body["data"]["network"] }), "NO_RECENT_ALIGNMENT_ROUND"),
        message(&nl, "NO_RECENT_ALIGNMENT_ROUND")
    );
    // The future cannot be diagnosed.
    let future = app
        .gql(
            &w.facilitator.token,
            HEALTH,
            json!({ "n": w.network, "asOf": (app.clock_now() + Duration::days(1)).to_rfc3339() }),
        )
        .await;
    assert_eq!(future.code(), "BAD_USER_INPUT");
});

/// A signal's message in the language the server chose, without a
/// `locale` argument or an `Accept-Language` header.
async fn unasked_message(app: &crate::helpers::TestApp, token: &str, network: &str) -> String {
    let health = app.ok(token, HEALTH, json!({ "n": network })).await;
    health["network"]["health"]["signals"]
        .as_array()
        .expect("signals")
        .iter()
        .find(|s| s["kind"] == "NO_RECENT_QUICK_WIN")
        .expect("signal")["message"]
        .as_str()
        .expect("message")
        .to_owned()
}

both!(each_person_reads_their_own_language_else_their_tenants, |app| {
    let w = net_world(&app, "acme").await;
    let count = |kinds: &[String], kind: &str| kinds.iter().filter(|k| *k == kind).count();
    let before: Vec<String> = app.column("events", "kind").await;
    let language = "{ viewer { language tenant { language } signedInPerson { language } } }";
    // A new tenant speaks Dutch, and so does everyone who chose nothing.
    let viewer = app.ok(&w.facilitator.token, language, json!({})).await;
    assert_eq!(
        viewer["viewer"],
        json!({ "language": "NL", "tenant": { "language": "NL" }, "signedInPerson": { "language": null } })
    );
    assert!(unasked_message(&app, &w.facilitator.token, &w.network).await.contains("snel resultaat"));

    // A person chooses English for themself.
    let set = "mutation($p: ID, $l: Locale) { setLanguage(input: { personId: $p, language: $l }) { person { id language } } }";
    let chosen = app.ok(&w.facilitator.token, set, json!({ "l": "EN" })).await;
    assert_eq!(chosen["setLanguage"]["person"], json!({ "id": w.facilitator.id, "language": "EN" }));
    assert!(unasked_message(&app, &w.facilitator.token, &w.network).await.contains("quick win"));
    // A request's header still decides for that request.
    let body = health_in(&app, &w.facilitator.token, &w.network, "nl").await;
    assert!(body.to_string().contains("snel resultaat"), "{body}");

    // Only an ADMIN chooses for someone else; the others see no one's choice.
    let colleague = &w.staff[0][0];
    let other = app.gql(&w.directors[0].token, set, json!({ "p": colleague.id, "l": "NL" })).await;
    assert_eq!(other.code(), "FORBIDDEN");
    app.ok(&colleague.token, set, json!({ "l": "EN" })).await;
    let seen = app
        .ok(
            &w.directors[0].token,
            "query($p: ID!) { node(id: $p) { ... on Person { language } } }",
            json!({ "p": colleague.id }),
        )
        .await;
    assert_eq!(seen["node"], json!({ "language": null }));
    app.ok(&w.admin, set, json!({ "p": w.directors[0].id, "l": "EN" })).await;
    assert_eq!(app.ok(&w.directors[0].token, "{ viewer { language } }", json!({})).await["viewer"]["language"], "EN");

    // The tenant's language is everyone's who chose none; an ADMIN sets it.
    let tenant = "mutation($l: Locale!) { setTenantLanguage(input: { language: $l }) { tenant { language } } }";
    assert_eq!(app.gql(&w.facilitator.token, tenant, json!({ "l": "EN" })).await.code(), "FORBIDDEN");
    app.ok(&w.admin, tenant, json!({ "l": "EN" })).await;
    app.ok(&w.facilitator.token, set, json!({ "l": null })).await;
    assert_eq!(app.ok(&w.facilitator.token, language, json!({})).await["viewer"]["language"], "EN");
    assert!(unasked_message(&app, &w.facilitator.token, &w.network).await.contains("quick win"));

    // Each choice is on record.
    let after: Vec<String> = app.column("events", "kind").await;
    assert_eq!(count(&after, "person.updated") - count(&before, "person.updated"), 4, "{after:?}");
    assert_eq!(count(&after, "tenant.updated") - count(&before, "tenant.updated"), 1, "{after:?}");
});

both!(focus_signals_fire_just_over_their_thresholds, |app| {
    let w = net_world(&app, "acme").await;
    acknowledge_all(&app, &w, 1).await;

    // Half the open commitments network-wide is fine; more is too much together.
    let own = propose(&app, &w, "ORGANISATION", "INITIATIVE", &[0], 5000).await;
    propose(&app, &w, "NETWORK", "INITIATIVE", &[0, 1, 2], 5000).await;
    let h = health(&app, &w.facilitator.token, &w).await;
    assert!(!has(&h, "TOO_MUCH_TOGETHER"), "1 of 2 is exactly the threshold");
    assert_eq!(h["focus"]["openCommitments"], 2);
    propose(&app, &w, "NETWORK", "INITIATIVE", &[0, 1, 2], 5000).await;
    let h = health(&app, &w.facilitator.token, &w).await;
    assert!(has(&h, "TOO_MUCH_TOGETHER"));
    assert_eq!(h["focus"]["byScope"][2], json!({ "scope": "NETWORK", "count": 2, "share": 0.67 }), "two decimals");

    // Every one lacks a goal; linking them to a goal takes them off the list.
    assert!(has(&h, "COMMITMENT_WITHOUT_GOAL"));
    assert_eq!(h["focus"]["withoutGoalCount"], 3);
    let goal = app
        .ok(
            &w.facilitator.token,
            "mutation($n: ID!) { createGoal(input: { networkId: $n, title: \"Betaalbaar wonen\", horizon: LONG_TERM }) { goal { id } } }",
            json!({ "n": w.network }),
        )
        .await["createGoal"]["goal"]["id"]
        .clone();
    for commitment in h["focus"]["withoutGoal"].as_array().expect("list") {
        let version = app
            .ok(
                &w.facilitator.token,
                "query($c: ID!) { node(id: $c) { ... on Commitment { version } } }",
                json!({ "c": commitment["id"] }),
            )
            .await["node"]["version"]
            .clone();
        app.ok(
            &w.facilitator.token,
            "mutation($c: ID!, $v: Int!, $g: ID!) { updateCommitment(input: { id: $c, expectedVersion: $v, goalId: $g }) { commitment { id } } }",
            json!({ "c": commitment["id"], "v": version, "g": goal }),
        )
        .await;
    }
    assert!(!has(&health(&app, &w.facilitator.token, &w).await, "COMMITMENT_WITHOUT_GOAL"));

    // A quick win delivered today silences NO_RECENT_QUICK_WIN for 90 days.
    let quick = propose(&app, &w, "ORGANISATION", "QUICK_WIN", &[1], 1000).await;
    agree_all(&app, &w, &quick, &[1]).await;
    app.ok(&w.directors[1].token, PROGRESS, json!({ "c": quick, "s": "DELIVERED" })).await;
    let h = health(&app, &w.facilitator.token, &w).await;
    assert!(!has(&h, "NO_RECENT_QUICK_WIN"));
    assert_eq!(h["focus"]["quickWinsDeliveredLast90Days"], 1);
    app.clock.advance(Duration::days(90));
    let h = health(&app, &w.facilitator.token, &w).await;
    assert!(!has(&h, "NO_RECENT_QUICK_WIN"), "90 days is within the window");
    app.clock.advance(Duration::days(1));
    let h = health(&app, &w.facilitator.token, &w).await;
    assert!(has(&h, "NO_RECENT_QUICK_WIN"));
    assert_eq!(h["focus"]["daysSinceLastQuickWin"], 91);

    // A partner that leaves flags its open commitments for re-planning.
    assert!(!has(&h, "NEEDS_REPLANNING"));
    app.ok(
        &w.facilitator.token,
        "mutation($p: ID!) { removePartner(input: { partnershipId: $p, reason: \"Fusie\" }) { partnership { status } } }",
        json!({ "p": w.partnerships[0] }),
    )
    .await;
    let h = health(&app, &w.facilitator.token, &w).await;
    assert!(has(&h, "NEEDS_REPLANNING"));
    assert_eq!(h["focus"]["needsReplanningCount"], 3, "the organisation's own and both network-wide ones");
    let replanning =
        h["signals"].as_array().expect("signals").iter().find(|s| s["kind"] == "NEEDS_REPLANNING").cloned();
    assert!(replanning.expect("signal")["subjectIds"].as_array().expect("ids").iter().any(|id| id == &json!(own)));

    // asOf reads the past: before the quick win there was none.
    let before = app
        .ok(
            &w.facilitator.token,
            HEALTH,
            json!({ "n": w.network, "asOf": (app.clock_now() - Duration::days(100)).to_rfc3339() }),
        )
        .await;
    let before = &before["network"]["health"];
    assert_eq!(before["focus"]["daysSinceLastQuickWin"], Value::Null);
    assert!(has(before, "NO_RECENT_QUICK_WIN"));
});

both!(backing_signals_fire_when_boards_do_not_follow_the_table, |app| {
    let w = net_world(&app, "acme").await;
    acknowledge_all(&app, &w, 1).await;
    let supervisor = app.member(&w.admin, "acme", "acme-rvc", &w.orgs[0], "SUPERVISOR").await;
    let client = app.member(&w.admin, "acme", "acme-client", &w.orgs[0], "STAFF").await;
    seat(
        &app,
        &w.admin,
        &w.orgs[0],
        &[
            ("EXECUTIVE_BOARD", &w.directors[0]),
            ("SUPERVISORY_BOARD", &supervisor),
            ("WORKS_COUNCIL", &w.staff[0][0]),
            ("CLIENT_COUNCIL", &client),
        ],
    )
    .await;
    seat(&app, &w.admin, &w.orgs[1], &[("EXECUTIVE_BOARD", &w.directors[1])]).await;

    // Consulted before agreeing: no signal.
    let consulted = propose(&app, &w, "ORGANISATION", "INITIATIVE", &[1], 5000).await;
    app.ok(&w.directors[1].token, "mutation($c: ID!, $o: ID!) { startConsultation(input: { commitmentId: $c, organisationId: $o }) { commitment { id } } }", json!({ "c": consulted, "o": w.orgs[1] })).await;
    agree_all(&app, &w, &consulted, &[1]).await;
    let h = health(&app, &w.facilitator.token, &w).await;
    assert!(!has(&h, "AGREED_WITHOUT_CONSULTATION"));
    assert_eq!(h["backing"]["openRatifications"], 1);

    // Agreed without consulting: the signal names the commitment.
    let big = propose(&app, &w, "ORGANISATION", "INITIATIVE", &[0], 150_000).await;
    agree_all(&app, &w, &big, &[0]).await;
    let h = health(&app, &w.facilitator.token, &w).await;
    assert!(has(&h, "AGREED_WITHOUT_CONSULTATION"));
    assert_eq!(h["backing"]["agreedWithoutConsultationCount"], 1);
    assert!(!has(&h, "ADVICE_OVERRIDDEN"));
    // The works council advises against it...
    let or = ratification(&app, &w, &big, 0, "WORKS_COUNCIL").await;
    record(&app, &w.staff[0][0].token, &or, "NEGATIVE", &[]).await;
    let cc = ratification(&app, &w, &big, 0, "CLIENT_COUNCIL").await;
    record(&app, &client.token, &cc, "POSITIVE", &[]).await;
    assert!(!has(&health(&app, &w.facilitator.token, &w).await, "ADVICE_OVERRIDDEN"), "negative advice alone");
    // ...and the board approves anyway, with a condition.
    let board = ratification(&app, &w, &big, 0, "EXECUTIVE_BOARD").await;
    let approved =
        record(&app, &w.directors[0].token, &board, "APPROVED_WITH_CONDITIONS", &["Eerst OR-instemming"]).await;
    let h = health(&app, &w.facilitator.token, &w).await;
    assert!(has(&h, "ADVICE_OVERRIDDEN"));
    assert!(has(&h, "CONDITIONS_OPEN"));
    assert_eq!(h["backing"]["openConditionsCount"], 1);
    app.ok(
        &w.directors[0].token,
        "mutation($c: ID!) { markConditionMet(input: { conditionId: $c }) { ratification { id } } }",
        json!({ "c": approved["conditions"][0]["id"] }),
    )
    .await;
    assert!(!has(&health(&app, &w.facilitator.token, &w).await, "CONDITIONS_OPEN"));

    // The supervisory board rejects: that partner does not follow through.
    assert!(!has(&health(&app, &w.facilitator.token, &w).await, "PARTNER_NOT_FOLLOWING"), "before the rejection");
    let rvc = ratification(&app, &w, &big, 0, "SUPERVISORY_BOARD").await;
    record(&app, &supervisor.token, &rvc, "REJECTED", &[]).await;
    let h = health(&app, &w.facilitator.token, &w).await;
    assert!(has(&h, "PARTNER_NOT_FOLLOWING"));
    let partner = h["backing"]["partners"]
        .as_array()
        .expect("partners")
        .iter()
        .find(|p| p["organisation"]["id"] == json!(w.orgs[0]))
        .expect("the housing corporation")
        .clone();
    assert_eq!(partner["rejectedLast180Days"], 1);
    assert_eq!(partner["followingThrough"], false);
    // A partner's director sees only their own organisation's follow-through.
    let own = health(&app, &w.directors[1].token, &w).await;
    assert_eq!(own["backing"]["partners"].as_array().expect("partners").len(), 1);
    assert_eq!(own["backing"]["partners"][0]["organisation"]["id"], json!(w.orgs[1]));
    assert!(!has(&own, "PARTNER_NOT_FOLLOWING") && !has(&own, "ADVICE_OVERRIDDEN"));

    // The municipality's board has not decided: overdue only after its due date.
    let window = 42;
    app.clock.advance(Duration::days(window));
    let h = health(&app, &w.facilitator.token, &w).await;
    assert!(!has(&h, "RATIFICATION_OVERDUE"), "on the due date it is not yet overdue");
    app.clock.advance(Duration::days(1));
    let h = health(&app, &w.facilitator.token, &w).await;
    assert!(has(&h, "RATIFICATION_OVERDUE"));
    assert_eq!(h["backing"]["overdueCount"], 1);
    assert_eq!(h["backing"]["oldestDaysWaiting"], window + 1);
});

both!(alignment_signals_follow_the_rounds, |app| {
    let w = net_world(&app, "acme").await;
    acknowledge_all(&app, &w, 1).await;
    let open =
        "mutation($input: OpenAlignmentRoundInput!) { openAlignmentRound(input: $input) { alignmentRound { id } } }";
    let submit = "mutation($r: ID!, $answers: [AlignmentAnswerInput!]!) { submitAlignmentResponse(input: { roundId: $r, answers: $answers }) { alignmentRound { id } } }";
    let keys = ["GOAL_CLARITY", "GOAL_SHARED", "WAY_OF_WORKING", "BACKING", "FOCUS", "RESULTS"];
    let answers = |score: i32| -> Value { keys.iter().map(|k| json!({ "questionKey": k, "score": score })).collect() };
    // Round 1: everyone agrees (index 1); round 2: the partners diverge.
    let mut round_ids = Vec::new();
    for scores in [[4, 4, 4], [1, 3, 5]] {
        let closes_at = (app.clock_now() + Duration::days(14)).to_rfc3339();
        let round = app
            .ok(&w.facilitator.token, open, json!({ "input": { "networkId": w.network, "closesAt": closes_at } }))
            .await;
        let round = round["openAlignmentRound"]["alignmentRound"]["id"].as_str().expect("id").to_owned();
        for (i, score) in scores.iter().enumerate() {
            for member in [&w.directors[i], &w.staff[i][0], &w.staff[i][1]] {
                app.ok(&member.token, submit, json!({ "r": round, "answers": answers(*score) })).await;
            }
        }
        app.clock.advance(Duration::days(15));
        round_ids.push(round);
    }
    let h = health(&app, &w.facilitator.token, &w).await;
    assert!(has(&h, "ALIGNMENT_DROPPING"));
    assert!(!has(&h, "NO_RECENT_ALIGNMENT_ROUND"));
    assert_eq!(h["expectations"]["previousAlignmentIndex"], 1.0);
    assert!(h["expectations"]["alignmentTrend"].as_f64().expect("trend") < -0.1);
    assert_eq!(h["expectations"]["mostDivergentQuestion"]["key"], "GOAL_CLARITY");
    // Directors see the figures too: every partner had three respondents.
    let director = health(&app, &w.directors[0].token, &w).await;
    assert_eq!(director["expectations"]["alignmentIndex"], h["expectations"]["alignmentIndex"]);

    // Before the second round closed there was nothing to compare.
    let before = app
        .ok(
            &w.facilitator.token,
            HEALTH,
            json!({ "n": w.network, "asOf": (app.clock_now() - Duration::days(2)).to_rfc3339() }),
        )
        .await;
    assert!(!has(&before["network"]["health"], "ALIGNMENT_DROPPING"));

    // A round is recent for 180 days after it closed, not a day longer.
    app.clock.advance(Duration::days(179));
    assert!(!has(&health(&app, &w.facilitator.token, &w).await, "NO_RECENT_ALIGNMENT_ROUND"));
    app.clock.advance(Duration::days(2));
    assert!(has(&health(&app, &w.facilitator.token, &w).await, "NO_RECENT_ALIGNMENT_ROUND"));
});

/// Statements one health query issues, counted on the application's pool.
async fn statements_for_health(app: &TestApp, w: &NetWorld) -> u64 {
    let before = app.app_db.statement_count();
    health(app, &w.facilitator.token, w).await;
    app.app_db.statement_count() - before
}

/// Opens a round, lets every director answer, and closes it.
async fn closed_round(app: &TestApp, w: &NetWorld) {
    let closes_at = (app.clock_now() + Duration::days(14)).to_rfc3339();
    let round = app
        .ok(
            &w.facilitator.token,
            "mutation($n: ID!, $c: DateTime!) { openAlignmentRound(input: { networkId: $n, closesAt: $c }) { alignmentRound { id } } }",
            json!({ "n": w.network, "c": closes_at }),
        )
        .await["openAlignmentRound"]["alignmentRound"]["id"]
        .clone();
    for director in &w.directors {
        app.ok(
            &director.token,
            "mutation($r: ID!) { submitAlignmentResponse(input: { roundId: $r, answers: [{ questionKey: \"GOAL_CLARITY\", score: 3 }, { questionKey: \"GOAL_SHARED\", score: 3 }, { questionKey: \"WAY_OF_WORKING\", score: 3 }, { questionKey: \"BACKING\", score: 3 }, { questionKey: \"FOCUS\", score: 3 }, { questionKey: \"RESULTS\", score: 3 }] }) { alignmentRound { id } } }",
            json!({ "r": round }),
        )
        .await;
    }
    app.ok(
        &w.facilitator.token,
        "mutation($r: ID!) { closeAlignmentRound(input: { roundId: $r }) { alignmentRound { id } } }",
        json!({ "r": round }),
    )
    .await;
}

both!(health_issues_the_same_number_of_statements_for_a_network_ten_times_larger, |app| {
    let w = net_world(&app, "acme").await;
    let grow = |n: usize| {
        let (app, w) = (&app, &w);
        async move {
            for i in 0..n {
                let scope = ["ORGANISATION", "COALITION", "NETWORK"][i % 3];
                let parties: &[usize] = match scope {
                    "ORGANISATION" => &[0],
                    "COALITION" => &[0, 1],
                    _ => &[0, 1, 2],
                };
                let c =
                    propose(app, w, scope, if i % 2 == 0 { "QUICK_WIN" } else { "INITIATIVE" }, parties, 5000).await;
                if i % 2 == 1 {
                    agree_all(app, w, &c, parties).await;
                }
            }
        }
    };
    // Small: 3 partners, 3 commitments, 2 closed rounds.
    grow(3).await;
    for _ in 0..2 {
        closed_round(&app, &w).await;
    }
    let small = statements_for_health(&app, &w).await;
    // Ten times the commitments, more rounds, one more partner.
    grow(27).await;
    for _ in 0..3 {
        closed_round(&app, &w).await;
    }
    let fourth = app.invite(&w.facilitator.token, &w.network, &w.outsider_org).await;
    app.accept(&w.outsider.token, &fourth).await;
    let large = statements_for_health(&app, &w).await;
    assert_eq!(small, large, "health must not issue statements per commitment, partner or round");
    eprintln!("health: {small} statements for the small network and for the large one");
    assert!(small < 60, "a bounded number of statements, got {small}");
});
