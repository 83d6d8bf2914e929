//! Decision dossiers: the document a party's bodies decide on, in English
//! and Dutch (golden files), bound to the outcome by its content hash, and
//! shown only to those who may read a party's internal advice.

use chrono::Duration;
use serde_json::{Value, json};

use crate::both;
use crate::helpers::{Gql, Member, NetWorld, TestApp, net_world, seat};

const DOSSIER: &str = "query($c: ID!, $o: ID!, $l: Locale) { node(id: $c) { ... on Commitment {
    dossier(organisationId: $o, locale: $l) { contentHash locale markdown html json organisation { id } } } } }";
const RATIFICATIONS: &str = "query($c: ID!) { node(id: $c) { ... on Commitment { version
    ratifications { id version status outcome dossierHash organisation { id } body { kind } } } } }";
const RECORD: &str = "mutation($input: RecordRatificationOutcomeInput!) { recordRatificationOutcome(input: $input) {
    ratification { status outcome dossierHash version } } }";

async fn dossier(app: &TestApp, token: &str, commitment: &str, organisation: &str, locale: &str) -> Gql {
    app.gql(token, DOSSIER, json!({ "c": commitment, "o": organisation, "l": locale })).await
}

pub(crate) async fn ratification(
    app: &TestApp,
    w: &NetWorld,
    commitment: &str,
    organisation: &str,
    kind: &str,
) -> Value {
    let data = app.ok(&w.facilitator.token, RATIFICATIONS, json!({ "c": commitment })).await;
    data["node"]["ratifications"]
        .as_array()
        .expect("ratifications")
        .iter()
        .find(|r| r["organisation"]["id"] == json!(organisation) && r["body"]["kind"] == json!(kind))
        .unwrap_or_else(|| panic!("no {kind} ratification"))
        .clone()
}

async fn record(app: &TestApp, token: &str, ratification: &Value, outcome: &str, hash: Option<&str>) -> Gql {
    app.gql(
        token,
        RECORD,
        json!({ "input": { "ratificationId": ratification["id"], "expectedVersion": ratification["version"],
            "outcome": outcome, "decidedOn": app.clock_now().date_naive().format("%Y-%m-%d").to_string(),
            "minutesReference": "Notulen RvC 12", "dossierHash": hash } }),
    )
    .await
}

/// A housing corporation (0) and a municipality (1) share a coalition
/// initiative; the corporation consulted its staff, its works council
/// advised, and both agreed at the table. Returns the commitment and the
/// corporation's supervisor.
pub(crate) async fn agreed_initiative(app: &TestApp, w: &NetWorld) -> (String, Member) {
    let supervisor = app.member(&w.admin, "acme", "acme-rvc", &w.orgs[0], "SUPERVISOR").await;
    seat(
        app,
        &w.admin,
        &w.orgs[0],
        &[("EXECUTIVE_BOARD", &w.directors[0]), ("SUPERVISORY_BOARD", &supervisor), ("WORKS_COUNCIL", &w.staff[0][0])],
    )
    .await;
    seat(app, &w.admin, &w.orgs[1], &[("EXECUTIVE_BOARD", &w.directors[1])]).await;
    let due = (app.clock_now().date_naive() + Duration::days(300)).format("%Y-%m-%d").to_string();
    let proposed = app
        .ok(
            &w.facilitator.token,
            "mutation($input: ProposeCommitmentInput!) { proposeCommitment(input: $input) { commitment { id } } }",
            json!({ "input": { "networkId": w.network, "title": "Wonen met zorg", "scope": "COALITION", "kind": "INITIATIVE",
                "description": "Twintig woningen met zorg *dichtbij*.\nHuurders <b>beslissen</b> mee | ook over de tuin.",
                "parties": [
                    { "organisationId": w.orgs[0], "contributionEuros": 150000, "contributionHours": 400, "contributionNote": "Twee bouwkavels" },
                    { "organisationId": w.orgs[1], "contributionEuros": 20000, "contributionHours": 1 }],
                "leadOrganisationId": w.orgs[0], "dueOn": due } }),
        )
        .await;
    let commitment = proposed["proposeCommitment"]["commitment"]["id"].as_str().expect("id").to_owned();
    let on = json!({ "c": commitment, "o": w.orgs[0] });
    app.ok(&w.directors[0].token, "mutation($c: ID!, $o: ID!) { startConsultation(input: { commitmentId: $c, organisationId: $o }) { commitment { id } } }", on.clone()).await;
    for (stance, text) in
        [("SUPPORT", "Goed plan"), ("SUPPORT", "Eindelijk"), ("CONCERN", "Te weinig huurders betrokken")]
    {
        app.ok(
            &w.staff[0][1].token,
            "mutation($c: ID!, $o: ID!, $s: Stance!, $t: String!) { addConsultationInput(input: { commitmentId: $c, organisationId: $o, stance: $s, text: $t }) { commitment { id } } }",
            json!({ "c": commitment, "o": w.orgs[0], "s": stance, "t": text }),
        )
        .await;
    }
    let works_council = ratification(app, w, &commitment, &w.orgs[0], "WORKS_COUNCIL").await;
    record(app, &w.staff[0][0].token, &works_council, "POSITIVE", None).await.data();
    for (i, director) in w.directors.iter().take(2).enumerate() {
        app.ok(&director.token, "mutation($c: ID!, $o: ID!) { agreeCommitment(input: { commitmentId: $c, organisationId: $o }) { commitment { status } } }", json!({ "c": commitment, "o": w.orgs[i] })).await;
    }
    (commitment, supervisor)
}

