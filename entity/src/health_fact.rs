//! A row `Network.health` names by id, maintained with the commitment it
//! belongs to: a waiting ratification, an unconsulted party, overridden
//! advice, an open condition, an open commitment without a goal or needing
//! re-planning.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "health_facts")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub tenant_id: Uuid,
    #[sea_orm(primary_key, auto_increment = false)]
    pub network_id: Uuid,
    #[sea_orm(primary_key, auto_increment = false)]
    pub kind: String,
    #[sea_orm(primary_key, auto_increment = false)]
    pub subject_id: Uuid,
    /// The party it concerns; nil for a fact of the commitment as a whole.
    #[sea_orm(primary_key, auto_increment = false)]
    pub organisation_id: Uuid,
    pub commitment_id: Uuid,
    /// Waiting ratifications: when the commitment was agreed.
    pub at: Option<DateTimeUtc>,
    /// Waiting ratifications: their due date.
    pub due_on: Option<Date>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
