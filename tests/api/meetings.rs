//! Planned network meetings: one meeting from plan to record, with its
//! agenda, changes counted in its sequence, cancellation, and its history on
//! the timeline.

use chrono::{Duration, TimeZone, Utc};
use serde_json::{Value, json};

use crate::both;
use crate::helpers::{NetWorld, TestApp, net_world};

const PLAN: &str = "mutation($n: ID!, $plan: MeetingPlanInput!) { planMeeting(input: { networkId: $n, plan: $plan }) {
    meeting { id status heldOn startsAt sequence } } }";
const CHANGE: &str = "mutation($m: ID!, $s: Int!, $plan: MeetingPlanInput!) { changeMeetingPlan(input: { meetingId: $m, expectedSequence: $s, plan: $plan }) {
    meeting { id status startsAt location sequence agenda { title } } } }";
const CANCEL: &str = "mutation($m: ID!, $s: Int!) { cancelMeeting(input: { meetingId: $m, expectedSequence: $s, reason: \"Te weinig partners\" }) {
    meeting { status cancellationReason sequence } } }";
const HELD: &str = "mutation($m: ID!, $s: Int!, $a: [ID!]!) { recordMeetingHeld(input: { meetingId: $m, expectedSequence: $s, attendeeIds: $a, minutesReference: \"Verslag 2026-03\" }) {
    meeting { status heldOn minutesReference sequence attendees { person { id } } } } }";
const MEETINGS: &str =
    "query($n: ID!, $status: [MeetingStatus!]) { node(id: $n) { ... on Network { meetings(status: $status) { nodes {
    id status title heldOn startsAt endsAt location onlineUrl sequence
    agenda { number kind title notes charterVersion commitment { id title } round { id } } } } } } }";

/// The day after `days` days at 19:00 in Amsterdam (18:00 UTC in winter).
fn evening(app: &TestApp, days: i64) -> chrono::DateTime<Utc> {
    let day = app.clock_now().date_naive() + Duration::days(days);
    Utc.from_utc_datetime(&day.and_hms_opt(18, 0, 0).expect("a time"))
}

async fn proposed(app: &TestApp, w: &NetWorld) -> String {
    let due = (app.clock_now().date_naive() + Duration::days(200)).format("%Y-%m-%d").to_string();
    let data = app
        .ok(
            &w.facilitator.token,
            "mutation($input: ProposeCommitmentInput!) { proposeCommitment(input: $input) { commitment { id } } }",
            json!({ "input": { "networkId": w.network, "title": "Wijkteam", "scope": "COALITION", "kind": "INITIATIVE",
                "parties": [{ "organisationId": w.orgs[0] }, { "organisationId": w.orgs[1] }],
                "leadOrganisationId": w.orgs[0], "dueOn": due } }),
        )
        .await;
    data["proposeCommitment"]["commitment"]["id"].as_str().expect("id").to_owned()
}

async fn meetings(app: &TestApp, token: &str, network: &str, status: Value) -> Vec<Value> {
    app.ok(token, MEETINGS, json!({ "n": network, "status": status })).await["node"]["meetings"]["nodes"]
        .as_array()
        .expect("meetings")
        .clone()
}

