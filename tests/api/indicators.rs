//! Shared indicators and yearly cycles: defining indicators on goals, each
//! partner recording its own figures (corrections never overwrite), who
//! sees which figure, the network total and its trend, the health signal of
//! an indicator that does not move, bulk recording all or nothing, and a
//! cycle from opening to its frozen accountability report.

use chrono::Duration;
use serde_json::{Value, json};

use crate::both;
use crate::commitments::{PROGRESS, agreed};
use crate::helpers::{NetWorld, TestApp, net_world};

const GOAL: &str = "mutation($n: ID!) { createGoal(input: { networkId: $n, title: \"Doorstroming\", horizon: LONG_TERM }) { goal { id } } }";
pub(crate) const CREATE: &str =
    "mutation($input: CreateIndicatorInput!) { createIndicator(input: $input) { indicator { id version } } }";
pub(crate) const RECORD: &str = "mutation($i: ID!, $o: ID!, $p: String!, $v: Float!, $note: String) {
    recordMeasurement(input: { indicatorId: $i, organisationId: $o, period: $p, value: $v, note: $note }) { measurement { id period value correctsId } } }";
const FIGURES: &str = "query($i: ID!, $at: DateTime) { node(id: $i) { ... on Indicator { name
    targets { period value } reporters { id }
    figures(asOf: $at) { trend periods { period total withheld reported expected complete target }
        current { organisation { id } period value } history { value note correctsId } } } } }";
const SETTINGS: &str = "mutation($n: ID!, $s: Boolean) { setNetworkSettings(input: { networkId: $n, sharePartnerFigures: $s }) { network { id } } }";
const HEALTH: &str =
    "query($n: ID!, $at: DateTime) { network(id: $n) { health(asOf: $at) { signals { kind subjectIds } } } }";

pub(crate) async fn goal(app: &TestApp, w: &NetWorld) -> String {
    let data = app.ok(&w.facilitator.token, GOAL, json!({ "n": w.network })).await;
    data["createGoal"]["goal"]["id"].as_str().expect("id").to_owned()
}

/// A yearly HIGHER/SUM indicator reported on by the given partners.
pub(crate) async fn indicator(app: &TestApp, w: &NetWorld, reporters: &[usize]) -> String {
    let goal = goal(app, w).await;
    let reporters: Vec<&str> = reporters.iter().map(|i| w.orgs[*i].as_str()).collect();
    let data = app
        .ok(
            &w.facilitator.token,
            CREATE,
            json!({ "input": { "goalId": goal, "name": "Woningen vrijgekomen", "unit": "woningen", "direction": "HIGHER",
                "baseline": 100, "baselinePeriod": "2022", "reporterIds": reporters,
                "targets": [{ "period": "2025", "value": 130 }, { "period": "2024", "value": 115 }] } }),
        )
        .await;
    data["createIndicator"]["indicator"]["id"].as_str().expect("id").to_owned()
}

async fn figures(app: &TestApp, token: &str, indicator: &str, at: Option<String>) -> Value {
    app.ok(token, FIGURES, json!({ "i": indicator, "at": at })).await["node"].clone()
}

fn signal_kinds(health: &Value) -> Vec<String> {
    health["network"]["health"]["signals"]
        .as_array()
        .expect("signals")
        .iter()
        .map(|s| s["kind"].as_str().expect("kind").to_owned())
        .collect()
}

