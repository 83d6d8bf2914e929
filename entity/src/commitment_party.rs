//! A party to a commitment with its contribution and its own agreement.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "commitment_parties")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub tenant_id: Uuid,
    pub commitment_id: Uuid,
    pub organisation_id: Uuid,
    pub contribution_euros: i64,
    pub contribution_hours: i32,
    pub contribution_note: Option<String>,
    pub agreed_at: Option<DateTimeUtc>,
    pub agreed_by: Option<Uuid>,
    pub agreed_in_meeting_id: Option<Uuid>,
    /// Set when a re-plan took the party off the commitment; kept for history.
    pub removed_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
