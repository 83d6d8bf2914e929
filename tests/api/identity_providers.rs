//! Partner identity providers under pressure: one issuer with one audience
//! per deployment, key fetches that a stream of requests cannot multiply, and
//! key URLs that may not reach the deployment's own network in production.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chrono::Utc;
use clap::Parser;
use eendracht::clock::SystemClock;
use eendracht::config::Settings;
use eendracht::startup::Application;
use jsonwebtoken::{Algorithm, EncodingKey, Header};
use migration::MigratorTrait;
use p256::ecdsa::SigningKey;
use p256::pkcs8::{EncodePrivateKey, LineEnding};
use sea_orm::{ActiveModelTrait, ConnectionTrait, Database, DatabaseConnection, DbBackend, TransactionTrait};
use serde_json::{Value, json};
use uuid::Uuid;

use crate::helpers::{AUDIENCE, Backend, ISSUER, SECRET, TestApp, now_secs, serve_settings, sign_hs, with_user};
use crate::{both, both_with};

const ADD_PROVIDER: &str = "mutation($i: AddIdentityProviderInput!) { addIdentityProvider(input: $i) {
    identityProvider { id issuer audience } } }";

/// A partner identity provider made in the test: an ES256 key pair and the
/// JWKS document of its public half.
struct Partner {
    issuer: String,
    audience: String,
    keys: Vec<(String, EncodingKey, Value)>,
}

impl Partner {
    fn new(issuer: &str, audience: &str) -> Self {
        let mut partner = Self { issuer: issuer.to_owned(), audience: audience.to_owned(), keys: Vec::new() };
        partner.rotate();
        partner
    }

    /// A new key, named by a new `kid`; the old ones stay published.
    fn rotate(&mut self) {
        let kid = format!("key-{}", self.keys.len() + 1);
        let signing = SigningKey::from_slice(&rand::random::<[u8; 32]>()).expect("a P-256 key");
        let pem = signing.to_pkcs8_pem(LineEnding::LF).expect("pem");
        let point = signing.verifying_key().to_encoded_point(false);
        let jwk = json!({
            "kty": "EC", "crv": "P-256", "alg": "ES256", "use": "sig", "kid": kid,
            "x": URL_SAFE_NO_PAD.encode(point.x().expect("x")),
            "y": URL_SAFE_NO_PAD.encode(point.y().expect("y")),
        });
        self.keys.push((kid, EncodingKey::from_ec_pem(pem.as_bytes()).expect("key"), jwk));
    }

    fn jwks(&self) -> Value {
        json!({ "keys": self.keys.iter().map(|(_, _, jwk)| jwk.clone()).collect::<Vec<_>>() })
    }

    /// A token for `sub`, signed with the newest key.
    fn token(&self, sub: &str) -> String {
        self.token_with(sub, json!(self.audience))
    }

    fn token_with(&self, sub: &str, aud: Value) -> String {
        let (kid, key, _) = self.keys.last().expect("a key");
        let mut header = Header::new(Algorithm::ES256);
        header.kid = Some(kid.clone());
        let claims = json!({ "iss": self.issuer, "aud": aud, "sub": sub, "exp": now_secs() + 600, "iat": now_secs() });
        jsonwebtoken::encode(&header, &claims, key).expect("sign")
    }

    fn input(&self, name: &str, keys: Value) -> Value {
        let mut input = json!({ "name": name, "issuer": self.issuer, "audience": self.audience, "matchBy": "SUB" });
        input.as_object_mut().expect("object").extend(keys.as_object().expect("keys").clone());
        json!({ "i": input })
    }
}

/// A key server on loopback that counts its requests, answers each after
/// `delay`, with the document or (when `failing`) with a 500.
struct KeyServer {
    url: String,
    fetches: Arc<AtomicUsize>,
    document: Arc<std::sync::Mutex<Value>>,
}

impl KeyServer {
    async fn start(document: Value, delay: Duration, failing: bool) -> Self {
        let fetches = Arc::new(AtomicUsize::new(0));
        let document = Arc::new(std::sync::Mutex::new(document));
        let (counted, served) = (fetches.clone(), document.clone());
        let router = axum::Router::new().route(
            "/jwks.json",
            axum::routing::get(move || {
                let (counted, served) = (counted.clone(), served.clone());
                async move {
                    counted.fetch_add(1, Ordering::SeqCst);
                    tokio::time::sleep(delay).await;
                    if failing {
                        return Err(axum::http::StatusCode::INTERNAL_SERVER_ERROR);
                    }
                    Ok(axum::Json(served.lock().expect("lock").clone()))
                }
            }),
        );
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let url = format!("http://{}/jwks.json", listener.local_addr().expect("address"));
        tokio::spawn(async move { axum::serve(listener, router).await });
        Self { url, fetches, document }
    }

