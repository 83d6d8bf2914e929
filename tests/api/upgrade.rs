//! Upgrades on real databases: a database written by the last release (its
//! own binary ran `demo` and `seed`; `scripts/upgrade-fixture.sh` built the
//! files in `tests/fixtures/upgrade/<version>/`) is migrated by this code and
//! must hold every row it held and read through the API exactly as that
//! release read it.
//!
//! The expected answers were recorded by this same test in record mode
//! (`EENDRACHT_UPGRADE_RECORD=<old binary>`), running the old binary on the
//! fixture, so the reading procedure is one piece of code for both sides.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::{Value, json};

use crate::helpers::{APP_ROLE, fixture, ok_at, pg_url, split_url, with_user};
use crate::shutdown::{Server, start, with_environment};

/// The release whose databases are upgraded: the last one (CHANGELOG.md).
const RELEASE: &str = "0.1.0";

/// Who reads: the demo's four showcase people and the seeded tenant's admin,
/// facilitator and director.
const VIEWERS: [(&str, &str); 7] = [
    ("demo", "femke.devries"),
    ("demo", "marco.degraaf"),
    ("demo", "hendrik.bos"),
    ("demo", "eva.koster"),
    ("bench", "seed-admin"),
    ("bench", "seed-facilitator"),
    ("bench", "seed-org0-director"),
];

const TENANT: &str = "{ organisations { totalCount nodes { id name kind } }
    people { totalCount nodes { id name email } }
    networks { edges { node { id name } } } }";

/// Stored facts only: nothing here depends on the moment of reading.
const NETWORK: &str = "query($id: ID!, $after: String) { network(id: $id) {
    charterVersions { id version adoptedAt }
    partners(status: [INVITED, ACTIVE, LEFT]) { totalCount edges { node { id status organisation { id } } } }
    commitments(first: 25, after: $after) { totalCount pageInfo { hasNextPage endCursor }
        edges { node { id title scope kind status dueOn proposedAt agreedAt deliveredAt version
            parties { organisation { id } } ratifications { id status outcome decidedOn } } } }
    alignmentRounds { edges { node { id status results { respondentCount alignmentIndex } } } }
    timeline(first: 50) { edges { node { id kind occurredAt subjectId payload } } }
} }";

/// Health as kept (built by the upgraded server before it serves) and as
/// recounted from history at a given moment; the wait in days moves with the
/// moment of reading, so it is left out.
const HEALTH: &str = "query($id: ID!, $asOf: DateTime) { network(id: $id) {
    kept: health { view signals { kind severity subjectIds }
        backing { openRatifications overdueCount } focus { openCommitments withoutGoalCount } }
    recounted: health(asOf: $asOf) { view signals { kind severity subjectIds }
        backing { openRatifications overdueCount } focus { openCommitments withoutGoalCount } }
} }";

/// Everything the viewers read, by `viewer / what`.
async fn read_all(binary: &Path, database_url: &str, owner_url: Option<&str>) -> BTreeMap<String, Value> {
    let mut command = Command::new(binary);
    with_environment(&mut command, database_url).args(["serve", "--listen", "127.0.0.1:0"]);
    if let Some(owner) = owner_url {
        command.env("EENDRACHT_MIGRATION_DATABASE_URL", owner);
    }
    let (server, address, _logged): (Server, String, _) = start(&mut command);
    let base = format!("http://{address}");
    let mut read = BTreeMap::new();
    for (tenant, subject) in VIEWERS {
        let token = token(binary, database_url, tenant, subject);
        let own = ok_at(&base, &token, TENANT, json!({})).await;
        for network in own["networks"]["edges"].as_array().expect("networks") {
            let id = network["node"]["id"].as_str().expect("an id").to_owned();
            let health =
                ok_at(&base, &token, HEALTH, json!({ "id": id, "asOf": chrono::Utc::now().to_rfc3339() })).await;
            assert_eq!(
                health["network"]["kept"], health["network"]["recounted"],
                "{tenant}/{subject}: the health facts built at the upgrade equal the recount of network {id}"
            );
            let mut after = Value::Null;
            for page in 0.. {
                let answer = ok_at(&base, &token, NETWORK, json!({ "id": id, "after": after })).await;
                let info = answer["network"]["commitments"]["pageInfo"].clone();
                read.insert(format!("{tenant}/{subject} network {id} page {page}"), answer);
                if info["hasNextPage"] != true {
                    break;
                }
                after = info["endCursor"].clone();
            }
        }
        read.insert(format!("{tenant}/{subject}"), own);
    }
    drop(server);
    read
}

