//! Shared indicators (docs/indicators.md): `Goal.indicators`,
//! `Network.indicators`, `Commitment.indicators`, each indicator's figures
//! as the viewer may see them, and the mutations that define indicators and
//! record their figures.

use async_graphql::{Context, Enum, ID, InputObject, MaybeUndefined, Object, Result, SimpleObject};
use entity::{indicator, indicator_target, measurement};
use uuid::Uuid;

use super::ids::{self, NodeType};
use super::loaders::{self, GoalId, MeasurementsOf, NetworkId, OrganisationId, PersonId, ReportersOf, TargetsOf};
use super::organisations::Organisation;
use super::people::Person;
use super::scalars::DateTime;
use super::store;
use super::work::{Commitment, Goal};
use crate::domain::indicators::Trend;
use crate::domain::settings::NetworkSettings;
use crate::service::indicators as service;

/// Which way an indicator should move.
#[derive(Enum, Clone, Copy, PartialEq, Eq)]
#[graphql(remote = "entity::IndicatorDirection")]
pub enum IndicatorDirection {
    /// More is better: dwellings made available, people housed with care.
    Higher,
    /// Less is better: waiting times.
    Lower,
}

/// How the reporters' figures make the network's figure.
#[derive(Enum, Clone, Copy, PartialEq, Eq)]
#[graphql(remote = "entity::IndicatorAggregation")]
pub enum IndicatorAggregation {
    /// Their sum: counts that add up.
    Sum,
    /// Their mean: figures that do not add up, such as waiting times.
    Mean,
}

/// How often an indicator is measured, and so how its periods are written.
#[derive(Enum, Clone, Copy, PartialEq, Eq)]
#[graphql(remote = "entity::IndicatorCadence")]
pub enum IndicatorCadence {
    /// Periods are years: `2026`.
    Yearly,
    /// Periods are quarters: `2026-Q1`.
    Quarterly,
}

/// Which way the network's figure went between its last two complete periods.
#[derive(Enum, Clone, Copy, PartialEq, Eq)]
#[graphql(remote = "Trend")]
pub enum IndicatorTrend {
    /// In the indicator's direction.
    Improving,
    /// By less than the network's `indicatorStallShare`.
    Stalled,
    /// Against the indicator's direction.
    Worsening,
    /// Fewer than two complete periods, or a total withheld from you.
    Unknown,
}

pub struct Indicator(pub indicator::Model);

/// What a network measures to judge progress on a goal: a unit, a direction,
/// a baseline, targets per period and the organisations that report.
#[Object]
impl Indicator {
    /// Opaque global id.
    pub async fn id(&self) -> ID {
        ids::global_id(NodeType::Indicator, self.0.id)
    }

    /// The goal it measures progress on.
    async fn goal(&self, ctx: &Context<'_>) -> Result<Option<Goal>> {
        Ok(loaders::from_context(ctx).load_one(GoalId(self.0.goal_id)).await?.map(Goal))
    }

    /// Changes with every change to its reporters or targets; give it back to
    /// change them.
    async fn version(&self) -> i32 {
        self.0.version
    }

    /// Its name: "Dwellings made available to people with care needs".
    async fn name(&self) -> &str {
        &self.0.name
    }

    /// What it measures and how, in the network's words.
    async fn description(&self) -> Option<&str> {
        self.0.description.as_deref()
    }

    /// What a figure counts: `dwellings`, `days`, `%`.
    async fn unit(&self) -> &str {
        &self.0.unit
    }

    /// Which way it should move.
    async fn direction(&self) -> IndicatorDirection {
        self.0.direction.into()
    }

    /// How the reporters' figures make the network's.
    async fn aggregation(&self) -> IndicatorAggregation {
        self.0.aggregation.into()
    }

    /// How often it is measured.
    async fn cadence(&self) -> IndicatorCadence {
        self.0.cadence.into()
    }

    /// The network's figure before the work began.
    async fn baseline(&self) -> f64 {
        self.0.baseline
    }

