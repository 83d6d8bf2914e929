//! Goals, meetings and commitments: unity in diversity. Shared long-term goals,
//! most work done by one organisation or a small coalition, agreed by each
//! party for itself, with visible progress.

use std::collections::{HashMap, HashSet};

use chrono::NaiveDate;
use entity::{
    CommitmentKind, CommitmentScope, CommitmentStatus, GoalHorizon, PartnershipStatus, commitment, goal, meeting,
};
use serde_json::json;
use uuid::Uuid;

use crate::domain::commitments::{self as rules};
use crate::domain::events::EventKind;
use crate::domain::settings::NetworkSettings;
use crate::domain::values::{Name, Text};
use crate::domain::{AppError, AppResult, policy};
use crate::store::work::{CommitmentChanges, GoalChanges, NewCommitment, NewParty};
use crate::store::{NewEvent, Store};

// ---- goals ----

pub struct CreateGoal {
    pub network_id: Uuid,
    pub parent_id: Option<Uuid>,
    pub title: String,
    pub description: Option<String>,
    pub horizon: GoalHorizon,
    pub target_date: Option<NaiveDate>,
}

pub async fn create_goal(store: &Store, input: CreateGoal) -> AppResult<goal::Model> {
    let network = store.network(input.network_id).await?;
    policy::require_facilitator(&store.actor(), network.id)?;
    let title = Name::parse("title", &input.title)?.into_inner();
    let description = Text::parse_optional("description", input.description.as_deref())?.map(Text::into_inner);
    if let Some(parent) = input.parent_id {
        let parent = store.goal(parent).await?;
        if parent.network_id != network.id {
            return Err(AppError::bad_input("parentId", "a parent goal belongs to the same network"));
        }
    }
    let goal =
        store.insert_goal(network.id, input.parent_id, title, description, input.horizon, input.target_date).await?;
    store
        .record_event(NewEvent::network(
            EventKind::GoalCreated,
            goal.id,
            network.id,
            json!({ "parentId": goal.parent_id, "horizon": goal.horizon }),
        ))
        .await?;
    Ok(goal)
}

pub struct UpdateGoal {
    pub id: Uuid,
    pub expected_version: i32,
    pub title: Option<String>,
    pub description: Option<Option<String>>,
    pub horizon: Option<GoalHorizon>,
    pub target_date: Option<Option<NaiveDate>>,
    pub parent_id: Option<Option<Uuid>>,
}

pub async fn update_goal(store: &Store, input: UpdateGoal) -> AppResult<goal::Model> {
    let goal = store.goal(input.id).await?;
    policy::require_facilitator(&store.actor(), goal.network_id)?;
    if let Some(Some(parent)) = input.parent_id {
        // No cycles: the new parent may not be the goal or one of its descendants.
        let goals = store.goals_of_network(goal.network_id).await?;
        let parent_goal = goals.iter().find(|g| g.id == parent).ok_or(AppError::NotFound("goal"))?;
        let mut cursor = Some(parent_goal);
        while let Some(ancestor) = cursor {
            if ancestor.id == goal.id {
                return Err(AppError::bad_input("parentId", "a goal cannot sit under itself or one of its sub-goals"));
            }
            cursor = ancestor.parent_id.and_then(|id| goals.iter().find(|g| g.id == id));
        }
    }
    let changes = GoalChanges {
        title: input.title.as_deref().map(|t| Name::parse("title", t)).transpose()?.map(Name::into_inner),
        description: match input.description {
            Some(d) => Some(Text::parse_optional("description", d.as_deref())?.map(Text::into_inner)),
            None => None,
        },
        horizon: input.horizon,
        target_date: input.target_date,
        parent_id: input.parent_id,
    };
    let goal = store.update_goal(goal.id, input.expected_version, changes).await?;
    store
        .record_event(NewEvent::network(
            EventKind::GoalUpdated,
            goal.id,
            goal.network_id,
            json!({ "version": goal.version, "parentId": goal.parent_id }),
        ))
        .await?;
    Ok(goal)
}

/// A goal's results: delivered commitments of the goal and its sub-goals.
#[derive(Debug, Clone, Default)]
pub struct GoalResults {
    pub delivered: Vec<commitment::Model>,
}

