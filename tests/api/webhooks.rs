//! Webhooks against a local receiver, with the worker driven tick by tick on
//! the test clock.

use std::collections::{HashMap, VecDeque};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::http::HeaderMap;
use eendracht::webhooks::{WebhookWorker, WorkerSettings};
use serde_json::{Value, json};

use crate::both;
use crate::helpers::{NetWorld, TestApp, net_world};

/// What the receiver answers, in order; 200 once the script is used up.
#[derive(Clone, Copy)]
enum Answer {
    Status(u16),
    /// Never answers: the worker is "killed" while it waits.
    Hang,
}

#[derive(Clone, Debug)]
struct Received {
    headers: HashMap<String, String>,
    body: String,
}

struct Receiver {
    url: String,
    seen: Arc<Mutex<Vec<Received>>>,
}

impl Receiver {
    async fn start(script: &[Answer]) -> Self {
        let seen = Arc::new(Mutex::new(Vec::new()));
        let script = Arc::new(Mutex::new(script.iter().copied().collect::<VecDeque<_>>()));
        let (log, answers) = (seen.clone(), script.clone());
        let router = axum::Router::new().route(
            "/hook",
            axum::routing::post(move |headers: HeaderMap, body: String| {
                let (log, answers) = (log.clone(), answers.clone());
                async move {
                    let headers = headers
                        .iter()
                        .map(|(k, v)| (k.as_str().to_owned(), v.to_str().unwrap_or_default().to_owned()))
                        .collect();
                    log.lock().expect("lock").push(Received { headers, body });
                    let answer = answers.lock().expect("lock").pop_front().unwrap_or(Answer::Status(200));
                    match answer {
                        Answer::Status(code) => axum::http::StatusCode::from_u16(code).expect("status"),
                        Answer::Hang => {
                            tokio::time::sleep(Duration::from_secs(3600)).await;
                            axum::http::StatusCode::OK
                        }
                    }
                }
            }),
        );
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let url = format!("http://{}/hook", listener.local_addr().expect("address"));
        tokio::spawn(async move { axum::serve(listener, router).await });
        Self { url, seen }
    }

    fn seen(&self) -> Vec<Received> {
        self.seen.lock().expect("lock").clone()
    }

    async fn wait_for(&self, n: usize) {
        for _ in 0..200 {
            if self.seen().len() >= n {
                return;
            }
            tokio::time::sleep(Duration::from_millis(25)).await;
        }
        panic!("the receiver got {} requests, expected {n}", self.seen().len());
    }
}

/// The worker as production runs it, on the test's clock and without jitter,
/// so the retry times are exact.
/// The receivers run on loopback, so private targets are allowed here.
fn worker(app: &TestApp) -> WebhookWorker {
    let settings = WorkerSettings { allow_private_targets: true, ..WorkerSettings::default() };
    WebhookWorker::new(app.app_db.clone(), Arc::new(app.clock.clone()), settings)
        .expect("worker")
        .with_jitter(Arc::new(|| 0.0))
}

const CREATE_HOOK: &str = "mutation($o: ID!, $u: String!, $k: [String!]!) { createWebhook(input: { organisationId: $o, url: $u, eventKinds: $k }) { webhook { id } secret } }";

async fn hook_for(app: &TestApp, token: &str, organisation: &str, url: &str) -> (String, String) {
    let data = app.ok(token, CREATE_HOOK, json!({ "o": organisation, "u": url, "k": ["goal.created"] })).await;
    let created = &data["createWebhook"];
    (created["webhook"]["id"].as_str().expect("id").to_owned(), created["secret"].as_str().expect("secret").to_owned())
}

async fn create_goal(app: &TestApp, w: &NetWorld, title: &str) -> String {
    let data = app
        .ok(&w.facilitator.token, "mutation($n: ID!, $t: String!) { createGoal(input: { networkId: $n, title: $t, horizon: MID_TERM }) { goal { id } } }", json!({ "n": w.network, "t": title }))
        .await;
    data["createGoal"]["goal"]["id"].as_str().expect("goal id").to_owned()
}

async fn deliveries(app: &TestApp, token: &str, hook: &str) -> Value {
    app.ok(token, "query($h: ID!) { node(id: $h) { ... on Webhook { enabled disabledReason deliveries { edges { node { eventId kind status attemptCount nextAttemptAt lastStatusCode attempts { attemptedAt statusCode } } } } } } }", json!({ "h": hook }))
        .await["node"]
        .clone()
}

