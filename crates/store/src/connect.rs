//! Opening the database and applying migrations.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::time::Duration;

use anyhow::Context;
use migration::{Migrator, MigratorTrait};
use sea_orm::sqlx::postgres::{PgPool, PgPoolOptions};
use sea_orm::sqlx::sqlite::{SqliteJournalMode, SqliteSynchronous};
use sea_orm::{ConnectOptions, ConnectionTrait, Database, DatabaseConnection, DbBackend, Statement};

use super::bus::{self, EventBus, Notice};

/// The shared connection pool, plus a count of statements executed (the
/// statement-count tests and `/metrics` read it) and the pool's event bus.
#[derive(Clone)]
pub struct Db {
    conn: DatabaseConnection,
    statements: Arc<AtomicU64>,
    /// The most values one statement bound since they were last taken (the
    /// statement-shape tests read it: no statement may bind a value per row).
    most_values: Arc<AtomicUsize>,
    reachability: Arc<Reachability>,
    bus: EventBus,
    /// PostgreSQL: the listener's own one-connection pool, once listening.
    listener: Arc<std::sync::OnceLock<PgPool>>,
    /// PostgreSQL: a one-connection pool outside the request pool for
    /// cancelling statements at a request's deadline (when the request pool
    /// is full, this is exactly when no connection of it would be free).
    canceller: Arc<std::sync::OnceLock<PgPool>>,
}

/// Whether the database answered lately. While it does not, one request per
/// [`PROBE_INTERVAL`] tries it and the others fail at once with a clear error,
/// instead of each waiting out the pool's acquire timeout; the first success
/// closes the circuit again, so the service recovers by itself.
#[derive(Default)]
struct Reachability {
    /// Milliseconds since [`epoch`] of the last failure; 0 while reachable.
    failed_at: AtomicU64,
    /// Milliseconds since [`epoch`] of the last probe while unreachable.
    probed_at: AtomicU64,
}

const PROBE_INTERVAL: Duration = Duration::from_millis(500);

impl Reachability {
    fn admit(&self, now: u64) -> bool {
        if self.failed_at.load(Ordering::Relaxed) == 0 {
            return true;
        }
        let last = self.probed_at.load(Ordering::Relaxed);
        now.saturating_sub(last) >= PROBE_INTERVAL.as_millis() as u64
            && self.probed_at.compare_exchange(last, now, Ordering::Relaxed, Ordering::Relaxed).is_ok()
    }

    /// Closes the circuit; true when it was open.
    fn reachable(&self) -> bool {
        self.failed_at.swap(0, Ordering::Relaxed) != 0
    }

    /// Opens the circuit; true when it was closed.
    fn unreachable(&self, now: u64) -> bool {
        let was_closed = self.failed_at.swap(now, Ordering::Relaxed) == 0;
        if was_closed {
            self.probed_at.store(now, Ordering::Relaxed);
        }
        was_closed
    }
}

/// A process-wide monotonic origin for the millisecond stamps above.
fn epoch_millis() -> u64 {
    static EPOCH: std::sync::OnceLock<std::time::Instant> = std::sync::OnceLock::new();
    // +1 so that a stamp is never 0, which means "reachable".
    EPOCH.get_or_init(std::time::Instant::now).elapsed().as_millis() as u64 + 1
}

/// SQLite waits this long for a lock before it reports busy.
const SQLITE_BUSY_TIMEOUT: Duration = Duration::from_secs(5);

impl Db {
    /// Connects to `sqlite://…` or `postgres://…` with the default pool size.
    pub async fn connect(url: &str) -> anyhow::Result<Self> {
        Self::connect_with(url, None).await
    }

    /// The default pool: 8 connections on PostgreSQL, 4 on SQLite (one writer
    /// at a time; more readers only contend for the lock).
    pub fn default_pool_size(url: &str) -> u32 {
        if url.starts_with("sqlite:") { 4 } else { 8 }
    }

