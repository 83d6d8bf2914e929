//! Typed settings, from the environment variables of the configuration contract
//! (the README's "Configuration" table) with command-line flags that mirror them. Secrets are
//! [`SecretString`]s so they never reach a log line or a `Debug` print.

use std::net::SocketAddr;
use std::path::PathBuf;

use clap::{Args, ValueEnum};
use secrecy::{ExposeSecret, SecretString};

pub const DEFAULT_DATABASE_URL: &str = "sqlite://eendracht.db?mode=rwc";

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Environment {
    Development,
    Production,
}

/// Settings shared by every subcommand that touches the database or tokens.
#[derive(Debug, Clone, Args)]
pub struct Settings {
    /// Database to use: `sqlite://…` or `postgres://…`.
    /// A secret: it may hold a password.
    #[arg(long, env = "DATABASE_URL", default_value = DEFAULT_DATABASE_URL, hide_env_values = true, global = true)]
    pub database_url: SecretString,

    /// PostgreSQL: the table owner's connection, used to apply migrations and
    /// grant the `DATABASE_URL` role access, so the API itself can run as a
    /// role that row-level security binds. Defaults to `DATABASE_URL`.
    #[arg(long, env = "EENDRACHT_MIGRATION_DATABASE_URL", hide_env_values = true, global = true)]
    pub migration_database_url: Option<SecretString>,

    /// `development` or `production`. Production refuses to start without explicit
    /// token keys and turns off GraphiQL and field suggestions.
    #[arg(long = "env", env = "EENDRACHT_ENV", value_enum, default_value = "development", global = true)]
    pub environment: Environment,

    /// HS256 shared secret for the deployment's own tokens.
    #[arg(long, env = "EENDRACHT_JWT_SECRET", hide_env_values = true, global = true)]
    pub jwt_secret: Option<SecretString>,

    /// A PEM file (one RS256 or ES256 public key) or a JWKS file of public keys.
    #[arg(long, env = "EENDRACHT_JWT_PUBLIC_KEYS", global = true)]
    pub jwt_public_keys: Option<PathBuf>,

    /// Required `iss` of the deployment's own tokens, when set.
    #[arg(long, env = "EENDRACHT_JWT_ISSUER", global = true)]
    pub jwt_issuer: Option<String>,

    /// Required `aud` of the deployment's own tokens, when set.
    #[arg(long, env = "EENDRACHT_JWT_AUDIENCE", global = true)]
    pub jwt_audience: Option<String>,

    /// Connections in the database pool; default 8 on PostgreSQL, 4 on SQLite.
    /// Each tenant may hold at most `EENDRACHT_TENANT_CONCURRENCY` of them.
    #[arg(long, env = "EENDRACHT_DB_POOL_SIZE", global = true)]
    pub db_pool_size: Option<u32>,
}

/// Settings of `serve` alone.
#[derive(Debug, Clone, Args)]
pub struct ServeSettings {
    /// Address to listen on; port 0 picks a free port.
    #[arg(long, env = "EENDRACHT_LISTEN", default_value = "127.0.0.1:8080")]
    pub listen: SocketAddr,

    /// Comma-separated origins allowed to call the API from a browser. Unset
    /// in development: the local dev servers (http://localhost:5173,
    /// http://127.0.0.1:5173, http://localhost:3000, http://127.0.0.1:3000);
    /// unset in production: none.
    #[arg(long, env = "EENDRACHT_CORS_ORIGINS", value_delimiter = ',')]
    pub cors_origins: Vec<String>,

    /// Redis for rate-limit counters shared across processes.
    #[arg(long, env = "EENDRACHT_REDIS_URL", hide_env_values = true)]
    pub redis_url: Option<SecretString>,

    /// Load the demo network (tenant `demo`) before serving, if it is not there yet.
    #[arg(long, env = "EENDRACHT_DEMO")]
    pub demo: bool,

    /// The deadline of one request, all its operations and its wait for a
    /// share of the database included: past it the request is answered
    /// TIMEOUT and its statement cancelled in the database.
    #[arg(long, env = "EENDRACHT_REQUEST_TIMEOUT", default_value = "10s", value_parser = humantime::parse_duration)]
    pub request_timeout: std::time::Duration,

    /// How long a new WebSocket may take to send `connection_init` before it
    /// is closed (4408), e.g. `10s` or `500ms`.
    #[arg(long, env = "EENDRACHT_WS_INIT_TIMEOUT", default_value = "10s", value_parser = humantime::parse_duration)]
    pub ws_init_timeout: std::time::Duration,

