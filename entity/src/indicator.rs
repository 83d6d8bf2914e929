//! A shared indicator of a goal: what the network measures to judge progress.

use sea_orm::entity::prelude::*;

use crate::{IndicatorAggregation, IndicatorCadence, IndicatorDirection};

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "indicators")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub tenant_id: Uuid,
    pub network_id: Uuid,
    pub goal_id: Uuid,
    pub name: String,
    pub description: Option<String>,
    /// What a figure counts: `dwellings`, `days`, `%`.
    pub unit: String,
    pub direction: IndicatorDirection,
    /// How the reporters' figures make the network's: their sum or their mean.
    pub aggregation: IndicatorAggregation,
    pub cadence: IndicatorCadence,
    pub baseline: f64,
    /// The period the baseline was measured in: `2025` or `2025-Q4`.
    pub baseline_period: String,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    pub version: i32,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
