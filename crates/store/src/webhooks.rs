//! Webhooks: their settings, the outbox, deliveries and the delivery log.
//!
//! The path of an event to a receiver, each step its own short transaction:
//! 1. `enqueue`: the transaction that writes a network event also writes an
//!    outbox row (only when the tenant has an enabled webhook).
//! 2. `fan_out`: the worker turns outbox rows into one PENDING delivery per
//!    webhook that wants the kind and may see the event, and removes the rows.
//! 3. `claim_due`: the worker leases due deliveries (compare-and-set on
//!    `lease_until`), commits, and sends them outside any transaction.
//! 4. `record_attempt`: the answer is written to the log and the delivery is
//!    DELIVERED, rescheduled, or FAILED. A worker that dies between 3 and 4
//!    leaves a lease that runs out, and the delivery is sent again with the
//!    same `webhook-id`: at least once, never lost.

use std::collections::HashMap;
use std::collections::hash_map::Entry;

use chrono::{DateTime, Utc};
use entity::{DeliveryStatus, event, webhook, webhook_attempt, webhook_delivery, webhook_outbox};
use sea_orm::sea_query::{Expr, Query};
use sea_orm::{ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use uuid::Uuid;

use super::events::NewEvent;
use super::{Direction, Page, PageRequest, Store, classify, lease};
use crate::domain::events::EventKind;
use crate::domain::{AppError, AppResult};
use crate::errors::Context;

/// A new webhook, validated: exactly one of organisation and network.
#[derive(Debug, Clone)]
pub struct NewWebhook {
    pub organisation_id: Option<Uuid>,
    pub network_id: Option<Uuid>,
    pub url: String,
    pub event_kinds: Vec<String>,
    pub secret: String,
}

/// What `updateWebhook` may change; `None` keeps the value.
#[derive(Debug, Clone, Default)]
pub struct WebhookChanges {
    pub url: Option<String>,
    pub event_kinds: Option<Vec<String>>,
    pub enabled: Option<bool>,
}

/// A delivery the worker holds, with what it needs to send it.
#[derive(Debug, Clone)]
pub struct ClaimedDelivery {
    pub delivery: webhook_delivery::Model,
    pub webhook: webhook::Model,
    pub event: event::Model,
    pub organisation_ids: Vec<Uuid>,
}

/// What a receiver did with one attempt.
#[derive(Debug, Clone)]
pub struct AttemptOutcome {
    pub status_code: Option<u16>,
    pub error: Option<String>,
    pub duration_ms: i32,
}

impl AttemptOutcome {
    pub fn succeeded(&self) -> bool {
        self.status_code.is_some_and(|code| (200..300).contains(&code))
    }

    /// 410 Gone: the receiver says it will never take deliveries again.
    pub fn gone(&self) -> bool {
        self.status_code == Some(410)
    }
}

/// Puts a network event in the outbox when the tenant has an enabled webhook:
/// one statement, `INSERT … SELECT … WHERE EXISTS`, in the event's transaction.
pub(crate) async fn enqueue(
    conn: &impl ConnectionTrait,
    tenant_id: Uuid,
    event_id: Uuid,
    now: DateTime<Utc>,
) -> AppResult<()> {
    let any_enabled = Query::select()
        .expr(Expr::val(1))
        .from(webhook::Entity)
        .and_where(webhook::Column::TenantId.eq(tenant_id))
        .and_where(webhook::Column::Enabled.eq(true))
        .to_owned();
    let values = Query::select()
        .expr(Expr::val(event_id))
        .expr(Expr::val(tenant_id))
        .expr(Expr::val(now))
        .and_where(Expr::exists(any_enabled))
        .to_owned();
    let insert = Query::insert()
        .into_table(webhook_outbox::Entity)
        .columns([webhook_outbox::Column::EventId, webhook_outbox::Column::TenantId, webhook_outbox::Column::CreatedAt])
        .select_from(values)
        .context("building the outbox insert")?
        .to_owned();
    let statement = conn.get_database_backend().build(&insert);
    conn.execute_raw(statement).await.context("writing the webhook outbox")?;
    Ok(())
}

impl Store {
    /// One webhook its managers may see, or NOT_FOUND.
    pub async fn webhook(&self, id: Uuid) -> AppResult<webhook::Model> {
        self.fetch_one::<webhook::Entity>(id).await
    }

    /// The visible webhooks of the given organisations, oldest first.
    pub async fn webhooks_of_organisations(&self, organisation_ids: &[Uuid]) -> AppResult<Vec<webhook::Model>> {
        self.webhooks_where(webhook::Column::OrganisationId.is_in(organisation_ids.iter().copied())).await
    }

    /// The visible webhooks of the given networks, oldest first.
    pub async fn webhooks_of_networks(&self, network_ids: &[Uuid]) -> AppResult<Vec<webhook::Model>> {
        self.webhooks_where(webhook::Column::NetworkId.is_in(network_ids.iter().copied())).await
    }

    async fn webhooks_where(
        &self,
        condition: impl sea_orm::sea_query::IntoCondition,
    ) -> AppResult<Vec<webhook::Model>> {
        let tx = self.tx()?;
        self.visible::<webhook::Entity>()
            .filter(condition)
            .order_by_asc(webhook::Column::Id)
            .all(&*tx)
            .await
            .context("loading webhooks")
    }

    pub async fn insert_webhook(&self, new: NewWebhook) -> AppResult<webhook::Model> {
        let tx = self.tx()?;
        let now = self.now();
        let model = webhook::Model {
            id: Uuid::now_v7(),
            tenant_id: self.tenant_id(),
            organisation_id: new.organisation_id,
            network_id: new.network_id,
            url: new.url,
            event_kinds: serde_json::json!(new.event_kinds),
            secret: new.secret,
            enabled: true,
            disabled_reason: None,
            disabled_at: None,
            created_by: self.actor().person_id,
            created_by_api_client: self.actor().api_client_id,
            created_at: now,
            updated_at: now,
            version: 1,
        };
        webhook::Entity::insert(webhook::ActiveModel::from(model.clone()))
            .exec_without_returning(&*tx)
            .await
            .map_err(|e| classify(e, "creating a webhook"))?;
        Ok(model)
    }

    /// Applies `changes`. Enabling a disabled webhook clears its reason, and
    /// what is still PENDING is sent again from now on.
    pub async fn update_webhook(&self, current: &webhook::Model, changes: WebhookChanges) -> AppResult<webhook::Model> {
        let tx = self.tx()?;
        let now = self.now();
        let mut next = current.clone();
        if let Some(url) = changes.url {
            next.url = url;
        }
        if let Some(kinds) = changes.event_kinds {
            next.event_kinds = serde_json::json!(kinds);
        }
        match changes.enabled {
            Some(true) if !current.enabled => {
                next.enabled = true;
                next.disabled_reason = None;
                next.disabled_at = None;
                webhook_delivery::Entity::update_many()
                    .col_expr(webhook_delivery::Column::NextAttemptAt, Expr::value(now))
                    .filter(webhook_delivery::Column::TenantId.eq(self.tenant_id()))
                    .filter(webhook_delivery::Column::WebhookId.eq(current.id))
                    .filter(webhook_delivery::Column::Status.eq(DeliveryStatus::Pending))
                    .exec(&*tx)
                    .await
                    .context("resuming a webhook's deliveries")?;
            }
            Some(false) if current.enabled => {
                next.enabled = false;
                next.disabled_reason = Some("disabled by hand".to_owned());
                next.disabled_at = Some(now);
            }
            _ => {}
        }
        next.updated_at = now;
        next.version = current.version + 1;
        self.save_webhook(current, &next).await?;
        Ok(next)
    }

    /// Writes `next` if nobody changed the webhook since `current` was read.
    async fn save_webhook(&self, current: &webhook::Model, next: &webhook::Model) -> AppResult<()> {
        let tx = self.tx()?;
        let result = webhook::Entity::update_many()
            .col_expr(webhook::Column::Url, Expr::value(next.url.clone()))
            .col_expr(webhook::Column::EventKinds, Expr::value(next.event_kinds.clone()))
            .col_expr(webhook::Column::Enabled, Expr::value(next.enabled))
            .col_expr(webhook::Column::DisabledReason, Expr::value(next.disabled_reason.clone()))
            .col_expr(webhook::Column::DisabledAt, Expr::value(next.disabled_at))
            .col_expr(webhook::Column::UpdatedAt, Expr::value(next.updated_at))
            .col_expr(webhook::Column::Version, Expr::value(next.version))
            .filter(webhook::Column::TenantId.eq(self.tenant_id()))
            .filter(webhook::Column::Id.eq(current.id))
            .filter(webhook::Column::Version.eq(current.version))
            .exec(&*tx)
            .await
            .map_err(|e| classify(e, "saving a webhook"))?;
        if result.rows_affected != 1 {
            return Err(AppError::conflict("the webhook changed meanwhile; read it again"));
        }
        Ok(())
    }

    /// A webhook's deliveries, newest first.
    pub async fn webhook_deliveries_page(
        &self,
        webhook_id: Uuid,
        page: PageRequest,
    ) -> AppResult<Page<webhook_delivery::Model>> {
        let query =
            self.scoped::<webhook_delivery::Entity>().filter(webhook_delivery::Column::WebhookId.eq(webhook_id));
        self.keyset_page_in(query, webhook_delivery::Column::Id, page, Direction::NewestFirst).await
    }

    /// The attempts of the given deliveries, oldest first.
    pub async fn webhook_attempts(&self, delivery_ids: &[Uuid]) -> AppResult<Vec<webhook_attempt::Model>> {
        let tx = self.tx()?;
        self.scoped::<webhook_attempt::Entity>()
            .filter(webhook_attempt::Column::DeliveryId.is_in(delivery_ids.iter().copied()))
            .order_by_asc(webhook_attempt::Column::Id)
            .all(&*tx)
            .await
            .context("loading delivery attempts")
    }

    /// Sends an event to a webhook again, as a new delivery due now, whatever
    /// became of earlier ones. The event must be one the webhook receives: of
    /// its network, or one its organisation may see; anything else is
    /// NOT_FOUND, as if it did not exist.
    pub async fn redeliver(&self, hook: &webhook::Model, event_id: Uuid) -> AppResult<webhook_delivery::Model> {
        let event = self
            .scoped::<event::Entity>()
            .filter(event::Column::Id.eq(event_id))
            .one(&*self.tx()?)
            .await
            .context("loading the event")?
            .ok_or(AppError::NotFound("event"))?;
        if !self.webhook_may_receive(hook, &event, &mut HashMap::new()).await? {
            return Err(AppError::NotFound("event"));
        }
        let delivery = self.insert_delivery(hook.id, &event).await?;
        Ok(delivery)
    }

    /// Whether `hook` may be sent `event`: a network's webhook gets its
    /// network's events; an organisation's gets what its DIRECTORs see on the
    /// network's timeline (the timeline's own rule). `viewers` keeps each
    /// organisation's view for the next event, so a batch resolves it once.
    async fn webhook_may_receive(
        &self,
        hook: &webhook::Model,
        event: &event::Model,
        viewers: &mut HashMap<Uuid, Store>,
    ) -> AppResult<bool> {
        let Some(network_id) = event.network_id else { return Ok(false) };
        match (hook.network_id, hook.organisation_id) {
            (Some(hook_network), _) => Ok(hook_network == network_id),
            (None, Some(organisation_id)) => {
                let seen_as = match viewers.entry(organisation_id) {
                    Entry::Occupied(known) => known.into_mut(),
                    Entry::Vacant(new) => new.insert(self.as_organisation(organisation_id).await?),
                };
                Ok(seen_as.visible_network_event(network_id, event.id).await?.is_some())
            }
            (None, None) => Ok(false),
        }
    }

    async fn insert_delivery(&self, webhook_id: Uuid, event: &event::Model) -> AppResult<webhook_delivery::Model> {
        let tx = self.tx()?;
        let now = self.now();
        let model = webhook_delivery::Model {
            id: Uuid::now_v7(),
            tenant_id: self.tenant_id(),
            webhook_id,
            event_id: event.id,
            kind: event.kind.clone(),
            status: DeliveryStatus::Pending,
            attempts: 0,
            next_attempt_at: Some(now),
            lease_until: None,
            last_status_code: None,
            last_error: None,
            last_attempt_at: None,
            delivered_at: None,
            created_at: now,
        };
        webhook_delivery::Entity::insert(webhook_delivery::ActiveModel::from(model.clone()))
            .exec_without_returning(&*tx)
            .await
            .context("creating a delivery")?;
        Ok(model)
    }

    /// The ids of the tenant's enabled webhooks, as a subquery.
    fn enabled_webhook_ids(&self) -> sea_orm::sea_query::SelectStatement {
        Query::select()
            .column(webhook::Column::Id)
            .from(webhook::Entity)
            .and_where(webhook::Column::TenantId.eq(self.tenant_id()))
            .and_where(webhook::Column::Enabled.eq(true))
            .to_owned()
    }

    /// Whether the tenant has anything for the worker: an outbox row, or a
    /// delivery that is due and not leased. Two small reads, so an idle tick
    /// never takes SQLite's write lock.
    pub async fn has_webhook_work(&self) -> AppResult<bool> {
        let tx = self.tx()?;
        let queued = self.scoped::<webhook_outbox::Entity>().one(&*tx).await.context("checking the outbox")?;
        if queued.is_some() {
            return Ok(true);
        }
        let now = self.now();
        let due = self
            .scoped::<webhook_delivery::Entity>()
            .filter(lease::due::<webhook_delivery::Entity>(now))
            .filter(webhook_delivery::Column::WebhookId.in_subquery(self.enabled_webhook_ids()))
            .one(&*tx)
            .await
            .context("checking for due deliveries")?;
        Ok(due.is_some())
    }

    /// Turns up to `limit` outbox rows of the tenant into deliveries and
    /// removes them; returns how many deliveries were made. Runs in the
    /// worker's per-tenant transaction, so a crash leaves the rows in place.
    pub async fn fan_out(&self, limit: u64) -> AppResult<usize> {
        let tx = self.tx()?;
        let rows = self
            .scoped::<webhook_outbox::Entity>()
            .order_by_asc(webhook_outbox::Column::EventId)
            .limit(limit)
            .all(&*tx)
            .await
            .context("reading the webhook outbox")?;
        if rows.is_empty() {
            return Ok(0);
        }
        let event_ids: Vec<Uuid> = rows.iter().map(|row| row.event_id).collect();
        let events = self
            .scoped::<event::Entity>()
            .filter(event::Column::Id.is_in(event_ids.iter().copied()))
            .order_by_asc(event::Column::Id)
            .all(&*tx)
            .await
            .context("reading outbox events")?;
        // The worker, as the tenant's system actor: every enabled webhook.
        let hooks = self
            .tenant_only::<webhook::Entity>()
            .filter(webhook::Column::Enabled.eq(true))
            .all(&*tx)
            .await
            .context("reading webhooks")?;
        let mut made = 0;
        // Dropped with this function, before the worker commits.
        let mut viewers = HashMap::new();
        for event in &events {
            for hook in hooks.iter().filter(|hook| wants(hook, &event.kind)) {
                if self.webhook_may_receive(hook, event, &mut viewers).await? {
                    self.insert_delivery(hook.id, event).await?;
                    made += 1;
                }
            }
        }
        webhook_outbox::Entity::delete_many()
            .filter(webhook_outbox::Column::TenantId.eq(self.tenant_id()))
            .filter(webhook_outbox::Column::EventId.is_in(event_ids))
            .exec(&*tx)
            .await
            .context("emptying the webhook outbox")?;
        Ok(made)
    }

    /// Leases up to `limit` deliveries that are due at `now` and whose
    /// webhook is enabled, until `now + lease`. A row another worker leased
    /// meanwhile is skipped: the lease is taken by compare-and-set.
    pub async fn claim_due(&self, lease: std::time::Duration, limit: u64) -> AppResult<Vec<ClaimedDelivery>> {
        let tx = self.tx()?;
        let now = self.now();
        let lease_until = lease::lease_end(now, lease);
        let due = self
            .scoped::<webhook_delivery::Entity>()
            .filter(lease::due::<webhook_delivery::Entity>(now))
            .filter(webhook_delivery::Column::WebhookId.in_subquery(self.enabled_webhook_ids()))
            .order_by_asc(webhook_delivery::Column::NextAttemptAt)
            .order_by_asc(webhook_delivery::Column::Id)
            .limit(limit)
            .all(&*tx)
            .await
            .context("reading due deliveries")?;
        let mut claimed = Vec::with_capacity(due.len());
        for delivery in due {
            if lease::take::<webhook_delivery::Entity>(&*tx, self.tenant_id(), delivery.id, now, lease_until).await? {
                claimed.push(delivery);
            }
        }
        if claimed.is_empty() {
            return Ok(Vec::new());
        }
        // The worker, as the tenant's system actor.
        let hooks = self
            .tenant_only::<webhook::Entity>()
            .filter(webhook::Column::Id.is_in(claimed.iter().map(|d| d.webhook_id)))
            .all(&*tx)
            .await
            .context("reading the deliveries' webhooks")?;
        let events = self
            .scoped::<event::Entity>()
            .filter(event::Column::Id.is_in(claimed.iter().map(|d| d.event_id)))
            .all(&*tx)
            .await
            .context("reading the deliveries' events")?;
        let concerned = self.event_organisations(&events.iter().map(|e| e.id).collect::<Vec<_>>()).await?;
        Ok(claimed
            .into_iter()
            .filter_map(|mut delivery| {
                let webhook = hooks.iter().find(|h| h.id == delivery.webhook_id)?.clone();
                let event = events.iter().find(|e| e.id == delivery.event_id)?.clone();
                let organisation_ids =
                    concerned.iter().filter(|c| c.event_id == event.id).map(|c| c.organisation_id).collect();
                delivery.lease_until = Some(lease_until);
                Some(ClaimedDelivery { delivery, webhook, event, organisation_ids })
            })
            .collect())
    }

    /// Writes an attempt to the log and moves the delivery on: DELIVERED on
    /// 2xx; otherwise the next try after the schedule's wait (`jitter` in
    /// [-1, 1]), or FAILED when the schedule ran out. A webhook whose receiver
    /// said 410 Gone, or whose delivery failed for good without any delivery
    /// succeeding meanwhile, is disabled with the reason.
    pub async fn record_attempt(
        &self,
        claimed: &ClaimedDelivery,
        outcome: &AttemptOutcome,
        jitter: f64,
    ) -> AppResult<()> {
        let tx = self.tx()?;
        let now = self.now();
        let delivery = &claimed.delivery;
        webhook_attempt::Entity::insert(webhook_attempt::ActiveModel {
            id: Set(Uuid::now_v7()),
            tenant_id: Set(self.tenant_id()),
            delivery_id: Set(delivery.id),
            attempted_at: Set(now),
            status_code: Set(outcome.status_code.map(i32::from)),
            error: Set(outcome.error.clone()),
            duration_ms: Set(outcome.duration_ms),
        })
        .exec_without_returning(&*tx)
        .await
        .context("logging a delivery attempt")?;

        let settled = lease::settle(delivery.attempts, outcome.succeeded(), outcome.gone(), jitter, now);
        let (status, attempts) = (settled.status, settled.attempts);
        webhook_delivery::Entity::update_many()
            .col_expr(webhook_delivery::Column::Status, Expr::value(status))
            .col_expr(webhook_delivery::Column::Attempts, Expr::value(attempts))
            .col_expr(webhook_delivery::Column::NextAttemptAt, Expr::value(settled.next_attempt_at))
            .col_expr(webhook_delivery::Column::LeaseUntil, Expr::value(Option::<DateTime<Utc>>::None))
            .col_expr(webhook_delivery::Column::LastStatusCode, Expr::value(outcome.status_code.map(i32::from)))
            .col_expr(webhook_delivery::Column::LastError, Expr::value(outcome.error.clone()))
            .col_expr(webhook_delivery::Column::LastAttemptAt, Expr::value(now))
            .col_expr(webhook_delivery::Column::DeliveredAt, Expr::value(settled.done_at))
            .filter(webhook_delivery::Column::TenantId.eq(self.tenant_id()))
            .filter(webhook_delivery::Column::Id.eq(delivery.id))
            .exec(&*tx)
            .await
            .context("recording a delivery attempt")?;

        let reason = if outcome.gone() {
            Some("the receiver answered 410 Gone".to_owned())
        } else if status == DeliveryStatus::Failed
            && !self.delivered_since(claimed.webhook.id, delivery.created_at).await?
        {
            Some(format!(
                "every delivery failed for {} attempts since {}; last: {}",
                attempts,
                delivery.created_at.format("%Y-%m-%d %H:%M UTC"),
                describe(outcome)
            ))
        } else {
            None
        };
        if let Some(reason) = reason {
            self.disable_webhook(&claimed.webhook, reason).await?;
        }
        Ok(())
    }

    async fn delivered_since(&self, webhook_id: Uuid, since: DateTime<Utc>) -> AppResult<bool> {
        let tx = self.tx()?;
        Ok(self
            .scoped::<webhook_delivery::Entity>()
            .filter(webhook_delivery::Column::WebhookId.eq(webhook_id))
            .filter(webhook_delivery::Column::Status.eq(DeliveryStatus::Delivered))
            .filter(webhook_delivery::Column::DeliveredAt.gte(since))
            .one(&*tx)
            .await
            .context("checking a webhook's recent deliveries")?
            .is_some())
    }

    /// Disables a webhook the worker gave up on, with an audit event.
    async fn disable_webhook(&self, hook: &webhook::Model, reason: String) -> AppResult<()> {
        // The worker's system actor sees every webhook of its tenant.
        let current = self.webhook(hook.id).await?;
        if !current.enabled {
            return Ok(());
        }
        let now = self.now();
        let next = webhook::Model {
            enabled: false,
            disabled_reason: Some(reason.clone()),
            disabled_at: Some(now),
            updated_at: now,
            version: current.version + 1,
            ..current.clone()
        };
        self.save_webhook(&current, &next).await?;
        tracing::warn!(webhook = %hook.id, %reason, "webhook disabled");
        let event = NewEvent::new(EventKind::WebhookDisabled, hook.id, serde_json::json!({ "automatic": true }))
            .concerning(hook.organisation_id);
        self.record_event(event).await?;
        Ok(())
    }
}

/// Whether a webhook asked for events of this kind.
fn wants(hook: &webhook::Model, kind: &str) -> bool {
    hook.event_kinds.as_array().is_some_and(|kinds| kinds.iter().any(|k| k.as_str() == Some(kind)))
}

fn describe(outcome: &AttemptOutcome) -> String {
    match (outcome.status_code, &outcome.error) {
        (Some(code), _) => format!("HTTP {code}"),
        (None, Some(error)) => error.clone(),
        (None, None) => "no answer".to_owned(),
    }
}