    /// Connects with `pool_size` connections (`EENDRACHT_DB_POOL_SIZE`), or
    /// the default for the engine.
    pub async fn connect_with(url: &str, pool_size: Option<u32>) -> anyhow::Result<Self> {
        let (url, synchronous) = sqlite_synchronous(url)?;
        let url = url.as_str();
        let mut options = ConnectOptions::new(url.to_owned());
        let pool_size = pool_size.unwrap_or_else(|| Self::default_pool_size(url)).max(1);
        options
            .sqlx_logging(false)
            // Measured: checking each connection before use costs ~12 % throughput;
            // a broken connection surfaces as an error and the pool replaces it.
            .test_before_acquire(false)
            // Short: while the database is away, the one request that probes it
            // (see `Reachability`) should not hang; under load a free connection
            // comes in milliseconds.
            .acquire_timeout(Duration::from_secs(2))
            .connect_timeout(Duration::from_secs(5))
            .max_connections(pool_size)
            .map_sqlx_sqlite_opts(move |o| {
                o.journal_mode(SqliteJournalMode::Wal)
                    .synchronous(synchronous)
                    .busy_timeout(SQLITE_BUSY_TIMEOUT)
                    .foreign_keys(true)
                    // `ANALYZE` reads at most this many rows per index (see
                    // `Db::optimize`).
                    .analysis_limit(400)
            });
        let mut conn = Database::connect(options).await.with_context(|| format!("connecting to {}", redact(url)))?;
        let statements = Arc::new(AtomicU64::new(0));
        let counter = statements.clone();
        let most_values = Arc::new(AtomicUsize::new(0));
        let most = most_values.clone();
        conn.set_metric_callback(move |info| {
            counter.fetch_add(1, Ordering::Relaxed);
            most.fetch_max(info.statement.values.as_ref().map_or(0, |values| values.0.len()), Ordering::Relaxed);
        });
        Ok(Self {
            conn,
            statements,
            most_values,
            reachability: Arc::default(),
            bus: EventBus::default(),
            listener: Arc::default(),
            canceller: Arc::default(),
        })
    }

    /// SQLite: gathers the query planner's statistics afresh (`ANALYZE`,
    /// reading at most 400 rows per index, so milliseconds even at a million
    /// rows). Without them it found a page's ratifications through the index
    /// by network and read all of a network's: 2 s a page at 100,000
    /// commitments (bench/SQLITE.md). `PRAGMA optimize`, SQLite's lighter
    /// advice, skipped tables that never had statistics, which is every table
    /// of a database that grew from empty. The server runs it once migrated,
    /// before it serves, and then hourly; never as a connection opens: it
    /// writes, and a connection must not wait for the write lock before it
    /// can serve a read. A failure (the lock held elsewhere) is logged and
    /// tried again at the next run.
    pub async fn optimize(&self) {
        if self.backend() != DbBackend::Sqlite {
            return;
        }
        if let Err(error) = self.conn.execute_unprepared("ANALYZE").await {
            tracing::warn!(%error, "could not refresh SQLite's query statistics; trying again later");
        }
    }

    /// Notices of network events committed from now on (see [`bus`]). On
    /// PostgreSQL they come from every process once
    /// [`listen_for_events`](Self::listen_for_events) runs.
    pub fn events(&self) -> tokio::sync::broadcast::Receiver<Notice> {
        self.bus.subscribe()
    }

    pub(crate) fn bus(&self) -> &EventBus {
        &self.bus
    }

