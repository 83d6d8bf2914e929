//! The demo tenant (`eendracht demo`): loaded through the real use cases, the
//! same on every run, and what it shows through the API.

use std::collections::BTreeSet;

use serde_json::{Value, json};

use crate::both;

/// Tables the demo writes to; a second load must leave every count alone.
const TABLES: [&str; 28] = [
    "tenants",
    "mail_preferences",
    "body_members",
    "mandate_rules",
    "expectations",
    "goals",
    "meetings",
    "meeting_attendees",
    "people",
    "organisations",
    "positions",
    "networks",
    "partnerships",
    "representations",
    "charter_versions",
    "alignment_rounds",
    "alignment_answers",
    "commitments",
    "ratifications",
    "ratification_conditions",
    "consultation_inputs",
    "progress_updates",
    "events",
    "indicators",
    "indicator_targets",
    "measurements",
    "cycles",
    "cycle_commitments",
];

const NETWORK: &str = "query($id: ID!) { network(id: $id) {
    name
    charterVersions { version }
    partners(status: [INVITED, ACTIVE, LEFT]) { totalCount edges { node { status organisation { name } } } }
    commitments(first: 100) { edges { node { title scope kind status needsReplanning ratificationStatus } } }
    alignmentRounds { edges { node { status results { respondentCount alignmentIndex perPartnerFiguresShown } } } }
} }";

async fn counts(app: &crate::helpers::TestApp) -> Vec<i64> {
    let mut counts = Vec::new();
    for table in TABLES {
        counts.push(app.count(table).await);
    }
    counts
}

fn edges(value: &Value) -> Vec<Value> {
    value["edges"].as_array().expect("edges").iter().map(|e| e["node"].clone()).collect()
}

both!(the_demo_loads_once_and_loading_it_again_changes_nothing, |app| {
    let first = eendracht::demo::load(&app.db, app.clock_now()).await.expect("the demo loads");
    assert!(first.created);
    let before = counts(&app).await;
    let events = before[TABLES.iter().position(|t| *t == "events").expect("events")];
    assert!(events > 250, "a year of history: {before:?}");
    let again = eendracht::demo::load(&app.db, app.clock_now()).await.expect("loading again succeeds");
    assert!(!again.created);
    assert_eq!(again.network_id, first.network_id);
    assert_eq!(again.people, first.people);
    assert_eq!(counts(&app).await, before, "a second load writes nothing");
});

