//! A network's yearly cycle: the agreements of a year and their accountability.

use sea_orm::entity::prelude::*;

use crate::CycleStatus;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "cycles")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub tenant_id: Uuid,
    pub network_id: Uuid,
    pub year: i32,
    pub title: String,
    pub status: CycleStatus,
    pub created_at: DateTimeUtc,
    pub closed_at: Option<DateTimeUtc>,
    pub closed_by: Option<Uuid>,
    pub closing_note: Option<String>,
    /// The accountability report as it stood when the cycle closed.
    pub report: Option<Json>,
    pub version: i32,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
