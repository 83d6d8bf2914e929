//! `GET /metrics`: the process's counters in the Prometheus text format.
//!
//! Each application has its own registry (tests run many in one process), held
//! in [`AppState`](super::AppState). Request metrics are recorded by
//! [`observe`](super::observe); the statement counter and the pool gauges are
//! read from the database pool when scraped.

use std::collections::HashSet;
use std::sync::{Mutex, PoisonError};
use std::time::Duration;

use anyhow::Context;
use axum::extract::State;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::IntoResponse;
use prometheus::{HistogramOpts, HistogramVec, IntCounter, IntCounterVec, IntGauge, Opts, Registry, TextEncoder};
use sea_orm::DbBackend;

use super::AppState;
use crate::store::Db;

/// Distinct operation names kept as label values; later names count as "other".
const MAX_OPERATION_NAMES: usize = 200;
/// The longest operation name kept as a label value.
const MAX_OPERATION_NAME_LEN: usize = 64;
/// The label for operations whose name is not kept.
pub const OTHER_OPERATION: &str = "other";

pub struct Metrics {
    registry: Registry,
    requests: IntCounterVec,
    duration: HistogramVec,
    statements: IntCounter,
    pool_in_use: IntGauge,
    pool_idle: IntGauge,
    pool_max: IntGauge,
    rate_limit_rejections: IntCounter,
    rate_limit_store_errors: IntCounter,
    subscriptions_active: IntGauge,
    /// Operation names seen so far: names come from clients, so the label's
    /// cardinality is bounded here.
    operations: Mutex<HashSet<String>>,
    /// Serialises scrapes, so two never add the same statements twice.
    scrape: Mutex<()>,
}

impl Metrics {
    pub fn new() -> anyhow::Result<Self> {
        let registry = Registry::new();
        let requests = IntCounterVec::new(
            Opts::new(
                "eendracht_requests_total",
                "GraphQL requests by operation name and outcome (ok or the error code).",
            ),
            &["operation", "outcome"],
        )?;
        let duration = HistogramVec::new(
            HistogramOpts::new("eendracht_request_duration_seconds", "GraphQL request latency by operation name."),
            &["operation"],
        )?;
        let statements =
            IntCounter::new("eendracht_statements_total", "SQL statements executed through the application's pool.")?;
        let pool_in_use =
            IntGauge::new("eendracht_db_pool_connections_in_use", "Database connections checked out of the pool.")?;
        let pool_idle =
            IntGauge::new("eendracht_db_pool_connections_idle", "Open database connections that are idle.")?;
        let pool_max = IntGauge::new("eendracht_db_pool_connections_max", "The most connections the pool opens.")?;
        let rate_limit_rejections = IntCounter::new(
            "eendracht_rate_limit_rejections_total",
            "Requests refused by rate limiting (outcome THROTTLED).",
        )?;
        registry.register(Box::new(requests.clone()))?;
        registry.register(Box::new(duration.clone()))?;
        registry.register(Box::new(statements.clone()))?;
        registry.register(Box::new(pool_in_use.clone()))?;
        registry.register(Box::new(pool_idle.clone()))?;
        registry.register(Box::new(pool_max.clone()))?;
        let rate_limit_store_errors = IntCounter::new(
            "eendracht_rate_limit_store_errors_total",
            "Rate-limit counter updates that failed (Redis unreachable); those requests were allowed.",
        )?;
        registry.register(Box::new(rate_limit_rejections.clone()))?;
        registry.register(Box::new(rate_limit_store_errors.clone()))?;
        let subscriptions_active = IntGauge::new(
            "eendracht_subscriptions_active",
            "Subscriptions listening for events over WebSocket (started and not yet ended).",
        )?;
        registry.register(Box::new(subscriptions_active.clone()))?;
        Ok(Self {
            registry,
            requests,
            duration,
            statements,
            pool_in_use,
            pool_idle,
            pool_max,
            rate_limit_rejections,
            rate_limit_store_errors,
            subscriptions_active,
            operations: Mutex::new(HashSet::new()),
            scrape: Mutex::new(()),
        })
    }

    /// Records one finished GraphQL request.
    pub fn observe(&self, operation: &str, outcome: &str, elapsed: Duration) {
        let operation = self.operation_label(operation);
        self.requests.with_label_values(&[operation.as_str(), outcome]).inc();
        self.duration.with_label_values(&[operation.as_str()]).observe(elapsed.as_secs_f64());
        if outcome == "THROTTLED" {
            self.rate_limit_rejections.inc();
        }
    }

