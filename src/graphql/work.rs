//! Goals, meetings and commitments: types, queries and mutations.

use async_graphql::{Context, ID, InputObject, MaybeUndefined, Object, Result, SimpleObject};
use entity::{commitment, commitment_party, goal, meeting, meeting_agenda_item, progress_update};
use uuid::Uuid;

use super::connection::{self, connection};
use super::enums::{CommitmentKind, CommitmentScope, CommitmentStatus, GoalHorizon};
use super::ids::{self, NodeType};
use super::loaders::{
    self, AgendaOf, AttendeesOf, CommitmentId, CommitmentsOfMeeting, GoalId, GoalResultsOf, IndicatorsOfCommitment,
    IndicatorsOfGoal, MeetingId, NetworkId, OrganisationId, PartiesOf, RatificationsOf,
};
use super::networks::Network;
use super::organisations::Organisation;
use super::people::Person;
use super::scalars::{Date, DateTime};
use super::store;
use crate::service::work as service;
use crate::store::work::CommitmentFilter as Filter;

fn optional_id(field: &str, id: &MaybeUndefined<ID>, node_type: NodeType) -> Result<Option<Option<Uuid>>> {
    Ok(match id {
        MaybeUndefined::Undefined => None,
        MaybeUndefined::Null => Some(None),
        MaybeUndefined::Value(id) => Some(Some(ids::decode_id(field, id, node_type)?)),
    })
}

fn optional_text(value: MaybeUndefined<String>) -> Option<Option<String>> {
    match value {
        MaybeUndefined::Undefined => None,
        MaybeUndefined::Null => Some(None),
        MaybeUndefined::Value(text) => Some(Some(text)),
    }
}

#[derive(Clone)]
pub struct Goal(pub goal::Model);

impl Goal {
    pub fn uuid(&self) -> Uuid {
        self.0.id
    }
}

/// A long-term ambition of the network, possibly under a parent goal. Goals
/// show results — delivered commitments — not a planned percentage.
#[Object]
impl Goal {
    /// Opaque global id.
    pub async fn id(&self) -> ID {
        ids::global_id(NodeType::Goal, self.0.id)
    }

    /// The goal's title.
    async fn title(&self) -> &str {
        &self.0.title
    }

    /// What the goal means.
    async fn description(&self) -> Option<&str> {
        self.0.description.as_deref()
    }

    /// LONG_TERM or MID_TERM.
    async fn horizon(&self) -> GoalHorizon {
        self.0.horizon.into()
    }

    /// When the network hopes to reach it.
    async fn target_date(&self) -> Option<Date> {
        self.0.target_date.map(Date)
    }

    /// Incremented by every update; pass it as `expectedVersion`.
    async fn version(&self) -> i32 {
        self.0.version
    }

    /// The goal this one serves, if any.
    async fn parent(&self, ctx: &Context<'_>) -> Result<Option<Goal>> {
        match self.0.parent_id {
            Some(id) => Ok(loaders::from_context(ctx).load_one(GoalId(id)).await?.map(Goal)),
            None => Ok(None),
        }
    }

    /// The network.
    async fn network(&self, ctx: &Context<'_>) -> Result<Network> {
        let network = loaders::from_context(ctx).load_one(NetworkId(self.0.network_id)).await?;
        loaders::present(network, "a goal's network").map(Network)
    }

    /// Results: the delivered commitments of this goal and its sub-goals.
    async fn results(&self, ctx: &Context<'_>) -> Result<GoalResults> {
        let results = loaders::from_context(ctx).load_one(GoalResultsOf(self.0.id)).await?;
        Ok(GoalResults(results.unwrap_or_default()))
    }

    /// The shared indicators that measure progress on the goal, by name.
    async fn indicators(&self, ctx: &Context<'_>) -> Result<Vec<super::indicators::Indicator>> {
        let found = loaders::from_context(ctx).load_one(IndicatorsOfGoal(self.0.id)).await?.unwrap_or_default();
        Ok(found.into_iter().map(super::indicators::Indicator).collect())
    }
}

connection!(Goal, GoalConnection, GoalEdge, "A page of goals, oldest first.", "A goal in a list, with its cursor.");

pub struct GoalResults(service::GoalResults);

/// What a goal has delivered so far: results over time, with counts by scope and kind.
#[Object]
impl GoalResults {
    /// Delivered commitments of the goal and its sub-goals, in order of delivery.
    async fn delivered(&self) -> Vec<Commitment> {
        self.0.delivered.iter().cloned().map(Commitment).collect()
    }

    /// How many were delivered.
    async fn total(&self) -> usize {
        self.0.count(None, None)
    }

    /// Delivered commitments of one organisation.
    async fn organisation_count(&self) -> usize {
        self.0.count(Some(entity::CommitmentScope::Organisation), None)
    }

    /// Delivered commitments of coalitions.
    async fn coalition_count(&self) -> usize {
        self.0.count(Some(entity::CommitmentScope::Coalition), None)
    }

    /// Delivered commitments of the whole network.
    async fn network_count(&self) -> usize {
        self.0.count(Some(entity::CommitmentScope::Network), None)
    }

    /// Delivered quick wins.
    async fn quick_win_count(&self) -> usize {
        self.0.count(None, Some(entity::CommitmentKind::QuickWin))
    }

    /// Delivered initiatives.
    async fn initiative_count(&self) -> usize {
        self.0.count(None, Some(entity::CommitmentKind::Initiative))
    }

    /// The day of the latest result.
    async fn last_result_on(&self) -> Option<Date> {
        self.0.last_result_on().map(Date)
    }
}

#[derive(Clone)]
pub struct Meeting(pub meeting::Model);

impl Meeting {
    pub fn uuid(&self) -> Uuid {
        self.0.id
    }
}

/// A network meeting, where agreements are made.
#[Object]
impl Meeting {
    /// Opaque global id.
    pub async fn id(&self) -> ID {
        ids::global_id(NodeType::Meeting, self.0.id)
    }

    /// The day it was held; for a planned or cancelled meeting, the day it
    /// is (or was) planned for.
    async fn held_on(&self) -> Date {
        Date(self.0.held_on)
    }

    /// PLANNED, HELD or CANCELLED.
    async fn status(&self) -> super::enums::MeetingStatus {
        self.0.status.into()
    }

