//! Calendar feeds: created and revoked through the API, fetched over real
//! HTTP without a bearer header as calendar apps do, read back by an
//! independent iCalendar parser (Python's `icalendar`) and imported into the
//! calendar library of Thunderbird (ical.js), which must agree on every
//! event's moments. A feed holds what concerns its owner and nothing they
//! could not see.

use base64::Engine;
use chrono::{Duration, TimeZone, Utc};
use serde_json::{Value, json};

use crate::dossiers::agreed_initiative;
use crate::helpers::{Member, NetWorld, TestApp, net_world};
use crate::{both, both_with};

const CREATE: &str = "mutation($n: String!) { createCalendarFeed(input: { name: $n }) {
    calendarFeed { id name revokedAt person { id } } url webcalUrl } }";
const REVOKE: &str =
    "mutation($f: ID!) { revokeCalendarFeed(input: { calendarFeedId: $f }) { calendarFeed { id revokedAt } } }";
const PLAN: &str = "mutation($n: ID!, $plan: MeetingPlanInput!) { planMeeting(input: { networkId: $n, plan: $plan }) {
    meeting { id sequence } } }";

/// The uuid inside a global id.
fn uuid_of(global: &str) -> String {
    let decoded = base64::engine::general_purpose::URL_SAFE_NO_PAD.decode(global).expect("a global id");
    String::from_utf8(decoded).expect("text").split_once(':').expect("type:uuid").1.to_owned()
}

struct Created {
    id: String,
    url: String,
}

async fn create(app: &TestApp, member: &Member, name: &str) -> Created {
    let data = app.ok(&member.token, CREATE, json!({ "n": name })).await;
    let created = &data["createCalendarFeed"];
    assert_eq!(created["calendarFeed"]["person"]["id"], json!(member.id));
    let url = created["url"].as_str().expect("url").to_owned();
    assert!(url.starts_with(&app.address), "{url} is on the server's address {}", app.address);
    assert_eq!(created["webcalUrl"], json!(url.replacen("http://", "webcal://", 1)));
    Created { id: created["calendarFeed"]["id"].as_str().expect("id").to_owned(), url }
}

/// The events of the feed at `url`, as Python's `icalendar` reads them:
/// uid, summary, status, sequence, start and end (moments in UTC, days as
/// dates), url, description, transp.
async fn events(app: &TestApp, url: &str) -> Vec<Value> {
    let response = app.client.get(url).send().await.expect("the feed answers");
    assert_eq!(response.status(), 200);
    assert_eq!(response.headers()["content-type"], "text/calendar; charset=utf-8");
    assert!(response.headers()["cache-control"].to_str().expect("text").contains("private"));
    let body = response.text().await.expect("a body");
    let parsed = parse(&body);
    if let Some(imported) = import(&body) {
        let fields = |events: &[Value]| -> Vec<Value> {
            let mut out: Vec<Value> =
                events.iter().map(|e| json!([e["uid"], e["summary"], e["start"], e["end"], e["sequence"]])).collect();
            out.sort_by_key(|v| v.to_string());
            out
        };
        if !parsed.is_empty() || imported.is_empty() {
            assert_eq!(fields(&imported), fields(&parsed), "ical.js and Python's icalendar read the same feed");
        }
        for event in imported.iter().filter(|e| !e["zone"].is_null()) {
            assert_eq!(event["zone"], "Europe/Amsterdam", "{event}");
        }
    }
    parsed
}

/// The feed imported into ical.js (`tests/clients/calendar.mjs`); `None`
/// where Node.js is missing outside CI.
fn import(document: &str) -> Option<Vec<Value>> {
    let clients = crate::clients_install::graphql_ws()?;
    let dir = tempfile::tempdir().expect("a directory");
    let file = dir.path().join("feed.ics");
    std::fs::write(&file, document).expect("write the feed");
    let output = std::process::Command::new("node")
        .arg(clients.join("calendar.mjs"))
        .arg(&file)
        .current_dir(&clients)
        .output()
        .expect("node runs");
    assert!(output.status.success(), "ical.js refused the feed: {}", String::from_utf8_lossy(&output.stderr));
    Some(
        String::from_utf8_lossy(&output.stdout)
            .lines()
            .map(|line| serde_json::from_str(line).expect("a JSON line"))
            .collect(),
    )
}

