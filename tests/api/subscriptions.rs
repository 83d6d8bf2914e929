//! Subscriptions: `networkEvents(networkId:)` over WebSocket with the
//! graphql-transport-ws protocol.
//!
//! Deliveries are tested with a real client, the `graphql-ws` package run by
//! Node (`tests/clients/subscribe.mjs`; `npm ci --prefix tests/clients`
//! installs it). Protocol errors are tested frame by frame with
//! tokio-tungstenite. A subscription is known to be listening when the
//! server's `eendracht_subscriptions_active` gauge says so, never after a
//! sleep. The cross-process delivery (LISTEN/NOTIFY) runs on PostgreSQL only.

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use futures_util::{SinkExt, StreamExt};
use serde_json::{Value, json};
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;

use crate::helpers::{AUDIENCE, ISSUER, NetWorld, SECRET, TestApp, net_world};
use crate::{both, both_with};

/// Generous bound for every wait: a stuck server fails the test, never hangs it.
const PATIENCE: Duration = Duration::from_secs(30);

const NETWORK_EVENTS: &str =
    "subscription($n: ID!) { networkEvents(networkId: $n) { id kind subjectId actor { id } payload } }";

fn ws_url(address: &str) -> String {
    format!("{}/graphql", address.replacen("http://", "ws://", 1))
}

// ---------------------------------------------------------------------------
// A real client: graphql-ws on Node.

/// A `graphql-ws` client subscribed to one operation; reads what it reports.
struct NodeClient {
    child: Child,
    lines: mpsc::Receiver<Value>,
}

impl NodeClient {
    fn subscribe(address: &str, token: Option<&str>, query: &str, variables: Value, count: usize) -> Self {
        // Installed on first use (`npm ci` from the lockfile); each test that
        // subscribes returns early, skipped, where Node.js is missing.
        let clients = crate::clients_install::graphql_ws()
            .expect("the test checks for the graphql-ws client before it subscribes");
        let options = json!({
            "url": ws_url(address), "token": token, "query": query, "variables": variables,
            "count": count, "timeoutMs": PATIENCE.as_millis() as u64,
        });
        let mut child = Command::new("node")
            .arg(clients.join("subscribe.mjs"))
            .arg(options.to_string())
            .current_dir(&clients)
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("run node (the graphql-ws client)");
        let stdout = child.stdout.take().expect("stdout");
        let (send, lines) = mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                if let Ok(value) = serde_json::from_str::<Value>(&line) {
                    let _ = send.send(value);
                }
            }
        });
        Self { child, lines }
    }

    /// The next thing the client reports.
    async fn next(&self) -> Value {
        let lines = &self.lines;
        let deadline = Instant::now() + PATIENCE;
        loop {
            match lines.try_recv() {
                Ok(line) => return line,
                Err(mpsc::TryRecvError::Disconnected) => panic!("the graphql-ws client exited without a word"),
                Err(mpsc::TryRecvError::Empty) if Instant::now() < deadline => {
                    tokio::time::sleep(Duration::from_millis(20)).await;
                }
                Err(mpsc::TryRecvError::Empty) => panic!("the graphql-ws client said nothing in {PATIENCE:?}"),
            }
        }
    }

    /// The next thing reported after the connection was acknowledged.
    async fn after_connected(&self) -> Value {
        let first = self.next().await;
        assert_eq!(first["event"], "connected", "{first}");
        self.next().await
    }
}