/// Checks a request with the Standard Webhooks reference implementation for
/// Python (`pip install standardwebhooks`), independent of the Rust crate
/// that signed it; a tampered body must fail. Without Python's package the
/// check is skipped outside CI and fails under CI.
fn verify_with_python(secret: &str, received: &Received) {
    let dir = tempfile::tempdir().expect("temp dir");
    let body = dir.path().join("body");
    let headers = dir.path().join("headers.json");
    std::fs::write(&body, &received.body).expect("write body");
    std::fs::write(&headers, serde_json::to_vec(&received.headers).expect("json")).expect("write headers");
    let script = r#"
import json, sys
try:
    from standardwebhooks.webhooks import Webhook
except ImportError:
    sys.exit(42)
secret, body, headers = sys.argv[1], open(sys.argv[2], 'rb').read(), json.load(open(sys.argv[3]))
Webhook(secret).verify(body, headers)
try:
    Webhook(secret).verify(body.replace(b'"data"', b'"dada"'), headers)
except Exception:
    print("verified")
    sys.exit(0)
sys.exit(3)
"#;
    let output = std::process::Command::new("python3")
        .arg("-c")
        .arg(script)
        .arg(secret)
        .arg(&body)
        .arg(&headers)
        .output()
        .expect("python3 runs");
    if output.status.code() == Some(42) && std::env::var("CI").is_err() {
        eprintln!("skipped the Python check: pip install standardwebhooks");
        return;
    }
    assert!(
        output.status.success() && String::from_utf8_lossy(&output.stdout).contains("verified"),
        "the Standard Webhooks check failed: {} {}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
}

both!(a_receiver_that_fails_twice_gets_exactly_three_signed_attempts_on_schedule, |app| {
    let w = net_world(&app, "acme").await;
    let receiver = Receiver::start(&[Answer::Status(500), Answer::Status(503)]).await;
    let (hook, secret) = hook_for(&app, &w.directors[0].token, &w.orgs[0], &receiver.url).await;
    let worker = worker(&app);
    let start = app.clock_now();
    create_goal(&app, &w, "Vertrouwelijke titel").await;

    let first = worker.tick().await.expect("tick");
    assert_eq!((first.fanned_out, first.attempted, first.delivered), (1, 1, 0));
    // Nothing is due until the first wait (5 s) is over.
    app.clock.advance(chrono::Duration::seconds(4));
    assert_eq!(worker.tick().await.expect("tick").attempted, 0);
    app.clock.advance(chrono::Duration::seconds(1));
    assert_eq!(worker.tick().await.expect("tick").attempted, 1);
    // Then 5 minutes.
    app.clock.advance(chrono::Duration::seconds(299));
    assert_eq!(worker.tick().await.expect("tick").attempted, 0);
    app.clock.advance(chrono::Duration::seconds(1));
    let third = worker.tick().await.expect("tick");
    assert_eq!((third.attempted, third.delivered), (1, 1));
    // Delivered: nothing more, ever.
    app.clock.advance(chrono::Duration::hours(30));
    assert_eq!(worker.tick().await.expect("tick").attempted, 0);

    let seen = receiver.seen();
    assert_eq!(seen.len(), 3);
    let ids: Vec<&str> = seen.iter().map(|r| r.headers["webhook-id"].as_str()).collect();
    assert!(ids.iter().all(|id| *id == ids[0] && id.starts_with("msg_")), "{ids:?}");
    for received in &seen {
        verify_with_python(&secret, received);
    }
    // Thin: kinds and ids, nothing a person wrote.
    let payload: Value = serde_json::from_str(&seen[0].body).expect("json");
    assert_eq!(payload["type"], "goal.created");
    assert_eq!(payload["data"]["networkId"], w.network);
    assert!(!seen[0].body.contains("Vertrouwelijke"), "{}", seen[0].body);

    let log = deliveries(&app, &w.directors[0].token, &hook).await;
    let delivery = &log["deliveries"]["edges"][0]["node"];
    assert_eq!(delivery["status"], "DELIVERED");
    assert_eq!(delivery["attemptCount"], 3);
    let codes: Vec<i64> = delivery["attempts"]
        .as_array()
        .expect("attempts")
        .iter()
        .map(|a| a["statusCode"].as_i64().expect("code"))
        .collect();
    assert_eq!(codes, vec![500, 503, 200]);
    let times: Vec<chrono::DateTime<chrono::Utc>> = delivery["attempts"]
        .as_array()
        .expect("attempts")
        .iter()
        .map(|a| a["attemptedAt"].as_str().expect("time").parse().expect("a time"))
        .collect();
    let offsets: Vec<i64> = times.iter().map(|t| (*t - start).num_seconds()).collect();
    assert_eq!(offsets, vec![0, 5, 305]);
});

both!(a_worker_killed_mid_delivery_leaves_it_to_be_sent_again_with_the_same_id, |app| {
    let w = net_world(&app, "acme").await;
    let receiver = Receiver::start(&[Answer::Hang]).await;
    let (hook, _) = hook_for(&app, &w.directors[0].token, &w.orgs[0], &receiver.url).await;
    create_goal(&app, &w, "Doel").await;

    // The worker sends, and dies before it can record the answer.
    let dying = worker(&app);
    let task = tokio::spawn(async move { dying.tick().await });
    receiver.wait_for(1).await;
    task.abort();
    let _ = task.await;

    // Another worker leaves it alone while the lease holds…
    let restarted = worker(&app);
    assert_eq!(restarted.tick().await.expect("tick").attempted, 0);
    // …and sends it again once the lease ran out.
    app.clock.advance(chrono::Duration::seconds(61));
    let report = restarted.tick().await.expect("tick");
    assert_eq!((report.attempted, report.delivered), (1, 1));
    let seen = receiver.seen();
    assert_eq!(seen.len(), 2);
    assert_eq!(seen[0].headers["webhook-id"], seen[1].headers["webhook-id"]);
    assert_eq!(seen[0].body, seen[1].body);
    let log = deliveries(&app, &w.directors[0].token, &hook).await;
    assert_eq!(log["deliveries"]["edges"][0]["node"]["status"], "DELIVERED");
});

both!(events_an_organisation_may_not_see_are_never_sent_to_it, |app| {
    let w = net_world(&app, "acme").await;
    let partner = Receiver::start(&[]).await;
    let outsider = Receiver::start(&[]).await;
    hook_for(&app, &w.directors[1].token, &w.orgs[1], &partner.url).await;
    // The outsider's organisation is in no network of this one.
    hook_for(&app, &w.outsider.token, &w.outsider_org, &outsider.url).await;
    create_goal(&app, &w, "Doel").await;
    let worker = worker(&app);
    worker.tick().await.expect("tick");
    worker.tick().await.expect("tick");
    assert_eq!(partner.seen().len(), 1);
    assert!(outsider.seen().is_empty());
    // Redelivering an event the outsider may not see is NOT_FOUND, as if it did not exist.
    let event = serde_json::from_str::<Value>(&partner.seen()[0].body).expect("json")["data"]["eventId"].clone();
    let hooks = app
        .ok(
            &w.outsider.token,
            "query($o: ID!) { node(id: $o) { ... on Organisation { webhooks { id } } } }",
            json!({ "o": w.outsider_org }),
        )
        .await;
    let outsider_hook = hooks["node"]["webhooks"][0]["id"].clone();
    let refused = app
        .gql(&w.outsider.token, "mutation($h: ID!, $e: ID!) { redeliverWebhookEvent(input: { webhookId: $h, eventId: $e }) { delivery { status } } }", json!({ "h": outsider_hook, "e": event }))
        .await;
    assert_eq!(refused.code(), "NOT_FOUND");
    // Staff of a partner do not see its webhooks.
    let staff_view = app
        .ok(
            &w.staff[1][0].token,
            "query($o: ID!) { node(id: $o) { ... on Organisation { webhooks { id } } } }",
            json!({ "o": w.orgs[1] }),
        )
        .await;
    assert_eq!(staff_view["node"]["webhooks"], json!([]));
});

both!(a_receiver_that_keeps_failing_is_disabled_with_a_reason_and_can_be_resumed, |app| {
    let w = net_world(&app, "acme").await;
    let receiver = Receiver::start(&[Answer::Status(500); 8]).await;
    let (hook, _) = hook_for(&app, &w.directors[0].token, &w.orgs[0], &receiver.url).await;
    create_goal(&app, &w, "Doel").await;
    let worker = worker(&app);
    worker.tick().await.expect("tick");
    for wait in eendracht::domain::integration::RETRY_DELAYS {
        app.clock.advance(chrono::Duration::from_std(wait).expect("duration"));
        assert_eq!(worker.tick().await.expect("tick").attempted, 1);
    }
    assert_eq!(receiver.seen().len(), 8);
    let log = deliveries(&app, &w.directors[0].token, &hook).await;
    assert_eq!(log["enabled"], false);
    assert!(log["disabledReason"].as_str().expect("reason").contains("HTTP 500"), "{log}");
    assert_eq!(log["deliveries"]["edges"][0]["node"]["status"], "FAILED");
    assert_eq!(log["deliveries"]["edges"][0]["node"]["attemptCount"], 8);

    // A disabled webhook gets nothing new (what happens meanwhile is not kept
    // for it)…
    create_goal(&app, &w, "Nog een doel").await;
    worker.tick().await.expect("tick");
    assert_eq!(receiver.seen().len(), 8);
    // …until it is enabled again; then a redelivery of the failed event goes out.
    let event = log["deliveries"]["edges"][0]["node"]["eventId"].clone();
    app.ok(&w.directors[0].token, "mutation($h: ID!) { updateWebhook(input: { webhookId: $h, enabled: true }) { webhook { enabled disabledReason } } }", json!({ "h": hook })).await;
    app.ok(&w.directors[0].token, "mutation($h: ID!, $e: ID!) { redeliverWebhookEvent(input: { webhookId: $h, eventId: $e }) { delivery { status } } }", json!({ "h": hook, "e": event })).await;
    let report = worker.tick().await.expect("tick");
    assert_eq!(report.delivered, 1);
    let received: Vec<String> = receiver.seen().iter().map(|r| r.headers["webhook-id"].clone()).collect();
    assert_eq!(received[8..], received[..1], "the failed event, by the same id");
});

both!(a_receiver_that_answers_410_gone_is_disabled_at_once, |app| {
    let w = net_world(&app, "acme").await;
    let receiver = Receiver::start(&[Answer::Status(410)]).await;
    let (hook, _) = hook_for(&app, &w.directors[0].token, &w.orgs[0], &receiver.url).await;
    create_goal(&app, &w, "Doel").await;
    worker(&app).tick().await.expect("tick");
    let log = deliveries(&app, &w.directors[0].token, &hook).await;
    assert_eq!(log["enabled"], false);
    assert_eq!(log["disabledReason"], "the receiver answered 410 Gone");
});

both!(webhook_input_is_checked_and_only_managers_make_them, |app| {
    let w = net_world(&app, "acme").await;
    let bad_url = app
        .gql(&w.directors[0].token, CREATE_HOOK, json!({ "o": w.orgs[0], "u": "ftp://x", "k": ["goal.created"] }))
        .await;
    assert_eq!(bad_url.code(), "BAD_USER_INPUT");
    let bad_kind = app
        .gql(
            &w.directors[0].token,
            CREATE_HOOK,
            json!({ "o": w.orgs[0], "u": "https://x.example/h", "k": ["goal.exploded"] }),
        )
        .await;
    assert_eq!(bad_kind.code(), "BAD_USER_INPUT");
    let staff = app
        .gql(
            &w.staff[0][0].token,
            CREATE_HOOK,
            json!({ "o": w.orgs[0], "u": "https://x.example/h", "k": ["goal.created"] }),
        )
        .await;
    assert_eq!(staff.code(), "FORBIDDEN");
    // A facilitator makes one for the network.
    let network_hook = app
        .ok(&w.facilitator.token, "mutation($n: ID!) { createWebhook(input: { networkId: $n, url: \"https://x.example/h\", eventKinds: [\"commitment.agreed\"] }) { webhook { network { id } } } }", json!({ "n": w.network }))
        .await;
    assert_eq!(network_hook["createWebhook"]["webhook"]["network"]["id"], w.network);
});

crate::both_with!(
    the_servers_own_worker_delivers_without_being_driven,
    |serve: &mut eendracht::config::ServeSettings| {
        serve.webhook_worker = true;
        serve.webhook_poll_interval = Duration::from_millis(50);
    },
    |app| {
        let w = net_world(&app, "acme").await;
        let receiver = Receiver::start(&[]).await;
        hook_for(&app, &w.directors[0].token, &w.orgs[0], &receiver.url).await;
        create_goal(&app, &w, "Doel").await;
        receiver.wait_for(1).await;
        let payload: Value = serde_json::from_str(&receiver.seen()[0].body).expect("json");
        assert_eq!(payload["type"], "goal.created");
    }
);

both!(a_worker_as_production_runs_it_sends_nothing_to_private_addresses, |app| {
    let w = net_world(&app, "acme").await;
    let receiver = Receiver::start(&[]).await;
    let (hook, _) = hook_for(&app, &w.directors[0].token, &w.orgs[0], &receiver.url).await;
    let localhost = receiver.url.replace("127.0.0.1", "localhost");
    let (by_name, _) = hook_for(&app, &w.directors[0].token, &w.orgs[0], &localhost).await;
    create_goal(&app, &w, "Doel").await;
    let production =
        WebhookWorker::new(app.app_db.clone(), Arc::new(app.clock.clone()), WorkerSettings::default()).expect("worker");
    let report = production.tick().await.expect("tick");
    assert_eq!((report.attempted, report.delivered), (2, 0));
    assert!(receiver.seen().is_empty());
    for (hook, says) in [(hook, "127.0.0.1 is not a public address"), (by_name, "resolves to no public address")] {
        let log = deliveries(&app, &w.directors[0].token, &hook).await;
        let delivery = &log["deliveries"]["edges"][0]["node"];
        assert_eq!(delivery["status"], "PENDING");
        assert!(delivery["attempts"][0]["statusCode"].is_null());
        let error = app
            .ok(
                &w.directors[0].token,
                "query($h: ID!) { node(id: $h) { ... on Webhook { deliveries { nodes { lastError } } } } }",
                json!({ "h": hook }),
            )
            .await;
        let error = error["node"]["deliveries"]["nodes"][0]["lastError"].as_str().expect("an error").to_owned();
        assert!(error.contains(says), "{error}");
    }
});
