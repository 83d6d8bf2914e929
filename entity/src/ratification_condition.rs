//! A condition attached to an outcome, OPEN until a DIRECTOR marks it MET.

use sea_orm::entity::prelude::*;

use crate::ConditionStatus;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "ratification_conditions")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub tenant_id: Uuid,
    pub ratification_id: Uuid,
    pub organisation_id: Uuid,
    pub text: String,
    pub status: ConditionStatus,
    pub met_at: Option<DateTimeUtc>,
    pub met_by: Option<Uuid>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
