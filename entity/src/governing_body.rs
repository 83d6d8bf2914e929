//! A body of an organisation that has a say in its commitments. Bodies are
//! retired, never deleted, because ratifications keep referring to them.

use sea_orm::entity::prelude::*;

use crate::{BodyKind, BodyRight};

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "governing_bodies")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub tenant_id: Uuid,
    pub organisation_id: Uuid,
    pub name: String,
    pub kind: BodyKind,
    pub right: BodyRight,
    pub response_days: i32,
    pub retired_at: Option<DateTimeUtc>,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
