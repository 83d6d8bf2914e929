//! Mandates, ratifications, their records and conditions, and consultation.

use chrono::{DateTime, NaiveDate, Utc};
use entity::{
    ConditionStatus, RatificationOutcome, RatificationStatus, Stance, commitment, consultation_input, governing_body,
    mandate_rule, ratification, ratification_condition, ratification_record,
};
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{ActiveValue::Set, ColumnTrait, EntityTrait, JoinType, QueryFilter, QueryOrder, QuerySelect, QueryTrait};
use uuid::Uuid;

use super::Store;
use crate::domain::ratification::MandateRule;
use crate::domain::{AppError, AppResult};
use crate::errors::Context;

/// A ratification about to be created.
#[derive(Debug, Clone)]
pub struct NewRatification {
    pub network_id: Uuid,
    pub commitment_id: Uuid,
    pub organisation_id: Uuid,
    pub body: governing_body::Model,
}

/// How one party's ratifications in a network stand.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PartyOutcomes {
    pub organisation_id: Uuid,
    pub involved: u64,
    pub answered: u64,
    pub approved: u64,
    pub rejected: u64,
}

/// An outcome as recorded.
#[derive(Debug, Clone)]
pub struct NewOutcome {
    pub outcome: RatificationOutcome,
    pub reason: Option<String>,
    pub decided_on: NaiveDate,
    pub minutes_reference: String,
    pub conditions: Vec<String>,
    /// The hash of the dossier the body decided on, checked by the caller.
    pub dossier_hash: Option<String>,
}

impl Store {
    /// Active bodies of the given organisations, whatever the viewer may see:
    /// for the rules that decide who is involved, never returned as such.
    pub async fn active_bodies_for_rules(&self, organisation_ids: &[Uuid]) -> AppResult<Vec<governing_body::Model>> {
        let tx = self.tx()?;
        self.tenant_only::<governing_body::Entity>()
            .filter(governing_body::Column::OrganisationId.is_in(organisation_ids.iter().copied()))
            .filter(governing_body::Column::RetiredAt.is_null())
            .all(&*tx)
            .await
            .context("loading bodies for ratification")
    }

    pub async fn mandate_rules_of(&self, organisation_ids: &[Uuid]) -> AppResult<Vec<mandate_rule::Model>> {
        let tx = self.tx()?;
        self.scoped::<mandate_rule::Entity>()
            .filter(mandate_rule::Column::OrganisationId.is_in(organisation_ids.iter().copied()))
            .order_by_asc(mandate_rule::Column::Id)
            .all(&*tx)
            .await
            .context("loading mandates")
    }

    pub async fn replace_mandate(&self, organisation_id: Uuid, rules: &[MandateRule]) -> AppResult<()> {
        let tx = self.tx()?;
        mandate_rule::Entity::delete_many()
            .filter(mandate_rule::Column::TenantId.eq(self.tenant_id()))
            .filter(mandate_rule::Column::OrganisationId.eq(organisation_id))
            .exec(&*tx)
            .await
            .context("clearing a mandate")?;
        if !rules.is_empty() {
            mandate_rule::Entity::insert_many(rules.iter().map(|rule| mandate_rule::ActiveModel {
                id: Set(Uuid::now_v7()),
                tenant_id: Set(self.tenant_id()),
                organisation_id: Set(organisation_id),
                body_id: Set(rule.body_id),
                applies_to: Set(rule.applies_to),
                min_contribution_euros: Set(rule.min_contribution_euros),
                created_at: Set(self.now()),
            }))
            .exec_without_returning(&*tx)
            .await
            .context("storing a mandate")?;
        }
        Ok(())
    }