both!(each_partner_records_its_own_figures_and_sees_the_total_and_its_own, |app| {
    let w = net_world(&app, "acme").await;
    let [a, b, c] = [w.orgs[0].clone(), w.orgs[1].clone(), w.orgs[2].clone()];
    let goal_id = goal(&app, &w).await;

    // Only a facilitator defines one, on reporters that are partners.
    let input = |reporters: Vec<&str>| {
        json!({ "input": { "goalId": goal_id, "name": "Woningen", "unit": "woningen", "direction": "HIGHER",
            "baseline": 100, "baselinePeriod": "2022", "reporterIds": reporters } })
    };
    assert_eq!(app.gql(&w.directors[0].token, CREATE, input(vec![&a])).await.code(), "FORBIDDEN");
    let outsider = app.gql(&w.facilitator.token, CREATE, input(vec![&a, &w.outsider_org])).await;
    assert_eq!(outsider.code(), "BAD_USER_INPUT", "{:?}", outsider.0);
    let bad_period = json!({ "input": { "goalId": goal_id, "name": "W", "unit": "w", "direction": "HIGHER",
        "baseline": 1, "baselinePeriod": "2022-Q1", "reporterIds": [a] } });
    assert_eq!(app.gql(&w.facilitator.token, CREATE, bad_period).await.code(), "BAD_USER_INPUT");
    let indicators = app.count("indicators").await;

    let ind = indicator(&app, &w, &[0, 1, 2]).await;
    assert_eq!(app.count("indicators").await, indicators + 1);
    let record = |token: String, org: String, period: &'static str, value: f64| {
        let app = &app;
        let ind = ind.clone();
        async move { app.gql(&token, RECORD, json!({ "i": ind, "o": org, "p": period, "v": value })).await }
    };
    for (i, org) in [&a, &b, &c].iter().enumerate() {
        for (period, value) in [("2023", 30.0 + i as f64), ("2024", 40.0 + i as f64)] {
            record(w.staff[i][0].token.clone(), (*org).clone(), period, value).await.data();
        }
    }
    // Nobody records for another organisation, for the future or in the wrong form.
    assert_eq!(record(w.staff[0][0].token.clone(), b.clone(), "2025", 1.0).await.code(), "FORBIDDEN");
    assert_eq!(record(w.facilitator.token.clone(), a.clone(), "2025", 1.0).await.code(), "FORBIDDEN");
    assert_eq!(record(w.staff[0][0].token.clone(), a.clone(), "2027", 1.0).await.code(), "BAD_USER_INPUT");
    assert_eq!(record(w.staff[0][0].token.clone(), a.clone(), "2025-Q1", 1.0).await.code(), "BAD_USER_INPUT");
    assert_eq!(record(w.outsider.token.clone(), w.outsider_org.clone(), "2025", 1.0).await.code(), "NOT_FOUND");

    // Its goal and its network list it.
    let listed = app
        .ok(
            &w.directors[1].token,
            "query($i: ID!, $n: ID!) { node(id: $i) { ... on Indicator { goal { indicators { id } } } }
                network(id: $n) { indicators { id } } }",
            json!({ "i": ind, "n": w.network }),
        )
        .await;
    assert_eq!(listed["node"]["goal"]["indicators"], json!([{ "id": ind }]));
    assert_eq!(listed["network"]["indicators"], json!([{ "id": ind }]));

    // The facilitator sees every figure and the totals against the targets.
    let whole = figures(&app, &w.facilitator.token, &ind, None).await;
    let periods = whole["figures"]["periods"].as_array().expect("periods").clone();
    let totals: Vec<(Value, Value, Value)> =
        periods.iter().map(|p| (p["period"].clone(), p["total"].clone(), p["target"].clone())).collect();
    assert_eq!(
        totals,
        [
            (json!("2023"), json!(93.0), Value::Null),
            (json!("2024"), json!(123.0), json!(115.0)),
            (json!("2025"), Value::Null, json!(130.0)),
        ]
    );
    assert_eq!(whole["figures"]["trend"], "IMPROVING");
    assert_eq!(whole["figures"]["current"].as_array().expect("current").len(), 6);

    // A partner sees its own figures and the network total, not the others'.
    let own = figures(&app, &w.directors[0].token, &ind, None).await;
    let current = own["figures"]["current"].as_array().expect("current");
    assert_eq!(current.len(), 2);
    assert!(current.iter().all(|m| m["organisation"]["id"] == json!(a)));
    assert_eq!(own["figures"]["periods"][1]["total"], 123.0);
    assert_eq!(own["figures"]["periods"][1]["withheld"], false);
    // Unless the network shares partners' figures.
    app.ok(&w.facilitator.token, SETTINGS, json!({ "n": w.network, "s": true })).await;
    let shared = figures(&app, &w.directors[0].token, &ind, None).await;
    assert_eq!(shared["figures"]["current"].as_array().expect("current").len(), 6);
    app.ok(&w.facilitator.token, SETTINGS, json!({ "n": w.network, "s": false })).await;

    // A correction says why, never overwrites, and counts from when it was made.
    let before = app.clock_now();
    app.clock.advance(Duration::days(1));
    let silent = record(w.staff[0][0].token.clone(), a.clone(), "2024", 44.0).await;
    assert_eq!(silent.code(), "BAD_USER_INPUT");
    assert!(silent.message().contains("correction says why in its note"), "{:?}", silent.0);
    let corrected = app
        .ok(
            &w.staff[0][0].token,
            RECORD,
            json!({ "i": ind, "o": a, "p": "2024", "v": 44.0, "note": "Dubbeltelling hersteld" }),
        )
        .await;
    assert!(corrected["recordMeasurement"]["measurement"]["correctsId"].is_string());
    let now = figures(&app, &w.directors[0].token, &ind, None).await;
    assert_eq!(now["figures"]["periods"][1]["total"], 127.0);
    let history: Vec<Value> =
        now["figures"]["history"].as_array().expect("history").iter().map(|m| m["value"].clone()).collect();
    assert_eq!(history, [json!(30.0), json!(40.0), json!(44.0)], "both 2024 figures stay on record");
    let then = figures(&app, &w.directors[0].token, &ind, Some(before.to_rfc3339())).await;
    assert_eq!(then["figures"]["periods"][1]["total"], 123.0, "as of before the correction");

    // With fewer than three reporters, a partner's total would give the
    // other's figure away: withheld from partners, shown to the facilitator.
    let duo = indicator(&app, &w, &[0, 1]).await;
    app.ok(&w.staff[0][0].token, RECORD, json!({ "i": duo, "o": a, "p": "2024", "v": 5.0 })).await;
    app.ok(&w.staff[1][0].token, RECORD, json!({ "i": duo, "o": b, "p": "2024", "v": 7.0 })).await;
    let partner = figures(&app, &w.directors[0].token, &duo, None).await;
    assert_eq!(partner["figures"]["periods"][0]["total"], Value::Null);
    assert_eq!(partner["figures"]["periods"][0]["withheld"], true);
    assert_eq!(partner["figures"]["trend"], "UNKNOWN");
    let facilitator = figures(&app, &w.facilitator.token, &duo, None).await;
    assert_eq!(facilitator["figures"]["periods"][0]["total"], 12.0);

    // Whoever recorded a figure finds it in their own export.
    let export = app
        .ok(
            &w.staff[0][0].token,
            "mutation($p: ID!) { exportPersonData(input: { personId: $p }) { data } }",
            json!({ "p": w.staff[0][0].id }),
        )
        .await;
    let recorded = export["exportPersonData"]["data"]["measurementsRecorded"].as_array().expect("a section").len();
    assert_eq!(recorded, 4, "2023, 2024, its correction, and the duo's 2024");

    // The facilitator renames it and moves a target; a stale version is refused.
    let change = "mutation($i: ID!, $v: Int!) { changeIndicator(input: { indicatorId: $i, expectedVersion: $v,
        name: \"Woningen vrijgekomen voor senioren\", description: null, targets: [{ period: \"2025\", value: 140 }] }) {
        indicator { name version targets { period value } } } }";
    let changed =
        app.ok(&w.facilitator.token, change, json!({ "i": ind, "v": 1 })).await["changeIndicator"]["indicator"].clone();
    assert_eq!(changed["name"], "Woningen vrijgekomen voor senioren");
    assert_eq!(changed["version"], 2);
    assert_eq!(changed["targets"], json!([{ "period": "2025", "value": 140.0 }]));
    assert_eq!(app.gql(&w.facilitator.token, change, json!({ "i": ind, "v": 1 })).await.code(), "CONFLICT");
    assert_eq!(app.gql(&w.directors[0].token, change, json!({ "i": ind, "v": 2 })).await.code(), "FORBIDDEN");

    // An outsider does not see the indicator at all.
    let hidden = app.ok(&w.outsider.token, FIGURES, json!({ "i": ind })).await;
    assert_eq!(hidden["node"], Value::Null);
    let events = app.ok(&w.facilitator.token,
        "query($n: ID!) { network(id: $n) { timeline(first: 100, kinds: [\"indicator.measured\"]) { edges { node { payload } } } } }",
        json!({ "n": w.network })).await;
    let payloads = events["network"]["timeline"]["edges"].as_array().expect("edges");
    assert!(!payloads.is_empty());
    assert!(payloads.iter().all(|e| e["node"]["payload"].get("value").is_none()), "the figure stays out of events");
});

