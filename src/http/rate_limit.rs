//! Rate limiting: THROTTLED and HTTP 429 with `Retry-After` (README, "Rate
//! limits"; docs/security.md), shared across API processes through Redis.
//!
//! Every operation costs points (`graphql::cost`): the rows it asks for,
//! charged before it runs, settled to the rows its answer holds. Two budgets per
//! fixed window of [`WINDOW_SECS`] apply to each operation: the tenant's
//! (`EENDRACHT_RATE_LIMIT_TENANT_POINTS`) and the person's or API client's
//! (`EENDRACHT_RATE_LIMIT_PERSON_POINTS`, keyed by tenant and token subject).
//!
//! The counters live in Redis when `EENDRACHT_REDIS_URL` is set, so every API
//! process spends from one budget, and in this process otherwise. When Redis
//! fails the request is allowed (fail open), a warning logged and
//! `eendracht_rate_limit_store_errors_total` counted, and for the next
//! [`REDIS_PAUSE`] requests are allowed without asking it: an outage of the
//! counters must neither take the API down nor slow it.
//!
//! Windows follow the application's [`Clock`], so tests that stand the clock
//! still see one window.

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

use anyhow::Context;
use prometheus::IntCounter;
use redis::aio::{ConnectionManager, ConnectionManagerConfig};
use secrecy::{ExposeSecret, SecretString};

use crate::auth::{Principal, TenantRef};
use crate::clock::Clock;
use crate::domain::AppError;
use crate::graphql::rate_limit::{Budget, Charger};

/// The length of a window, in seconds.
pub const WINDOW_SECS: u64 = 60;

/// A Redis command that takes longer than this is a failure (and allowed).
const REDIS_TIMEOUT: Duration = Duration::from_millis(500);

/// After a Redis failure, requests are allowed without asking it for this long.
const REDIS_PAUSE: Duration = Duration::from_secs(5);

/// In-process counters of past windows are dropped once there are this many.
const MAX_LOCAL_KEYS: usize = 10_000;

/// The budgets of one deployment, in points per window (set by
/// `config::RateLimits`); 0 turns a budget off.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RateLimits {
    /// Points a tenant may spend per minute, all its people and clients together.
    pub tenant_points: u64,

    /// Points one person (or API client: one token subject) may spend per minute.
    pub person_points: u64,

    /// Failed authentications (401s) one source address may cause per
    /// minute; past it the address is answered 429 before any token is
    /// looked at. Unknown people never spend their tenant's budget.
    pub auth_failures: u64,
}

impl RateLimits {
    /// 200,000 points a minute per tenant, 20,000 per person: a person may
    /// run twenty operations at the cost limit (1,000) a minute, or about 80
    /// pages of twenty commitments with their parties and ratifications (the
    /// dearest of the screens in `examples/operations`, 237 points on the
    /// demo); the tenant, ten such people.
    pub const DEFAULT: Self = Self { tenant_points: 200_000, person_points: 20_000, auth_failures: 60 };

    /// No limiting at all.
    pub const OFF: Self = Self { tenant_points: 0, person_points: 0, auth_failures: 0 };
}

impl Default for RateLimits {
    fn default() -> Self {
        Self::DEFAULT
    }
}

/// What a charge or a peek found: the tighter of the two budgets.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Decision {
    pub limit: u64,
    pub remaining: u64,
    /// Seconds until the window ends (and the budget is full again).
    pub reset_secs: u64,
    pub throttled: bool,
}

impl Decision {
    /// The tighter of two: a throttled one, else the one with less left (on a
    /// tie the smaller budget).
    fn tighter(self, other: Self) -> Self {
        match (self.throttled, other.throttled) {
            (true, false) => self,
            (false, true) => other,
            _ if (other.remaining, other.limit) < (self.remaining, self.limit) => other,
            _ => self,
        }
    }

