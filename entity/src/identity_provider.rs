//! A partner's identity provider, registered for one tenant.

use sea_orm::entity::prelude::*;

use crate::IdentityMatch;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "identity_providers")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub tenant_id: Uuid,
    pub name: String,
    pub issuer: String,
    pub audience: String,
    /// Where its keys are published; fetched, cached and refetched on an unknown `kid`.
    pub jwks_url: Option<String>,
    /// Or its keys, given once as a JWKS document.
    pub jwks: Option<Json>,
    pub match_by: IdentityMatch,
    /// For matching by e-mail: the domains whose verified addresses count.
    pub email_domains: Json,
    pub created_by: Option<Uuid>,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
