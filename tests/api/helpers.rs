// Fixtures serve every test module; not every module uses every field.
#![allow(dead_code)]

//! Shared fixtures: spawn the real application on port 0 against a fresh
//! database, talk to it over HTTP with real tokens, look behind it with SQL.
//!
//! Every test runs twice through [`both!`]: on SQLite (a temp file) and on
//! PostgreSQL (a database created from a migrated template), when
//! `EENDRACHT_TEST_POSTGRES_URL` is set. Under `CI=true` a missing PostgreSQL
//! fails the test instead of skipping it.

use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use chrono::{TimeZone, Utc};
use eendracht::clock::ManualClock;
use eendracht::config::{Environment, QueryLimits, RateLimits, ServeSettings, Settings};
use eendracht::domain::values::{Name, Slug, Subject};
use eendracht::startup::Application;
use eendracht::store::{Db, tenants};
use jsonwebtoken::{Algorithm, EncodingKey, Header};
use sea_orm::{ConnectionTrait, Database, DbBackend, Statement};
use serde_json::{Value, json};
use tokio::sync::OnceCell;

pub const SECRET: &str = "test-secret-that-is-long-enough-for-hs256-0123456789";
pub const ISSUER: &str = "https://eendracht.test";
pub const AUDIENCE: &str = "eendracht-api";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// How the application under test verifies tokens.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Keys {
    /// HS256 secret, issuer and audience required.
    Hs256,
    /// RS256/ES256 public keys from the fixture JWKS, issuer and audience required.
    PublicOnly,
}

pub struct TestApp {
    pub address: String,
    pub client: reqwest::Client,
    /// Behind the API: the owner's connection (not bound by row-level security).
    pub db: Db,
    /// The URL the application itself connects with.
    pub database_url: String,
    /// The URL of the tables' owner (the same as `database_url` on SQLite):
    /// what the operator's commands (`copy`, `delete-tenant`) connect with.
    pub owner_url: String,
    /// The application's own pool, whose statement counter the statement-count
    /// tests read.
    pub app_db: Db,
    pub clock: ManualClock,
    pub backend: Backend,
    _dir: Option<tempfile::TempDir>,
    pg_database: Option<String>,
    shutdown: Option<tokio::sync::oneshot::Sender<()>>,
}

pub fn fixture(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures").join(name)
}

pub(crate) fn pg_url() -> Option<String> {
    match std::env::var("EENDRACHT_TEST_POSTGRES_URL") {
        Ok(url) if !url.is_empty() => Some(url),
        _ => {
            if std::env::var("CI").is_ok_and(|v| v == "true") {
                panic!("CI=true but EENDRACHT_TEST_POSTGRES_URL is not set: PostgreSQL tests must run in CI");
            }
            None
        }
    }
}

/// Redis for the tests of shared rate limits (`EENDRACHT_TEST_REDIS_URL`);
/// `None` skips them, but under `CI=true` a missing Redis fails them.
pub fn redis_url() -> Option<String> {
    match std::env::var("EENDRACHT_TEST_REDIS_URL") {
        Ok(url) if !url.is_empty() => Some(url),
        _ => {
            if std::env::var("CI").is_ok_and(|v| v == "true") {
                panic!("CI=true but EENDRACHT_TEST_REDIS_URL is not set: the Redis tests must run in CI");
            }
            None
        }
    }
}

/// The language PostgreSQL writes its messages in for the tests
/// (`EENDRACHT_TEST_LC_MESSAGES`, a locale such as `de_DE.UTF-8`); unset:
/// the server's own.
pub fn lc_messages() -> Option<String> {
    std::env::var("EENDRACHT_TEST_LC_MESSAGES").ok().filter(|value| !value.is_empty())
}

/// `postgres://…/name` → (`postgres://…/`, `name`).
pub(crate) fn split_url(url: &str) -> (String, String) {
    let without_query = url.split('?').next().unwrap_or(url);
    let slash = without_query.rfind('/').expect("a database URL names a database");
    (without_query[..=slash].to_owned(), without_query[slash + 1..].to_owned())
}