    /// Several operations of one request: the tighter, throttled if any was.
    pub fn merge(self, other: Self) -> Self {
        let mut merged = self.tighter(other);
        merged.throttled = self.throttled || other.throttled;
        merged
    }
}

enum Counters {
    Local(Mutex<HashMap<String, (u64, u64)>>),
    /// The connection, and until when it is not asked after a failure (so an
    /// outage costs each request nothing rather than a timeout).
    Redis(ConnectionManager, Mutex<Option<Instant>>),
}

/// The counters and the budgets.
pub struct RateLimiter {
    limits: RateLimits,
    counters: Counters,
    clock: Arc<dyn Clock>,
    store_errors: IntCounter,
}

/// Which budget a counter belongs to.
#[derive(Clone, Copy)]
enum Scope {
    Tenant,
    Person,
    /// Failed authentications per source address.
    Source,
}

impl RateLimiter {
    /// In-process counters, or Redis ones when `redis_url` is set. The Redis
    /// connection is made on first use; a URL that does not parse is refused here.
    pub fn new(
        limits: RateLimits,
        redis_url: Option<&SecretString>,
        clock: Arc<dyn Clock>,
        store_errors: IntCounter,
    ) -> anyhow::Result<Self> {
        let counters = match redis_url {
            None => Counters::Local(Mutex::new(HashMap::new())),
            Some(url) => {
                let client = redis::Client::open(url.expose_secret())
                    .context("EENDRACHT_REDIS_URL is not a Redis URL like redis://127.0.0.1:6379")?;
                let config = ConnectionManagerConfig::new()
                    .set_connection_timeout(Some(REDIS_TIMEOUT))
                    .set_response_timeout(Some(REDIS_TIMEOUT))
                    .set_number_of_retries(1);
                Counters::Redis(
                    ConnectionManager::new_lazy_with_config(client, config)
                        .context("setting up the Redis connection")?,
                    Mutex::new(None),
                )
            }
        };
        Ok(Self { limits, counters, clock, store_errors })
    }

    pub fn is_off(&self) -> bool {
        self.limits.tenant_points == 0 && self.limits.person_points == 0 && self.limits.auth_failures == 0
    }

    /// The failure budget of a source address, with its counter key.
    fn failure_budget(&self, source: IpAddr) -> Vec<(u64, String)> {
        if self.limits.auth_failures == 0 {
            return Vec::new();
        }
        vec![(self.limits.auth_failures, key(Scope::Source, &source.to_string()))]
    }

    /// Whether `source` has spent its failed authentications: throttled then.
    pub async fn peek_failures(&self, source: IpAddr) -> Option<Decision> {
        self.count_budgets(self.failure_budget(source), Count::Peek).await
    }

    /// Counts one failed authentication of `source`.
    pub async fn charge_failure(&self, source: IpAddr) -> Option<Decision> {
        self.count_budgets(self.failure_budget(source), Count::Spend(1)).await
    }

    /// Answers a request that presents a secret of its own (client
    /// credentials, a calendar feed's URL): `refused` (given the seconds to
    /// wait) when `source` has spent its failed authentications, before the
    /// secret is looked up; otherwise `answer`, and an answer with status
    /// `failure` counts one more failure against `source`.
    pub async fn guarding_secrets(
        &self,
        source: Option<IpAddr>,
        failure: axum::http::StatusCode,
        refused: impl FnOnce(u64) -> axum::response::Response,
        answer: impl Future<Output = axum::response::Response>,
    ) -> axum::response::Response {
        if let Some(source) = source
            && let Some(decision) = self.peek_failures(source).await
            && decision.throttled
        {
            return refused(decision.reset_secs);
        }
        let response = answer.await;
        if response.status() == failure
            && let Some(source) = source
        {
            self.charge_failure(source).await;
        }
        response
    }