    /// Its title, if it was planned with one.
    async fn title(&self) -> Option<&str> {
        self.0.title.as_deref()
    }

    /// When it starts, if it was planned.
    async fn starts_at(&self) -> Option<DateTime> {
        self.0.starts_at.map(DateTime)
    }

    /// When it ends, if planned with an end.
    async fn ends_at(&self) -> Option<DateTime> {
        self.0.ends_at.map(DateTime)
    }

    /// Where it takes place.
    async fn location(&self) -> Option<&str> {
        self.0.location.as_deref()
    }

    /// The link to join it online.
    async fn online_url(&self) -> Option<&str> {
        self.0.online_url.as_deref()
    }

    /// Where its minutes are, once held.
    async fn minutes_reference(&self) -> Option<&str> {
        self.0.minutes_reference.as_deref()
    }

    /// Why it was cancelled.
    async fn cancellation_reason(&self) -> Option<&str> {
        self.0.cancellation_reason.as_deref()
    }

    /// How often its plan changed (a calendar's SEQUENCE); pass it as
    /// `expectedSequence`.
    async fn sequence(&self) -> i32 {
        self.0.sequence
    }

    /// Its agenda, in order. Partners see every item; what an item points
    /// at is shown only to whoever may see it (null otherwise).
    async fn agenda(&self, ctx: &Context<'_>) -> Result<Vec<MeetingAgendaItem>> {
        let rows = loaders::from_context(ctx).load_one(AgendaOf(self.0.id)).await?.unwrap_or_default();
        Ok(rows.into_iter().map(MeetingAgendaItem).collect())
    }

    /// The notes.
    async fn notes(&self) -> Option<&str> {
        self.0.notes.as_deref()
    }

    /// Who attended, and for which partner.
    async fn attendees(&self, ctx: &Context<'_>) -> Result<Vec<MeetingAttendee>> {
        let rows = loaders::from_context(ctx).load_one(AttendeesOf(self.0.id)).await?.unwrap_or_default();
        Ok(rows
            .into_iter()
            .map(|a| MeetingAttendee { person_id: a.person_id, organisation_id: a.organisation_id })
            .collect())
    }

    /// Commitments proposed at this meeting.
    async fn commitments_proposed(&self, ctx: &Context<'_>) -> Result<Vec<Commitment>> {
        let rows = loaders::from_context(ctx).load_one(CommitmentsOfMeeting(self.0.id)).await?.unwrap_or_default();
        Ok(rows
            .into_iter()
            .filter(|(_, c, _)| c.proposed_in_meeting_id == Some(self.0.id))
            .map(|(_, c, _)| Commitment(c))
            .collect())
    }

    /// Commitments that one or more parties agreed to at this meeting.
    async fn commitments_agreed(&self, ctx: &Context<'_>) -> Result<Vec<Commitment>> {
        let rows = loaders::from_context(ctx).load_one(CommitmentsOfMeeting(self.0.id)).await?.unwrap_or_default();
        Ok(rows.into_iter().filter(|(_, _, agreed)| *agreed).map(|(_, c, _)| Commitment(c)).collect())
    }
}

pub struct MeetingAgendaItem(meeting_agenda_item::Model);

/// One item on a meeting's agenda.
#[Object]
impl MeetingAgendaItem {
    /// Its place on the agenda, from 1.
    async fn number(&self) -> i32 {
        self.0.position + 1
    }

    /// What it is about.
    async fn kind(&self) -> super::enums::AgendaItemKind {
        self.0.kind.into()
    }

    /// The line on the agenda.
    async fn title(&self) -> &str {
        &self.0.title
    }

    /// Notes for the participants.
    async fn notes(&self) -> Option<&str> {
        self.0.notes.as_deref()
    }

    /// The commitment to propose or agree to, if you may see it.
    async fn commitment(&self, ctx: &Context<'_>) -> Result<Option<Commitment>> {
        match self.0.commitment_id {
            Some(id) => Ok(loaders::from_context(ctx).load_one(CommitmentId(id)).await?.map(Commitment)),
            None => Ok(None),
        }
    }

    /// The charter version to adopt, when known.
    async fn charter_version(&self) -> Option<i32> {
        self.0.charter_version
    }

    /// The alignment round whose results are discussed, if you may see it.
    async fn round(&self, ctx: &Context<'_>) -> Result<Option<super::alignment::AlignmentRound>> {
        match self.0.round_id {
            Some(id) => Ok(loaders::from_context(ctx)
                .load_one(super::loaders::RoundId(id))
                .await?
                .map(super::alignment::AlignmentRound)),
            None => Ok(None),
        }
    }
}

connection!(
    Meeting,
    MeetingConnection,
    MeetingEdge,
    "A page of meetings, newest first.",
    "A meeting in a list, with its cursor."
);

pub struct MeetingAttendee {
    person_id: Uuid,
    organisation_id: Option<Uuid>,
}

/// Someone at a meeting: a partner's representative, or a facilitator.
#[Object]
impl MeetingAttendee {
    /// The person, if you may see them.
    async fn person(&self, ctx: &Context<'_>) -> Result<Option<Person>> {
        loaders::person(ctx, Some(self.person_id)).await
    }

    /// The partner they represented; null for a facilitator.
    async fn organisation(&self, ctx: &Context<'_>) -> Result<Option<Organisation>> {
        match self.organisation_id {
            Some(id) => loaders::organisation(ctx, id).await,
            None => Ok(None),
        }
    }
}

#[derive(Clone)]
pub struct Commitment(pub commitment::Model);

impl Commitment {
    pub fn uuid(&self) -> Uuid {
        self.0.id
    }
}

/// An agreement: who does what, by when, for which goal — scoped to one
/// organisation, a coalition or the whole network, agreed by each party itself.
#[Object]
impl Commitment {
    /// Opaque global id.
    pub async fn id(&self) -> ID {
        ids::global_id(NodeType::Commitment, self.0.id)
    }

    /// The network.
    async fn network(&self, ctx: &Context<'_>) -> Result<Network> {
        let network = loaders::from_context(ctx).load_one(NetworkId(self.0.network_id)).await?;
        loaders::present(network, "a commitment's network").map(Network)
    }

    /// What is committed to.
    async fn title(&self) -> &str {
        &self.0.title
    }

