//! The reads of a network's archive (docs/archive.md): each table the
//! archive holds, the network's rows of it in pages by id, as stored, so an
//! archive of any size is read with flat memory.
//!
//! These read by tenant and network alone (`tenant_only`): the archive is
//! the whole network, and only those who see all of it (its facilitators,
//! the admins) may take it, which `service::archive` checks first. People
//! are the exception: only those the network names to its partners.

use entity::{
    charter_version, commitment, commitment_indicator, commitment_party, cycle, cycle_commitment, event, goal,
    indicator, indicator_reporter, indicator_target, measurement, meeting, network, network_facilitator, partnership,
    person, progress_update, ratification, ratification_condition, ratification_record, representation,
};
use sea_orm::sea_query::{Query, SelectStatement};
use sea_orm::{ColumnTrait, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect, Select};
use serde_json::Value;
use uuid::Uuid;

use super::Store;
use super::scope::TenantScoped;
use crate::domain::AppResult;
use crate::errors::Context;

/// The tables of an archive, in the order they are written: parents first,
/// so a reader can resolve every reference to a line it has already read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ArchiveTable {
    Network,
    People,
    CharterVersions,
    Partnerships,
    Representations,
    Meetings,
    Goals,
    Commitments,
    CommitmentParties,
    ProgressUpdates,
    Ratifications,
    RatificationRecords,
    RatificationConditions,
    Indicators,
    IndicatorTargets,
    IndicatorReporters,
    Measurements,
    CommitmentIndicators,
    Cycles,
    CycleCommitments,
    Events,
}

impl ArchiveTable {
    pub const ALL: [ArchiveTable; 21] = [
        ArchiveTable::Network,
        ArchiveTable::People,
        ArchiveTable::CharterVersions,
        ArchiveTable::Partnerships,
        ArchiveTable::Representations,
        ArchiveTable::Meetings,
        ArchiveTable::Goals,
        ArchiveTable::Commitments,
        ArchiveTable::CommitmentParties,
        ArchiveTable::ProgressUpdates,
        ArchiveTable::Ratifications,
        ArchiveTable::RatificationRecords,
        ArchiveTable::RatificationConditions,
        ArchiveTable::Indicators,
        ArchiveTable::IndicatorTargets,
        ArchiveTable::IndicatorReporters,
        ArchiveTable::Measurements,
        ArchiveTable::CommitmentIndicators,
        ArchiveTable::Cycles,
        ArchiveTable::CycleCommitments,
        ArchiveTable::Events,
    ];

    /// The `type` of its lines.
    pub fn name(self) -> &'static str {
        match self {
            ArchiveTable::Network => "network",
            ArchiveTable::People => "person",
            ArchiveTable::CharterVersions => "charter_version",
            ArchiveTable::Partnerships => "partnership",
            ArchiveTable::Representations => "representation",
            ArchiveTable::Meetings => "meeting",
            ArchiveTable::Goals => "goal",
            ArchiveTable::Commitments => "commitment",
            ArchiveTable::CommitmentParties => "commitment_party",
            ArchiveTable::ProgressUpdates => "progress_update",
            ArchiveTable::Ratifications => "ratification",
            ArchiveTable::RatificationRecords => "ratification_record",
            ArchiveTable::RatificationConditions => "ratification_condition",
            ArchiveTable::Indicators => "indicator",
            ArchiveTable::IndicatorTargets => "indicator_target",
            ArchiveTable::IndicatorReporters => "indicator_reporter",
            ArchiveTable::Measurements => "measurement",
            ArchiveTable::CommitmentIndicators => "commitment_indicator",
            ArchiveTable::Cycles => "cycle",
            ArchiveTable::CycleCommitments => "cycle_commitment",
            ArchiveTable::Events => "event",
        }
    }
}

/// `SELECT id FROM <table> WHERE tenant AND network_id = …`: the ids a
/// dependent table's rows hang from.
fn ids_in_network<C: ColumnTrait>(
    tenant_id: Uuid,
    table: impl sea_orm::Iden + 'static,
    id: C,
    tenant: C,
    network: C,
    network_id: Uuid,
) -> SelectStatement {
    Query::select().column(id).from(table).and_where(tenant.eq(tenant_id)).and_where(network.eq(network_id)).to_owned()
}

