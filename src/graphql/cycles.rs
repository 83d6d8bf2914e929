//! Yearly cycles (docs/cycles.md): `Network.cycles`, `Network.cycleReport`
//! and the mutations that run a cycle.

use async_graphql::{Context, Enum, ID, InputObject, Object, Result, SimpleObject};
use entity::{cycle, network};

use super::health::Locale;
use super::ids::{self, NodeType};
use super::loaders::{self, CommitmentsOfCycle, PersonId};
use super::people::Person;
use super::scalars::{DateTime, Json};
use super::store;
use super::work::Commitment;
use crate::domain::cycles::CycleReport as Report;
use crate::service::cycles as service;

/// Whether a cycle is still running.
#[derive(Enum, Clone, Copy, PartialEq, Eq)]
#[graphql(remote = "entity::CycleStatus")]
pub enum CycleStatus {
    /// Running: commitments may be added, the report is a draft.
    Open,
    /// Closed: the report is frozen as it stood.
    Closed,
}

pub struct Cycle(pub cycle::Model);

/// A network's year of agreements (in housing, the yearly
/// *prestatieafspraken*): the commitments agreed for it and, once closed,
/// its frozen accountability report.
#[Object]
impl Cycle {
    /// Opaque global id.
    pub async fn id(&self) -> ID {
        ids::global_id(NodeType::Cycle, self.0.id)
    }

    /// The year.
    async fn year(&self) -> i32 {
        self.0.year
    }

    /// Its title: "Prestatieafspraken 2026".
    async fn title(&self) -> &str {
        &self.0.title
    }

    /// Running or closed.
    async fn status(&self) -> CycleStatus {
        self.0.status.into()
    }

    /// Changes with every change; give it back to change or close the cycle.
    async fn version(&self) -> i32 {
        self.0.version
    }

    /// The commitments agreed for the year, oldest first.
    async fn commitments(&self, ctx: &Context<'_>) -> Result<Vec<Commitment>> {
        let found = loaders::from_context(ctx).load_one(CommitmentsOfCycle(self.0.id)).await?.unwrap_or_default();
        Ok(found.into_iter().map(|(_, c)| Commitment(c)).collect())
    }

    /// When it closed.
    async fn closed_at(&self) -> Option<DateTime> {
        self.0.closed_at.map(DateTime)
    }

    /// Who closed it.
    async fn closed_by(&self, ctx: &Context<'_>) -> Result<Option<Person>> {
        let Some(id) = self.0.closed_by else { return Ok(None) };
        Ok(loaders::from_context(ctx).load_one(PersonId(id)).await?.map(Person))
    }

    /// What the facilitator said in closing it.
    async fn closing_note(&self) -> Option<&str> {
        self.0.closing_note.as_deref()
    }
}

pub struct CycleReport {
    pub cycle: Cycle,
    pub report: Report,
    pub locale: crate::i18n::Locale,
}

/// A cycle's accountability report: what was agreed, ratified (by which
/// bodies, with which conditions), delivered, the indicators against their
/// targets, the quick wins, and what was re-planned or dropped and why.
/// Frozen when the cycle closed; a draft as of now while it runs.
#[Object]
impl CycleReport {
    /// The cycle reported on.
    async fn cycle(&self) -> &Cycle {
        &self.cycle
    }

    /// True while the cycle runs: the figures may still change.
    async fn draft(&self) -> bool {
        self.report.status == entity::CycleStatus::Open
    }

    /// The moment the report describes.
    async fn as_of(&self) -> DateTime {
        DateTime(self.report.as_of)
    }

    /// The language of `markdown`.
    async fn locale(&self) -> Locale {
        self.locale.into()
    }

    /// The report as structured JSON, the same in every language:
    /// `network`, `year`, `title`, `status`, `asOf`, `closingNote`,
    /// `summary` (counts), `commitments` (each with `parties`,
    /// `ratifications` and their `conditions`, `replanned` and
    /// `replanningReason`, `droppedReason`, `indicators`) and `indicators`
    /// (each with `periods`: `target`, `actual`, `reported`, `expected`,
    /// `met`, `withheld`; and `partners` when the network shares figures).
    /// Enum values are spelled as in this schema; dates are ISO 8601.
    async fn json(&self) -> Result<Json> {
        Ok(Json(serde_json::to_value(&self.report)?))
    }