    /// More detail.
    async fn description(&self) -> Option<&str> {
        self.0.description.as_deref()
    }

    /// ORGANISATION, COALITION or NETWORK.
    async fn scope(&self) -> CommitmentScope {
        self.0.scope.into()
    }

    /// QUICK_WIN or INITIATIVE.
    async fn kind(&self) -> CommitmentKind {
        self.0.kind.into()
    }

    /// Where it stands.
    async fn status(&self) -> CommitmentStatus {
        self.0.status.into()
    }

    /// The party that leads.
    async fn lead(&self, ctx: &Context<'_>) -> Result<Organisation> {
        loaders::present(loaders::organisation(ctx, self.0.lead_organisation_id).await?, "a commitment's lead")
    }

    /// The goal it serves, if any.
    async fn goal(&self, ctx: &Context<'_>) -> Result<Option<Goal>> {
        match self.0.goal_id {
            Some(id) => Ok(loaders::from_context(ctx).load_one(GoalId(id)).await?.map(Goal)),
            None => Ok(None),
        }
    }

    /// When it is due.
    async fn due_on(&self) -> Date {
        Date(self.0.due_on)
    }

    /// Whether a facilitator must re-plan it (a party left, or rejected it).
    async fn needs_replanning(&self) -> bool {
        self.0.needs_replanning
    }

    /// Why it needs re-planning.
    async fn replanning_reason(&self) -> Option<&str> {
        self.0.replanning_reason.as_deref()
    }

    /// How often it was re-planned.
    async fn replanned_count(&self) -> i32 {
        self.0.replanned_count
    }

    /// When it was last re-planned.
    async fn last_replanned_at(&self) -> Option<DateTime> {
        self.0.last_replanned_at.map(DateTime)
    }

    /// Why it was last re-planned: the reason it had been flagged for, kept
    /// past the re-plan (null for re-plans before this was kept).
    async fn last_replanning_reason(&self) -> Option<&str> {
        self.0.last_replanning_reason.as_deref()
    }

    /// Incremented by every change; pass it as `expectedVersion`.
    async fn version(&self) -> i32 {
        self.0.version
    }

    /// When it was proposed.
    async fn proposed_at(&self) -> DateTime {
        DateTime(self.0.proposed_at)
    }

    /// The meeting where it was proposed, if any.
    async fn proposed_in(&self, ctx: &Context<'_>) -> Result<Option<Meeting>> {
        match self.0.proposed_in_meeting_id {
            Some(id) => Ok(loaders::from_context(ctx).load_one(MeetingId(id)).await?.map(Meeting)),
            None => Ok(None),
        }
    }

    /// When the last party agreed.
    async fn agreed_at(&self) -> Option<DateTime> {
        self.0.agreed_at.map(DateTime)
    }

    /// When it was delivered.
    async fn delivered_at(&self) -> Option<DateTime> {
        self.0.delivered_at.map(DateTime)
    }

    /// Why it was dropped.
    async fn dropped_reason(&self) -> Option<&str> {
        self.0.dropped_reason.as_deref()
    }

    /// Where ratification stands across the parties: NOT_REQUIRED, PENDING,
    /// RATIFIED (every party) or REJECTED (any party's blocking body).
    async fn ratification_status(&self, ctx: &Context<'_>) -> Result<super::enums::CommitmentRatificationStatus> {
        let rows = loaders::from_context(ctx).load_one(RatificationsOf(self.0.id)).await?.unwrap_or_default();
        Ok(super::ratification::overall(&rows))
    }

    /// One ratification per party and involved body.
    async fn ratifications(&self, ctx: &Context<'_>) -> Result<Vec<super::ratification::Ratification>> {
        let rows = loaders::from_context(ctx).load_one(RatificationsOf(self.0.id)).await?.unwrap_or_default();
        Ok(rows.into_iter().map(super::ratification::Ratification).collect())
    }

    /// The decision dossier for one party: the document its governing bodies
    /// decide on, with the content hash to record their outcome with. For
    /// the party's own people, the network's facilitators and the tenant's
    /// admins; null for anyone else. Issuing one keeps its terms, so a
    /// decision on it can later be checked against the commitment. Built for
    /// one commitment at a time (about a dozen statements): asked for in a
    /// list (a page of commitments, `nodes`) it is refused with
    /// LIMIT_EXCEEDED; `node(id:)` reads it.
    async fn dossier(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The party whose bodies decide.")] organisation_id: ID,
        #[graphql(desc = "The language to write it in; default from `Accept-Language`, else `viewer.language`.")]
        locale: Option<super::health::Locale>,
    ) -> Result<Option<super::dossier::Dossier>> {
        if connection::in_list(ctx) {
            return Err(crate::domain::AppError::LimitExceeded(
                "a dossier is built for one commitment at a time: read it through node(id:)".to_owned(),
            )
            .into());
        }
        let organisation_id = ids::decode_id("organisationId", &organisation_id, NodeType::Organisation)?;
        let locale = super::language(ctx, locale).await?;
        let document = crate::service::dossier::dossier(store(ctx), self.0.id, organisation_id, locale).await?;
        Ok(document.map(|document| super::dossier::Dossier(document, locale)))
    }

    /// The parties, each with its contribution and its own agreement.
    async fn parties(&self, ctx: &Context<'_>) -> Result<Vec<CommitmentParty>> {
        let rows = loaders::from_context(ctx).load_one(PartiesOf(self.0.id)).await?.unwrap_or_default();
        Ok(rows.into_iter().map(|party| CommitmentParty(party, self.0.network_id)).collect())
    }

    /// Progress updates, newest first.
    async fn progress(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Page size, 1 to 100 (default 20).")] first: Option<i32>,
        #[graphql(desc = "Continue after this cursor.")] after: Option<String>,
    ) -> Result<ProgressUpdateConnection> {
        let page = connection::page_request(first, after.as_deref())?;
        let page = store(ctx).progress_page(self.0.id, page).await?;
        Ok(ProgressUpdateConnection::new(page.map(ProgressUpdate)))
    }

    /// The shared indicators the commitment contributes to, by name.
    async fn indicators(&self, ctx: &Context<'_>) -> Result<Vec<super::indicators::Indicator>> {
        let found = loaders::from_context(ctx).load_one(IndicatorsOfCommitment(self.0.id)).await?.unwrap_or_default();
        Ok(found.into_iter().map(|(_, i)| super::indicators::Indicator(i)).collect())
    }
}