    fn fetches(&self) -> usize {
        self.fetches.load(Ordering::SeqCst)
    }
}

/// Who a token signs in as at `address`: (HTTP status, tenant slug, person name).
async fn whoami_at(client: &reqwest::Client, address: &str, token: &str) -> (u16, Value, Value) {
    let response = client
        .post(format!("{address}/graphql"))
        .bearer_auth(token)
        .json(&json!({ "query": "{ viewer { person { name } tenant { slug } } }" }))
        .send()
        .await
        .expect("the server answers");
    let status = response.status().as_u16();
    let body: Value = response.json().await.unwrap_or(Value::Null);
    (status, body["data"]["viewer"]["tenant"]["slug"].clone(), body["data"]["viewer"]["person"]["name"].clone())
}

async fn whoami(app: &TestApp, token: &str) -> (u16, Value, Value) {
    whoami_at(&app.client, &app.address, token).await
}

/// `serve`'s shared settings as the command line gives them.
#[derive(Parser)]
struct Cli {
    #[command(flatten)]
    settings: Settings,
}

fn settings(database_url: &str, owner_url: Option<&str>, environment: &str) -> Settings {
    let mut args = vec![
        "eendracht",
        "--database-url",
        database_url,
        "--env",
        environment,
        "--jwt-secret",
        SECRET,
        "--jwt-issuer",
        ISSUER,
        "--jwt-audience",
        AUDIENCE,
    ];
    if let Some(owner) = owner_url {
        args.extend(["--migration-database-url", owner]);
    }
    Cli::try_parse_from(args).expect("settings").settings
}

/// The user of `EENDRACHT_TEST_POSTGRES_URL`, who owns the test databases.
fn postgres_owner() -> Option<String> {
    let url = std::env::var("EENDRACHT_TEST_POSTGRES_URL").ok().filter(|u| !u.is_empty())?;
    let rest = &url[url.find("://")? + 3..];
    let at = rest.find('@')?;
    Some(rest[..at].to_owned())
}

/// Another process of the application on the test's database, as after a
/// restart: (address, sender that stops it).
async fn restarted(app: &TestApp) -> (String, tokio::sync::oneshot::Sender<()>) {
    let owner = match app.backend {
        Backend::Sqlite => None,
        Backend::Postgres => Some(with_user(&app.database_url, &postgres_owner().expect("the PostgreSQL owner"))),
    };
    let settings = settings(&app.database_url, owner.as_deref(), "development");
    let second = Application::build(&settings, &serve_settings(), Arc::new(SystemClock)).await.expect("restart");
    let address = format!("http://{}", second.local_addr());
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    tokio::spawn(second.run_until_stopped(async {
        let _ = stopped.await;
    }));
    (address, stop)
}

both!(an_issuer_with_its_audience_belongs_to_one_tenant_of_the_deployment, |app| {
    let a = app.bootstrap("tenant-a", "a-admin").await;
    let b = app.bootstrap("tenant-b", "b-admin").await;
    app.create_person(&a, "anna", "Anna van A", None).await;
    app.create_person(&b, "bea", "Bea van B", None).await;
    // One Entra ID directory, A's application registration in it.
    let directory = "https://login.microsoftonline.com/5e1f0c2a/v2.0";
    let for_a = Partner::new(directory, "api://eendracht-a");
    app.ok(&a, ADD_PROVIDER, for_a.input("A's Entra ID", json!({ "jwks": for_a.jwks() }))).await;
    let anna = for_a.token("anna");
    assert_eq!(whoami(&app, &anna).await, (200, json!("tenant-a"), json!("Anna van A")));

    // B names the same issuer and audience: refused, and in the same words
    // as A registering its own pair again, so B learns nothing about A.
    let refused = app.gql(&b, ADD_PROVIDER, for_a.input("B's copy", json!({ "jwks": for_a.jwks() }))).await;
    let again = app.gql(&a, ADD_PROVIDER, for_a.input("A again", json!({ "jwks": for_a.jwks() }))).await;
    assert_eq!(refused.code(), "CONFLICT");
    assert_eq!((again.code(), again.message()), (refused.code(), refused.message()));
    assert!(!refused.message().contains("tenant-a"), "{}", refused.message());
    assert_eq!(app.count("identity_providers").await, 1);

    // B's own application registration in the same directory: its own audience.
    let for_b = Partner::new(directory, "api://eendracht-b");
    app.ok(&b, ADD_PROVIDER, for_b.input("B's Entra ID", json!({ "jwks": for_b.jwks() }))).await;
    // B's token is not yet in the registry: it reloads, finds B's provider,
    // and A's still works after the reload.
    let bea = for_b.token("bea");
    assert_eq!(whoami(&app, &bea).await, (200, json!("tenant-b"), json!("Bea van B")));
    assert_eq!(whoami(&app, &anna).await, (200, json!("tenant-a"), json!("Anna van A")));
    // A token for both applications names two tenants: refused.
    let both = for_a.token_with("anna", json!(["api://eendracht-a", "api://eendracht-b"]));
    assert_eq!(whoami(&app, &both).await.0, 401);

    // After a restart on the same database, both still sign in.
    let (address, _stop) = restarted(&app).await;
    assert_eq!(whoami_at(&app.client, &address, &anna).await, (200, json!("tenant-a"), json!("Anna van A")));
    assert_eq!(whoami_at(&app.client, &address, &bea).await, (200, json!("tenant-b"), json!("Bea van B")));
});