    /// The period the baseline was measured in.
    async fn baseline_period(&self) -> &str {
        &self.0.baseline_period
    }

    /// The targets, by period.
    async fn targets(&self, ctx: &Context<'_>) -> Result<Vec<IndicatorTarget>> {
        let targets = loaders::from_context(ctx).load_one(TargetsOf(self.0.id)).await?.unwrap_or_default();
        Ok(targets.into_iter().map(IndicatorTarget).collect())
    }

    /// The organisations that report on it.
    async fn reporters(&self, ctx: &Context<'_>) -> Result<Vec<Organisation>> {
        let reporters = loaders::from_context(ctx).load_one(ReportersOf(self.0.id)).await?.unwrap_or_default();
        let found =
            loaders::from_context(ctx).load_many(reporters.iter().map(|r| OrganisationId(r.organisation_id))).await?;
        Ok(reporters
            .iter()
            .filter_map(|r| found.get(&OrganisationId(r.organisation_id)).cloned().map(Organisation))
            .collect())
    }

    /// The figures as you may see them, as of a moment: the network's total
    /// and trend per period, your own organisation's figures, and every
    /// partner's when you facilitate or the network shares them.
    async fn figures(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The moment to show (default now).")] as_of: Option<DateTime>,
    ) -> Result<IndicatorFigures> {
        let store = store(ctx);
        let as_of = service::moment(store, as_of.map(|at| at.0))?;
        let loaders = loaders::from_context(ctx);
        let network = loaders.load_one(NetworkId(self.0.network_id)).await?;
        let settings = network.map(|n| NetworkSettings::from_json(&n.settings)).unwrap_or_default();
        let reporters = loaders.load_one(ReportersOf(self.0.id)).await?.unwrap_or_default();
        let targets = loaders.load_one(TargetsOf(self.0.id)).await?.unwrap_or_default();
        let measurements = loaders.load_one(MeasurementsOf(self.0.id)).await?.unwrap_or_default();
        let figures = service::figures(&store.actor(), &settings, &self.0, &reporters, &targets, &measurements, as_of);
        let shown: Vec<Uuid> = figures.visible.iter().map(|m| m.organisation_id).collect();
        let history = measurements
            .into_iter()
            .filter(|m| m.recorded_at <= as_of && shown.contains(&m.organisation_id))
            .map(Measurement)
            .collect();
        Ok(IndicatorFigures { figures, unit: self.0.unit.clone(), history })
    }
}

pub struct IndicatorTarget(indicator_target::Model);

/// A target for one period.
#[Object]
impl IndicatorTarget {
    /// `2027` or `2027-Q2`.
    async fn period(&self) -> &str {
        &self.0.period
    }

    /// The network's figure aimed at.
    async fn value(&self) -> f64 {
        self.0.value
    }
}

pub struct IndicatorFigures {
    figures: service::Figures,
    unit: String,
    history: Vec<Measurement>,
}

/// An indicator's figures as you may see them.
#[Object]
impl IndicatorFigures {
    /// The moment shown.
    async fn as_of(&self) -> DateTime {
        DateTime(self.figures.as_of)
    }

    /// The unit of every figure.
    async fn unit(&self) -> &str {
        &self.unit
    }

    /// Which way the network's figure went between its last two complete periods.
    async fn trend(&self) -> IndicatorTrend {
        self.figures.trend.into()
    }

    /// The network's figure per period, oldest first, with the target; the
    /// periods with a target and no figure yet too.
    async fn periods(&self) -> Vec<IndicatorPeriod> {
        self.figures.periods.iter().cloned().map(IndicatorPeriod).collect()
    }

    /// The reporters' figures that count, those you may see: per reporter
    /// and period, the latest recorded by the moment shown.
    async fn current(&self) -> Vec<Measurement> {
        self.figures.visible.iter().cloned().map(Measurement).collect()
    }

    /// Every figure recorded by the moment shown, corrections and what they
    /// corrected, of the reporters whose figures you may see; oldest first.
    async fn history(&self) -> &[Measurement] {
        &self.history
    }
}

