//! The outbox mechanics that webhook deliveries and mails share: which rows
//! are due, taking a lease on them by compare-and-set, and what an attempt
//! makes of a row under the one retry schedule
//! (`domain::integration::retry_delay`).
//!
//! A row is PENDING until an attempt succeeds; a worker leases it
//! (`lease_until`) and commits before sending, so a worker that dies while
//! sending leaves a lease that runs out, and the row is sent again: at least
//! once, never lost. Two workers never hold the same row: the lease is taken
//! with `UPDATE … WHERE` the row is still free, and only the one whose update
//! changed the row sends it.

use chrono::{DateTime, Duration as ChronoDuration, Utc};
use entity::DeliveryStatus;
use sea_orm::sea_query::{Expr, IntoCondition};
use sea_orm::{ColumnTrait, Condition, ConnectionTrait, QueryFilter};
use uuid::Uuid;

use crate::domain::AppResult;
use crate::domain::integration::retry_delay;
use crate::errors::Context;
use crate::scope::TenantScoped;

/// A table of leased outbox rows: the columns the mechanics need.
pub(crate) trait Leased: TenantScoped {
    fn id() -> Self::Column;
    fn status() -> Self::Column;
    fn next_attempt_at() -> Self::Column;
    fn lease_until() -> Self::Column;
}

impl Leased for entity::webhook_delivery::Entity {
    fn id() -> Self::Column {
        entity::webhook_delivery::Column::Id
    }
    fn status() -> Self::Column {
        entity::webhook_delivery::Column::Status
    }
    fn next_attempt_at() -> Self::Column {
        entity::webhook_delivery::Column::NextAttemptAt
    }
    fn lease_until() -> Self::Column {
        entity::webhook_delivery::Column::LeaseUntil
    }
}

impl Leased for entity::mail::Entity {
    fn id() -> Self::Column {
        entity::mail::Column::Id
    }
    fn status() -> Self::Column {
        entity::mail::Column::Status
    }
    fn next_attempt_at() -> Self::Column {
        entity::mail::Column::NextAttemptAt
    }
    fn lease_until() -> Self::Column {
        entity::mail::Column::LeaseUntil
    }
}

/// Rows nobody holds at `now`.
fn free<E: Leased>(now: DateTime<Utc>) -> Condition {
    Condition::any().add(E::lease_until().is_null()).add(E::lease_until().lte(now))
}

/// PENDING rows that are due at `now` and not leased.
pub(crate) fn due<E: Leased>(now: DateTime<Utc>) -> Condition {
    Condition::all().add(E::status().eq(DeliveryStatus::Pending)).add(E::next_attempt_at().lte(now)).add(free::<E>(now))
}

/// The end of a lease taken at `now`.
pub(crate) fn lease_end(now: DateTime<Utc>, lease: std::time::Duration) -> DateTime<Utc> {
    now + ChronoDuration::from_std(lease).unwrap_or(ChronoDuration::minutes(1))
}

/// Leases the row `id` until `until` if it is still PENDING and free; whether
/// this worker got it.
pub(crate) async fn take<E: Leased>(
    conn: &impl ConnectionTrait,
    tenant_id: Uuid,
    id: Uuid,
    now: DateTime<Utc>,
    until: DateTime<Utc>,
) -> AppResult<bool> {
    let taken = E::update_many()
        .col_expr(E::lease_until(), Expr::value(until))
        .filter(E::tenant_column().eq(tenant_id))
        .filter(E::id().eq(id))
        .filter(E::status().eq(DeliveryStatus::Pending))
        .filter(free::<E>(now).into_condition())
        .exec(conn)
        .await
        .context("taking a lease")?;
    Ok(taken.rows_affected == 1)
}

/// Where a row stands after an attempt.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Settled {
    pub status: DeliveryStatus,
    pub attempts: i32,
    pub next_attempt_at: Option<DateTime<Utc>>,
    /// When it succeeded.
    pub done_at: Option<DateTime<Utc>>,
}

/// What attempt number `attempts + 1` makes of a row: done on success; on a
/// failure the next try after the schedule's wait (`jitter` in [-1, 1]), or
/// FAILED when the schedule ran out or the failure is `permanent`.
pub(crate) fn settle(attempts: i32, succeeded: bool, permanent: bool, jitter: f64, now: DateTime<Utc>) -> Settled {
    let attempts = attempts + 1;
    if succeeded {
        return Settled { status: DeliveryStatus::Delivered, attempts, next_attempt_at: None, done_at: Some(now) };
    }
    match retry_delay(attempts.unsigned_abs(), jitter).filter(|_| !permanent) {
        Some(wait) => Settled {
            status: DeliveryStatus::Pending,
            attempts,
            next_attempt_at: Some(now + ChronoDuration::from_std(wait).unwrap_or(ChronoDuration::hours(1))),
            done_at: None,
        },
        None => Settled { status: DeliveryStatus::Failed, attempts, next_attempt_at: None, done_at: None },
    }
}
