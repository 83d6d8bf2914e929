//! Planned network meetings, from plan to record (docs/meetings.md): a
//! facilitator plans one with its agenda, changes or cancels the plan, and
//! records it as held.

use chrono::{DateTime, Utc};
use entity::{AgendaItemKind, MeetingStatus, meeting};
use serde_json::json;
use uuid::Uuid;

use crate::domain::events::EventKind;
use crate::domain::values::{MeetingLink, Name, Text};
use crate::domain::{AppError, AppResult, policy};
use crate::i18n::local_day;
use crate::store::work::{MeetingPlan, NewAgendaItem};
use crate::store::{NewEvent, Store};

/// The most items one agenda holds.
const MAX_AGENDA_ITEMS: usize = 50;

/// An agenda item as asked for.
pub struct AgendaItemInput {
    pub kind: AgendaItemKind,
    pub title: String,
    pub notes: Option<String>,
    pub commitment_id: Option<Uuid>,
    pub charter_version: Option<i32>,
    pub round_id: Option<Uuid>,
}

/// When, where and what: a plan as asked for.
pub struct PlanInput {
    pub title: Option<String>,
    pub starts_at: DateTime<Utc>,
    pub ends_at: Option<DateTime<Utc>>,
    pub location: Option<String>,
    pub online_url: Option<String>,
    pub agenda: Vec<AgendaItemInput>,
}

/// A plan checked against the rules: it starts ahead, ends after it starts,
/// and every agenda item points at something of this network that fits
/// its kind.
async fn checked(store: &Store, network_id: Uuid, input: PlanInput) -> AppResult<(MeetingPlan, Vec<NewAgendaItem>)> {
    if input.starts_at <= store.now() {
        return Err(AppError::bad_input("startsAt", "a meeting is planned ahead: startsAt is in the future"));
    }
    if input.ends_at.is_some_and(|ends| ends <= input.starts_at) {
        return Err(AppError::bad_input("endsAt", "a meeting ends after it starts"));
    }
    if input.agenda.len() > MAX_AGENDA_ITEMS {
        return Err(AppError::bad_input("agenda", "an agenda holds at most 50 items"));
    }
    let plan = MeetingPlan {
        title: input.title.as_deref().map(|t| Name::parse("title", t)).transpose()?.map(Name::into_inner),
        starts_at: input.starts_at,
        ends_at: input.ends_at,
        location: input.location.as_deref().map(|l| Name::parse("location", l)).transpose()?.map(Name::into_inner),
        online_url: input
            .online_url
            .as_deref()
            .map(|u| MeetingLink::parse("onlineUrl", u))
            .transpose()?
            .map(MeetingLink::into_inner),
    };
    let mut agenda = Vec::with_capacity(input.agenda.len());
    for item in input.agenda {
        let (commitment_id, charter_version, round_id) = match item.kind {
            AgendaItemKind::ProposeCommitment | AgendaItemKind::AgreeCommitment => {
                let Some(id) = item.commitment_id else {
                    return Err(AppError::bad_input("agenda.commitmentId", "this item names the commitment"));
                };
                if store.commitment(id).await?.network_id != network_id {
                    return Err(AppError::bad_input(
                        "agenda.commitmentId",
                        "the commitment belongs to another network",
                    ));
                }
                (Some(id), None, None)
            }
            AgendaItemKind::AdoptCharter => {
                if item.charter_version.is_some_and(|v| v < 1) {
                    return Err(AppError::bad_input("agenda.charterVersion", "a charter version is 1 or more"));
                }
                (None, item.charter_version, None)
            }
            AgendaItemKind::DiscussRound => {
                let Some(id) = item.round_id else {
                    return Err(AppError::bad_input("agenda.roundId", "this item names the alignment round"));
                };
                if store.round(id).await?.network_id != network_id {
                    return Err(AppError::bad_input("agenda.roundId", "the round belongs to another network"));
                }
                (None, None, Some(id))
            }
            AgendaItemKind::Other => (None, None, None),
        };
        if item.kind != AgendaItemKind::AdoptCharter && item.charter_version.is_some()
            || !matches!(item.kind, AgendaItemKind::ProposeCommitment | AgendaItemKind::AgreeCommitment)
                && item.commitment_id.is_some()
            || item.kind != AgendaItemKind::DiscussRound && item.round_id.is_some()
        {
            return Err(AppError::bad_input("agenda", "an item points only at what its kind is about"));
        }
        agenda.push(NewAgendaItem {
            kind: item.kind,
            title: Name::parse("agenda.title", &item.title)?.into_inner(),
            notes: Text::parse_optional("agenda.notes", item.notes.as_deref())?.map(Text::into_inner),
            commitment_id,
            charter_version,
            round_id,
        });
    }
    Ok((plan, agenda))
}