impl Drop for NodeClient {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Waits until the server at `address` has `count` subscriptions listening.
async fn listening(address: &str, count: i64) {
    let deadline = Instant::now() + PATIENCE;
    let client = reqwest::Client::new();
    loop {
        let text = client
            .get(format!("{address}/metrics"))
            .send()
            .await
            .expect("the server answers")
            .text()
            .await
            .expect("metrics");
        let active = text
            .lines()
            .find_map(|line| line.strip_prefix("eendracht_subscriptions_active "))
            .and_then(|value| value.trim().parse::<i64>().ok())
            .unwrap_or_default();
        if active >= count {
            return;
        }
        assert!(Instant::now() < deadline, "{count} subscription(s) never started listening on {address}");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

/// Renames a network (one `network.updated` event) and returns its new version.
async fn rename(app: &TestApp, token: &str, network: &str, name: &str) {
    let data = app.ok(token, "query($n: ID!) { network(id: $n) { version } }", json!({ "n": network })).await;
    let version = data["network"]["version"].as_i64().expect("version");
    app.ok(
        token,
        "mutation($n: ID!, $v: Int!, $name: String!) { updateNetwork(input: { id: $n, expectedVersion: $v, name: $name }) { network { id } } }",
        json!({ "n": network, "v": version, "name": name }),
    )
    .await;
}

both!(a_partner_hears_the_events_of_its_network_as_they_are_committed, |app| {
    let Some(_) = crate::clients_install::graphql_ws() else { return };
    let w: NetWorld = net_world(&app, "sub-hear").await;
    let director = &w.directors[0];
    let client =
        NodeClient::subscribe(&app.address, Some(&director.token), NETWORK_EVENTS, json!({ "n": w.network }), 1);
    listening(&app.address, 1).await;

    rename(&app, &w.facilitator.token, &w.network, "Regio Oost-Veluwe").await;

    let next = client.after_connected().await;
    assert_eq!(next["event"], "next", "{next}");
    let event = &next["payload"]["data"]["networkEvents"];
    assert_eq!(event["kind"], "network.updated", "{next}");
    assert_eq!(event["subjectId"], json!(w.network));
    // The same event, as the timeline shows it to the same person (its actor
    // read in the item's own transaction, by the same rules).
    let timeline = app
        .ok(
            &director.token,
            "query($n: ID!) { network(id: $n) { timeline(first: 1) { edges { node { id kind subjectId actor { id } payload } } } } }",
            json!({ "n": w.network }),
        )
        .await;
    assert_eq!(&timeline["network"]["timeline"]["edges"][0]["node"], event);
});

both!(a_subscriber_gets_nothing_from_a_network_it_cannot_see, |app| {
    let Some(_) = crate::clients_install::graphql_ws() else { return };
    let w: NetWorld = net_world(&app, "sub-hidden").await;
    // The outsider's organisation is in no network: the network behaves as
    // one that does not exist, with the same error.
    let hidden =
        NodeClient::subscribe(&app.address, Some(&w.outsider.token), NETWORK_EVENTS, json!({ "n": w.network }), 1);
    let refused = hidden.after_connected().await;
    assert_eq!(refused["event"], "error", "{refused}");
    assert_eq!(refused["payload"][0]["extensions"]["code"], "NOT_FOUND", "{refused}");
    let missing_id = {
        use base64::Engine;
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(format!("Network:{}", uuid::Uuid::now_v7()))
    };
    let missing =
        NodeClient::subscribe(&app.address, Some(&w.outsider.token), NETWORK_EVENTS, json!({ "n": missing_id }), 1);
    let absent = missing.after_connected().await;
    assert_eq!(absent["event"], "error", "{absent}");
    assert_eq!(absent["payload"][0]["extensions"]["code"], refused["payload"][0]["extensions"]["code"], "{absent}");
    assert_eq!(absent["payload"][0]["message"], refused["payload"][0]["message"]);

    // A partner of the network hears its events and nothing of another
    // network's: the other's event comes first and is not delivered.
    let other = app.create_network(&w.facilitator.token, "Regio West").await;
    let director = &w.directors[1];
    let client =
        NodeClient::subscribe(&app.address, Some(&director.token), NETWORK_EVENTS, json!({ "n": w.network }), 1);
    listening(&app.address, 1).await;
    rename(&app, &w.facilitator.token, &other, "Regio West-Brabant").await;
    rename(&app, &w.facilitator.token, &w.network, "Regio Oost-Veluwe").await;
    let next = client.after_connected().await;
    assert_eq!(next["payload"]["data"]["networkEvents"]["subjectId"], json!(w.network), "{next}");
});

both!(queries_and_mutations_are_refused_over_websocket, |app| {
    let Some(_) = crate::clients_install::graphql_ws() else { return };
    let w: NetWorld = net_world(&app, "sub-post").await;
    let client = NodeClient::subscribe(&app.address, Some(&w.admin), "{ viewer { id } }", json!({}), 1);
    let refused = client.after_connected().await;
    assert_eq!(refused["event"], "error", "{refused}");
    assert_eq!(refused["payload"][0]["extensions"]["code"], "BAD_USER_INPUT", "{refused}");
});

// ---------------------------------------------------------------------------
// Protocol errors, frame by frame.

pub(crate) type Socket = tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>;

pub(crate) async fn connect(address: &str) -> Socket {
    let mut request = ws_url(address).into_client_request().expect("a WebSocket request");
    request.headers_mut().insert("sec-websocket-protocol", "graphql-transport-ws".parse().expect("header"));
    let (socket, response) = tokio_tungstenite::connect_async(request).await.expect("the upgrade succeeds");
    assert_eq!(
        response.headers().get("sec-websocket-protocol").and_then(|v| v.to_str().ok()),
        Some("graphql-transport-ws")
    );
    socket
}

pub(crate) async fn send(socket: &mut Socket, message: Value) {
    socket.send(Message::Text(message.to_string().into())).await.expect("send");
}

/// The next text message, as JSON.
pub(crate) async fn receive(socket: &mut Socket) -> Value {
    loop {
        let message = tokio::time::timeout(PATIENCE, socket.next()).await.expect("in time");
        match message {
            Some(Ok(Message::Text(text))) => return serde_json::from_str(text.as_str()).expect("JSON"),
            Some(Ok(Message::Ping(_) | Message::Pong(_))) => continue,
            other => panic!("expected a message, got {other:?}"),
        }
    }
}

/// The close code the server ends the connection with.
pub(crate) async fn closed_with(socket: &mut Socket) -> u16 {
    loop {
        let message = tokio::time::timeout(PATIENCE, socket.next()).await.expect("closed in time");
        match message {
            Some(Ok(Message::Close(Some(frame)))) => return frame.code.into(),
            Some(Ok(Message::Close(None))) | None => panic!("closed without a code"),
            Some(Ok(_)) => continue,
            Some(Err(error)) => panic!("the connection failed instead of closing: {error}"),
        }
    }
}

pub(crate) async fn initialised(address: &str, token: &str) -> Socket {
    let mut socket = connect(address).await;
    send(&mut socket, json!({ "type": "connection_init", "payload": { "Authorization": format!("Bearer {token}") } }))
        .await;
    assert_eq!(receive(&mut socket).await, json!({ "type": "connection_ack" }));
    socket
}

both!(a_missing_or_invalid_token_closes_with_4401, |app| {
    let mut socket = connect(&app.address).await;
    send(&mut socket, json!({ "type": "connection_init" })).await;
    assert_eq!(closed_with(&mut socket).await, 4401, "no token");

    let mut socket = connect(&app.address).await;
    send(&mut socket, json!({ "type": "connection_init", "payload": { "Authorization": "Bearer not-a-jwt" } })).await;
    assert_eq!(closed_with(&mut socket).await, 4401, "not a token");

    let foreign = crate::helpers::sign_hs(
        "another-secret-that-is-long-enough-for-hs256-0123456789",
        json!({ "sub": "x", "tid": "x", "iss": ISSUER, "aud": AUDIENCE, "exp": crate::helpers::now_secs() + 60 }),
    );
    let mut socket = connect(&app.address).await;
    send(&mut socket, json!({ "type": "connection_init", "payload": { "token": foreign } })).await;
    assert_eq!(closed_with(&mut socket).await, 4401, "signed by someone else");

    // The real client sees the same.
    let Some(_) = crate::clients_install::graphql_ws() else { return };
    let client = NodeClient::subscribe(&app.address, None, NETWORK_EVENTS, json!({ "n": "x" }), 1);
    let closed = client.next().await;
    assert_eq!((closed["event"].as_str(), closed["code"].as_u64()), (Some("closed"), Some(4401)), "{closed}");
});

both!(a_valid_token_for_an_unknown_person_or_tenant_closes_with_4403, |app| {
    let admin = app.bootstrap("sub-forbidden", "sub-forbidden-admin").await;
    let mut socket = initialised(&app.address, &admin).await;
    send(&mut socket, json!({ "type": "ping" })).await;
    assert_eq!(receive(&mut socket).await, json!({ "type": "pong" }));

    let mut socket = connect(&app.address).await;
    let stranger = app.token("sub-forbidden", "nobody-here");
    send(
        &mut socket,
        json!({ "type": "connection_init", "payload": { "authorization": format!("Bearer {stranger}") } }),
    )
    .await;
    assert_eq!(closed_with(&mut socket).await, 4403, "unknown person");

    let mut socket = connect(&app.address).await;
    let nowhere = app.token("no-such-tenant", "sub-forbidden-admin");
    send(&mut socket, json!({ "type": "connection_init", "payload": { "token": nowhere } })).await;
    assert_eq!(closed_with(&mut socket).await, 4403, "unknown tenant");

    let Some(_) = crate::clients_install::graphql_ws() else { return };
    let client = NodeClient::subscribe(&app.address, Some(&stranger), NETWORK_EVENTS, json!({ "n": "x" }), 1);
    let closed = client.next().await;
    assert_eq!((closed["event"].as_str(), closed["code"].as_u64()), (Some("closed"), Some(4403)), "{closed}");
});

both_with!(
    no_connection_init_in_time_closes_with_4408,
    |serve: &mut eendracht::config::ServeSettings| serve.ws_init_timeout = Duration::from_millis(300),
    |app| {
        let started = Instant::now();
        let mut socket = connect(&app.address).await;
        assert_eq!(closed_with(&mut socket).await, 4408);
        assert!(started.elapsed() >= Duration::from_millis(300));
    }
);

both_with!(
    a_quiet_websocket_is_pinged_so_proxies_keep_it_open,
    |serve: &mut eendracht::config::ServeSettings| serve.ws_keepalive = Duration::from_millis(100),
    |app| {
        let w: NetWorld = net_world(&app, "sub-ping").await;
        let mut socket = initialised(&app.address, &w.facilitator.token).await;
        let mut pings = 0;
        while pings < 3 {
            match tokio::time::timeout(PATIENCE, socket.next()).await.expect("a ping in time") {
                Some(Ok(Message::Ping(_))) => pings += 1,
                other => panic!("expected a ping, got {other:?}"),
            }
        }
        // Still open and serving: a subscription starts normally.
        let subscribe = json!({ "type": "subscribe", "id": "one", "payload": { "query": NETWORK_EVENTS, "variables": { "n": w.network } } });
        send(&mut socket, subscribe).await;
        listening(&app.address, 1).await;
    }
);

both!(a_subscription_id_in_use_closes_with_4409, |app| {
    let w: NetWorld = net_world(&app, "sub-dup").await;
    let mut socket = initialised(&app.address, &w.facilitator.token).await;
    let subscribe = json!({ "type": "subscribe", "id": "one", "payload": { "query": NETWORK_EVENTS, "variables": { "n": w.network } } });
    send(&mut socket, subscribe.clone()).await;
    listening(&app.address, 1).await;
    send(&mut socket, subscribe).await;
    assert_eq!(closed_with(&mut socket).await, 4409);
});

both!(messages_outside_the_protocol_close_with_4400, |app| {
    let admin = app.bootstrap("sub-bad", "sub-bad-admin").await;
    let mut socket = connect(&app.address).await;
    socket.send(Message::Text("this is not JSON".into())).await.expect("send");
    assert_eq!(closed_with(&mut socket).await, 4400, "not JSON");

    let mut socket = initialised(&app.address, &admin).await;
    send(&mut socket, json!({ "type": "start", "id": "1", "payload": { "query": "subscription { x }" } })).await;
    assert_eq!(closed_with(&mut socket).await, 4400, "a message of the older protocol");

    let mut socket = initialised(&app.address, &admin).await;
    send(&mut socket, json!({ "type": "subscribe", "id": "1" })).await;
    assert_eq!(closed_with(&mut socket).await, 4400, "subscribe without a payload");
});

both!(subscribing_before_the_acknowledgement_closes_with_4401_and_a_second_init_with_4429, |app| {
    let admin = app.bootstrap("sub-order", "sub-order-admin").await;
    let mut socket = connect(&app.address).await;
    send(&mut socket, json!({ "type": "subscribe", "id": "1", "payload": { "query": NETWORK_EVENTS } })).await;
    assert_eq!(closed_with(&mut socket).await, 4401);

    let mut socket = initialised(&app.address, &admin).await;
    send(&mut socket, json!({ "type": "connection_init", "payload": { "token": admin } })).await;
    assert_eq!(closed_with(&mut socket).await, 4429);
});

both!(subscriptions_pass_the_limits_of_queries, |app| {
    let admin = app.bootstrap("sub-limits", "sub-limits-admin").await;
    let mut socket = initialised(&app.address, &admin).await;
    let aliases: String = (0..16).map(|i| format!(" a{i}: id")).collect();
    let query = format!("subscription($n: ID!) {{ networkEvents(networkId: $n) {{{aliases} }} }}");
    send(
        &mut socket,
        json!({ "type": "subscribe", "id": "wide", "payload": { "query": query, "variables": { "n": "x" } } }),
    )
    .await;
    let refused = receive(&mut socket).await;
    assert_eq!(refused["type"], "error", "{refused}");
    assert_eq!(refused["id"], "wide");
    assert_eq!(refused["payload"][0]["extensions"]["code"], "LIMIT_EXCEEDED", "{refused}");
    // The connection stays usable.
    send(&mut socket, json!({ "type": "ping" })).await;
    assert_eq!(receive(&mut socket).await, json!({ "type": "pong" }));
});

// ---------------------------------------------------------------------------
// Two processes on one PostgreSQL database.

/// An `eendracht serve` process; killed when dropped.
struct Server {
    child: Child,
    address: String,
}

impl Server {
    fn start(database_url: &str) -> Self {
        Self::start_with(database_url, &[])
    }

    fn start_with(database_url: &str, env: &[(&str, &str)]) -> Self {
        let mut child = Command::new(env!("CARGO_BIN_EXE_eendracht"))
            .arg("serve")
            .env_clear()
            .env("DATABASE_URL", database_url)
            .env("EENDRACHT_LISTEN", "127.0.0.1:0")
            .env("EENDRACHT_JWT_SECRET", SECRET)
            .env("EENDRACHT_JWT_ISSUER", ISSUER)
            .env("EENDRACHT_JWT_AUDIENCE", AUDIENCE)
            .env("RUST_LOG", "warn")
            .envs(env.iter().copied())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("start eendracht serve");
        let mut stdout = BufReader::new(child.stdout.take().expect("stdout")).lines();
        let address = stdout
            .by_ref()
            .map_while(Result::ok)
            .find_map(|line| {
                let url = line.strip_prefix("Eendracht GraphQL API: ")?;
                url.trim().strip_suffix("/graphql").map(str::to_owned)
            })
            .expect("the server says where it listens");
        // Keep reading, so the server never blocks on a full pipe.
        std::thread::spawn(move || stdout.for_each(drop));
        Self { child, address }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

crate::postgres_only!(a_mutation_through_one_process_reaches_a_subscriber_of_another, |app| {
    let Some(_) = crate::clients_install::graphql_ws() else { return };
    // The test's own server prepared the database (migrated by its owner,
    // the application's role granted); two more processes serve it.
    let admin = app.bootstrap("sub-two", "sub-two-admin").await;
    let (a, b) = (Server::start(&app.database_url), Server::start(&app.database_url));
    let http = reqwest::Client::new();
    let post = |server: &Server, body: Value| {
        http.post(format!("{}/graphql", server.address)).bearer_auth(&admin).json(&body).send()
    };
    let created: Value = post(
        &a,
        json!({ "query": "mutation { createNetwork(input: { name: \"Regio Noord\", purpose: \"Samen\" }) { network { id version } } }" }),
    )
    .await
    .expect("A answers")
    .json()
    .await
    .expect("JSON");
    let network = created["data"]["createNetwork"]["network"]["id"].as_str().expect("a network").to_owned();
    let version = created["data"]["createNetwork"]["network"]["version"].as_i64().expect("a version");

    let client = NodeClient::subscribe(&b.address, Some(&admin), NETWORK_EVENTS, json!({ "n": network }), 1);
    listening(&b.address, 1).await;
    let renamed: Value = post(
        &a,
        json!({
            "query": "mutation($n: ID!, $v: Int!) { updateNetwork(input: { id: $n, expectedVersion: $v, name: \"Regio Noord-Oost\" }) { network { id } } }",
            "variables": { "n": network, "v": version },
        }),
    )
    .await
    .expect("A answers")
    .json()
    .await
    .expect("JSON");
    assert!(renamed.get("errors").is_none(), "{renamed}");

    let next = client.after_connected().await;
    assert_eq!(next["event"], "next", "{next}");
    assert_eq!(next["payload"]["data"]["networkEvents"]["kind"], "network.updated", "{next}");
    assert_eq!(next["payload"]["data"]["networkEvents"]["subjectId"], json!(network));
});

// ---------------------------------------------------------------------------
// Shutdown.

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn on_sigterm_open_websockets_close_as_going_away_and_the_server_stops() {
    let dir = tempfile::tempdir().expect("temp dir");
    let database_url = format!("sqlite://{}?mode=rwc", dir.path().join("e.db").display());
    let bootstrapped = Command::new(env!("CARGO_BIN_EXE_eendracht"))
        .args(["bootstrap", "--tenant", "acme", "--tenant-name", "Acme", "--admin-subject", "admin"])
        .args(["--admin-name", "Admin"])
        .env_clear()
        .env("DATABASE_URL", &database_url)
        .env("EENDRACHT_JWT_SECRET", SECRET)
        .status()
        .expect("bootstrap");
    assert!(bootstrapped.success());
    let token = crate::helpers::sign_hs(
        SECRET,
        json!({ "sub": "admin", "tid": "acme", "iss": ISSUER, "aud": AUDIENCE, "exp": crate::helpers::now_secs() + 600 }),
    );
    let mut server = Server::start_with(&database_url, &[]);
    let mut socket = initialised(&server.address, &token).await;

    let started = Instant::now();
    let killed = Command::new("kill").args(["-TERM", &server.child.id().to_string()]).status().expect("kill");
    assert!(killed.success());
    assert_eq!(closed_with(&mut socket).await, 1001);
    let status = tokio::task::spawn_blocking(move || server.child.wait()).await.expect("joins").expect("exits");
    assert!(status.success(), "{status}");
    // Far below the 20 s drain a lingering socket would hold it for.
    assert!(started.elapsed() < Duration::from_secs(5), "stopped after {:?}", started.elapsed());
}

both_with!(
    subscriptions_spend_the_rate_limit_budget_as_queries_do,
    |serve: &mut eendracht::config::ServeSettings| {
        // Each subscribe below is estimated at 2 points (the event and its actor).
        serve.rate_limits = eendracht::config::RateLimits { tenant_points: 10_000, person_points: 10, auth_failures: 0 }
    },
    |app| {
        let admin = app.bootstrap("sub-rate", "sub-rate-admin").await;
        let mut socket = initialised(&app.address, &admin).await;
        let mut codes = Vec::new();
        for id in 0..10 {
            let subscribe = json!({ "type": "subscribe", "id": id.to_string(), "payload": { "query": NETWORK_EVENTS, "variables": { "n": "x" } } });
            send(&mut socket, subscribe).await;
            let refused = receive(&mut socket).await;
            assert_eq!(refused["type"], "error", "{refused}");
            codes.push(refused["payload"][0]["extensions"]["code"].as_str().unwrap_or_default().to_owned());
        }
        assert_eq!(codes.first().map(String::as_str), Some("BAD_USER_INPUT"), "{codes:?}");
        assert_eq!(codes.last().map(String::as_str), Some("THROTTLED"), "{codes:?}");
    }
);

// ---------------------------------------------------------------------------
// The bus itself: a notice only for a committed event.

both!(an_event_is_announced_only_once_its_transaction_commits, |app| {
    use eendracht::auth::{Principal, TenantRef};
    use eendracht::domain::events::EventKind;
    use eendracht::store::{Access, NewEvent, Store};

    let w: NetWorld = net_world(&app, "sub-commit").await;
    let network = {
        use base64::Engine;
        let text = base64::engine::general_purpose::URL_SAFE_NO_PAD.decode(&w.network).expect("a global id");
        let text = String::from_utf8(text).expect("text");
        uuid::Uuid::parse_str(text.strip_prefix("Network:").expect("a network id")).expect("a uuid")
    };
    let principal = Principal::person(TenantRef::Slug("sub-commit".into()), "sub-commit-fac");
    let mut notices = app.app_db.events();
    // A write as a request makes it: in a task of its own, which records the
    // event, reports its id, waits for the word and then commits or rolls back.
    let write = |commit: bool| {
        let (db, principal, clock) = (app.app_db.clone(), principal.clone(), app.clock.clone());
        let (recorded, written) = tokio::sync::oneshot::channel();
        let (finish, go) = tokio::sync::oneshot::channel::<()>();
        let task = tokio::spawn(async move {
            let store = Store::begin(&db, &principal, Access::Write, std::sync::Arc::new(clock), PATIENCE)
                .await
                .expect("a transaction");
            let id = store
                .record_event(NewEvent::network(EventKind::NetworkUpdated, network, network, json!({})))
                .await
                .expect("an event");
            let _ = recorded.send(id);
            let _ = go.await;
            if commit { store.commit().await.expect("commits") } else { store.rollback().await }
        });
        (written, finish, task)
    };
    let quiet = |notices: &mut tokio::sync::broadcast::Receiver<eendracht::store::bus::Notice>| {
        assert!(matches!(notices.try_recv(), Err(tokio::sync::broadcast::error::TryRecvError::Empty)));
    };

    let (written, finish, task) = write(false);
    let rolled_back = written.await.expect("recorded");
    quiet(&mut notices);
    let _ = finish.send(());
    task.await.expect("rolled back");

    let (written, finish, task) = write(true);
    let committed = written.await.expect("recorded");
    quiet(&mut notices);
    let _ = finish.send(());
    task.await.expect("committed");
    let notice = tokio::time::timeout(PATIENCE, notices.recv()).await.expect("in time").expect("a notice");
    assert_eq!(notice.event_id, committed, "the committed event, not the rolled-back {rolled_back}");
});