    /// The report as one Markdown document a council or supervisory board
    /// reads, in `locale`.
    async fn markdown(&self) -> String {
        self.report.markdown(self.locale)
    }
}

/// `Network.cycleReport`: the report of the network's cycle for a year, or
/// null when it has none (or you may not see the network).
pub(crate) async fn report(
    ctx: &Context<'_>,
    network: &network::Model,
    year: i32,
    locale: Option<Locale>,
) -> Result<Option<CycleReport>> {
    let store = store(ctx);
    let Some(cycle) = store.cycle_of_year(network.id, year).await? else { return Ok(None) };
    let locale = super::language(ctx, locale).await?;
    let report = service::report(store, network, &cycle).await?;
    Ok(Some(CycleReport { cycle: Cycle(cycle), report, locale }))
}

/// Opens a network's cycle for a year.
#[derive(InputObject)]
pub struct CreateCycleInput {
    /// The network.
    pub network_id: ID,
    /// 2000 to 2100; one cycle per year.
    pub year: i32,
    /// Default: the year.
    pub title: Option<String>,
}

/// The result of `createCycle`.
#[derive(SimpleObject)]
pub struct CreateCyclePayload {
    /// The new cycle.
    pub cycle: Cycle,
}

/// Adds commitments to an open cycle, or takes them out.
#[derive(InputObject)]
pub struct ChangeCycleCommitmentsInput {
    /// An open cycle.
    pub cycle_id: ID,
    /// The version you read; a stale one is a CONFLICT.
    pub expected_version: i32,
    /// Commitments of the network to add (default none; at most 100 at a time).
    #[graphql(validator(max_items = 100))]
    pub add: Option<Vec<ID>>,
    /// Commitments to take out (default none; at most 100 at a time).
    #[graphql(validator(max_items = 100))]
    pub remove: Option<Vec<ID>>,
}

/// The result of `changeCycleCommitments`.
#[derive(SimpleObject)]
pub struct ChangeCycleCommitmentsPayload {
    /// The cycle as it now stands.
    pub cycle: Cycle,
}

/// Closes a cycle, freezing its report.
#[derive(InputObject)]
pub struct CloseCycleInput {
    /// An open cycle whose year has begun.
    pub cycle_id: ID,
    /// The version you read; a stale one is a CONFLICT.
    pub expected_version: i32,
    /// A word for the council, printed at the head of the report.
    pub note: Option<String>,
}

/// The result of `closeCycle`.
#[derive(SimpleObject)]
pub struct CloseCyclePayload {
    /// The closed cycle.
    pub cycle: Cycle,
}

#[derive(Default)]
pub struct CycleMutation;

#[Object]
impl CycleMutation {
    /// Opens the network's cycle for a year. Facilitators of the network.
    async fn create_cycle(&self, ctx: &Context<'_>, input: CreateCycleInput) -> Result<CreateCyclePayload> {
        let cycle = service::create_cycle(
            store(ctx),
            ids::decode_id("networkId", &input.network_id, NodeType::Network)?,
            input.year,
            input.title,
        )
        .await?;
        Ok(CreateCyclePayload { cycle: Cycle(cycle) })
    }

    /// Adds commitments of the network to an open cycle, or takes them out.
    /// Facilitators of the network.
    async fn change_cycle_commitments(
        &self,
        ctx: &Context<'_>,
        input: ChangeCycleCommitmentsInput,
    ) -> Result<ChangeCycleCommitmentsPayload> {
        let cycle = service::change_commitments(
            store(ctx),
            ids::decode_id("cycleId", &input.cycle_id, NodeType::Cycle)?,
            input.expected_version,
            ids::decode_ids("add", &input.add.unwrap_or_default(), NodeType::Commitment)?,
            ids::decode_ids("remove", &input.remove.unwrap_or_default(), NodeType::Commitment)?,
        )
        .await?;
        Ok(ChangeCycleCommitmentsPayload { cycle: Cycle(cycle) })
    }

    /// Closes a cycle once its year has begun, freezing its accountability
    /// report as it stands. Facilitators of the network.
    async fn close_cycle(&self, ctx: &Context<'_>, input: CloseCycleInput) -> Result<CloseCyclePayload> {
        let cycle = service::close_cycle(
            store(ctx),
            ids::decode_id("cycleId", &input.cycle_id, NodeType::Cycle)?,
            input.expected_version,
            input.note,
        )
        .await?;
        Ok(CloseCyclePayload { cycle: Cycle(cycle) })
    }
}