impl Store {
    /// How many rows of `table` the network's archive holds: its progress.
    pub async fn archive_count(&self, table: ArchiveTable, network_id: Uuid) -> AppResult<u64> {
        let tx = self.tx()?;
        macro_rules! count {
            ($select:expr) => {
                $select.count(&*tx).await.context("counting an archive's rows")
            };
        }
        match table {
            ArchiveTable::Network => count!(self.archive_network(network_id)),
            ArchiveTable::People => count!(self.archive_people(network_id)),
            ArchiveTable::CharterVersions => {
                count!(self.by_network::<charter_version::Entity>(charter_version::Column::NetworkId, network_id))
            }
            ArchiveTable::Partnerships => {
                count!(self.by_network::<partnership::Entity>(partnership::Column::NetworkId, network_id))
            }
            ArchiveTable::Representations => {
                count!(self.by_network::<representation::Entity>(representation::Column::NetworkId, network_id))
            }
            ArchiveTable::Meetings => {
                count!(self.by_network::<meeting::Entity>(meeting::Column::NetworkId, network_id))
            }
            ArchiveTable::Goals => count!(self.by_network::<goal::Entity>(goal::Column::NetworkId, network_id)),
            ArchiveTable::Commitments => {
                count!(self.by_network::<commitment::Entity>(commitment::Column::NetworkId, network_id))
            }
            ArchiveTable::CommitmentParties => count!(self.archive_parties(network_id)),
            ArchiveTable::ProgressUpdates => count!(self.archive_progress(network_id)),
            ArchiveTable::Ratifications => {
                count!(self.by_network::<ratification::Entity>(ratification::Column::NetworkId, network_id))
            }
            ArchiveTable::RatificationRecords => count!(self.archive_records(network_id)),
            ArchiveTable::RatificationConditions => count!(self.archive_conditions(network_id)),
            ArchiveTable::Indicators => {
                count!(self.by_network::<indicator::Entity>(indicator::Column::NetworkId, network_id))
            }
            ArchiveTable::IndicatorTargets => count!(
                self.tenant_only::<indicator_target::Entity>()
                    .filter(indicator_target::Column::IndicatorId.in_subquery(self.indicator_ids(network_id)))
            ),
            ArchiveTable::IndicatorReporters => count!(
                self.tenant_only::<indicator_reporter::Entity>()
                    .filter(indicator_reporter::Column::IndicatorId.in_subquery(self.indicator_ids(network_id)))
            ),
            ArchiveTable::Measurements => {
                count!(self.by_network::<measurement::Entity>(measurement::Column::NetworkId, network_id))
            }
            ArchiveTable::CommitmentIndicators => count!(
                self.tenant_only::<commitment_indicator::Entity>()
                    .filter(commitment_indicator::Column::IndicatorId.in_subquery(self.indicator_ids(network_id)))
            ),
            ArchiveTable::Cycles => count!(self.by_network::<cycle::Entity>(cycle::Column::NetworkId, network_id)),
            ArchiveTable::CycleCommitments => count!(
                self.tenant_only::<cycle_commitment::Entity>()
                    .filter(cycle_commitment::Column::CycleId.in_subquery(self.cycle_ids(network_id)))
            ),
            ArchiveTable::Events => count!(self.by_network::<event::Entity>(event::Column::NetworkId, network_id)),
        }
    }