both!(the_demo_network_shows_a_year_of_collaboration_to_its_facilitator_and_supervisor, |app| {
    let summary = eendracht::demo::load(&app.db, app.clock_now()).await.expect("the demo loads");
    let subject = |role: &str| summary.people.iter().find(|p| p.role == role).expect("showcase person").subject;
    let facilitator = app.token("demo", subject("facilitator"));

    let networks = app.ok(&facilitator, "{ networks { edges { node { id name } } } }", json!({})).await;
    let networks = edges(&networks["networks"]);
    assert_eq!(networks.len(), 1);
    assert_eq!(networks[0]["name"], "Samen Wonen Regio Rivierenland");
    let network = app.ok(&facilitator, NETWORK, json!({ "id": networks[0]["id"] })).await["network"].clone();

    let versions: Vec<i64> = network["charterVersions"]
        .as_array()
        .expect("versions")
        .iter()
        .map(|v| v["version"].as_i64().expect("int"))
        .collect();
    assert_eq!(versions.len(), 2, "two charter versions: {versions:?}");

    let partners = edges(&network["partners"]);
    assert_eq!(partners.len(), 6, "{partners:#?}");
    let left: Vec<&Value> = partners.iter().filter(|p| p["status"] == "LEFT").collect();
    assert_eq!(left.len(), 1);
    assert_eq!(left[0]["organisation"]["name"], "Scholengroep Rivierenland");
    assert_eq!(partners.iter().filter(|p| p["status"] == "ACTIVE").count(), 5);

    // Who works with whom: one partner is in too much.
    let graph = app
        .ok(
            &facilitator,
            "query($id: ID!) { network(id: $id) { collaborationGraph { openCommitments overCommitted { name } isolated { name }
                edges { weight } coalitions { organisations { name } delivered } } } }",
            json!({ "id": networks[0]["id"] }),
        )
        .await;
    let graph = &graph["network"]["collaborationGraph"];
    assert_eq!(graph["overCommitted"], json!([{ "name": "Gemeente Rivierstad" }]), "{graph}");
    assert_eq!(graph["isolated"], json!([{ "name": "Zorggroep Betuwe" }]), "only in what everyone is in: {graph}");
    assert!(!graph["edges"].as_array().expect("edges").is_empty());

    let commitments = edges(&network["commitments"]);
    let scopes: BTreeSet<&str> = commitments.iter().map(|c| c["scope"].as_str().expect("scope")).collect();
    assert_eq!(scopes, BTreeSet::from(["COALITION", "NETWORK", "ORGANISATION"]));
    let statuses: BTreeSet<&str> = commitments.iter().map(|c| c["status"].as_str().expect("status")).collect();
    assert_eq!(statuses, BTreeSet::from(["AGREED", "DELIVERED", "DROPPED", "IN_PROGRESS", "PROPOSED"]));
    assert!(commitments.iter().any(|c| c["ratificationStatus"] == "REJECTED"), "{commitments:#?}");
    assert!(commitments.iter().any(|c| c["ratificationStatus"] == "RATIFIED"));
    assert!(commitments.iter().any(|c| c["needsReplanning"] == true));

    let rounds = edges(&network["alignmentRounds"]);
    assert_eq!(rounds.len(), 2);
    assert!(rounds.iter().all(|r| r["status"] == "CLOSED"), "{rounds:#?}");
    let indexes: Vec<f64> = rounds.iter().map(|r| r["results"]["alignmentIndex"].as_f64().expect("an index")).collect();
    assert!((indexes[0] - indexes[1]).abs() > 0.1, "the rounds diverge: {indexes:?}");
    assert!(rounds.iter().all(|r| r["results"]["perPartnerFiguresShown"] == true));

    // The next meeting is planned, with its agenda; the bodies decided on
    // their dossiers.
    let planned = app
        .ok(
            &facilitator,
            "query($id: ID!) { network(id: $id) { meetings(status: [PLANNED]) { nodes { title startsAt agenda { kind commitment { title } round { id } } } } } }",
            json!({ "id": networks[0]["id"] }),
        )
        .await;
    let planned = planned["network"]["meetings"]["nodes"].as_array().expect("meetings").clone();
    assert_eq!(planned.len(), 1, "{planned:#?}");
    let agenda = planned[0]["agenda"].as_array().expect("agenda");
    assert_eq!(agenda.len(), 3);
    assert_eq!(agenda[0]["commitment"]["title"], "Gezamenlijke wervingscampagne zorg en welzijn");
    assert!(agenda[1]["round"]["id"].is_string());
    let with_dossier = app
        .ok(
            &facilitator,
            "query($id: ID!) { network(id: $id) { commitments(first: 50) { nodes { ratifications { dossierHash outcome } } } } }",
            json!({ "id": networks[0]["id"] }),
        )
        .await;
    let decided: Vec<&Value> = with_dossier["network"]["commitments"]["nodes"]
        .as_array()
        .expect("commitments")
        .iter()
        .flat_map(|c| c["ratifications"].as_array().expect("ratifications").iter())
        .filter(|r| !r["outcome"].is_null())
        .collect();
    assert!(!decided.is_empty() && decided.iter().all(|r| r["dossierHash"].is_string()), "{decided:#?}");

    // Every failure mode shows: each signal kind fires somewhere in the story.
    let health = app
        .ok(
            &facilitator,
            "query($id: ID!) { network(id: $id) { health(locale: NL) { view signals { kind severity message subjectIds } } } }",
            json!({ "id": networks[0]["id"] }),
        )
        .await;
    let health = &health["network"]["health"];
    assert_eq!(health["view"], "NETWORK");
    let kinds: BTreeSet<&str> =
        health["signals"].as_array().expect("signals").iter().map(|s| s["kind"].as_str().expect("kind")).collect();
    let every = BTreeSet::from([
        "ALIGNMENT_DROPPING",
        "CHARTER_NOT_ACKNOWLEDGED",
        "NO_RECENT_ALIGNMENT_ROUND",
        "RATIFICATION_OVERDUE",
        "AGREED_WITHOUT_CONSULTATION",
        "ADVICE_OVERRIDDEN",
        "PARTNER_NOT_FOLLOWING",
        "CONDITIONS_OPEN",
        "TOO_MUCH_TOGETHER",
        "NO_RECENT_QUICK_WIN",
        "COMMITMENT_WITHOUT_GOAL",
        "NEEDS_REPLANNING",
        "DECIDED_ON_STALE_DOSSIER",
        "INDICATOR_NOT_MOVING",
    ]);
    assert_eq!(kinds, every, "{health:#}");
    let director = app.token("demo", subject("director"));
    let own = app
        .ok(&director, "query($id: ID!) { network(id: $id) { health { view } } }", json!({ "id": networks[0]["id"] }))
        .await;
    assert_eq!(own["network"]["health"]["view"], "OWN_ORGANISATIONS");

    let supervisor = app.token("demo", subject("supervisor"));
    let viewer = app
        .ok(&supervisor, "{ viewer { pendingDecisions { status body { kind } commitment { title } } } }", json!({}))
        .await;
    let pending = viewer["viewer"]["pendingDecisions"].as_array().expect("a list");
    assert!(!pending.is_empty(), "the supervisor has decisions to take");
    assert!(pending.iter().all(|r| r["body"]["kind"] == "SUPERVISORY_BOARD"), "{pending:#?}");
});