connection!(
    Commitment,
    CommitmentConnection,
    CommitmentEdge,
    "A page of commitments, oldest first.",
    "A commitment in a list, with its cursor."
);

pub struct CommitmentParty(commitment_party::Model, Uuid);

impl CommitmentParty {
    /// A party of a commitment in `network_id`.
    pub fn new(party: commitment_party::Model, network_id: Uuid) -> Self {
        Self(party, network_id)
    }
}

/// A party to a commitment: what it contributes and whether it agreed.
#[Object]
impl CommitmentParty {
    /// The organisation.
    async fn organisation(&self, ctx: &Context<'_>) -> Result<Organisation> {
        loaders::present(loaders::organisation(ctx, self.0.organisation_id).await?, "a party's organisation")
    }

    /// Its contribution in whole euros.
    async fn contribution_euros(&self) -> i64 {
        self.0.contribution_euros
    }

    /// Its contribution in hours.
    async fn contribution_hours(&self) -> i32 {
        self.0.contribution_hours
    }

    /// What else it contributes.
    async fn contribution_note(&self) -> Option<&str> {
        self.0.contribution_note.as_deref()
    }

    /// Whether the party agreed.
    async fn agreed(&self) -> bool {
        self.0.agreed_at.is_some()
    }

    /// When it agreed.
    async fn agreed_at(&self) -> Option<DateTime> {
        self.0.agreed_at.map(DateTime)
    }

    /// Who recorded the agreement, if you may see them.
    async fn agreed_by(&self, ctx: &Context<'_>) -> Result<Option<Person>> {
        loaders::person(ctx, self.0.agreed_by).await
    }

    /// The party's consultation of its constituency: counts by stance for the
    /// network's facilitators and the party's own people, the inputs only for
    /// its own people; null for everyone else.
    async fn consultation(&self, ctx: &Context<'_>) -> Result<Option<super::ratification::Consultation>> {
        super::ratification::consultation(ctx, self.1, self.0.commitment_id, self.0.organisation_id).await
    }

    /// The meeting where the party agreed, if recorded there.
    async fn agreed_in(&self, ctx: &Context<'_>) -> Result<Option<Meeting>> {
        match self.0.agreed_in_meeting_id {
            Some(id) => Ok(loaders::from_context(ctx).load_one(MeetingId(id)).await?.map(Meeting)),
            None => Ok(None),
        }
    }
}

#[derive(Clone)]
pub struct ProgressUpdate(progress_update::Model);

impl ProgressUpdate {
    pub fn uuid(&self) -> Uuid {
        self.0.id
    }
}

/// A visible step on a commitment.
#[Object]
impl ProgressUpdate {
    /// What happened.
    async fn note(&self) -> &str {
        &self.0.note
    }

    /// How far along, 0 to 100, if given.
    async fn percent(&self) -> Option<i32> {
        self.0.percent
    }

    /// The status this update moved the commitment to, if any.
    async fn status(&self) -> Option<CommitmentStatus> {
        self.0.status.map(Into::into)
    }

    /// When.
    async fn at(&self) -> DateTime {
        DateTime(self.0.at)
    }

    /// Who reported it, if you may see them.
    async fn author(&self, ctx: &Context<'_>) -> Result<Option<Person>> {
        loaders::person(ctx, self.0.author_id).await
    }
}

connection!(
    ProgressUpdate,
    ProgressUpdateConnection,
    ProgressUpdateEdge,
    "A page of progress updates, newest first.",
    "A progress update in a list, with its cursor."
);

/// Filters of `Network.commitments`; all given filters apply together.
#[derive(InputObject, Default)]
pub struct CommitmentFilter {
    /// Only this scope.
    pub scope: Option<CommitmentScope>,
    /// Only this kind.
    pub kind: Option<CommitmentKind>,
    /// Only these statuses.
    pub status: Option<Vec<CommitmentStatus>>,
    /// Only commitments for this goal.
    pub goal_id: Option<ID>,
    /// Only commitments with this organisation as a party.
    pub party_id: Option<ID>,
    /// Only commitments due before this day.
    pub due_before: Option<Date>,
    /// Only commitments due after this day.
    pub due_after: Option<Date>,
    /// Only commitments that do (or do not) need re-planning.
    pub needs_replanning: Option<bool>,
    /// Only commitments whose ratification stands here.
    pub ratification_status: Option<super::enums::CommitmentRatificationStatus>,
}

impl CommitmentFilter {
    fn into_store(self) -> Result<Filter> {
        Ok(Filter {
            scope: self.scope.map(Into::into),
            kind: self.kind.map(Into::into),
            statuses: self.status.unwrap_or_default().into_iter().map(Into::into).collect(),
            goal_id: self.goal_id.as_ref().map(|id| ids::decode_id("filter.goalId", id, NodeType::Goal)).transpose()?,
            party_organisation_id: self
                .party_id
                .as_ref()
                .map(|id| ids::decode_id("filter.partyId", id, NodeType::Organisation))
                .transpose()?,
            due_before: self.due_before.map(|d| d.0),
            due_after: self.due_after.map(|d| d.0),
            needs_replanning: self.needs_replanning,
            ratification: self.ratification_status.map(|status| {
                use super::enums::CommitmentRatificationStatus as S;
                use crate::store::work::RatificationFilter as F;
                match status {
                    S::NotRequired => F::NotRequired,
                    S::Pending => F::Pending,
                    S::Ratified => F::Ratified,
                    S::Rejected => F::Rejected,
                }
            }),
        })
    }
}

/// Network fields of this area, merged into `Network` by its resolvers.
pub async fn network_goals(
    ctx: &Context<'_>,
    network_id: Uuid,
    first: Option<i32>,
    after: Option<String>,
) -> Result<GoalConnection> {
    let page = connection::page_request(first, after.as_deref())?;
    if page.after.is_none() && connection::in_list(ctx) {
        // In a list of networks every network reads its first page at once.
        let key = loaders::GoalsFirstPage { network: network_id, first: page.first };
        return Ok(GoalConnection::new(loaders::first_page(ctx, key).await?.map(Goal)));
    }
    Ok(GoalConnection::new(store(ctx).goals_page_of_network(network_id, page).await?.map(Goal)))
}

