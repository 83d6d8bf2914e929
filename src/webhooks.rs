//! The webhook worker: moves events from the outbox to receivers, signed per
//! the Standard Webhooks convention, retried on schedule.
//!
//! Each tick, for every tenant (one tenant per transaction, for row-level
//! security): fan the outbox out into deliveries, lease what is due, send it
//! outside any transaction, record the answers. The store module
//! (`store::webhooks`) holds the rules of each step; this one holds the loop,
//! the HTTP and the signature.

use std::sync::Arc;
use std::time::{Duration, Instant};

use futures_util::StreamExt;
use futures_util::stream;
use serde_json::json;
use standardwebhooks::Webhook as Signer;
use uuid::Uuid;

use crate::clock::Clock;
use crate::domain::AppResult;
use crate::outbound::OutboundPolicy;
use crate::store::webhooks::{AttemptOutcome, ClaimedDelivery};
use crate::store::{Access, Db, Store};

/// How the worker runs; `Default` is production's.
#[derive(Debug, Clone)]
pub struct WorkerSettings {
    /// How long to sleep when there was nothing to do.
    pub poll_interval: Duration,
    /// How long a claimed delivery is held before another worker may take it:
    /// longer than `request_timeout`, so only a dead worker loses its lease.
    pub lease: Duration,
    /// How long a receiver gets to answer.
    pub request_timeout: Duration,
    /// Outbox rows and due deliveries taken per tenant and tick.
    pub batch: u64,
    /// Deliveries sent at the same time.
    pub concurrency: usize,
    /// Whether receivers may be on loopback, private, link-local or other
    /// internal addresses. Off in production: a webhook URL is chosen by a
    /// tenant's people and API clients, and must not reach the deployment's
    /// own network (cloud metadata, databases) through the worker. The same
    /// setting governs partner JWKS fetches ([`crate::outbound`]).
    pub allow_private_targets: bool,
}

impl Default for WorkerSettings {
    fn default() -> Self {
        Self {
            poll_interval: Duration::from_secs(1),
            lease: Duration::from_secs(60),
            request_timeout: Duration::from_secs(10),
            batch: 100,
            concurrency: 8,
            allow_private_targets: false,
        }
    }
}

/// A number in [-1, 1] that stretches a retry wait; random in production, a
/// constant in tests that count attempts by the clock.
pub type Jitter = Arc<dyn Fn() -> f64 + Send + Sync>;

/// What one tick did, for logs and tests.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct TickReport {
    pub fanned_out: usize,
    pub attempted: usize,
    pub delivered: usize,
}

#[derive(Clone)]
pub struct WebhookWorker {
    db: Db,
    clock: Arc<dyn Clock>,
    http: reqwest::Client,
    settings: WorkerSettings,
    jitter: Jitter,
}

impl WebhookWorker {
    pub fn new(db: Db, clock: Arc<dyn Clock>, settings: WorkerSettings) -> anyhow::Result<Self> {
        // The one outbound policy, shared with the partner JWKS fetcher.
        let http = OutboundPolicy::from_allow_private(settings.allow_private_targets)
            .client_builder()
            .timeout(settings.request_timeout)
            .redirect(reqwest::redirect::Policy::none())
            .user_agent(concat!("Eendracht-Webhooks/", env!("CARGO_PKG_VERSION")))
            .build()?;
        Ok(Self { db, clock, http, settings, jitter: Arc::new(|| rand::random_range(-1.0..=1.0)) })
    }

    pub fn with_jitter(mut self, jitter: Jitter) -> Self {
        self.jitter = jitter;
        self
    }

    /// Ticks until `stop` resolves. A failing tick is logged and retried on
    /// the next; the worker never takes the server down.
    pub async fn run(self, stop: impl Future<Output = ()> + Send) {
        let poll = self.settings.poll_interval;
        run_ticks("webhook", poll, || async { self.tick().await.map(|t| t != TickReport::default()) }, stop).await;
    }

    /// One pass over every tenant.
    pub async fn tick(&self) -> AppResult<TickReport> {
        let mut report = TickReport::default();
        for tenant_id in self.db.tenant_ids().await? {
            let tenant = self.tick_tenant(tenant_id).await?;
            report.fanned_out += tenant.fanned_out;
            report.attempted += tenant.attempted;
            report.delivered += tenant.delivered;
        }
        Ok(report)
    }