both!(the_demo_people_have_calendar_feeds_that_the_same_key_makes_again, |app| {
    eendracht::demo::load(&app.db, app.clock_now()).await.expect("the demo loads");
    let key = b"a demo key of at least thirty-two bytes";
    let feeds = eendracht::demo::calendar_feeds(&app.db, key, app.clock_now()).await.expect("feeds");
    assert_eq!(feeds.len(), 4);
    assert!(feeds.iter().all(|(_, token)| token.is_some()));
    let rows = app.count("calendar_feeds").await;
    assert_eq!(rows, 4);
    let again = eendracht::demo::calendar_feeds(&app.db, key, app.clock_now()).await.expect("feeds again");
    assert_eq!(again, feeds, "the same URLs, made again from the key");
    assert_eq!(app.count("calendar_feeds").await, rows, "and nothing written");

    // The supervisor's calendar: the planned meeting, the Raad van
    // Commissarissen's decisions, in Dutch.
    let (_, token) = feeds.iter().find(|(subject, _)| *subject == "hendrik.bos").expect("the supervisor's");
    let url = format!("{}/calendar/{}.ics", app.address, token.as_deref().expect("live"));
    let body = app.client.get(&url).send().await.expect("the feed").text().await.expect("text");
    let events = crate::calendar::parse(&body);
    if events.is_empty() {
        return; // no parser here (outside CI)
    }
    let summaries: Vec<&str> = events.iter().filter_map(|e| e["summary"].as_str()).collect();
    assert!(summaries.iter().any(|s| s.starts_with("Netwerkoverleg") || s.contains("(Samen Wonen")), "{summaries:?}");
    assert!(summaries.iter().any(|s| s.starts_with("Raad van Commissarissen besluit: ")), "{summaries:?}");
});

both!(the_demo_prints_a_weeks_digest_for_each_of_its_people, |app| {
    eendracht::demo::load(&app.db, app.clock_now()).await.expect("the demo loads");
    let digests = eendracht::demo::digests(&app.db, app.clock_now()).await.expect("digests");
    let subjects: Vec<&str> = digests.iter().map(|(subject, _)| *subject).collect();
    assert_eq!(subjects, ["femke.devries", "marco.degraaf", "hendrik.bos", "eva.koster"]);
    for (subject, markdown) in &digests {
        assert!(markdown.starts_with("# Wat "), "{subject}: in Dutch, the demo tenant's language: {markdown}");
        assert!(markdown.contains("\n## Wat op u wacht\n"), "{subject}: {markdown}");
    }
    let supervisor = &digests[2].1;
    assert!(supervisor.contains("Raad van Commissarissen"), "the supervisory board's decisions await: {supervisor}");
    let facilitator = &digests[0].1;
    assert!(
        facilitator.contains("Samen Wonen Regio Rivierenland: "),
        "the facilitator reads the network's health: {facilitator}"
    );
    assert_eq!(eendracht::demo::digests(&app.db, app.clock_now()).await.expect("again"), digests, "the same twice");
});

both!(the_demo_mails_its_reminders_and_digests_through_a_real_smtp_server, |app| {
    use chrono::{Datelike, TimeZone};
    eendracht::demo::load(&app.db, app.clock_now()).await.expect("the demo loads");
    // The next Monday at 07:30 in Amsterdam: the supervisor's weekly digest
    // and the director's daily one are due, and whatever reminders are.
    let today = eendracht::i18n::local_day(app.clock_now());
    let monday = today + chrono::Duration::days(7 - i64::from(today.weekday().num_days_from_monday()));
    let at = eendracht::i18n::TIME_ZONE
        .from_local_datetime(&monday.and_hms_opt(7, 30, 0).expect("a time"))
        .single()
        .expect("a moment")
        .with_timezone(&chrono::Utc);
    let previews = eendracht::demo::reminders(&app.db, app.clock_now()).await.expect("previews");
    app.clock.set(at);
    let expected = eendracht::demo::reminders(&app.db, at)
        .await
        .expect("previews")
        .into_iter()
        .filter(|(day, _)| *day == monday)
        .count();
    let Some(sink) = crate::mail::Sink::start(crate::mail::free_port(), &[]) else { return };
    let worker = crate::mail::worker(&app, Some(sink.port));
    let done = worker.tick().await.expect("a tick");
    assert_eq!(done.digests, 2, "{done:?}");
    assert_eq!(done.reminders, expected, "{done:?}");
    let mails = sink.mails();
    assert_eq!((mails.len(), done.attempted), (done.sent, done.sent), "every mail taken once: {done:?}");
    for mail in &mails {
        crate::mail::assert_well_formed(mail);
        eprintln!("---- to {} ----\nSubject: {}\n\n{}", mail["to"], mail["subject"], crate::mail::text_part(mail));
    }
    let to = |who: &str| mails.iter().filter(|m| m["to"].as_str().is_some_and(|t| t.starts_with(who))).count();
    assert!(to("hendrik") >= 1 && to("marco") >= 1, "{mails:?}");
    eprintln!("{} reminders due in the demo's first week", previews.len());
});

