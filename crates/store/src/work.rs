//! Goals, meetings, commitments, their parties and progress.

use chrono::{DateTime, NaiveDate, Utc};
use entity::{
    AgendaItemKind, CommitmentKind, CommitmentScope, CommitmentStatus, GoalHorizon, MeetingStatus, commitment,
    commitment_party, goal, meeting, meeting_agenda_item, meeting_attendee, organisation, progress_update,
};
use sea_orm::sea_query::{Expr, ExprTrait, Query};
use sea_orm::{ActiveValue::Set, ColumnTrait, Condition, EntityTrait, QueryFilter, QueryOrder};
use uuid::Uuid;

use super::{Direction, Page, PageRequest, Store, visibility};
use crate::domain::{AppError, AppResult};
use crate::errors::Context;

/// The most ids one statement names. A list that grows with the data (a
/// goal's sub-goals, a leaving partner's open commitments) is named this many
/// at a time, so no statement binds a value per row of a large network.
pub(crate) const IDS_PER_STATEMENT: usize = 500;

/// A party as proposed.
#[derive(Debug, Clone)]
pub struct NewParty {
    pub organisation_id: Uuid,
    pub contribution_euros: i64,
    pub contribution_hours: i32,
    pub contribution_note: Option<String>,
}

/// A new commitment, checked by the rules.
#[derive(Debug, Clone)]
pub struct NewCommitment {
    pub network_id: Uuid,
    pub goal_id: Option<Uuid>,
    pub title: String,
    pub description: Option<String>,
    pub scope: CommitmentScope,
    pub kind: CommitmentKind,
    pub lead_organisation_id: Uuid,
    pub due_on: NaiveDate,
    pub meeting_id: Option<Uuid>,
}

/// Filters of `Network.commitments`.
#[derive(Debug, Clone, Default)]
pub struct CommitmentFilter {
    pub scope: Option<CommitmentScope>,
    pub kind: Option<CommitmentKind>,
    pub statuses: Vec<CommitmentStatus>,
    pub goal_id: Option<Uuid>,
    pub party_organisation_id: Option<Uuid>,
    pub due_before: Option<NaiveDate>,
    pub due_after: Option<NaiveDate>,
    pub needs_replanning: Option<bool>,
    pub ratification: Option<RatificationFilter>,
}

/// Where ratification stands, as a filter (see `service::ratification::overall`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RatificationFilter {
    NotRequired,
    Pending,
    Ratified,
    Rejected,
}

/// Field changes of `updateCommitment`; `None` keeps a field.
#[derive(Debug, Clone, Default)]
pub struct CommitmentChanges {
    pub title: Option<String>,
    pub description: Option<Option<String>>,
    pub due_on: Option<NaiveDate>,
    pub goal_id: Option<Option<Uuid>>,
}

/// Field changes of `updateGoal`; `None` keeps a field.
#[derive(Debug, Clone, Default)]
pub struct GoalChanges {
    pub title: Option<String>,
    pub description: Option<Option<String>>,
    pub horizon: Option<GoalHorizon>,
    pub target_date: Option<Option<NaiveDate>>,
    pub parent_id: Option<Option<Uuid>>,
}

/// When and where a meeting is planned.
pub struct MeetingPlan {
    pub title: Option<String>,
    pub starts_at: DateTime<Utc>,
    pub ends_at: Option<DateTime<Utc>>,
    pub location: Option<String>,
    pub online_url: Option<String>,
}

/// One item of a planned meeting's agenda.
pub struct NewAgendaItem {
    pub kind: AgendaItemKind,
    pub title: String,
    pub notes: Option<String>,
    pub commitment_id: Option<Uuid>,
    pub charter_version: Option<i32>,
    pub round_id: Option<Uuid>,
}

impl Store {
    // ---- goals ----

    pub async fn goals_page_of_network(&self, network_id: Uuid, page: PageRequest) -> AppResult<Page<goal::Model>> {
        self.keyset_page(
            self.visible::<goal::Entity>().filter(goal::Column::NetworkId.eq(network_id)),
            goal::Column::Id,
            page,
        )
        .await
    }

    /// The first page of goals of each of several networks, in one statement.
    pub async fn goals_first_pages(
        &self,
        network_ids: &[Uuid],
        first: u64,
    ) -> AppResult<std::collections::HashMap<Uuid, Page<goal::Model>>> {
        let query = self.visible::<goal::Entity>();
        self.keyset_first_pages(query, goal::Column::NetworkId, goal::Column::Id, network_ids, first, |g| g.network_id)
            .await
    }

    /// Every goal of a network: the tree is small, and results need all of it.
    pub async fn goals_of_network(&self, network_id: Uuid) -> AppResult<Vec<goal::Model>> {
        let tx = self.tx()?;
        self.visible::<goal::Entity>()
            .filter(goal::Column::NetworkId.eq(network_id))
            .order_by_asc(goal::Column::Id)
            .all(&*tx)
            .await
            .context("loading a network's goals")
    }

