//! One period of an organisation's membership of a network.

use sea_orm::entity::prelude::*;

use crate::PartnershipStatus;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "partnerships")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub tenant_id: Uuid,
    pub network_id: Uuid,
    pub organisation_id: Uuid,
    pub status: PartnershipStatus,
    pub invited_at: DateTimeUtc,
    pub joined_on: Option<Date>,
    pub left_on: Option<Date>,
    pub left_reason: Option<String>,
    /// The charter version a DIRECTOR acknowledged for the partner.
    pub acknowledged_charter_version: Option<i32>,
    pub acknowledged_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