/// The golden text: the one line that differs per run (the hash covers
/// random ids) replaced.
fn golden(markdown: &str, hash: &str) -> String {
    markdown.replace(hash, "sha256:[hash]")
}

both!(a_partys_dossier_reads_in_english_and_in_dutch_and_binds_the_boards_decision, |app| {
    let w = net_world(&app, "acme").await;
    let (commitment, _) = agreed_initiative(&app, &w).await;

    let english = dossier(&app, &w.directors[0].token, &commitment, &w.orgs[0], "EN").await;
    let english = english.data()["node"]["dossier"].clone();
    let dutch = dossier(&app, &w.directors[0].token, &commitment, &w.orgs[0], "NL").await;
    let dutch = dutch.data()["node"]["dossier"].clone();
    let hash = english["contentHash"].as_str().expect("hash").to_owned();
    assert!(hash.starts_with("sha256:") && hash.len() == 71, "{hash}");
    assert_eq!(dutch["contentHash"], json!(hash), "one hash whatever the language");
    assert_eq!((english["locale"].as_str(), dutch["locale"].as_str()), (Some("EN"), Some("NL")));
    insta::assert_snapshot!("dossier_en", golden(english["markdown"].as_str().expect("markdown"), &hash));
    insta::assert_snapshot!("dossier_nl", golden(dutch["markdown"].as_str().expect("markdown"), &hash));

    // The structured form says the same.
    let data = &english["json"];
    assert_eq!(data["contentHash"], json!(hash));
    assert_eq!(data["contribution"], json!({ "euros": 150000, "hours": 400, "note": "Twee bouwkavels" }));
    assert_eq!(data["consultation"], json!({ "support": 2, "concern": 1, "objection": 0 }));
    assert_eq!(data["charter"]["version"], 1);
    assert_eq!(data["otherParties"][0]["standing"], "PENDING");
    assert_eq!(data["otherParties"][0]["bodiesInvolved"], 1);
    // The HTML prints, and people's text in it stays text.
    let html = english["html"].as_str().expect("html");
    assert!(html.starts_with("<!DOCTYPE html>") && html.contains("@media print"), "a printable page");
    assert!(html.contains("&lt;b&gt;beslissen&lt;/b&gt;") && !html.contains("<b>beslissen"), "{html}");
    assert!(html.contains("<table>"), "tables render");

    // The board decides on that dossier, later: time alone changes nothing.
    app.clock.advance(Duration::days(43));
    let board = ratification(&app, &w, &commitment, &w.orgs[0], "EXECUTIVE_BOARD").await;
    let decided = record(&app, &w.directors[0].token, &board, "APPROVED", Some(&hash)).await;
    assert_eq!(decided.data()["recordRatificationOutcome"]["ratification"]["dossierHash"], json!(hash));
    let after = dossier(&app, &w.directors[0].token, &commitment, &w.orgs[0], "EN").await;
    assert_eq!(after.data()["node"]["dossier"]["contentHash"], json!(hash), "a decision does not move the terms");
    let events = app
        .ok(
            &w.facilitator.token,
            "query($n: ID!) { node(id: $n) { ... on Network { timeline(first: 100) { nodes { kind payload } } } } }",
            json!({ "n": w.network }),
        )
        .await;
    let decided_event = events["node"]["timeline"]["nodes"]
        .as_array()
        .expect("events")
        .iter()
        .find(|e| e["kind"] == "ratification.decided" && e["payload"]["outcome"] == "APPROVED")
        .expect("the decision's event")
        .clone();
    assert_eq!(decided_event["payload"]["dossierHash"], json!(hash), "the audit trail names the dossier");

    // The decision stands on its terms until the commitment moves on.
    let current = "query($c: ID!) { node(id: $c) { ... on Commitment { version ratifications { body { kind } organisation { id } dossierCurrent } } } }";
    let board_current = |data: &Value| {
        data["node"]["ratifications"]
            .as_array()
            .expect("ratifications")
            .iter()
            .map(|r| {
                (
                    r["organisation"]["id"] == json!(w.orgs[0]) && r["body"]["kind"] == "EXECUTIVE_BOARD",
                    r["dossierCurrent"].clone(),
                )
            })
            .filter(|(board, _)| *board)
            .map(|(_, current)| current)
            .next()
            .expect("the board's ratification")
    };
    let before = app.ok(&w.facilitator.token, current, json!({ "c": commitment })).await;
    assert_eq!(board_current(&before), json!(true));
    assert_eq!(stale_in_health(&app, &w).await, (json!([]), json!([]), json!(0)), "decided on the text as it stands");
    let before_due = app
        .ok(
            &w.facilitator.token,
            "query($c: ID!) { node(id: $c) { ... on Commitment { dueOn } } }",
            json!({ "c": commitment }),
        )
        .await["node"]["dueOn"]
        .clone();
    let due = (app.clock_now().date_naive() + Duration::days(500)).format("%Y-%m-%d").to_string();
    app.ok(
        &w.facilitator.token,
        "mutation($input: UpdateCommitmentInput!) { updateCommitment(input: $input) { commitment { version } } }",
        json!({ "input": { "id": commitment, "expectedVersion": before["node"]["version"], "dueOn": due } }),
    )
    .await;
    let after = app.ok(&w.facilitator.token, current, json!({ "c": commitment })).await;
    assert_eq!(board_current(&after), json!(false), "the approval rests on an older dossier now");
    let undecided = after["node"]["ratifications"]
        .as_array()
        .expect("ratifications")
        .iter()
        .filter(|r| r["dossierCurrent"].is_null())
        .count();
    assert!(undecided > 0, "an outcome without a dossier says nothing");

    // Health names the board's decision, read from the maintained facts and
    // recounted for `asOf` alike.
    let board = app.ok(&w.facilitator.token, RATIFICATIONS, json!({ "c": commitment })).await["node"]["ratifications"]
        .as_array()
        .expect("ratifications")
        .iter()
        .find(|r| r["organisation"]["id"] == json!(w.orgs[0]) && r["body"]["kind"] == "EXECUTIVE_BOARD")
        .expect("the board's")["id"]
        .clone();
    let (now, as_of, count) = stale_in_health(&app, &w).await;
    assert_eq!(now, json!([board]));
    assert_eq!(as_of, now, "the recount agrees with the maintained facts");
    assert_eq!(count, json!(1));

    // Putting the due date back makes the text the board decided on current again.
    let version = app.ok(&w.facilitator.token, current, json!({ "c": commitment })).await["node"]["version"].clone();
    app.ok(
        &w.facilitator.token,
        "mutation($input: UpdateCommitmentInput!) { updateCommitment(input: $input) { commitment { version } } }",
        json!({ "input": { "id": commitment, "expectedVersion": version, "dueOn": before_due } }),
    )
    .await;
    assert_eq!(stale_in_health(&app, &w).await, (json!([]), json!([]), json!(0)));

    // A new charter version is a new basis: the decision no longer covers it.
    app.adopt_charter(&w.facilitator.token, &w.network, "Betaalbaar wonen, zorg dichtbij en werk").await;
    let (now, as_of, _) = stale_in_health(&app, &w).await;
    assert_eq!((now, as_of), (json!([board.clone()]), json!([board])));
});

