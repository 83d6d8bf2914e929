//! What a person chose about e-mail, and whether their address still takes
//! mail. No row: the defaults (no digest, reminders on, address enabled).

use sea_orm::entity::prelude::*;

use crate::DigestRhythm;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "mail_preferences")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub person_id: Uuid,
    pub tenant_id: Uuid,
    pub digest_rhythm: DigestRhythm,
    /// Whether reminders go to the person by e-mail.
    pub reminders: bool,
    /// Until when the last digest by e-mail reported.
    pub last_digest_at: Option<DateTimeUtc>,
    /// Set when the address refused mail for good: nothing is sent until the
    /// person sets their preferences again.
    pub disabled_at: Option<DateTimeUtc>,
    pub disabled_reason: Option<String>,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
