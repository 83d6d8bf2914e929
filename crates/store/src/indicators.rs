//! Indicators, their targets, reporters and measurements; commitments'
//! contributions; yearly cycles (docs/indicators.md, docs/cycles.md).
//!
//! Indicators, measurements and cycles are objects of a network, read through
//! `visible` like its goals; which partner's figure a viewer may see is the
//! domain's rule (`indicators::Disclosure`), applied by the service. Targets,
//! reporters, contributions and a cycle's commitments hang from their parent.

use entity::{
    CycleStatus, IndicatorAggregation, IndicatorCadence, IndicatorDirection, commitment, commitment_indicator, cycle,
    cycle_commitment, indicator, indicator_reporter, indicator_target, measurement,
};
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use uuid::Uuid;

use super::Store;
use super::work::IDS_PER_STATEMENT;
use crate::domain::{AppError, AppResult};
use crate::errors::Context;

pub struct NewIndicator {
    pub network_id: Uuid,
    pub goal_id: Uuid,
    pub name: String,
    pub description: Option<String>,
    pub unit: String,
    pub direction: IndicatorDirection,
    pub aggregation: IndicatorAggregation,
    pub cadence: IndicatorCadence,
    pub baseline: f64,
    pub baseline_period: String,
}

/// What changes of an indicator itself; `None` leaves a field alone.
pub struct IndicatorChanges {
    pub name: Option<String>,
    pub description: Option<Option<String>>,
    pub unit: Option<String>,
}

pub struct NewMeasurement {
    pub network_id: Uuid,
    pub indicator_id: Uuid,
    pub organisation_id: Uuid,
    pub period: String,
    pub value: f64,
    pub note: Option<String>,
    pub corrects_id: Option<Uuid>,
}

impl Store {
    /// The rows of `query` whose `column` is one of `ids`, in statements of
    /// at most `IDS_PER_STATEMENT` ids; each in `query`'s order.
    async fn where_in<E>(
        &self,
        query: sea_orm::Select<E>,
        column: E::Column,
        ids: &[Uuid],
        doing: &'static str,
    ) -> AppResult<Vec<E::Model>>
    where
        E: EntityTrait,
        E::Model: Send + Sync,
    {
        let tx = self.tx()?;
        let mut rows = Vec::new();
        for chunk in ids.chunks(IDS_PER_STATEMENT) {
            rows.extend(query.clone().filter(column.is_in(chunk.iter().copied())).all(&*tx).await.context(doing)?);
        }
        Ok(rows)
    }

    // ---- indicators ----

    pub async fn indicator(&self, id: Uuid) -> AppResult<indicator::Model> {
        self.fetch_one::<indicator::Entity>(id).await
    }

    pub async fn indicators_by_ids(&self, ids: &[Uuid]) -> AppResult<Vec<indicator::Model>> {
        self.fetch_by_ids::<indicator::Entity>(ids).await
    }

    /// A network's indicators, by name: a handful per goal.
    pub async fn indicators_of_network(&self, network_id: Uuid) -> AppResult<Vec<indicator::Model>> {
        let tx = self.tx()?;
        self.visible::<indicator::Entity>()
            .filter(indicator::Column::NetworkId.eq(network_id))
            .order_by_asc(indicator::Column::Name)
            .order_by_asc(indicator::Column::Id)
            .all(&*tx)
            .await
            .context("loading a network's indicators")
    }

    /// The indicators of several networks, by name.
    pub async fn indicators_of_networks(&self, network_ids: &[Uuid]) -> AppResult<Vec<indicator::Model>> {
        let query = self
            .visible::<indicator::Entity>()
            .order_by_asc(indicator::Column::Name)
            .order_by_asc(indicator::Column::Id);
        self.where_in(query, indicator::Column::NetworkId, network_ids, "loading networks' indicators").await
    }

    /// The indicators of several goals, in one statement per chunk.
    pub async fn indicators_of_goals(&self, goal_ids: &[Uuid]) -> AppResult<Vec<indicator::Model>> {
        let query = self.visible::<indicator::Entity>().order_by_asc(indicator::Column::Name);
        self.where_in(query, indicator::Column::GoalId, goal_ids, "loading goals' indicators").await
    }