static TEMPLATE: OnceCell<()> = OnceCell::const_new();
static COUNTER: AtomicU32 = AtomicU32::new(0);

/// The role the application under test logs in as on PostgreSQL: no
/// SUPERUSER, no BYPASSRLS, so row-level security binds it as in production.
/// `.ci/run` creates it; the harness creates it too when it is missing.
pub const APP_ROLE: &str = "eendracht_app";

/// `postgres://user@host/db` with another user (trust authentication here).
pub fn with_user(url: &str, user: &str) -> String {
    let scheme_end = url.find("://").expect("a URL with a scheme") + 3;
    let rest = &url[scheme_end..];
    let host = match rest.find('@') {
        Some(at) if rest[..at].find('/').is_none() => &rest[at + 1..],
        _ => rest,
    };
    format!("{}{user}@{host}", &url[..scheme_end])
}

/// Migrates the CI database once per test process, as its owner, and grants the
/// application role its data access; tests copy it, grants included.
async fn migrated_template(url: &str) {
    TEMPLATE
        .get_or_init(|| async {
            let db = Db::connect(url).await.expect("connect to the PostgreSQL template");
            eendracht::store::migrate(&db).await.expect("migrate the template");
            db.connection()
                .execute_unprepared(&format!(
                    "DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '{APP_ROLE}') THEN \
                     CREATE ROLE {APP_ROLE} LOGIN NOSUPERUSER NOBYPASSRLS; END IF; END $$"
                ))
                .await
                .expect("create the application role");
            eendracht::store::grant_to(&db, APP_ROLE).await.expect("grant the application role");
            db.close().await;
        })
        .await;
}

/// A fresh PostgreSQL database: (owner URL, database name).
async fn create_pg_database() -> Option<(String, String)> {
    let url = pg_url()?;
    migrated_template(&url).await;
    let (base, template) = split_url(&url);
    let name = format!("{template}_t{}_{}", std::process::id(), COUNTER.fetch_add(1, Ordering::Relaxed));
    let admin = Database::connect(format!("{base}postgres")).await.expect("connect to the postgres database");
    let mut attempts = 0;
    loop {
        attempts += 1;
        // Copying a template fails while another session is connected to it,
        // which happens for a moment when tests start together: retry.
        match admin.execute_unprepared(&format!("CREATE DATABASE \"{name}\" TEMPLATE \"{template}\"")).await {
            Ok(_) => break,
            Err(error) if attempts < 50 => {
                tracing_like_log(&format!("retrying CREATE DATABASE: {error}"));
                tokio::time::sleep(Duration::from_millis(100)).await;
            }
            Err(error) => panic!("creating test database {name}: {error}"),
        }
    }
    // The server's messages in another language (`.ci/run` sets German): every
    // classification of a database error must stand on its SQLSTATE, never
    // on English text. Set per database, as a copy does not inherit it.
    if let Some(language) = lc_messages() {
        admin
            .execute_unprepared(&format!("ALTER DATABASE \"{name}\" SET lc_messages = '{language}'"))
            .await
            .expect("set lc_messages on the test database");
    }
    let _ = admin.close().await;
    Some((format!("{base}{name}"), name))
}

fn tracing_like_log(message: &str) {
    eprintln!("[test harness] {message}");
}

fn settings(database_url: String, migration_database_url: Option<String>, keys: Keys) -> Settings {
    Settings {
        database_url: database_url.into(),
        migration_database_url: migration_database_url.map(Into::into),
        environment: Environment::Development,
        jwt_secret: match keys {
            Keys::Hs256 => Some(SECRET.to_owned().into()),
            Keys::PublicOnly => None,
        },
        jwt_public_keys: match keys {
            Keys::Hs256 => None,
            Keys::PublicOnly => Some(fixture("jwks.json")),
        },
        jwt_issuer: Some(ISSUER.to_owned()),
        jwt_audience: Some(AUDIENCE.to_owned()),
        db_pool_size: None,
    }
}

/// Spawns the application; `None` when PostgreSQL is asked for but not
/// configured outside CI (the test is then skipped).
pub async fn spawn_app(backend: Backend, keys: Keys) -> Option<TestApp> {
    spawn_app_with(backend, keys, |_| {}).await
}