both!(an_indicator_that_stalls_or_worsens_for_two_periods_is_a_health_signal, |app| {
    let w = net_world(&app, "acme").await;
    let ind = indicator(&app, &w, &[0, 1, 2]).await;
    let report = |period: &'static str, values: [f64; 3]| {
        let (app, w, ind) = (&app, &w, ind.clone());
        async move {
            for (i, value) in values.iter().enumerate() {
                app.ok(&w.staff[i][0].token, RECORD, json!({ "i": ind, "o": w.orgs[i], "p": period, "v": value }))
                    .await;
            }
        }
    };
    report("2022", [10.0, 10.0, 10.0]).await;
    report("2023", [12.0, 12.0, 12.0]).await;
    report("2024", [12.0, 12.0, 12.1]).await;
    let improving_then_stalled = app.ok(&w.facilitator.token, HEALTH, json!({ "n": w.network })).await;
    assert!(!signal_kinds(&improving_then_stalled).contains(&"INDICATOR_NOT_MOVING".to_owned()));
    let before = app.clock_now();
    app.clock.advance(Duration::days(1));
    // 2025 has begun on the test clock: the partial year's figures fall.
    report("2025", [11.0, 11.0, 11.0]).await;
    let health = app.ok(&w.facilitator.token, HEALTH, json!({ "n": w.network })).await;
    assert!(signal_kinds(&health).contains(&"INDICATOR_NOT_MOVING".to_owned()), "{health}");
    let signal = health["network"]["health"]["signals"]
        .as_array()
        .expect("signals")
        .iter()
        .find(|s| s["kind"] == "INDICATOR_NOT_MOVING")
        .expect("the signal")
        .clone();
    assert_eq!(signal["subjectIds"], json!([ind]));
    // As of before the fall, it did not fire.
    let then = app.ok(&w.facilitator.token, HEALTH, json!({ "n": w.network, "at": before.to_rfc3339() })).await;
    assert!(!signal_kinds(&then).contains(&"INDICATOR_NOT_MOVING".to_owned()));
    // A director whose organisation reports sees it in their health too.
    let director = app.ok(&w.directors[1].token, HEALTH, json!({ "n": w.network })).await;
    assert!(signal_kinds(&director).contains(&"INDICATOR_NOT_MOVING".to_owned()));
});