    pub async fn insert_indicator(&self, new: NewIndicator) -> AppResult<indicator::Model> {
        let tx = self.tx()?;
        let now = self.now();
        let model = indicator::Model {
            id: Uuid::now_v7(),
            tenant_id: self.tenant_id(),
            network_id: new.network_id,
            goal_id: new.goal_id,
            name: new.name,
            description: new.description,
            unit: new.unit,
            direction: new.direction,
            aggregation: new.aggregation,
            cadence: new.cadence,
            baseline: new.baseline,
            baseline_period: new.baseline_period,
            created_at: now,
            updated_at: now,
            version: 1,
        };
        indicator::Entity::insert(indicator::ActiveModel::from(model.clone()))
            .exec_without_returning(&*tx)
            .await
            .context("inserting an indicator")?;
        Ok(model)
    }

    /// Changes an indicator and moves its version on, checking the caller
    /// read the latest (a change of its targets or reporters moves it too).
    pub async fn change_indicator(
        &self,
        id: Uuid,
        expected_version: i32,
        changes: IndicatorChanges,
    ) -> AppResult<indicator::Model> {
        let tx = self.tx()?;
        let mut update = indicator::Entity::update_many()
            .col_expr(indicator::Column::Version, Expr::col(indicator::Column::Version).add(1))
            .col_expr(indicator::Column::UpdatedAt, Expr::value(self.now()));
        if let Some(name) = changes.name {
            update = update.col_expr(indicator::Column::Name, Expr::value(name));
        }
        if let Some(description) = changes.description {
            update = update.col_expr(indicator::Column::Description, Expr::value(description));
        }
        if let Some(unit) = changes.unit {
            update = update.col_expr(indicator::Column::Unit, Expr::value(unit));
        }
        let result = update
            .filter(indicator::Column::TenantId.eq(self.tenant_id()))
            .filter(indicator::Column::Id.eq(id))
            .filter(indicator::Column::Version.eq(expected_version))
            .exec(&*tx)
            .await
            .context("updating an indicator")?;
        if result.rows_affected == 0 {
            return Err(AppError::conflict(
                "the indicator was changed by someone else since you read it; reload and try again",
            ));
        }
        self.indicator(id).await
    }

    /// Replaces an indicator's targets.
    pub async fn replace_targets(&self, indicator_id: Uuid, targets: &[(String, f64)]) -> AppResult<()> {
        let rows = targets.iter().map(|(period, value)| {
            indicator_target::ActiveModel::from(indicator_target::Model {
                id: Uuid::now_v7(),
                tenant_id: self.tenant_id(),
                indicator_id,
                period: period.clone(),
                value: *value,
            })
        });
        let old = indicator_target::Entity::delete_many()
            .filter(indicator_target::Column::TenantId.eq(self.tenant_id()))
            .filter(indicator_target::Column::IndicatorId.eq(indicator_id));
        self.replace_rows(old, rows.collect(), "replacing an indicator's targets").await
    }

    /// Replaces an indicator's reporters.
    pub async fn replace_reporters(&self, indicator_id: Uuid, organisations: &[Uuid]) -> AppResult<()> {
        let rows = organisations.iter().map(|organisation_id| {
            indicator_reporter::ActiveModel::from(indicator_reporter::Model {
                id: Uuid::now_v7(),
                tenant_id: self.tenant_id(),
                indicator_id,
                organisation_id: *organisation_id,
            })
        });
        let old = indicator_reporter::Entity::delete_many()
            .filter(indicator_reporter::Column::TenantId.eq(self.tenant_id()))
            .filter(indicator_reporter::Column::IndicatorId.eq(indicator_id));
        self.replace_rows(old, rows.collect(), "replacing an indicator's reporters").await
    }

    /// Sets a parent's list whole: deletes the rows `old` names, inserts
    /// `rows`.
    async fn replace_rows<A>(
        &self,
        old: sea_orm::DeleteMany<A::Entity>,
        rows: Vec<A>,
        doing: &'static str,
    ) -> AppResult<()>
    where
        A: sea_orm::ActiveModelTrait + Send,
    {
        let tx = self.tx()?;
        old.exec(&*tx).await.context(doing)?;
        if !rows.is_empty() {
            A::Entity::insert_many(rows).exec_without_returning(&*tx).await.context(doing)?;
        }
        Ok(())
    }

    /// The targets of several indicators, by period.
    pub async fn targets_of(&self, indicator_ids: &[Uuid]) -> AppResult<Vec<indicator_target::Model>> {
        let query = self.scoped::<indicator_target::Entity>().order_by_asc(indicator_target::Column::Period);
        self.where_in(query, indicator_target::Column::IndicatorId, indicator_ids, "loading indicators' targets").await
    }