both!(a_meeting_goes_from_plan_to_record_with_its_agenda_and_its_history, |app| {
    let w = net_world(&app, "acme").await;
    let commitment = proposed(&app, &w).await;
    let starts = evening(&app, 14);
    let plan = json!({ "title": "Bestuurlijk overleg", "startsAt": starts.to_rfc3339(),
        "endsAt": (starts + Duration::hours(2)).to_rfc3339(), "location": "Stadhuis Oost",
        "onlineUrl": "https://meet.example.nl/regio-oost",
        "agenda": [
            { "kind": "AGREE_COMMITMENT", "title": "Instemmen met het wijkteam", "commitmentId": commitment },
            { "kind": "ADOPT_CHARTER", "title": "Charter versie 2", "charterVersion": 2, "notes": "Zie de bijlage" },
            { "kind": "OTHER", "title": "Rondvraag" }] });
    let planned = app.ok(&w.facilitator.token, PLAN, json!({ "n": w.network, "plan": plan })).await;
    let meeting = planned["planMeeting"]["meeting"].clone();
    let id = meeting["id"].as_str().expect("id").to_owned();
    assert_eq!(meeting["status"], "PLANNED");
    assert_eq!(meeting["sequence"], 0);
    assert_eq!(meeting["heldOn"], json!(starts.date_naive().to_string()), "the day it is planned for");

    // Held meetings stay what `meetings` lists by default; the plan is asked for.
    assert!(meetings(&app, &w.directors[1].token, &w.network, Value::Null).await.is_empty());
    let listed = meetings(&app, &w.directors[1].token, &w.network, json!(["PLANNED"])).await;
    assert_eq!(listed.len(), 1);
    let agenda = &listed[0]["agenda"];
    assert_eq!(agenda.as_array().map(Vec::len), Some(3));
    assert_eq!(agenda[0]["number"], 1);
    assert_eq!(agenda[0]["commitment"]["title"], "Wijkteam", "a partner sees what an item points at when they may");
    assert_eq!((agenda[1]["kind"].as_str(), agenda[1]["charterVersion"].as_i64()), (Some("ADOPT_CHARTER"), Some(2)));
    assert_eq!(listed[0]["onlineUrl"], "https://meet.example.nl/regio-oost");
    let outsider = app.gql(&w.outsider.token, MEETINGS, json!({ "n": w.network, "status": ["PLANNED"] })).await;
    assert!(outsider.data()["node"].is_null(), "an outsider sees no network, so no meeting");

    // A plan changes as a whole; its sequence counts the changes.
    let later = evening(&app, 15);
    let changed_plan = json!({ "startsAt": later.to_rfc3339(), "location": "Provinciehuis",
        "agenda": [{ "kind": "AGREE_COMMITMENT", "title": "Instemmen met het wijkteam", "commitmentId": commitment }] });
    let changed = app.ok(&w.facilitator.token, CHANGE, json!({ "m": id, "s": 0, "plan": changed_plan })).await;
    assert_eq!(changed["changeMeetingPlan"]["meeting"]["sequence"], 1);
    assert_eq!(changed["changeMeetingPlan"]["meeting"]["location"], "Provinciehuis");
    let stale = app.gql(&w.facilitator.token, CHANGE, json!({ "m": id, "s": 0, "plan": changed_plan })).await;
    assert_eq!(stale.code(), "CONFLICT", "a change on a plan read before the last change");
    let by_partner = app.gql(&w.directors[0].token, CHANGE, json!({ "m": id, "s": 1, "plan": changed_plan })).await;
    assert_eq!(by_partner.code(), "FORBIDDEN");

    // What is agreed at the table is agreed in a meeting that took place.
    let agree = "mutation($c: ID!, $o: ID!, $m: ID) { agreeCommitment(input: { commitmentId: $c, organisationId: $o, meetingId: $m }) { commitment { status } } }";
    let too_early = app.gql(&w.directors[0].token, agree, json!({ "c": commitment, "o": w.orgs[0], "m": id })).await;
    assert_eq!(too_early.code(), "BAD_USER_INPUT");
    let before_its_day = app
        .gql(&w.facilitator.token, HELD, json!({ "m": id, "s": 1, "a": [w.facilitator.id, w.directors[0].id] }))
        .await;
    assert_eq!(before_its_day.code(), "CONFLICT", "a meeting is recorded once its day has come");

    app.clock.advance(Duration::days(15));
    let held = app
        .ok(&w.facilitator.token, HELD, json!({ "m": id, "s": 1, "a": [w.facilitator.id, w.directors[0].id] }))
        .await;
    let held = &held["recordMeetingHeld"]["meeting"];
    assert_eq!(held["status"], "HELD");
    assert_eq!(held["heldOn"], json!(later.date_naive().to_string()));
    assert_eq!(held["minutesReference"], "Verslag 2026-03");
    assert_eq!(held["attendees"].as_array().map(Vec::len), Some(2));
    assert_eq!(
        meetings(&app, &w.directors[1].token, &w.network, Value::Null).await.len(),
        1,
        "held: listed by default"
    );
    app.ok(&w.directors[0].token, agree, json!({ "c": commitment, "o": w.orgs[0], "m": id })).await;
    let again = app.gql(&w.facilitator.token, HELD, json!({ "m": id, "s": 2, "a": [w.facilitator.id] })).await;
    assert_eq!(again.code(), "CONFLICT", "a meeting is held once");

    // One meeting, one history.
    let timeline = app
        .ok(&w.facilitator.token, "query($n: ID!) { node(id: $n) { ... on Network { timeline(first: 100) { nodes { kind subjectId payload } } } } }", json!({ "n": w.network }))
        .await;
    let kinds: Vec<(String, Value)> = timeline["node"]["timeline"]["nodes"]
        .as_array()
        .expect("events")
        .iter()
        .filter(|e| e["kind"].as_str().is_some_and(|k| k.starts_with("meeting.")))
        .map(|e| (e["kind"].as_str().expect("kind").to_owned(), e["payload"].clone()))
        .collect();
    let names: Vec<&str> = kinds.iter().map(|(k, _)| k.as_str()).collect();
    assert_eq!(names.len(), 3, "{kinds:?}");
    for kind in ["meeting.planned", "meeting.plan_changed", "meeting.recorded"] {
        assert!(names.contains(&kind), "{kind} in {names:?}");
    }
    let recorded = kinds.iter().find(|(k, _)| k == "meeting.recorded").expect("recorded");
    assert_eq!(recorded.1["planned"], true);
});