both!(concurrent_requests_wait_for_one_fetch_of_a_slow_key_set, |app| {
    let admin = app.bootstrap("acme", "acme-admin").await;
    app.create_person(&admin, "p-1", "Petra Partner", None).await;
    let mut partner = Partner::new("https://idp.slow.example", "api://eendracht");
    let server = KeyServer::start(partner.jwks(), Duration::from_millis(700), false).await;
    app.ok(&admin, ADD_PROVIDER, partner.input("Slow", json!({ "jwksUrl": server.url }))).await;

    // Eight requests arrive before any keys are cached.
    let token = partner.token("p-1");
    let answers = futures_util::future::join_all((0..8).map(|_| whoami(&app, &token))).await;
    assert!(answers.iter().all(|(status, ..)| *status == 200), "{answers:?}");
    assert_eq!(server.fetches(), 1, "one fetch served all eight");

    // A rotation: eight requests with the new kid share one fetch too.
    partner.rotate();
    *server.document.lock().expect("lock") = partner.jwks();
    let rotated = partner.token("p-1");
    let answers = futures_util::future::join_all((0..8).map(|_| whoami(&app, &rotated))).await;
    assert!(answers.iter().all(|(status, ..)| *status == 200), "{answers:?}");
    assert_eq!(server.fetches(), 2, "one fetch for the new kid");
});

both!(a_key_url_that_fails_is_fetched_once_however_many_requests_name_it, |app| {
    let admin = app.bootstrap("acme", "acme-admin").await;
    let partner = Partner::new("https://idp.down.example", "api://eendracht");
    let server = KeyServer::start(partner.jwks(), Duration::from_millis(50), true).await;
    app.ok(&admin, ADD_PROVIDER, partner.input("Down", json!({ "jwksUrl": server.url }))).await;

    let token = partner.token("acme-admin");
    let answers = futures_util::future::join_all((0..10).map(|_| whoami(&app, &token))).await;
    assert!(answers.iter().all(|(status, ..)| *status == 401), "{answers:?}");
    for _ in 0..20 {
        assert_eq!(whoami(&app, &token).await.0, 401);
    }
    // Unknown kids do not get around it either.
    let mut rotated = Partner::new(&partner.issuer, &partner.audience);
    rotated.rotate();
    assert_eq!(whoami(&app, &rotated.token("acme-admin")).await.0, 401);
    assert_eq!(server.fetches(), 1, "after the failure, no fetch until the backoff has passed");
});

