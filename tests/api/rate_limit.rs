//! Rate limiting: points (the rows an operation asks for, settled to the rows
//! its answer holds) per minute per person and
//! per tenant; `RateLimit-*` headers on every answer, HTTP 429 with
//! `Retry-After` and THROTTLED over budget; counters shared through Redis.
//!
//! The server's clock stands still in these tests, so they all run in one window.

use eendracht::config::{RateLimits, ServeSettings};
use serde_json::{Value, json};

use crate::both_with;
use crate::helpers::{Backend, Keys, redis_url, spawn_app_with};

const VIEWER: &str = "{ viewer { person { id name } } }";

/// One answer: status, the rate-limit headers and the body.
#[derive(Debug)]
struct Answer {
    status: u16,
    limit: Option<u64>,
    remaining: Option<u64>,
    reset: Option<u64>,
    retry_after: Option<u64>,
    body: Value,
}

impl Answer {
    fn code(&self) -> Option<&str> {
        self.body["errors"][0]["extensions"]["code"].as_str()
    }
}

async fn ask(address: &str, token: &str, query: &str) -> Answer {
    let response = reqwest::Client::new()
        .post(format!("{address}/graphql"))
        .bearer_auth(token)
        .json(&json!({ "query": query }))
        .send()
        .await
        .expect("the server answers");
    let header = |name: &str| response.headers().get(name).and_then(|v| v.to_str().ok()).and_then(|v| v.parse().ok());
    let (limit, remaining, reset, retry_after) =
        (header("ratelimit-limit"), header("ratelimit-remaining"), header("ratelimit-reset"), header("retry-after"));
    let status = response.status().as_u16();
    let body = response.json().await.expect("a JSON body");
    Answer { status, limit, remaining, reset, retry_after, body }
}

/// Asks until the first 429 (at most 100 times): the answers before it, and it.
async fn burst(address: &str, token: &str) -> (Vec<Answer>, Answer) {
    let mut passed = Vec::new();
    for _ in 0..100 {
        let answer = ask(address, token, VIEWER).await;
        if answer.status == 429 {
            return (passed, answer);
        }
        passed.push(answer);
    }
    panic!("never throttled: last answer {:?}", passed.last());
}

fn assert_throttled(answer: &Answer) {
    assert_eq!(answer.status, 429, "{answer:?}");
    assert_eq!(answer.code(), Some("THROTTLED"), "{answer:?}");
    assert!(answer.body["errors"][0]["extensions"]["requestId"].is_string(), "{answer:?}");
    let retry_after = answer.retry_after.expect("Retry-After");
    assert!((1..=60).contains(&retry_after), "{answer:?}");
    assert_eq!(answer.remaining, Some(0), "{answer:?}");
    assert!(answer.limit.is_some() && answer.reset.is_some(), "{answer:?}");
}

fn person_budget(serve: &mut ServeSettings) {
    serve.rate_limits = RateLimits { tenant_points: 10_000, person_points: 50, auth_failures: 0 };
}

both_with!(a_person_over_budget_gets_429_while_others_are_unaffected, person_budget, |app| {
    let admin = app.bootstrap("acme", "acme-admin").await;
    app.create_person(&admin, "acme-bob", "Bob", None).await;
    let bob = app.token("acme", "acme-bob");
    let other = app.bootstrap("other", "other-admin").await;

    let (passed, refused) = burst(&app.address, &admin).await;
    assert!(passed.len() >= 3, "a few queries fit in 50 points: {passed:?}");
    let mut last = u64::MAX;
    for answer in &passed {
        assert_eq!(answer.status, 200);
        assert!(answer.body["data"]["viewer"]["person"]["id"].is_string(), "{answer:?}");
        assert_eq!(answer.limit, Some(50), "the person's budget is the tighter one");
        let remaining = answer.remaining.expect("RateLimit-Remaining");
        assert!(remaining < last, "RateLimit-Remaining decreases: {passed:?}");
        last = remaining;
        assert!(answer.reset.is_some_and(|reset| (1..=60).contains(&reset)), "{answer:?}");
        assert_eq!(answer.retry_after, None);
    }
    assert_throttled(&refused);

    // Refused again, now before any database work.
    let statements = app.app_db.statement_count();
    assert_throttled(&ask(&app.address, &admin, VIEWER).await);
    assert_eq!(app.app_db.statement_count(), statements, "a throttled request runs no SQL");

    // Another person of the tenant and another tenant still have their budgets.
    for token in [&bob, &other] {
        let answer = ask(&app.address, token, VIEWER).await;
        assert_eq!(answer.status, 200, "{answer:?}");
        assert!(answer.body["errors"].is_null(), "{answer:?}");
        assert!(answer.remaining.is_some_and(|remaining| remaining < 50), "{answer:?}");
    }
});