pub(crate) fn parse(document: &str) -> Vec<Value> {
    let dir = tempfile::tempdir().expect("a directory");
    let file = dir.path().join("feed.ics");
    std::fs::write(&file, document).expect("write the feed");
    let script = r#"
import json, sys
try:
    import icalendar
except ImportError:
    sys.exit(42)
from datetime import datetime, timezone
calendar = icalendar.Calendar.from_ical(open(sys.argv[1], 'rb').read())
assert calendar.get('VERSION') == '2.0'
zones = [c for c in calendar.walk('VTIMEZONE')]
assert [str(z['TZID']) for z in zones] == ['Europe/Amsterdam'], zones
def when(value):
    value = value.dt
    if isinstance(value, datetime):
        assert value.tzinfo is not None, 'a moment without a zone'
        return value.astimezone(timezone.utc).strftime('%Y-%m-%dT%H:%M:%SZ')
    return value.isoformat()
out = []
for event in calendar.walk('VEVENT'):
    out.append({
        'uid': str(event['UID']), 'summary': str(event['SUMMARY']),
        'status': str(event.get('STATUS', '')), 'sequence': int(event.get('SEQUENCE', 0)),
        'start': when(event['DTSTART']), 'end': when(event['DTEND']),
        'url': str(event.get('URL', '')), 'description': str(event.get('DESCRIPTION', '')),
        'transp': str(event.get('TRANSP', '')), 'stamp': when(event['DTSTAMP']),
    })
print(json.dumps(out))
"#;
    let output = std::process::Command::new("python3").arg("-c").arg(script).arg(&file).output().expect("python3 runs");
    if output.status.code() == Some(42) {
        assert!(std::env::var("CI").is_err(), "CI installs Python's icalendar");
        eprintln!("skipped the iCalendar parse: pip install icalendar");
        return Vec::new();
    }
    assert!(
        output.status.success(),
        "icalendar refused the feed: {}\n{document}",
        String::from_utf8_lossy(&output.stderr)
    );
    serde_json::from_slice(&output.stdout).expect("json")
}

fn with_uid<'a>(events: &'a [Value], uid: &str) -> Option<&'a Value> {
    events.iter().find(|e| e["uid"] == json!(uid))
}

/// A meeting planned at 19:00 Amsterdam time `days` from now, two hours long.
async fn plan(app: &TestApp, w: &NetWorld, title: &str, days: i64) -> (String, chrono::DateTime<Utc>) {
    let day = app.clock_now().date_naive() + Duration::days(days);
    let starts = Utc.from_utc_datetime(&day.and_hms_opt(18, 0, 0).expect("a time"));
    let plan = json!({ "title": title, "startsAt": starts.to_rfc3339(), "endsAt": (starts + Duration::hours(2)).to_rfc3339(),
        "location": "Stadhuis Oost", "onlineUrl": "https://meet.example.nl/oost", "agenda": [] });
    let data = app.ok(&w.facilitator.token, PLAN, json!({ "n": w.network, "plan": plan })).await;
    (data["planMeeting"]["meeting"]["id"].as_str().expect("id").to_owned(), starts)
}