/// The ratification ids of health's stale-dossier signal now and recounted
/// `asOf` now, and its count.
async fn stale_in_health(app: &TestApp, w: &NetWorld) -> (Value, Value, Value) {
    let query = "query($n: ID!, $at: DateTime) { network(id: $n) { health(asOf: $at) {
        signals { kind subjectIds } backing { decidedOnStaleDossierCount } } } }";
    let ids = |data: &Value| {
        let signals = data["network"]["health"]["signals"].as_array().expect("signals").clone();
        signals.iter().find(|s| s["kind"] == "DECIDED_ON_STALE_DOSSIER").map_or(json!([]), |s| s["subjectIds"].clone())
    };
    let now = app.ok(&w.facilitator.token, query, json!({ "n": w.network, "at": null })).await;
    let at = app.clock_now().to_rfc3339();
    let recounted = app.ok(&w.facilitator.token, query, json!({ "n": w.network, "at": at })).await;
    (ids(&now), ids(&recounted), now["network"]["health"]["backing"]["decidedOnStaleDossierCount"].clone())
}

both!(a_decision_on_a_stale_dossier_is_refused_with_what_changed, |app| {
    let w = net_world(&app, "acme").await;
    let (commitment, supervisor) = agreed_initiative(&app, &w).await;
    let issued = dossier(&app, &supervisor.token, &commitment, &w.orgs[0], "NL").await;
    let stale = issued.data()["node"]["dossier"]["contentHash"].as_str().expect("hash").to_owned();

    // The table moves on: a new title and a later due date.
    let version =
        app.ok(&w.facilitator.token, RATIFICATIONS, json!({ "c": commitment })).await["node"]["version"].clone();
    let due = (app.clock_now().date_naive() + Duration::days(400)).format("%Y-%m-%d").to_string();
    app.ok(
        &w.facilitator.token,
        "mutation($input: UpdateCommitmentInput!) { updateCommitment(input: $input) { commitment { version } } }",
        json!({ "input": { "id": commitment, "expectedVersion": version, "title": "Wonen met zorg in Oost", "dueOn": due } }),
    )
    .await;

    let before = ratification(&app, &w, &commitment, &w.orgs[0], "SUPERVISORY_BOARD").await;
    let events_before = app.count("events").await;
    let refused = record(&app, &supervisor.token, &before, "APPROVED", Some(&stale)).await;
    assert_eq!(refused.code(), "CONFLICT", "{:?}", refused.0);
    assert_eq!(refused.0["errors"][0]["extensions"]["changed"], json!(["title", "dueOn"]));
    assert!(refused.message().contains("title, dueOn"), "{}", refused.message());
    let unchanged = ratification(&app, &w, &commitment, &w.orgs[0], "SUPERVISORY_BOARD").await;
    assert_eq!(
        (unchanged["status"].clone(), unchanged["version"].clone()),
        (before["status"].clone(), before["version"].clone())
    );
    assert_eq!(app.count("events").await, events_before, "nothing recorded, not even half");

    // A hash no dossier of this party had, or another party's, is bad input.
    let unknown = record(&app, &supervisor.token, &before, "APPROVED", Some("sha256:0000")).await;
    assert_eq!(unknown.code(), "BAD_USER_INPUT");
    let theirs = dossier(&app, &w.directors[1].token, &commitment, &w.orgs[1], "NL").await;
    let theirs = theirs.data()["node"]["dossier"]["contentHash"].as_str().expect("hash").to_owned();
    let borrowed = record(&app, &supervisor.token, &before, "APPROVED", Some(&theirs)).await;
    assert_eq!(borrowed.code(), "BAD_USER_INPUT", "another party's dossier never passes for this one's");

    // The body decides on the dossier as it stands now.
    let fresh = dossier(&app, &supervisor.token, &commitment, &w.orgs[0], "NL").await;
    let fresh = fresh.data()["node"]["dossier"].clone();
    let hash = fresh["contentHash"].as_str().expect("hash");
    assert_ne!(hash, stale);
    assert!(fresh["markdown"].as_str().expect("markdown").contains("Wonen met zorg in Oost"));
    let decided = record(&app, &supervisor.token, &before, "APPROVED", Some(hash)).await;
    assert_eq!(decided.data()["recordRatificationOutcome"]["ratification"]["dossierHash"], json!(hash));
});

