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
