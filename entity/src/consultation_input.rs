//! Input from the constituency during consultation; internal to the organisation.

use sea_orm::entity::prelude::*;

use crate::Stance;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "consultation_inputs")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub tenant_id: Uuid,
    pub ratification_id: Uuid,
    pub commitment_id: Uuid,
    pub organisation_id: Uuid,
    pub stance: Stance,
    pub text: String,
    pub author_id: Option<Uuid>,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