    /// Every goal of these networks, in one statement.
    pub async fn goals_of_networks(&self, network_ids: &[Uuid]) -> AppResult<Vec<goal::Model>> {
        let tx = self.tx()?;
        self.visible::<goal::Entity>()
            .filter(goal::Column::NetworkId.is_in(network_ids.iter().copied()))
            .order_by_asc(goal::Column::Id)
            .all(&*tx)
            .await
            .context("loading networks' goals")
    }

    pub async fn goals_by_ids(&self, ids: &[Uuid]) -> AppResult<Vec<goal::Model>> {
        self.fetch_by_ids::<goal::Entity>(ids).await
    }

    pub async fn goal(&self, id: Uuid) -> AppResult<goal::Model> {
        self.fetch_one::<goal::Entity>(id).await
    }

    pub async fn insert_goal(
        &self,
        network_id: Uuid,
        parent_id: Option<Uuid>,
        title: String,
        description: Option<String>,
        horizon: GoalHorizon,
        target_date: Option<NaiveDate>,
    ) -> AppResult<goal::Model> {
        let tx = self.tx()?;
        let now = self.now();
        let model = goal::Model {
            id: Uuid::now_v7(),
            tenant_id: self.tenant_id(),
            network_id,
            parent_id,
            title,
            description,
            horizon,
            target_date,
            created_at: now,
            updated_at: now,
            version: 1,
        };
        goal::Entity::insert(goal::ActiveModel::from(model.clone()))
            .exec_without_returning(&*tx)
            .await
            .context("inserting a goal")?;
        Ok(model)
    }

    pub async fn update_goal(&self, id: Uuid, expected_version: i32, changes: GoalChanges) -> AppResult<goal::Model> {
        let tx = self.tx()?;
        let mut update = goal::Entity::update_many()
            .col_expr(goal::Column::Version, Expr::col(goal::Column::Version).add(1))
            .col_expr(goal::Column::UpdatedAt, Expr::value(self.now()));
        if let Some(title) = changes.title {
            update = update.col_expr(goal::Column::Title, Expr::value(title));
        }
        if let Some(description) = changes.description {
            update = update.col_expr(goal::Column::Description, Expr::value(description));
        }
        if let Some(horizon) = changes.horizon {
            update = update.col_expr(goal::Column::Horizon, Expr::value(horizon));
        }
        if let Some(target_date) = changes.target_date {
            update = update.col_expr(goal::Column::TargetDate, Expr::value(target_date));
        }
        if let Some(parent_id) = changes.parent_id {
            update = update.col_expr(goal::Column::ParentId, Expr::value(parent_id));
        }
        let result = update
            .filter(goal::Column::TenantId.eq(self.tenant_id()))
            .filter(goal::Column::Id.eq(id))
            .filter(goal::Column::Version.eq(expected_version))
            .exec(&*tx)
            .await
            .context("updating a goal")?;
        if result.rows_affected == 0 {
            return Err(AppError::conflict(
                "the goal was changed by someone else since you read it; reload and try again",
            ));
        }
        self.goal(id).await
    }

    /// Delivered commitments of the given goals, in delivery order.
    pub async fn delivered_for_goals(&self, goal_ids: &[Uuid]) -> AppResult<Vec<commitment::Model>> {
        let tx = self.tx()?;
        let mut delivered = Vec::new();
        for ids in goal_ids.chunks(IDS_PER_STATEMENT) {
            delivered.extend(
                self.visible::<commitment::Entity>()
                    .filter(commitment::Column::GoalId.is_in(ids.iter().copied()))
                    .filter(commitment::Column::Status.eq(CommitmentStatus::Delivered))
                    .all(&*tx)
                    .await
                    .context("loading a goal's results")?,
            );
        }
        delivered.sort_by_key(|c| (c.delivered_at, c.id));
        Ok(delivered)
    }

    // ---- meetings ----

    pub async fn meetings_page_of_network(
        &self,
        network_id: Uuid,
        page: PageRequest,
        statuses: &[MeetingStatus],
    ) -> AppResult<Page<meeting::Model>> {
        let query = self
            .visible::<meeting::Entity>()
            .filter(meeting::Column::NetworkId.eq(network_id))
            .filter(meeting::Column::Status.is_in(statuses.iter().copied()));
        self.keyset_page_in(query, meeting::Column::Id, page, Direction::NewestFirst).await
    }

    pub async fn meetings_by_ids(&self, ids: &[Uuid]) -> AppResult<Vec<meeting::Model>> {
        self.fetch_by_ids::<meeting::Entity>(ids).await
    }

    pub async fn meeting(&self, id: Uuid) -> AppResult<meeting::Model> {
        self.fetch_one::<meeting::Entity>(id).await
    }

