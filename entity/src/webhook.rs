//! A receiver of signed event notifications, for an organisation or a network.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "webhooks")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub tenant_id: Uuid,
    /// Set for an organisation's webhook: it gets what the organisation may see.
    pub organisation_id: Option<Uuid>,
    /// Set for a network's webhook (made by its facilitator).
    pub network_id: Option<Uuid>,
    pub url: String,
    /// Wire names of the event kinds it wants.
    pub event_kinds: Json,
    /// `whsec_…`: the Standard Webhooks signing secret.
    pub secret: String,
    pub enabled: bool,
    pub disabled_reason: Option<String>,
    pub disabled_at: Option<DateTimeUtc>,
    pub created_by: Option<Uuid>,
    pub created_by_api_client: Option<Uuid>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    pub version: i32,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
