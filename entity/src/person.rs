//! A person: a user, identified within a tenant by the `sub` of their token.

use sea_orm::entity::prelude::*;

use crate::TenantRole;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "people")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub tenant_id: Uuid,
    pub subject: String,
    pub name: String,
    pub email: Option<String>,
    pub tenant_role: Option<TenantRole>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    /// When the person's personal data was erased; they show as a former member.
    pub anonymized_at: Option<DateTimeUtc>,
    /// The language the person chose (`nl`, `en`); null: the tenant's.
    pub language: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