    /// A meeting of `network_id` on `day` as recorded after it was held:
    /// the row the other kinds of meeting start from.
    fn meeting_row(&self, network_id: Uuid, day: NaiveDate) -> meeting::Model {
        meeting::Model {
            id: Uuid::now_v7(),
            tenant_id: self.tenant_id(),
            network_id,
            held_on: day,
            notes: None,
            recorded_by: None,
            created_at: self.now(),
            status: MeetingStatus::Held,
            title: None,
            starts_at: None,
            ends_at: None,
            location: None,
            online_url: None,
            minutes_reference: None,
            cancellation_reason: None,
            sequence: 0,
        }
    }

    pub async fn insert_meeting(
        &self,
        network_id: Uuid,
        held_on: NaiveDate,
        notes: Option<String>,
        attendees: &[(Uuid, Option<Uuid>)],
    ) -> AppResult<meeting::Model> {
        let tx = self.tx()?;
        let model = meeting::Model {
            notes,
            recorded_by: Some(self.actor().person()?),
            ..self.meeting_row(network_id, held_on)
        };
        meeting::Entity::insert(meeting::ActiveModel::from(model.clone()))
            .exec_without_returning(&*tx)
            .await
            .context("inserting a meeting")?;
        self.insert_attendees(model.id, attendees).await?;
        Ok(model)
    }

    async fn insert_attendees(&self, meeting_id: Uuid, attendees: &[(Uuid, Option<Uuid>)]) -> AppResult<()> {
        let tx = self.tx()?;
        if !attendees.is_empty() {
            meeting_attendee::Entity::insert_many(attendees.iter().map(|(person_id, organisation_id)| {
                meeting_attendee::ActiveModel {
                    meeting_id: Set(meeting_id),
                    person_id: Set(*person_id),
                    tenant_id: Set(self.tenant_id()),
                    organisation_id: Set(*organisation_id),
                }
            }))
            .exec_without_returning(&*tx)
            .await
            .context("inserting attendees")?;
        }
        Ok(())
    }

    /// Plans a meeting of `network_id` on `day` (the day it starts where the
    /// network meets) with its agenda.
    pub async fn insert_planned_meeting(
        &self,
        network_id: Uuid,
        day: NaiveDate,
        plan: &MeetingPlan,
        agenda: &[NewAgendaItem],
    ) -> AppResult<meeting::Model> {
        let tx = self.tx()?;
        let model = meeting::Model {
            status: MeetingStatus::Planned,
            title: plan.title.clone(),
            starts_at: Some(plan.starts_at),
            ends_at: plan.ends_at,
            location: plan.location.clone(),
            online_url: plan.online_url.clone(),
            ..self.meeting_row(network_id, day)
        };
        meeting::Entity::insert(meeting::ActiveModel::from(model.clone()))
            .exec_without_returning(&*tx)
            .await
            .context("planning a meeting")?;
        self.insert_agenda(model.id, agenda).await?;
        Ok(model)
    }

    async fn insert_agenda(&self, meeting_id: Uuid, agenda: &[NewAgendaItem]) -> AppResult<()> {
        if agenda.is_empty() {
            return Ok(());
        }
        let tx = self.tx()?;
        meeting_agenda_item::Entity::insert_many(agenda.iter().enumerate().map(|(position, item)| {
            meeting_agenda_item::ActiveModel {
                id: Set(Uuid::now_v7()),
                tenant_id: Set(self.tenant_id()),
                meeting_id: Set(meeting_id),
                position: Set(i32::try_from(position).unwrap_or(i32::MAX)),
                kind: Set(item.kind),
                title: Set(item.title.clone()),
                notes: Set(item.notes.clone()),
                commitment_id: Set(item.commitment_id),
                charter_version: Set(item.charter_version),
                round_id: Set(item.round_id),
            }
        }))
        .exec_without_returning(&*tx)
        .await
        .context("storing a meeting's agenda")?;
        Ok(())
    }

    /// Changes a PLANNED meeting's plan and replaces its agenda, if its
    /// `sequence` is still `expected_sequence`; the sequence grows by one.
    pub async fn change_meeting_plan(
        &self,
        meeting_id: Uuid,
        expected_sequence: i32,
        day: NaiveDate,
        plan: &MeetingPlan,
        agenda: &[NewAgendaItem],
    ) -> AppResult<meeting::Model> {
        use meeting::Column as M;
        let update = self
            .planned_meeting_update(meeting_id, expected_sequence)
            .col_expr(M::HeldOn, Expr::value(day))
            .col_expr(M::Title, Expr::value(plan.title.clone()))
            .col_expr(M::StartsAt, Expr::value(Some(plan.starts_at)))
            .col_expr(M::EndsAt, Expr::value(plan.ends_at))
            .col_expr(M::Location, Expr::value(plan.location.clone()))
            .col_expr(M::OnlineUrl, Expr::value(plan.online_url.clone()));
        self.run_planned_meeting_update(update, "changing a meeting's plan").await?;
        let tx = self.tx()?;
        meeting_agenda_item::Entity::delete_many()
            .filter(meeting_agenda_item::Column::TenantId.eq(self.tenant_id()))
            .filter(meeting_agenda_item::Column::MeetingId.eq(meeting_id))
            .exec(&*tx)
            .await
            .context("replacing a meeting's agenda")?;
        self.insert_agenda(meeting_id, agenda).await?;
        self.meeting(meeting_id).await
    }

