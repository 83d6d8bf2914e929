//! A visible step on a commitment.

use sea_orm::entity::prelude::*;

use crate::CommitmentStatus;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "progress_updates")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub tenant_id: Uuid,
    pub commitment_id: Uuid,
    pub note: String,
    pub percent: Option<i32>,
    pub status: Option<CommitmentStatus>,
    pub at: DateTimeUtc,
    pub author_id: Option<Uuid>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