    /// The next page of `table` of the network after `cursor`, as stored
    /// (keys are the columns), and the cursor of the page after it (`None`
    /// at the end). A table of its own (network id in its rows) pages by its
    /// ids, `limit` rows at a time. A table that hangs from commitments or
    /// ratifications pages by its parents, `limit / 5` of them at a time,
    /// each read through its parent index: every page costs the same
    /// whatever the network's size, rather than a scan of the whole table.
    pub async fn archive_page(
        &self,
        table: ArchiveTable,
        network_id: Uuid,
        cursor: Option<Uuid>,
        limit: u64,
    ) -> AppResult<(Vec<Value>, Option<Uuid>)> {
        let tx = self.tx()?;
        macro_rules! own {
            ($select:expr, $id:expr) => {{
                let mut select = $select;
                if let Some(after) = cursor {
                    select = select.filter($id.gt(after));
                }
                let rows = select
                    .order_by_asc($id)
                    .limit(limit)
                    .into_json()
                    .all(&*tx)
                    .await
                    .context("reading an archive page")?;
                let next = if rows.len() as u64 == limit { last_id(&rows, "id") } else { None };
                (rows, next)
            }};
        }
        macro_rules! children {
            ($parent:ty, $parent_id:expr, $parent_network:expr, $select:expr, $fk:expr, $id:expr) => {{
                let parents_per_page = (limit / 5).max(1);
                let mut parents = self.tenant_only::<$parent>().filter($parent_network.eq(network_id));
                if let Some(after) = cursor {
                    parents = parents.filter($parent_id.gt(after));
                }
                let parent_ids: Vec<Uuid> = parents
                    .select_only()
                    .column($parent_id)
                    .order_by_asc($parent_id)
                    .limit(parents_per_page)
                    .into_tuple()
                    .all(&*tx)
                    .await
                    .context("reading an archive page's parents")?;
                let rows = $select
                    .filter($fk.is_in(parent_ids.iter().copied()))
                    .order_by_asc($fk)
                    .order_by_asc($id)
                    .into_json()
                    .all(&*tx)
                    .await
                    .context("reading an archive page")?;
                let next = if parent_ids.len() as u64 == parents_per_page { parent_ids.last().copied() } else { None };
                (rows, next)
            }};
        }
        Ok(match table {
            ArchiveTable::Network => own!(self.archive_network(network_id), network::Column::Id),
            ArchiveTable::People => own!(self.archive_people(network_id), person::Column::Id),
            ArchiveTable::CharterVersions => own!(
                self.by_network::<charter_version::Entity>(charter_version::Column::NetworkId, network_id),
                charter_version::Column::Id
            ),
            ArchiveTable::Partnerships => own!(
                self.by_network::<partnership::Entity>(partnership::Column::NetworkId, network_id),
                partnership::Column::Id
            ),
            ArchiveTable::Representations => own!(
                self.by_network::<representation::Entity>(representation::Column::NetworkId, network_id),
                representation::Column::Id
            ),
            ArchiveTable::Meetings => {
                own!(self.by_network::<meeting::Entity>(meeting::Column::NetworkId, network_id), meeting::Column::Id)
            }
            ArchiveTable::Goals => {
                own!(self.by_network::<goal::Entity>(goal::Column::NetworkId, network_id), goal::Column::Id)
            }
            ArchiveTable::Commitments => own!(
                self.by_network::<commitment::Entity>(commitment::Column::NetworkId, network_id),
                commitment::Column::Id
            ),
            ArchiveTable::CommitmentParties => children!(
                commitment::Entity,
                commitment::Column::Id,
                commitment::Column::NetworkId,
                self.tenant_only::<commitment_party::Entity>(),
                commitment_party::Column::CommitmentId,
                commitment_party::Column::Id
            ),
            ArchiveTable::ProgressUpdates => children!(
                commitment::Entity,
                commitment::Column::Id,
                commitment::Column::NetworkId,
                self.tenant_only::<progress_update::Entity>(),
                progress_update::Column::CommitmentId,
                progress_update::Column::Id
            ),
            ArchiveTable::Ratifications => own!(
                self.by_network::<ratification::Entity>(ratification::Column::NetworkId, network_id),
                ratification::Column::Id
            ),
            ArchiveTable::RatificationRecords => children!(
                ratification::Entity,
                ratification::Column::Id,
                ratification::Column::NetworkId,
                self.tenant_only::<ratification_record::Entity>(),
                ratification_record::Column::RatificationId,
                ratification_record::Column::Id
            ),
            ArchiveTable::RatificationConditions => children!(
                ratification::Entity,
                ratification::Column::Id,
                ratification::Column::NetworkId,
                self.tenant_only::<ratification_condition::Entity>(),
                ratification_condition::Column::RatificationId,
                ratification_condition::Column::Id
            ),
            ArchiveTable::Indicators => own!(
                self.by_network::<indicator::Entity>(indicator::Column::NetworkId, network_id),
                indicator::Column::Id
            ),
            ArchiveTable::IndicatorTargets => children!(
                indicator::Entity,
                indicator::Column::Id,
                indicator::Column::NetworkId,
                self.tenant_only::<indicator_target::Entity>(),
                indicator_target::Column::IndicatorId,
                indicator_target::Column::Id
            ),
            ArchiveTable::IndicatorReporters => children!(
                indicator::Entity,
                indicator::Column::Id,
                indicator::Column::NetworkId,
                self.tenant_only::<indicator_reporter::Entity>(),
                indicator_reporter::Column::IndicatorId,
                indicator_reporter::Column::Id
            ),
            ArchiveTable::Measurements => own!(
                self.by_network::<measurement::Entity>(measurement::Column::NetworkId, network_id),
                measurement::Column::Id
            ),
            // A network has few indicators, each contributed to by a few
            // commitments: paged by indicator.
            ArchiveTable::CommitmentIndicators => children!(
                indicator::Entity,
                indicator::Column::Id,
                indicator::Column::NetworkId,
                self.tenant_only::<commitment_indicator::Entity>(),
                commitment_indicator::Column::IndicatorId,
                commitment_indicator::Column::Id
            ),
            ArchiveTable::Cycles => {
                own!(self.by_network::<cycle::Entity>(cycle::Column::NetworkId, network_id), cycle::Column::Id)
            }
            ArchiveTable::CycleCommitments => children!(
                cycle::Entity,
                cycle::Column::Id,
                cycle::Column::NetworkId,
                self.tenant_only::<cycle_commitment::Entity>(),
                cycle_commitment::Column::CycleId,
                cycle_commitment::Column::Id
            ),
            ArchiveTable::Events => {
                own!(self.by_network::<event::Entity>(event::Column::NetworkId, network_id), event::Column::Id)
            }
        })
    }