    /// Cancels a PLANNED meeting whose `sequence` is still `expected_sequence`.
    pub async fn cancel_meeting(
        &self,
        meeting_id: Uuid,
        expected_sequence: i32,
        reason: Option<String>,
    ) -> AppResult<meeting::Model> {
        use meeting::Column as M;
        let update = self
            .planned_meeting_update(meeting_id, expected_sequence)
            .col_expr(M::Status, Expr::value(MeetingStatus::Cancelled))
            .col_expr(M::CancellationReason, Expr::value(reason));
        self.run_planned_meeting_update(update, "cancelling a meeting").await?;
        self.meeting(meeting_id).await
    }

    /// Records a PLANNED meeting as held, with who attended.
    pub async fn record_planned_meeting(
        &self,
        meeting_id: Uuid,
        expected_sequence: i32,
        notes: Option<String>,
        minutes_reference: Option<String>,
        attendees: &[(Uuid, Option<Uuid>)],
    ) -> AppResult<meeting::Model> {
        use meeting::Column as M;
        let update = self
            .planned_meeting_update(meeting_id, expected_sequence)
            .col_expr(M::Status, Expr::value(MeetingStatus::Held))
            .col_expr(M::Notes, Expr::value(notes))
            .col_expr(M::MinutesReference, Expr::value(minutes_reference))
            .col_expr(M::RecordedBy, Expr::value(Some(self.actor().person()?)));
        self.run_planned_meeting_update(update, "recording a planned meeting").await?;
        self.insert_attendees(meeting_id, attendees).await?;
        self.meeting(meeting_id).await
    }

    /// An update of a meeting that is still PLANNED at `expected_sequence`,
    /// raising its sequence: every change to a plan goes through here.
    fn planned_meeting_update(&self, meeting_id: Uuid, expected_sequence: i32) -> sea_orm::UpdateMany<meeting::Entity> {
        use meeting::Column as M;
        meeting::Entity::update_many()
            .col_expr(M::Sequence, Expr::col(M::Sequence).add(1))
            .filter(M::TenantId.eq(self.tenant_id()))
            .filter(M::Id.eq(meeting_id))
            .filter(M::Status.eq(MeetingStatus::Planned))
            .filter(M::Sequence.eq(expected_sequence))
    }

    /// Runs a [`Self::planned_meeting_update`]; CONFLICT when the meeting
    /// moved on (another change, or it was held or cancelled).
    async fn run_planned_meeting_update(
        &self,
        update: sea_orm::UpdateMany<meeting::Entity>,
        doing: &'static str,
    ) -> AppResult<()> {
        let tx = self.tx()?;
        let result = update.exec(&*tx).await.map_err(|e| super::classify(e, doing))?;
        if result.rows_affected == 0 {
            return Err(AppError::conflict("the meeting changed since you read it, or it is no longer planned"));
        }
        Ok(())
    }

    /// The agendas of the given meetings, each in its order.
    pub async fn agenda_items_of(&self, meeting_ids: &[Uuid]) -> AppResult<Vec<meeting_agenda_item::Model>> {
        let tx = self.tx()?;
        self.scoped::<meeting_agenda_item::Entity>()
            .filter(meeting_agenda_item::Column::MeetingId.is_in(meeting_ids.iter().copied()))
            .order_by_asc(meeting_agenda_item::Column::MeetingId)
            .order_by_asc(meeting_agenda_item::Column::Position)
            .all(&*tx)
            .await
            .context("loading meeting agendas")
    }

    pub async fn attendees_of(&self, meeting_ids: &[Uuid]) -> AppResult<Vec<meeting_attendee::Model>> {
        let tx = self.tx()?;
        self.scoped::<meeting_attendee::Entity>()
            .filter(meeting_attendee::Column::MeetingId.is_in(meeting_ids.iter().copied()))
            .order_by_asc(meeting_attendee::Column::PersonId)
            .all(&*tx)
            .await
            .context("loading attendees")
    }

    // ---- commitments ----

