//! A person at the table for a partner, over a period.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "representations")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub tenant_id: Uuid,
    pub network_id: Uuid,
    pub partnership_id: Uuid,
    pub organisation_id: Uuid,
    pub person_id: Uuid,
    pub started_on: Date,
    pub ended_on: Option<Date>,
    /// The charter version this representative acknowledged personally.
    pub acknowledged_charter_version: Option<i32>,
    pub acknowledged_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
