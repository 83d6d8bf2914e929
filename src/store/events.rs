//! Writing the audit trail. Events are only ever inserted.

use anyhow::Context;
use chrono::{DateTime, Utc};
use entity::{event, event_organisation};
use sea_orm::{ActiveValue::Set, ConnectionTrait, EntityTrait};
use uuid::Uuid;

use super::Store;
use crate::domain::AppResult;
use crate::domain::events::EventKind;

/// An event about to be written with the change it records.
#[derive(Debug, Clone)]
pub struct NewEvent {
    pub kind: EventKind,
    pub subject_id: Uuid,
    pub network_id: Option<Uuid>,
    pub organisation_ids: Vec<Uuid>,
    /// Ids and changed fields only: never names, e-mail addresses or free text.
    pub payload: serde_json::Value,
    /// Leave the actor out: for anonymous acts such as answering a survey.
    pub anonymous: bool,
}

impl NewEvent {
    pub fn new(kind: EventKind, subject_id: Uuid, payload: serde_json::Value) -> Self {
        Self { kind, subject_id, network_id: None, organisation_ids: Vec::new(), payload, anonymous: false }
    }

    /// An event of a network: what timelines, subscriptions and webhooks of
    /// that network carry.
    pub fn network(kind: EventKind, subject_id: Uuid, network_id: Uuid, payload: serde_json::Value) -> Self {
        Self { network_id: Some(network_id), ..Self::new(kind, subject_id, payload) }
    }

    pub fn concerning(mut self, organisation_ids: impl IntoIterator<Item = Uuid>) -> Self {
        self.organisation_ids.extend(organisation_ids);
        self.organisation_ids.sort_unstable();
        self.organisation_ids.dedup();
        self
    }
}

impl Store {
    /// Appends an event in the request's transaction, so it commits or rolls
    /// back together with the change it records.
    pub async fn record_event(&self, new: NewEvent) -> AppResult<Uuid> {
        let tx = self.tx()?;
        let actor = (!new.anonymous).then_some(self.actor().person_id);
        insert_event(&*tx, self.tenant_id(), actor, self.now(), new).await
    }
}

/// Writes one event and the organisations it concerns. Also used by
/// `bootstrap`, which acts before any person exists.
pub(crate) async fn insert_event(
    conn: &impl ConnectionTrait,
    tenant_id: Uuid,
    actor_person_id: Option<Uuid>,
    occurred_at: DateTime<Utc>,
    new: NewEvent,
) -> AppResult<Uuid> {
    let id = Uuid::now_v7();
    event::Entity::insert(event::ActiveModel {
        id: Set(id),
        tenant_id: Set(tenant_id),
        network_id: Set(new.network_id),
        actor_person_id: Set(actor_person_id),
        kind: Set(new.kind.wire_name().to_owned()),
        subject_id: Set(new.subject_id),
        occurred_at: Set(occurred_at),
        payload: Set(new.payload),
    })
    .exec_without_returning(conn)
    .await
    .context("writing an event")?;
    super::bus::notify(conn, tenant_id, new.network_id, id).await?;
    if !new.organisation_ids.is_empty() {
        event_organisation::Entity::insert_many(new.organisation_ids.into_iter().map(|organisation_id| {
            event_organisation::ActiveModel {
                event_id: Set(id),
                organisation_id: Set(organisation_id),
                tenant_id: Set(tenant_id),
            }
        }))
        .exec_without_returning(conn)
        .await
        .context("writing an event's organisations")?;
    }
    Ok(id)
}
