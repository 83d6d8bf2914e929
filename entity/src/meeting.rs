//! A network meeting where agreements are made.

use sea_orm::entity::prelude::*;

use crate::MeetingStatus;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "meetings")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub tenant_id: Uuid,
    pub network_id: Uuid,
    pub held_on: Date,
    pub notes: Option<String>,
    pub recorded_by: Option<Uuid>,
    pub created_at: DateTimeUtc,
    /// PLANNED, HELD or CANCELLED; `held_on` is the day planned until HELD.
    pub status: MeetingStatus,
    pub title: Option<String>,
    pub starts_at: Option<DateTimeUtc>,
    pub ends_at: Option<DateTimeUtc>,
    pub location: Option<String>,
    pub online_url: Option<String>,
    pub minutes_reference: Option<String>,
    pub cancellation_reason: Option<String>,
    /// Changes to the plan, counted (a calendar's SEQUENCE).
    pub sequence: i32,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