/// As [`spawn_app`], with the serve settings adjusted first (rate limits, Redis).
/// Rate limiting is off unless `configure` turns it on.
pub async fn spawn_app_with(
    backend: Backend,
    keys: Keys,
    configure: impl FnOnce(&mut ServeSettings),
) -> Option<TestApp> {
    // On PostgreSQL the application logs in as the row-level-security-bound
    // role and the owner migrates, as in production.
    let (database_url, owner_url, dir, pg_database) = match backend {
        Backend::Sqlite => {
            let dir = tempfile::tempdir().expect("temp dir");
            let url = format!("sqlite://{}?mode=rwc", dir.path().join("test.db").display());
            (url, None, Some(dir), None)
        }
        Backend::Postgres => {
            let (owner_url, name) = create_pg_database().await?;
            (with_user(&owner_url, APP_ROLE), Some(owner_url), None, Some(name))
        }
    };
    let settings = settings(database_url.clone(), owner_url.clone(), keys);
    let mut serve = serve_settings();
    configure(&mut serve);
    let clock = ManualClock::new(Utc.with_ymd_and_hms(2026, 3, 2, 9, 0, 0).single().expect("valid time"));
    let app = Application::build(&settings, &serve, Arc::new(clock.clone())).await.expect("build the application");
    let address = format!("http://{}", app.local_addr());
    let app_db = app.db().clone();
    // Tests look behind the API as the owner, which row-level security does not bind.
    let db = match &owner_url {
        Some(url) => Db::connect(url).await.expect("connect as the owner"),
        None => app.db().clone(),
    };
    let (shutdown, stopped) = tokio::sync::oneshot::channel::<()>();
    tokio::spawn(app.run_until_stopped(async {
        let _ = stopped.await;
    }));
    Some(TestApp {
        address,
        client: reqwest::Client::new(),
        db,
        app_db,
        owner_url: owner_url.clone().unwrap_or_else(|| database_url.clone()),
        database_url,
        clock,
        backend,
        _dir: dir,
        pg_database,
        shutdown: Some(shutdown),
    })
}

impl Drop for TestApp {
    fn drop(&mut self) {
        if let Some(shutdown) = self.shutdown.take() {
            let _ = shutdown.send(());
        }
        // Drop the test's PostgreSQL database; a leftover is harmless (CI drops
        // them by prefix) but clutters a developer's server.
        if let (Some(name), Some(url)) = (self.pg_database.take(), pg_url()) {
            let (base, _) = split_url(&url);
            let _ = std::thread::spawn(move || {
                let Ok(runtime) = tokio::runtime::Builder::new_current_thread().enable_all().build() else {
                    return;
                };
                runtime.block_on(async {
                    if let Ok(admin) = Database::connect(format!("{base}postgres")).await {
                        let _ =
                            admin.execute_unprepared(&format!("DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)")).await;
                        let _ = admin.close().await;
                    }
                });
            })
            .join();
        }
    }
}

/// Every table of the database, sorted, but the migrations' own record and
/// SQLite's internal ones (its statistics among them).
pub async fn table_names(db: &impl ConnectionTrait) -> Vec<String> {
    let sql = match db.get_database_backend() {
        DbBackend::Postgres => {
            "SELECT c.relname::text AS name FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace \
             WHERE n.nspname = current_schema() AND c.relkind = 'r' AND c.relname <> 'seaql_migrations' ORDER BY 1"
        }
        _ => {
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' \
             AND name <> 'seaql_migrations' ORDER BY 1"
        }
    };
    db.query_all_raw(Statement::from_string(db.get_database_backend(), sql))
        .await
        .expect("the catalogue")
        .iter()
        .map(|row| row.try_get::<String>("", "name").expect("a table name"))
        .collect()
}

