//! `Network.timeline`: the audit trail of a network, newest first.

use async_graphql::{Context, ID, Object, Result};
use entity::event;
use uuid::Uuid;

use super::connection::{self, connection};
use super::ids::{self, NodeType};
use super::loaders::{self, EventOrganisationsOf, OrganisationId, PersonId};
use super::organisations::Organisation;
use super::people::Person;
use super::scalars::{DateTime, Json};
use super::store;

/// The type of object an event's subject is, by the event's kind.
fn subject_type(kind: &str) -> Option<NodeType> {
    let prefix = kind.split('.').next().unwrap_or_default();
    Some(match (prefix, kind) {
        (_, "charter.acknowledged" | "representatives.set") => NodeType::Partnership,
        (_, "ratification.consultation_started" | "ratification.consultation_input_added") => NodeType::Commitment,
        (_, "ratification.condition_met") => NodeType::RatificationCondition,
        (_, "governing_bodies.set" | "mandate.set") => NodeType::Organisation,
        ("organisation", _) => NodeType::Organisation,
        ("person", _) => NodeType::Person,
        ("position", _) => NodeType::Position,
        ("network", _) => NodeType::Network,
        ("charter", _) => NodeType::CharterVersion,
        ("partner", _) => NodeType::Partnership,
        ("expectation", _) => NodeType::Expectation,
        ("alignment_round" | "alignment_response", _) => NodeType::AlignmentRound,
        ("goal", _) => NodeType::Goal,
        ("meeting", _) => NodeType::Meeting,
        ("commitment", _) => NodeType::Commitment,
        ("ratification", _) => NodeType::Ratification,
        _ => return None,
    })
}

/// The type of object a payload key names, so that the key's ids are shown
/// as global ids. The stored payload keeps plain UUIDs; they are turned into
/// global ids only when shown, so history needs no migration.
fn payload_id_type(kind: &str, key: &str) -> Option<NodeType> {
    Some(match key {
        "organisationId" | "parties" => NodeType::Organisation,
        "personId" => NodeType::Person,
        // The people who started to represent the partner.
        "started" if kind == "representatives.set" => NodeType::Person,
        "endedRepresentations" | "representationsEnded" => NodeType::Representation,
        "commitmentId" | "commitmentsNeedingReplanning" => NodeType::Commitment,
        "bodyId" => NodeType::GoverningBody,
        "ratificationId" => NodeType::Ratification,
        "parentId" | "goalId" => NodeType::Goal,
        "meetingId" => NodeType::Meeting,
        "eventId" => NodeType::Event,
        _ => return None,
    })
}

/// Payload keys that hold an instant, written as the `DateTime` scalar is.
const PAYLOAD_INSTANTS: [&str; 1] = ["closesAt"];

/// An id (or a list of them) as a global id; anything that is not a UUID
/// stays as it is.
fn global_ids(node_type: NodeType, value: &serde_json::Value) -> serde_json::Value {
    match value {
        serde_json::Value::String(text) => match Uuid::parse_str(text) {
            Ok(id) => serde_json::Value::String(ids::global_id(node_type, id).0),
            Err(_) => value.clone(),
        },
        serde_json::Value::Array(items) => items.iter().map(|item| global_ids(node_type, item)).collect(),
        _ => value.clone(),
    }
}

/// An event's payload as clients see it (timeline, subscriptions,
/// webhooks): ids as global ids, instants as the `DateTime` scalar writes
/// them.
pub(crate) fn client_payload(kind: &str, payload: &serde_json::Value) -> serde_json::Value {
    let serde_json::Value::Object(fields) = payload else {
        return payload.clone();
    };
    fields
        .iter()
        .map(|(key, value)| {
            let shown = match payload_id_type(kind, key) {
                Some(node_type) => global_ids(node_type, value),
                None if PAYLOAD_INSTANTS.contains(&key.as_str()) => value
                    .as_str()
                    .and_then(|text| chrono::DateTime::parse_from_rfc3339(text).ok())
                    .map(|at| serde_json::Value::String(DateTime::wire(at.with_timezone(&chrono::Utc))))
                    .unwrap_or_else(|| value.clone()),
                None => value.clone(),
            };
            (key.clone(), shown)
        })
        .collect()
}