    /// PostgreSQL: starts this process's listener for events committed by any
    /// process and waits (at most `wait`) until it listens, so a server that
    /// accepts subscriptions also hears their events. It keeps a connection of
    /// its own, outside the request pool, and reconnects by itself. Nothing to
    /// do on SQLite, whose one process publishes after each commit.
    pub async fn listen_for_events(&self, wait: Duration) {
        if self.backend() != DbBackend::Postgres || self.listener.get().is_some() {
            return;
        }
        let options = (*self.conn.get_postgres_connection_pool().connect_options()).clone();
        let pool = PgPoolOptions::new()
            .max_connections(1)
            .min_connections(0)
            .max_lifetime(None)
            .idle_timeout(None)
            .acquire_timeout(Duration::from_secs(5))
            .connect_lazy_with(options);
        if self.listener.set(pool.clone()).is_err() {
            return;
        }
        let (ready, listening) = tokio::sync::oneshot::channel();
        tokio::spawn(bus::listen(pool, self.bus.clone(), ready));
        if tokio::time::timeout(wait, listening).await.is_err() {
            tracing::warn!("not yet listening for events; subscribers hear them once the listener connects");
        }
    }

    /// PostgreSQL: cancels the statement server process `pid` is running
    /// (`pg_cancel_backend`; a role may cancel its own processes). At most a
    /// second is spent on it: a cancel that cannot be sent leaves the
    /// statement to its `statement_timeout`.
    pub(crate) async fn cancel_backend(&self, pid: i32) {
        if self.backend() != DbBackend::Postgres {
            return;
        }
        let pool = self.canceller.get_or_init(|| {
            let options = (*self.conn.get_postgres_connection_pool().connect_options()).clone();
            PgPoolOptions::new()
                .max_connections(1)
                .min_connections(0)
                .acquire_timeout(Duration::from_secs(1))
                .connect_lazy_with(options)
        });
        let cancel = sea_orm::sqlx::query("SELECT pg_cancel_backend($1)").bind(pid).execute(pool);
        match tokio::time::timeout(Duration::from_secs(1), cancel).await {
            Ok(Ok(_)) => tracing::debug!(pid, "statement cancelled at the request's deadline"),
            Ok(Err(error)) => tracing::warn!(%error, pid, "cancelling a statement failed"),
            Err(_) => tracing::warn!(pid, "cancelling a statement took too long"),
        }
    }

    pub fn connection(&self) -> &DatabaseConnection {
        &self.conn
    }

    pub fn backend(&self) -> DbBackend {
        self.conn.get_database_backend()
    }

    /// Statements executed through this pool since it was opened.
    pub fn statement_count(&self) -> u64 {
        self.statements.load(Ordering::Relaxed)
    }

    /// The most values any one statement bound since the last call; resets it.
    pub fn take_most_values(&self) -> usize {
        self.most_values.swap(0, Ordering::Relaxed)
    }

    /// Whether the pool holds all the connections it may open: a pool timeout
    /// then means they were all in use, the database busy but there (while it
    /// is away the pool has fewer, failing to open more).
    pub(crate) fn pool_saturated(&self) -> bool {
        match self.backend() {
            DbBackend::Postgres => {
                let pool = self.conn.get_postgres_connection_pool();
                pool.size() >= pool.options().get_max_connections()
            }
            DbBackend::Sqlite => {
                let pool = self.conn.get_sqlite_connection_pool();
                pool.size() >= pool.options().get_max_connections()
            }
            _ => false,
        }
    }

    /// Whether a request may try the database now: always while it is
    /// reachable, one probe per interval while it is not.
    pub(crate) fn admit(&self) -> bool {
        self.reachability.admit(epoch_millis())
    }

    pub(crate) fn record_reachable(&self) {
        if self.reachability.reachable() {
            tracing::info!("the database is reachable again");
        }
    }

    pub fn record_unreachable(&self) {
        if self.reachability.unreachable(epoch_millis()) {
            tracing::warn!("the database is unreachable; failing requests fast until it answers");
        }
    }

    /// Is the database reachable? Used by `/readyz`.
    pub async fn ping(&self) -> bool {
        let reachable = self.conn.ping().await.is_ok();
        if reachable {
            self.record_reachable()
        } else {
            self.record_unreachable()
        }
        reachable
    }

