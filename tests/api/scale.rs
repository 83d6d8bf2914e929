//! Cost that does not grow with data the client does not get: the dashboard
//! query issues the same number of SQL statements for 5 or 50 partners and
//! for 20 or 200 commitments, a deep page costs the statements of the first,
//! and `eendracht seed` builds the same rows for the same seed.

use chrono::NaiveDate;
use eendracht::config::ServeSettings;
use eendracht::seed::{SeedSize, SeedSummary, seed};
use serde_json::{Value, json};

use crate::helpers::TestApp;
use crate::{both, both_with};

/// What a facilitator's front-end asks for on its landing page.
const DASHBOARD: &str = "query($id: ID!) { network(id: $id) { name
    charter { version }
    partners(first: 100) { totalCount nodes { status joinedOn charterAcknowledged
        organisation { name kind } representatives { person { name } } } }
    commitments(first: 100) { totalCount nodes { title scope status dueOn ratificationStatus
        lead { name } goal { title }
        parties { contributionEuros organisation { name } }
        ratifications { status outcome dueOn body { name right } organisation { name } } } }
    health { view signals { kind severity subjectIds }
        backing { openRatifications overdueCount partners { organisation { name } } }
        focus { byScope { scope count } withoutGoal { title } } } } }";

/// The dashboard asks for more than the default cost limit allows.
fn generous(serve: &mut ServeSettings) {
    serve.limits.complexity = 100_000;
}

fn size(tenant: &str, seed_value: u64, partners: u32, commitments: u64) -> SeedSize {
    SeedSize {
        organisations: partners,
        commitments,
        seed: seed_value,
        // Before the test clock's "now" (2 March 2026).
        until: NaiveDate::from_ymd_opt(2026, 3, 1).expect("a date"),
        ..SeedSize::small(tenant)
    }
}

fn network_id(summary: &SeedSummary) -> String {
    use base64::Engine;
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(format!("Network:{}", summary.networks[0]))
}

/// Statements the dashboard issues, counted on the application's pool, and its data.
async fn dashboard(app: &TestApp, summary: &SeedSummary) -> (u64, Value) {
    let token = app.token(&summary.tenant, &summary.facilitator_subject);
    let before = app.app_db.statement_count();
    let data = app.gql(&token, DASHBOARD, json!({ "id": network_id(summary) })).await.data().clone();
    (app.app_db.statement_count() - before, data)
}

both_with!(dashboard_statements_do_not_grow_with_partners_or_commitments, generous, |app| {
    let mut counts = Vec::new();
    for (i, (partners, commitments)) in [(5, 20), (50, 20), (5, 200), (50, 200)].into_iter().enumerate() {
        let tenant = format!("scale{i}");
        let summary = seed(&app.db, &size(&tenant, i as u64 + 1, partners, commitments)).await.expect("seed");
        let (statements, data) = dashboard(&app, &summary).await;
        let network = &data["network"];
        // The page really holds what was seeded, so the count is of a full answer.
        assert_eq!(network["partners"]["totalCount"], json!(partners));
        assert_eq!(network["partners"]["nodes"].as_array().map(Vec::len), Some(partners as usize));
        assert_eq!(network["commitments"]["totalCount"], json!(commitments));
        let nodes = network["commitments"]["nodes"].as_array().expect("commitments");
        assert_eq!(nodes.len(), commitments.min(100) as usize);
        assert!(nodes.iter().all(|c| c["lead"]["name"].is_string()), "every lead resolved");
        assert!(nodes.iter().any(|c| c["ratifications"].as_array().is_some_and(|r| !r.is_empty())));
        assert!(network["partners"]["nodes"][0]["representatives"][0]["person"]["name"].is_string());
        eprintln!("dashboard, {partners} partners and {commitments} commitments: {statements} statements");
        counts.push(statements);
    }
    assert!(counts.windows(2).all(|w| w[0] == w[1]), "statements must not grow with the data: {counts:?}");
    assert!(counts[0] <= 60, "a bounded number of statements, got {}", counts[0]);
});