both!(a_dossier_is_for_the_partys_own_people_and_the_networks_facilitators, |app| {
    let w = net_world(&app, "acme").await;
    let (commitment, supervisor) = agreed_initiative(&app, &w).await;
    let present = |gql: &Gql| !gql.data()["node"]["dossier"].is_null();

    for (who, token) in [
        ("its director", &w.directors[0].token),
        ("its staff", &w.staff[0][1].token),
        ("its supervisor", &supervisor.token),
        ("the facilitator", &w.facilitator.token),
        ("an admin", &w.admin),
    ] {
        assert!(present(&dossier(&app, token, &commitment, &w.orgs[0], "EN").await), "{who} reads the dossier");
    }
    for (who, token) in
        [("another party's director", &w.directors[1].token), ("another party's staff", &w.staff[1][0].token)]
    {
        let other = dossier(&app, token, &commitment, &w.orgs[0], "EN").await;
        assert!(other.data()["node"].is_object() && !present(&other), "{who} sees the commitment, not the dossier");
    }
    let outsider = dossier(&app, &w.outsider.token, &commitment, &w.orgs[0], "EN").await;
    assert!(outsider.data()["node"].is_null(), "an outsider sees no commitment at all");
    let not_a_party = dossier(&app, &w.facilitator.token, &commitment, &w.orgs[2], "EN").await;
    assert_eq!(not_a_party.code(), "BAD_USER_INPUT");

    // Consultation shows as counts, never as what people wrote.
    let own = dossier(&app, &w.directors[0].token, &commitment, &w.orgs[0], "EN").await;
    let own = own.data()["node"]["dossier"].clone();
    assert!(!own.to_string().contains("Goed plan"), "inputs' texts stay out of a document");

    // The municipality's dossier shows the corporation by counts only: no
    // body of it by name, no advice, no consultation.
    let theirs = dossier(&app, &w.directors[1].token, &commitment, &w.orgs[1], "EN").await;
    let theirs = theirs.data()["node"]["dossier"].clone();
    let corporation = &theirs["json"]["otherParties"][0];
    let mut keys: Vec<&str> = corporation.as_object().expect("party").keys().map(String::as_str).collect();
    keys.sort_unstable();
    assert_eq!(keys, ["agreedAt", "bodiesAnswered", "bodiesInvolved", "contribution", "organisation", "standing"]);
    assert_eq!(corporation["bodiesAnswered"], 1, "the works council's advice counts");
    assert_eq!(theirs["json"]["consultation"], json!({ "support": 0, "concern": 0, "objection": 0 }));
    let names = |dossier: &Value| -> Vec<String> {
        dossier["json"]["bodies"]
            .as_array()
            .expect("bodies")
            .iter()
            .map(|b| b["name"].as_str().expect("name").to_owned())
            .collect()
    };
    let (ours, municipal) = (names(&own), names(&theirs));
    let only_ours: Vec<&String> = ours.iter().filter(|name| !municipal.contains(name)).collect();
    assert!(!only_ours.is_empty(), "the corporation has bodies the municipality has not: {ours:?}");
    let text = theirs.to_string();
    for name in only_ours {
        assert!(!text.contains(name.as_str()), "{name} leaks into another party's dossier");
    }
    assert!(!text.contains("POSITIVE") && !text.contains("positive advice"), "the corporation's advice stays inside");
});