fn tenant_budget(serve: &mut ServeSettings) {
    serve.rate_limits = RateLimits { tenant_points: 60, person_points: 10_000, auth_failures: 0 };
}

both_with!(a_tenant_over_budget_gets_429_for_everyone_in_it_but_not_other_tenants, tenant_budget, |app| {
    let admin = app.bootstrap("acme", "acme-admin").await;
    app.create_person(&admin, "acme-bob", "Bob", None).await;
    let bob = app.token("acme", "acme-bob");
    let other = app.bootstrap("other", "other-admin").await;

    let (passed, refused) = burst(&app.address, &bob).await;
    assert!(passed.iter().all(|answer| answer.limit == Some(60)), "the tenant's budget is the tighter one: {passed:?}");
    assert_throttled(&refused);
    assert_throttled(&ask(&app.address, &admin, VIEWER).await);

    let answer = ask(&app.address, &other, VIEWER).await;
    assert_eq!(answer.status, 200, "{answer:?}");
    assert!(answer.body["errors"].is_null(), "{answer:?}");
});

fn default_budgets(serve: &mut ServeSettings) {
    serve.rate_limits = RateLimits::DEFAULT;
}

both_with!(points_are_rows_estimated_then_settled_to_what_the_answer_holds, default_budgets, |app| {
    let admin = app.bootstrap("acme", "acme-admin").await;
    app.create_organisation(&admin, "Woonstad", "HOUSING_CORPORATION").await;
    let before = ask(&app.address, &admin, VIEWER).await;
    assert_eq!(before.limit, Some(RateLimits::DEFAULT.person_points));
    let page = ask(&app.address, &admin, "{ organisations(first: 100) { nodes { id name } } }").await;
    let cost = &page.body["extensions"]["cost"];
    // Estimated: the connection and a hundred organisations. The answer holds
    // the connection and the one organisation there is: two points spent.
    assert_eq!(cost["requestedQueryCost"], 101, "{cost}");
    assert_eq!(cost["actualQueryCost"], 2, "{cost}");
    assert_eq!(before.remaining.expect("remaining") - page.remaining.expect("remaining"), 2, "{page:?}");
    assert_eq!(cost["throttleStatus"]["currentlyAvailable"], page.remaining.expect("remaining"), "{cost}");
    // A mutation costs ten points more than the objects it returns.
    let mutation = r#"mutation { createOrganisation(input: { name: "Gemeente Tiel", kind: MUNICIPALITY }) {
        organisation { id } } }"#;
    let created = ask(&app.address, &admin, mutation).await;
    assert!(created.body["errors"].is_null(), "{created:?}");
    assert_eq!(created.body["extensions"]["cost"]["actualQueryCost"], 12, "{created:?}");
});

/// The three screens of `examples/operations`, as a front end sends them.
const SCREENS: [(&str, &str); 3] = [
    ("Dashboard", include_str!("../../examples/operations/dashboard.graphql")),
    ("BoardInbox", include_str!("../../examples/operations/board-inbox.graphql")),
    ("CommitmentsPage", include_str!("../../examples/operations/commitments-page.graphql")),
];

/// Runs one of the [`SCREENS`] on the demo's network.
async fn screen(address: &str, token: &str, name: &str, network: &str) -> Answer {
    let (_, text) = SCREENS.iter().find(|(screen, _)| *screen == name).expect("a screen");
    let body = json!({ "query": text, "operationName": name, "variables": { "networkId": network } });
    let response =
        reqwest::Client::new().post(format!("{address}/graphql")).bearer_auth(token).json(&body).send().await;
    let response = response.expect("the server answers");
    let remaining = response.headers().get("ratelimit-remaining").and_then(|v| v.to_str().ok()?.parse().ok());
    let status = response.status().as_u16();
    let body = response.json().await.expect("a JSON body");
    Answer { status, limit: None, remaining, reset: None, retry_after: None, body }
}