/// A token as the given binary mints it (the tests' HS256 secret).
fn token(binary: &Path, database_url: &str, tenant: &str, subject: &str) -> String {
    let mut command = Command::new(binary);
    let output = with_environment(&mut command, database_url)
        .args(["token", "--tenant", tenant, "--subject", subject])
        .output()
        .expect("mint a token");
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    String::from_utf8_lossy(&output.stdout).trim().to_owned()
}

/// Rows per table, behind the API (as the owner).
async fn counts(url: &str) -> BTreeMap<String, i64> {
    use sea_orm::{ConnectionTrait, Database, Statement};
    let db = Database::connect(url).await.expect("open the database");
    let backend = db.get_database_backend();
    let names = crate::helpers::table_names(&db).await;
    let mut counts = BTreeMap::new();
    for name in names {
        let row = db
            .query_one_raw(Statement::from_string(backend, format!("SELECT COUNT(*) AS n FROM {name}")))
            .await
            .expect("a count")
            .expect("a row");
        counts.insert(name, row.try_get::<i64>("", "n").expect("a count"));
    }
    let _ = db.close().await;
    counts
}

/// The old binary in record mode, else this build's.
fn binary() -> (PathBuf, bool) {
    match std::env::var("EENDRACHT_UPGRADE_RECORD") {
        Ok(old) if !old.is_empty() => (PathBuf::from(old), true),
        _ => (PathBuf::from(env!("CARGO_BIN_EXE_eendracht")), false),
    }
}

/// Compares with (or, in record mode, writes) `<engine>-expected.json`.
fn check(engine: &str, before: &BTreeMap<String, i64>, after: &BTreeMap<String, i64>, read: BTreeMap<String, Value>) {
    let path = fixture(&format!("upgrade/{RELEASE}/{engine}-expected.json"));
    let (_, recording) = binary();
    if recording {
        let expected = json!({ "counts": before, "read": read });
        std::fs::write(&path, serde_json::to_string_pretty(&expected).expect("JSON") + "\n").expect("write");
        return;
    }
    let expected: Value =
        serde_json::from_str(&std::fs::read_to_string(&path).expect("the expected answers")).expect("JSON");
    assert_eq!(json!(before), expected["counts"], "the fixture is the one the answers were recorded from");
    for (table, n) in before {
        assert_eq!(after.get(table), Some(n), "{table}: rows lost or added by the migrations");
    }
    // The server built health's kept facts before serving: every commitment counted.
    assert!(after["commitments"] > 0, "the fixture has commitments");
    assert_eq!(after.get("health_contributions"), after.get("commitments"), "health counted every commitment");
    let expected_read: BTreeMap<String, Value> = serde_json::from_value(expected["read"].clone()).expect("reads");
    assert_eq!(read.keys().collect::<Vec<_>>(), expected_read.keys().collect::<Vec<_>>(), "the same reads");
    for (what, answer) in &read {
        let mut differences = Vec::new();
        differ("", &expected_read[what], answer, &mut differences);
        assert!(differences.is_empty(), "{what} reads differently after the upgrade:\n{}", differences.join("\n"));
    }
    assert!(read.len() > 10, "the fixture has a record to read: {}", read.len());
}

/// Lists a later release shows more of on purpose; nothing may go missing
/// from them. CHANGELOG.md: "A partner's people see who facilitates their
/// network", so a director's `people` holds the network's facilitators too.
const MAY_GROW: [&str; 2] = [".people.nodes", ".people.totalCount"];