    pub async fn commitments_page_of_network(
        &self,
        network_id: Uuid,
        filter: &CommitmentFilter,
        page: PageRequest,
    ) -> AppResult<Page<commitment::Model>> {
        let mut query = self.visible::<commitment::Entity>().filter(commitment::Column::NetworkId.eq(network_id));
        if let Some(scope) = filter.scope {
            query = query.filter(commitment::Column::Scope.eq(scope));
        }
        if let Some(kind) = filter.kind {
            query = query.filter(commitment::Column::Kind.eq(kind));
        }
        if !filter.statuses.is_empty() {
            query = query.filter(commitment::Column::Status.is_in(filter.statuses.iter().copied()));
        }
        if let Some(goal_id) = filter.goal_id {
            query = query.filter(commitment::Column::GoalId.eq(goal_id));
        }
        if let Some(before) = filter.due_before {
            query = query.filter(commitment::Column::DueOn.lt(before));
        }
        if let Some(after) = filter.due_after {
            query = query.filter(commitment::Column::DueOn.gt(after));
        }
        if let Some(flag) = filter.needs_replanning {
            query = query.filter(commitment::Column::NeedsReplanning.eq(flag));
        }
        if let Some(wanted) = filter.ratification {
            query = query.filter(self.ratification_condition(wanted));
        }
        if let Some(organisation) = filter.party_organisation_id {
            let parties = Query::select()
                .column(commitment_party::Column::CommitmentId)
                .from(commitment_party::Entity)
                .and_where(commitment_party::Column::TenantId.eq(self.tenant_id()))
                .and_where(commitment_party::Column::OrganisationId.eq(organisation))
                .and_where(commitment_party::Column::RemovedAt.is_null())
                .to_owned();
            query = query.filter(commitment::Column::Id.in_subquery(parties));
        }
        self.keyset_page(query, commitment::Column::Id, page).await
    }

    /// The derived ratification status as SQL: the same rule as
    /// `service::ratification::overall`, so filtering needs no rows in memory.
    fn ratification_condition(&self, wanted: RatificationFilter) -> Condition {
        use entity::{BodyRight, RatificationOutcome, ratification};
        let ratified_by = |blocking_only: bool, extra: Condition| {
            let mut query = Query::select();
            query
                .column(ratification::Column::CommitmentId)
                .from(ratification::Entity)
                .and_where(ratification::Column::TenantId.eq(self.tenant_id()))
                .and_where(ratification::Column::WithdrawnAt.is_null())
                .cond_where(extra);
            if blocking_only {
                query.and_where(ratification::Column::Right.is_in([
                    BodyRight::Decides,
                    BodyRight::Approves,
                    BodyRight::Consents,
                ]));
            }
            query.to_owned()
        };
        let any = || ratified_by(false, Condition::all());
        let rejected =
            || ratified_by(true, Condition::all().add(ratification::Column::Outcome.eq(RatificationOutcome::Rejected)));
        let unanswered = || ratified_by(true, Condition::all().add(ratification::Column::Outcome.is_null()));
        let not_approved = || {
            ratified_by(
                true,
                Condition::any().add(ratification::Column::Outcome.is_null()).add(
                    ratification::Column::Outcome
                        .is_not_in([RatificationOutcome::Approved, RatificationOutcome::ApprovedWithConditions]),
                ),
            )
        };
        match wanted {
            RatificationFilter::NotRequired => Condition::all().add(commitment::Column::Id.not_in_subquery(any())),
            RatificationFilter::Rejected => Condition::all().add(commitment::Column::Id.in_subquery(rejected())),
            RatificationFilter::Ratified => Condition::all()
                .add(commitment::Column::Id.in_subquery(any()))
                .add(commitment::Column::Id.not_in_subquery(not_approved())),
            RatificationFilter::Pending => Condition::all()
                .add(commitment::Column::Id.in_subquery(unanswered()))
                .add(commitment::Column::Id.not_in_subquery(rejected())),
        }
    }

    pub async fn commitments_by_ids(&self, ids: &[Uuid]) -> AppResult<Vec<commitment::Model>> {
        self.fetch_by_ids::<commitment::Entity>(ids).await
    }

    pub async fn commitment(&self, id: Uuid) -> AppResult<commitment::Model> {
        self.fetch_one::<commitment::Entity>(id).await
    }

    /// Commitments proposed in, or agreed by a party in, the given meetings:
    /// (meeting id, commitment, agreed there).
    pub async fn commitments_of_meetings(
        &self,
        meeting_ids: &[Uuid],
    ) -> AppResult<Vec<(Uuid, commitment::Model, bool)>> {
        let tx = self.tx()?;
        let agreed: Vec<commitment_party::Model> = self
            .scoped::<commitment_party::Entity>()
            .filter(commitment_party::Column::AgreedInMeetingId.is_in(meeting_ids.iter().copied()))
            .all(&*tx)
            .await
            .context("loading agreements in meetings")?;
        // The commitments agreed there, as a subquery: a meeting can settle any
        // number of them, and their ids are not bound one by one.
        let agreed_there = Query::select()
            .column(commitment_party::Column::CommitmentId)
            .from(commitment_party::Entity)
            .and_where(commitment_party::Column::TenantId.eq(self.tenant_id()))
            .and_where(commitment_party::Column::AgreedInMeetingId.is_in(meeting_ids.iter().copied()))
            .to_owned();
        let commitments = self
            .visible::<commitment::Entity>()
            .filter(
                Condition::any()
                    .add(commitment::Column::ProposedInMeetingId.is_in(meeting_ids.iter().copied()))
                    .add(commitment::Column::Id.in_subquery(agreed_there)),
            )
            .order_by_asc(commitment::Column::Id)
            .all(&*tx)
            .await
            .context("loading commitments of meetings")?;
        let mut rows = Vec::new();
        for meeting_id in meeting_ids {
            for commitment in &commitments {
                let proposed_here = commitment.proposed_in_meeting_id == Some(*meeting_id);
                let agreed_here = agreed
                    .iter()
                    .any(|p| p.commitment_id == commitment.id && p.agreed_in_meeting_id == Some(*meeting_id));
                if proposed_here || agreed_here {
                    rows.push((*meeting_id, commitment.clone(), agreed_here));
                }
            }
        }
        Ok(rows)
    }