    /// How often the server pings an open WebSocket (a WebSocket Ping frame,
    /// answered by every client), so proxies and load balancers do not close
    /// a quiet subscription as idle; `0s` turns it off.
    #[arg(long, env = "EENDRACHT_WS_KEEPALIVE", default_value = "30s", value_parser = humantime::parse_duration)]
    pub ws_keepalive: std::time::Duration,

    /// How long a client may take to send a request's head (request line and
    /// headers), from the connection's opening for its first request and from
    /// the head's first byte for later ones; a late connection is closed.
    #[arg(long, env = "EENDRACHT_HEADER_TIMEOUT", default_value = "10s", value_parser = humantime::parse_duration)]
    pub header_timeout: std::time::Duration,

    /// How long a request's body may take to arrive whole, from its head; a
    /// late one is answered 408 and its connection closed.
    #[arg(long, env = "EENDRACHT_BODY_TIMEOUT", default_value = "10s", value_parser = humantime::parse_duration)]
    pub body_timeout: std::time::Duration,

    /// How long a keep-alive connection may wait for its next request before
    /// it is closed.
    #[arg(long, env = "EENDRACHT_IDLE_TIMEOUT", default_value = "60s", value_parser = humantime::parse_duration)]
    pub idle_timeout: std::time::Duration,

    /// Most client connections open at once, WebSockets included; more wait
    /// in the listen backlog until one closes. Default: the process's
    /// open-file limit less 128 kept for the database and the rest.
    #[arg(long, env = "EENDRACHT_MAX_CONNECTIONS")]
    pub max_connections: Option<usize>,

    /// Query limits: depth, cost, aliases, query length, directives per
    /// field, operations per batch (`EENDRACHT_MAX_*`).
    #[command(flatten)]
    pub limits: QueryLimits,

    /// Rate limits: points per minute per tenant and per person
    /// (`EENDRACHT_RATE_LIMIT_*`); 0 turns a budget off.
    #[command(flatten)]
    pub rate_limits: RateLimits,

    /// Run only these documents: the manifest GraphQL Code Generator's client
    /// preset writes (`persisted-documents.json`, hash to text). Unset: any
    /// query runs, and automatic persisted queries are remembered per process.
    #[arg(long, env = "EENDRACHT_TRUSTED_DOCUMENTS")]
    pub trusted_documents: Option<PathBuf>,

    /// Shares of the database pool per tenant and per person
    /// (`EENDRACHT_TENANT_CONCURRENCY`, `EENDRACHT_PERSON_CONCURRENCY`).
    #[command(flatten)]
    pub concurrency: ConcurrencyLimits,

    /// Run the webhook worker in this process. Several processes may run it:
    /// deliveries are leased, so each is sent by one at a time.
    #[arg(long, env = "EENDRACHT_WEBHOOK_WORKER", default_value_t = true, action = clap::ArgAction::Set)]
    pub webhook_worker: bool,

    /// Whether webhook receivers may be on loopback or private networks:
    /// allowed in development, refused in production unless set to true.
    #[arg(long, env = "EENDRACHT_WEBHOOK_ALLOW_PRIVATE_TARGETS", action = clap::ArgAction::Set)]
    pub webhook_allow_private_targets: Option<bool>,

    /// The address people and calendar apps reach this server at (e.g.
    /// `https://api.example.nl`), for the calendar feed URLs it hands out.
    /// Unset: `http://<EENDRACHT_LISTEN>` in development; in production the
    /// URL is then only its path (`/calendar/<token>.ics`).
    #[arg(long, env = "EENDRACHT_PUBLIC_URL")]
    pub public_url: Option<String>,

    /// Where a front-end shows an item of a calendar feed, linked from each
    /// event: `{type}` becomes the GraphQL type (`Meeting`, `Ratification`,
    /// `Commitment`, `AlignmentRound`), `{id}` its global id, e.g.
    /// `https://app.example.nl/items/{type}/{id}`. Unset: no links.
    #[arg(long, env = "EENDRACHT_CALENDAR_LINK_TEMPLATE")]
    pub calendar_link_template: Option<String>,

    /// How often the webhook worker looks for work when it has none.
    #[arg(long, env = "EENDRACHT_WEBHOOK_POLL_INTERVAL", default_value = "1s", value_parser = humantime::parse_duration)]
    pub webhook_poll_interval: std::time::Duration,

