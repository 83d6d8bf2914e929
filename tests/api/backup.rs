//! `eendracht backup`: a consistent copy of the embedded SQLite database,
//! taken from the real binary while a real server writes to it.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};

use serde_json::{Value, json};

use crate::shutdown::{bootstrap, eendracht, start};

const CREATE: &str = "mutation($n: String!) { createOrganisation(input: { name: $n, kind: HOUSING_CORPORATION }) {
    organisation { id } } }";

async fn create(client: &reqwest::Client, address: &str, token: &str, name: &str) -> bool {
    let Ok(response) = client
        .post(format!("http://{address}/graphql"))
        .bearer_auth(token)
        .json(&json!({ "query": CREATE, "variables": { "n": name } }))
        .send()
        .await
    else {
        return false;
    };
    let body: Value = response.json().await.unwrap_or(Value::Null);
    body["data"]["createOrganisation"]["organisation"]["id"].is_string()
}

async fn organisations(client: &reqwest::Client, address: &str, token: &str) -> u64 {
    let body: Value = client
        .post(format!("http://{address}/graphql"))
        .bearer_auth(token)
        .json(&json!({ "query": "{ organisations { totalCount } }" }))
        .send()
        .await
        .expect("the server answers")
        .json()
        .await
        .expect("a JSON body");
    body["data"]["organisations"]["totalCount"].as_u64().unwrap_or_else(|| panic!("a count: {body}"))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_backup_taken_while_the_server_writes_serves_every_write_acknowledged_before_it() {
    let dir = tempfile::tempdir().expect("temp dir");
    let database_url = format!("sqlite://{}?mode=rwc", dir.path().join("e.db").display());
    let token = bootstrap(&database_url);
    let (server, address, _logged) = start(eendracht(&database_url).args(["serve", "--listen", "127.0.0.1:0"]));
    // A connection per request: the servers come and go under the test.
    let client = reqwest::Client::builder().pool_max_idle_per_host(0).build().expect("a client");
    for i in 0..10 {
        assert!(create(&client, &address, &token, &format!("Before {i}")).await, "an acknowledged write");
    }
    let before = organisations(&client, &address, &token).await;

    // A writer keeps going while the backup runs.
    let (stop, written) = (Arc::new(AtomicBool::new(false)), Arc::new(AtomicU64::new(0)));
    let writer = {
        let (client, address, token, stop, written) =
            (client.clone(), address.clone(), token.clone(), stop.clone(), written.clone());
        tokio::spawn(async move {
            let mut i = 0;
            while !stop.load(Ordering::SeqCst) {
                if create(&client, &address, &token, &format!("During {i}")).await {
                    written.fetch_add(1, Ordering::SeqCst);
                }
                i += 1;
            }
        })
    };
    let copy = dir.path().join("copy.db");
    let backup = {
        let (database_url, copy) = (database_url.clone(), copy.clone());
        tokio::task::spawn_blocking(move || {
            eendracht(&database_url).args(["backup", "--to"]).arg(&copy).output().expect("run eendracht backup")
        })
        .await
        .expect("the backup ran")
    };
    stop.store(true, Ordering::SeqCst);
    writer.await.expect("the writer");
    assert!(backup.status.success(), "{}", String::from_utf8_lossy(&backup.stderr));
    assert!(String::from_utf8_lossy(&backup.stdout).contains("integrity ok"));
    let after = organisations(&client, &address, &token).await;
    drop(server);

    // The copy serves on its own, with every write acknowledged before the
    // backup began, and nothing that was never written.
    let copy_url = format!("sqlite://{}?mode=rwc", copy.display());
    let (_copy_server, copy_address, _copy_logged) =
        start(eendracht(&copy_url).args(["serve", "--listen", "127.0.0.1:0"]));
    let restored = organisations(&client, &copy_address, &token).await;
    eprintln!(
        "acknowledged before the backup: {before}; written during it: {}; in the copy: {restored}; at the end: {after}",
        written.load(Ordering::SeqCst)
    );
    assert!(restored >= before && restored <= after, "{before} ≤ {restored} ≤ {after}");
    let written_after: Value = client
        .post(format!("http://{copy_address}/graphql"))
        .bearer_auth(&token)
        .json(&json!({ "query": CREATE, "variables": { "n": "After the restore" } }))
        .send()
        .await
        .expect("the copy answers")
        .json()
        .await
        .expect("a JSON body");
    assert!(
        written_after["data"]["createOrganisation"]["organisation"]["id"].is_string(),
        "the copy takes writes: {written_after}"
    );

    // It never overwrites a file, and it leaves PostgreSQL to pg_dump.
    let again = eendracht(&database_url).args(["backup", "--to"]).arg(&copy).output().expect("run");
    assert!(!again.status.success());
    assert!(String::from_utf8_lossy(&again.stderr).contains("already exists"));
    let postgres = eendracht("postgres://nobody@127.0.0.1:1/none")
        .args(["backup", "--to"])
        .arg(dir.path().join("pg.db"))
        .output()
        .expect("run");
    assert!(!postgres.status.success());
    assert!(String::from_utf8_lossy(&postgres.stderr).contains("pg_dump"));
}

/// A tenant's reads that cover its people, organisations, network and history.
const TENANT_RECORD: &str = "{ organisations { totalCount nodes { id name kind } }
    people { totalCount nodes { id name email } }
    networks { edges { node { id name } } } }";