    pub async fn insert_commitment(&self, new: NewCommitment, parties: &[NewParty]) -> AppResult<commitment::Model> {
        let tx = self.tx()?;
        let now = self.now();
        let model = commitment::Model {
            id: Uuid::now_v7(),
            tenant_id: self.tenant_id(),
            network_id: new.network_id,
            goal_id: new.goal_id,
            title: new.title,
            description: new.description,
            scope: new.scope,
            kind: new.kind,
            lead_organisation_id: new.lead_organisation_id,
            due_on: new.due_on,
            status: CommitmentStatus::Proposed,
            needs_replanning: false,
            replanning_reason: None,
            proposed_at: now,
            proposed_by: Some(self.actor().person()?),
            proposed_in_meeting_id: new.meeting_id,
            agreed_at: None,
            delivered_at: None,
            dropped_at: None,
            dropped_reason: None,
            updated_at: now,
            version: 1,
            replanned_count: 0,
            last_replanned_at: None,
            last_replanning_reason: None,
        };
        commitment::Entity::insert(commitment::ActiveModel::from(model.clone()))
            .exec_without_returning(&*tx)
            .await
            .context("inserting a commitment")?;
        self.touch(model.id);
        self.insert_parties(model.id, parties).await?;
        Ok(model)
    }

    async fn insert_parties(&self, commitment_id: Uuid, parties: &[NewParty]) -> AppResult<()> {
        if parties.is_empty() {
            return Ok(());
        }
        let tx = self.tx()?;
        commitment_party::Entity::insert_many(parties.iter().map(|party| commitment_party::ActiveModel {
            id: Set(Uuid::now_v7()),
            tenant_id: Set(self.tenant_id()),
            commitment_id: Set(commitment_id),
            organisation_id: Set(party.organisation_id),
            contribution_euros: Set(party.contribution_euros),
            contribution_hours: Set(party.contribution_hours),
            contribution_note: Set(party.contribution_note.clone()),
            agreed_at: Set(None),
            agreed_by: Set(None),
            agreed_in_meeting_id: Set(None),
            removed_at: Set(None),
        }))
        .exec_without_returning(&*tx)
        .await
        .context("inserting parties")?;
        Ok(())
    }

    fn current_parties_of(&self, commitment_ids: &[Uuid]) -> sea_orm::Select<commitment_party::Entity> {
        self.scoped::<commitment_party::Entity>()
            .filter(commitment_party::Column::CommitmentId.is_in(commitment_ids.iter().copied()))
            .filter(commitment_party::Column::RemovedAt.is_null())
            .order_by_asc(commitment_party::Column::Id)
    }

    /// Current (not removed) parties of the given commitments, in order of proposal.
    pub async fn parties_of(&self, commitment_ids: &[Uuid]) -> AppResult<Vec<commitment_party::Model>> {
        let tx = self.tx()?;
        self.current_parties_of(commitment_ids).all(&*tx).await.context("loading parties")
    }

    /// [`Self::parties_of`] with each party's organisation, in one statement
    /// (`None` where it may not be seen).
    pub async fn parties_with_organisations_of(
        &self,
        commitment_ids: &[Uuid],
    ) -> AppResult<Vec<(commitment_party::Model, Option<organisation::Model>)>> {
        let tx = self.tx()?;
        let query = self.join_scoped::<_, organisation::Entity>(
            self.current_parties_of(commitment_ids),
            commitment_party::Column::OrganisationId,
            organisation::Column::Id,
            visibility::organisations(&self.actor()),
        );
        query.all(&*tx).await.context("loading parties with their organisations")
    }

    /// Records one party's agreement, once.
    pub async fn record_party_agreement(&self, party_id: Uuid, meeting_id: Option<Uuid>) -> AppResult<()> {
        let tx = self.tx()?;
        let result = commitment_party::Entity::update_many()
            .col_expr(commitment_party::Column::AgreedAt, Expr::value(self.now()))
            .col_expr(commitment_party::Column::AgreedBy, Expr::value(self.actor().person()?))
            .col_expr(commitment_party::Column::AgreedInMeetingId, Expr::value(meeting_id))
            .filter(commitment_party::Column::TenantId.eq(self.tenant_id()))
            .filter(commitment_party::Column::Id.eq(party_id))
            .filter(commitment_party::Column::AgreedAt.is_null())
            .exec(&*tx)
            .await
            .context("recording an agreement")?;
        if result.rows_affected == 0 {
            return Err(AppError::conflict("this party has already agreed"));
        }
        Ok(())
    }

