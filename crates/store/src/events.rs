//! Writing the audit trail. Events are only ever inserted.

use chrono::{DateTime, Utc};
use entity::{event, event_organisation};
use sea_orm::{ActiveValue::Set, ConnectionTrait, EntityTrait};
use uuid::Uuid;

use super::Store;
use crate::domain::events::EventKind;
use crate::domain::{AppError, AppResult};
use crate::errors::Context;

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
    ///
    /// Every change passes here, so this is also the last wall for the rule
    /// that an API client writes no business data: the use cases refuse first
    /// (`Actor::acts_as_director_of`, `Actor::person`), and should one ever
    /// forget, the change is refused here and rolled back with the request.
    ///
    /// A network event is also put in the webhook outbox, in this same
    /// transaction, when the tenant has an enabled webhook (one statement), and
    /// announced to subscribers once the transaction commits.
    pub async fn record_event(&self, new: NewEvent) -> AppResult<Uuid> {
        let tx = self.tx()?;
        let actor = self.actor();
        if actor.is_api_client() && !new.kind.is_integration() {
            return Err(AppError::forbidden("an API client reads for its organisation and writes no business data"));
        }
        let by = if new.anonymous {
            EventActor::default()
        } else {
            EventActor { person_id: actor.person_id, api_client_id: actor.api_client_id }
        };
        let network_id = new.network_id;
        let id = insert_event(&*tx, self.tenant_id(), by, self.now(), new).await?;
        if let Some(network_id) = network_id {
            super::webhooks::enqueue(&*tx, self.tenant_id(), id, self.now()).await?;
            self.announce(super::bus::Notice { tenant_id: self.tenant_id(), network_id, event_id: id }).await?;
        }
        Ok(id)
    }
}

/// Who acted: a person, an API client, or nobody (anonymous acts, bootstrap).
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct EventActor {
    pub person_id: Option<Uuid>,
    pub api_client_id: Option<Uuid>,
}

/// Writes one event and the organisations it concerns. Also used by
/// `bootstrap`, which acts before any person exists.
pub(crate) async fn insert_event(
    conn: &impl ConnectionTrait,
    tenant_id: Uuid,
    actor: EventActor,
    occurred_at: DateTime<Utc>,
    new: NewEvent,
) -> AppResult<Uuid> {
    let id = Uuid::now_v7();
    event::Entity::insert(event::ActiveModel {
        id: Set(id),
        tenant_id: Set(tenant_id),
        network_id: Set(new.network_id),
        actor_person_id: Set(actor.person_id),
        actor_api_client_id: Set(actor.api_client_id),
        kind: Set(new.kind.wire_name().to_owned()),
        subject_id: Set(new.subject_id),
        occurred_at: Set(occurred_at),
        payload: Set(new.payload),
    })
    .exec_without_returning(conn)
    .await
    .context("writing an event")?;
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