pub async fn network_meetings(
    ctx: &Context<'_>,
    network_id: Uuid,
    first: Option<i32>,
    after: Option<String>,
    statuses: &[entity::MeetingStatus],
) -> Result<MeetingConnection> {
    let page = connection::page_request(first, after.as_deref())?;
    Ok(MeetingConnection::new(store(ctx).meetings_page_of_network(network_id, page, statuses).await?.map(Meeting)))
}

pub async fn network_commitments(
    ctx: &Context<'_>,
    network_id: Uuid,
    filter: Option<CommitmentFilter>,
    first: Option<i32>,
    after: Option<String>,
) -> Result<CommitmentConnection> {
    let page = connection::page_request(first, after.as_deref())?;
    let filter = filter.unwrap_or_default().into_store()?;
    let page = store(ctx).commitments_page_of_network(network_id, &filter, page).await?;
    prefetch_commitment_children(ctx, &page.items).await?;
    Ok(CommitmentConnection::new(page.map(Commitment)))
}

/// Reads the parties (with their organisations) and ratifications that the
/// selection asks of a page of commitments, right after the page, and primes
/// the loaders with them: the dashboard's hot path in two statements instead
/// of three batches, with the same rows and the same visibility.
async fn prefetch_commitment_children(ctx: &Context<'_>, commitments: &[entity::commitment::Model]) -> Result<()> {
    if commitments.is_empty() {
        return Ok(());
    }
    let ids: Vec<Uuid> = commitments.iter().map(|c| c.id).collect();
    fn keys<K>(ids: &[Uuid], key: fn(Uuid) -> K) -> Vec<K> {
        ids.iter().copied().map(key).collect()
    }
    if connection::selects_item_field(ctx, &["parties", "organisation"]) {
        let rows = store(ctx).parties_with_organisations_of(&ids).await?;
        let organisations: Vec<_> = rows.iter().map(|(p, o)| (OrganisationId(p.organisation_id), o.clone())).collect();
        loaders::prime(ctx, organisations);
        loaders::prime_lists(
            ctx,
            &keys(&ids, PartiesOf),
            rows.into_iter().map(|(p, _)| (PartiesOf(p.commitment_id), p)),
        );
    } else if connection::selects_item_field(ctx, &["parties"]) {
        let rows = store(ctx).parties_of(&ids).await?;
        loaders::prime_lists(ctx, &keys(&ids, PartiesOf), rows.into_iter().map(|p| (PartiesOf(p.commitment_id), p)));
    }
    if connection::selects_item_field(ctx, &["ratifications"]) {
        let rows = store(ctx).ratifications_of(&ids).await?;
        loaders::prime_lists(
            ctx,
            &keys(&ids, RatificationsOf),
            rows.into_iter().map(|r| (RatificationsOf(r.commitment_id), r)),
        );
    }
    Ok(())
}

/// Creates a goal.
#[derive(InputObject)]
pub struct CreateGoalInput {
    /// The network.
    pub network_id: ID,
    /// The title, 1 to 200 characters.
    pub title: String,
    /// What it means.
    pub description: Option<String>,
    /// LONG_TERM or MID_TERM.
    pub horizon: GoalHorizon,
    /// When the network hopes to reach it.
    pub target_date: Option<Date>,
    /// A goal of the same network this one serves.
    pub parent_id: Option<ID>,
}

/// The result of `createGoal`.
#[derive(SimpleObject)]
pub struct CreateGoalPayload {
    /// The new goal.
    pub goal: Goal,
}

/// Changes a goal; omitted fields stay, `null` clears an optional one.
#[derive(InputObject)]
pub struct UpdateGoalInput {
    /// The goal.
    pub id: ID,
    /// The `version` you last read.
    pub expected_version: i32,
    /// A new title.
    pub title: Option<String>,
    /// A new description, or null to clear it.
    pub description: MaybeUndefined<String>,
    /// A new horizon.
    pub horizon: Option<GoalHorizon>,
    /// A new target date, or null to clear it.
    pub target_date: MaybeUndefined<Date>,
    /// A new parent goal, or null to make it a top-level goal. No cycles.
    pub parent_id: MaybeUndefined<ID>,
}

/// The result of `updateGoal`.
#[derive(SimpleObject)]
pub struct UpdateGoalPayload {
    /// The goal as changed.
    pub goal: Goal,
}

/// Records a meeting that was held.
#[derive(InputObject)]
pub struct RecordMeetingInput {
    /// The network.
    pub network_id: ID,
    /// The day it was held (not in the future).
    pub held_on: Date,
    /// Notes.
    pub notes: Option<String>,
    /// Who attended: current representatives of partners, and facilitators.
    #[graphql(validator(max_items = 100))]
    pub attendee_ids: Vec<ID>,
}

/// One item of a planned meeting's agenda.
#[derive(InputObject)]
pub struct AgendaItemInput {
    /// What it is about.
    pub kind: super::enums::AgendaItemKind,
    /// The line on the agenda.
    pub title: String,
    /// Notes for the participants.
    pub notes: Option<String>,
    /// For PROPOSE_COMMITMENT and AGREE_COMMITMENT: the commitment.
    pub commitment_id: Option<ID>,
    /// For ADOPT_CHARTER: the version to adopt, when known.
    pub charter_version: Option<i32>,
    /// For DISCUSS_ROUND: the alignment round.
    pub round_id: Option<ID>,
}

/// When and where a meeting takes place, and its agenda.
#[derive(InputObject)]
pub struct MeetingPlanInput {
    /// A title, e.g. "Bestuurlijk overleg Q2".
    pub title: Option<String>,
    /// When it starts; in the future.
    pub starts_at: DateTime,
    /// When it ends; after it starts.
    pub ends_at: Option<DateTime>,
    /// Where it takes place.
    pub location: Option<String>,
    /// An https link to join online.
    pub online_url: Option<String>,
    /// The agenda, in order (at most 50 items).
    #[graphql(default, validator(max_items = 50))]
    pub agenda: Vec<AgendaItemInput>,
}

/// Plans a network meeting.
#[derive(InputObject)]
pub struct PlanMeetingInput {
    /// The network.
    pub network_id: ID,
    /// When, where and what.
    pub plan: MeetingPlanInput,
}