    /// Moves a commitment to `to` if it is at `expected_version` (when given)
    /// and in `from`; stamps the matching time. CONFLICT otherwise.
    pub async fn transition_commitment(
        &self,
        id: Uuid,
        from: CommitmentStatus,
        to: CommitmentStatus,
        expected_version: Option<i32>,
        dropped_reason: Option<String>,
    ) -> AppResult<commitment::Model> {
        let tx = self.tx()?;
        let now = self.now();
        let mut update = commitment::Entity::update_many()
            .col_expr(commitment::Column::Status, Expr::value(to))
            .col_expr(commitment::Column::Version, Expr::col(commitment::Column::Version).add(1))
            .col_expr(commitment::Column::UpdatedAt, Expr::value(now));
        update = match to {
            CommitmentStatus::Agreed => update.col_expr(commitment::Column::AgreedAt, Expr::value(now)),
            CommitmentStatus::Delivered => update.col_expr(commitment::Column::DeliveredAt, Expr::value(now)),
            CommitmentStatus::Dropped => update
                .col_expr(commitment::Column::DroppedAt, Expr::value(now))
                .col_expr(commitment::Column::DroppedReason, Expr::value(dropped_reason))
                .col_expr(commitment::Column::NeedsReplanning, Expr::value(false)),
            _ => update,
        };
        let mut update = update
            .filter(commitment::Column::TenantId.eq(self.tenant_id()))
            .filter(commitment::Column::Id.eq(id))
            .filter(commitment::Column::Status.eq(from));
        if let Some(expected) = expected_version {
            update = update.filter(commitment::Column::Version.eq(expected));
        }
        let result = update.exec(&*tx).await.context("changing a commitment's status")?;
        if result.rows_affected == 0 {
            return Err(AppError::conflict("the commitment changed since you read it; reload and try again"));
        }
        self.touch(id);
        self.commitment(id).await
    }

    pub async fn update_commitment(
        &self,
        id: Uuid,
        expected_version: i32,
        changes: CommitmentChanges,
    ) -> AppResult<commitment::Model> {
        let tx = self.tx()?;
        let mut update = commitment::Entity::update_many()
            .col_expr(commitment::Column::Version, Expr::col(commitment::Column::Version).add(1))
            .col_expr(commitment::Column::UpdatedAt, Expr::value(self.now()));
        if let Some(title) = changes.title {
            update = update.col_expr(commitment::Column::Title, Expr::value(title));
        }
        if let Some(description) = changes.description {
            update = update.col_expr(commitment::Column::Description, Expr::value(description));
        }
        if let Some(due_on) = changes.due_on {
            update = update.col_expr(commitment::Column::DueOn, Expr::value(due_on));
        }
        if let Some(goal_id) = changes.goal_id {
            update = update.col_expr(commitment::Column::GoalId, Expr::value(goal_id));
        }
        let result = update
            .filter(commitment::Column::TenantId.eq(self.tenant_id()))
            .filter(commitment::Column::Id.eq(id))
            .filter(commitment::Column::Version.eq(expected_version))
            .exec(&*tx)
            .await
            .context("updating a commitment")?;
        if result.rows_affected == 0 {
            return Err(AppError::conflict(
                "the commitment was changed by someone else since you read it; reload and try again",
            ));
        }
        self.touch(id);
        self.commitment(id).await
    }

    /// Re-plans: new scope, lead and party set; parties no longer in it are
    /// marked removed, kept ones have their contribution updated, and every
    /// party's agreement starts over. The commitment is PROPOSED again and no
    /// longer needs re-planning.
    pub async fn replan_commitment(
        &self,
        current: &commitment::Model,
        expected_version: i32,
        scope: CommitmentScope,
        lead: Uuid,
        parties: &[NewParty],
    ) -> AppResult<commitment::Model> {
        let tx = self.tx()?;
        let now = self.now();
        let result = commitment::Entity::update_many()
            .col_expr(commitment::Column::Scope, Expr::value(scope))
            .col_expr(commitment::Column::LeadOrganisationId, Expr::value(lead))
            .col_expr(commitment::Column::Status, Expr::value(CommitmentStatus::Proposed))
            .col_expr(commitment::Column::AgreedAt, Expr::value(Option::<chrono::DateTime<chrono::Utc>>::None))
            .col_expr(commitment::Column::NeedsReplanning, Expr::value(false))
            .col_expr(commitment::Column::ReplanningReason, Expr::value(Option::<String>::None))
            .col_expr(commitment::Column::ReplannedCount, Expr::col(commitment::Column::ReplannedCount).add(1))
            .col_expr(commitment::Column::LastReplannedAt, Expr::value(now))
            .col_expr(commitment::Column::LastReplanningReason, Expr::value(current.replanning_reason.clone()))
            .col_expr(commitment::Column::Version, Expr::col(commitment::Column::Version).add(1))
            .col_expr(commitment::Column::UpdatedAt, Expr::value(now))
            .filter(commitment::Column::TenantId.eq(self.tenant_id()))
            .filter(commitment::Column::Id.eq(current.id))
            .filter(commitment::Column::Version.eq(expected_version))
            .exec(&*tx)
            .await
            .context("re-planning a commitment")?;
        if result.rows_affected == 0 {
            return Err(AppError::conflict(
                "the commitment was changed by someone else since you read it; reload and try again",
            ));
        }
        commitment_party::Entity::update_many()
            .col_expr(commitment_party::Column::RemovedAt, Expr::value(now))
            .filter(commitment_party::Column::TenantId.eq(self.tenant_id()))
            .filter(commitment_party::Column::CommitmentId.eq(current.id))
            .filter(commitment_party::Column::RemovedAt.is_null())
            .exec(&*tx)
            .await
            .context("retiring the old party set")?;
        self.insert_parties(current.id, parties).await?;
        self.touch(current.id);
        self.commitment(current.id).await
    }