    pub async fn insert_ratifications(&self, rows: &[NewRatification]) -> AppResult<()> {
        if rows.is_empty() {
            return Ok(());
        }
        let tx = self.tx()?;
        ratification::Entity::insert_many(rows.iter().map(|row| ratification::ActiveModel {
            id: Set(Uuid::now_v7()),
            tenant_id: Set(self.tenant_id()),
            network_id: Set(row.network_id),
            commitment_id: Set(row.commitment_id),
            organisation_id: Set(row.organisation_id),
            body_id: Set(row.body.id),
            right: Set(row.body.right),
            status: Set(RatificationStatus::NotStarted),
            outcome: Set(None),
            reason: Set(None),
            decided_on: Set(None),
            minutes_reference: Set(None),
            recorded_by: Set(None),
            recorded_at: Set(None),
            consultation_started_at: Set(None),
            due_on: Set(None),
            withdrawn_at: Set(None),
            created_at: Set(self.now()),
            version: Set(1),
            dossier_hash: Set(None),
        }))
        .exec_without_returning(&*tx)
        .await
        .context("creating ratifications")?;
        rows.iter().for_each(|row| self.touch(row.commitment_id));
        Ok(())
    }

    fn visible_ratifications(&self) -> sea_orm::Select<ratification::Entity> {
        self.visible::<ratification::Entity>().filter(ratification::Column::WithdrawnAt.is_null())
    }

    /// Current ratifications of the given commitments, in order of creation.
    pub async fn ratifications_of(&self, commitment_ids: &[Uuid]) -> AppResult<Vec<ratification::Model>> {
        let tx = self.tx()?;
        self.visible_ratifications()
            .filter(ratification::Column::CommitmentId.is_in(commitment_ids.iter().copied()))
            .order_by_asc(ratification::Column::Id)
            .all(&*tx)
            .await
            .context("loading ratifications")
    }

    pub async fn ratifications_by_ids(&self, ids: &[Uuid]) -> AppResult<Vec<ratification::Model>> {
        let tx = self.tx()?;
        self.visible_ratifications()
            .filter(ratification::Column::Id.is_in(ids.iter().copied()))
            .all(&*tx)
            .await
            .context("loading ratifications by id")
    }

    pub async fn ratification(&self, id: Uuid) -> AppResult<ratification::Model> {
        let tx = self.tx()?;
        self.visible_ratifications()
            .filter(ratification::Column::Id.eq(id))
            .one(&*tx)
            .await
            .context("loading a ratification")?
            .ok_or(AppError::NotFound("ratification"))
    }

    /// Every current ratification of a network.
    pub async fn ratifications_of_network(&self, network_id: Uuid) -> AppResult<Vec<ratification::Model>> {
        let tx = self.tx()?;
        self.visible_ratifications()
            .filter(ratification::Column::NetworkId.eq(network_id))
            .all(&*tx)
            .await
            .context("loading a network's ratifications")
    }

    /// Each party's ratifications in a network (visible, not withdrawn),
    /// counted in the database, by organisation id. The network is named, never
    /// a list of ids, so the statement binds the same few values however many
    /// ratifications there are.
    pub async fn party_outcomes(&self, network_id: Uuid) -> AppResult<Vec<PartyOutcomes>> {
        use ratification::Column as R;
        let tx = self.tx()?;
        let counted = |outcomes: &[RatificationOutcome]| {
            Expr::expr(Expr::case(Expr::col(R::Outcome).is_in(outcomes.iter().copied()), 1).finally(0)).sum()
        };
        let rows: Vec<(Uuid, i64, i64, i64, i64)> = self
            .visible_ratifications()
            .filter(R::NetworkId.eq(network_id))
            .select_only()
            .column(R::OrganisationId)
            .column_as(Expr::col(R::Id).count(), "involved")
            .column_as(Expr::col(R::Outcome).count(), "answered")
            .column_as(
                counted(&[RatificationOutcome::Approved, RatificationOutcome::ApprovedWithConditions]),
                "approved",
            )
            .column_as(counted(&[RatificationOutcome::Rejected]), "rejected")
            .group_by(R::OrganisationId)
            .order_by_asc(R::OrganisationId)
            .into_tuple()
            .all(&*tx)
            .await
            .context("counting outcomes per party")?;
        let count = |n: i64| u64::try_from(n).unwrap_or(0);
        Ok(rows
            .into_iter()
            .map(|(organisation_id, involved, answered, approved, rejected)| PartyOutcomes {
                organisation_id,
                involved: count(involved),
                answered: count(answered),
                approved: count(approved),
                rejected: count(rejected),
            })
            .collect())
    }