/// Changes a planned meeting: its plan and agenda are replaced.
#[derive(InputObject)]
pub struct ChangeMeetingPlanInput {
    /// The PLANNED meeting.
    pub meeting_id: ID,
    /// The `sequence` you last read.
    pub expected_sequence: i32,
    /// The new plan, whole.
    pub plan: MeetingPlanInput,
}

/// Cancels a planned meeting.
#[derive(InputObject)]
pub struct CancelMeetingInput {
    /// The PLANNED meeting.
    pub meeting_id: ID,
    /// The `sequence` you last read.
    pub expected_sequence: i32,
    /// Why, for the participants.
    pub reason: Option<String>,
}

/// Records a planned meeting as held, once its day has come.
#[derive(InputObject)]
pub struct RecordMeetingHeldInput {
    /// The PLANNED meeting.
    pub meeting_id: ID,
    /// The `sequence` you last read.
    pub expected_sequence: i32,
    /// Who attended: current representatives of partners, and facilitators.
    #[graphql(validator(max_items = 100))]
    pub attendee_ids: Vec<ID>,
    /// Notes.
    pub notes: Option<String>,
    /// Where the minutes are.
    pub minutes_reference: Option<String>,
}

/// The result of a change to a meeting.
#[derive(SimpleObject)]
pub struct MeetingPayload {
    /// The meeting as it is now.
    pub meeting: Meeting,
}

fn plan_input(plan: MeetingPlanInput) -> Result<crate::service::meetings::PlanInput> {
    let agenda = plan
        .agenda
        .into_iter()
        .map(|item| {
            Ok(crate::service::meetings::AgendaItemInput {
                kind: item.kind.into(),
                title: item.title,
                notes: item.notes,
                commitment_id: item
                    .commitment_id
                    .map(|id| ids::decode_id("agenda.commitmentId", &id, NodeType::Commitment))
                    .transpose()?,
                charter_version: item.charter_version,
                round_id: item
                    .round_id
                    .map(|id| ids::decode_id("agenda.roundId", &id, NodeType::AlignmentRound))
                    .transpose()?,
            })
        })
        .collect::<Result<Vec<_>>>()?;
    Ok(crate::service::meetings::PlanInput {
        title: plan.title,
        starts_at: plan.starts_at.0,
        ends_at: plan.ends_at.map(|at| at.0),
        location: plan.location,
        online_url: plan.online_url,
        agenda,
    })
}

/// The result of `recordMeeting`.
#[derive(SimpleObject)]
pub struct RecordMeetingPayload {
    /// The meeting on record.
    pub meeting: Meeting,
}

/// A party of a proposed commitment, with its contribution.
#[derive(InputObject)]
pub struct PartyInput {
    /// The organisation; an ACTIVE partner.
    pub organisation_id: ID,
    /// Its contribution in whole euros.
    #[graphql(default = 0)]
    pub contribution_euros: i64,
    /// Its contribution in hours.
    #[graphql(default = 0)]
    pub contribution_hours: i32,
    /// What else it contributes.
    pub contribution_note: Option<String>,
}

/// Proposes a commitment.
#[derive(InputObject)]
pub struct ProposeCommitmentInput {
    /// The network.
    pub network_id: ID,
    /// What is committed to, 1 to 200 characters.
    pub title: String,
    /// More detail.
    pub description: Option<String>,
    /// ORGANISATION (one party), COALITION (two or more, not all) or NETWORK (every active partner).
    pub scope: CommitmentScope,
    /// QUICK_WIN (due within the quick-win window) or INITIATIVE.
    pub kind: CommitmentKind,
    /// The parties, at most 50.
    #[graphql(validator(max_items = 50))]
    pub parties: Vec<PartyInput>,
    /// The party that leads.
    pub lead_organisation_id: ID,
    /// The goal it serves.
    pub goal_id: Option<ID>,
    /// When it is due.
    pub due_on: Date,
    /// The meeting where it is proposed.
    pub meeting_id: Option<ID>,
    /// Governing bodies of the parties to involve beyond their mandates (add, never remove).
    #[graphql(default, validator(max_items = 100))]
    pub additional_body_ids: Vec<ID>,
}

/// The result of `proposeCommitment`.
#[derive(SimpleObject)]
pub struct ProposeCommitmentPayload {
    /// The new commitment, PROPOSED.
    pub commitment: Commitment,
}

/// Records one party's agreement.
#[derive(InputObject)]
pub struct AgreeCommitmentInput {
    /// The commitment.
    pub commitment_id: ID,
    /// The party agreeing.
    pub organisation_id: ID,
    /// The meeting where it agreed; required when a facilitator records it.
    pub meeting_id: Option<ID>,
}

/// The result of `agreeCommitment`.
#[derive(SimpleObject)]
pub struct AgreeCommitmentPayload {
    /// The commitment; AGREED once every party agreed.
    pub commitment: Commitment,
}

/// Changes a commitment's texts, due date or goal.
#[derive(InputObject)]
pub struct UpdateCommitmentInput {
    /// The commitment.
    pub id: ID,
    /// The `version` you last read.
    pub expected_version: i32,
    /// A new title.
    pub title: Option<String>,
    /// A new description, or null to clear it.
    pub description: MaybeUndefined<String>,
    /// A new due date.
    pub due_on: Option<Date>,
    /// A new goal, or null for none.
    pub goal_id: MaybeUndefined<ID>,
}

/// The result of `updateCommitment`.
#[derive(SimpleObject)]
pub struct UpdateCommitmentPayload {
    /// The commitment as changed.
    pub commitment: Commitment,
}

/// Re-plans a commitment with new parties or scope; agreement starts over.
#[derive(InputObject)]
pub struct ReplanCommitmentInput {
    /// The commitment.
    pub id: ID,
    /// The `version` you last read.
    pub expected_version: i32,
    /// The new scope.
    pub scope: CommitmentScope,
    /// The new parties.
    #[graphql(validator(max_items = 50))]
    pub parties: Vec<PartyInput>,
    /// The new lead.
    pub lead_organisation_id: ID,
}

/// The result of `replanCommitment`.
#[derive(SimpleObject)]
pub struct ReplanCommitmentPayload {
    /// The commitment, PROPOSED again.
    pub commitment: Commitment,
}