const NETWORK_RECORD: &str = "query($id: ID!) { network(id: $id) { partners(status: [INVITED, ACTIVE, LEFT]) {
        totalCount edges { node { id status } } }
    commitments(first: 50) { totalCount edges { node { id title status ratificationStatus } } }
    timeline(first: 50) { edges { node { id kind occurredAt payload } } } } }";

crate::postgres_only!(a_pg_dump_restored_into_a_fresh_database_serves_as_the_role_row_level_security_binds, |app| {
    use crate::helpers::{APP_ROLE, ok_at, split_url, with_user};
    use crate::shutdown::with_environment;

    let demo = eendracht::demo::load(&app.db, app.clock_now()).await.expect("the demo loads");
    let acme = crate::helpers::world(&app, "acme").await;
    let dir = tempfile::tempdir().expect("temp dir");
    let dump = dir.path().join("eendracht.dump");

    // As the README says: pg_dump as the owner, a fresh database, pg_restore as its owner.
    let dumped = std::process::Command::new("pg_dump")
        .args(["--format=custom", "--file"])
        .arg(&dump)
        .arg(&app.owner_url)
        .output()
        .expect("run pg_dump");
    assert!(dumped.status.success(), "{}", String::from_utf8_lossy(&dumped.stderr));
    let (base, name) = split_url(&app.owner_url);
    let restored_name = format!("{name}_restored");
    let admin = sea_orm::Database::connect(format!("{base}postgres")).await.expect("connect as admin");
    sea_orm::ConnectionTrait::execute_unprepared(&admin, &format!("CREATE DATABASE \"{restored_name}\""))
        .await
        .expect("a fresh database");
    let owner_url = format!("{base}{restored_name}");
    let restore = std::process::Command::new("pg_restore")
        .args(["--no-owner", "--exit-on-error", "--dbname"])
        .arg(&owner_url)
        .arg(&dump)
        .output()
        .expect("run pg_restore");
    assert!(restore.status.success(), "{}", String::from_utf8_lossy(&restore.stderr));

    // Served in production mode (which refuses a role that bypasses row-level
    // security) as the application's role, the owner migrating and granting.
    let mut command = std::process::Command::new(env!("CARGO_BIN_EXE_eendracht"));
    with_environment(&mut command, &with_user(&owner_url, APP_ROLE))
        .env("EENDRACHT_MIGRATION_DATABASE_URL", &owner_url)
        .args(["serve", "--listen", "127.0.0.1:0"]);
    let (server, address, _logged) = start(&mut command);
    let facilitator = app.token("demo", demo.people[0].subject);
    for token in [facilitator, acme.admin.clone(), acme.staff_a_token.clone()] {
        let restored = format!("http://{address}");
        let before = ok_at(&app.address, &token, TENANT_RECORD, json!({})).await;
        let after = ok_at(&restored, &token, TENANT_RECORD, json!({})).await;
        assert_eq!(before, after, "the restored database answers as the original");
        for network in before["networks"]["edges"].as_array().expect("networks") {
            let id = json!({ "id": network["node"]["id"] });
            let before = ok_at(&app.address, &token, NETWORK_RECORD, id.clone()).await;
            let after = ok_at(&restored, &token, NETWORK_RECORD, id).await;
            assert_eq!(before, after, "each network reads as before");
        }
    }

    // Row-level security came back with the dump: the application's role sees
    // no tenant's rows without the tenant's setting.
    let as_app = sea_orm::Database::connect(with_user(&owner_url, APP_ROLE)).await.expect("connect as the app");
    let visible = sea_orm::ConnectionTrait::query_one_raw(
        &as_app,
        sea_orm::Statement::from_string(sea_orm::DbBackend::Postgres, "SELECT COUNT(*) AS n FROM organisations"),
    )
    .await
    .expect("a count")
    .and_then(|row| row.try_get::<i64>("", "n").ok());
    assert_eq!(visible, Some(0), "forced row-level security binds the restored tables");
    let _ = as_app.close().await;
    drop(server);
    let _ = sea_orm::ConnectionTrait::execute_unprepared(
        &admin,
        &format!("DROP DATABASE IF EXISTS \"{restored_name}\" WITH (FORCE)"),
    )
    .await;
    let _ = admin.close().await;
});
