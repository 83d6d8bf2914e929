//! Moving and removing tenants with the operator's commands, run as the real
//! binary: `eendracht copy` (SQLite to PostgreSQL, a tenant's export) and
//! `eendracht delete-tenant`, proved by what the API answers afterwards and by
//! checksums of every table.

use std::collections::BTreeMap;

use serde_json::{Value, json};

use crate::helpers::{Backend, Keys, TestApp, spawn_app, world};
use crate::shutdown::eendracht;
use crate::{both, postgres_only};

/// Reads that cover the demo's whole record: the network with its charter,
/// partners, commitments and their ratifications, the timeline with event
/// payloads, and health (both apps' clocks stand at the same moment).
const RECORD: &str = "query($id: ID!, $after: String) { network(id: $id) {
    id name
    charterVersions { id version adoptedAt }
    partners(status: [INVITED, ACTIVE, LEFT]) { totalCount edges { node { id status organisation { id name } } } }
    commitments(first: 100) { totalCount edges { node { id title scope kind status ratificationStatus
        parties { organisation { id } } ratifications { id status outcome decidedOn recordedAt conditions { id } history { outcome decidedOn recordedAt reopenedAt } } } } }
    alignmentRounds { edges { node { id status results { respondentCount alignmentIndex } } } }
    timeline(first: 100, after: $after) { pageInfo { hasNextPage endCursor }
        edges { node { id kind occurredAt subjectId actor { id name } payload } } }
    health { signals { kind severity subjectIds } }
} }";

/// The whole record as one viewer sees it, every timeline page included.
async fn record(app: &TestApp, token: &str, network: &str) -> Vec<Value> {
    let mut pages = Vec::new();
    let mut after = Value::Null;
    loop {
        let page = app.ok(token, RECORD, json!({ "id": network, "after": after })).await;
        let timeline = &page["network"]["timeline"]["pageInfo"];
        let next = timeline["hasNextPage"].as_bool().expect("a page");
        after = timeline["endCursor"].clone();
        pages.push(page);
        if !next {
            return pages;
        }
    }
}