const AGENDA: &str = "query($b: ID!, $from: Date, $to: Date) { node(id: $b) { ... on GoverningBody {
    agendaItems(from: $from, to: $to) { title right decisionAsked(locale: NL) dueOn description
        contribution { contributionEuros contributionHours } advice { asked received }
        consultation { supportCount concernCount objectionCount } openConditions dossierHash
        ratification { id version } commitment { id } }
    agendaDocument(from: $from, to: $to, locale: NL) } } }";

async fn body_of(app: &TestApp, w: &NetWorld, organisation: &str, kind: &str) -> String {
    let data = app
        .ok(
            &w.admin,
            "query($o: ID!) { node(id: $o) { ... on Organisation { governingBodies { id kind } } } }",
            json!({ "o": organisation }),
        )
        .await;
    data["node"]["governingBodies"]
        .as_array()
        .expect("bodies")
        .iter()
        .find(|b| b["kind"] == json!(kind))
        .expect("the body")["id"]
        .as_str()
        .expect("id")
        .to_owned()
}

both!(a_bodys_agenda_lists_what_awaits_it_for_its_members_and_directors, |app| {
    let w = net_world(&app, "acme").await;
    let (commitment, supervisor) = agreed_initiative(&app, &w).await;
    let board = body_of(&app, &w, &w.orgs[0], "SUPERVISORY_BOARD").await;
    let agreed_on = app.clock_now().date_naive();
    let due = (agreed_on + Duration::days(42)).format("%Y-%m-%d").to_string();

    let agenda = app.ok(&supervisor.token, AGENDA, json!({ "b": board })).await;
    let items = agenda["node"]["agendaItems"].as_array().expect("items").clone();
    assert_eq!(items.len(), 1, "{items:#?}");
    let item = &items[0];
    assert_eq!(item["commitment"]["id"], json!(commitment));
    assert_eq!(item["title"], "Wonen met zorg");
    assert_eq!(item["right"], "APPROVES");
    assert_eq!(item["decisionAsked"], "Het besluit van het bestuur goedkeuren of goedkeuring onthouden.");
    assert_eq!(item["dueOn"], json!(due));
    assert_eq!(item["contribution"], json!({ "contributionEuros": 150000, "contributionHours": 400 }));
    assert_eq!(item["advice"], json!({ "asked": 2, "received": 1 }), "the works council advised, the tenants not yet");
    assert_eq!(item["consultation"], json!({ "supportCount": 2, "concernCount": 1, "objectionCount": 0 }));
    let dossier_hash = dossier(&app, &supervisor.token, &commitment, &w.orgs[0], "EN").await;
    let dossier_hash = dossier_hash.data()["node"]["dossier"]["contentHash"].clone();
    assert_eq!(item["dossierHash"], dossier_hash, "the agenda names the dossier to decide on");
    let document = agenda["node"]["agendaDocument"].as_str().expect("document");
    insta::assert_snapshot!("agenda_nl", golden(document, dossier_hash.as_str().expect("hash")));

    // The same agenda as a page that prints, people's text kept as text.
    let page = app
        .ok(
            &supervisor.token,
            "query($b: ID!) { node(id: $b) { ... on GoverningBody { agendaDocument(locale: NL, format: HTML) } } }",
            json!({ "b": board }),
        )
        .await;
    let page = page["node"]["agendaDocument"].as_str().expect("a page");
    assert!(page.starts_with("<!DOCTYPE html>") && page.contains("<html lang=\"nl\">"), "{page}");
    assert!(page.contains("<h1>Agenda van Raad van Commissarissen, Woonstad</h1>"), "{page}");
    assert!(page.contains("&lt;b&gt;beslissen") && !page.contains("<b>beslissen"), "{page}");

    // The period bounds the items, both ends included.
    for (from, to, expected) in [
        (Some(due.clone()), Some(due.clone()), 1),
        (Some((agreed_on + Duration::days(43)).to_string()), None, 0),
        (None, Some((agreed_on + Duration::days(41)).to_string()), 0),
    ] {
        let bounded = app.ok(&supervisor.token, AGENDA, json!({ "b": board, "from": from, "to": to })).await;
        assert_eq!(bounded["node"]["agendaItems"].as_array().expect("items").len(), expected, "{from:?}..{to:?}");
    }

    // Its members and the organisation's directors; nobody else.
    for (who, token, sees) in [
        ("the board's member", &supervisor.token, true),
        ("the organisation's director", &w.directors[0].token, true),
        ("an admin", &w.admin, true),
        ("a member of another body", &w.staff[0][0].token, false),
        ("staff", &w.staff[0][1].token, false),
        ("the facilitator", &w.facilitator.token, false),
        ("another party's director", &w.directors[1].token, false),
    ] {
        let seen = app.gql(token, AGENDA, json!({ "b": board })).await;
        let body = &seen.data()["node"];
        assert_eq!(
            !body.is_null() && !body["agendaItems"].is_null() && !body["agendaDocument"].is_null(),
            sees,
            "{who}: {body}"
        );
    }

    // The board decides on the agenda's dossier; the item leaves the agenda.
    let decided =
        record(&app, &supervisor.token, &item["ratification"], "APPROVED", item["dossierHash"].as_str()).await;
    decided.data();
    let after = app.ok(&supervisor.token, AGENDA, json!({ "b": board })).await;
    assert_eq!(after["node"]["agendaItems"], json!([]));
    assert!(after["node"]["agendaDocument"].as_str().expect("document").contains("Er ligt niets voor dit orgaan."));
});

