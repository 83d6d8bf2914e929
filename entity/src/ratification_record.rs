//! Every outcome ever recorded, kept when a ratification is reopened.

use sea_orm::entity::prelude::*;

use crate::RatificationOutcome;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "ratification_records")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub tenant_id: Uuid,
    pub ratification_id: Uuid,
    pub outcome: RatificationOutcome,
    pub reason: Option<String>,
    pub decided_on: Date,
    pub minutes_reference: String,
    pub recorded_by: Option<Uuid>,
    pub recorded_at: DateTimeUtc,
    pub reopened_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
