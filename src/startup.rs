//! Building the application apart from serving it: [`Application::build`]
//! connects, migrates, binds (port 0 in tests) and wires the router;
//! [`Application::run_until_stopped`] serves until the shutdown signal, then
//! drains: the whole shutdown takes at most [`DRAIN_TIMEOUT`].

use std::future::Future;
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey};
use secrecy::{ExposeSecret, SecretString};
use tokio::net::TcpListener;

use crate::auth::{self, IdentityProviders, Issuer, Minter, TenantBinding, VerificationKey, Verifier};
use crate::clock::Clock;
use crate::config::{ServeSettings, Settings};
use crate::graphql;
use crate::http::{self, Admission, AppState, Metrics, RateLimiter};
use crate::mail::{MailSettings, MailWorker, Smtp};
use crate::outbound::OutboundPolicy;
use crate::store::integration::StoredProviders;
use crate::store::{self, Db};
use crate::webhooks::{WebhookWorker, WorkerSettings};

/// The default per-request deadline (`EENDRACHT_REQUEST_TIMEOUT`).
pub const REQUEST_TIMEOUT: Duration = Duration::from_secs(10);

/// After the shutdown signal, the whole shutdown (requests in flight,
/// WebSockets, the pool) ends within this (twice the request deadline).
pub const DRAIN_TIMEOUT: Duration = Duration::from_secs(20);

/// How often a server on SQLite refreshes the query planner's statistics.
const SQLITE_OPTIMIZE_INTERVAL: Duration = Duration::from_secs(60 * 60);

/// Of [`DRAIN_TIMEOUT`], what the HTTP drain leaves for closing WebSockets
/// and the pool.
const CLOSE_RESERVE: Duration = Duration::from_secs(2);

/// Closing the pool waits for connections still checked out; not forever.
const POOL_CLOSE_TIMEOUT: Duration = Duration::from_secs(5);

/// How long start-up waits for the PostgreSQL event listener to be in place.
const EVENT_LISTENER_WAIT: Duration = Duration::from_secs(5);

/// After the shutdown notice, WebSockets get this long to send their close frame.
const SOCKET_CLOSE_TIMEOUT: Duration = Duration::from_secs(2);

pub struct Application {
    listener: TcpListener,
    router: axum::Router,
    /// Timeouts and the cap of client connections.
    connections: http::ConnectionLimits,
    db: Db,
    /// The webhook worker, when this process runs one.
    worker: Option<WebhookWorker>,
    /// The mail worker, when this process runs one.
    mail_worker: Option<MailWorker>,
    /// Tells open WebSockets that the server is shutting down.
    shutdown: tokio::sync::watch::Sender<bool>,
    /// Ends once every open WebSocket has closed.
    sockets_closed: tokio::sync::mpsc::Receiver<()>,
}