    /// For every recorded outcome in a network: the party, when its
    /// commitment was agreed and when the outcome was recorded. The commitment
    /// is joined, not looked up by a list of ids.
    pub async fn outcome_times(&self, network_id: Uuid) -> AppResult<Vec<(Uuid, DateTime<Utc>, DateTime<Utc>)>> {
        use ratification::Column as R;
        let tx = self.tx()?;
        self.visible_ratifications()
            .filter(R::NetworkId.eq(network_id))
            .filter(R::RecordedAt.is_not_null())
            .join(
                JoinType::InnerJoin,
                ratification::Entity::belongs_to(commitment::Entity)
                    .from(R::CommitmentId)
                    .to(commitment::Column::Id)
                    .into(),
            )
            .filter(commitment::Column::TenantId.eq(self.tenant_id()))
            .filter(commitment::Column::AgreedAt.is_not_null())
            .select_only()
            .column(R::OrganisationId)
            .column_as(Expr::col((commitment::Entity, commitment::Column::AgreedAt)), "agreed_at")
            .column(R::RecordedAt)
            .into_tuple()
            .all(&*tx)
            .await
            .context("reading when outcomes were recorded")
    }

    /// Open conditions on a network's current ratifications, counted per
    /// organisation; the ratifications are a subquery, not a list of ids.
    pub async fn open_conditions_per_party(&self, network_id: Uuid) -> AppResult<Vec<(Uuid, u64)>> {
        use ratification_condition::Column as C;
        let tx = self.tx()?;
        let ratifications = self
            .visible_ratifications()
            .filter(ratification::Column::NetworkId.eq(network_id))
            .select_only()
            .column(ratification::Column::Id)
            .into_query();
        let rows: Vec<(Uuid, i64)> = self
            .scoped::<ratification_condition::Entity>()
            .filter(C::Status.eq(ConditionStatus::Open))
            .filter(C::RatificationId.in_subquery(ratifications))
            .select_only()
            .column(C::OrganisationId)
            .column_as(Expr::col(C::Id).count(), "open")
            .group_by(C::OrganisationId)
            .into_tuple()
            .all(&*tx)
            .await
            .context("counting open conditions per party")?;
        Ok(rows.into_iter().map(|(organisation_id, n)| (organisation_id, u64::try_from(n).unwrap_or(0))).collect())
    }

    /// Unanswered ratifications of the given bodies, oldest first.
    pub async fn pending_for_bodies(&self, body_ids: &[Uuid]) -> AppResult<Vec<ratification::Model>> {
        let tx = self.tx()?;
        self.visible_ratifications()
            .filter(ratification::Column::BodyId.is_in(body_ids.iter().copied()))
            .filter(ratification::Column::Outcome.is_null())
            .order_by_asc(ratification::Column::Id)
            .all(&*tx)
            .await
            .context("loading pending ratifications")
    }

    /// Moves a party's (or every party's) open ratifications of a commitment
    /// from one of `from` to `to`, stamping what goes with it.
    pub async fn move_ratifications(
        &self,
        commitment_id: Uuid,
        organisation_id: Option<Uuid>,
        from: &[RatificationStatus],
        to: RatificationStatus,
        due_on: Option<NaiveDate>,
    ) -> AppResult<u64> {
        let tx = self.tx()?;
        let mut update = ratification::Entity::update_many()
            .col_expr(ratification::Column::Status, Expr::value(to))
            .col_expr(ratification::Column::Version, Expr::col(ratification::Column::Version).add(1));
        if to == RatificationStatus::Consulting {
            update = update.col_expr(ratification::Column::ConsultationStartedAt, Expr::value(self.now()));
        }
        if let Some(due_on) = due_on {
            update = update.col_expr(ratification::Column::DueOn, Expr::value(due_on));
        }
        let mut update = update
            .filter(ratification::Column::TenantId.eq(self.tenant_id()))
            .filter(ratification::Column::CommitmentId.eq(commitment_id))
            .filter(ratification::Column::WithdrawnAt.is_null())
            .filter(ratification::Column::Status.is_in(from.iter().copied()));
        if let Some(organisation_id) = organisation_id {
            update = update.filter(ratification::Column::OrganisationId.eq(organisation_id));
        }
        self.touch(commitment_id);
        Ok(update.exec(&*tx).await.context("moving ratifications")?.rows_affected)
    }