/// In production a key URL may not point into the deployment's own network:
/// a literal internal address is refused at registration, a name that
/// resolves to one at connect time, and one that got into the database anyway
/// is never fetched.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn in_production_key_urls_never_reach_internal_addresses() {
    let dir = tempfile::tempdir().expect("temp dir");
    let url = format!("sqlite://{}?mode=rwc", dir.path().join("prod.db").display());
    let app = Application::build(&settings(&url, None, "production"), &serve_settings(), Arc::new(SystemClock))
        .await
        .expect("production app");
    let address = format!("http://{}", app.local_addr());
    let db = app.db().clone();
    let tenant = eendracht::store::tenants::bootstrap(
        &db,
        &eendracht::domain::values::Slug::parse("acme").expect("slug"),
        &eendracht::domain::values::Name::parse("name", "Acme").expect("name"),
        &eendracht::domain::values::Subject::parse("subject", "admin").expect("subject"),
        &eendracht::domain::values::Name::parse("name", "Admin").expect("name"),
        Utc::now(),
    )
    .await
    .expect("bootstrap")
    .tenant_id;
    let (_stop, stopped) = tokio::sync::oneshot::channel::<()>();
    tokio::spawn(app.run_until_stopped(async {
        let _ = stopped.await;
    }));
    let client = reqwest::Client::new();
    let admin = sign_hs(
        SECRET,
        json!({ "sub": "admin", "tid": "acme", "iss": ISSUER, "aud": AUDIENCE, "exp": now_secs() + 600 }),
    );
    let add = |input: Value| {
        let request = client
            .post(format!("{address}/graphql"))
            .bearer_auth(&admin)
            .json(&json!({ "query": ADD_PROVIDER, "variables": input }));
        async move { crate::helpers::Gql(request.send().await.expect("answer").json().await.expect("json")) }
    };

    let partner = Partner::new("https://idp.internal.example", "api://eendracht");
    let server = KeyServer::start(partner.jwks(), Duration::ZERO, false).await;
    let port = url::Url::parse(&server.url).expect("url").port().expect("port");
    for internal in [
        server.url.clone(),
        format!("http://[::1]:{port}/jwks.json"),
        "http://169.254.169.254/latest/meta-data".to_owned(),
    ] {
        let refused = add(partner.input("Internal", json!({ "jwksUrl": internal }))).await;
        assert_eq!(refused.code(), "BAD_USER_INPUT", "{internal}");
    }

    // A name is checked where it resolves, when the keys are fetched.
    let by_name = Partner::new("https://idp.by-name.example", "api://eendracht");
    let named = add(by_name.input("By name", json!({ "jwksUrl": format!("http://localhost:{port}/jwks.json") }))).await;
    assert!(named.0.get("errors").is_none(), "{:?}", named.0);
    // And a literal one written behind the API's back.
    let literal = Partner::new("https://idp.literal.example", "api://eendracht");
    entity::identity_provider::ActiveModel::from(entity::identity_provider::Model {
        id: Uuid::now_v7(),
        tenant_id: tenant,
        name: "Slipped in".to_owned(),
        issuer: literal.issuer.clone(),
        audience: literal.audience.clone(),
        jwks_url: Some(server.url.clone()),
        jwks: None,
        match_by: entity::IdentityMatch::Sub,
        email_domains: json!([]),
        created_by: None,
        created_at: Utc::now(),
    })
    .insert(db.connection())
    .await
    .expect("insert behind the API");

    for provider in [&by_name, &literal] {
        assert_eq!(whoami_at(&client, &address, &provider.token("admin")).await.0, 401);
    }
    assert_eq!(server.fetches(), 0, "no connection reached the internal key server");
}

/// Registrations of one pair by two tenants from before the rule: the
/// migration keeps the oldest (by id, which is creation order) and deletes the
/// later ones, on PostgreSQL as an owner whom forced row-level security binds.
async fn duplicates_are_resolved_by_the_migration(db: &DatabaseConnection, reader: &DatabaseConnection) {
    migration::Migrator::up(db, Some(7)).await.expect("migrations up to 7");
    let (tenant_a, tenant_b) = (Uuid::now_v7(), Uuid::now_v7());
    let older = Uuid::from_u128(0x0190_0000_0000_7000_8000_0000_0000_0001);
    let later = Uuid::from_u128(0x0190_0000_0000_7000_8000_0000_0000_0002);
    let other = Uuid::from_u128(0x0190_0000_0000_7000_8000_0000_0000_0003);
    // The later one is written first: the id decides, not the order of rows.
    for (id, tenant, audience) in
        [(later, tenant_b, "api://shared"), (older, tenant_a, "api://shared"), (other, tenant_b, "api://own")]
    {
        let tx = db.begin().await.expect("transaction");
        if db.get_database_backend() == DbBackend::Postgres {
            tx.execute_unprepared(&format!("SELECT set_config('app.tenant_id', '{tenant}', true)"))
                .await
                .expect("tenant");
        }
        entity::identity_provider::ActiveModel::from(entity::identity_provider::Model {
            id,
            tenant_id: tenant,
            name: "Entra ID".to_owned(),
            issuer: "https://login.microsoftonline.com/5e1f0c2a/v2.0".to_owned(),
            audience: audience.to_owned(),
            jwks_url: None,
            jwks: Some(json!({ "keys": [] })),
            match_by: entity::IdentityMatch::Oid,
            email_domains: json!([]),
            created_by: None,
            created_at: Utc::now(),
        })
        .insert(&tx)
        .await
        .expect("insert");
        tx.commit().await.expect("commit");
    }
    migration::Migrator::up(db, None).await.expect("the remaining migrations");

    let rows = reader
        .query_all_raw(sea_orm::Statement::from_string(
            reader.get_database_backend(),
            "SELECT id FROM identity_providers ORDER BY id",
        ))
        .await
        .expect("rows");
    let ids: Vec<Uuid> = rows.iter().map(|row| row.try_get::<Uuid>("", "id").expect("id")).collect();
    assert_eq!(ids, vec![older, other]);
    // On PostgreSQL the table is under forced row-level security again.
    if reader.get_database_backend() == DbBackend::Postgres {
        let forced = reader
            .query_one_raw(sea_orm::Statement::from_string(
                DbBackend::Postgres,
                "SELECT relforcerowsecurity AS forced FROM pg_class WHERE relname = 'identity_providers'",
            ))
            .await
            .expect("catalog")
            .expect("a row");
        assert!(forced.try_get::<bool>("", "forced").expect("forced"));
    }
}

