//! An API client (OAuth2 client credentials) acting for one organisation.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "api_clients")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub tenant_id: Uuid,
    pub organisation_id: Uuid,
    pub name: String,
    /// Hex SHA-256 of the secret; the secret itself is never stored.
    pub secret_hash: String,
    pub created_by: Option<Uuid>,
    pub created_at: DateTimeUtc,
    /// When it last obtained a token.
    pub last_used_at: Option<DateTimeUtc>,
    pub revoked_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