    /// Counts rate-limit counter failures (for the [`RateLimiter`](super::RateLimiter)).
    pub fn rate_limit_store_errors(&self) -> IntCounter {
        self.rate_limit_store_errors.clone()
    }

    /// The gauge of subscriptions listening (for the WebSocket endpoint).
    pub fn subscriptions_active(&self) -> IntGauge {
        self.subscriptions_active.clone()
    }

    /// The label for an operation name: the name itself when it looks like a
    /// GraphQL name and fewer than [`MAX_OPERATION_NAMES`] were seen, else "other".
    fn operation_label(&self, name: &str) -> String {
        if !is_plain_name(name) {
            return OTHER_OPERATION.to_owned();
        }
        let mut seen = self.operations.lock().unwrap_or_else(PoisonError::into_inner);
        if seen.contains(name) {
            return name.to_owned();
        }
        if seen.len() >= MAX_OPERATION_NAMES {
            return OTHER_OPERATION.to_owned();
        }
        seen.insert(name.to_owned());
        name.to_owned()
    }

    /// Everything, in the Prometheus text format, with the pool read now.
    pub fn render(&self, db: &Db) -> anyhow::Result<String> {
        let _scrape = self.scrape.lock().unwrap_or_else(PoisonError::into_inner);
        let total = db.statement_count();
        let counted = self.statements.get();
        if total > counted {
            self.statements.inc_by(total - counted);
        }
        if let Some(pool) = pool_usage(db) {
            self.pool_in_use.set(pool.in_use);
            self.pool_idle.set(pool.idle);
            self.pool_max.set(pool.max);
        }
        TextEncoder::new().encode_to_string(&self.registry.gather()).context("encoding metrics")
    }
}

/// `[A-Za-z_][A-Za-z0-9_]{0,63}`: what a GraphQL operation name looks like,
/// bounded in length.
fn is_plain_name(name: &str) -> bool {
    let mut bytes = name.bytes();
    let Some(first) = bytes.next() else { return false };
    name.len() <= MAX_OPERATION_NAME_LEN
        && (first.is_ascii_alphabetic() || first == b'_')
        && bytes.all(|b| b.is_ascii_alphanumeric() || b == b'_')
}

struct PoolUsage {
    in_use: i64,
    idle: i64,
    max: i64,
}

fn pool_usage(db: &Db) -> Option<PoolUsage> {
    let conn = db.connection();
    let (size, idle, max) = match db.backend() {
        DbBackend::Postgres => {
            let pool = conn.get_postgres_connection_pool();
            (pool.size(), pool.num_idle(), pool.options().get_max_connections())
        }
        DbBackend::Sqlite => {
            let pool = conn.get_sqlite_connection_pool();
            (pool.size(), pool.num_idle(), pool.options().get_max_connections())
        }
        _ => return None,
    };
    let idle = i64::try_from(idle).unwrap_or(i64::MAX);
    Some(PoolUsage { in_use: (i64::from(size) - idle).max(0), idle, max: i64::from(max) })
}

pub async fn metrics(State(state): State<AppState>) -> axum::response::Response {
    match state.metrics.render(&state.db) {
        Ok(text) => {
            ([(header::CONTENT_TYPE, HeaderValue::from_static("text/plain; version=0.0.4; charset=utf-8"))], text)
                .into_response()
        }
        Err(error) => {
            tracing::error!(error = format!("{error:#}"), "rendering metrics");
            StatusCode::INTERNAL_SERVER_ERROR.into_response()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn operation_names_from_clients_cannot_grow_the_label_set_without_bound() {
        let metrics = Metrics::new().expect("metrics");
        assert_eq!(metrics.operation_label("ViewerDashboard"), "ViewerDashboard");
        assert_eq!(metrics.operation_label("_private1"), "_private1");
        assert_eq!(metrics.operation_label("1abc"), OTHER_OPERATION);
        assert_eq!(metrics.operation_label("drop table;"), OTHER_OPERATION);
        assert_eq!(metrics.operation_label(""), OTHER_OPERATION);
        assert_eq!(metrics.operation_label(&"a".repeat(65)), OTHER_OPERATION);
        assert_eq!(metrics.operation_label(&"a".repeat(64)), "a".repeat(64));
        for i in 0..MAX_OPERATION_NAMES {
            metrics.operation_label(&format!("Op{i}"));
        }
        assert_eq!(metrics.operation_label("ViewerDashboard"), "ViewerDashboard", "names already seen are kept");
        assert_eq!(metrics.operation_label("OneTooMany"), OTHER_OPERATION);
    }
}
