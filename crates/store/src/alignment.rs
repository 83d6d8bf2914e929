//! Alignment rounds: questions, invitees, responses, and the per-(question,
//! partner) sums that results are computed from.

use std::collections::{BTreeMap, HashMap};

use chrono::{DateTime, Utc};
use entity::{
    PartnershipStatus, RoundStatus, alignment_answer, alignment_invitee, alignment_question, alignment_response,
    alignment_round, partnership, person, position,
};
use sea_orm::sea_query::{Expr, ExprTrait, Query};
use sea_orm::{ActiveValue::Set, ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use uuid::Uuid;

use super::{Direction, Page, PageRequest, Store, visibility};
use crate::domain::alignment::Sums;
use crate::domain::{AppError, AppResult};
use crate::errors::Context;

/// Invitees per INSERT statement (four values each).
const INVITEES_PER_INSERT: usize = 1_000;

/// One answer as submitted, already checked.
#[derive(Debug, Clone)]
pub struct NewAnswer {
    pub question_key: String,
    pub score: i32,
    pub comment: Option<String>,
}

impl Store {
    /// A network's rounds, newest first.
    pub async fn rounds_page_of_network(
        &self,
        network_id: Uuid,
        page: PageRequest,
    ) -> AppResult<Page<alignment_round::Model>> {
        let query = self.visible::<alignment_round::Entity>().filter(alignment_round::Column::NetworkId.eq(network_id));
        self.keyset_page_in(query, alignment_round::Column::Id, page, Direction::NewestFirst).await
    }

    pub async fn rounds_by_ids(&self, ids: &[Uuid]) -> AppResult<Vec<alignment_round::Model>> {
        self.fetch_by_ids::<alignment_round::Entity>(ids).await
    }

    pub async fn round(&self, id: Uuid) -> AppResult<alignment_round::Model> {
        self.fetch_one::<alignment_round::Entity>(id).await
    }

    /// The network's round that still takes answers at `now`, if any.
    pub async fn running_round(
        &self,
        network_id: Uuid,
        now: DateTime<Utc>,
    ) -> AppResult<Option<alignment_round::Model>> {
        let tx = self.tx()?;
        // A rule: a network has one running round, whoever asks.
        self.tenant_only::<alignment_round::Entity>()
            .filter(alignment_round::Column::NetworkId.eq(network_id))
            .filter(alignment_round::Column::Status.eq(RoundStatus::Open))
            .filter(alignment_round::Column::ClosesAt.gt(now))
            .one(&*tx)
            .await
            .context("looking for a running round")
    }

    /// (person, organisation) for every person with a current position in an
    /// ACTIVE partner of the network; a person in two partners counts for the
    /// first (by organisation id), so nobody is invited twice.
    pub async fn default_invitees(&self, network_id: Uuid) -> AppResult<Vec<(Uuid, Uuid)>> {
        let tx = self.tx()?;
        let partners = Query::select()
            .column(partnership::Column::OrganisationId)
            .from(partnership::Entity)
            .and_where(partnership::Column::TenantId.eq(self.tenant_id()))
            .and_where(partnership::Column::NetworkId.eq(network_id))
            .and_where(partnership::Column::Status.eq(PartnershipStatus::Active))
            .to_owned();
        // Everyone at an ACTIVE partner is invited, whoever opens the round.
        let mut rows: Vec<(Uuid, Uuid)> = self
            .tenant_only::<position::Entity>()
            .select_only()
            .column(position::Column::PersonId)
            .column(position::Column::OrganisationId)
            .filter(position::Column::OrganisationId.in_subquery(partners))
            .filter(visibility::position_current(self.actor().today))
            .order_by_asc(position::Column::PersonId)
            .order_by_asc(position::Column::OrganisationId)
            .into_tuple()
            .all(&*tx)
            .await
            .context("finding a round's invitees")?;
        rows.dedup_by_key(|(person, _)| *person);
        Ok(rows)
    }

    pub async fn insert_round(
        &self,
        network_id: Uuid,
        closes_at: DateTime<Utc>,
        questions: &[(String, String)],
        invitees: &[(Uuid, Uuid)],
    ) -> AppResult<alignment_round::Model> {
        let tx = self.tx()?;
        let model = alignment_round::Model {
            id: Uuid::now_v7(),
            tenant_id: self.tenant_id(),
            network_id,
            status: RoundStatus::Open,
            opened_at: self.now(),
            closes_at,
            closed_at: None,
        };
        alignment_round::Entity::insert(alignment_round::ActiveModel::from(model.clone()))
            .exec_without_returning(&*tx)
            .await
            .context("inserting a round")?;
        alignment_question::Entity::insert_many(questions.iter().enumerate().map(|(position, (key, text))| {
            alignment_question::ActiveModel {
                id: Set(Uuid::now_v7()),
                tenant_id: Set(self.tenant_id()),
                round_id: Set(model.id),
                key: Set(key.clone()),
                text: Set(text.clone()),
                position: Set(position as i32),
            }
        }))
        .exec_without_returning(&*tx)
        .await
        .context("inserting a round's questions")?;
        // By default everyone working for an active partner is invited, which
        // grows with the network: a bounded number of rows per INSERT keeps
        // its values under the engines' limits on bound parameters.
        for chunk in invitees.chunks(INVITEES_PER_INSERT) {
            alignment_invitee::Entity::insert_many(chunk.iter().map(|(person_id, organisation_id)| {
                alignment_invitee::ActiveModel {
                    round_id: Set(model.id),
                    person_id: Set(*person_id),
                    tenant_id: Set(self.tenant_id()),
                    organisation_id: Set(*organisation_id),
                }
            }))
            .exec_without_returning(&*tx)
            .await
            .context("inserting a round's invitees")?;
        }
        Ok(model)
    }

    pub async fn questions_of(&self, round_ids: &[Uuid]) -> AppResult<Vec<alignment_question::Model>> {
        let tx = self.tx()?;
        self.scoped::<alignment_question::Entity>()
            .filter(alignment_question::Column::RoundId.is_in(round_ids.iter().copied()))
            .order_by_asc(alignment_question::Column::Position)
            .all(&*tx)
            .await
            .context("loading questions")
    }

    /// The organisation the person answers for in this round, if invited.
    pub async fn invitation(&self, round_id: Uuid, person_id: Uuid) -> AppResult<Option<Uuid>> {
        let tx = self.tx()?;
        self.scoped::<alignment_invitee::Entity>()
            .select_only()
            .column(alignment_invitee::Column::OrganisationId)
            .filter(alignment_invitee::Column::RoundId.eq(round_id))
            .filter(alignment_invitee::Column::PersonId.eq(person_id))
            .into_tuple::<Uuid>()
            .one(&*tx)
            .await
            .context("looking up an invitation")
    }

    /// Stores the person's answers, replacing an earlier submission.
    pub async fn replace_response(
        &self,
        round_id: Uuid,
        organisation_id: Uuid,
        answers: Vec<NewAnswer>,
    ) -> AppResult<alignment_response::Model> {
        let tx = self.tx()?;
        let person_id = self.actor().person()?;
        let earlier: Vec<Uuid> = self
            .scoped::<alignment_response::Entity>()
            .select_only()
            .column(alignment_response::Column::Id)
            .filter(alignment_response::Column::RoundId.eq(round_id))
            .filter(alignment_response::Column::PersonId.eq(person_id))
            .into_tuple()
            .all(&*tx)
            .await
            .context("finding an earlier response")?;
        if !earlier.is_empty() {
            alignment_answer::Entity::delete_many()
                .filter(alignment_answer::Column::TenantId.eq(self.tenant_id()))
                .filter(alignment_answer::Column::ResponseId.is_in(earlier.iter().copied()))
                .exec(&*tx)
                .await
                .context("removing earlier answers")?;
            alignment_response::Entity::delete_many()
                .filter(alignment_response::Column::TenantId.eq(self.tenant_id()))
                .filter(alignment_response::Column::Id.is_in(earlier.iter().copied()))
                .exec(&*tx)
                .await
                .context("removing an earlier response")?;
        }
        let response = alignment_response::Model {
            id: Uuid::now_v7(),
            tenant_id: self.tenant_id(),
            round_id,
            person_id,
            organisation_id,
            submitted_at: self.now(),
        };
        alignment_response::Entity::insert(alignment_response::ActiveModel::from(response.clone()))
            .exec_without_returning(&*tx)
            .await
            .map_err(|error| match error.sql_err() {
                // The same person's first answer, sent twice at once: both found
                // none earlier, the second insert meets the first one's key.
                Some(sea_orm::SqlErr::UniqueConstraintViolation(_)) => AppError::conflict(
                    "your answer to this round was being recorded at the same moment; reload and try again",
                ),
                _ => super::classify(error, "inserting a response"),
            })?;
        alignment_answer::Entity::insert_many(answers.into_iter().map(|answer| alignment_answer::ActiveModel {
            id: Set(Uuid::now_v7()),
            tenant_id: Set(self.tenant_id()),
            round_id: Set(round_id),
            response_id: Set(response.id),
            organisation_id: Set(organisation_id),
            question_key: Set(answer.question_key),
            score: Set(answer.score),
            comment: Set(answer.comment),
        }))
        .exec_without_returning(&*tx)
        .await
        .context("inserting answers")?;
        Ok(response)
    }

    /// The viewer's own answers to these rounds, in two statements however
    /// many rounds: (round, question key, score, comment).
    pub async fn own_answers_in(&self, round_ids: &[Uuid]) -> AppResult<Vec<(Uuid, String, i32, Option<String>)>> {
        let Some(person_id) = self.actor().person_id else { return Ok(Vec::new()) };
        let tx = self.tx()?;
        let responses: HashMap<Uuid, Uuid> = self
            .scoped::<alignment_response::Entity>()
            .select_only()
            .column(alignment_response::Column::Id)
            .column(alignment_response::Column::RoundId)
            .filter(alignment_response::Column::RoundId.is_in(round_ids.iter().copied()))
            .filter(alignment_response::Column::PersonId.eq(person_id))
            .into_tuple::<(Uuid, Uuid)>()
            .all(&*tx)
            .await
            .context("finding the viewer's responses")?
            .into_iter()
            .collect();
        if responses.is_empty() {
            return Ok(Vec::new());
        }
        let answers: Vec<(Uuid, String, i32, Option<String>)> = self
            .scoped::<alignment_answer::Entity>()
            .select_only()
            .column(alignment_answer::Column::ResponseId)
            .column(alignment_answer::Column::QuestionKey)
            .column(alignment_answer::Column::Score)
            .column(alignment_answer::Column::Comment)
            .filter(alignment_answer::Column::ResponseId.is_in(responses.keys().copied()))
            .into_tuple()
            .all(&*tx)
            .await
            .context("loading the viewer's answers")?;
        Ok(answers
            .into_iter()
            .filter_map(|(response, key, score, comment)| Some((*responses.get(&response)?, key, score, comment)))
            .collect())
    }

    /// The viewer's invitations among these rounds: (round, the organisation
    /// they answer for), in one statement.
    pub async fn viewer_invitations(&self, round_ids: &[Uuid]) -> AppResult<Vec<(Uuid, Uuid)>> {
        let Some(person_id) = self.actor().person_id else { return Ok(Vec::new()) };
        let tx = self.tx()?;
        self.scoped::<alignment_invitee::Entity>()
            .select_only()
            .column(alignment_invitee::Column::RoundId)
            .column(alignment_invitee::Column::OrganisationId)
            .filter(alignment_invitee::Column::RoundId.is_in(round_ids.iter().copied()))
            .filter(alignment_invitee::Column::PersonId.eq(person_id))
            .into_tuple()
            .all(&*tx)
            .await
            .context("looking up the viewer's invitations")
    }

    /// Closes a round that is open, as a compare-and-set.
    pub async fn close_round(&self, id: Uuid) -> AppResult<alignment_round::Model> {
        let tx = self.tx()?;
        let now = self.now();
        let result = alignment_round::Entity::update_many()
            .col_expr(alignment_round::Column::Status, Expr::value(RoundStatus::Closed))
            .col_expr(alignment_round::Column::ClosedAt, Expr::value(now))
            .filter(alignment_round::Column::TenantId.eq(self.tenant_id()))
            .filter(alignment_round::Column::Id.eq(id))
            .filter(alignment_round::Column::Status.eq(RoundStatus::Open))
            .filter(alignment_round::Column::ClosesAt.gt(now))
            .exec(&*tx)
            .await
            .context("closing a round")?;
        if result.rows_affected == 0 {
            return Err(AppError::conflict("the round is already closed"));
        }
        self.round(id).await
    }

    /// Count, sum, sum of squares, min and max of the scores per (question,
    /// partner) of each round, aggregated in the database in one statement.
    pub async fn rounds_sums(&self, round_ids: &[Uuid]) -> AppResult<HashMap<Uuid, BTreeMap<(String, Uuid), Sums>>> {
        let tx = self.tx()?;
        let score = || Expr::col(alignment_answer::Column::Score);
        let rows: Vec<AnswerSums> = self
            .scoped::<alignment_answer::Entity>()
            .select_only()
            .column(alignment_answer::Column::RoundId)
            .column(alignment_answer::Column::QuestionKey)
            .column(alignment_answer::Column::OrganisationId)
            .column_as(score().count(), "n")
            .column_as(Expr::expr(score()).sum().cast_as("BIGINT"), "total")
            .column_as(Expr::expr(score().mul(score())).sum().cast_as("BIGINT"), "squares")
            .column_as(score().min(), "lowest")
            .column_as(score().max(), "highest")
            .filter(alignment_answer::Column::RoundId.is_in(round_ids.iter().copied()))
            .group_by(alignment_answer::Column::RoundId)
            .group_by(alignment_answer::Column::QuestionKey)
            .group_by(alignment_answer::Column::OrganisationId)
            .into_tuple()
            .all(&*tx)
            .await
            .context("aggregating rounds' answers")?;
        let mut sums: HashMap<Uuid, BTreeMap<(String, Uuid), Sums>> = HashMap::new();
        for (round, key, organisation, count, sum, squares, min, max) in rows {
            let figures = Sums { count: count as u64, sum, sum_of_squares: squares, min, max };
            sums.entry(round).or_default().insert((key, organisation), figures);
        }
        Ok(sums)
    }

    /// Invitees per partner, per round, in one statement.
    pub async fn invited_counts(&self, round_ids: &[Uuid]) -> AppResult<HashMap<Uuid, BTreeMap<Uuid, u64>>> {
        let tx = self.tx()?;
        let rows: Vec<(Uuid, Uuid, i64)> = self
            .scoped::<alignment_invitee::Entity>()
            .select_only()
            .column(alignment_invitee::Column::RoundId)
            .column(alignment_invitee::Column::OrganisationId)
            .column_as(Expr::col(alignment_invitee::Column::PersonId).count(), "n")
            .filter(alignment_invitee::Column::RoundId.is_in(round_ids.iter().copied()))
            .group_by(alignment_invitee::Column::RoundId)
            .group_by(alignment_invitee::Column::OrganisationId)
            .into_tuple()
            .all(&*tx)
            .await
            .context("counting invitees")?;
        Ok(per_round(rows))
    }

    /// Respondents per partner, per round, in one statement.
    pub async fn respondent_counts(&self, round_ids: &[Uuid]) -> AppResult<HashMap<Uuid, BTreeMap<Uuid, u64>>> {
        let tx = self.tx()?;
        let rows: Vec<(Uuid, Uuid, i64)> = self
            .scoped::<alignment_response::Entity>()
            .select_only()
            .column(alignment_response::Column::RoundId)
            .column(alignment_response::Column::OrganisationId)
            .column_as(Expr::col(alignment_response::Column::Id).count(), "n")
            .filter(alignment_response::Column::RoundId.is_in(round_ids.iter().copied()))
            .group_by(alignment_response::Column::RoundId)
            .group_by(alignment_response::Column::OrganisationId)
            .into_tuple()
            .all(&*tx)
            .await
            .context("counting respondents")?;
        Ok(per_round(rows))
    }

    /// Each round's previous round of its network (by id, which orders them
    /// in time), for rounds of any networks, in one statement.
    pub async fn previous_rounds(
        &self,
        rounds: &[alignment_round::Model],
    ) -> AppResult<HashMap<Uuid, alignment_round::Model>> {
        let tx = self.tx()?;
        let networks: Vec<Uuid> = rounds.iter().map(|round| round.network_id).collect();
        // The predecessors of visible rounds, in the same networks.
        let all = self
            .tenant_only::<alignment_round::Entity>()
            .filter(alignment_round::Column::NetworkId.is_in(networks))
            .order_by_asc(alignment_round::Column::Id)
            .all(&*tx)
            .await
            .context("looking up the previous rounds")?;
        Ok(rounds
            .iter()
            .filter_map(|round| {
                let previous = all.iter().rev().find(|r| r.network_id == round.network_id && r.id < round.id)?;
                Some((round.id, previous.clone()))
            })
            .collect())
    }

    /// A round's invitees whom the viewer may see (someone whose
    /// organisation has since left the network may not be). Who may ask at
    /// all is the use case's to decide.
    fn invitees_query(&self) -> sea_orm::Select<alignment_invitee::Entity> {
        let seen = Query::select()
            .column(person::Column::Id)
            .from(person::Entity)
            .and_where(person::Column::TenantId.eq(self.tenant_id()))
            .cond_where(visibility::people(&self.actor()))
            .to_owned();
        self.scoped::<alignment_invitee::Entity>().filter(alignment_invitee::Column::PersonId.in_subquery(seen))
    }

    /// A page of a round's invitees, by person id.
    pub async fn invitees_page(&self, round_id: Uuid, page: PageRequest) -> AppResult<Page<alignment_invitee::Model>> {
        let query = self.invitees_query().filter(alignment_invitee::Column::RoundId.eq(round_id));
        self.keyset_page(query, alignment_invitee::Column::PersonId, page).await
    }

    /// The first page of invitees of each of several rounds, in one statement.
    pub async fn invitees_first_pages(
        &self,
        round_ids: &[Uuid],
        first: u64,
    ) -> AppResult<HashMap<Uuid, Page<alignment_invitee::Model>>> {
        self.keyset_first_pages(
            self.invitees_query(),
            alignment_invitee::Column::RoundId,
            alignment_invitee::Column::PersonId,
            round_ids,
            first,
            |row| row.round_id,
        )
        .await
    }

    /// Whether the organisation is an ACTIVE partner of the network.
    pub async fn is_active_partner(&self, network_id: Uuid, organisation_id: Uuid) -> AppResult<bool> {
        let tx = self.tx()?;
        // A rule's check, not a read shown to anyone.
        Ok(self
            .tenant_only::<partnership::Entity>()
            .filter(partnership::Column::NetworkId.eq(network_id))
            .filter(partnership::Column::OrganisationId.eq(organisation_id))
            .filter(partnership::Column::Status.eq(PartnershipStatus::Active))
            .one(&*tx)
            .await
            .context("checking a partnership")?
            .is_some())
    }
}

/// `(round, organisation, count)` rows as counts per organisation per round.
fn per_round(rows: Vec<(Uuid, Uuid, i64)>) -> HashMap<Uuid, BTreeMap<Uuid, u64>> {
    let mut counts: HashMap<Uuid, BTreeMap<Uuid, u64>> = HashMap::new();
    for (round, organisation, n) in rows {
        counts.entry(round).or_default().insert(organisation, u64::try_from(n).unwrap_or_default());
    }
    counts
}

/// Per round, question and partner: answers, their sum, the sum of their
/// squares, the lowest and the highest score.
type AnswerSums = (Uuid, String, Uuid, i64, i64, i64, i32, i32);