/// Runs an operation that must succeed against the server at `base`
/// (`http://host:port`), for tests that start servers of their own; its `data`.
pub async fn ok_at(base: &str, token: &str, query: &str, variables: Value) -> Value {
    let body: Value = reqwest::Client::new()
        .post(format!("{base}/graphql"))
        .bearer_auth(token)
        .json(&serde_json::json!({ "query": query, "variables": variables }))
        .send()
        .await
        .expect("an answer")
        .json()
        .await
        .expect("a JSON body");
    assert!(body.get("errors").is_none(), "{body}");
    body["data"].clone()
}

/// A GraphQL response body with helpers to read it.
#[derive(Debug, Clone)]
pub struct Gql(pub Value);

impl Gql {
    /// `data`, asserting there were no errors.
    pub fn data(&self) -> &Value {
        assert!(self.0.get("errors").is_none(), "unexpected errors: {:#}", self.0);
        &self.0["data"]
    }

    /// The code of the first error, asserting there was one.
    pub fn code(&self) -> &str {
        let error = &self.0["errors"][0];
        assert!(!error.is_null(), "expected an error, got {:#}", self.0);
        assert!(error["extensions"]["requestId"].is_string(), "no requestId: {:#}", self.0);
        error["extensions"]["code"].as_str().expect("every error has a code")
    }

    pub fn message(&self) -> &str {
        self.0["errors"][0]["message"].as_str().unwrap_or_default()
    }
}

impl std::ops::Index<&str> for Gql {
    type Output = Value;
    fn index(&self, key: &str) -> &Value {
        &self.data()[key]
    }
}

pub fn now_secs() -> u64 {
    SystemTime::now().duration_since(UNIX_EPOCH).expect("time after 1970").as_secs()
}

impl TestApp {
    pub fn sql_backend(&self) -> DbBackend {
        match self.backend {
            Backend::Sqlite => DbBackend::Sqlite,
            Backend::Postgres => DbBackend::Postgres,
        }
    }

    /// A valid HS256 token for a person of a tenant.
    pub fn token(&self, tenant: &str, subject: &str) -> String {
        sign_hs(
            SECRET,
            json!({
                "sub": subject, "tid": tenant, "iss": ISSUER, "aud": AUDIENCE, "exp": now_secs() + 3600
            }),
        )
    }

    pub async fn post(&self, authorization: Option<&str>, body: Value) -> reqwest::Response {
        let mut request = self.client.post(format!("{}/graphql", self.address)).json(&body);
        if let Some(authorization) = authorization {
            request = request.header("authorization", authorization);
        }
        request.send().await.expect("the server answers")
    }

    /// Runs a GraphQL operation with a bearer token; asserts HTTP 200.
    pub async fn gql(&self, token: &str, query: &str, variables: Value) -> Gql {
        let response =
            self.post(Some(&format!("Bearer {token}")), json!({ "query": query, "variables": variables })).await;
        let status = response.status();
        let body: Value = response.json().await.expect("a JSON body");
        assert_eq!(status, 200, "HTTP {status}: {body:#}");
        Gql(body)
    }

    /// Creates a tenant with an admin (as `eendracht bootstrap` does) and
    /// returns the admin's token.
    pub async fn bootstrap(&self, tenant: &str, admin_subject: &str) -> String {
        let slug = Slug::parse(tenant).expect("slug");
        tenants::bootstrap(
            &self.db,
            &slug,
            &Name::parse("name", &format!("Tenant {tenant}")).expect("name"),
            &Subject::parse("subject", admin_subject).expect("subject"),
            &Name::parse("name", "Admin").expect("name"),
            Utc::now(),
        )
        .await
        .expect("bootstrap");
        self.token(tenant, admin_subject)
    }

    /// Rows in a table, looked at behind the API's back.
    pub async fn count(&self, table: &str) -> i64 {
        let row = self
            .db
            .connection()
            .query_one_raw(Statement::from_string(self.sql_backend(), format!("SELECT COUNT(*) AS n FROM {table}")))
            .await
            .expect("count query")
            .expect("a row");
        row.try_get::<i64>("", "n").expect("a count")
    }

