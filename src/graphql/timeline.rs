//! `Network.timeline`: the audit trail of a network, newest first.

use async_graphql::{Context, Enum, ID, Object, Result};
use entity::event;
use uuid::Uuid;

use super::connection::{self, connection};
use super::ids::{self, NodeType};
use super::loaders::{self, EventOrganisationsOf, OrganisationId, PersonId};
use super::organisations::Organisation;
use super::people::Person;
use super::scalars::{DateTime, Json};
use super::store;
use crate::domain::{AppError, AppResult};

/// Defines [`EventKind`] from one list of values and wire names.
macro_rules! event_kind_values {
    ($($(#[doc = $doc:literal])* $variant:ident => $wire:literal),* $(,)?) => {
        /// What happened: one value per wire name (`Event.kind`), each described
        /// with its payload's fields (`docs/events.md` has them too). Ids in a
        /// payload are global ids; kinds are added freely and never renamed.
        #[derive(Enum, Debug, Clone, Copy, PartialEq, Eq)]
        pub enum EventKind {
            $($(#[doc = $doc])* $variant),*
        }

        impl EventKind {
            const ALL: &'static [EventKind] = &[$(EventKind::$variant),*];

            pub fn wire_name(self) -> &'static str {
                match self {
                    $(EventKind::$variant => $wire),*
                }
            }

            fn from_wire_name(name: &str) -> Option<Self> {
                Self::ALL.iter().copied().find(|kind| kind.wire_name() == name)
            }
        }
    };
}

event_kind_values! {
    #[doc = "`tenant.created`; payload: `{}`."]
    TenantCreated => "tenant.created",
    #[doc = "`tenant.updated`; payload: `language` (the tenant's language, `nl` or `en`)."]
    TenantUpdated => "tenant.updated",
    #[doc = "`organisation.created`; payload: `kind`."]
    OrganisationCreated => "organisation.created",
    #[doc = "`organisation.updated`; payload: `changed` (field names), `kind`, `version`."]
    OrganisationUpdated => "organisation.updated",
    #[doc = "`governing_bodies.set`; payload: `rights` (the bodies' rights)."]
    GoverningBodiesSet => "governing_bodies.set",
    #[doc = "`person.created`; payload: `tenantRole`."]
    PersonCreated => "person.created",
    #[doc = "`person.updated`; payload: `tenantRole`, or `language` (`nl`, `en`, or null to follow the tenant)."]
    PersonUpdated => "person.updated",
    #[doc = "`person.anonymized`; payload: `{}`."]
    PersonAnonymized => "person.anonymized",
    #[doc = "`person.data_exported`; payload: `{}`."]
    PersonDataExported => "person.data_exported",
    #[doc = "`position.assigned`; payload: `personId`, `organisationId`, `role`, `startedOn`."]
    PositionAssigned => "position.assigned",
    #[doc = "`position.ended`; payload: `personId`, `organisationId`, `endedOn`."]
    PositionEnded => "position.ended",
    #[doc = "`network.created`; payload: `status`."]
    NetworkCreated => "network.created",
    #[doc = "`network.updated`; payload: `changed`, `status`, `version`."]
    NetworkUpdated => "network.updated",
    #[doc = "`network.settings_changed`; payload: `settings` (the network's settings)."]
    NetworkSettingsChanged => "network.settings_changed",
    #[doc = "`network.facilitator_assigned`; payload: `personId`."]
    NetworkFacilitatorAssigned => "network.facilitator_assigned",
    #[doc = "`charter.adopted`; payload: `version`."]
    CharterAdopted => "charter.adopted",
    #[doc = "`charter.acknowledged`; payload: `version`, `forPartner`, `personally`."]
    CharterAcknowledged => "charter.acknowledged",
    #[doc = "`partner.invited`; payload: `organisationId`."]
    PartnerInvited => "partner.invited",
    #[doc = "`partner.joined`; payload: `organisationId`, `joinedOn`."]
    PartnerJoined => "partner.joined",
    #[doc = "`partner.left`; payload: `organisationId`, `leftOn`, `representationsEnded`, `commitmentsNeedingReplanning`."]
    PartnerLeft => "partner.left",
    #[doc = "`representatives.set`; payload: `started` (people), `endedRepresentations`."]
    RepresentativesSet => "representatives.set",
    #[doc = "`expectation.recorded`; payload: `kind`."]
    ExpectationRecorded => "expectation.recorded",
    #[doc = "`alignment_round.opened`; payload: `closesAt`, `questions` (keys), `invited` (a count)."]
    AlignmentRoundOpened => "alignment_round.opened",
    #[doc = "`alignment_response.submitted`; payload: `{}` (who answered is not recorded)."]
    AlignmentResponseSubmitted => "alignment_response.submitted",
    #[doc = "`alignment_round.closed`; payload: `{}`."]
    AlignmentRoundClosed => "alignment_round.closed",
    #[doc = "`goal.created`; payload: `parentId`, `horizon`."]
    GoalCreated => "goal.created",
    #[doc = "`goal.updated`; payload: `version`, `parentId`."]
    GoalUpdated => "goal.updated",
    #[doc = "`meeting.recorded`; payload: `heldOn`, `attendees` (a count), `planned` (whether it was planned first)."]
    MeetingRecorded => "meeting.recorded",
    #[doc = "`meeting.planned`; payload: `startsAt`, `agendaItems` (a count), `sequence` (0)."]
    MeetingPlanned => "meeting.planned",
    #[doc = "`meeting.plan_changed`; payload: `startsAt`, `agendaItems` (a count), `sequence`."]
    MeetingPlanChanged => "meeting.plan_changed",
    #[doc = "`meeting.cancelled`; payload: `startsAt`, `sequence`."]
    MeetingCancelled => "meeting.cancelled",
    #[doc = "`commitment.proposed`; payload: `scope`, `kind`, `parties`, `dueOn`."]
    CommitmentProposed => "commitment.proposed",
    #[doc = "`commitment.party_agreed`; payload: `organisationId`, `meetingId`, `allAgreed`."]
    CommitmentPartyAgreed => "commitment.party_agreed",
    #[doc = "`commitment.agreed`; payload: `organisationId`, `meetingId`, `allAgreed` (the last party's agreement)."]
    CommitmentAgreed => "commitment.agreed",
    #[doc = "`commitment.updated`; payload: `changed`, `version`, `dueOn`, `goalId`."]
    CommitmentUpdated => "commitment.updated",
    #[doc = "`commitment.replanned`; payload: `scope`, `parties`, `version`."]
    CommitmentReplanned => "commitment.replanned",
    #[doc = "`commitment.progress_added`; payload: `progressUpdateId`, `percent`, `status`."]
    CommitmentProgressAdded => "commitment.progress_added",
    #[doc = "`commitment.started`; payload: `progressUpdateId`, `percent`, `status`."]
    CommitmentStarted => "commitment.started",
    #[doc = "`commitment.delivered`; payload: `progressUpdateId`, `percent`, `status`."]
    CommitmentDelivered => "commitment.delivered",
    #[doc = "`commitment.dropped`; payload: `version`."]
    CommitmentDropped => "commitment.dropped",
    #[doc = "`mandate.set`; payload: `rules` (a count)."]
    MandateSet => "mandate.set",
    #[doc = "`ratification.consultation_started`; payload: `organisationId`."]
    RatificationConsultationStarted => "ratification.consultation_started",
    #[doc = "`ratification.consultation_input_added`; payload: `stance`; seen only by the organisation concerned, the network's facilitators and admins."]
    RatificationConsultationInputAdded => "ratification.consultation_input_added",
    #[doc = "`ratification.decided`; payload: `commitmentId`, `bodyId`, `outcome`, `decidedOn`; `dossierHash` when the body named the dossier it decided on."]
    RatificationDecided => "ratification.decided",
    #[doc = "`ratification.reopened`; payload: `commitmentId`, `previousOutcome`."]
    RatificationReopened => "ratification.reopened",
    #[doc = "`ratification.condition_met`; payload: `ratificationId`."]
    RatificationConditionMet => "ratification.condition_met",
    #[doc = "`api_client.created`; payload: `organisationId`."]
    ApiClientCreated => "api_client.created",
    #[doc = "`api_client.revoked`; payload: `organisationId`."]
    ApiClientRevoked => "api_client.revoked",
    #[doc = "`identity_provider.added`; payload: `matchBy`."]
    IdentityProviderAdded => "identity_provider.added",
    #[doc = "`webhook.created`; payload: `eventKinds`."]
    WebhookCreated => "webhook.created",
    #[doc = "`webhook.updated`; payload: `changed`, `enabled`."]
    WebhookUpdated => "webhook.updated",
    #[doc = "`webhook.disabled`; payload: `automatic`."]
    WebhookDisabled => "webhook.disabled",
    #[doc = "`webhook.redelivery_requested`; payload: `eventId`."]
    WebhookRedeliveryRequested => "webhook.redelivery_requested",
    #[doc = "`calendar_feed.created`; payload: `personId`."]
    CalendarFeedCreated => "calendar_feed.created",
    #[doc = "`calendar_feed.revoked`; payload: `personId`."]
    CalendarFeedRevoked => "calendar_feed.revoked",
    #[doc = "`mail_preferences.changed`; payload: `personId`, `digestRhythm`, `reminders`, `by` (`PERSON` or `UNSUBSCRIBE_LINK`)."]
    MailPreferencesChanged => "mail_preferences.changed",
    #[doc = "`indicator.created`; payload: `goalId`, `reporters`, `targetPeriods`."]
    IndicatorCreated => "indicator.created",
    #[doc = "`indicator.changed`; payload: `version`, `changed` (the parts changed), `reporters` and `targetPeriods` (null when unchanged)."]
    IndicatorChanged => "indicator.changed",
    #[doc = "`indicator.measured`; payload: `measurementId`, `organisationId`, `period`, `correctsId`; never the figure."]
    IndicatorMeasured => "indicator.measured",
    #[doc = "`commitment.indicators_set`; payload: `indicators`."]
    CommitmentIndicatorsSet => "commitment.indicators_set",
    #[doc = "`cycle.created`; payload: `year`."]
    CycleCreated => "cycle.created",
    #[doc = "`cycle.commitments_changed`; payload: `added`, `removed`, `version`."]
    CycleCommitmentsChanged => "cycle.commitments_changed",
    #[doc = "`cycle.closed`; payload: `year`, `commitments` (a count)."]
    CycleClosed => "cycle.closed",
}

/// The wire names a timeline filters on: `kinds` as given (each checked, so
/// that a misspelt kind is an error rather than an empty page) and `types`.
pub(crate) fn wanted_kinds(kinds: Option<Vec<String>>, types: Option<Vec<EventKind>>) -> AppResult<Vec<String>> {
    let mut wanted = kinds.unwrap_or_default();
    if let Some(unknown) = wanted.iter().find(|kind| EventKind::from_wire_name(kind).is_none()) {
        let known: Vec<&str> = EventKind::ALL.iter().map(|kind| kind.wire_name()).collect();
        return Err(AppError::bad_input(
            "kinds",
            format!("{unknown} is no event kind; the kinds are {}", known.join(", ")),
        ));
    }
    wanted.extend(types.unwrap_or_default().into_iter().map(|kind| kind.wire_name().to_owned()));
    Ok(wanted)
}

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
        ("indicator", _) => NodeType::Indicator,
        ("cycle", _) => NodeType::Cycle,
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
        "indicators" => NodeType::Indicator,
        "added" | "removed" if kind == "cycle.commitments_changed" => NodeType::Commitment,
        "reporters" => NodeType::Organisation,
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

    /// What happened, as a value of `EventKind`, whose description lists
    /// the payload's fields; the same as `kind`.
    #[graphql(name = "type")]
    async fn event_type(&self) -> Result<EventKind> {
        EventKind::from_wire_name(&self.0.kind)
            .ok_or_else(|| AppError::Internal(anyhow::anyhow!("an event of unknown kind {}", self.0.kind)).into())
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
    types: Option<Vec<EventKind>>,
    organisation: Option<ID>,
    first: Option<i32>,
    after: Option<String>,
) -> Result<EventConnection> {
    let page = connection::page_request(first, after.as_deref())?;
    let organisation =
        organisation.as_ref().map(|id| ids::decode_id("organisationId", id, NodeType::Organisation)).transpose()?;
    let kinds = wanted_kinds(kinds, types)?;
    let page = store(ctx).timeline_page(network_id, &kinds, organisation, page).await?;
    Ok(EventConnection::new(page.map(Event)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::events::EventKind as Recorded;

    #[test]
    fn every_recorded_kind_has_exactly_one_event_kind_value() {
        let recorded: Vec<&str> = Recorded::ALL.iter().map(|kind| kind.wire_name()).collect();
        let values: Vec<&str> = EventKind::ALL.iter().map(|kind| kind.wire_name()).collect();
        assert_eq!(values, recorded);
    }
}