    /// The reporters of several indicators.
    pub async fn reporters_of(&self, indicator_ids: &[Uuid]) -> AppResult<Vec<indicator_reporter::Model>> {
        let query = self.scoped::<indicator_reporter::Entity>().order_by_asc(indicator_reporter::Column::Id);
        self.where_in(query, indicator_reporter::Column::IndicatorId, indicator_ids, "loading indicators' reporters")
            .await
    }

    // ---- measurements ----

    pub async fn insert_measurement(&self, new: NewMeasurement) -> AppResult<measurement::Model> {
        let tx = self.tx()?;
        let model = measurement::Model {
            id: Uuid::now_v7(),
            tenant_id: self.tenant_id(),
            network_id: new.network_id,
            indicator_id: new.indicator_id,
            organisation_id: new.organisation_id,
            period: new.period,
            value: new.value,
            note: new.note,
            corrects_id: new.corrects_id,
            recorded_by: Some(self.actor().person()?),
            recorded_at: self.now(),
        };
        measurement::Entity::insert(measurement::ActiveModel::from(model.clone()))
            .exec_without_returning(&*tx)
            .await
            .context("inserting a measurement")?;
        Ok(model)
    }

    /// The figure a new measurement would correct: the latest recorded for
    /// the same reporter and period.
    pub async fn latest_measurement(
        &self,
        indicator_id: Uuid,
        organisation_id: Uuid,
        period: &str,
    ) -> AppResult<Option<measurement::Model>> {
        let tx = self.tx()?;
        self.visible::<measurement::Entity>()
            .filter(measurement::Column::IndicatorId.eq(indicator_id))
            .filter(measurement::Column::OrganisationId.eq(organisation_id))
            .filter(measurement::Column::Period.eq(period))
            .order_by_desc(measurement::Column::RecordedAt)
            .order_by_desc(measurement::Column::Id)
            .one(&*tx)
            .await
            .context("loading the latest measurement")
    }

    /// Every measurement of several indicators, corrections included: a
    /// network's figures are a few per reporter and period, and "the figure
    /// as of" needs the history (`indicators::current`).
    pub async fn measurements_of(&self, indicator_ids: &[Uuid]) -> AppResult<Vec<measurement::Model>> {
        let query = self.visible::<measurement::Entity>().order_by_asc(measurement::Column::Id);
        self.where_in(query, measurement::Column::IndicatorId, indicator_ids, "loading measurements").await
    }

    /// Every measurement of a network's indicators (health, the cycle report).
    pub async fn measurements_of_network(&self, network_id: Uuid) -> AppResult<Vec<measurement::Model>> {
        let tx = self.tx()?;
        self.visible::<measurement::Entity>()
            .filter(measurement::Column::NetworkId.eq(network_id))
            .order_by_asc(measurement::Column::Id)
            .all(&*tx)
            .await
            .context("loading a network's measurements")
    }

    /// Every (indicator, organisation) reporter pair of a network's indicators.
    pub async fn reporters_of_network(&self, network_id: Uuid) -> AppResult<Vec<(Uuid, Uuid)>> {
        let tx = self.tx()?;
        self.scoped::<indicator_reporter::Entity>()
            .select_only()
            .column(indicator_reporter::Column::IndicatorId)
            .column(indicator_reporter::Column::OrganisationId)
            .filter(indicator_reporter::Column::IndicatorId.in_subquery(self.indicator_ids_of(network_id)))
            .into_tuple()
            .all(&*tx)
            .await
            .context("loading a network's reporters")
    }

    /// `SELECT id FROM indicators WHERE <tenant> AND network_id = …`.
    fn indicator_ids_of(&self, network_id: Uuid) -> sea_orm::sea_query::SelectStatement {
        sea_orm::sea_query::Query::select()
            .column(indicator::Column::Id)
            .from(indicator::Entity)
            .and_where(indicator::Column::TenantId.eq(self.tenant_id()))
            .and_where(indicator::Column::NetworkId.eq(network_id))
            .to_owned()
    }

    // ---- contributions ----

    /// Replaces the indicators a commitment contributes to.
    pub async fn replace_contributions(&self, commitment_id: Uuid, indicator_ids: &[Uuid]) -> AppResult<()> {
        let rows = indicator_ids.iter().map(|indicator_id| {
            commitment_indicator::ActiveModel::from(commitment_indicator::Model {
                id: Uuid::now_v7(),
                tenant_id: self.tenant_id(),
                commitment_id,
                indicator_id: *indicator_id,
            })
        });
        let old = commitment_indicator::Entity::delete_many()
            .filter(commitment_indicator::Column::TenantId.eq(self.tenant_id()))
            .filter(commitment_indicator::Column::CommitmentId.eq(commitment_id));
        self.replace_rows(old, rows.collect(), "linking a commitment to indicators").await?;
        self.touch(commitment_id);
        Ok(())
    }