    /// PostgreSQL: the role this pool logs in as, and whether it escapes
    /// row-level security (a superuser or a role with BYPASSRLS does, even on
    /// tables with FORCE ROW LEVEL SECURITY). `None` on SQLite.
    pub async fn role(&self) -> anyhow::Result<Option<DbRole>> {
        if self.backend() != DbBackend::Postgres {
            return Ok(None);
        }
        let row = self
            .conn
            .query_one_raw(Statement::from_string(
                DbBackend::Postgres,
                "SELECT current_user::text AS name, rolsuper OR rolbypassrls AS bypasses \
                 FROM pg_roles WHERE rolname = current_user",
            ))
            .await
            .context("looking up the database role")?
            .context("the database role is not in pg_roles")?;
        Ok(Some(DbRole { name: row.try_get("", "name")?, bypasses_row_security: row.try_get("", "bypasses")? }))
    }

    pub async fn close(self) {
        // Closing its pool ends the listener.
        if let Some(listener) = self.listener.get() {
            listener.close().await;
        }
        if let Some(canceller) = self.canceller.get() {
            canceller.close().await;
        }
        if let Err(error) = self.conn.close().await {
            tracing::warn!(%error, "closing the database pool");
        }
    }
}

/// A PostgreSQL login role, as far as row-level security cares.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DbRole {
    pub name: String,
    pub bypasses_row_security: bool,
}

/// Gives the application's role what it needs on the tables the owner created
/// (data only: no DDL, no ownership, so row-level security binds it). Run by
/// the owner after migrating; idempotent.
pub async fn grant_to(owner: &Db, role: &str) -> anyhow::Result<()> {
    if owner.backend() != DbBackend::Postgres {
        return Ok(());
    }
    // A role name cannot be a bind parameter: quote it as an identifier.
    let role = format!("\"{}\"", role.replace('"', "\"\""));
    owner
        .conn
        .execute_unprepared(&format!(
            "GRANT USAGE ON SCHEMA public TO {role}; \
             GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {role}; \
             GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO {role};"
        ))
        .await
        .with_context(|| format!("granting table access to {role}"))?;
    Ok(())
}

/// Applies pending migrations. On PostgreSQL an advisory lock makes processes
/// that start together take turns instead of racing on the same DDL.
pub async fn migrate(db: &Db) -> anyhow::Result<()> {
    let conn = db.connection();
    if db.backend() == DbBackend::Postgres {
        // An API role without DDL rights (row-level security, ARCHITECTURE.md) can
        // start on an up-to-date schema: only pending migrations need the owner.
        if pending_on_postgres(db).await? == 0 {
            return Ok(());
        }
        // The lock is held by the transaction that applies the migrations and
        // released when it commits, so a crash never leaves it behind.
        let tx = sea_orm::TransactionTrait::begin(conn).await.context("starting the migration transaction")?;
        tx.execute_unprepared("SELECT pg_advisory_xact_lock(7318412201)").await.context("taking the migration lock")?;
        Migrator::up(&tx, None)
            .await
            .context("applying migrations (as the tables' owner: see EENDRACHT_MIGRATION_DATABASE_URL)")?;
        tx.commit().await.context("committing migrations")?;
    } else {
        Migrator::up(conn, None).await.context("applying migrations")?;
    }
    Ok(())
}

/// How many of the known migrations PostgreSQL has not applied, read without
/// needing any right beyond SELECT.
async fn pending_on_postgres(db: &Db) -> anyhow::Result<usize> {
    let applied: Vec<String> = db
        .conn
        .query_all_raw(Statement::from_string(
            DbBackend::Postgres,
            "SELECT version FROM seaql_migrations WHERE to_regclass('seaql_migrations') IS NOT NULL",
        ))
        .await
        .or_else(|error| {
            // The table does not exist yet: everything is pending.
            if error.to_string().contains("seaql_migrations") { Ok(Vec::new()) } else { Err(error) }
        })
        .context("reading applied migrations")?
        .iter()
        .filter_map(|row| row.try_get::<String>("", "version").ok())
        .collect();
    Ok(Migrator::migrations().iter().filter(|m| !applied.iter().any(|name| name == m.name())).count())
}