    /// The SMTP server reminders and digests go out through, in lettre's URL
    /// form: `smtps://user:pass@host:465` (TLS), `smtp://user:pass@host:587?tls=required`
    /// (STARTTLS), or `smtp://host:25` (plain, for a relay on the same host).
    /// Unset: no mail is sent; reminders are still recorded. A secret: it may
    /// hold a password.
    #[arg(long, env = "EENDRACHT_SMTP_URL", hide_env_values = true)]
    pub smtp_url: Option<SecretString>,

    /// The sender of mail, e.g. `Eendracht <noreply@example.nl>`. Required
    /// with `EENDRACHT_SMTP_URL` in production; in development
    /// `Eendracht <eendracht@localhost>`.
    #[arg(long, env = "EENDRACHT_MAIL_FROM")]
    pub mail_from: Option<String>,

    /// Run the mail worker (reminders, digests, sending) in this process.
    /// Several processes may run it: reminders are made once and mails are
    /// leased, so each is sent by one at a time.
    #[arg(long, env = "EENDRACHT_MAIL_WORKER", default_value_t = true, action = clap::ArgAction::Set)]
    pub mail_worker: bool,

    /// How often the mail worker looks for due reminders, digests and mail.
    #[arg(long, env = "EENDRACHT_MAIL_POLL_INTERVAL", default_value = "30s", value_parser = humantime::parse_duration)]
    pub mail_poll_interval: std::time::Duration,
}

/// The query limits' flags and variables (`EENDRACHT_MAX_*`); the defaults
/// are those of docs/security.md. The server's own type is
/// [`crate::graphql::QueryLimits`], which knows nothing of the command line.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Args)]
pub struct QueryLimits {
    /// Deepest nesting of fields a query may have.
    #[arg(long = "max-depth", env = "EENDRACHT_MAX_DEPTH", default_value_t = crate::graphql::QueryLimits::DEFAULT.depth)]
    pub depth: usize,

    /// Highest cost, in points, an operation may ask for: an object costs 1,
    /// a scalar nothing, a connection `first` times its items, `nodes(ids:)`
    /// its length times, a mutation 10 more (`graphql::cost`).
    #[arg(long = "max-complexity", env = "EENDRACHT_MAX_COMPLEXITY", default_value_t = crate::graphql::QueryLimits::DEFAULT.complexity)]
    pub complexity: usize,

    /// Most aliased fields in one operation, its fragments included.
    #[arg(long = "max-aliases", env = "EENDRACHT_MAX_ALIASES", default_value_t = crate::graphql::QueryLimits::DEFAULT.aliases)]
    pub aliases: usize,

    /// Longest query text, in characters.
    #[arg(
        long = "max-query-length",
        env = "EENDRACHT_MAX_QUERY_LENGTH",
        default_value_t = crate::graphql::QueryLimits::DEFAULT.query_length
    )]
    pub query_length: usize,

    /// Most directives on one field (or fragment spread).
    #[arg(
        long = "max-directives-per-field",
        env = "EENDRACHT_MAX_DIRECTIVES_PER_FIELD",
        default_value_t = crate::graphql::QueryLimits::DEFAULT.directives_per_field
    )]
    pub directives_per_field: usize,

    /// Most operations in one batched request.
    #[arg(long = "max-batch", env = "EENDRACHT_MAX_BATCH", default_value_t = crate::graphql::QueryLimits::DEFAULT.batch)]
    pub batch: usize,
}

/// The rate limits' flags and variables (`EENDRACHT_RATE_LIMIT_*`), in points
/// per minute; 0 turns a budget off. The server's own type is
/// [`crate::http::RateLimits`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Args)]
pub struct RateLimits {
    /// Points a tenant may spend per minute, all its people and clients together.
    #[arg(
        long = "rate-limit-tenant-points",
        env = "EENDRACHT_RATE_LIMIT_TENANT_POINTS",
        default_value_t = crate::http::RateLimits::DEFAULT.tenant_points
    )]
    pub tenant_points: u64,

    /// Points one person (or API client: one token subject) may spend per minute.
    #[arg(
        long = "rate-limit-person-points",
        env = "EENDRACHT_RATE_LIMIT_PERSON_POINTS",
        default_value_t = crate::http::RateLimits::DEFAULT.person_points
    )]
    pub person_points: u64,

    /// Failed authentications (401s) one source address may cause per
    /// minute; past it the address is answered 429 before any token is
    /// looked at. Unknown people never spend their tenant's budget.
    #[arg(
        long = "rate-limit-auth-failures",
        env = "EENDRACHT_RATE_LIMIT_AUTH_FAILURES",
        default_value_t = crate::http::RateLimits::DEFAULT.auth_failures
    )]
    pub auth_failures: u64,
}

