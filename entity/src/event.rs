//! The append-only audit trail. Payloads hold ids and changed fields, never
//! personal data, so anonymising a person never rewrites history.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "events")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub tenant_id: Uuid,
    pub network_id: Option<Uuid>,
    pub actor_person_id: Option<Uuid>,
    /// Set instead of the person when an API client acted.
    pub actor_api_client_id: Option<Uuid>,
    /// Wire name, lower-case dotted: `organisation.created`.
    pub kind: String,
    pub subject_id: Uuid,
    pub occurred_at: DateTimeUtc,
    pub payload: Json,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