    /// (commitment, indicator) pairs of several commitments, the indicators
    /// visible.
    pub async fn contributions_of(&self, commitment_ids: &[Uuid]) -> AppResult<Vec<(Uuid, indicator::Model)>> {
        let tx = self.tx()?;
        let mut pairs: Vec<(Uuid, Uuid)> = Vec::new();
        for ids in commitment_ids.chunks(IDS_PER_STATEMENT) {
            pairs.extend(
                self.scoped::<commitment_indicator::Entity>()
                    .select_only()
                    .column(commitment_indicator::Column::CommitmentId)
                    .column(commitment_indicator::Column::IndicatorId)
                    .filter(commitment_indicator::Column::CommitmentId.is_in(ids.iter().copied()))
                    .into_tuple::<(Uuid, Uuid)>()
                    .all(&*tx)
                    .await
                    .context("loading commitments' indicators")?,
            );
        }
        let mut indicator_ids: Vec<Uuid> = pairs.iter().map(|(_, i)| *i).collect();
        indicator_ids.sort_unstable();
        indicator_ids.dedup();
        let indicators = self.indicators_by_ids(&indicator_ids).await?;
        let mut out: Vec<(Uuid, indicator::Model)> = pairs
            .into_iter()
            .filter_map(|(c, i)| indicators.iter().find(|m| m.id == i).map(|m| (c, m.clone())))
            .collect();
        out.sort_by(|a, b| (a.0, &a.1.name).cmp(&(b.0, &b.1.name)));
        Ok(out)
    }

    /// (commitment, indicator) pairs of a network's commitments.
    pub async fn contributions_of_network(&self, network_id: Uuid) -> AppResult<Vec<(Uuid, Uuid)>> {
        let tx = self.tx()?;
        self.scoped::<commitment_indicator::Entity>()
            .select_only()
            .column(commitment_indicator::Column::CommitmentId)
            .column(commitment_indicator::Column::IndicatorId)
            .filter(commitment_indicator::Column::IndicatorId.in_subquery(self.indicator_ids_of(network_id)))
            .into_tuple()
            .all(&*tx)
            .await
            .context("loading a network's contributions")
    }

    // ---- cycles ----

    pub async fn cycle(&self, id: Uuid) -> AppResult<cycle::Model> {
        self.fetch_one::<cycle::Entity>(id).await
    }

    /// The cycles of several networks, newest year first.
    pub async fn cycles_of_networks(&self, network_ids: &[Uuid]) -> AppResult<Vec<cycle::Model>> {
        let query = self.visible::<cycle::Entity>().order_by_desc(cycle::Column::Year);
        self.where_in(query, cycle::Column::NetworkId, network_ids, "loading networks' cycles").await
    }

    pub async fn cycle_of_year(&self, network_id: Uuid, year: i32) -> AppResult<Option<cycle::Model>> {
        let tx = self.tx()?;
        self.visible::<cycle::Entity>()
            .filter(cycle::Column::NetworkId.eq(network_id))
            .filter(cycle::Column::Year.eq(year))
            .one(&*tx)
            .await
            .context("loading a cycle")
    }

    pub async fn insert_cycle(&self, network_id: Uuid, year: i32, title: String) -> AppResult<cycle::Model> {
        let tx = self.tx()?;
        let model = cycle::Model {
            id: Uuid::now_v7(),
            tenant_id: self.tenant_id(),
            network_id,
            year,
            title,
            status: CycleStatus::Open,
            created_at: self.now(),
            closed_at: None,
            closed_by: None,
            closing_note: None,
            report: None,
            version: 1,
        };
        cycle::Entity::insert(cycle::ActiveModel::from(model.clone()))
            .exec_without_returning(&*tx)
            .await
            .context("inserting a cycle")?;
        Ok(model)
    }