    /// The budgets that apply, with their counter keys (without the window).
    fn budgets(&self, principal: &Principal) -> Vec<(u64, String)> {
        let tenant = match &principal.tenant {
            TenantRef::Slug(slug) => slug.clone(),
            TenantRef::Id(id) => id.to_string(),
        };
        let mut budgets = Vec::with_capacity(2);
        if self.limits.tenant_points > 0 {
            budgets.push((self.limits.tenant_points, key(Scope::Tenant, &tenant)));
        }
        if self.limits.person_points > 0 {
            budgets.push((self.limits.person_points, key(Scope::Person, &format!("{tenant}/{}", principal.key()))));
        }
        budgets
    }

    /// (window number, seconds until it ends).
    fn window(&self) -> (u64, u64) {
        let now = u64::try_from(self.clock.now().timestamp()).unwrap_or_default();
        (now / WINDOW_SECS, WINDOW_SECS - now % WINDOW_SECS)
    }

    /// Where the budgets stand, spending nothing; `None` when limiting is off
    /// or the counters cannot be read. Throttled when a budget is spent.
    pub async fn peek(&self, principal: &Principal) -> Option<Decision> {
        self.count_budgets(self.budgets(principal), Count::Peek).await
    }

    /// Spends `points` from both budgets; throttled when either goes over.
    pub async fn charge(&self, principal: &Principal, points: u64) -> Option<Decision> {
        self.count_budgets(self.budgets(principal), Count::Spend(points.max(1))).await
    }

    async fn count_budgets(&self, budgets: Vec<(u64, String)>, count: Count) -> Option<Decision> {
        if budgets.is_empty() {
            return None;
        }
        let (window, reset_secs) = self.window();
        let keys: Vec<String> = budgets.iter().map(|(_, key)| format!("{key}:{window}")).collect();
        let used = match &self.counters {
            Counters::Local(map) => local_count(map, &budgets, window, count.delta()),
            Counters::Redis(connection, paused) => {
                let mut paused_until = *paused.lock().unwrap_or_else(PoisonError::into_inner);
                if paused_until.is_some_and(|until| Instant::now() >= until) {
                    paused_until = None;
                }
                if paused_until.is_some() {
                    self.store_errors.inc();
                    return None;
                }
                match redis_count(connection.clone(), &keys, count.delta()).await {
                    Ok(used) => used,
                    Err(error) => {
                        self.store_errors.inc();
                        *paused.lock().unwrap_or_else(PoisonError::into_inner) = Some(Instant::now() + REDIS_PAUSE);
                        tracing::warn!(
                            error = format!("{error:#}"),
                            pause_secs = REDIS_PAUSE.as_secs(),
                            "rate-limit counters unavailable: requests are allowed"
                        );
                        return None;
                    }
                }
            }
        };
        budgets
            .iter()
            .zip(used)
            .map(|((limit, _), used)| Decision {
                limit: *limit,
                remaining: limit.saturating_sub(used),
                reset_secs,
                // A peek finds a spent budget; a charge one that it overdrew;
                // a settlement refuses nothing (the work is done).
                throttled: match count {
                    Count::Peek => used >= *limit,
                    Count::Spend(_) => used > *limit,
                    Count::Adjust(_) => false,
                },
            })
            .reduce(Decision::tighter)
    }

    /// The [`Charger`] for one HTTP request: charges each operation and keeps
    /// the decisions, merged, in `slot`.
    pub fn charger(self: &Arc<Self>, principal: &Principal, slot: Arc<Mutex<Option<Decision>>>) -> Charger {
        Charger::new(RequestBudget {
            limiter: self.clone(),
            principal: principal.clone(),
            slot,
            window: Mutex::new(None),
        })
    }

    /// Adds `delta` points (a refund when negative) to the budgets' counters
    /// of `window`, without refusing anything; `None` when `window` is over.
    async fn adjust(&self, principal: &Principal, window: u64, delta: i64) -> Option<Decision> {
        if self.window().0 != window {
            return None;
        }
        self.count_budgets(self.budgets(principal), Count::Adjust(delta)).await
    }
}