/// Shares of the pool per tenant and per person (`EENDRACHT_*_CONCURRENCY`);
/// unset: derived from the pool size. The server's own type is
/// [`crate::http::ConcurrencyLimits`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Args)]
pub struct ConcurrencyLimits {
    /// Requests of one tenant that may use the database at once (default:
    /// three quarters of the pool, at least 1).
    #[arg(long = "tenant-concurrency", env = "EENDRACHT_TENANT_CONCURRENCY")]
    pub tenant: Option<u32>,

    /// Requests of one person or API client that may use the database at
    /// once (default: two thirds of the tenant's, at least 1).
    #[arg(long = "person-concurrency", env = "EENDRACHT_PERSON_CONCURRENCY")]
    pub person: Option<u32>,
}

impl QueryLimits {
    pub const DEFAULT: Self = Self::from_limits(crate::graphql::QueryLimits::DEFAULT);

    const fn from_limits(limits: crate::graphql::QueryLimits) -> Self {
        let crate::graphql::QueryLimits { depth, complexity, aliases, query_length, directives_per_field, batch } =
            limits;
        Self { depth, complexity, aliases, query_length, directives_per_field, batch }
    }
}

impl Default for QueryLimits {
    fn default() -> Self {
        Self::DEFAULT
    }
}

impl From<QueryLimits> for crate::graphql::QueryLimits {
    fn from(
        QueryLimits { depth, complexity, aliases, query_length, directives_per_field, batch }: QueryLimits,
    ) -> Self {
        Self { depth, complexity, aliases, query_length, directives_per_field, batch }
    }
}

impl RateLimits {
    pub const DEFAULT: Self = Self::from_limits(crate::http::RateLimits::DEFAULT);
    /// No limiting at all.
    pub const OFF: Self = Self::from_limits(crate::http::RateLimits::OFF);

    const fn from_limits(limits: crate::http::RateLimits) -> Self {
        let crate::http::RateLimits { tenant_points, person_points, auth_failures } = limits;
        Self { tenant_points, person_points, auth_failures }
    }
}

impl Default for RateLimits {
    fn default() -> Self {
        Self::DEFAULT
    }
}

impl From<RateLimits> for crate::http::RateLimits {
    fn from(RateLimits { tenant_points, person_points, auth_failures }: RateLimits) -> Self {
        Self { tenant_points, person_points, auth_failures }
    }
}

impl From<ConcurrencyLimits> for crate::http::ConcurrencyLimits {
    fn from(ConcurrencyLimits { tenant, person }: ConcurrencyLimits) -> Self {
        Self { tenant, person }
    }
}

impl Settings {
    pub fn is_production(&self) -> bool {
        self.environment == Environment::Production
    }

    /// Where a generated development secret is kept: beside the SQLite file, or
    /// in the working directory for other databases.
    pub fn dev_secret_path(&self) -> PathBuf {
        let file = ".eendracht-jwt-secret";
        match sqlite_file(self.database_url.expose_secret()) {
            Some(db) => db.parent().map(|dir| dir.join(file)).unwrap_or_else(|| PathBuf::from(file)),
            None => PathBuf::from(file),
        }
    }
}

/// The file behind a `sqlite://` URL, if it names one.
pub fn sqlite_file(url: &str) -> Option<PathBuf> {
    let rest = url.strip_prefix("sqlite://").or_else(|| url.strip_prefix("sqlite:"))?;
    let path = rest.split('?').next().unwrap_or(rest);
    if path.is_empty() || path == ":memory:" {
        return None;
    }
    Some(PathBuf::from(path))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_dev_secret_lives_beside_the_sqlite_file() {
        assert_eq!(sqlite_file("sqlite://data/e.db?mode=rwc"), Some(PathBuf::from("data/e.db")));
        assert_eq!(sqlite_file("sqlite::memory:"), None);
        assert_eq!(sqlite_file("postgres://x/y"), None);
    }

    #[test]
    fn a_database_password_never_reaches_a_debug_print() {
        use clap::Parser;
        #[derive(Debug, Parser)]
        struct Cli {
            #[command(flatten)]
            settings: Settings,
        }
        let cli = Cli::parse_from([
            "eendracht",
            "--database-url",
            "postgres://app:hunter2@db/e",
            "--migration-database-url",
            "postgres://owner:s3cret@db/e",
        ]);
        let printed = format!("{cli:?}");
        assert!(!printed.contains("hunter2") && !printed.contains("s3cret"), "{printed}");
        assert_eq!(cli.settings.database_url.expose_secret(), "postgres://app:hunter2@db/e");
    }
}