    /// Rows in a table whose `column` holds `id`, behind the API.
    pub async fn count_where(&self, table: &str, column: &str, id: uuid::Uuid) -> i64 {
        let placeholder = if self.backend == Backend::Postgres { "$1" } else { "?" };
        let row = self
            .db
            .connection()
            .query_one_raw(Statement::from_sql_and_values(
                self.sql_backend(),
                format!("SELECT COUNT(*) AS n FROM {table} WHERE {column} = {placeholder}"),
                [id.into()],
            ))
            .await
            .expect("count query")
            .expect("a row");
        row.try_get::<i64>("", "n").expect("a count")
    }

    /// Every value of a text column, behind the API.
    pub async fn column(&self, table: &str, column: &str) -> Vec<String> {
        self.db
            .connection()
            .query_all_raw(Statement::from_string(self.sql_backend(), format!("SELECT {column} AS v FROM {table}")))
            .await
            .expect("column query")
            .into_iter()
            .map(|row| row.try_get::<String>("", "v").expect("a text value"))
            .collect()
    }

    pub async fn create_organisation(&self, token: &str, name: &str, kind: &str) -> Value {
        let response = self
            .gql(
                token,
                "mutation($input: CreateOrganisationInput!) { createOrganisation(input: $input) {
                    organisation { id name kind version governingBodies { id name kind right responseDays } } } }",
                json!({ "input": { "name": name, "kind": kind } }),
            )
            .await;
        response["createOrganisation"]["organisation"].clone()
    }

    pub async fn create_person(&self, token: &str, subject: &str, name: &str, email: Option<&str>) -> String {
        let response = self
            .gql(
                token,
                "mutation($input: CreatePersonInput!) { createPerson(input: $input) { person { id } } }",
                json!({ "input": { "subject": subject, "name": name, "email": email } }),
            )
            .await;
        response["createPerson"]["person"]["id"].as_str().expect("person id").to_owned()
    }

    pub async fn assign(&self, token: &str, person: &str, organisation: &str, role: &str) -> String {
        let response = self
            .gql(
                token,
                "mutation($input: AssignPositionInput!) { assignPosition(input: $input) { position { id } } }",
                json!({ "input": { "personId": person, "organisationId": organisation, "role": role } }),
            )
            .await;
        response["assignPosition"]["position"]["id"].as_str().expect("position id").to_owned()
    }
}

pub fn sign_hs(secret: &str, claims: Value) -> String {
    jsonwebtoken::encode(&Header::new(Algorithm::HS256), &claims, &EncodingKey::from_secret(secret.as_bytes()))
        .expect("sign")
}

/// Runs a test body on SQLite and on PostgreSQL: `both!(name, |app| async { … })`
/// defines `name::sqlite` and `name::postgres`.
#[macro_export]
macro_rules! both {
    ($name:ident, $keys:expr, |$app:ident| $body:block) => {
        mod $name {
            #[allow(unused_imports)]
            use super::*;

            async fn run($app: $crate::helpers::TestApp) $body

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn sqlite() {
                let app = $crate::helpers::spawn_app($crate::helpers::Backend::Sqlite, $keys).await.expect("SQLite app");
                run(app).await;
            }

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn postgres() {
                match $crate::helpers::spawn_app($crate::helpers::Backend::Postgres, $keys).await {
                    Some(app) => run(app).await,
                    None => eprintln!("skipped: EENDRACHT_TEST_POSTGRES_URL is not set"),
                }
            }
        }
    };
    ($name:ident, |$app:ident| $body:block) => {
        $crate::both!($name, $crate::helpers::Keys::Hs256, |$app| $body);
    };
}

/// Runs `$body` on SQLite and PostgreSQL with the serve settings adjusted by `$configure`.
#[macro_export]
macro_rules! both_with {
    ($name:ident, $configure:expr, |$app:ident| $body:block) => {
        mod $name {
            #[allow(unused_imports)]
            use super::*;
            #[allow(unused_imports)]
            use $crate::helpers::{Backend, Keys, TestApp, spawn_app_with};

            async fn run($app: TestApp) $body

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn sqlite() {
                let app = spawn_app_with(Backend::Sqlite, Keys::Hs256, $configure).await.expect("SQLite app");
                run(app).await;
            }

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn postgres() {
                match spawn_app_with(Backend::Postgres, Keys::Hs256, $configure).await {
                    Some(app) => run(app).await,
                    None => eprintln!("skipped: EENDRACHT_TEST_POSTGRES_URL is not set"),
                }
            }
        }
    };
}