const INDICATORS: &str = "query($id: ID!) { network(id: $id) {
    indicators { name unit direction cadence figures { trend periods { period total complete target withheld } current { value } } }
    health { signals { kind subjectIds } }
    cycles { year status commitments { title } }
} }";

const REPORT: &str = "query($id: ID!, $y: Int!, $l: Locale) { network(id: $id) {
    cycleReport(cycle: $y, locale: $l) { draft cycle { year status closingNote } json markdown } } }";

both!(the_demo_measures_two_years_and_accounts_for_its_closed_cycle, |app| {
    let summary = eendracht::demo::load(&app.db, app.clock_now()).await.expect("the demo loads");
    let subject = |role: &str| summary.people.iter().find(|p| p.role == role).expect("showcase person").subject;
    let facilitator = app.token("demo", subject("facilitator"));
    let networks = app.ok(&facilitator, "{ networks { edges { node { id } } } }", json!({})).await;
    let id = networks["networks"]["edges"][0]["node"]["id"].clone();

    let data = app.ok(&facilitator, INDICATORS, json!({ "id": id })).await["network"].clone();
    let indicators = data["indicators"].as_array().expect("indicators").clone();
    assert_eq!(indicators.len(), 3, "{indicators:#?}");
    let waiting = indicators.iter().find(|i| i["unit"] == "dagen").expect("the waiting time");
    assert_eq!(waiting["cadence"], "QUARTERLY");
    assert_eq!(waiting["figures"]["periods"].as_array().expect("periods").len(), 8, "two years of quarters");
    assert_eq!(waiting["figures"]["trend"], "WORSENING");
    let dwellings = indicators.iter().find(|i| i["unit"] == "woningen").expect("the dwellings");
    let periods = dwellings["figures"]["periods"].as_array().expect("periods");
    // Three years of figures and next year's target; Woongoed's correction counts.
    assert_eq!(periods.len(), 4, "{periods:#?}");
    assert_eq!(periods[2]["total"], 78.0 + 59.0 + 24.0);
    assert_eq!(periods[2]["target"], 160.0);
    assert_eq!(periods[3]["total"], Value::Null);
    let kinds: Vec<&str> =
        data["health"]["signals"].as_array().expect("signals").iter().filter_map(|s| s["kind"].as_str()).collect();
    assert!(kinds.contains(&"INDICATOR_NOT_MOVING"), "the waiting time rose three quarters running: {kinds:?}");
    let cycles = data["cycles"].as_array().expect("cycles");
    assert_eq!(cycles.len(), 1);
    assert_eq!(cycles[0]["status"], "CLOSED");
    let year = cycles[0]["year"].as_i64().expect("year");
    assert!(cycles[0]["commitments"].as_array().expect("commitments").len() >= 10);

    let mut markdown = Vec::new();
    for locale in ["NL", "EN"] {
        let report = app.ok(&facilitator, REPORT, json!({ "id": id, "y": year, "l": locale })).await;
        let report = report["network"]["cycleReport"].clone();
        assert_eq!(report["draft"], false);
        assert_eq!(
            report["json"]["summary"]["commitments"],
            cycles[0]["commitments"].as_array().map(Vec::len).unwrap_or_default()
        );
        markdown.push(report["markdown"].as_str().expect("markdown").to_owned());
    }
    insta::assert_snapshot!("cycle_report_nl", markdown[0]);
    insta::assert_snapshot!("cycle_report_en", markdown[1]);

    // A partner's director reads the same frozen report; no cycle, no report.
    let director = app.token("demo", "annemiek.vos");
    let read = app.ok(&director, REPORT, json!({ "id": id, "y": year, "l": "NL" })).await;
    assert_eq!(read["network"]["cycleReport"]["markdown"].as_str(), Some(markdown[0].as_str()));
    let none = app.ok(&facilitator, REPORT, json!({ "id": id, "y": year + 1, "l": "NL" })).await;
    assert_eq!(none["network"]["cycleReport"], Value::Null);
});