mod duplicate_registrations_from_before_the_rule_keep_the_oldest {
    use super::*;

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn sqlite() {
        let dir = tempfile::tempdir().expect("temp dir");
        let url = format!("sqlite://{}?mode=rwc", dir.path().join("old.db").display());
        let db = Database::connect(&url).await.expect("connect");
        duplicates_are_resolved_by_the_migration(&db, &db).await;
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn postgres() {
        let url = match std::env::var("EENDRACHT_TEST_POSTGRES_URL") {
            Ok(url) if !url.is_empty() => url,
            _ => {
                assert_ne!(std::env::var("CI").as_deref(), Ok("true"), "PostgreSQL tests must run in CI");
                eprintln!("skipped: EENDRACHT_TEST_POSTGRES_URL is not set");
                return;
            }
        };
        let base = &url[..=url.split('?').next().expect("url").rfind('/').expect("a database in the URL")];
        let admin = Database::connect(format!("{base}postgres")).await.expect("connect as the superuser");
        // An owner that is no superuser, as in production: forced row-level
        // security binds it.
        admin
            .execute_unprepared(
                "DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'eendracht_owner_test') THEN \
                 CREATE ROLE eendracht_owner_test LOGIN NOSUPERUSER NOBYPASSRLS; END IF; END $$",
            )
            .await
            .expect("owner role");
        let name = format!("eendracht_migration8_{}", std::process::id());
        admin.execute_unprepared(&format!("DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)")).await.expect("drop");
        admin
            .execute_unprepared(&format!("CREATE DATABASE \"{name}\" OWNER eendracht_owner_test"))
            .await
            .expect("create");
        let owner =
            Database::connect(with_user(&format!("{base}{name}"), "eendracht_owner_test")).await.expect("owner");
        let reader = Database::connect(format!("{base}{name}")).await.expect("superuser");
        duplicates_are_resolved_by_the_migration(&owner, &reader).await;
        let _ = owner.close().await;
        let _ = reader.close().await;
        let _ = admin.execute_unprepared(&format!("DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)")).await;
    }
}

both_with!(
    signing_in_with_a_slow_key_set_keeps_to_the_requests_deadline,
    |serve: &mut eendracht::config::ServeSettings| serve.request_timeout = Duration::from_millis(800),
    |app| {
        let admin = app.bootstrap("acme", "acme-admin").await;
        app.create_person(&admin, "p-1", "Petra Partner", None).await;
        let partner = Partner::new("https://idp.slower.example", "api://eendracht");
        // Slower than the deadline, well within the fetch's own 5 s timeout.
        let server = KeyServer::start(partner.jwks(), Duration::from_secs(4), false).await;
        app.ok(&admin, ADD_PROVIDER, partner.input("Slower", json!({ "jwksUrl": server.url }))).await;
        // Without the deadline the fetch would finish and the token would sign in.
        let body: Value = app
            .post(
                Some(&format!("Bearer {}", partner.token("p-1"))),
                json!({ "query": "{ viewer { tenant { slug } } }" }),
            )
            .await
            .json()
            .await
            .expect("a JSON body");
        assert_eq!(body["errors"][0]["extensions"]["code"], "TIMEOUT", "{body}");
    }
);