pub struct IndicatorPeriod(service::PeriodView);

/// The network's figure for one period.
#[Object]
impl IndicatorPeriod {
    /// `2026` or `2026-Q1`.
    async fn period(&self) -> String {
        self.0.total.period.to_string()
    }

    /// The reporters' figures summed or averaged; null when none reported,
    /// or when it is withheld from you.
    async fn total(&self) -> Option<f64> {
        self.0.total.value.filter(|_| !self.0.withheld)
    }

    /// The total is withheld: fewer than three partners reported, so it
    /// would give a partner's figure away, and the network does not share
    /// partners' figures.
    async fn withheld(&self) -> bool {
        self.0.withheld
    }

    /// How many reporters reported for the period.
    async fn reported(&self) -> i32 {
        i32::try_from(self.0.total.reported).unwrap_or(i32::MAX)
    }

    /// How many organisations report on the indicator.
    async fn expected(&self) -> i32 {
        i32::try_from(self.0.total.expected).unwrap_or(i32::MAX)
    }

    /// Every reporter reported: the total compares with other periods.
    async fn complete(&self) -> bool {
        self.0.total.complete()
    }

    /// The target for the period, if one is set.
    async fn target(&self) -> Option<f64> {
        self.0.target
    }
}

pub struct Measurement(pub measurement::Model);

/// One reporter's figure for one period. Never changed: a correction is a
/// new measurement that names the one it corrects.
#[Object]
impl Measurement {
    /// Opaque global id.
    async fn id(&self) -> ID {
        ids::global_id(NodeType::Measurement, self.0.id)
    }

    /// The organisation it is the figure of.
    async fn organisation(&self, ctx: &Context<'_>) -> Result<Option<Organisation>> {
        Ok(loaders::from_context(ctx).load_one(OrganisationId(self.0.organisation_id)).await?.map(Organisation))
    }

    /// `2026` or `2026-Q1`.
    async fn period(&self) -> &str {
        &self.0.period
    }

    /// The figure.
    async fn value(&self) -> f64 {
        self.0.value
    }

    /// What the reporter said with it; a correction says why.
    async fn note(&self) -> Option<&str> {
        self.0.note.as_deref()
    }

    /// The measurement this one corrects.
    async fn corrects_id(&self) -> Option<ID> {
        self.0.corrects_id.map(|id| ids::global_id(NodeType::Measurement, id))
    }

    /// Who recorded it.
    async fn recorded_by(&self, ctx: &Context<'_>) -> Result<Option<Person>> {
        let Some(id) = self.0.recorded_by else { return Ok(None) };
        Ok(loaders::from_context(ctx).load_one(PersonId(id)).await?.map(Person))
    }

    /// When.
    async fn recorded_at(&self) -> DateTime {
        DateTime(self.0.recorded_at)
    }
}

/// A target: a period and the network's figure aimed at.
#[derive(InputObject)]
pub struct IndicatorTargetInput {
    /// `2027` for a YEARLY indicator, `2027-Q2` for a QUARTERLY one.
    pub period: String,
    /// The network's figure aimed at.
    pub value: f64,
}

/// Defines an indicator on a goal.
#[derive(InputObject)]
pub struct CreateIndicatorInput {
    /// A goal of the network.
    pub goal_id: ID,
    /// 1 to 200 characters.
    pub name: String,
    /// What it measures and how.
    pub description: Option<String>,
    /// What a figure counts, 1 to 40 characters: `dwellings`, `days`, `%`.
    pub unit: String,
    /// Which way it should move.
    pub direction: IndicatorDirection,
    /// Default SUM.
    pub aggregation: Option<IndicatorAggregation>,
    /// Default YEARLY.
    pub cadence: Option<IndicatorCadence>,
    /// The network's figure before the work began.
    pub baseline: f64,
    /// The period the baseline was measured in.
    pub baseline_period: String,
    /// ACTIVE partners that report on it; at least one.
    pub reporter_ids: Vec<ID>,
    /// Targets per period (default none).
    pub targets: Option<Vec<IndicatorTargetInput>>,
}