/// One request's spending: the window its charges went to, so a refund goes
/// back to the same counters.
struct RequestBudget {
    limiter: Arc<RateLimiter>,
    principal: Principal,
    slot: Arc<Mutex<Option<Decision>>>,
    window: Mutex<Option<u64>>,
}

impl RequestBudget {
    fn keep(&self, decision: Decision, merge: bool) {
        let mut kept = self.slot.lock().unwrap_or_else(PoisonError::into_inner);
        *kept = Some(match *kept {
            Some(earlier) if merge => earlier.merge(decision),
            // A settlement moves the counters, so its figures replace the
            // earlier ones; a refusal among the operations still shows.
            Some(earlier) => Decision { throttled: earlier.throttled, ..decision },
            None => decision,
        });
    }
}

#[async_trait::async_trait]
impl Budget for RequestBudget {
    async fn charge(&self, points: u64) -> Result<(), AppError> {
        let window = self.limiter.window().0;
        let Some(decision) = self.limiter.charge(&self.principal, points).await else { return Ok(()) };
        *self.window.lock().unwrap_or_else(PoisonError::into_inner) = Some(window);
        self.keep(decision, true);
        if decision.throttled { Err(AppError::Throttled { retry_after_secs: decision.reset_secs }) } else { Ok(()) }
    }

    async fn settle(&self, requested: u64, actual: u64) {
        let charged_in = *self.window.lock().unwrap_or_else(PoisonError::into_inner);
        let current = self.limiter.window().0;
        let delta =
            i64::try_from(actual).unwrap_or(i64::MAX).saturating_sub(i64::try_from(requested).unwrap_or(i64::MAX));
        // A refund goes to the window the estimate was charged to (once that
        // window is over there is nothing left to give back); more spending
        // goes to the current one.
        let window = if delta < 0 { charged_in.unwrap_or(current) } else { current };
        if let Some(decision) = self.limiter.adjust(&self.principal, window, delta).await {
            self.keep(decision, false);
        }
    }
}

fn key(scope: Scope, id: &str) -> String {
    let scope = match scope {
        Scope::Tenant => "tenant",
        Scope::Person => "person",
        Scope::Source => "source",
    };
    format!("eendracht:rl:{scope}:{id}")
}

/// What a count does to the counters.
#[derive(Clone, Copy)]
enum Count {
    /// Reads them.
    Peek,
    /// Spends points, refused past the budget.
    Spend(u64),
    /// Settles an estimate: adds (or gives back) points, refusing nothing.
    Adjust(i64),
}

impl Count {
    fn delta(self) -> i64 {
        match self {
            Count::Peek => 0,
            Count::Spend(points) => i64::try_from(points).unwrap_or(i64::MAX),
            Count::Adjust(delta) => delta,
        }
    }
}

/// Adds `delta` to each budget's counter of `window` (never below zero);
/// the counts after.
fn local_count(
    map: &Mutex<HashMap<String, (u64, u64)>>,
    budgets: &[(u64, String)],
    window: u64,
    delta: i64,
) -> Vec<u64> {
    let mut map = map.lock().unwrap_or_else(PoisonError::into_inner);
    if map.len() >= MAX_LOCAL_KEYS {
        map.retain(|_, (counted, _)| *counted == window);
    }
    budgets
        .iter()
        .map(|(_, key)| {
            let entry = map.entry(key.clone()).or_insert((window, 0));
            if entry.0 != window {
                *entry = (window, 0);
            }
            entry.1 = entry.1.saturating_add_signed(delta);
            entry.1
        })
        .collect()
}