impl GoalResults {
    pub fn count(&self, scope: Option<CommitmentScope>, kind: Option<CommitmentKind>) -> usize {
        self.delivered.iter().filter(|c| scope.is_none_or(|s| c.scope == s) && kind.is_none_or(|k| c.kind == k)).count()
    }

    pub fn last_result_on(&self) -> Option<NaiveDate> {
        self.delivered.iter().filter_map(|c| c.delivered_at).max().map(|at| at.date_naive())
    }
}

/// The results of several goals at once, in three statements whatever their
/// number: the goals of their networks (for the sub-goal trees), and the
/// delivered commitments of every goal in those trees.
pub async fn goals_results(store: &Store, goals: &[goal::Model]) -> AppResult<HashMap<Uuid, GoalResults>> {
    let mut networks: Vec<Uuid> = goals.iter().map(|g| g.network_id).collect();
    networks.sort_unstable();
    networks.dedup();
    let all = store.goals_of_networks(&networks).await?;
    let mut children: HashMap<Uuid, Vec<Uuid>> = HashMap::new();
    for g in &all {
        if let Some(parent) = g.parent_id {
            children.entry(parent).or_default().push(g.id);
        }
    }
    let trees: Vec<(Uuid, HashSet<Uuid>)> = goals
        .iter()
        .map(|goal| {
            let mut tree = vec![goal.id];
            let mut i = 0;
            while i < tree.len() {
                if let Some(kids) = children.get(&tree[i]) {
                    tree.extend(kids.iter().copied().filter(|k| !tree.contains(k)).collect::<Vec<_>>());
                }
                i += 1;
            }
            (goal.id, tree.into_iter().collect())
        })
        .collect();
    let mut every: Vec<Uuid> = trees.iter().flat_map(|(_, tree)| tree.iter().copied()).collect();
    every.sort_unstable();
    every.dedup();
    let delivered = store.delivered_for_goals(&every).await?;
    Ok(trees
        .into_iter()
        .map(|(goal, tree)| {
            let delivered =
                delivered.iter().filter(|c| c.goal_id.is_some_and(|id| tree.contains(&id))).cloned().collect();
            (goal, GoalResults { delivered })
        })
        .collect())
}

// ---- meetings ----

pub struct RecordMeeting {
    pub network_id: Uuid,
    pub held_on: NaiveDate,
    pub notes: Option<String>,
    pub attendee_ids: Vec<Uuid>,
}

/// Attendees are the partners' current representatives (recorded with the
/// partner they sat for) and the network's facilitators.
pub async fn record_meeting(store: &Store, input: RecordMeeting) -> AppResult<meeting::Model> {
    let network = store.network(input.network_id).await?;
    policy::require_facilitator(&store.actor(), network.id)?;
    if input.held_on > store.actor().today {
        return Err(AppError::bad_input("heldOn", "record a meeting once it has been held"));
    }
    let notes = Text::parse_optional("notes", input.notes.as_deref())?.map(Text::into_inner);
    let attendees = attendees_of_meeting(store, network.id, input.attendee_ids).await?;
    let meeting = store.insert_meeting(network.id, input.held_on, notes, &attendees).await?;
    let organisations: Vec<Uuid> = attendees.iter().filter_map(|(_, org)| *org).collect();
    store
        .record_event(
            NewEvent::network(
                EventKind::MeetingRecorded,
                meeting.id,
                network.id,
                json!({ "heldOn": meeting.held_on, "attendees": attendees.len(), "planned": false }),
            )
            .concerning(organisations),
        )
        .await?;
    Ok(meeting)
}