    /// Takes every ratification of a commitment out of play (a re-plan starts over).
    pub async fn withdraw_ratifications(&self, commitment_id: Uuid) -> AppResult<()> {
        self.withdraw(commitment_id, false).await
    }

    /// Takes the unanswered ratifications of a commitment out of play (it was
    /// dropped: no body is asked any more); outcomes already given stay.
    pub async fn withdraw_unanswered_ratifications(&self, commitment_id: Uuid) -> AppResult<()> {
        self.withdraw(commitment_id, true).await
    }

    async fn withdraw(&self, commitment_id: Uuid, only_unanswered: bool) -> AppResult<()> {
        let tx = self.tx()?;
        let mut update = ratification::Entity::update_many()
            .col_expr(ratification::Column::WithdrawnAt, Expr::value(self.now()))
            .filter(ratification::Column::TenantId.eq(self.tenant_id()))
            .filter(ratification::Column::CommitmentId.eq(commitment_id))
            .filter(ratification::Column::WithdrawnAt.is_null());
        if only_unanswered {
            update = update.filter(ratification::Column::Outcome.is_null());
        }
        update.exec(&*tx).await.context("withdrawing ratifications")?;
        self.touch(commitment_id);
        Ok(())
    }

    /// Records an outcome if the ratification is still unanswered at
    /// `expected_version`: compare-and-set, so of many concurrent recorders
    /// exactly one succeeds. Appends the record and its conditions.
    pub async fn record_outcome(
        &self,
        id: Uuid,
        expected_version: i32,
        new: NewOutcome,
    ) -> AppResult<ratification::Model> {
        let tx = self.tx()?;
        let now = self.now();
        let result = ratification::Entity::update_many()
            .col_expr(ratification::Column::Outcome, Expr::value(new.outcome))
            .col_expr(ratification::Column::Status, Expr::value(RatificationStatus::Done))
            .col_expr(ratification::Column::Reason, Expr::value(new.reason.clone()))
            .col_expr(ratification::Column::DecidedOn, Expr::value(new.decided_on))
            .col_expr(ratification::Column::MinutesReference, Expr::value(new.minutes_reference.clone()))
            .col_expr(ratification::Column::RecordedBy, Expr::value(self.actor().person()?))
            .col_expr(ratification::Column::RecordedAt, Expr::value(now))
            .col_expr(ratification::Column::DossierHash, Expr::value(new.dossier_hash.clone()))
            .col_expr(ratification::Column::Version, Expr::col(ratification::Column::Version).add(1))
            .filter(ratification::Column::TenantId.eq(self.tenant_id()))
            .filter(ratification::Column::Id.eq(id))
            .filter(ratification::Column::Version.eq(expected_version))
            .filter(ratification::Column::Outcome.is_null())
            .exec(&*tx)
            .await
            .map_err(|e| super::classify(e, "recording an outcome"))?;
        if result.rows_affected == 0 {
            return Err(AppError::conflict(
                "the ratification changed since you read it (an outcome may be recorded already)",
            ));
        }
        let model = self.ratification(id).await?;
        self.touch(model.commitment_id);
        ratification_record::Entity::insert(ratification_record::ActiveModel {
            id: Set(Uuid::now_v7()),
            tenant_id: Set(self.tenant_id()),
            ratification_id: Set(id),
            outcome: Set(new.outcome),
            reason: Set(new.reason),
            decided_on: Set(new.decided_on),
            minutes_reference: Set(new.minutes_reference),
            recorded_by: Set(Some(self.actor().person()?)),
            recorded_at: Set(now),
            reopened_at: Set(None),
        })
        .exec_without_returning(&*tx)
        .await
        .context("recording an outcome's record")?;
        if !new.conditions.is_empty() {
            ratification_condition::Entity::insert_many(new.conditions.into_iter().map(|text| {
                ratification_condition::ActiveModel {
                    id: Set(Uuid::now_v7()),
                    tenant_id: Set(self.tenant_id()),
                    ratification_id: Set(id),
                    organisation_id: Set(model.organisation_id),
                    text: Set(text),
                    status: Set(ConditionStatus::Open),
                    met_at: Set(None),
                    met_by: Set(None),
                }
            }))
            .exec_without_returning(&*tx)
            .await
            .context("recording conditions")?;
        }
        Ok(model)
    }