fn plan_event(kind: EventKind, meeting: &meeting::Model, agenda_items: usize) -> NewEvent {
    NewEvent::network(
        kind,
        meeting.id,
        meeting.network_id,
        json!({ "startsAt": meeting.starts_at, "agendaItems": agenda_items, "sequence": meeting.sequence }),
    )
}

/// Plans a meeting of a network: its facilitators only.
pub async fn plan(store: &Store, network_id: Uuid, input: PlanInput) -> AppResult<meeting::Model> {
    let network = store.network(network_id).await?;
    policy::require_facilitator(&store.actor(), network.id)?;
    let (plan, agenda) = checked(store, network.id, input).await?;
    let meeting = store.insert_planned_meeting(network.id, local_day(plan.starts_at), &plan, &agenda).await?;
    store.record_event(plan_event(EventKind::MeetingPlanned, &meeting, agenda.len())).await?;
    Ok(meeting)
}

/// A planned meeting of a network its facilitator may change.
async fn planned(store: &Store, meeting_id: Uuid) -> AppResult<meeting::Model> {
    let meeting = store.meeting(meeting_id).await?;
    policy::require_facilitator(&store.actor(), meeting.network_id)?;
    if meeting.status != MeetingStatus::Planned {
        return Err(AppError::conflict("the meeting is no longer planned: it was held or cancelled"));
    }
    Ok(meeting)
}

/// Replaces a planned meeting's plan and agenda; its sequence grows.
pub async fn change(
    store: &Store,
    meeting_id: Uuid,
    expected_sequence: i32,
    input: PlanInput,
) -> AppResult<meeting::Model> {
    let meeting = planned(store, meeting_id).await?;
    let (plan, agenda) = checked(store, meeting.network_id, input).await?;
    let changed =
        store.change_meeting_plan(meeting.id, expected_sequence, local_day(plan.starts_at), &plan, &agenda).await?;
    store.record_event(plan_event(EventKind::MeetingPlanChanged, &changed, agenda.len())).await?;
    Ok(changed)
}

/// Cancels a planned meeting.
pub async fn cancel(
    store: &Store,
    meeting_id: Uuid,
    expected_sequence: i32,
    reason: Option<String>,
) -> AppResult<meeting::Model> {
    let meeting = planned(store, meeting_id).await?;
    let reason = Text::parse_optional("reason", reason.as_deref())?.map(Text::into_inner);
    let cancelled = store.cancel_meeting(meeting.id, expected_sequence, reason).await?;
    store
        .record_event(NewEvent::network(
            EventKind::MeetingCancelled,
            cancelled.id,
            cancelled.network_id,
            json!({ "startsAt": cancelled.starts_at, "sequence": cancelled.sequence }),
        ))
        .await?;
    Ok(cancelled)
}

/// What recording a planned meeting as held takes.
pub struct RecordHeld {
    pub meeting_id: Uuid,
    pub expected_sequence: i32,
    pub attendee_ids: Vec<Uuid>,
    pub notes: Option<String>,
    pub minutes_reference: Option<String>,
}

/// Records a planned meeting as held, once its day has come, with who
/// attended (as `recordMeeting`) and where its minutes are.
pub async fn record_held(store: &Store, input: RecordHeld) -> AppResult<meeting::Model> {
    let meeting = planned(store, input.meeting_id).await?;
    if meeting.held_on > store.actor().today {
        return Err(AppError::conflict("record a meeting once it has been held: its day has not come"));
    }
    let notes = Text::parse_optional("notes", input.notes.as_deref())?.map(Text::into_inner);
    let minutes = input
        .minutes_reference
        .as_deref()
        .map(|m| Name::parse("minutesReference", m))
        .transpose()?
        .map(Name::into_inner);
    let attendees = crate::work::attendees_of_meeting(store, meeting.network_id, input.attendee_ids).await?;
    let held = store.record_planned_meeting(meeting.id, input.expected_sequence, notes, minutes, &attendees).await?;
    let organisations: Vec<Uuid> = attendees.iter().filter_map(|(_, org)| *org).collect();
    store
        .record_event(
            NewEvent::network(
                EventKind::MeetingRecorded,
                held.id,
                held.network_id,
                json!({ "heldOn": held.held_on, "attendees": attendees.len(), "planned": true }),
            )
            .concerning(organisations),
        )
        .await?;
    Ok(held)
}