/// Reports progress; optionally moves the status on.
#[derive(InputObject)]
pub struct AddProgressUpdateInput {
    /// The commitment.
    pub commitment_id: ID,
    /// What happened, 1 to 10,000 characters.
    pub note: String,
    /// How far along, 0 to 100.
    pub percent: Option<i32>,
    /// IN_PROGRESS or DELIVERED.
    pub status: Option<CommitmentStatus>,
}

/// The result of `addProgressUpdate`.
#[derive(SimpleObject)]
pub struct AddProgressUpdatePayload {
    /// The commitment with its new progress.
    pub commitment: Commitment,
}

/// Many progress updates, recorded all or nothing.
#[derive(InputObject)]
pub struct AddProgressUpdatesInput {
    /// The updates, in the order they are recorded (at most the input list limit).
    pub updates: Vec<AddProgressUpdateInput>,
}

/// The result of `addProgressUpdates`.
#[derive(SimpleObject)]
pub struct AddProgressUpdatesPayload {
    /// Each update's commitment as it stood after it, in the order of `updates`.
    pub commitments: Vec<Commitment>,
}

/// Drops a commitment, with a reason.
#[derive(InputObject)]
pub struct DropCommitmentInput {
    /// The commitment.
    pub id: ID,
    /// The `version` you last read.
    pub expected_version: i32,
    /// Why, 1 to 10,000 characters.
    pub reason: String,
}

/// The result of `dropCommitment`.
#[derive(SimpleObject)]
pub struct DropCommitmentPayload {
    /// The commitment, DROPPED.
    pub commitment: Commitment,
}

fn parties(inputs: Vec<PartyInput>) -> Result<Vec<service::PartyInput>> {
    inputs
        .into_iter()
        .map(|p| {
            Ok(service::PartyInput {
                organisation_id: ids::decode_id("parties.organisationId", &p.organisation_id, NodeType::Organisation)?,
                contribution_euros: p.contribution_euros,
                contribution_hours: p.contribution_hours,
                contribution_note: p.contribution_note,
            })
        })
        .collect()
}

#[derive(Default)]
pub struct WorkMutation;

#[Object]
impl WorkMutation {
    /// Creates a goal. Facilitators of the network.
    async fn create_goal(&self, ctx: &Context<'_>, input: CreateGoalInput) -> Result<CreateGoalPayload> {
        let goal = service::create_goal(
            store(ctx),
            service::CreateGoal {
                network_id: ids::decode_id("networkId", &input.network_id, NodeType::Network)?,
                parent_id: input
                    .parent_id
                    .as_ref()
                    .map(|id| ids::decode_id("parentId", id, NodeType::Goal))
                    .transpose()?,
                title: input.title,
                description: input.description,
                horizon: input.horizon.into(),
                target_date: input.target_date.map(|d| d.0),
            },
        )
        .await?;
        Ok(CreateGoalPayload { goal: Goal(goal) })
    }

    /// Changes a goal. Facilitators of the network.
    async fn update_goal(&self, ctx: &Context<'_>, input: UpdateGoalInput) -> Result<UpdateGoalPayload> {
        let goal = service::update_goal(
            store(ctx),
            service::UpdateGoal {
                id: ids::decode_id("id", &input.id, NodeType::Goal)?,
                expected_version: input.expected_version,
                title: input.title,
                description: optional_text(input.description),
                horizon: input.horizon.map(Into::into),
                target_date: match input.target_date {
                    MaybeUndefined::Undefined => None,
                    MaybeUndefined::Null => Some(None),
                    MaybeUndefined::Value(d) => Some(Some(d.0)),
                },
                parent_id: optional_id("parentId", &input.parent_id, NodeType::Goal)?,
            },
        )
        .await?;
        Ok(UpdateGoalPayload { goal: Goal(goal) })
    }

    /// Records a meeting. Facilitators of the network.
    async fn record_meeting(&self, ctx: &Context<'_>, input: RecordMeetingInput) -> Result<RecordMeetingPayload> {
        let meeting = service::record_meeting(
            store(ctx),
            service::RecordMeeting {
                network_id: ids::decode_id("networkId", &input.network_id, NodeType::Network)?,
                held_on: input.held_on.0,
                notes: input.notes,
                attendee_ids: ids::decode_ids("attendeeIds", &input.attendee_ids, NodeType::Person)?,
            },
        )
        .await?;
        Ok(RecordMeetingPayload { meeting: Meeting(meeting) })
    }

    /// Plans a network meeting with its agenda. Facilitators of the network.
    async fn plan_meeting(&self, ctx: &Context<'_>, input: PlanMeetingInput) -> Result<MeetingPayload> {
        let network_id = ids::decode_id("networkId", &input.network_id, NodeType::Network)?;
        let meeting = crate::service::meetings::plan(store(ctx), network_id, plan_input(input.plan)?).await?;
        Ok(MeetingPayload { meeting: Meeting(meeting) })
    }

    /// Replaces a planned meeting's plan and agenda. Facilitators of the network.
    async fn change_meeting_plan(&self, ctx: &Context<'_>, input: ChangeMeetingPlanInput) -> Result<MeetingPayload> {
        let meeting_id = ids::decode_id("meetingId", &input.meeting_id, NodeType::Meeting)?;
        let meeting =
            crate::service::meetings::change(store(ctx), meeting_id, input.expected_sequence, plan_input(input.plan)?)
                .await?;
        Ok(MeetingPayload { meeting: Meeting(meeting) })
    }

    /// Cancels a planned meeting. Facilitators of the network.
    async fn cancel_meeting(&self, ctx: &Context<'_>, input: CancelMeetingInput) -> Result<MeetingPayload> {
        let meeting_id = ids::decode_id("meetingId", &input.meeting_id, NodeType::Meeting)?;
        let meeting =
            crate::service::meetings::cancel(store(ctx), meeting_id, input.expected_sequence, input.reason).await?;
        Ok(MeetingPayload { meeting: Meeting(meeting) })
    }