both!(a_feed_holds_what_concerns_its_owner_as_an_independent_parser_reads_it, |app| {
    let w = net_world(&app, "acme").await;
    let (commitment, supervisor) = agreed_initiative(&app, &w).await;
    let (meeting, starts) = plan(&app, &w, "Bestuurlijk overleg", 14).await;
    let (dropped, _) = plan(&app, &w, "Extra overleg", 21).await;
    app.ok(&w.facilitator.token, "mutation($m: ID!) { cancelMeeting(input: { meetingId: $m, expectedSequence: 0, reason: \"Te weinig partners\" }) { meeting { sequence } } }", json!({ "m": dropped })).await;
    let closes = app.clock_now() + Duration::days(7);
    let round = app
        .ok(
            &w.facilitator.token,
            "mutation($input: OpenAlignmentRoundInput!) { openAlignmentRound(input: $input) { alignmentRound { id } } }",
            json!({ "input": { "networkId": w.network, "closesAt": closes.to_rfc3339() } }),
        )
        .await["openAlignmentRound"]["alignmentRound"]["id"]
        .as_str()
        .expect("id")
        .to_owned();

    // The corporation's director: a representative at the table, on its
    // executive board, of a party to the commitment, invited to the round.
    let feed = create(&app, &w.directors[0], "Telefoon").await;
    let seen = events(&app, &feed.url).await;
    if seen.is_empty() {
        return; // no parser here (outside CI)
    }
    let planned = with_uid(&seen, &format!("meeting-{}@eendracht", uuid_of(&meeting))).expect("the planned meeting");
    assert_eq!(planned["summary"], "Bestuurlijk overleg (Regio Oost)");
    assert_eq!(planned["status"], "CONFIRMED");
    assert_eq!(planned["start"], json!(starts.format("%Y-%m-%dT%H:%M:%SZ").to_string()), "Amsterdam time, read back");
    assert_eq!(planned["end"], json!((starts + Duration::hours(2)).format("%Y-%m-%dT%H:%M:%SZ").to_string()));
    assert!(planned["description"].as_str().expect("text").contains("https://meet.example.nl/oost"));
    assert_eq!(planned["url"], json!(format!("https://app.example.nl/items/Meeting/{meeting}")));
    let cancelled = with_uid(&seen, &format!("meeting-{}@eendracht", uuid_of(&dropped))).expect("the cancelled one");
    assert_eq!(cancelled["status"], "CANCELLED");
    assert_eq!(cancelled["sequence"], 1, "cancelling changed the plan once");
    assert!(cancelled["summary"].as_str().expect("text").starts_with("Geannuleerd: "));
    assert!(cancelled["description"].as_str().expect("text").contains("Te weinig partners"));

    let decision = seen
        .iter()
        .find(|e| e["uid"].as_str().is_some_and(|u| u.starts_with("decision-")))
        .expect("the executive board's decision");
    assert!(decision["summary"].as_str().expect("text").ends_with("besluit: Wonen met zorg"), "{decision}");
    assert!(decision["url"].as_str().expect("url").starts_with("https://app.example.nl/items/Ratification/"));
    assert_eq!(decision["transp"], "TRANSPARENT", "a deadline does not block the day");
    let round_event = with_uid(&seen, &format!("round-{}@eendracht", uuid_of(&round))).expect("the round");
    assert_eq!(round_event["summary"], "Afstemmingsronde van Regio Oost sluit");
    assert_eq!(round_event["start"], json!(eendracht::i18n::local_day(closes).to_string()));
    assert!(round_event["description"].as_str().expect("text").contains("nog niet beantwoord"));
    let due = with_uid(&seen, &format!("due-{}@eendracht", uuid_of(&commitment))).expect("the due date");
    assert_eq!(due["summary"], "Uiterste datum: Wonen met zorg (Regio Oost)");
    let due_on = app.clock_now().date_naive() + Duration::days(300);
    assert_eq!(
        (due["start"].as_str(), due["end"].as_str()),
        (Some(due_on.to_string().as_str()), Some((due_on + Duration::days(1)).to_string().as_str()))
    );

    // Asked again with its ETag: unchanged, no body.
    let first = app.client.get(&feed.url).send().await.expect("feed");
    let etag = first.headers()["etag"].clone();
    let again = app.client.get(&feed.url).header("if-none-match", etag).send().await.expect("feed");
    assert_eq!(again.status(), 304);

    // The supervisor reads English, and sees the supervisory board's decision
    // but not the executive board's; every person of a partner is invited to a round.
    app.ok(&supervisor.token, "mutation { setLanguage(input: { language: EN }) { person { id } } }", json!({})).await;
    let theirs = create(&app, &supervisor, "Work").await;
    let seen = events(&app, &theirs.url).await;
    let decisions: Vec<&Value> =
        seen.iter().filter(|e| e["uid"].as_str().is_some_and(|u| u.starts_with("decision-"))).collect();
    assert_eq!(decisions.len(), 1, "{seen:?}");
    assert!(decisions[0]["summary"].as_str().expect("text").ends_with("decides: Wonen met zorg"), "{seen:?}");
    assert_ne!(decisions[0]["uid"], decision["uid"]);
    assert_eq!(
        with_uid(&seen, &format!("round-{}@eendracht", uuid_of(&round))).map(|e| e["summary"].clone()),
        Some(json!("Alignment round of Regio Oost closes"))
    );
    assert_eq!(
        with_uid(&seen, &format!("meeting-{}@eendracht", uuid_of(&meeting))).map(|e| e["summary"].clone()),
        Some(json!("Bestuurlijk overleg (Regio Oost)"))
    );

    // A consultation of the corporation on a new proposal: a window of days
    // in its staff's calendars, until the longest response time runs out.
    let proposal = app
        .ok(
            &w.facilitator.token,
            "mutation($input: ProposeCommitmentInput!) { proposeCommitment(input: $input) { commitment { id } } }",
            json!({ "input": { "networkId": w.network, "title": "Huurdersraad", "scope": "ORGANISATION", "kind": "INITIATIVE",
                "parties": [{ "organisationId": w.orgs[0] }], "leadOrganisationId": w.orgs[0],
                "dueOn": (app.clock_now().date_naive() + Duration::days(60)).to_string() } }),
        )
        .await["proposeCommitment"]["commitment"]["id"]
        .as_str()
        .expect("id")
        .to_owned();
    app.ok(&w.directors[0].token, "mutation($c: ID!, $o: ID!) { startConsultation(input: { commitmentId: $c, organisationId: $o }) { commitment { id } } }", json!({ "c": proposal, "o": w.orgs[0] })).await;
    let staff = create(&app, &w.staff[0][1], "Telefoon").await;
    let seen = events(&app, &staff.url).await;
    let window = with_uid(&seen, &format!("consultation-{}-{}@eendracht", uuid_of(&proposal), uuid_of(&w.orgs[0])))
        .expect("the consultation window");
    assert_eq!(window["summary"], "Raadpleging bij Woonstad: Huurdersraad");
    let today = eendracht::i18n::local_day(app.clock_now());
    assert_eq!(window["start"], json!(today.to_string()));
    // The works council's six weeks (42 days), the last of them included.
    assert_eq!(window["end"], json!((today + Duration::days(43)).to_string()), "{window}");

    // Someone of an organisation outside the network: nothing of it.
    let outsider = create(&app, &w.outsider, "Telefoon").await;
    assert_eq!(events(&app, &outsider.url).await, Vec::<Value>::new());
});