/// `INCRBY` each key by `delta` (one `MULTI`, the key expiring after two
/// windows), or `MGET` them for a peek (`delta` 0); the counts after. A
/// refund only gives back what the same window was charged, so a counter
/// stays at or above zero; one below would read as zero.
async fn redis_count(mut connection: ConnectionManager, keys: &[String], delta: i64) -> anyhow::Result<Vec<u64>> {
    let command = async {
        let counts: Vec<Option<i64>> = if delta == 0 {
            redis::cmd("MGET").arg(keys).query_async(&mut connection).await?
        } else {
            let mut pipe = redis::pipe();
            pipe.atomic();
            for key in keys {
                pipe.cmd("INCRBY").arg(key).arg(delta);
                pipe.cmd("EXPIRE").arg(key).arg(2 * WINDOW_SECS).arg("NX").ignore();
            }
            pipe.query_async(&mut connection).await?
        };
        Ok::<_, redis::RedisError>(
            counts.into_iter().map(|count| count.unwrap_or_default().max(0).unsigned_abs()).collect(),
        )
    };
    tokio::time::timeout(REDIS_TIMEOUT, command).await.context("Redis did not answer in time")?.context("Redis")
}

#[cfg(test)]
mod tests {
    use chrono::{TimeZone, Utc};

    use super::*;
    use crate::clock::ManualClock;

    fn principal(tenant: &str, subject: &str) -> Principal {
        Principal::person(TenantRef::Slug(tenant.to_owned()), subject)
    }

    fn limiter(limits: RateLimits, clock: &ManualClock) -> RateLimiter {
        let errors = IntCounter::new("errors", "errors").expect("counter");
        RateLimiter::new(limits, None, Arc::new(clock.clone()), errors).expect("limiter")
    }

    #[tokio::test]
    async fn budgets_are_spent_per_person_and_tenant_and_refilled_each_window() {
        let start = Utc.with_ymd_and_hms(2026, 3, 2, 9, 0, 20).single().expect("time");
        let clock = ManualClock::new(start);
        let limiter = limiter(RateLimits { tenant_points: 100, person_points: 30, auth_failures: 0 }, &clock);
        let (ann, bob, other) = (principal("a", "ann"), principal("a", "bob"), principal("b", "ann"));
        let first = limiter.charge(&ann, 20).await.expect("decision");
        assert_eq!(first, Decision { limit: 30, remaining: 10, reset_secs: 40, throttled: false });
        assert!(!limiter.peek(&ann).await.expect("decision").throttled);
        let second = limiter.charge(&ann, 20).await.expect("decision");
        assert!(second.throttled, "{second:?}");
        assert_eq!(second.remaining, 0);
        assert!(limiter.peek(&ann).await.expect("decision").throttled);
        // Another person of the tenant, and the same subject in another tenant.
        assert!(!limiter.charge(&bob, 25).await.expect("decision").throttled);
        assert!(!limiter.charge(&other, 1).await.expect("decision").throttled);
        let carol = limiter.charge(&principal("a", "carol"), 30).await.expect("decision");
        assert_eq!(carol, Decision { limit: 30, remaining: 0, reset_secs: 40, throttled: false });
        // The tenant's budget (100) now has 5 left: tighter than a fresh person's.
        let dave = limiter.peek(&principal("a", "dave")).await.expect("decision");
        assert_eq!((dave.limit, dave.remaining, dave.throttled), (100, 5, false));
        assert!(limiter.charge(&principal("a", "dave"), 6).await.expect("decision").throttled);
        clock.set(start + chrono::Duration::seconds(40));
        assert!(!limiter.peek(&ann).await.expect("decision").throttled, "a new window");
        // Zero points still cost one.
        assert_eq!(limiter.charge(&ann, 0).await.expect("decision").remaining, 29);
    }

    #[tokio::test]
    async fn off_decides_nothing() {
        let clock = ManualClock::new(Utc::now());
        let limiter = limiter(RateLimits::OFF, &clock);
        assert!(limiter.is_off());
        assert_eq!(limiter.charge(&principal("a", "ann"), 1_000_000).await, None);
    }
}