/// The paths at which two answers differ, with both values (at most 20).
///
/// The same value may be written differently by a later release, as
/// CHANGELOG.md records: a `DateTime` with milliseconds and `Z` (0.1.0 wrote
/// `+00:00` and every digit), a float rounded to its described scale (0.1.0
/// wrote every digit), an event's id and the ids in its payload as global
/// ids (0.1.0 wrote bare UUIDs). Those compare by what they say, not by their text.
fn differ(path: &str, was: &Value, is: &Value, found: &mut Vec<String>) {
    if found.len() >= 20 || was == is {
        return;
    }
    if let (Value::String(a), Value::String(b)) = (was, is)
        && let (Ok(a), Ok(b)) = (chrono::DateTime::parse_from_rfc3339(a), chrono::DateTime::parse_from_rfc3339(b))
        && a.timestamp_millis() == b.timestamp_millis()
    {
        return;
    }
    if let (Value::String(a), Value::String(b)) = (was, is)
        && let Ok(global) = base64::Engine::decode(&base64::engine::general_purpose::URL_SAFE_NO_PAD, b)
        && String::from_utf8_lossy(&global).split_once(':').map(|(_, id)| id) == Some(a.as_str())
    {
        return;
    }
    if let (Some(a), Some(b)) = (was.as_f64(), is.as_f64())
        && (a - b).abs() <= 0.005
    {
        return;
    }
    match (was, is) {
        (Value::Object(a), Value::Object(b)) => {
            for key in a.keys().chain(b.keys().filter(|k| !a.contains_key(*k))) {
                let (x, y) = (a.get(key).unwrap_or(&Value::Null), b.get(key).unwrap_or(&Value::Null));
                differ(&format!("{path}.{key}"), x, y, found);
            }
        }
        (Value::Array(a), Value::Array(b)) if a.len() == b.len() => {
            for (i, (x, y)) in a.iter().zip(b).enumerate() {
                differ(&format!("{path}[{i}]"), x, y, found);
            }
        }
        (Value::Array(a), Value::Array(b)) => {
            let gone: Vec<&Value> = a.iter().filter(|x| !b.contains(x)).collect();
            let new: Vec<&Value> = b.iter().filter(|x| !a.contains(x)).collect();
            if gone.is_empty() && MAY_GROW.contains(&path) {
                return;
            }
            found.push(format!("{path}: {} items, now {}; gone {gone:?}; new {new:?}", a.len(), b.len()));
        }
        (Value::Number(a), Value::Number(b)) if MAY_GROW.contains(&path) && a.as_u64() <= b.as_u64() => {}
        _ => found.push(format!("{path}: was {was}, is {is}")),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_sqlite_database_of_the_last_release_upgrades_without_losing_or_changing_a_row() {
    let dir = tempfile::tempdir().expect("temp dir");
    let file = dir.path().join("eendracht.db");
    std::fs::copy(fixture(&format!("upgrade/{RELEASE}/eendracht.db")), &file).expect("copy the fixture");
    let url = format!("sqlite://{}?mode=rw", file.display());
    let before = counts(&url).await;
    let (binary, _) = binary();
    let read = read_all(&binary, &url, None).await;
    let after = counts(&url).await;
    check("sqlite", &before, &after, read);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_postgres_dump_of_the_last_release_upgrades_without_losing_or_changing_a_row() {
    let Some(url) = pg_url() else {
        assert!(std::env::var("CI").is_err(), "CI runs every PostgreSQL test");
        return;
    };
    let (base, name) = split_url(&url);
    let database = format!("{name}_upgrade_{}", std::process::id());
    let admin = sea_orm::Database::connect(format!("{base}postgres")).await.expect("connect as admin");
    let role = format!(
        "DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '{APP_ROLE}') THEN \
         CREATE ROLE {APP_ROLE} LOGIN NOSUPERUSER NOBYPASSRLS; END IF; END $$"
    );
    sea_orm::ConnectionTrait::execute_unprepared(&admin, &role).await.expect("the application's role");
    let create = format!("CREATE DATABASE \"{database}\"");
    sea_orm::ConnectionTrait::execute_unprepared(&admin, &create).await.expect("a fresh database");
    let owner = format!("{base}{database}");
    let restore = Command::new("pg_restore")
        .args(["--no-owner", "--no-privileges", "--exit-on-error", "--dbname"])
        .arg(&owner)
        .arg(fixture(&format!("upgrade/{RELEASE}/eendracht.pgdump")))
        .output()
        .expect("run pg_restore");
    assert!(restore.status.success(), "{}", String::from_utf8_lossy(&restore.stderr));
    let before = counts(&owner).await;
    let (binary, _) = binary();
    let read = read_all(&binary, &with_user(&owner, APP_ROLE), Some(&owner)).await;
    let after = counts(&owner).await;
    check("postgres", &before, &after, read);
    let drop = format!("DROP DATABASE IF EXISTS \"{database}\" WITH (FORCE)");
    let _ = sea_orm::ConnectionTrait::execute_unprepared(&admin, &drop).await;
    let _ = admin.close().await;
}
