//! One e-mail: written rendered in the transaction that caused it, then
//! leased, sent and settled by the mail worker (the outbox and its log).

use sea_orm::entity::prelude::*;

use crate::{DeliveryStatus, MailKind};

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "mails")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub tenant_id: Uuid,
    pub person_id: Uuid,
    pub kind: MailKind,
    pub reminder_id: Option<Uuid>,
    /// Cleared when the person is anonymised.
    pub to_address: Option<String>,
    pub language: String,
    pub subject: String,
    pub text_body: String,
    pub html_body: String,
    /// The same on every attempt, so a mail sent twice reads as one.
    pub message_id: String,
    /// The mail's one-click unsubscribe link (`List-Unsubscribe`).
    pub unsubscribe_url: String,
    /// Hex SHA-256 of the secret in that link: its lookup.
    pub unsubscribe_hash: String,
    pub status: DeliveryStatus,
    pub attempts: i32,
    pub next_attempt_at: Option<DateTimeUtc>,
    pub lease_until: Option<DateTimeUtc>,
    pub last_error: Option<String>,
    pub last_attempt_at: Option<DateTimeUtc>,
    pub sent_at: Option<DateTimeUtc>,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