both!(a_cancelled_meeting_keeps_its_plan_and_is_never_held, |app| {
    let w = net_world(&app, "acme").await;
    let starts = evening(&app, 3);
    let planned = app
        .ok(
            &w.facilitator.token,
            PLAN,
            json!({ "n": w.network, "plan": { "startsAt": starts.to_rfc3339(), "title": "Werksessie" } }),
        )
        .await;
    let id = planned["planMeeting"]["meeting"]["id"].as_str().expect("id").to_owned();
    let cancelled = app.ok(&w.facilitator.token, CANCEL, json!({ "m": id, "s": 0 })).await;
    assert_eq!(
        cancelled["cancelMeeting"]["meeting"],
        json!({ "status": "CANCELLED", "cancellationReason": "Te weinig partners", "sequence": 1 })
    );
    let listed = meetings(&app, &w.directors[0].token, &w.network, json!(["CANCELLED"])).await;
    assert_eq!((listed.len(), listed[0]["title"].as_str()), (1, Some("Werksessie")));
    app.clock.advance(Duration::days(4));
    for (what, gql) in [
        ("held", app.gql(&w.facilitator.token, HELD, json!({ "m": id, "s": 1, "a": [w.facilitator.id] })).await),
        ("cancelled again", app.gql(&w.facilitator.token, CANCEL, json!({ "m": id, "s": 1 })).await),
        (
            "changed",
            app.gql(
                &w.facilitator.token,
                CHANGE,
                json!({ "m": id, "s": 1, "plan": { "startsAt": evening(&app, 2).to_rfc3339() } }),
            )
            .await,
        ),
    ] {
        assert_eq!(gql.code(), "CONFLICT", "a cancelled meeting is not {what}");
    }
});

both!(a_plan_is_checked_before_anything_is_written, |app| {
    let w = net_world(&app, "acme").await;
    let starts = evening(&app, 7);
    let round = "mutation($n: ID!) { planMeeting(input: { networkId: $n, plan: { startsAt: \"2026-03-01T10:00:00Z\" } }) { meeting { id } } }";
    let before = app.count("meetings").await;
    let past = app.gql(&w.facilitator.token, round, json!({ "n": w.network })).await;
    assert_eq!(past.code(), "BAD_USER_INPUT", "planned ahead");
    for (what, plan) in [
        (
            "an end before the start",
            json!({ "startsAt": starts.to_rfc3339(), "endsAt": (starts - Duration::hours(1)).to_rfc3339() }),
        ),
        ("a link that is not https", json!({ "startsAt": starts.to_rfc3339(), "onlineUrl": "javascript:alert(1)" })),
        (
            "a commitment item without its commitment",
            json!({ "startsAt": starts.to_rfc3339(), "agenda": [{ "kind": "AGREE_COMMITMENT", "title": "Instemmen" }] }),
        ),
        (
            "an item pointing at what its kind is not about",
            json!({ "startsAt": starts.to_rfc3339(), "agenda": [{ "kind": "OTHER", "title": "Rondvraag", "charterVersion": 2 }] }),
        ),
        (
            "an empty agenda line",
            json!({ "startsAt": starts.to_rfc3339(), "agenda": [{ "kind": "OTHER", "title": "  " }] }),
        ),
    ] {
        let refused = app.gql(&w.facilitator.token, PLAN, json!({ "n": w.network, "plan": plan })).await;
        assert_eq!(refused.code(), "BAD_USER_INPUT", "{what}: {:?}", refused.0);
    }
    let by_partner = app
        .gql(&w.directors[0].token, PLAN, json!({ "n": w.network, "plan": { "startsAt": starts.to_rfc3339() } }))
        .await;
    assert_eq!(by_partner.code(), "FORBIDDEN", "facilitators plan the network's meetings");
    assert_eq!(app.count("meetings").await, before, "nothing written");
    assert_eq!(app.count("meeting_agenda_items").await, 0);
});