    fn by_network<E: TenantScoped>(&self, column: E::Column, network_id: Uuid) -> Select<E> {
        self.tenant_only::<E>().filter(column.eq(network_id))
    }

    fn archive_network(&self, network_id: Uuid) -> Select<network::Entity> {
        self.tenant_only::<network::Entity>().filter(network::Column::Id.eq(network_id))
    }

    /// The people the network shows by name to its partners: its
    /// facilitators and the partners' representatives, with their id and
    /// name only (no e-mail address, no sign-in subject); anyone else is
    /// named in the archive by id alone.
    fn archive_people(&self, network_id: Uuid) -> Select<person::Entity> {
        let facilitators = Query::select()
            .column(network_facilitator::Column::PersonId)
            .from(network_facilitator::Entity)
            .and_where(network_facilitator::Column::TenantId.eq(self.tenant_id()))
            .and_where(network_facilitator::Column::NetworkId.eq(network_id))
            .to_owned();
        let representatives = Query::select()
            .column(representation::Column::PersonId)
            .from(representation::Entity)
            .and_where(representation::Column::TenantId.eq(self.tenant_id()))
            .and_where(representation::Column::NetworkId.eq(network_id))
            .to_owned();
        self.tenant_only::<person::Entity>()
            .select_only()
            .column(person::Column::Id)
            .column(person::Column::Name)
            .column(person::Column::AnonymizedAt)
            .filter(
                sea_orm::Condition::any()
                    .add(person::Column::Id.in_subquery(facilitators))
                    .add(person::Column::Id.in_subquery(representatives)),
            )
    }

    fn commitment_ids(&self, network_id: Uuid) -> SelectStatement {
        ids_in_network(
            self.tenant_id(),
            commitment::Entity,
            commitment::Column::Id,
            commitment::Column::TenantId,
            commitment::Column::NetworkId,
            network_id,
        )
    }

    fn indicator_ids(&self, network_id: Uuid) -> SelectStatement {
        ids_in_network(
            self.tenant_id(),
            indicator::Entity,
            indicator::Column::Id,
            indicator::Column::TenantId,
            indicator::Column::NetworkId,
            network_id,
        )
    }

    fn cycle_ids(&self, network_id: Uuid) -> SelectStatement {
        ids_in_network(
            self.tenant_id(),
            cycle::Entity,
            cycle::Column::Id,
            cycle::Column::TenantId,
            cycle::Column::NetworkId,
            network_id,
        )
    }

    fn ratification_ids(&self, network_id: Uuid) -> SelectStatement {
        ids_in_network(
            self.tenant_id(),
            ratification::Entity,
            ratification::Column::Id,
            ratification::Column::TenantId,
            ratification::Column::NetworkId,
            network_id,
        )
    }

    fn archive_parties(&self, network_id: Uuid) -> Select<commitment_party::Entity> {
        self.tenant_only::<commitment_party::Entity>()
            .filter(commitment_party::Column::CommitmentId.in_subquery(self.commitment_ids(network_id)))
    }

    fn archive_progress(&self, network_id: Uuid) -> Select<progress_update::Entity> {
        self.tenant_only::<progress_update::Entity>()
            .filter(progress_update::Column::CommitmentId.in_subquery(self.commitment_ids(network_id)))
    }

    fn archive_records(&self, network_id: Uuid) -> Select<ratification_record::Entity> {
        self.tenant_only::<ratification_record::Entity>()
            .filter(ratification_record::Column::RatificationId.in_subquery(self.ratification_ids(network_id)))
    }

    fn archive_conditions(&self, network_id: Uuid) -> Select<ratification_condition::Entity> {
        self.tenant_only::<ratification_condition::Entity>()
            .filter(ratification_condition::Column::RatificationId.in_subquery(self.ratification_ids(network_id)))
    }
}

/// The id in `key` of the last row.
fn last_id(rows: &[Value], key: &str) -> Option<Uuid> {
    rows.last().and_then(|row| row[key].as_str()).and_then(|id| id.parse().ok())
}