const BULK: &str = "mutation($m: [RecordMeasurementInput!]!) { recordMeasurements(input: { measurements: $m }) { measurements { period value } } }";

both!(a_quarterly_report_of_figures_is_recorded_all_or_nothing, |app| {
    let w = net_world(&app, "acme").await;
    let ind = indicator(&app, &w, &[0, 1, 2]).await;
    let a = &w.orgs[0];
    let item = |org: &str, period: &str, value: f64| json!({ "indicatorId": ind, "organisationId": org, "period": period, "value": value });
    let before = app.count("measurements").await;
    let events = app.count("events").await;
    let refused = app
        .gql(
            &w.staff[0][0].token,
            BULK,
            json!({ "m": [item(a, "2023", 1.0), item(&w.orgs[1], "2023", 2.0), item(a, "2030", 3.0), item(a, "2024", 4.0), { "indicatorId": "bm9wZQ", "organisationId": a, "period": "2024", "value": 1 }] }),
        )
        .await;
    assert_eq!(refused.code(), "FORBIDDEN", "the first refused item's code");
    assert_eq!(refused.message(), "3 of 5 measurements were refused; nothing was recorded");
    let items: Vec<(i64, String)> = refused.0["errors"][0]["extensions"]["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(|i| (i["index"].as_i64().expect("index"), i["code"].as_str().expect("code").to_owned()))
        .collect();
    assert_eq!(
        items,
        [(1, "FORBIDDEN".to_owned()), (2, "BAD_USER_INPUT".to_owned()), (4, "BAD_USER_INPUT".to_owned())]
    );
    assert_eq!(app.count("measurements").await, before, "nothing half-written");
    assert_eq!(app.count("events").await, events);

    let done = app.ok(&w.staff[0][0].token, BULK, json!({ "m": [item(a, "2023", 1.0), item(a, "2024", 4.0)] })).await;
    assert_eq!(done["recordMeasurements"]["measurements"].as_array().expect("list").len(), 2);
    assert_eq!(app.count("measurements").await, before + 2);
    assert_eq!(app.count("events").await, events + 2, "one event per figure");
});

const CYCLE: &str = "mutation($n: ID!, $y: Int!) { createCycle(input: { networkId: $n, year: $y, title: \"Prestatieafspraken\" }) { cycle { id version status } } }";
const CHANGE: &str = "mutation($c: ID!, $v: Int!, $add: [ID!], $remove: [ID!]) { changeCycleCommitments(input: { cycleId: $c, expectedVersion: $v, add: $add, remove: $remove }) { cycle { version commitments { id } } } }";
const CLOSE: &str = "mutation($c: ID!, $v: Int!) { closeCycle(input: { cycleId: $c, expectedVersion: $v, note: \"Voor de raad\" }) { cycle { status version closedAt closingNote } } }";
const REPORT: &str = "query($n: ID!, $y: Int!, $l: Locale) { network(id: $n) { cycleReport(cycle: $y, locale: $l) { draft json markdown } } }";
const LINK: &str = "mutation($c: ID!, $i: [ID!]!) { setCommitmentIndicators(input: { commitmentId: $c, indicatorIds: $i }) { commitment { indicators { id } } } }";

both!(a_cycle_runs_its_year_and_closing_it_freezes_its_accountability_report, |app| {
    let w = net_world(&app, "acme").await;
    let fac = w.facilitator.token.clone();
    let created = app.ok(&fac, CYCLE, json!({ "n": w.network, "y": 2026 })).await["createCycle"]["cycle"].clone();
    let cycle = created["id"].as_str().expect("id").to_owned();
    assert_eq!(app.gql(&fac, CYCLE, json!({ "n": w.network, "y": 2026 })).await.code(), "CONFLICT", "one per year");
    assert_eq!(app.gql(&w.directors[0].token, CYCLE, json!({ "n": w.network, "y": 2027 })).await.code(), "FORBIDDEN");

    let delivered = agreed(&app, &w, &[0, 1], "COALITION").await;
    app.ok(&w.staff[0][0].token, PROGRESS, json!({ "c": delivered, "s": "DELIVERED" })).await;
    let open = agreed(&app, &w, &[2], "ORGANISATION").await;
    let ind = indicator(&app, &w, &[0, 1, 2]).await;
    let linked = app.ok(&w.directors[2].token, LINK, json!({ "c": open, "i": [ind] })).await;
    assert_eq!(linked["setCommitmentIndicators"]["commitment"]["indicators"], json!([{ "id": ind }]));
    assert_eq!(app.gql(&w.directors[0].token, LINK, json!({ "c": open, "i": [ind] })).await.code(), "FORBIDDEN");

    let changed = app.ok(&fac, CHANGE, json!({ "c": cycle, "v": 1, "add": [delivered, open] })).await;
    assert_eq!(changed["changeCycleCommitments"]["cycle"]["commitments"].as_array().expect("list").len(), 2);
    assert_eq!(app.gql(&fac, CHANGE, json!({ "c": cycle, "v": 1, "add": [open] })).await.code(), "CONFLICT", "stale");

    let draft =
        app.ok(&fac, REPORT, json!({ "n": w.network, "y": 2026, "l": "EN" })).await["network"]["cycleReport"].clone();
    assert_eq!(draft["draft"], true);
    assert_eq!(draft["json"]["summary"]["commitments"], 2);
    assert_eq!(draft["json"]["summary"]["delivered"], 1);
    assert!(
        draft["markdown"].as_str().expect("md").starts_with("# Accountability report Prestatieafspraken: Regio Oost")
    );

    let closed = app.ok(&fac, CLOSE, json!({ "c": cycle, "v": 2 })).await["closeCycle"]["cycle"].clone();
    assert_eq!(closed["status"], "CLOSED");
    assert_eq!(closed["closingNote"], "Voor de raad");
    assert_eq!(app.gql(&fac, CLOSE, json!({ "c": cycle, "v": 3 })).await.code(), "CONFLICT", "closed already");
    assert_eq!(app.gql(&fac, CHANGE, json!({ "c": cycle, "v": 3, "remove": [open] })).await.code(), "CONFLICT");
    let frozen =
        app.ok(&fac, REPORT, json!({ "n": w.network, "y": 2026, "l": "NL" })).await["network"]["cycleReport"].clone();
    assert_eq!(frozen["draft"], false);

    // What happens after closing leaves the report as the council read it.
    app.clock.advance(Duration::days(2));
    app.ok(&w.staff[2][0].token, PROGRESS, json!({ "c": open, "s": "DELIVERED" })).await;
    let later = app.ok(&w.directors[1].token, REPORT, json!({ "n": w.network, "y": 2026, "l": "NL" })).await["network"]
        ["cycleReport"]
        .clone();
    assert_eq!(later["json"], frozen["json"]);
    assert_eq!(later["markdown"], frozen["markdown"]);
    assert!(frozen["markdown"].as_str().expect("md").contains("> Voor de raad"));
    // An outsider sees no network, so no report.
    let hidden = app.ok(&w.outsider.token, REPORT, json!({ "n": w.network, "y": 2026 })).await;
    assert_eq!(hidden["network"], Value::Null);
    // A cycle for a year that has not begun does not close.
    let next = app.ok(&fac, CYCLE, json!({ "n": w.network, "y": 2027 })).await["createCycle"]["cycle"]["id"].clone();
    assert_eq!(app.gql(&fac, CLOSE, json!({ "c": next, "v": 1 })).await.code(), "CONFLICT");
});