/// A small tenant: two organisations, a director and a staff member of the
/// first, a staff member of the second.
pub struct World {
    pub admin: String,
    pub org_a: String,
    pub org_b: String,
    pub director_a: String,
    pub director_a_token: String,
    pub staff_a: String,
    pub staff_a_token: String,
    pub staff_b: String,
    pub staff_b_token: String,
}

pub async fn world(app: &TestApp, tenant: &str) -> World {
    let admin = app.bootstrap(tenant, &format!("{tenant}-admin")).await;
    let org_a = app.create_organisation(&admin, "Woonstad Noord", "HOUSING_CORPORATION").await["id"]
        .as_str()
        .expect("id")
        .to_owned();
    let org_b =
        app.create_organisation(&admin, "Gemeente Zuid", "MUNICIPALITY").await["id"].as_str().expect("id").to_owned();
    let director_a =
        app.create_person(&admin, &format!("{tenant}-dir-a"), "Dirk Directeur", Some("dirk@noord.nl")).await;
    let staff_a = app.create_person(&admin, &format!("{tenant}-staff-a"), "Sanne Staf", Some("sanne@noord.nl")).await;
    let staff_b = app.create_person(&admin, &format!("{tenant}-staff-b"), "Bram Beleid", Some("bram@zuid.nl")).await;
    app.assign(&admin, &director_a, &org_a, "DIRECTOR").await;
    app.assign(&admin, &staff_a, &org_a, "STAFF").await;
    app.assign(&admin, &staff_b, &org_b, "STAFF").await;
    World {
        director_a_token: app.token(tenant, &format!("{tenant}-dir-a")),
        staff_a_token: app.token(tenant, &format!("{tenant}-staff-a")),
        staff_b_token: app.token(tenant, &format!("{tenant}-staff-b")),
        admin,
        org_a,
        org_b,
        director_a,
        staff_a,
        staff_b,
    }
}

/// A person with a token.
#[derive(Clone)]
pub struct Member {
    pub id: String,
    pub token: String,
}

/// A network with three ACTIVE partners (a housing corporation, a municipality
/// and a care provider), each with a director (its representative) and two
/// staff, a charter version 1, and an outsider organisation with a director.
pub struct NetWorld {
    pub admin: String,
    pub facilitator: Member,
    pub network: String,
    pub orgs: [String; 3],
    pub partnerships: [String; 3],
    pub directors: [Member; 3],
    pub staff: [[Member; 2]; 3],
    pub outsider_org: String,
    pub outsider: Member,
}

impl TestApp {
    /// Runs an operation that must succeed and returns its `data`.
    pub async fn ok(&self, token: &str, query: &str, variables: Value) -> Value {
        self.gql(token, query, variables).await.data().clone()
    }

    pub async fn member(&self, admin: &str, tenant: &str, subject: &str, organisation: &str, role: &str) -> Member {
        let id = self.create_person(admin, subject, subject, Some(&format!("{subject}@example.nl"))).await;
        self.assign(admin, &id, organisation, role).await;
        Member { id, token: self.token(tenant, subject) }
    }

    pub async fn facilitator(&self, admin: &str, tenant: &str, subject: &str) -> Member {
        let data = self
            .ok(
                admin,
                "mutation($s: String!) { createPerson(input: { subject: $s, name: $s, tenantRole: FACILITATOR }) { person { id } } }",
                json!({ "s": subject }),
            )
            .await;
        Member {
            id: data["createPerson"]["person"]["id"].as_str().expect("id").to_owned(),
            token: self.token(tenant, subject),
        }
    }

    pub async fn create_network(&self, facilitator: &str, name: &str) -> String {
        let data = self
            .ok(
                facilitator,
                "mutation($n: String!) { createNetwork(input: { name: $n, purpose: \"Samen sterker in de regio\" }) { network { id } } }",
                json!({ "n": name }),
            )
            .await;
        data["createNetwork"]["network"]["id"].as_str().expect("id").to_owned()
    }