both!(a_revoked_or_unknown_feed_answers_not_found_at_once, |app| {
    let w = net_world(&app, "acme").await;
    let feed = create(&app, &w.staff[0][0], "Telefoon").await;
    assert_eq!(app.client.get(&feed.url).send().await.expect("feed").status(), 200);

    // Only its owner and an admin see it; anyone else is told it does not exist.
    let other = app.gql(&w.directors[0].token, REVOKE, json!({ "f": feed.id })).await;
    assert_eq!(other.code(), "NOT_FOUND");
    let listed = app.ok(&w.staff[0][0].token, "{ viewer { calendarFeeds { id name revokedAt } } }", json!({})).await;
    assert_eq!(listed["viewer"]["calendarFeeds"], json!([{ "id": feed.id, "name": "Telefoon", "revokedAt": null }]));

    let revoked = app.ok(&w.staff[0][0].token, REVOKE, json!({ "f": feed.id })).await;
    assert!(revoked["revokeCalendarFeed"]["calendarFeed"]["revokedAt"].is_string());
    assert_eq!(
        app.client.get(&feed.url).send().await.expect("feed").status(),
        404,
        "revoked: gone with the next fetch"
    );
    assert_eq!(app.count("calendar_feeds").await, 1, "the row stays, with its revocation");

    // An admin revokes someone else's; anonymising a person revokes all of theirs.
    let second = create(&app, &w.staff[0][1], "Werk").await;
    let third = create(&app, &w.staff[0][1], "Thuis").await;
    app.ok(&w.admin, REVOKE, json!({ "f": second.id })).await;
    assert_eq!(app.client.get(&second.url).send().await.expect("feed").status(), 404);
    assert_eq!(app.client.get(&third.url).send().await.expect("feed").status(), 200);
    app.ok(
        &w.admin,
        "mutation($p: ID!) { anonymizePerson(input: { personId: $p }) { person { id } } }",
        json!({ "p": w.staff[0][1].id }),
    )
    .await;
    assert_eq!(app.client.get(&third.url).send().await.expect("feed").status(), 404);

    // Tokens that are not a live feed's.
    let (base, token) = feed.url.rsplit_once('/').expect("a path");
    for wrong in [
        format!("{base}/{}", token.replace(".ics", "")),
        format!("{base}/x{}", &token[1..]),
        format!("{base}/nothing.ics"),
        format!("{base}/{}.ics", "A".repeat(64)),
    ] {
        assert_eq!(app.client.get(&wrong).send().await.expect("answer").status(), 404, "{wrong}");
    }
});

