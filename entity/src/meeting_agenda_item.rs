//! One item on a meeting's agenda, pointing at what it is about.

use sea_orm::entity::prelude::*;

use crate::AgendaItemKind;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "meeting_agenda_items")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub tenant_id: Uuid,
    pub meeting_id: Uuid,
    pub position: i32,
    pub kind: AgendaItemKind,
    pub title: String,
    pub notes: Option<String>,
    pub commitment_id: Option<Uuid>,
    pub charter_version: Option<i32>,
    pub round_id: Option<Uuid>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