both!(a_dossier_is_built_for_one_commitment_at_a_time, |app| {
    let w = net_world(&app, "acme").await;
    let (commitment, _) = agreed_initiative(&app, &w).await;
    let in_a_page = app
        .gql(
            &w.facilitator.token,
            "query($n: ID!, $o: ID!) { node(id: $n) { ... on Network { commitments(first: 20) { nodes { dossier(organisationId: $o) { contentHash } } } } } }",
            json!({ "n": w.network, "o": w.orgs[0] }),
        )
        .await;
    assert_eq!(in_a_page.code(), "LIMIT_EXCEEDED");
    let in_nodes = app
        .gql(
            &w.facilitator.token,
            "query($c: ID!, $o: ID!) { nodes(ids: [$c]) { ... on Commitment { dossier(organisationId: $o) { contentHash } } } }",
            json!({ "c": commitment, "o": w.orgs[0] }),
        )
        .await;
    assert_eq!(in_nodes.code(), "LIMIT_EXCEEDED");
});

/// Statements an agenda read issues, counted on the application's pool, and
/// its items. Read once first, so that work a previous mutation left behind
/// it (its notices, its outbox) is not counted.
async fn agenda_statements(app: &TestApp, token: &str, board: &str) -> (u64, usize) {
    app.ok(token, AGENDA, json!({ "b": board })).await;
    let before = app.app_db.statement_count();
    let data = app.ok(token, AGENDA, json!({ "b": board })).await;
    (app.app_db.statement_count() - before, data["node"]["agendaItems"].as_array().expect("items").len())
}

