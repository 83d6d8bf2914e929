//! An agreement: who does what, for which goal.

use sea_orm::entity::prelude::*;

use crate::{CommitmentKind, CommitmentScope, CommitmentStatus};

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "commitments")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub tenant_id: Uuid,
    pub network_id: Uuid,
    pub goal_id: Option<Uuid>,
    pub title: String,
    pub description: Option<String>,
    pub scope: CommitmentScope,
    pub kind: CommitmentKind,
    pub lead_organisation_id: Uuid,
    pub due_on: Date,
    pub status: CommitmentStatus,
    pub needs_replanning: bool,
    pub replanning_reason: Option<String>,
    pub proposed_at: DateTimeUtc,
    pub proposed_by: Option<Uuid>,
    pub proposed_in_meeting_id: Option<Uuid>,
    pub agreed_at: Option<DateTimeUtc>,
    pub delivered_at: Option<DateTimeUtc>,
    pub dropped_at: Option<DateTimeUtc>,
    pub dropped_reason: Option<String>,
    pub updated_at: DateTimeUtc,
    pub version: i32,
    /// How often the commitment was re-planned, when last, and why (the
    /// reason it was flagged, which the re-plan clears).
    pub replanned_count: i32,
    pub last_replanned_at: Option<DateTimeUtc>,
    pub last_replanning_reason: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