both_with!(a_deep_page_costs_the_statements_of_the_first, generous, |app| {
    let summary = seed(&app.db, &size("deep", 9, 5, 1_000)).await.expect("seed");
    let token = app.token(&summary.tenant, &summary.facilitator_subject);
    known(&app, &token).await;
    let query = "query($id: ID!, $after: String) { network(id: $id) { commitments(first: 10, after: $after) {
        pageInfo { hasNextPage endCursor } nodes { id parties { organisation { name } } } } } }";
    let mut after = Value::Null;
    let mut seen = std::collections::HashSet::new();
    let mut per_page = Vec::new();
    loop {
        let before = app.app_db.statement_count();
        let data = app.gql(&token, query, json!({ "id": network_id(&summary), "after": after })).await.data().clone();
        per_page.push(app.app_db.statement_count() - before);
        let page = &data["network"]["commitments"];
        for node in page["nodes"].as_array().expect("nodes") {
            assert!(seen.insert(node["id"].as_str().expect("id").to_owned()), "no commitment twice");
        }
        if page["pageInfo"]["hasNextPage"] != json!(true) {
            break;
        }
        after = page["pageInfo"]["endCursor"].clone();
    }
    assert_eq!(seen.len(), 1_000, "every commitment exactly once");
    assert_eq!(per_page.len(), 100);
    assert!(per_page.iter().all(|n| *n == per_page[0]), "page 100 costs page 1's statements: {per_page:?}");
});

/// A first request, so the server knows whom the token names: the look-up
/// a stranger's first request costs (`http::identity`) is not the query's.
async fn known(app: &TestApp, token: &str) {
    app.gql(token, "{ viewer { person { id } } }", json!({})).await;
}

/// Statements a query issues, and its data.
async fn counted(app: &TestApp, token: &str, query: &str, variables: Value) -> (u64, Value) {
    let before = app.app_db.statement_count();
    let data = app.gql(token, query, variables).await.data().clone();
    (app.app_db.statement_count() - before, data)
}

both_with!(selected_related_rows_are_read_with_the_page_and_answer_as_the_loaders_do, generous, |app| {
    let summary = seed(&app.db, &size("ahead", 5, 6, 40)).await.expect("seed");
    let token = app.token(&summary.tenant, &summary.facilitator_subject);
    known(&app, &token).await;
    let id = json!({ "id": network_id(&summary) });

    // The partner organisations come with the page: selecting them costs no statement.
    let (bare, _) =
        counted(&app, &token, "query($id: ID!) { network(id: $id) { partners { nodes { id } } } }", id.clone()).await;
    let partners = "query($id: ID!) { network(id: $id) { partners { nodes { id organisation { id name } } }
        a: partners { edges { node { organisation { kind } } } } } }";
    let (joined, data) = counted(&app, &token, partners, id.clone()).await;
    assert_eq!(joined, bare + 1, "one statement more, for the second (aliased) connection, none per organisation");
    // Through `node`, the same partnership resolves its organisation by the loader.
    for partner in data["network"]["partners"]["nodes"].as_array().expect("partners") {
        let via_loader = app
            .gql(
                &token,
                "query($id: ID!) { node(id: $id) { ... on Partnership { organisation { id name } } } }",
                json!({ "id": partner["id"] }),
            )
            .await
            .data()
            .clone();
        assert_eq!(via_loader["node"]["organisation"], partner["organisation"]);
        assert!(partner["organisation"]["name"].is_string());
    }

    // Parties with their organisations, and ratifications: two statements after the page.
    let (page_only, _) =
        counted(&app, &token, "query($id: ID!) { network(id: $id) { commitments { nodes { id } } } }", id.clone())
            .await;
    let commitments = "query($id: ID!) { network(id: $id) { commitments { nodes { id
        parties { contributionEuros organisation { id name } } ratifications { id status organisation { id } } } } } }";
    let (with_children, data) = counted(&app, &token, commitments, id.clone()).await;
    let nodes = data["network"]["commitments"]["nodes"].as_array().expect("commitments");
    assert_eq!(nodes.len(), 20);
    assert!(nodes.iter().any(|c| c["ratifications"].as_array().is_some_and(|r| !r.is_empty())));
    // Parties with their organisations in one, ratifications in one; the
    // ratifications' organisations are the parties', already read.
    assert_eq!(with_children, page_only + 2, "two statements for every commitment's children");
    for commitment in nodes {
        let via_loader = app
            .gql(&token, "query($id: ID!) { node(id: $id) { ... on Commitment { id
                parties { contributionEuros organisation { id name } } ratifications { id status organisation { id } } } } }",
                json!({ "id": commitment["id"] }))
            .await
            .data()
            .clone();
        assert_eq!(&via_loader["node"], commitment, "the page's answer is the loaders' answer");
    }
});

