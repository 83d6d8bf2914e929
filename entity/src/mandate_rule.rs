//! One rule of an organisation's mandate: which body is involved in which commitments.

use sea_orm::entity::prelude::*;

use crate::MandateAppliesTo;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "mandate_rules")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub tenant_id: Uuid,
    pub organisation_id: Uuid,
    pub body_id: Uuid,
    pub applies_to: MandateAppliesTo,
    pub min_contribution_euros: i64,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