    /// Records a planned meeting as held, once its day has come. Facilitators
    /// of the network.
    async fn record_meeting_held(&self, ctx: &Context<'_>, input: RecordMeetingHeldInput) -> Result<MeetingPayload> {
        let meeting = crate::service::meetings::record_held(
            store(ctx),
            crate::service::meetings::RecordHeld {
                meeting_id: ids::decode_id("meetingId", &input.meeting_id, NodeType::Meeting)?,
                expected_sequence: input.expected_sequence,
                attendee_ids: ids::decode_ids("attendeeIds", &input.attendee_ids, NodeType::Person)?,
                notes: input.notes,
                minutes_reference: input.minutes_reference,
            },
        )
        .await?;
        Ok(MeetingPayload { meeting: Meeting(meeting) })
    }

    /// Proposes a commitment. A facilitator, or a DIRECTOR or representative of a party.
    async fn propose_commitment(
        &self,
        ctx: &Context<'_>,
        input: ProposeCommitmentInput,
    ) -> Result<ProposeCommitmentPayload> {
        let commitment = service::propose(
            store(ctx),
            service::ProposeCommitment {
                network_id: ids::decode_id("networkId", &input.network_id, NodeType::Network)?,
                title: input.title,
                description: input.description,
                scope: input.scope.into(),
                kind: input.kind.into(),
                parties: parties(input.parties)?,
                lead_organisation_id: ids::decode_id(
                    "leadOrganisationId",
                    &input.lead_organisation_id,
                    NodeType::Organisation,
                )?,
                goal_id: input.goal_id.as_ref().map(|id| ids::decode_id("goalId", id, NodeType::Goal)).transpose()?,
                due_on: input.due_on.0,
                meeting_id: input
                    .meeting_id
                    .as_ref()
                    .map(|id| ids::decode_id("meetingId", id, NodeType::Meeting))
                    .transpose()?,
                additional_body_ids: ids::decode_ids(
                    "additionalBodyIds",
                    &input.additional_body_ids,
                    NodeType::GoverningBody,
                )?,
            },
        )
        .await?;
        Ok(ProposeCommitmentPayload { commitment: Commitment(commitment) })
    }

    /// Records one party's agreement. The party itself, or a facilitator with a meeting it attended.
    async fn agree_commitment(&self, ctx: &Context<'_>, input: AgreeCommitmentInput) -> Result<AgreeCommitmentPayload> {
        let commitment = service::agree(
            store(ctx),
            ids::decode_id("commitmentId", &input.commitment_id, NodeType::Commitment)?,
            ids::decode_id("organisationId", &input.organisation_id, NodeType::Organisation)?,
            input.meeting_id.as_ref().map(|id| ids::decode_id("meetingId", id, NodeType::Meeting)).transpose()?,
        )
        .await?;
        Ok(AgreeCommitmentPayload { commitment: Commitment(commitment) })
    }

    /// Changes a commitment's texts, due date or goal. A facilitator, or a DIRECTOR or representative of a party.
    async fn update_commitment(
        &self,
        ctx: &Context<'_>,
        input: UpdateCommitmentInput,
    ) -> Result<UpdateCommitmentPayload> {
        let commitment = service::update(
            store(ctx),
            service::UpdateCommitment {
                id: ids::decode_id("id", &input.id, NodeType::Commitment)?,
                expected_version: input.expected_version,
                title: input.title,
                description: optional_text(input.description),
                due_on: input.due_on.map(|d| d.0),
                goal_id: optional_id("goalId", &input.goal_id, NodeType::Goal)?,
            },
        )
        .await?;
        Ok(UpdateCommitmentPayload { commitment: Commitment(commitment) })
    }

    /// Re-plans a commitment. Facilitators of the network.
    async fn replan_commitment(
        &self,
        ctx: &Context<'_>,
        input: ReplanCommitmentInput,
    ) -> Result<ReplanCommitmentPayload> {
        let commitment = service::replan(
            store(ctx),
            service::ReplanCommitment {
                id: ids::decode_id("id", &input.id, NodeType::Commitment)?,
                expected_version: input.expected_version,
                scope: input.scope.into(),
                parties: parties(input.parties)?,
                lead_organisation_id: ids::decode_id(
                    "leadOrganisationId",
                    &input.lead_organisation_id,
                    NodeType::Organisation,
                )?,
            },
        )
        .await?;
        Ok(ReplanCommitmentPayload { commitment: Commitment(commitment) })
    }

    /// Reports progress. People of a party, or a facilitator.
    async fn add_progress_update(
        &self,
        ctx: &Context<'_>,
        input: AddProgressUpdateInput,
    ) -> Result<AddProgressUpdatePayload> {
        let commitment = service::add_progress(
            store(ctx),
            service::AddProgress {
                commitment_id: ids::decode_id("commitmentId", &input.commitment_id, NodeType::Commitment)?,
                note: input.note,
                percent: input.percent,
                status: input.status.map(Into::into),
            },
        )
        .await?;
        Ok(AddProgressUpdatePayload { commitment: Commitment(commitment) })
    }

    /// Reports many progress updates at once (a partner's quarterly report),
    /// in order, all or nothing: if any is refused, none is recorded, and the
    /// error's `extensions.items` names each refused one by its `index` in
    /// `updates`, with its `code`, `message` and `field`. Each update follows
    /// `addProgressUpdate`'s rules.
    async fn add_progress_updates(
        &self,
        ctx: &Context<'_>,
        input: AddProgressUpdatesInput,
    ) -> Result<AddProgressUpdatesPayload> {
        let updates = input
            .updates
            .into_iter()
            .map(|update| {
                Ok(service::AddProgress {
                    commitment_id: ids::decode_id("commitmentId", &update.commitment_id, NodeType::Commitment)?,
                    note: update.note,
                    percent: update.percent,
                    status: update.status.map(Into::into),
                })
            })
            .collect();
        let commitments = service::add_progress_many(store(ctx), updates).await?;
        Ok(AddProgressUpdatesPayload { commitments: commitments.into_iter().map(Commitment).collect() })
    }

    /// Drops a commitment. Facilitators of the network.
    async fn drop_commitment(&self, ctx: &Context<'_>, input: DropCommitmentInput) -> Result<DropCommitmentPayload> {
        let commitment = service::drop_commitment(
            store(ctx),
            ids::decode_id("id", &input.id, NodeType::Commitment)?,
            input.expected_version,
            &input.reason,
        )
        .await?;
        Ok(DropCommitmentPayload { commitment: Commitment(commitment) })
    }
}