    pub async fn invite(&self, facilitator: &str, network: &str, organisation: &str) -> String {
        let data = self
            .ok(
                facilitator,
                "mutation($n: ID!, $o: ID!) { invitePartner(input: { networkId: $n, organisationId: $o }) { partnership { id status } } }",
                json!({ "n": network, "o": organisation }),
            )
            .await;
        data["invitePartner"]["partnership"]["id"].as_str().expect("id").to_owned()
    }

    pub async fn accept(&self, director: &str, partnership: &str) {
        self.ok(
            director,
            "mutation($p: ID!) { acceptPartnership(input: { partnershipId: $p }) { partnership { status } } }",
            json!({ "p": partnership }),
        )
        .await;
    }

    pub async fn set_representatives(&self, token: &str, partnership: &str, people: &[&str]) -> Gql {
        self.gql(
            token,
            "mutation($p: ID!, $people: [ID!]!) { setRepresentatives(input: { partnershipId: $p, personIds: $people }) {
                partnership { representatives { person { id } charterAcknowledged } } } }",
            json!({ "p": partnership, "people": people }),
        )
        .await
    }

    pub async fn adopt_charter(&self, facilitator: &str, network: &str, goals: &str) -> Value {
        self.ok(
            facilitator,
            "mutation($n: ID!, $g: String!) { adoptCharter(input: { networkId: $n, goals: $g, workingAgreements: \"We besluiten samen.\" }) {
                charterVersion { id version goals } } }",
            json!({ "n": network, "g": goals }),
        )
        .await["adoptCharter"]["charterVersion"]
            .clone()
    }
}

pub async fn net_world(app: &TestApp, tenant: &str) -> NetWorld {
    let admin = app.bootstrap(tenant, &format!("{tenant}-admin")).await;
    let facilitator = app.facilitator(&admin, tenant, &format!("{tenant}-fac")).await;
    let network = app.create_network(&facilitator.token, "Regio Oost").await;
    let mut orgs = Vec::new();
    let mut partnerships = Vec::new();
    let mut directors = Vec::new();
    let mut staff = Vec::new();
    for (i, (name, kind)) in
        [("Woonstad", "HOUSING_CORPORATION"), ("Gemeente Oost", "MUNICIPALITY"), ("Zorggroep", "CARE_PROVIDER")]
            .iter()
            .enumerate()
    {
        let org = app.create_organisation(&admin, name, kind).await["id"].as_str().expect("id").to_owned();
        let director = app.member(&admin, tenant, &format!("{tenant}-dir{i}"), &org, "DIRECTOR").await;
        let s1 = app.member(&admin, tenant, &format!("{tenant}-staff{i}a"), &org, "STAFF").await;
        let s2 = app.member(&admin, tenant, &format!("{tenant}-staff{i}b"), &org, "STAFF").await;
        let partnership = app.invite(&facilitator.token, &network, &org).await;
        app.accept(&director.token, &partnership).await;
        app.set_representatives(&director.token, &partnership, &[&director.id]).await.data();
        orgs.push(org);
        partnerships.push(partnership);
        directors.push(director);
        staff.push([s1, s2]);
    }
    app.adopt_charter(&facilitator.token, &network, "Betaalbaar wonen met zorg dichtbij").await;
    let outsider_org =
        app.create_organisation(&admin, "Bouwbedrijf", "COMPANY").await["id"].as_str().expect("id").to_owned();
    let outsider = app.member(&admin, tenant, &format!("{tenant}-outsider"), &outsider_org, "DIRECTOR").await;
    let array = |v: Vec<String>| -> [String; 3] { v.try_into().expect("three") };
    NetWorld {
        admin,
        facilitator,
        network,
        orgs: array(orgs),
        partnerships: array(partnerships),
        directors: directors.try_into().unwrap_or_else(|_| panic!("three directors")),
        staff: staff.try_into().unwrap_or_else(|_| panic!("three staffs")),
        outsider_org,
        outsider,
    }
}