/// The result of `createIndicator`.
#[derive(SimpleObject)]
pub struct CreateIndicatorPayload {
    /// The new indicator.
    pub indicator: Indicator,
}

/// Renames an indicator, or replaces its reporters or its targets.
#[derive(InputObject)]
pub struct ChangeIndicatorInput {
    /// The indicator to change.
    pub indicator_id: ID,
    /// The version you read; a stale one is a CONFLICT.
    pub expected_version: i32,
    /// A new name (absent: unchanged).
    pub name: Option<String>,
    /// A new description; null clears it (absent: unchanged).
    pub description: MaybeUndefined<String>,
    /// A new unit (absent: unchanged).
    pub unit: Option<String>,
    /// The new reporters (absent: unchanged).
    pub reporter_ids: Option<Vec<ID>>,
    /// The new targets, all of them (absent: unchanged).
    pub targets: Option<Vec<IndicatorTargetInput>>,
}

/// The result of `changeIndicator`.
#[derive(SimpleObject)]
pub struct ChangeIndicatorPayload {
    /// The indicator as it now stands.
    pub indicator: Indicator,
}

/// A reporter's figure for one period.
#[derive(InputObject)]
pub struct RecordMeasurementInput {
    /// The indicator measured.
    pub indicator_id: ID,
    /// The reporting organisation: one you act in.
    pub organisation_id: ID,
    /// A period that has begun, in the indicator's cadence.
    pub period: String,
    /// The figure, in the indicator's unit.
    pub value: f64,
    /// Required when it corrects a figure on record: why.
    pub note: Option<String>,
}

/// The result of `recordMeasurement`.
#[derive(SimpleObject)]
pub struct RecordMeasurementPayload {
    /// The figure recorded.
    pub measurement: Measurement,
}

/// Many figures, recorded all or nothing.
#[derive(InputObject)]
pub struct RecordMeasurementsInput {
    /// In order; 1 to 100.
    #[graphql(validator(min_items = 1, max_items = 100))]
    pub measurements: Vec<RecordMeasurementInput>,
}

/// The result of `recordMeasurements`.
#[derive(SimpleObject)]
pub struct RecordMeasurementsPayload {
    /// The figures recorded, in the order given.
    pub measurements: Vec<Measurement>,
}

/// Says which indicators a commitment contributes to.
#[derive(InputObject)]
pub struct SetCommitmentIndicatorsInput {
    /// The commitment.
    pub commitment_id: ID,
    /// Indicators of the commitment's network; all of them (empty: none).
    #[graphql(validator(max_items = 50))]
    pub indicator_ids: Vec<ID>,
}

/// The result of `setCommitmentIndicators`.
#[derive(SimpleObject)]
pub struct SetCommitmentIndicatorsPayload {
    /// The commitment with its indicators.
    pub commitment: Commitment,
}

fn targets(targets: Option<Vec<IndicatorTargetInput>>) -> Option<Vec<(String, f64)>> {
    targets.map(|t| t.into_iter().map(|t| (t.period, t.value)).collect())
}

fn measurement(input: RecordMeasurementInput) -> crate::domain::AppResult<service::RecordMeasurement> {
    Ok(service::RecordMeasurement {
        indicator_id: ids::decode_id("indicatorId", &input.indicator_id, NodeType::Indicator)?,
        organisation_id: ids::decode_id("organisationId", &input.organisation_id, NodeType::Organisation)?,
        period: input.period,
        value: input.value,
        note: input.note,
    })
}

#[derive(Default)]
pub struct IndicatorMutation;