both_with!(sixty_real_screens_a_minute_fit_a_persons_default_budget, default_budgets, |app| {
    use base64::Engine;
    let demo = eendracht::demo::load(&app.db, app.clock_now()).await.expect("the demo loads");
    let subject = |role: &str| demo.people.iter().find(|p| p.role == role).expect("a demo person").subject;
    let (facilitator, supervisor) =
        (app.token("demo", subject("facilitator")), app.token("demo", subject("supervisor")));
    let network = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(format!("Network:{}", demo.network_id));
    // Each screen asks for well under the per-operation limit.
    let limit = eendracht::graphql::QueryLimits::DEFAULT.complexity as u64;
    for (name, token) in [("Dashboard", &facilitator), ("BoardInbox", &supervisor), ("CommitmentsPage", &facilitator)] {
        let answer = screen(&app.address, token, name, &network).await;
        assert!(answer.status == 200 && answer.body["errors"].is_null(), "{name}: {answer:?}");
        let cost = &answer.body["extensions"]["cost"];
        let requested = cost["requestedQueryCost"].as_u64().expect("requested");
        assert!(requested <= limit / 4, "{name} asks for {requested} of {limit} points");
        eprintln!("{name}: requested {requested}, actual {}", cost["actualQueryCost"]);
    }
    // Sixty of the dearest (twenty commitments with their parties and
    // ratifications), one person, one minute (the clock stands still).
    for load in 1..=60 {
        let answer = screen(&app.address, &facilitator, "CommitmentsPage", &network).await;
        assert!(answer.status == 200 && answer.body["errors"].is_null(), "load {load}: {answer:?}");
    }
});

/// Two servers (separate processes in production) on one Redis spend from
/// one budget. Their own databases; the tenant's slug is unique per run, so
/// runs and tests that share the Redis do not share counters.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_servers_on_one_redis_share_the_budget() {
    let Some(redis) = redis_url() else {
        eprintln!("skipped: EENDRACHT_TEST_REDIS_URL is not set");
        return;
    };
    let client = redis::Client::open(redis.as_str()).expect("a Redis URL");
    let mut connection = client.get_multiplexed_async_connection().await.expect("Redis is reachable");
    let pong: String = redis::cmd("PING").query_async(&mut connection).await.expect("PING");
    assert_eq!(pong, "PONG");

    let configure = |serve: &mut ServeSettings| {
        serve.rate_limits = RateLimits { tenant_points: 10_000, person_points: 50, auth_failures: 0 };
        serve.redis_url = Some(redis.clone().into());
    };
    let first = spawn_app_with(Backend::Sqlite, Keys::Hs256, configure).await.expect("first app");
    let second = spawn_app_with(Backend::Sqlite, Keys::Hs256, configure).await.expect("second app");
    let tenant = format!("rl-{}-{}", std::process::id(), helpers_nanos());
    let token = first.bootstrap(&tenant, "admin").await;
    second.bootstrap(&tenant, "admin").await;

    // One server alone: how many queries fit in the budget.
    let alone = spawn_app_with(Backend::Sqlite, Keys::Hs256, |serve| {
        serve.rate_limits = RateLimits { tenant_points: 10_000, person_points: 50, auth_failures: 0 };
    })
    .await
    .expect("a server without Redis");
    alone.bootstrap(&tenant, "admin").await;
    let (fit, _) = burst(&alone.address, &token).await;
    assert!(fit.len() >= 3, "{fit:?}");

    // Alternating between the two servers, the same number fits in all.
    let mut answered = 0;
    let refused = loop {
        let server = if answered % 2 == 0 { &first } else { &second };
        let answer = ask(&server.address, &token, VIEWER).await;
        if answer.status == 429 {
            break answer;
        }
        assert_eq!(answer.status, 200, "{answer:?}");
        assert_eq!(answer.remaining, fit[answered].remaining, "both servers count from one budget");
        answered += 1;
        assert!(answered <= fit.len(), "more fit on two servers than on one: the budget is not shared");
    };
    assert_eq!(answered, fit.len(), "the shared budget ran out after as many queries as one server's");
    assert_throttled(&refused);
    // Both servers refuse now.
    assert_throttled(&ask(&first.address, &token, VIEWER).await);
    assert_throttled(&ask(&second.address, &token, VIEWER).await);
}

fn helpers_nanos() -> u128 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).expect("time after 1970").as_nanos()
}

/// A Redis that does not answer lets requests through (fail open).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unreachable_redis_lets_requests_through() {
    let app = spawn_app_with(Backend::Sqlite, Keys::Hs256, |serve| {
        serve.rate_limits = RateLimits { tenant_points: 10, person_points: 10, auth_failures: 0 };
        // Nothing listens on port 1.
        serve.redis_url = Some("redis://127.0.0.1:1".to_owned().into());
    })
    .await
    .expect("app");
    let admin = app.bootstrap("acme", "acme-admin").await;
    let started = std::time::Instant::now();
    for _ in 0..5 {
        let answer = ask(&app.address, &admin, VIEWER).await;
        assert_eq!(answer.status, 200, "{answer:?}");
        assert!(answer.body["errors"].is_null(), "{answer:?}");
        assert_eq!(answer.limit, None, "no decision without the counters");
    }
    // After a failure Redis is left alone for a while: an outage does not slow every request.
    assert!(started.elapsed() < std::time::Duration::from_secs(5), "{:?}", started.elapsed());
}
