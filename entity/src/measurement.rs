//! One reporter's figure for one period. Never changed: a correction is a new
//! row naming the one it corrects, and the latest recorded counts.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "measurements")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub tenant_id: Uuid,
    pub network_id: Uuid,
    pub indicator_id: Uuid,
    pub organisation_id: Uuid,
    pub period: String,
    pub value: f64,
    pub note: Option<String>,
    /// The measurement this one corrects.
    pub corrects_id: Option<Uuid>,
    pub recorded_by: Option<Uuid>,
    pub recorded_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