/// Who attended a meeting of `network_id`, each with the partner they sat
/// for: the partners' current representatives and the network's
/// facilitators, nobody else.
pub(crate) async fn attendees_of_meeting(
    store: &Store,
    network_id: Uuid,
    attendee_ids: Vec<Uuid>,
) -> AppResult<Vec<(Uuid, Option<Uuid>)>> {
    let facilitators: HashSet<Uuid> =
        store.facilitators_of(&[network_id]).await?.into_iter().map(|(_, person)| person).collect();
    let mut seats: HashMap<Uuid, Uuid> = HashMap::new();
    for (partnership, organisation) in store.partner_organisation_ids(network_id, &[PartnershipStatus::Active]).await? {
        for representation in store.current_representations(partnership).await? {
            seats.insert(representation.person_id, organisation);
        }
    }
    let mut attendees = Vec::new();
    for person in attendee_ids.into_iter().collect::<HashSet<_>>() {
        match (seats.get(&person), facilitators.contains(&person)) {
            (Some(organisation), _) => attendees.push((person, Some(*organisation))),
            (None, true) => attendees.push((person, None)),
            (None, false) => {
                return Err(AppError::bad_input(
                    "attendeeIds",
                    "attendees are the partners' current representatives and the network's facilitators",
                ));
            }
        }
    }
    attendees.sort_unstable();
    Ok(attendees)
}

// ---- commitments ----

pub struct PartyInput {
    pub organisation_id: Uuid,
    pub contribution_euros: i64,
    pub contribution_hours: i32,
    pub contribution_note: Option<String>,
}

pub struct ProposeCommitment {
    pub network_id: Uuid,
    pub title: String,
    pub description: Option<String>,
    pub scope: CommitmentScope,
    pub kind: CommitmentKind,
    pub parties: Vec<PartyInput>,
    pub lead_organisation_id: Uuid,
    pub goal_id: Option<Uuid>,
    pub due_on: NaiveDate,
    pub meeting_id: Option<Uuid>,
    /// Bodies the proposer involves beyond the parties' mandates.
    pub additional_body_ids: Vec<Uuid>,
}

async fn active_partners(store: &Store, network_id: Uuid) -> AppResult<HashSet<Uuid>> {
    Ok(store
        .partner_organisation_ids(network_id, &[PartnershipStatus::Active])
        .await?
        .into_iter()
        .map(|(_, organisation)| organisation)
        .collect())
}

fn parse_parties(parties: Vec<PartyInput>) -> AppResult<Vec<NewParty>> {
    parties
        .into_iter()
        .map(|p| {
            rules::check_contribution(p.contribution_euros, p.contribution_hours)?;
            Ok(NewParty {
                organisation_id: p.organisation_id,
                contribution_euros: p.contribution_euros,
                contribution_hours: p.contribution_hours,
                contribution_note: Text::parse_optional("parties.contributionNote", p.contribution_note.as_deref())?
                    .map(Text::into_inner),
            })
        })
        .collect()
}

async fn check_goal_and_meeting(
    store: &Store,
    network_id: Uuid,
    goal_id: Option<Uuid>,
    meeting_id: Option<Uuid>,
) -> AppResult<()> {
    if let Some(goal_id) = goal_id
        && store.goal(goal_id).await?.network_id != network_id
    {
        return Err(AppError::bad_input("goalId", "the goal belongs to another network"));
    }
    if let Some(meeting_id) = meeting_id {
        let meeting = store.meeting(meeting_id).await?;
        if meeting.network_id != network_id {
            return Err(AppError::bad_input("meetingId", "the meeting belongs to another network"));
        }
        // What was said at the table is said in a meeting that took place.
        if meeting.status != entity::MeetingStatus::Held {
            return Err(AppError::bad_input("meetingId", "the meeting has not been recorded as held"));
        }
    }
    Ok(())
}