    /// Reopens an answered ratification; its record stays in the history.
    pub async fn reopen(&self, id: Uuid, expected_version: i32) -> AppResult<ratification::Model> {
        let tx = self.tx()?;
        let now = self.now();
        let result = ratification::Entity::update_many()
            .col_expr(ratification::Column::Outcome, Expr::value(Option::<RatificationOutcome>::None))
            .col_expr(ratification::Column::Status, Expr::value(RatificationStatus::Awaiting))
            .col_expr(ratification::Column::Reason, Expr::value(Option::<String>::None))
            // Unrecorded again: it waits as any unanswered one (the record keeps when it was recorded).
            .col_expr(ratification::Column::RecordedAt, Expr::value(Option::<DateTime<Utc>>::None))
            .col_expr(ratification::Column::DossierHash, Expr::value(Option::<String>::None))
            .col_expr(ratification::Column::Version, Expr::col(ratification::Column::Version).add(1))
            .filter(ratification::Column::TenantId.eq(self.tenant_id()))
            .filter(ratification::Column::Id.eq(id))
            .filter(ratification::Column::Version.eq(expected_version))
            .filter(ratification::Column::Outcome.is_not_null())
            .exec(&*tx)
            .await
            .context("reopening a ratification")?;
        if result.rows_affected == 0 {
            return Err(AppError::conflict("the ratification changed since you read it, or has no outcome to reopen"));
        }
        ratification_record::Entity::update_many()
            .col_expr(ratification_record::Column::ReopenedAt, Expr::value(now))
            .filter(ratification_record::Column::TenantId.eq(self.tenant_id()))
            .filter(ratification_record::Column::RatificationId.eq(id))
            .filter(ratification_record::Column::ReopenedAt.is_null())
            .exec(&*tx)
            .await
            .context("marking a record reopened")?;
        let model = self.ratification(id).await?;
        self.touch(model.commitment_id);
        Ok(model)
    }

    pub async fn records_of(&self, ratification_ids: &[Uuid]) -> AppResult<Vec<ratification_record::Model>> {
        let tx = self.tx()?;
        self.scoped::<ratification_record::Entity>()
            .filter(ratification_record::Column::RatificationId.is_in(ratification_ids.iter().copied()))
            .order_by_asc(ratification_record::Column::Id)
            .all(&*tx)
            .await
            .context("loading ratification records")
    }

    pub async fn conditions_of(&self, ratification_ids: &[Uuid]) -> AppResult<Vec<ratification_condition::Model>> {
        let tx = self.tx()?;
        self.scoped::<ratification_condition::Entity>()
            .filter(ratification_condition::Column::RatificationId.is_in(ratification_ids.iter().copied()))
            .order_by_asc(ratification_condition::Column::Id)
            .all(&*tx)
            .await
            .context("loading conditions")
    }

    pub async fn condition(&self, id: Uuid) -> AppResult<ratification_condition::Model> {
        let tx = self.tx()?;
        let condition = self
            .scoped::<ratification_condition::Entity>()
            .filter(ratification_condition::Column::Id.eq(id))
            .one(&*tx)
            .await
            .context("loading a condition")?
            .ok_or(AppError::NotFound("condition"))?;
        // Visible with its ratification.
        self.ratification(condition.ratification_id).await.map_err(|_| AppError::NotFound("condition"))?;
        Ok(condition)
    }