/// Other list-heavy reads a front-end makes, each with related objects on
/// every item: none may cost a statement per item.
const LISTS: &[(&str, &str)] = &[
    (
        "timeline",
        "query($id: ID!) { network(id: $id) { timeline(first: 100) { nodes { kind actor { name }
        organisations { name } } } } }",
    ),
    (
        "goals",
        "query($id: ID!) { network(id: $id) { goals(first: 100) { nodes { title parent { title }
        results { delivered { title lead { name } } total quickWinCount } } } } }",
    ),
    (
        "rounds",
        "query($id: ID!) { network(id: $id) { alignmentRounds { nodes { status questions { key text }
        results { respondentCount alignmentIndex questions { key mean } }
        invited myAnswers { score } invitees(first: 5) { nodes { person { name } organisation { name } } } } } } }",
    ),
    (
        "partners in depth",
        "query($id: ID!) { network(id: $id) { partners(first: 100) { nodes {
        organisation { name governingBodies { name right members { name } } }
        representatives { person { name positions { role organisation { name } } } }
        expectations { kind recordedBy { name } } network { name } } } } }",
    ),
    (
        "follow-through",
        "query($id: ID!) { network(id: $id) { followThrough { organisation { name } involved
        answered approved medianDaysToOutcome } } }",
    ),
    (
        "organisations",
        "{ organisations(first: 100) { nodes { name partnerships { status network { name } }
        positions(first: 100) { nodes { role person { name } } } } } }",
    ),
];

both_with!(other_lists_cost_the_same_statements_for_more_data, generous, |app| {
    let mut counts: Vec<Vec<u64>> = Vec::new();
    // Every list grows: partners, commitments, goals and closed rounds.
    for (i, (partners, commitments, goals, rounds)) in [(4, 20, 3, 1), (12, 80, 9, 3)].into_iter().enumerate() {
        let sized = SeedSize { goals, rounds, ..size(&format!("lists{i}"), i as u64 + 20, partners, commitments) };
        let summary = seed(&app.db, &sized).await.expect("seed");
        let token = app.token(&summary.tenant, &summary.facilitator_subject);
        let mut per_query = Vec::new();
        for (name, query) in LISTS {
            let (statements, data) = counted(&app, &token, query, json!({ "id": network_id(&summary) })).await;
            assert!(!data.is_null(), "{name} answered");
            eprintln!("{name}, {partners} partners and {commitments} commitments: {statements} statements");
            per_query.push(statements);
        }
        counts.push(per_query);
    }
    for (n, (name, _)) in LISTS.iter().enumerate() {
        assert_eq!(counts[0][n], counts[1][n], "{name}: statements must not grow with the data");
    }
});

both!(meetings_cost_the_same_statements_however_many_there_are, |app| {
    let w = crate::helpers::net_world(&app, "meetings").await;
    let record = "mutation($n: ID!, $a: [ID!]!) { recordMeeting(input: { networkId: $n, heldOn: \"2026-02-01\", attendeeIds: $a }) { meeting { id } } }";
    let list = "query($id: ID!) { network(id: $id) { meetings(first: 100) { nodes { heldOn status sequence
        attendees { person { name } } commitmentsProposed { title } commitmentsAgreed { title lead { name } }
        agenda { title commitment { title } round { id } } } } } }";
    let mut counts = Vec::new();
    for meetings in [1, 4] {
        while app.count("meetings").await < meetings {
            app.ok(&w.facilitator.token, record, json!({ "n": w.network, "a": [w.facilitator.id] })).await;
        }
        let (statements, data) = counted(&app, &w.facilitator.token, list, json!({ "id": w.network })).await;
        let listed = data["network"]["meetings"]["nodes"].as_array().map(Vec::len);
        assert_eq!(listed, Some(usize::try_from(meetings).expect("small")), "{data}");
        counts.push(statements);
    }
    assert_eq!(counts[0], counts[1], "a meeting's commitments must not cost statements per meeting");
});