/// Proposes a commitment: by a facilitator, or by a DIRECTOR or representative
/// of one of its parties.
pub async fn propose(store: &Store, input: ProposeCommitment) -> AppResult<commitment::Model> {
    let network = store.network(input.network_id).await?;
    let actor = store.actor();
    let organisations: Vec<Uuid> = input.parties.iter().map(|p| p.organisation_id).collect();
    if !actor.facilitates(network.id) && !organisations.iter().any(|org| rules::acts_for(&actor, network.id, *org)) {
        return Err(AppError::forbidden("only a facilitator, or a director or representative of a party, may propose"));
    }
    let title = Name::parse("title", &input.title)?.into_inner();
    let description = Text::parse_optional("description", input.description.as_deref())?.map(Text::into_inner);
    let settings = NetworkSettings::from_json(&network.settings);
    rules::check_due(input.kind, input.due_on, actor.today, settings.quick_win_max_days)?;
    let partners = active_partners(store, network.id).await?;
    rules::check_parties(input.scope, &organisations, input.lead_organisation_id, &partners)?;
    check_goal_and_meeting(store, network.id, input.goal_id, input.meeting_id).await?;
    let parties = parse_parties(input.parties)?;
    let commitment = store
        .insert_commitment(
            NewCommitment {
                network_id: network.id,
                goal_id: input.goal_id,
                title,
                description,
                scope: input.scope,
                kind: input.kind,
                lead_organisation_id: input.lead_organisation_id,
                due_on: input.due_on,
                meeting_id: input.meeting_id,
            },
            &parties,
        )
        .await?;
    let contributions: Vec<(Uuid, i64)> = parties.iter().map(|p| (p.organisation_id, p.contribution_euros)).collect();
    super::ratification::create_for(store, &commitment, &contributions, &input.additional_body_ids).await?;
    store
        .record_event(
            NewEvent::network(
                EventKind::CommitmentProposed,
                commitment.id,
                network.id,
                json!({ "scope": commitment.scope, "kind": commitment.kind, "parties": organisations, "dueOn": commitment.due_on }),
            )
            .concerning(organisations.iter().copied()),
        )
        .await?;
    Ok(commitment)
}

/// One party agrees: by one of its DIRECTORs or representatives, or recorded
/// by a facilitator as agreed in a meeting that a representative of that party
/// attended. One party never agrees for another. The last agreement makes the
/// commitment AGREED.
pub async fn agree(
    store: &Store,
    commitment_id: Uuid,
    organisation_id: Uuid,
    meeting_id: Option<Uuid>,
) -> AppResult<commitment::Model> {
    let commitment = store.commitment(commitment_id).await?;
    let parties = store.parties_of(&[commitment.id]).await?;
    let party = parties
        .iter()
        .find(|p| p.organisation_id == organisation_id)
        .ok_or_else(|| AppError::bad_input("organisationId", "that organisation is not a party to this commitment"))?;
    let actor = store.actor();
    let for_itself = rules::acts_for(&actor, commitment.network_id, organisation_id);
    if !for_itself {
        if !actor.facilitates(commitment.network_id) {
            return Err(AppError::forbidden(
                "only the party itself, or a facilitator with a meeting it attended, may agree for it",
            ));
        }
        let meeting_id = meeting_id.ok_or_else(|| {
            AppError::bad_input(
                "meetingId",
                "a facilitator records a party's agreement with the meeting where it was given",
            )
        })?;
        let meeting = store.meeting(meeting_id).await?;
        let attended =
            store.attendees_of(&[meeting.id]).await?.iter().any(|a| a.organisation_id == Some(organisation_id));
        if meeting.network_id != commitment.network_id || !attended {
            return Err(AppError::forbidden("no representative of that party attended the meeting"));
        }
    } else if let Some(meeting_id) = meeting_id {
        check_goal_and_meeting(store, commitment.network_id, None, Some(meeting_id)).await?;
    }
    if commitment.status != CommitmentStatus::Proposed {
        return Err(AppError::conflict("only a PROPOSED commitment is agreed to"));
    }
    store.record_party_agreement(party.id, meeting_id).await?;
    let all_agreed = parties.iter().all(|p| p.id == party.id || p.agreed_at.is_some());
    let (kind, commitment) = if all_agreed {
        let agreed = store
            .transition_commitment(commitment.id, CommitmentStatus::Proposed, CommitmentStatus::Agreed, None, None)
            .await?;
        // Every party's bodies now await their outcome.
        super::ratification::await_outcomes(store, &agreed).await?;
        (EventKind::CommitmentAgreed, agreed)
    } else {
        (EventKind::CommitmentPartyAgreed, commitment)
    };
    store
        .record_event(
            NewEvent::network(
                kind,
                commitment.id,
                commitment.network_id,
                json!({ "organisationId": organisation_id, "meetingId": meeting_id, "allAgreed": all_agreed }),
            )
            .concerning([organisation_id]),
        )
        .await?;
    Ok(commitment)
}

fn may_edit(store: &Store, commitment: &commitment::Model, party_orgs: &[Uuid]) -> bool {
    let actor = store.actor();
    actor.facilitates(commitment.network_id)
        || party_orgs.iter().any(|org| rules::acts_for(&actor, commitment.network_id, *org))
}