both!(an_agenda_costs_the_same_statements_however_many_items_it_holds, |app| {
    let w = net_world(&app, "acme").await;
    let (_, supervisor) = agreed_initiative(&app, &w).await;
    let board = body_of(&app, &w, &w.orgs[0], "SUPERVISORY_BOARD").await;
    let (one, items) = agenda_statements(&app, &supervisor.token, &board).await;
    assert_eq!(items, 1);
    let due = (app.clock_now().date_naive() + Duration::days(200)).format("%Y-%m-%d").to_string();
    for title in ["Wijkteam", "Schuldhulp", "Jongerenhuisvesting"] {
        let proposed = app
            .ok(
                &w.facilitator.token,
                "mutation($input: ProposeCommitmentInput!) { proposeCommitment(input: $input) { commitment { id } } }",
                json!({ "input": { "networkId": w.network, "title": title, "scope": "COALITION", "kind": "INITIATIVE",
                    "parties": [{ "organisationId": w.orgs[0], "contributionEuros": 250000 }, { "organisationId": w.orgs[1], "contributionEuros": 5000 }],
                    "leadOrganisationId": w.orgs[1], "dueOn": due } }),
            )
            .await;
        let commitment = proposed["proposeCommitment"]["commitment"]["id"].clone();
        for (i, director) in w.directors.iter().take(2).enumerate() {
            app.ok(&director.token, "mutation($c: ID!, $o: ID!) { agreeCommitment(input: { commitmentId: $c, organisationId: $o }) { commitment { status } } }", json!({ "c": commitment, "o": w.orgs[i] })).await;
        }
    }
    let (four, items) = agenda_statements(&app, &supervisor.token, &board).await;
    assert_eq!(items, 4);
    assert_eq!(four, one, "an agenda of four reads as many statements as an agenda of one");
});

