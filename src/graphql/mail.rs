//! Mail and reminders (docs/mail.md): what a person chose about e-mail, and
//! the reminders that went to them.

use async_graphql::{Context, Enum, ID, InputObject, Object, Result, SimpleObject};
use entity::{mail_preference, reminder};

use super::ids::{self, NodeType};
use super::scalars::{Date, DateTime};
use super::store;
use crate::service::mail as service;

/// How often the digest comes by e-mail.
#[derive(Enum, Clone, Copy, PartialEq, Eq)]
#[graphql(remote = "entity::DigestRhythm")]
pub enum DigestRhythm {
    /// No digest by e-mail (the default).
    Off,
    /// Every morning at seven (Amsterdam time), of the day before.
    Daily,
    /// Every Monday morning at seven, of the week before.
    Weekly,
}

/// Why a reminder went out.
#[derive(Enum, Clone, Copy, PartialEq, Eq)]
#[graphql(remote = "entity::ReminderRule")]
pub enum ReminderRule {
    /// Your body's decision is due soon and it has recorded no outcome.
    RatificationDue,
    /// An alignment round you are invited to closes soon and you have not answered.
    RoundClosing,
    /// A condition your organisation must meet stayed open past its date.
    ConditionOverdue,
}

pub struct MailPreferences(pub mail_preference::Model);

/// What you chose about e-mail. Mail is sent only when the deployment has an
/// SMTP server, and only to the address on your person.
#[Object]
impl MailPreferences {
    /// How often your digest comes by e-mail (default OFF).
    async fn digest_rhythm(&self) -> DigestRhythm {
        self.0.digest_rhythm.into()
    }

    /// Whether reminders come by e-mail (default true: your seat on a body,
    /// an invitation or your position asks for them).
    async fn reminders(&self) -> bool {
        self.0.reminders
    }

    /// Until when your last digest by e-mail reported.
    async fn last_digest_at(&self) -> Option<DateTime> {
        self.0.last_digest_at.map(DateTime)
    }

    /// Set when your address refused mail for good: nothing is sent until
    /// you set your preferences again.
    async fn address_disabled_at(&self) -> Option<DateTime> {
        self.0.disabled_at.map(DateTime)
    }

    /// What the mail server said when it refused your address.
    async fn address_disabled_reason(&self) -> Option<&str> {
        self.0.disabled_reason.as_deref()
    }
}

pub struct Reminder(pub reminder::Model);

/// A reminder that went to you: once per rule, subject and person, whether
/// or not it was also mailed.
#[Object]
impl Reminder {
    /// Why it went out.
    async fn rule(&self) -> ReminderRule {
        self.0.rule.into()
    }

    /// What it reminded of: a ratification, an alignment round or a
    /// condition, as ids are written everywhere.
    async fn subject_id(&self) -> ID {
        let node_type = match self.0.rule {
            entity::ReminderRule::RatificationDue => NodeType::Ratification,
            entity::ReminderRule::RoundClosing => NodeType::AlignmentRound,
            entity::ReminderRule::ConditionOverdue => NodeType::RatificationCondition,
        };
        ids::global_id(node_type, self.0.subject_id)
    }

    /// The network it concerns.
    async fn network_id(&self) -> ID {
        ids::global_id(NodeType::Network, self.0.network_id)
    }

    /// The decision's due date, the round's closing day, the condition's date.
    async fn due_on(&self) -> Option<Date> {
        self.0.due_on.map(Date)
    }

    /// When it went out.
    async fn created_at(&self) -> DateTime {
        DateTime(self.0.created_at)
    }
}

/// Your viewer's mail preferences; null for an API client.
pub(crate) async fn preferences_of_viewer(ctx: &Context<'_>) -> Result<Option<MailPreferences>> {
    let store = store(ctx);
    let Some(person_id) = store.actor().person_id else { return Ok(None) };
    Ok(Some(MailPreferences(service::preferences(store, person_id).await?)))
}

/// The viewer's latest reminders; none for an API client.
pub(crate) async fn reminders_of_viewer(ctx: &Context<'_>, first: Option<i32>) -> Result<Vec<Reminder>> {
    let store = store(ctx);
    let Some(person_id) = store.actor().person_id else { return Ok(Vec::new()) };
    let page = super::connection::page_request(first, None)?;
    Ok(store.reminders_of(person_id, page.first).await?.into_iter().map(Reminder).collect())
}

/// Sets how you want mail; omitted values keep yours.
#[derive(InputObject)]
pub struct SetMailPreferencesInput {
    /// How often your digest comes by e-mail.
    pub digest_rhythm: Option<DigestRhythm>,
    /// Whether reminders come by e-mail.
    pub reminders: Option<bool>,
}

/// The result of `setMailPreferences`.
#[derive(SimpleObject)]
pub struct SetMailPreferencesPayload {
    /// Your preferences as they now stand.
    pub mail_preferences: MailPreferences,
}

#[derive(Default)]
pub struct MailMutation;

#[Object]
impl MailMutation {
    /// Sets how you want mail: your digest's rhythm (off, daily, weekly) and
    /// whether reminders come by e-mail. Setting them also enables your
    /// address again after it refused mail. A person only.
    async fn set_mail_preferences(
        &self,
        ctx: &Context<'_>,
        input: SetMailPreferencesInput,
    ) -> Result<SetMailPreferencesPayload> {
        let saved = service::set_preferences(store(ctx), input.digest_rhythm.map(Into::into), input.reminders).await?;
        Ok(SetMailPreferencesPayload { mail_preferences: MailPreferences(saved) })
    }
}