both_with!(nested_first_pages_read_together_answer_as_one_organisation_alone, generous, |app| {
    let summary = seed(&app.db, &size("nested", 31, 5, 20)).await.expect("seed");
    let token = app.token(&summary.tenant, &summary.facilitator_subject);
    let list = "{ organisations(first: 100) { nodes { id
        positions(first: 2) { totalCount pageInfo { hasNextPage endCursor } nodes { id role } } } } }";
    let data = app.gql(&token, list, json!({})).await.data().clone();
    let organisations = data["organisations"]["nodes"].as_array().expect("organisations");
    assert!(organisations.len() >= 5);
    let one = "query($id: ID!, $after: String) { node(id: $id) { ... on Organisation {
        positions(first: 2, after: $after) { totalCount pageInfo { hasNextPage endCursor } nodes { id role } } } } }";
    let mut paged = 0;
    for organisation in organisations {
        let page = &organisation["positions"];
        let alone = app.gql(&token, one, json!({ "id": organisation["id"], "after": null })).await.data().clone();
        // Alone, an organisation reads its page with the plain keyset query.
        assert_eq!(&alone["node"]["positions"], page, "a first page read with its siblings is the page read alone");
        // The pages after the first (read one organisation at a time) continue it.
        let total = page["totalCount"].as_u64().expect("a count");
        let mut seen: Vec<Value> = page["nodes"].as_array().expect("nodes").clone();
        let mut info = page["pageInfo"].clone();
        while info["hasNextPage"] == json!(true) {
            let next = app
                .gql(&token, one, json!({ "id": organisation["id"], "after": info["endCursor"] }))
                .await
                .data()
                .clone();
            seen.extend(next["node"]["positions"]["nodes"].as_array().expect("nodes").iter().cloned());
            info = next["node"]["positions"]["pageInfo"].clone();
            paged += 1;
        }
        assert_eq!(seen.len() as u64, total, "every position once");
        let ids: std::collections::HashSet<_> = seen.iter().map(|p| p["id"].clone()).collect();
        assert_eq!(ids.len(), seen.len(), "no position twice");
    }
    assert!(paged > 0, "some organisation has more than one page");
});

both_with!(a_list_of_networks_reads_their_partners_and_goals_together, generous, |app| {
    let list = "{ networks(first: 10) { nodes { id partners { pageInfo { hasNextPage } nodes { status
        organisation { name } } } goals(first: 3) { pageInfo { hasNextPage } nodes { title } } } } }";
    let one = "query($id: ID!) { network(id: $id) { partners { pageInfo { hasNextPage } nodes { status
        organisation { name } } } goals(first: 3) { pageInfo { hasNextPage } nodes { title } } } }";
    let mut counts = Vec::new();
    for (i, networks) in [1_u32, 3].into_iter().enumerate() {
        let summary = seed(&app.db, &SeedSize { networks, ..size(&format!("networks{i}"), 40 + i as u64, 5, 20) })
            .await
            .expect("seed");
        let token = app.token(&summary.tenant, &summary.facilitator_subject);
        let (statements, data) = counted(&app, &token, list, json!({})).await;
        let nodes = data["networks"]["nodes"].as_array().expect("networks").clone();
        assert_eq!(nodes.len(), networks as usize);
        counts.push(statements);
        for network in nodes {
            // Alone, a network reads its pages with the plain keyset queries.
            let alone = app.gql(&token, one, json!({ "id": network["id"] })).await.data().clone();
            assert_eq!(alone["network"]["partners"], network["partners"], "partners as read alone");
            assert_eq!(alone["network"]["goals"], network["goals"], "goals as read alone");
            assert!(network["partners"]["nodes"][0]["organisation"]["name"].is_string());
        }
    }
    assert_eq!(counts[0], counts[1], "statements must not grow with the networks listed");
});