impl Application {
    pub async fn build(settings: &Settings, serve: &ServeSettings, clock: Arc<dyn Clock>) -> anyhow::Result<Self> {
        let db = open_database(settings).await?;
        check_row_security(&db, settings.is_production()).await?;
        // Health's kept facts for networks that have none yet (an upgraded
        // database counts its history once, here, before any request).
        let built = store::health_facts::build_missing(&db, clock.clone()).await?;
        if built > 0 {
            tracing::info!(networks = built, "built health facts");
        }
        // SQLite's query statistics, for the schema just migrated, before any
        // request (then hourly, in `run_until_stopped`).
        db.optimize().await;
        // One outbound policy for webhook deliveries and partner JWKS fetches.
        let outbound = OutboundPolicy::from_allow_private(
            serve.webhook_allow_private_targets.unwrap_or(!settings.is_production()),
        );
        let partners = Arc::new(IdentityProviders::new(Box::new(StoredProviders(db.clone())), outbound)?);
        if let Err(error) = partners.reload().await {
            // Not fatal: the registry reloads when a token names an unknown issuer.
            tracing::warn!(%error, "loading the partner identity providers failed");
        }
        let verifier = verifier(settings)?.with_partners(partners);
        let minter = hs_secret(settings)?.map(|secret| {
            Arc::new(Minter {
                key: EncodingKey::from_secret(secret.expose_secret().as_bytes()),
                issuer: settings.jwt_issuer.clone(),
                audience: settings.jwt_audience.clone(),
            })
        });
        let worker = if serve.webhook_worker {
            let settings = WorkerSettings {
                poll_interval: serve.webhook_poll_interval,
                allow_private_targets: outbound.allows_private(),
                ..WorkerSettings::default()
            };
            Some(WebhookWorker::new(db.clone(), clock.clone(), settings)?)
        } else {
            None
        };
        // Subscribers here hear of events committed by every process.
        db.listen_for_events(EVENT_LISTENER_WAIT).await;
        let (shutdown, shutdown_notice) = tokio::sync::watch::channel(false);
        let (open_sockets, sockets_closed) = tokio::sync::mpsc::channel(1);
        let metrics = Arc::new(Metrics::new()?);
        let rate_limiter = RateLimiter::new(
            serve.rate_limits.into(),
            serve.redis_url.as_ref(),
            clock.clone(),
            metrics.rate_limit_store_errors(),
        )?;
        let listener =
            TcpListener::bind(serve.listen).await.with_context(|| format!("listening on {}", serve.listen))?;
        // Port 0 picks a free port: the address feeds name is the one bound.
        let public_url = match (&serve.public_url, settings.is_production()) {
            (Some(url), _) => Some(url.clone()),
            (None, false) => Some(format!("http://{}", listener.local_addr().context("the bound address")?)),
            (None, true) => None,
        };
        let calendar_links = public_url
            .clone()
            .map(|url| graphql::CalendarLinks::new(&url, serve.calendar_link_template.clone()))
            .transpose()
            .context("EENDRACHT_PUBLIC_URL or EENDRACHT_CALENDAR_LINK_TEMPLATE")?;
        let mail_worker = if serve.mail_worker {
            let smtp = smtp(settings, serve, public_url.as_deref(), calendar_links.clone())?;
            let mail = MailSettings { poll_interval: serve.mail_poll_interval, smtp, ..MailSettings::default() };
            Some(MailWorker::new(db.clone(), clock.clone(), mail)?)
        } else {
            None
        };
        let schema = graphql::build_schema(serve.limits.into(), settings.is_production(), calendar_links.clone());
        // Read the field types now rather than on the first request.
        graphql::schema_types();
        let state = AppState {
            schema,
            db: db.clone(),
            verifier: Arc::new(verifier),
            clock,
            production: settings.is_production(),
            request_timeout: serve.request_timeout,
            metrics,
            rate_limiter: Arc::new(rate_limiter),
            admission: Arc::new(admission(settings, serve)),
            known_principals: Default::default(),
            persisted: Arc::new(match &serve.trusted_documents {
                Some(manifest) => http::persisted::PersistedDocuments::trusted(manifest)?,
                None => Default::default(),
            }),
            documents: Default::default(),
            minter,
            ws_init_timeout: serve.ws_init_timeout,
            ws_keepalive: serve.ws_keepalive,
            shutdown: shutdown_notice,
            open_sockets,
            calendar_links,
        };
        let connections = http::ConnectionLimits::new(
            serve.header_timeout,
            serve.body_timeout,
            serve.idle_timeout,
            serve.max_connections,
        )?;
        Ok(Self {
            listener,
            router: http::router(state, &serve.cors_origins)?,
            connections,
            db,
            worker,
            mail_worker,
            shutdown,
            sockets_closed,
        })
    }

    pub fn port(&self) -> u16 {
        self.listener.local_addr().map(|a| a.port()).unwrap_or_default()
    }

    pub fn local_addr(&self) -> std::net::SocketAddr {
        self.listener.local_addr().unwrap_or_else(|_| ([127, 0, 0, 1], 0).into())
    }

    /// The database pool, for tests that look behind the API.
    pub fn db(&self) -> &Db {
        &self.db
    }