    async fn tick_tenant(&self, tenant_id: Uuid) -> AppResult<TickReport> {
        let look = Store::system(&self.db, tenant_id, Access::Read, self.clock.clone()).await?;
        let has_work = look.has_webhook_work().await;
        look.rollback().await;
        if !has_work? {
            return Ok(TickReport::default());
        }
        let store = self.store(tenant_id).await?;
        let fanned_out = store.fan_out(self.settings.batch).await?;
        let claimed = store.claim_due(self.settings.lease, self.settings.batch).await?;
        store.commit().await?;

        let outcomes: Vec<(ClaimedDelivery, AttemptOutcome)> = stream::iter(claimed)
            .map(|claimed| async move {
                let outcome = self.send(&claimed).await;
                (claimed, outcome)
            })
            .buffer_unordered(self.settings.concurrency)
            .collect()
            .await;

        let attempted = outcomes.len();
        let delivered = outcomes.iter().filter(|(_, outcome)| outcome.succeeded()).count();
        for (claimed, outcome) in outcomes {
            // One transaction per answer: a failure to record one does not
            // lose the others (that one is sent again after its lease).
            let store = self.store(tenant_id).await?;
            match store.record_attempt(&claimed, &outcome, (self.jitter)()).await {
                Ok(()) => store.commit().await?,
                Err(error) => {
                    store.rollback().await;
                    tracing::error!(%error, delivery = %claimed.delivery.id, "recording a webhook attempt failed");
                }
            }
        }
        Ok(TickReport { fanned_out, attempted, delivered })
    }

    async fn store(&self, tenant_id: Uuid) -> AppResult<Store> {
        Store::system(&self.db, tenant_id, Access::Write, self.clock.clone()).await
    }

    /// One attempt: the signed POST and what came of it.
    async fn send(&self, claimed: &ClaimedDelivery) -> AttemptOutcome {
        let started = Instant::now();
        let result = self.post(claimed).await;
        let duration_ms = i32::try_from(started.elapsed().as_millis()).unwrap_or(i32::MAX);
        match result {
            Ok(status) => AttemptOutcome { status_code: Some(status), error: None, duration_ms },
            Err(error) => AttemptOutcome { status_code: None, error: Some(error), duration_ms },
        }
    }

    async fn post(&self, claimed: &ClaimedDelivery) -> Result<u16, String> {
        OutboundPolicy::from_allow_private(self.settings.allow_private_targets).check_url(&claimed.webhook.url)?;
        let body = serde_json::to_vec(&payload(claimed)).map_err(|e| e.to_string())?;
        // The same id on every attempt and redelivery of one event, so a
        // receiver can drop what it already processed.
        let message_id = format!("msg_{}", claimed.event.id.simple());
        // The wall clock, not the injectable one: receivers check the
        // timestamp against their own clocks to refuse replays.
        let timestamp = chrono::Utc::now();
        let signer = Signer::new(&claimed.webhook.secret).map_err(|e| format!("bad signing secret: {e}"))?;
        let signature =
            signer.sign(&message_id, timestamp.timestamp(), &body).map_err(|e| format!("signing failed: {e}"))?;
        let response = self
            .http
            .post(&claimed.webhook.url)
            .header("content-type", "application/json")
            .header("webhook-id", &message_id)
            .header("webhook-timestamp", timestamp.timestamp().to_string())
            .header("webhook-signature", signature)
            .body(body)
            .send()
            .await
            .map_err(|e| describe_transport_error(&e))?;
        Ok(response.status().as_u16())
    }
}

/// The loop of a background worker: `tick` at once again while it finds
/// work (`Ok(true)`), else after `poll_interval`, until `stop` resolves. A
/// failing tick is logged and retried on the next; a worker never takes the
/// server down. The webhook and mail workers share it.
pub async fn run_ticks<F, Fut>(name: &str, poll_interval: Duration, mut tick: F, stop: impl Future<Output = ()> + Send)
where
    F: FnMut() -> Fut,
    Fut: Future<Output = AppResult<bool>>,
{
    tokio::pin!(stop);
    loop {
        let busy = match tick().await {
            Ok(busy) => busy,
            Err(error) => {
                tracing::error!(%error, worker = name, "worker tick failed");
                false
            }
        };
        if busy {
            continue;
        }
        tokio::select! {
            () = &mut stop => return,
            () = tokio::time::sleep(poll_interval) => {}
        }
    }
}

/// The thin payload: kinds and ids (global ids, as the API shows them) and
/// the event's changed fields, never names, e-mail addresses or free text.
fn payload(claimed: &ClaimedDelivery) -> serde_json::Value {
    let event = &claimed.event;
    json!({
        "type": event.kind,
        "timestamp": event.occurred_at.to_rfc3339_opts(chrono::SecondsFormat::Millis, true),
        "data": crate::graphql::event_summary(event, &claimed.organisation_ids),
    })
}

fn describe_transport_error(error: &reqwest::Error) -> String {
    if error.is_timeout() {
        "the receiver did not answer in time".to_owned()
    } else if error.is_connect() {
        // The innermost cause says why: refused, unknown host, private address.
        let mut cause: &dyn std::error::Error = error;
        while let Some(source) = cause.source() {
            cause = source;
        }
        format!("the receiver could not be reached: {cause}")
    } else {
        format!("sending failed: {error}")
    }
}