/// A tenant with its admin only, who makes a feed: as few requests as
/// possible before the budgets under test are spent.
async fn lone_feed(app: &TestApp) -> (String, Created) {
    let admin = app.bootstrap("acme", "acme-admin").await;
    let id = app.ok(&admin, "{ viewer { signedInPerson { id } } }", json!({})).await["viewer"]["signedInPerson"]["id"]
        .as_str()
        .expect("id")
        .to_owned();
    let feed = create(app, &Member { id, token: admin.clone() }, "Telefoon").await;
    (admin, feed)
}

async fn fetch(app: &TestApp, url: &str) -> (u16, bool) {
    let answer = app.client.get(url).send().await.expect("an answer");
    (answer.status().as_u16(), answer.headers().get("retry-after").is_some())
}

both_with!(
    guessing_feed_urls_is_refused_before_the_next_guess_is_looked_up,
    |serve: &mut eendracht::config::ServeSettings| {
        serve.rate_limits =
            eendracht::config::RateLimits { tenant_points: 100_000, person_points: 1_000, auth_failures: 3 }
    },
    |app| {
        let (_, feed) = lone_feed(&app).await;
        let (base, _) = feed.url.rsplit_once('/').expect("a path");
        // Three guesses spend the address's failures; the fourth is refused
        // before it is looked up, and so is the real feed from that address.
        let mut answers = Vec::new();
        for guess in ["A", "B", "C", "D"] {
            answers.push(fetch(&app, &format!("{base}/{}.ics", guess.repeat(64))).await);
        }
        assert_eq!(answers, [(404, false), (404, false), (404, false), (429, true)]);
        assert_eq!(fetch(&app, &feed.url).await, (429, true));
    }
);

both_with!(
    a_feed_fetched_in_a_loop_runs_out_of_its_own_budget,
    |serve: &mut eendracht::config::ServeSettings| {
        serve.rate_limits =
            eendracht::config::RateLimits { tenant_points: 100_000, person_points: 60, auth_failures: 3 }
    },
    |app| {
        let (admin, feed) = lone_feed(&app).await;
        // 25 points a fetch against a budget of 60: two fit, the third is refused.
        let mut answers = Vec::new();
        for _ in 0..3 {
            answers.push(fetch(&app, &feed.url).await);
        }
        assert_eq!(answers, [(200, false), (200, false), (429, true)]);
        // The owner's own API budget is another: their queries still run.
        let viewer = app.gql(&admin, "{ viewer { calendarFeeds { id } } }", json!({})).await;
        assert_eq!(viewer.data()["viewer"]["calendarFeeds"].as_array().map(Vec::len), Some(1));
    }
);