both_with!(seeding_is_deterministic_and_refuses_an_existing_tenant, generous, |app| {
    let first = seed(&app.db, &size("same", 42, 4, 30)).await.expect("seed");
    let again = seed(&app.db, &size("same", 42, 4, 30)).await;
    assert!(again.expect_err("an existing tenant").to_string().contains("exists already"));
    // The same seed into a fresh database gives the same ids.
    let other = crate::helpers::spawn_app(crate::helpers::Backend::Sqlite, crate::helpers::Keys::Hs256)
        .await
        .expect("a second app");
    let second = seed(&other.db, &size("same", 42, 4, 30)).await.expect("seed");
    assert_eq!(first.tenant_id, second.tenant_id);
    assert_eq!(first.networks, second.networks);
    assert_eq!(first.organisations, second.organisations);
    assert_eq!(first.rows, second.rows);
    let ids = |app: &TestApp| {
        let db = app.db.clone();
        async move {
            use sea_orm::{EntityTrait, QueryOrder};
            entity::commitment::Entity::find()
                .order_by_asc(entity::commitment::Column::Id)
                .all(db.connection())
                .await
                .expect("commitments")
                .into_iter()
                .map(|c| (c.id, c.title, c.status, c.scope))
                .collect::<Vec<_>>()
        }
    };
    assert_eq!(ids(&app).await, ids(&other).await);
    assert_eq!(first.rows["commitments"], 30);
});

both!(a_calendar_feed_costs_the_same_statements_however_much_it_holds, |app| {
    let mut counts = Vec::new();
    let mut sizes = Vec::new();
    for (i, commitments) in [20_u64, 200].into_iter().enumerate() {
        let summary = seed(&app.db, &size(&format!("feed{i}"), 50 + i as u64, 5, commitments)).await.expect("seed");
        let token = app.token(&summary.tenant, &summary.director_subject);
        let created =
            app.ok(&token, "mutation { createCalendarFeed(input: { name: \"Telefoon\" }) { url } }", json!({})).await;
        let url = created["createCalendarFeed"]["url"].as_str().expect("url").to_owned();
        // Warm up: the first request of a tenant reads what later ones remember.
        app.client.get(&url).send().await.expect("the feed");
        let before = app.app_db.statement_count();
        let body = app.client.get(&url).send().await.expect("the feed").text().await.expect("text");
        counts.push(app.app_db.statement_count() - before);
        sizes.push(body.matches("BEGIN:VEVENT").count());
    }
    assert!(sizes[1] > sizes[0], "the larger network puts more in the feed: {sizes:?}");
    assert_eq!(counts[0], counts[1], "a feed must not cost statements per entry ({sizes:?} entries)");
});

both!(a_digest_costs_the_same_statements_however_much_moved, |app| {
    let query = "query($since: DateTime!) { viewer { digest(since: $since) { markdown lines { section text } } } }";
    let mut counts = Vec::new();
    let mut lines = Vec::new();
    for (i, commitments) in [20_u64, 200].into_iter().enumerate() {
        let summary = seed(&app.db, &size(&format!("digest{i}"), 60 + i as u64, 5, commitments)).await.expect("seed");
        let token = app.token(&summary.tenant, &summary.director_subject);
        let since = json!({ "since": "2025-01-01T00:00:00Z" });
        // Warm up: the first request of a tenant reads what later ones remember.
        app.gql(&token, query, since.clone()).await;
        let (statements, data) = counted(&app, &token, query, since).await;
        counts.push(statements);
        lines.push(data["viewer"]["digest"]["lines"].as_array().map_or(0, Vec::len));
    }
    assert!(lines[1] > lines[0], "more moved in the larger network: {lines:?}");
    assert_eq!(counts[0], counts[1], "a digest must not cost statements per line ({lines:?} lines)");
});