pub struct UpdateCommitment {
    pub id: Uuid,
    pub expected_version: i32,
    pub title: Option<String>,
    pub description: Option<Option<String>>,
    pub due_on: Option<NaiveDate>,
    pub goal_id: Option<Option<Uuid>>,
}

pub async fn update(store: &Store, input: UpdateCommitment) -> AppResult<commitment::Model> {
    let commitment = store.commitment(input.id).await?;
    let parties: Vec<Uuid> = store.parties_of(&[commitment.id]).await?.iter().map(|p| p.organisation_id).collect();
    if !may_edit(store, &commitment, &parties) {
        return Err(AppError::forbidden(
            "only a facilitator, or a director or representative of a party, may change it",
        ));
    }
    if !rules::is_open(commitment.status) {
        return Err(AppError::conflict("a delivered or dropped commitment is not changed"));
    }
    let network = store.network(commitment.network_id).await?;
    if let Some(due_on) = input.due_on {
        let settings = NetworkSettings::from_json(&network.settings);
        rules::check_due(commitment.kind, due_on, store.actor().today, settings.quick_win_max_days)?;
    }
    if let Some(Some(goal_id)) = input.goal_id {
        check_goal_and_meeting(store, network.id, Some(goal_id), None).await?;
    }
    let changes = CommitmentChanges {
        title: input.title.as_deref().map(|t| Name::parse("title", t)).transpose()?.map(Name::into_inner),
        description: match input.description {
            Some(d) => Some(Text::parse_optional("description", d.as_deref())?.map(Text::into_inner)),
            None => None,
        },
        due_on: input.due_on,
        goal_id: input.goal_id,
    };
    let changed: Vec<&str> = [
        changes.title.as_ref().map(|_| "title"),
        changes.description.as_ref().map(|_| "description"),
        changes.due_on.map(|_| "dueOn"),
        changes.goal_id.map(|_| "goalId"),
    ]
    .into_iter()
    .flatten()
    .collect();
    let commitment = store.update_commitment(commitment.id, input.expected_version, changes).await?;
    store
        .record_event(NewEvent::network(
            EventKind::CommitmentUpdated,
            commitment.id,
            commitment.network_id,
            json!({ "changed": changed, "version": commitment.version, "dueOn": commitment.due_on, "goalId": commitment.goal_id }),
        ))
        .await?;
    Ok(commitment)
}

pub struct ReplanCommitment {
    pub id: Uuid,
    pub expected_version: i32,
    pub scope: CommitmentScope,
    pub parties: Vec<PartyInput>,
    pub lead_organisation_id: Uuid,
}

/// A facilitator re-plans: new parties or scope, under the same rules as a
/// proposal; agreement starts over and the re-planning flag clears.
pub async fn replan(store: &Store, input: ReplanCommitment) -> AppResult<commitment::Model> {
    let commitment = store.commitment(input.id).await?;
    policy::require_facilitator(&store.actor(), commitment.network_id)?;
    if !rules::is_open(commitment.status) {
        return Err(AppError::conflict("a delivered or dropped commitment is not re-planned"));
    }
    let organisations: Vec<Uuid> = input.parties.iter().map(|p| p.organisation_id).collect();
    let partners = active_partners(store, commitment.network_id).await?;
    rules::check_parties(input.scope, &organisations, input.lead_organisation_id, &partners)?;
    let parties = parse_parties(input.parties)?;
    let commitment = store
        .replan_commitment(&commitment, input.expected_version, input.scope, input.lead_organisation_id, &parties)
        .await?;
    // A new plan is a new deal: every party's bodies ratify it afresh.
    store.withdraw_ratifications(commitment.id).await?;
    let contributions: Vec<(Uuid, i64)> = parties.iter().map(|p| (p.organisation_id, p.contribution_euros)).collect();
    super::ratification::create_for(store, &commitment, &contributions, &[]).await?;
    store
        .record_event(
            NewEvent::network(
                EventKind::CommitmentReplanned,
                commitment.id,
                commitment.network_id,
                json!({ "scope": commitment.scope, "parties": organisations, "version": commitment.version }),
            )
            .concerning(organisations.iter().copied()),
        )
        .await?;
    Ok(commitment)
}