#[Object]
impl IndicatorMutation {
    /// Defines an indicator on one of the network's goals, with its
    /// baseline, reporters and targets. Facilitators of the network.
    async fn create_indicator(&self, ctx: &Context<'_>, input: CreateIndicatorInput) -> Result<CreateIndicatorPayload> {
        let indicator = service::create_indicator(
            store(ctx),
            service::CreateIndicator {
                goal_id: ids::decode_id("goalId", &input.goal_id, NodeType::Goal)?,
                name: input.name,
                description: input.description,
                unit: input.unit,
                direction: input.direction.into(),
                aggregation: input.aggregation.map_or(entity::IndicatorAggregation::Sum, Into::into),
                cadence: input.cadence.map_or(entity::IndicatorCadence::Yearly, Into::into),
                baseline: input.baseline,
                baseline_period: input.baseline_period,
                reporter_ids: ids::decode_ids("reporterIds", &input.reporter_ids, NodeType::Organisation)?,
                targets: targets(input.targets).unwrap_or_default(),
            },
        )
        .await?;
        Ok(CreateIndicatorPayload { indicator: Indicator(indicator) })
    }

    /// Renames an indicator (name, description, unit), or replaces its
    /// reporters or its targets; figures on record stay, and so do its
    /// direction, aggregation, cadence and baseline, which they were measured
    /// against. Facilitators of the network.
    async fn change_indicator(&self, ctx: &Context<'_>, input: ChangeIndicatorInput) -> Result<ChangeIndicatorPayload> {
        let reporters =
            input.reporter_ids.map(|ids| ids::decode_ids("reporterIds", &ids, NodeType::Organisation)).transpose()?;
        let description = match input.description {
            MaybeUndefined::Undefined => None,
            MaybeUndefined::Null => Some(None),
            MaybeUndefined::Value(text) => Some(Some(text)),
        };
        let indicator = service::change_indicator(
            store(ctx),
            service::ChangeIndicator {
                indicator_id: ids::decode_id("indicatorId", &input.indicator_id, NodeType::Indicator)?,
                expected_version: input.expected_version,
                name: input.name,
                description,
                unit: input.unit,
                reporter_ids: reporters,
                targets: targets(input.targets),
            },
        )
        .await?;
        Ok(ChangeIndicatorPayload { indicator: Indicator(indicator) })
    }

    /// Records a reporter's figure for a period. People of the reporting
    /// organisation. A second figure for the same period corrects the first,
    /// which stays on record, and must say why in its note.
    async fn record_measurement(
        &self,
        ctx: &Context<'_>,
        input: RecordMeasurementInput,
    ) -> Result<RecordMeasurementPayload> {
        let recorded = service::record_measurement(store(ctx), measurement(input)?).await?;
        Ok(RecordMeasurementPayload { measurement: Measurement(recorded) })
    }

    /// Records many figures at once (a partner's quarterly report), in
    /// order, all or nothing: if any is refused, none is recorded, and the
    /// error's `extensions.items` names each refused one by its `index` in
    /// `measurements`, with its `code`, `message` and `field`. Each follows
    /// `recordMeasurement`'s rules.
    async fn record_measurements(
        &self,
        ctx: &Context<'_>,
        input: RecordMeasurementsInput,
    ) -> Result<RecordMeasurementsPayload> {
        let inputs = input.measurements.into_iter().map(measurement).collect();
        let recorded = service::record_measurements(store(ctx), inputs).await?;
        Ok(RecordMeasurementsPayload { measurements: recorded.into_iter().map(Measurement).collect() })
    }

    /// Says which of the network's indicators a commitment contributes to,
    /// replacing what was said. Facilitators, or people of a party.
    async fn set_commitment_indicators(
        &self,
        ctx: &Context<'_>,
        input: SetCommitmentIndicatorsInput,
    ) -> Result<SetCommitmentIndicatorsPayload> {
        let commitment = service::set_contributions(
            store(ctx),
            ids::decode_id("commitmentId", &input.commitment_id, NodeType::Commitment)?,
            ids::decode_ids("indicatorIds", &input.indicator_ids, NodeType::Indicator)?,
        )
        .await?;
        Ok(SetCommitmentIndicatorsPayload { commitment: Commitment(commitment) })
    }
}