    /// Serves until `shutdown` completes, then stops accepting (but serves the
    /// connections already waiting in the listen backlog), tells open
    /// WebSockets to close (1001, going away), lets requests in flight finish
    /// and closes the pool: all of it within [`DRAIN_TIMEOUT`] of the signal.
    pub async fn run_until_stopped(self, shutdown: impl Future<Output = ()> + Send + 'static) -> anyhow::Result<()> {
        let mut stopped = self.shutdown.subscribe();
        let notice = self.shutdown;
        let shutdown = async move {
            shutdown.await;
            // Upgraded connections are outside the server's drain: tell them
            // (and the webhook worker).
            let _ = notice.send(true);
        };
        let mut mail_stopped = stopped.clone();
        let worker = self.worker.map(|worker| {
            tokio::spawn(worker.run(async move {
                let _ = stopped.wait_for(|stop| *stop).await;
            }))
        });
        let mail_worker = self.mail_worker.map(|worker| {
            tokio::spawn(worker.run(async move {
                let _ = mail_stopped.wait_for(|stop| *stop).await;
            }))
        });
        // SQLite's query statistics follow the data as it grows (Db::optimize).
        let statistics = (self.db.backend() == sea_orm::DbBackend::Sqlite).then(|| {
            let db = self.db.clone();
            tokio::spawn(async move {
                let mut every = tokio::time::interval(SQLITE_OPTIMIZE_INTERVAL);
                every.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
                every.tick().await; // `build` ran it
                loop {
                    every.tick().await;
                    db.optimize().await;
                }
            })
        });
        let drained =
            http::serve(self.listener, self.router, self.connections, shutdown, DRAIN_TIMEOUT - CLOSE_RESERVE)
                .await
                .context("serving HTTP")?;
        let deadline = drained.signalled_at + DRAIN_TIMEOUT;
        let remaining = || deadline.saturating_duration_since(Instant::now());
        // A delivery or mail cut off here is sent again after its lease:
        // nothing is lost.
        for worker in [worker, mail_worker].into_iter().flatten() {
            worker.abort();
        }
        if let Some(statistics) = statistics {
            statistics.abort();
        }
        // WebSockets heard the notice when the drain began; most have closed by now.
        http::subscriptions::wait_closed(self.sockets_closed, SOCKET_CLOSE_TIMEOUT.min(remaining())).await;
        if tokio::time::timeout(POOL_CLOSE_TIMEOUT.min(remaining()), self.db.close()).await.is_err() {
            tracing::warn!("the database pool did not close in time");
        }
        tracing::info!("stopped");
        Ok(())
    }
}

/// Where mail goes out, when `EENDRACHT_SMTP_URL` is set: the sender, and
/// the public URL its links point at (required: a mail's unsubscribe link
/// must work from anywhere).
fn smtp(
    settings: &Settings,
    serve: &ServeSettings,
    public_url: Option<&str>,
    links: Option<graphql::CalendarLinks>,
) -> anyhow::Result<Option<Smtp>> {
    let Some(url) = &serve.smtp_url else { return Ok(None) };
    let from = match (&serve.mail_from, settings.is_production()) {
        (Some(from), _) => from.clone(),
        (None, false) => "Eendracht <eendracht@localhost>".to_owned(),
        (None, true) => anyhow::bail!("EENDRACHT_MAIL_FROM is required with EENDRACHT_SMTP_URL"),
    };
    let from: lettre::message::Mailbox = from.parse().with_context(|| format!("EENDRACHT_MAIL_FROM {from:?}"))?;
    let base_url = public_url
        .context("EENDRACHT_PUBLIC_URL is required with EENDRACHT_SMTP_URL: mail links to this server")?
        .trim_end_matches('/')
        .to_owned();
    let domain = from.email.domain().to_owned();
    let subject_link = links.map(|links| {
        Arc::new(move |subject: &crate::domain::digest::Subject| links.mail_link(subject))
            as crate::service::mail::SubjectLink
    });
    Ok(Some(Smtp { url: url.clone(), from, setup: crate::service::mail::MailSetup { base_url, domain, subject_link } }))
}

/// The tenants' and persons' shares of the pool; a request waits for its
/// slot at most half its deadline.
fn admission(settings: &Settings, serve: &ServeSettings) -> Admission {
    let pool_size =
        settings.db_pool_size.unwrap_or_else(|| Db::default_pool_size(settings.database_url.expose_secret()));
    let (tenant, person) = crate::http::ConcurrencyLimits::from(serve.concurrency).resolve(pool_size);
    Admission::new(tenant, person, serve.request_timeout / 2)
}

/// Connects and applies pending migrations: every subcommand that touches the
/// database starts here, so each works on a fresh one.
///
/// With `EENDRACHT_MIGRATION_DATABASE_URL` the owner migrates and grants the
/// application's role access to the tables; otherwise the application's own
/// connection migrates.
pub async fn open_database(settings: &Settings) -> anyhow::Result<Db> {
    let db = Db::connect_with(settings.database_url.expose_secret(), settings.db_pool_size).await?;
    match &settings.migration_database_url {
        Some(owner_url) => {
            let owner = Db::connect(owner_url.expose_secret()).await?;
            store::migrate(&owner).await?;
            if let Some(role) = db.role().await? {
                store::grant_to(&owner, &role.name).await?;
            }
            owner.close().await;
        }
        None => store::migrate(&db).await?,
    }
    Ok(db)
}