/// Runs an operator's command against `database_url`; (success, stdout, stderr).
fn command(database_url: &str, args: &[&str]) -> (bool, String, String) {
    let output = eendracht(database_url).args(args).output().expect("run eendracht");
    (
        output.status.success(),
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

fn demo_network_id(summary: &eendracht::demo::DemoSummary) -> String {
    use base64::Engine;
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(format!("Network:{}", summary.network_id))
}

async fn tenant_id(app: &TestApp, slug: &str) -> uuid::Uuid {
    let tenants = eendracht::store::transfer::tenants(&app.db).await.expect("tenants");
    tenants.into_iter().find(|t| t.slug == slug).unwrap_or_else(|| panic!("tenant {slug}")).id
}

both!(the_copy_knows_every_table_the_database_has, |app| {
    let in_database = crate::helpers::table_names(app.db.connection()).await;
    let mut copied: Vec<String> = eendracht::store::transfer::table_names()
        .into_iter()
        .map(str::to_owned)
        .chain(["tenants".to_owned()])
        .collect();
    copied.sort();
    assert_eq!(copied, in_database, "a table the copy, its check and a tenant's deletion would leave behind");
});

postgres_only!(a_deployment_copied_from_sqlite_to_postgres_answers_exactly_as_before, |target| {
    let source = spawn_app(Backend::Sqlite, Keys::Hs256).await.expect("a SQLite app");
    let demo = eendracht::demo::load(&source.db, source.clock_now()).await.expect("the demo loads");
    world(&source, "acme").await;
    // Bulk data beside the demo: the seed writes with its own clock, to the
    // nanosecond, which PostgreSQL keeps to the microsecond.
    let (seeded, out, err) =
        command(&source.owner_url, &["seed", "--tenant", "bench", "--commitments", "1500", "--organisations", "6"]);
    assert!(seeded, "{out}\n{err}");

    let (copied, out, err) = command(&source.owner_url, &["copy", "--to", &target.owner_url]);
    assert!(copied, "the copy succeeds:\n{out}\n{err}");
    assert!(out.contains("copied and verified 3 tenant(s)") && out.contains("checksums equal"), "{out}");
    assert!(err.contains("tenant bench:") && err.contains("verifying"), "progress is shown: {err}");

    // Every table of every tenant is equal, checked here independently of
    // the command's own verification.
    let tenants = eendracht::store::transfer::tenants(&source.db).await.expect("tenants");
    assert_eq!(tenants, eendracht::store::transfer::tenants(&target.db).await.expect("tenants"), "ids unchanged");
    let differences = eendracht::store::transfer::differences(&source.db, &target.db, &tenants).await.expect("compare");
    assert_eq!(differences, vec![]);
    let bench = tenant_id(&source, "bench").await;
    let sums = eendracht::store::transfer::checksums(&target.db, bench).await.expect("checksums");
    assert_eq!(sums["commitments"].rows, 1500, "the seeded commitments arrived");

    // Served by the PostgreSQL app as the role row-level security binds, the
    // record reads exactly as it did from SQLite, for each showcase person.
    let network = demo_network_id(&demo);
    for person in &demo.people {
        let token = source.token("demo", person.subject);
        let before = record(&source, &token, &network).await;
        let after = record(&target, &token, &network).await;
        assert_eq!(before, after, "{} sees the same record after the move", person.role);
        assert!(before.len() > 1 || person.role != "facilitator", "the facilitator's timeline spans pages");
    }

    // A second copy into the now filled database is refused and changes nothing.
    let (again, out, err) = command(&source.owner_url, &["copy", "--to", &target.owner_url]);
    assert!(!again, "{out}");
    assert!(err.contains("already holds 3 tenant(s)"), "{err}");
    assert_eq!(
        eendracht::store::transfer::differences(&source.db, &target.db, &tenants).await.expect("compare"),
        vec![]
    );
});

both!(a_tenant_s_export_holds_that_tenant_whole_and_no_other, |app| {
    let demo = eendracht::demo::load(&app.db, app.clock_now()).await.expect("the demo loads");
    world(&app, "acme").await;
    let dir = tempfile::tempdir().expect("temp dir");
    let export = format!("sqlite://{}?mode=rwc", dir.path().join("demo.db").display());

    let (missing, _, err) = command(&app.owner_url, &["copy", "--tenant", "nobody", "--to", &export]);
    assert!(!missing && err.contains("no tenant \"nobody\"") && err.contains("acme, demo"), "{err}");

    let (ok, out, err) = command(&app.owner_url, &["copy", "--tenant", "demo", "--to", &export]);
    assert!(ok, "{out}\n{err}");
    assert!(out.contains("copied and verified 1 tenant(s)"), "{out}");

    let exported = eendracht::store::Db::connect(&export).await.expect("open the export");
    let slugs: Vec<String> =
        eendracht::store::transfer::tenants(&exported).await.expect("tenants").into_iter().map(|t| t.slug).collect();
    assert_eq!(slugs, ["demo"], "the export holds the demo tenant alone");
    let id = tenant_id(&app, "demo").await;
    let (a, b) = (
        eendracht::store::transfer::checksums(&app.db, id).await.expect("checksums"),
        eendracht::store::transfer::checksums(&exported, id).await.expect("checksums"),
    );
    assert_eq!(a, b, "every table of the tenant, row for row");
    assert!(a["events"].rows > 250, "with its history: {}", a["events"].rows);
    exported.close().await;

    // The export is a deployment of its own: a server starts on it and shows
    // the demo as before.
    let (_server, address, _logs) =
        crate::shutdown::start(eendracht(&export).args(["serve", "--listen", "127.0.0.1:0"]));
    let token = app.token("demo", demo.people[0].subject);
    let query = json!({ "query": "{ networks { edges { node { id name } } } }" });
    let exported: Value = reqwest::Client::new()
        .post(format!("http://{address}/graphql"))
        .bearer_auth(&token)
        .json(&query)
        .send()
        .await
        .expect("the export serves")
        .json()
        .await
        .expect("JSON");
    let original = app.ok(&token, "{ networks { edges { node { id name } } } }", json!({})).await;
    assert_eq!(exported["data"], original);
});

both!(deleting_a_tenant_removes_all_it_owns_and_leaves_every_other_tenant_byte_for_byte, |app| {
    let demo = eendracht::demo::load(&app.db, app.clock_now()).await.expect("the demo loads");
    let acme = world(&app, "acme").await;
    let globex = world(&app, "globex").await;
    // Each has a webhook of its own, and a change it reports.
    for w in [&acme, &globex] {
        app.ok(
            &w.admin,
            "mutation($o: ID!) { createWebhook(input: { organisationId: $o, url: \"https://hooks.example/in\",
                eventKinds: [\"organisation.updated\"] }) { webhook { id } } }",
            json!({ "o": w.org_a }),
        )
        .await;
        app.ok(
            &w.admin,
            "mutation($o: ID!) { updateOrganisation(input: { id: $o, expectedVersion: 1, name: \"Renamed\" }) {
                organisation { id } } }",
            json!({ "o": w.org_a }),
        )
        .await;
    }
    let (acme_id, globex_id, demo_id) =
        (tenant_id(&app, "acme").await, tenant_id(&app, "globex").await, tenant_id(&app, "demo").await);
    let acme_before = eendracht::store::transfer::checksums(&app.db, acme_id).await.expect("checksums");
    assert_eq!(acme_before["webhooks"].rows, 1, "acme has a webhook to delete");
    let mut others_before = BTreeMap::new();
    for id in [globex_id, demo_id] {
        others_before.insert(id, eendracht::store::transfer::checksums(&app.db, id).await.expect("checksums"));
    }

    let (typo, _, err) = command(&app.owner_url, &["delete-tenant", "--slug", "acme", "--confirm", "acm"]);
    assert!(!typo && err.contains("nothing was deleted"), "{err}");
    assert_eq!(eendracht::store::transfer::checksums(&app.db, acme_id).await.expect("checksums"), acme_before);

    let (deleted, out, err) = command(&app.owner_url, &["delete-tenant", "--slug", "acme", "--confirm", "acme"]);
    assert!(deleted, "{out}\n{err}");
    assert!(out.starts_with(&format!("deleted tenant acme ({acme_id})")), "{out}");
    assert!(err.contains("tenant deleted"), "the deletion is logged: {err}");

    // Nothing of acme is left, in any table…
    for table in eendracht::store::transfer::table_names() {
        let left = app.count_where(table, "tenant_id", acme_id).await;
        assert_eq!(left, 0, "{table} still holds acme's rows");
    }
    assert_eq!(app.count_where("tenants", "id", acme_id).await, 0);
    // …and every other tenant is exactly as it was.
    for (id, before) in &others_before {
        assert_eq!(&eendracht::store::transfer::checksums(&app.db, *id).await.expect("checksums"), before);
    }

    // Through the API: acme's people are strangers now, globex works on.
    let gone =
        app.post(Some(&format!("Bearer {}", acme.admin)), json!({ "query": "{ organisations { totalCount } }" })).await;
    assert_eq!(gone.status(), 401, "a token of the deleted tenant authenticates no one");
    let still = app.ok(&globex.admin, "{ organisations { totalCount } }", json!({})).await;
    assert_eq!(still["organisations"]["totalCount"], 2);
    let facilitator = app.token("demo", demo.people[0].subject);
    let networks = app.ok(&facilitator, "{ networks { edges { node { id } } } }", json!({})).await;
    assert_eq!(networks["networks"]["edges"].as_array().map(Vec::len), Some(1));
});

postgres_only!(a_copy_killed_half_way_leaves_the_target_empty_and_a_second_copy_completes, |target| {
    let source = spawn_app(Backend::Sqlite, Keys::Hs256).await.expect("a SQLite app");
    let (seeded, out, err) = command(&source.owner_url, &["seed", "--tenant", "bench", "--commitments", "3000"]);
    assert!(seeded, "{out}\n{err}");

    // Killed once it reports that it is copying (on a fast machine it may be
    // done by then: either way the target holds all of it or none).
    let mut copy = eendracht(&source.owner_url)
        .args(["copy", "--to", &target.owner_url])
        .stderr(std::process::Stdio::piped())
        .stdout(std::process::Stdio::null())
        .spawn()
        .expect("start the copy");
    let stderr = copy.stderr.take().expect("stderr");
    let started = std::io::BufRead::lines(std::io::BufReader::new(stderr))
        .map_while(Result::ok)
        .any(|line| line.starts_with("tenant bench:"));
    assert!(started, "the copy reports its progress");
    copy.kill().expect("SIGKILL the copy");
    let status = copy.wait().expect("the copy is gone");
    eprintln!("the copy {}", if status.success() { "had finished" } else { "was killed half-way" });

    let tenants = eendracht::store::transfer::tenants(&target.db).await.expect("tenants");
    let seeded = eendracht::store::transfer::tenants(&source.db).await.expect("tenants");
    if status.success() {
        assert_eq!(tenants, seeded, "finished before the kill: all of it");
    } else {
        assert_eq!(tenants, vec![], "killed half-way: none of it");
        let bench = seeded[0].id;
        let sums = eendracht::store::transfer::checksums(&target.db, bench).await.expect("checksums");
        assert!(sums.values().all(|sum| sum.rows == 0), "no row of a half-done copy stays behind");
        let (again, out, err) = command(&source.owner_url, &["copy", "--to", &target.owner_url]);
        assert!(again && out.contains("checksums equal"), "a second copy completes:\n{out}\n{err}");
    }
    assert_eq!(
        eendracht::store::transfer::differences(&source.db, &target.db, &seeded).await.expect("compare"),
        vec![]
    );
});
