//! Crash safety of the embedded default: the real server on a SQLite file,
//! killed with SIGKILL at random moments while writers keep it busy, loses no
//! write it acknowledged and always starts again.
//!
//! Process death is what a test can cause. Power loss is the other half:
//! `synchronous = FULL` makes each commit reach the disk before it is
//! acknowledged (README, "Crash safety of the embedded default").

use std::collections::BTreeSet;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use rand::{Rng, SeedableRng};
use sea_orm::{ConnectionTrait, DbBackend, Statement};
use serde_json::{Value, json};

use crate::shutdown::{bootstrap, eendracht, start};

const CREATE: &str = "mutation($n: String!) { createOrganisation(input: { name: $n, kind: CARE_PROVIDER }) {
    organisation { id name } } }";

/// Rounds of start, write, kill.
const ROUNDS: usize = 6;
/// Writers at once, each sending its next write as soon as the last is answered.
const WRITERS: usize = 4;

/// Sends one write; the name when the server acknowledged it (HTTP 200 with
/// the new organisation), None when the request failed in any way.
async fn write(client: &reqwest::Client, address: &str, token: &str, name: &str) -> Option<String> {
    let response = client
        .post(format!("http://{address}/graphql"))
        .bearer_auth(token)
        .json(&json!({ "query": CREATE, "variables": { "n": name } }))
        .send()
        .await
        .ok()?;
    let body: Value = response.json().await.ok()?;
    (body["data"]["createOrganisation"]["organisation"]["name"] == name).then(|| name.to_owned())
}

/// Every organisation name, read through the API page by page.
async fn names(client: &reqwest::Client, address: &str, token: &str) -> BTreeSet<String> {
    let mut names = BTreeSet::new();
    let mut after = Value::Null;
    loop {
        let body: Value = client
            .post(format!("http://{address}/graphql"))
            .bearer_auth(token)
            .json(&json!({
                "query": "query($a: String) { organisations(first: 100, after: $a) {
                    pageInfo { hasNextPage endCursor } nodes { name } } }",
                "variables": { "a": after }
            }))
            .send()
            .await
            .expect("the restarted server answers")
            .json()
            .await
            .expect("a JSON body");
        let page = &body["data"]["organisations"];
        let nodes = page["nodes"].as_array().unwrap_or_else(|| panic!("a page: {body}"));
        names.extend(nodes.iter().filter_map(|n| n["name"].as_str().map(str::to_owned)));
        if page["pageInfo"]["hasNextPage"] != true {
            return names;
        }
        after = page["pageInfo"]["endCursor"].clone();
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn killing_the_embedded_server_mid_write_never_loses_an_acknowledged_write() {
    let dir = tempfile::tempdir().expect("temp dir");
    let database_url = format!("sqlite://{}?mode=rwc", dir.path().join("e.db").display());
    let token = bootstrap(&database_url);
    let client = reqwest::Client::builder()
        .pool_max_idle_per_host(0)
        .timeout(Duration::from_secs(30))
        .build()
        .expect("a client");
    // The moments vary from run to run; the seed is printed to replay one.
    let seed: u64 = rand::random();
    eprintln!("kill moments seeded with {seed}");
    let mut rng = rand::rngs::StdRng::seed_from_u64(seed);

    let acknowledged = Arc::new(Mutex::new(BTreeSet::new()));
    let mut attempted = 0usize;
    for round in 0..ROUNDS {
        let (mut server, address, _logged) = start(eendracht(&database_url).args(["serve", "--listen", "127.0.0.1:0"]));
        let mut writers = Vec::new();
        for writer in 0..WRITERS {
            let (client, address, token, acknowledged) =
                (client.clone(), address.clone(), token.clone(), acknowledged.clone());
            writers.push(tokio::spawn(async move {
                let mut sent = 0;
                loop {
                    let name = format!("Round {round} writer {writer} write {sent}");
                    sent += 1;
                    match write(&client, &address, &token, &name).await {
                        Some(name) => {
                            acknowledged.lock().expect("the set").insert(name);
                        }
                        // The server is gone: this writer's round is over.
                        None => return sent,
                    }
                }
            }));
        }
        // From almost at once (mid start-up writes) to well into the load.
        tokio::time::sleep(Duration::from_millis(rng.random_range(20..800))).await;
        server.0.kill().expect("SIGKILL the server");
        server.0.wait().expect("the server is gone");
        for writer in writers {
            attempted += writer.await.expect("a writer");
        }
    }

    // The database starts after the last kill and holds every acknowledged write.
    let (_server, address, _logged) = start(eendracht(&database_url).args(["serve", "--listen", "127.0.0.1:0"]));
    let found = names(&client, &address, &token).await;
    let acknowledged = acknowledged.lock().expect("the set").clone();
    let lost: Vec<&String> = acknowledged.difference(&found).collect();
    eprintln!(
        "{ROUNDS} kills: {attempted} writes sent, {} acknowledged, {} found, {} lost",
        acknowledged.len(),
        found.len(),
        lost.len()
    );
    assert!(acknowledged.len() > ROUNDS * 5, "the writers got real work done: {}", acknowledged.len());
    assert!(lost.is_empty(), "acknowledged writes lost: {lost:?}");
    assert!(found.len() <= attempted, "nothing appears that was never sent");

    // And it is whole: SQLite's own check of every page and index.
    let db = eendracht::store::Db::connect(&database_url).await.expect("open the database");
    let verdict = db
        .connection()
        .query_one_raw(Statement::from_string(DbBackend::Sqlite, "PRAGMA integrity_check"))
        .await
        .expect("the check runs")
        .and_then(|row| row.try_get::<String>("", "integrity_check").ok());
    db.close().await;
    assert_eq!(verdict.as_deref(), Some("ok"));
}