/// An event as webhooks carry it: the ids a client would see in the API
/// (global ids, opaque) and the changed fields, nothing personal.
pub(crate) fn event_summary(event: &event::Model, organisation_ids: &[Uuid]) -> serde_json::Value {
    serde_json::json!({
        "eventId": ids::global_id(NodeType::Event, event.id).0,
        "kind": event.kind,
        "occurredAt": DateTime::wire(event.occurred_at),
        "networkId": event.network_id.map(|id| ids::global_id(NodeType::Network, id).0),
        "subjectId": subject_type(&event.kind).map(|t| ids::global_id(t, event.subject_id).0),
        "organisationIds": organisation_ids
            .iter()
            .map(|id| ids::global_id(NodeType::Organisation, *id).0)
            .collect::<Vec<_>>(),
        "changes": client_payload(&event.kind, &event.payload),
    })
}

#[derive(Clone)]
pub struct Event(pub event::Model);

impl Event {
    pub fn uuid(&self) -> Uuid {
        self.0.id
    }
}

/// One change, as recorded in the same transaction as the change itself.
/// Append-only: nothing changes or removes an event.
#[Object]
impl Event {
    /// The event's global id, as `WebhookDelivery.eventId` and a webhook
    /// body's `eventId` show it; `node(id:)` finds the event where its
    /// network's timeline shows it.
    pub async fn id(&self) -> ID {
        ids::global_id(NodeType::Event, self.0.id)
    }

    /// The wire name of what happened, e.g. `commitment.agreed`; the same name
    /// is used by subscriptions and webhooks.
    async fn kind(&self) -> &str {
        &self.0.kind
    }

    /// When it happened.
    async fn occurred_at(&self) -> DateTime {
        DateTime(self.0.occurred_at)
    }

    /// Who did it, if you may see them; null for anonymous acts such as
    /// answering an alignment round.
    async fn actor(&self, ctx: &Context<'_>) -> Result<Option<Person>> {
        match self.0.actor_person_id {
            Some(id) => Ok(loaders::from_context(ctx).load_one(PersonId(id)).await?.map(Person)),
            None => Ok(None),
        }
    }

    /// The global id of what it happened to; fetch it with `node(id:)`, where
    /// visibility applies.
    async fn subject_id(&self) -> Option<ID> {
        subject_type(&self.0.kind).map(|t| ids::global_id(t, self.0.subject_id))
    }

    /// The organisations it concerns, as far as you may see them.
    async fn organisations(&self, ctx: &Context<'_>) -> Result<Vec<Organisation>> {
        let loaders = loaders::from_context(ctx);
        let rows = loaders.load_one(EventOrganisationsOf(self.0.id)).await?.unwrap_or_default();
        let found = loaders.load_many(rows.iter().map(|r| OrganisationId(r.organisation_id))).await?;
        Ok(rows
            .iter()
            .filter_map(|r| found.get(&OrganisationId(r.organisation_id)).cloned().map(Organisation))
            .collect())
    }

    /// Ids and changed fields; never personal data or free text. Ids are
    /// global ids (fetch them with `node(id:)`), instants are written as
    /// `DateTime` is; `docs/events.md` lists each kind's fields.
    async fn payload(&self) -> Json {
        Json(client_payload(&self.0.kind, &self.0.payload))
    }
}

connection!(
    Event,
    EventConnection,
    EventEdge,
    "A page of events, newest first.",
    "An event in a list, with its cursor."
);

pub async fn network_timeline(
    ctx: &Context<'_>,
    network_id: Uuid,
    kinds: Option<Vec<String>>,
    organisation: Option<ID>,
    first: Option<i32>,
    after: Option<String>,
) -> Result<EventConnection> {
    let page = connection::page_request(first, after.as_deref())?;
    let organisation =
        organisation.as_ref().map(|id| ids::decode_id("organisationId", id, NodeType::Organisation)).transpose()?;
    let page = store(ctx).timeline_page(network_id, &kinds.unwrap_or_default(), organisation, page).await?;
    Ok(EventConnection::new(page.map(Event)))
}
