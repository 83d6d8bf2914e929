//! A person's secret calendar feed URL: what it is called and whether it
//! still answers. The secret itself is never stored.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "calendar_feeds")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub tenant_id: Uuid,
    /// Whose feed it is: it shows what this person sees.
    pub person_id: Uuid,
    /// What the person called it ("Phone", "Outlook at work").
    pub name: String,
    /// Hex SHA-256 of the URL's secret.
    pub token_hash: String,
    pub created_at: DateTimeUtc,
    /// Set when revoked: the URL stops answering at once.
    pub revoked_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