    pub async fn mark_condition_met(&self, id: Uuid) -> AppResult<()> {
        let tx = self.tx()?;
        let result = ratification_condition::Entity::update_many()
            .col_expr(ratification_condition::Column::Status, Expr::value(ConditionStatus::Met))
            .col_expr(ratification_condition::Column::MetAt, Expr::value(self.now()))
            .col_expr(ratification_condition::Column::MetBy, Expr::value(self.actor().person()?))
            .filter(ratification_condition::Column::TenantId.eq(self.tenant_id()))
            .filter(ratification_condition::Column::Id.eq(id))
            .filter(ratification_condition::Column::Status.eq(ConditionStatus::Open))
            .exec(&*tx)
            .await
            .context("marking a condition met")?;
        if result.rows_affected == 0 {
            return Err(AppError::conflict("the condition is already met"));
        }
        let condition = self
            .scoped::<ratification_condition::Entity>()
            .filter(ratification_condition::Column::Id.eq(id))
            .one(&*tx)
            .await
            .context("loading a met condition")?;
        if let Some(condition) = condition {
            let ratification = self
                .tenant_only::<ratification::Entity>()
                .filter(ratification::Column::Id.eq(condition.ratification_id))
                .one(&*tx)
                .await
                .context("loading a met condition's ratification")?;
            ratification.iter().for_each(|r| self.touch(r.commitment_id));
        }
        Ok(())
    }

    pub async fn insert_consultation_input(
        &self,
        ratification: &ratification::Model,
        stance: Stance,
        text: String,
    ) -> AppResult<consultation_input::Model> {
        let tx = self.tx()?;
        let model = consultation_input::Model {
            id: Uuid::now_v7(),
            tenant_id: self.tenant_id(),
            ratification_id: ratification.id,
            commitment_id: ratification.commitment_id,
            organisation_id: ratification.organisation_id,
            stance,
            text,
            author_id: Some(self.actor().person()?),
            created_at: self.now(),
        };
        consultation_input::Entity::insert(consultation_input::ActiveModel::from(model.clone()))
            .exec_without_returning(&*tx)
            .await
            .context("inserting consultation input")?;
        Ok(model)
    }

    /// Consultation inputs of a party on a commitment. The rule of who may read
    /// them (the organisation's own people) is applied by the caller; this
    /// returns them all.
    /// A party's consultation inputs on each of the given commitments,
    /// counted by stance in the database: (commitment, stance, count).
    pub async fn consultation_counts(
        &self,
        commitment_ids: &[Uuid],
        organisation_id: Uuid,
    ) -> AppResult<Vec<(Uuid, Stance, i64)>> {
        let tx = self.tx()?;
        self.scoped::<consultation_input::Entity>()
            .select_only()
            .column(consultation_input::Column::CommitmentId)
            .column(consultation_input::Column::Stance)
            .column_as(consultation_input::Column::Id.count(), "n")
            .filter(consultation_input::Column::CommitmentId.is_in(commitment_ids.iter().copied()))
            .filter(consultation_input::Column::OrganisationId.eq(organisation_id))
            .group_by(consultation_input::Column::CommitmentId)
            .group_by(consultation_input::Column::Stance)
            .into_tuple()
            .all(&*tx)
            .await
            .context("counting consultation inputs")
    }

    pub async fn consultation_inputs(
        &self,
        commitment_id: Uuid,
        organisation_id: Uuid,
    ) -> AppResult<Vec<consultation_input::Model>> {
        let tx = self.tx()?;
        self.scoped::<consultation_input::Entity>()
            .filter(consultation_input::Column::CommitmentId.eq(commitment_id))
            .filter(consultation_input::Column::OrganisationId.eq(organisation_id))
            .order_by_asc(consultation_input::Column::Id)
            .all(&*tx)
            .await
            .context("loading consultation inputs")
    }
}