/// Statements a dossier read issues, counted on the application's pool
/// (read once first, as `agenda_statements` does).
async fn dossier_statements(app: &TestApp, token: &str, commitment: &str, organisation: &str) -> u64 {
    dossier(app, token, commitment, organisation, "NL").await.data();
    let before = app.app_db.statement_count();
    dossier(app, token, commitment, organisation, "NL").await.data();
    app.app_db.statement_count() - before
}

both!(a_dossier_costs_the_same_statements_however_many_parties_bodies_and_inputs_it_shows, |app| {
    let w = net_world(&app, "acme").await;
    let (small, _) = agreed_initiative(&app, &w).await;
    // A larger commitment: three parties, every body of each, more input.
    let due = (app.clock_now().date_naive() + Duration::days(300)).format("%Y-%m-%d").to_string();
    let proposed = app
        .ok(
            &w.facilitator.token,
            "mutation($input: ProposeCommitmentInput!) { proposeCommitment(input: $input) { commitment { id } } }",
            json!({ "input": { "networkId": w.network, "title": "Regionale pool", "scope": "NETWORK", "kind": "INITIATIVE",
                "parties": [{ "organisationId": w.orgs[0], "contributionEuros": 300000 }, { "organisationId": w.orgs[1], "contributionEuros": 300000 },
                    { "organisationId": w.orgs[2], "contributionEuros": 300000 }],
                "leadOrganisationId": w.orgs[2], "dueOn": due } }),
        )
        .await;
    let large = proposed["proposeCommitment"]["commitment"]["id"].as_str().expect("id").to_owned();
    app.ok(&w.directors[0].token, "mutation($c: ID!, $o: ID!) { startConsultation(input: { commitmentId: $c, organisationId: $o }) { commitment { id } } }", json!({ "c": large, "o": w.orgs[0] })).await;
    for text in ["Een", "Twee", "Drie", "Vier", "Vijf"] {
        app.ok(
            &w.staff[0][1].token,
            "mutation($c: ID!, $o: ID!, $t: String!) { addConsultationInput(input: { commitmentId: $c, organisationId: $o, stance: CONCERN, text: $t }) { commitment { id } } }",
            json!({ "c": large, "o": w.orgs[0], "t": text }),
        )
        .await;
    }
    let token = &w.directors[0].token;
    let (one, other) = (
        dossier_statements(&app, token, &small, &w.orgs[0]).await,
        dossier_statements(&app, token, &large, &w.orgs[0]).await,
    );
    assert_eq!(one, other, "a dossier reads as many statements for a small commitment as for a large one");
});