    /// Flags the open commitments the organisation is a party to in the
    /// network; returns their ids.
    pub async fn flag_for_replanning(
        &self,
        network_id: Uuid,
        organisation_id: Uuid,
        reason: &str,
    ) -> AppResult<Vec<Uuid>> {
        let tx = self.tx()?;
        let parties = Query::select()
            .column(commitment_party::Column::CommitmentId)
            .from(commitment_party::Entity)
            .and_where(commitment_party::Column::TenantId.eq(self.tenant_id()))
            .and_where(commitment_party::Column::OrganisationId.eq(organisation_id))
            .and_where(commitment_party::Column::RemovedAt.is_null())
            .to_owned();
        let open = [CommitmentStatus::Proposed, CommitmentStatus::Agreed, CommitmentStatus::InProgress];
        // A rule: a leaving partner's open commitments are flagged, seen or not.
        let ids: Vec<Uuid> = self
            .tenant_only::<commitment::Entity>()
            .filter(commitment::Column::NetworkId.eq(network_id))
            .filter(commitment::Column::Status.is_in(open))
            .filter(commitment::Column::Id.in_subquery(parties))
            .all(&*tx)
            .await
            .context("finding a leaving partner's commitments")?
            .into_iter()
            .map(|c| c.id)
            .collect();
        // Named a bounded number at a time: exactly the commitments found
        // (their ids go into the event), however many the partner had.
        for chunk in ids.chunks(IDS_PER_STATEMENT) {
            commitment::Entity::update_many()
                .col_expr(commitment::Column::NeedsReplanning, Expr::value(true))
                .col_expr(commitment::Column::ReplanningReason, Expr::value(reason.to_owned()))
                .col_expr(commitment::Column::Version, Expr::col(commitment::Column::Version).add(1))
                .filter(commitment::Column::TenantId.eq(self.tenant_id()))
                .filter(commitment::Column::Id.is_in(chunk.iter().copied()))
                .exec(&*tx)
                .await
                .context("flagging commitments for re-planning")?;
        }
        ids.iter().for_each(|id| self.touch(*id));
        Ok(ids)
    }

    /// Flags one commitment for re-planning, with the reason.
    pub async fn flag_commitment(&self, id: Uuid, reason: &str) -> AppResult<()> {
        let tx = self.tx()?;
        commitment::Entity::update_many()
            .col_expr(commitment::Column::NeedsReplanning, Expr::value(true))
            .col_expr(commitment::Column::ReplanningReason, Expr::value(reason.to_owned()))
            .col_expr(commitment::Column::Version, Expr::col(commitment::Column::Version).add(1))
            .filter(commitment::Column::TenantId.eq(self.tenant_id()))
            .filter(commitment::Column::Id.eq(id))
            .exec(&*tx)
            .await
            .context("flagging a commitment")?;
        self.touch(id);
        Ok(())
    }

    // ---- progress ----

    pub async fn insert_progress(
        &self,
        commitment_id: Uuid,
        note: String,
        percent: Option<i32>,
        status: Option<CommitmentStatus>,
    ) -> AppResult<progress_update::Model> {
        let tx = self.tx()?;
        let model = progress_update::Model {
            id: Uuid::now_v7(),
            tenant_id: self.tenant_id(),
            commitment_id,
            note,
            percent,
            status,
            at: self.now(),
            author_id: Some(self.actor().person()?),
        };
        progress_update::Entity::insert(progress_update::ActiveModel::from(model.clone()))
            .exec_without_returning(&*tx)
            .await
            .context("inserting a progress update")?;
        Ok(model)
    }

    /// A commitment's progress, newest first.
    pub async fn progress_page(
        &self,
        commitment_id: Uuid,
        page: PageRequest,
    ) -> AppResult<Page<progress_update::Model>> {
        let query =
            self.scoped::<progress_update::Entity>().filter(progress_update::Column::CommitmentId.eq(commitment_id));
        self.keyset_page_in(query, progress_update::Column::Id, page, Direction::NewestFirst).await
    }
}