both!(the_reminder_pass_costs_the_same_statements_however_many_are_due, |app| {
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};
    let mut counts = Vec::new();
    let mut due = Vec::new();
    for (i, commitments) in [20_u64, 200].into_iter().enumerate() {
        let summary = seed(&app.db, &size(&format!("remind{i}"), 70 + i as u64, 5, commitments)).await.expect("seed");
        // Every decision still awaited within a year is due: the rule reaches
        // a year ahead, from the day before the first one.
        let settings = json!({ "reminderRatificationDaysBefore": 365 });
        entity::network::Entity::update_many()
            .col_expr(entity::network::Column::Settings, sea_orm::sea_query::Expr::value(settings))
            .filter(entity::network::Column::TenantId.eq(summary.tenant_id))
            .exec(app.db.connection())
            .await
            .expect("settings");
        let first = entity::ratification::Entity::find()
            .filter(entity::ratification::Column::TenantId.eq(summary.tenant_id))
            .filter(entity::ratification::Column::Status.eq(entity::RatificationStatus::Awaiting))
            .order_by_asc(entity::ratification::Column::DueOn)
            .one(app.db.connection())
            .await
            .expect("ratifications")
            .and_then(|r| r.due_on)
            .expect("an awaited decision");
        let at = (first - chrono::Duration::days(1)).and_hms_opt(12, 0, 0).expect("a time").and_utc();
        let clock = std::sync::Arc::new(eendracht::clock::ManualClock::new(at));
        let store =
            eendracht::store::Store::system(&app.app_db, summary.tenant_id, eendracht::store::Access::Read, clock)
                .await
                .expect("a store");
        let before = app.app_db.statement_count();
        let found = eendracht::service::mail::due_reminders(&store).await.expect("due reminders");
        counts.push(app.app_db.statement_count() - before);
        store.rollback().await;
        due.push(found.len());
    }
    assert!(due[1] > due[0], "more is due in the larger network: {due:?}");
    assert_eq!(counts[0], counts[1], "the pass must not cost statements per reminder ({due:?} due)");
});

both!(the_collaboration_graph_costs_the_same_statements_at_any_size, |app| {
    let query = "query($id: ID!) { network(id: $id) { collaborationGraph { openCommitments
        nodes { organisation { name } open } edges { source { name } target { name } weight }
        coalitions { organisations { name } delivered } overCommitted { name } isolated { name } graphml json } } }";
    let mut counts = Vec::new();
    let mut edges = Vec::new();
    for (i, commitments) in [20_u64, 200].into_iter().enumerate() {
        let summary = seed(&app.db, &size(&format!("graph{i}"), 80 + i as u64, 5, commitments)).await.expect("seed");
        let token = app.token(&summary.tenant, &summary.facilitator_subject);
        let vars = json!({ "id": network_id(&summary) });
        // Warm up: the first request of a tenant reads what later ones remember.
        app.gql(&token, query, vars.clone()).await;
        let (statements, data) = counted(&app, &token, query, vars).await;
        counts.push(statements);
        let graph = &data["network"]["collaborationGraph"];
        edges.push(
            graph["edges"].as_array().map_or(0, |e| e.iter().map(|e| e["weight"].as_i64().unwrap_or(0)).sum::<i64>()),
        );
    }
    assert!(edges[1] > edges[0], "more is shared in the larger network: {edges:?}");
    assert_eq!(counts[0], counts[1], "the graph must not cost statements per commitment ({edges:?} shared)");
    eprintln!("collaboration graph: {} statements at 20 and {} at 200 commitments", counts[0], counts[1]);
});