impl TestApp {
    /// The server's current time (its clock is shared with the test).
    pub fn clock_now(&self) -> chrono::DateTime<Utc> {
        use eendracht::clock::Clock;
        self.clock.now()
    }
}

/// A test of PostgreSQL-only behaviour (true concurrency, row-level security,
/// statement cancel): runs only there, and under `CI=true` fails without it.
#[macro_export]
macro_rules! postgres_only {
    ($name:ident, |$app:ident| $body:block) => {
        #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
        async fn $name() {
            match $crate::helpers::spawn_app($crate::helpers::Backend::Postgres, $crate::helpers::Keys::Hs256).await {
                Some($app) => $body,
                None => eprintln!("skipped: EENDRACHT_TEST_POSTGRES_URL is not set"),
            }
        }
    };
}

/// Production settings on `database_url`, signing with the tests' shared
/// secret, issuer and audience.
pub fn production_settings(database_url: String) -> Settings {
    Settings {
        database_url: database_url.into(),
        migration_database_url: None,
        environment: Environment::Production,
        jwt_secret: Some(SECRET.to_owned().into()),
        jwt_public_keys: None,
        jwt_issuer: Some(ISSUER.to_owned()),
        jwt_audience: Some(AUDIENCE.to_owned()),
        db_pool_size: None,
    }
}

/// A SQLite database file in `dir`.
pub fn sqlite_in(dir: &std::path::Path, file: &str) -> String {
    format!("sqlite://{}?mode=rwc", dir.join(file).display())
}

/// Serve settings of a test app: a free port, default limits, no rate limits
/// (tests that are about rate limits set their own budgets).
pub fn serve_settings() -> ServeSettings {
    ServeSettings {
        listen: "127.0.0.1:0".parse().expect("address"),
        cors_origins: vec![],
        redis_url: None,
        demo: false,
        request_timeout: eendracht::startup::REQUEST_TIMEOUT,
        ws_init_timeout: Duration::from_secs(10),
        ws_keepalive: Duration::from_secs(30),
        header_timeout: Duration::from_secs(10),
        body_timeout: Duration::from_secs(10),
        idle_timeout: Duration::from_secs(60),
        max_connections: None,
        limits: QueryLimits::default(),
        rate_limits: RateLimits::OFF,
        concurrency: Default::default(),
        trusted_documents: None,
        // Webhook tests run the worker themselves, tick by tick on the test clock.
        webhook_worker: false,
        webhook_allow_private_targets: None,
        webhook_poll_interval: std::time::Duration::from_secs(1),
        public_url: None,
        calendar_link_template: Some("https://app.example.nl/items/{type}/{id}".to_owned()),
        // Mail tests run the worker themselves, tick by tick on the test clock.
        smtp_url: None,
        mail_from: None,
        mail_worker: false,
        mail_poll_interval: std::time::Duration::from_secs(30),
    }
}

/// Seats members on an organisation's bodies, by body kind, keeping the bodies.
pub async fn seat(app: &TestApp, admin: &str, organisation: &str, seats: &[(&str, &Member)]) {
    let org = app
        .ok(admin, "query($o: ID!) { node(id: $o) { ... on Organisation { governingBodies { id name kind right responseDays } } } }", json!({ "o": organisation }))
        .await;
    let bodies: Vec<Value> = org["node"]["governingBodies"]
        .as_array()
        .expect("bodies")
        .iter()
        .map(|b| {
            let members: Vec<&str> =
                seats.iter().filter(|(kind, _)| b["kind"] == json!(kind)).map(|(_, m)| m.id.as_str()).collect();
            json!({ "id": b["id"], "name": b["name"], "kind": b["kind"], "right": b["right"], "responseDays": b["responseDays"], "memberIds": members })
        })
        .collect();
    app.ok(
        admin,
        "mutation($o: ID!, $b: [GoverningBodyInput!]!) { setGoverningBodies(input: { organisationId: $o, bodies: $b }) { organisation { id } } }",
        json!({ "o": organisation, "b": bodies }),
    )
    .await;
}