    /// Adds and removes a cycle's commitments, moving its version on.
    pub async fn change_cycle_commitments(
        &self,
        cycle: &cycle::Model,
        expected_version: i32,
        add: &[Uuid],
        remove: &[Uuid],
    ) -> AppResult<cycle::Model> {
        let tx = self.tx()?;
        self.bump_cycle(cycle.id, expected_version, None).await?;
        if !remove.is_empty() {
            cycle_commitment::Entity::delete_many()
                .filter(cycle_commitment::Column::TenantId.eq(self.tenant_id()))
                .filter(cycle_commitment::Column::CycleId.eq(cycle.id))
                .filter(cycle_commitment::Column::CommitmentId.is_in(remove.iter().copied()))
                .exec(&*tx)
                .await
                .context("removing commitments from a cycle")?;
        }
        let present: Vec<Uuid> = self.cycle_commitment_ids(&[cycle.id]).await?.into_iter().map(|(_, c)| c).collect();
        let rows: Vec<cycle_commitment::ActiveModel> = add
            .iter()
            .filter(|id| !present.contains(id))
            .map(|commitment_id| {
                cycle_commitment::ActiveModel::from(cycle_commitment::Model {
                    id: Uuid::now_v7(),
                    tenant_id: self.tenant_id(),
                    cycle_id: cycle.id,
                    commitment_id: *commitment_id,
                    added_at: self.now(),
                })
            })
            .collect();
        if !rows.is_empty() {
            cycle_commitment::Entity::insert_many(rows)
                .exec_without_returning(&*tx)
                .await
                .context("adding commitments to a cycle")?;
        }
        self.cycle(cycle.id).await
    }

    /// Moves a cycle's version on; with a report, closes it.
    async fn bump_cycle(
        &self,
        id: Uuid,
        expected_version: i32,
        close: Option<(serde_json::Value, Option<String>)>,
    ) -> AppResult<()> {
        let tx = self.tx()?;
        let mut update = cycle::Entity::update_many()
            .col_expr(cycle::Column::Version, Expr::col(cycle::Column::Version).add(1))
            .filter(cycle::Column::TenantId.eq(self.tenant_id()))
            .filter(cycle::Column::Id.eq(id))
            .filter(cycle::Column::Version.eq(expected_version))
            .filter(cycle::Column::Status.eq(CycleStatus::Open));
        if let Some((report, note)) = close {
            update = update
                .col_expr(cycle::Column::Status, Expr::value(CycleStatus::Closed))
                .col_expr(cycle::Column::ClosedAt, Expr::value(self.now()))
                .col_expr(cycle::Column::ClosedBy, Expr::value(self.actor().person()?))
                .col_expr(cycle::Column::ClosingNote, Expr::value(note))
                .col_expr(cycle::Column::Report, Expr::value(report));
        }
        let result = update.exec(&*tx).await.context("updating a cycle")?;
        if result.rows_affected == 0 {
            return Err(AppError::conflict(
                "the cycle was changed or closed by someone else since you read it; reload and try again",
            ));
        }
        Ok(())
    }

    /// Closes a cycle with its frozen report.
    pub async fn close_cycle(
        &self,
        id: Uuid,
        expected_version: i32,
        report: serde_json::Value,
        note: Option<String>,
    ) -> AppResult<cycle::Model> {
        self.bump_cycle(id, expected_version, Some((report, note))).await?;
        self.cycle(id).await
    }

    /// (cycle, commitment) pairs of several cycles.
    pub async fn cycle_commitment_ids(&self, cycle_ids: &[Uuid]) -> AppResult<Vec<(Uuid, Uuid)>> {
        let tx = self.tx()?;
        let mut pairs = Vec::new();
        for ids in cycle_ids.chunks(IDS_PER_STATEMENT) {
            pairs.extend(
                self.scoped::<cycle_commitment::Entity>()
                    .select_only()
                    .column(cycle_commitment::Column::CycleId)
                    .column(cycle_commitment::Column::CommitmentId)
                    .filter(cycle_commitment::Column::CycleId.is_in(ids.iter().copied()))
                    .order_by_asc(cycle_commitment::Column::Id)
                    .into_tuple::<(Uuid, Uuid)>()
                    .all(&*tx)
                    .await
                    .context("loading cycles' commitments")?,
            );
        }
        Ok(pairs)
    }

    /// The commitments of several cycles, visible ones, by cycle.
    pub async fn commitments_of_cycles(&self, cycle_ids: &[Uuid]) -> AppResult<Vec<(Uuid, commitment::Model)>> {
        let pairs = self.cycle_commitment_ids(cycle_ids).await?;
        let ids: Vec<Uuid> = pairs.iter().map(|(_, c)| *c).collect();
        let commitments = self.commitments_by_ids(&ids).await?;
        Ok(pairs
            .into_iter()
            .filter_map(|(cycle, c)| commitments.iter().find(|m| m.id == c).map(|m| (cycle, m.clone())))
            .collect())
    }
}