both!(a_cycle_report_costs_the_same_statements_at_any_size, |app| {
    let ids = "query($id: ID!, $after: String) { network(id: $id) {
        partners(first: 3) { edges { node { organisation { id } } } }
        goals(first: 1) { edges { node { id } } }
        commitments(first: 100, after: $after) { pageInfo { hasNextPage endCursor } edges { node { id } } } } }";
    let report = "query($id: ID!) { network(id: $id) { cycleReport(cycle: 2026, locale: NL) { json markdown } } }";
    let mut counts = Vec::new();
    let mut sizes = Vec::new();
    for (i, commitments) in [20_u64, 200].into_iter().enumerate() {
        let summary = seed(&app.db, &size(&format!("cycle{i}"), 90 + i as u64, 5, commitments)).await.expect("seed");
        let token = app.token(&summary.tenant, &summary.facilitator_subject);
        let network = network_id(&summary);
        let mut all = Vec::new();
        let mut after = Value::Null;
        let mut first_page = Value::Null;
        loop {
            let data = app.ok(&token, ids, json!({ "id": network, "after": after })).await;
            let page = data["network"]["commitments"].clone();
            all.extend(page["edges"].as_array().expect("edges").iter().map(|e| e["node"]["id"].clone()));
            if first_page.is_null() {
                first_page = data["network"].clone();
            }
            if page["pageInfo"]["hasNextPage"] != true {
                break;
            }
            after = page["pageInfo"]["endCursor"].clone();
        }
        let cycle = app
            .ok(
                &token,
                "mutation($n: ID!) { createCycle(input: { networkId: $n, year: 2026 }) { cycle { id } } }",
                json!({ "n": network }),
            )
            .await["createCycle"]["cycle"]["id"]
            .clone();
        // At most a hundred a time, as any input list.
        for (version, chunk) in all.chunks(100).enumerate() {
            app.ok(
                &token,
                "mutation($c: ID!, $v: Int!, $a: [ID!]) { changeCycleCommitments(input: { cycleId: $c, expectedVersion: $v, add: $a }) { cycle { id } } }",
                json!({ "c": cycle, "v": version + 1, "a": chunk }),
            )
            .await;
        }
        let reporters: Vec<Value> = first_page["partners"]["edges"]
            .as_array()
            .expect("partners")
            .iter()
            .map(|e| e["node"]["organisation"]["id"].clone())
            .collect();
        app.ok(
            &token,
            "mutation($g: ID!, $r: [ID!]!) { createIndicator(input: { goalId: $g, name: \"Woningen\", unit: \"woningen\",
                direction: HIGHER, baseline: 10, baselinePeriod: \"2024\", reporterIds: $r, targets: [{ period: \"2026\", value: 20 }] }) { indicator { id } } }",
            json!({ "g": first_page["goals"]["edges"][0]["node"]["id"], "r": reporters }),
        )
        .await;
        let vars = json!({ "id": network });
        app.gql(&token, report, vars.clone()).await;
        let (statements, data) = counted(&app, &token, report, vars).await;
        counts.push(statements);
        sizes.push(data["network"]["cycleReport"]["json"]["summary"]["commitments"].as_i64().unwrap_or_default());
    }
    assert_eq!(sizes, [20, 200], "every commitment is in its cycle");
    assert_eq!(counts[0], counts[1], "the report must not cost statements per commitment");
    eprintln!("cycle report: {} statements at 20 and {} at 200 commitments", counts[0], counts[1]);
});

both!(indicators_and_their_figures_cost_the_same_statements_however_many_there_are, |app| {
    use crate::indicators::{RECORD, indicator};
    let query = "query($id: ID!) { network(id: $id) { indicators { name goal { title } targets { period value }
        reporters { name } figures { trend periods { period total target withheld } current { organisation { name } value }
        history { value recordedBy { name } } } } } }";
    let mut counts = Vec::new();
    let mut figures = Vec::new();
    for (i, (indicators, years)) in [(1_usize, 1_i32), (6, 4)].into_iter().enumerate() {
        let w = crate::helpers::net_world(&app, &format!("figures{i}")).await;
        for _ in 0..indicators {
            let id = indicator(&app, &w, &[0, 1, 2]).await;
            for year in 2022..2022 + years {
                for (org, staff) in w.orgs.iter().zip(&w.staff) {
                    let vars = json!({ "i": id, "o": org, "p": year.to_string(), "v": f64::from(year - 2000) });
                    app.ok(&staff[0].token, RECORD, vars).await;
                }
            }
        }
        let vars = json!({ "id": w.network });
        app.gql(&w.facilitator.token, query, vars.clone()).await;
        let (statements, data) = counted(&app, &w.facilitator.token, query, vars).await;
        counts.push(statements);
        let listed = data["network"]["indicators"].as_array().map_or(0, Vec::len);
        figures.push(listed);
    }
    assert_eq!(figures, [1, 6]);
    assert_eq!(counts[0], counts[1], "indicators must not cost statements each");
    eprintln!(
        "indicators with figures: {} statements for 1 and {} for 6 indicators (12 times the figures)",
        counts[0], counts[1]
    );
});