pub struct AddProgress {
    pub commitment_id: Uuid,
    pub note: String,
    pub percent: Option<i32>,
    pub status: Option<CommitmentStatus>,
}

/// Reports many updates at once (a partner's quarterly report), in order,
/// all or nothing: when any is refused, the whole is, with every refused
/// item named by its index (`AppError::Items`), and nothing is written (the
/// request's transaction rolls back). A failure of ours stops at once. An
/// item the edge could not read (a malformed id) comes as its error.
pub async fn add_progress_many(
    store: &Store,
    inputs: Vec<AppResult<AddProgress>>,
) -> AppResult<Vec<commitment::Model>> {
    let mut batch = crate::Batch::new("updates", &inputs)?;
    for (index, input) in inputs.into_iter().enumerate() {
        let result = match input {
            Ok(input) => add_progress(store, input).await,
            Err(error) => Err(error),
        };
        batch.take(index, result)?;
    }
    batch.finish()
}

/// People of a party (any current position) or a facilitator report
/// progress; a status moves AGREED → IN_PROGRESS → DELIVERED.
pub async fn add_progress(store: &Store, input: AddProgress) -> AppResult<commitment::Model> {
    let commitment = store.commitment(input.commitment_id).await?;
    let parties: Vec<Uuid> = store.parties_of(&[commitment.id]).await?.iter().map(|p| p.organisation_id).collect();
    let actor = store.actor();
    if !actor.facilitates(commitment.network_id) && !parties.iter().any(|org| actor.acts_within(*org)) {
        return Err(AppError::forbidden("only people of a party, or a facilitator, report progress"));
    }
    let note = Text::parse("note", &input.note)?.into_inner();
    let percent = rules::check_percent(input.percent)?;
    if !matches!(commitment.status, CommitmentStatus::Agreed | CommitmentStatus::InProgress) {
        return Err(AppError::conflict("progress is reported on an AGREED or IN_PROGRESS commitment"));
    }
    let commitment = match input.status {
        Some(to) if to != commitment.status => {
            if !matches!(to, CommitmentStatus::InProgress | CommitmentStatus::Delivered) {
                return Err(AppError::bad_input("status", "progress moves a commitment to IN_PROGRESS or DELIVERED"));
            }
            rules::check_transition(commitment.status, to)?;
            store.transition_commitment(commitment.id, commitment.status, to, None, None).await?
        }
        _ => commitment,
    };
    let update = store.insert_progress(commitment.id, note, percent, input.status).await?;
    let kind = match input.status {
        Some(CommitmentStatus::InProgress) => EventKind::CommitmentStarted,
        Some(CommitmentStatus::Delivered) => EventKind::CommitmentDelivered,
        _ => EventKind::CommitmentProgressAdded,
    };
    store
        .record_event(
            NewEvent::network(
                kind,
                commitment.id,
                commitment.network_id,
                json!({ "progressUpdateId": update.id, "percent": percent, "status": commitment.status }),
            )
            .concerning(parties.iter().copied()),
        )
        .await?;
    Ok(commitment)
}

pub async fn drop_commitment(
    store: &Store,
    commitment_id: Uuid,
    expected_version: i32,
    reason: &str,
) -> AppResult<commitment::Model> {
    let commitment = store.commitment(commitment_id).await?;
    policy::require_facilitator(&store.actor(), commitment.network_id)?;
    let reason = Text::parse("reason", reason)?.into_inner();
    rules::check_transition(commitment.status, CommitmentStatus::Dropped)?;
    let commitment = store
        .transition_commitment(
            commitment.id,
            commitment.status,
            CommitmentStatus::Dropped,
            Some(expected_version),
            Some(reason),
        )
        .await?;
    // No body decides on what was dropped: its open questions leave the inboxes.
    store.withdraw_unanswered_ratifications(commitment.id).await?;
    store
        .record_event(NewEvent::network(
            EventKind::CommitmentDropped,
            commitment.id,
            commitment.network_id,
            json!({ "version": commitment.version }),
        ))
        .await?;
    Ok(commitment)
}