/// SQLite's durability, chosen in its URL (`sqlite://e.db?mode=rwc&synchronous=normal`):
/// the URL without that parameter, which sqlx would refuse, and the setting.
///
/// `FULL` by default: under WAL, a commit is acknowledged only once the log
/// reaches the disk, so neither the process dying nor the machine losing power
/// loses an acknowledged write. `NORMAL` syncs at checkpoints only; it survives
/// the process dying but may lose the last commits on power loss (README,
/// "Crash safety of the embedded default", with what each costs).
fn sqlite_synchronous(url: &str) -> anyhow::Result<(String, SqliteSynchronous)> {
    let Some((base, query)) = url.split_once('?') else { return Ok((url.to_owned(), SqliteSynchronous::Full)) };
    if !url.starts_with("sqlite:") {
        return Ok((url.to_owned(), SqliteSynchronous::Full));
    }
    let mut synchronous = SqliteSynchronous::Full;
    let mut kept = Vec::new();
    for pair in query.split('&') {
        match pair.split_once('=') {
            Some(("synchronous", value)) => {
                synchronous = match value.to_ascii_lowercase().as_str() {
                    "full" => SqliteSynchronous::Full,
                    "normal" => SqliteSynchronous::Normal,
                    other => anyhow::bail!("synchronous={other} in the database URL: use full or normal"),
                }
            }
            _ => kept.push(pair),
        }
    }
    let url = if kept.is_empty() { base.to_owned() } else { format!("{base}?{}", kept.join("&")) };
    Ok((url, synchronous))
}

/// A database URL without its password, for messages.
pub fn redact(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(scheme), Some(at)) if at > scheme => {
            let credentials = &url[scheme + 3..at];
            match credentials.split_once(':') {
                Some((user, _)) => format!("{}{}:***{}", &url[..scheme + 3], user, &url[at..]),
                None => url.to_owned(),
            }
        }
        _ => url.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use sea_orm::sqlx::sqlite::SqliteSynchronous;

    #[test]
    fn sqlite_s_durability_is_full_unless_its_url_asks_for_normal() {
        let read = |url: &str| super::sqlite_synchronous(url).expect("a valid URL");
        assert!(
            matches!(read("sqlite://e.db?mode=rwc"), (u, SqliteSynchronous::Full) if u == "sqlite://e.db?mode=rwc")
        );
        assert!(matches!(
            read("sqlite://e.db?mode=rwc&synchronous=normal"),
            (u, SqliteSynchronous::Normal) if u == "sqlite://e.db?mode=rwc"
        ));
        assert!(matches!(read("sqlite://e.db?synchronous=FULL"), (u, SqliteSynchronous::Full) if u == "sqlite://e.db"));
        assert!(super::sqlite_synchronous("sqlite://e.db?synchronous=off").is_err(), "never OFF");
        let pg = "postgres://u@h/db?sslmode=disable";
        assert_eq!(read(pg).0, pg, "PostgreSQL's URL is its own");
    }

    #[test]
    fn while_the_database_is_away_one_request_per_interval_probes_it() {
        let r = super::Reachability::default();
        assert!(r.admit(1_000) && r.admit(1_001), "reachable: everyone may try");
        assert!(r.unreachable(1_000));
        assert!(!r.admit(1_200), "within the interval the others fail at once");
        assert!(r.admit(1_500), "one probe after the interval");
        assert!(!r.admit(1_501), "and only one");
        assert!(r.reachable());
        assert!(r.admit(1_502) && r.admit(1_503), "closed again: everyone may try");
    }

    #[test]
    fn passwords_never_reach_messages() {
        assert_eq!(super::redact("postgres://app:s3cret@db/x"), "postgres://app:***@db/x");
        assert_eq!(super::redact("sqlite://e.db?mode=rwc"), "sqlite://e.db?mode=rwc");
    }
}
