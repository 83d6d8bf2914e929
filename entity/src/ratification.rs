//! One party body's say on a commitment.

use sea_orm::entity::prelude::*;

use crate::{BodyRight, RatificationOutcome, RatificationStatus};

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "ratifications")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub tenant_id: Uuid,
    pub network_id: Uuid,
    pub commitment_id: Uuid,
    pub organisation_id: Uuid,
    pub body_id: Uuid,
    /// The body's right when the ratification was created.
    pub right: BodyRight,
    pub status: RatificationStatus,
    pub outcome: Option<RatificationOutcome>,
    /// A rejection's reason, or the motivation for departing from negative advice.
    pub reason: Option<String>,
    pub decided_on: Option<Date>,
    pub minutes_reference: Option<String>,
    pub recorded_by: Option<Uuid>,
    pub recorded_at: Option<DateTimeUtc>,
    pub consultation_started_at: Option<DateTimeUtc>,
    pub due_on: Option<Date>,
    /// Set when the ratification stopped counting: the commitment was re-planned
    /// (every ratification is withdrawn and recreated) or dropped.
    pub withdrawn_at: Option<DateTimeUtc>,
    pub created_at: DateTimeUtc,
    pub version: i32,
    /// The content hash of the dossier the body decided on, when it named one.
    pub dossier_hash: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