/// Row-level security binds only roles that are neither superuser nor
/// BYPASSRLS. Production refuses to serve as such a role; development warns.
async fn check_row_security(db: &Db, production: bool) -> anyhow::Result<()> {
    let Some(role) = db.role().await? else { return Ok(()) };
    if !role.bypasses_row_security {
        return Ok(());
    }
    if production {
        bail!(
            "the database role {:?} bypasses row-level security (SUPERUSER or BYPASSRLS); \
             serve as a role without them and migrate with EENDRACHT_MIGRATION_DATABASE_URL",
            role.name
        );
    }
    tracing::warn!(role = %role.name, "the database role bypasses row-level security; production would refuse it");
    Ok(())
}

/// The HS256 secret: configured, or in development generated once beside the
/// database. Production without explicit keys refuses to start.
pub fn hs_secret(settings: &Settings) -> anyhow::Result<Option<SecretString>> {
    if let Some(secret) = &settings.jwt_secret {
        if secret.expose_secret().len() < 32 {
            bail!("EENDRACHT_JWT_SECRET must be at least 32 characters");
        }
        return Ok(Some(secret.clone()));
    }
    if settings.is_production() {
        if settings.jwt_public_keys.is_none() {
            bail!("in production set EENDRACHT_JWT_SECRET or EENDRACHT_JWT_PUBLIC_KEYS");
        }
        return Ok(None);
    }
    if settings.jwt_public_keys.is_some() {
        return Ok(None);
    }
    Ok(Some(auth::dev_secret(&settings.dev_secret_path())?))
}

/// The deployment's own issuer: the HS256 secret and/or the configured public keys.
pub fn verifier(settings: &Settings) -> anyhow::Result<Verifier> {
    let mut keys: Vec<VerificationKey> = Vec::new();
    if let Some(secret) = hs_secret(settings)? {
        keys.push(VerificationKey {
            kid: None,
            algorithm: Algorithm::HS256,
            key: DecodingKey::from_secret(secret.expose_secret().as_bytes()),
        });
    }
    if let Some(path) = &settings.jwt_public_keys {
        keys.extend(auth::load_public_keys(path)?);
    }
    Ok(Verifier::new(vec![Issuer {
        issuer: settings.jwt_issuer.clone(),
        audience: settings.jwt_audience.clone(),
        keys,
        binding: TenantBinding::FromTidClaim,
    }]))
}

/// What `eendracht token` signs with: the HS256 secret.
pub fn minter(settings: &Settings) -> anyhow::Result<Minter> {
    let secret = hs_secret(settings)?
        .context("minting needs the HS256 secret (EENDRACHT_JWT_SECRET); public keys cannot sign")?;
    Ok(Minter {
        key: EncodingKey::from_secret(secret.expose_secret().as_bytes()),
        issuer: settings.jwt_issuer.clone(),
        audience: settings.jwt_audience.clone(),
    })
}

/// Resolves on SIGINT (Ctrl-C) or SIGTERM. The handlers are installed here,
/// at the call, not when the future is first polled (axum polls it in a task
/// of its own): a signal that arrives once the server says it is listening is
/// always a graceful shutdown, never the default instant exit.
pub fn shutdown_signal() -> impl Future<Output = ()> + Send + 'static {
    #[cfg(unix)]
    let signals = {
        use tokio::signal::unix::{SignalKind, signal};
        (signal(SignalKind::interrupt()), signal(SignalKind::terminate()))
    };
    async move {
        #[cfg(unix)]
        match signals {
            (Ok(mut interrupt), Ok(mut terminate)) => {
                tokio::select! {
                    _ = interrupt.recv() => {},
                    _ = terminate.recv() => {},
                }
            }
            _ => {
                let _ = tokio::signal::ctrl_c().await;
            }
        }
        #[cfg(not(unix))]
        let _ = tokio::signal::ctrl_c().await;
        tracing::info!("shutting down: finishing requests in flight");
    }
}
