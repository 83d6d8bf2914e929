//! A person's role in an organisation over a period. Ended, never deleted.

use sea_orm::entity::prelude::*;

use crate::PositionRole;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "positions")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub tenant_id: Uuid,
    pub person_id: Uuid,
    pub organisation_id: Uuid,
    pub role: PositionRole,
    pub started_on: Date,
    /// The first day the position no longer holds; `None` while it runs.
    pub ended_on: Option<Date>,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
