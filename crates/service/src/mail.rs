//! Reminders and mail (docs/mail.md): a person's preferences, the reminder
//! pass of a tenant, a person's digest by mail, and the unsubscribe link.
//!
//! Every mail is rendered and put in the outbox in the transaction of what
//! caused it (the reminder recorded, the digest's period advanced); the
//! worker only sends what is there. A digest is read as its person, through
//! the same visible reads as `viewer.digest`, so it holds nothing they could
//! not see; a reminder goes only to those the subject concerns by their
//! seat, invitation or position, who see it by the same right.

use std::collections::HashMap;
use std::sync::Arc;

use chrono::{DateTime, Utc};
use entity::{DigestRhythm, MailKind, ReminderRule, mail_preference, person};
use serde_json::json;
use uuid::Uuid;

use crate::auth::feeds::FeedToken;
use crate::domain::digest::{Line, Section, Subject};
use crate::domain::events::EventKind;
use crate::domain::mail::{self as rules, Links, Reminder, ReminderRules};
use crate::domain::settings::NetworkSettings;
use crate::domain::{AppError, AppResult, agenda};
use crate::i18n::Locale;
use crate::store::mail::{NewMail, NewReminder, ReminderFacts, defaults};
use crate::store::{NewEvent, Store};

/// Where a front-end shows a digest line's subject (a URL), if it has one.
pub type SubjectLink = Arc<dyn Fn(&Subject) -> Option<String> + Send + Sync>;

/// Where mail points and what it is sent as; present only when the
/// deployment sends mail (`EENDRACHT_SMTP_URL`).
#[derive(Clone)]
pub struct MailSetup {
    /// The server's public URL, for unsubscribe links (no trailing slash).
    pub base_url: String,
    /// The domain of Message-IDs (the sender's).
    pub domain: String,
    /// Where a front-end shows a digest line's subject, if it has one.
    pub subject_link: Option<SubjectLink>,
}

impl MailSetup {
    fn links(&self, token: &FeedToken, subject: Option<&Subject>) -> Links {
        Links {
            unsubscribe: format!("{}/mail/unsubscribe/{}", self.base_url, token.expose()),
            subject: subject.and_then(|s| self.subject_link.as_ref().and_then(|link| link(s))),
        }
    }
}

/// A person's preferences as they stand (the defaults when never set).
pub async fn preferences(store: &Store, person_id: Uuid) -> AppResult<mail_preference::Model> {
    may_manage(store, person_id)?;
    Ok(store.mail_preferences(person_id).await?.unwrap_or_else(|| defaults(store.tenant_id(), person_id, store.now())))
}

/// The signed-in person sets how they want mail; omitted values keep theirs.
/// Setting them again also enables an address that was disabled after a
/// refusal: the person says it works again.
pub async fn set_preferences(
    store: &Store,
    digest_rhythm: Option<DigestRhythm>,
    reminders: Option<bool>,
) -> AppResult<mail_preference::Model> {
    let person_id = store.actor().person()?;
    let current = preferences(store, person_id).await?;
    let now = store.now();
    let next = mail_preference::Model {
        digest_rhythm: digest_rhythm.unwrap_or(current.digest_rhythm),
        reminders: reminders.unwrap_or(current.reminders),
        // A digest newly asked for starts from now, not a period back.
        last_digest_at: match (current.digest_rhythm, digest_rhythm) {
            (DigestRhythm::Off, Some(rhythm)) if rhythm != DigestRhythm::Off => Some(now),
            _ => current.last_digest_at,
        },
        disabled_at: None,
        disabled_reason: None,
        updated_at: now,
        ..current
    };
    let saved = store.save_mail_preferences(next).await?;
    record_change(store, &saved, "PERSON").await?;
    Ok(saved)
}

async fn record_change(store: &Store, saved: &mail_preference::Model, by: &str) -> AppResult<()> {
    let payload = json!({
        "personId": saved.person_id,
        "digestRhythm": saved.digest_rhythm,
        "reminders": saved.reminders,
        "by": by,
    });
    store.record_event(NewEvent::new(EventKind::MailPreferencesChanged, saved.person_id, payload)).await?;
    Ok(())
}

fn may_manage(store: &Store, person_id: Uuid) -> AppResult<()> {
    let actor = store.actor();
    if actor.is(person_id) || actor.is_admin() { Ok(()) } else { Err(AppError::NotFound("person")) }
}

/// A reminder that is due, with what its mail says.
#[derive(Debug, Clone)]
pub struct DueReminder {
    pub new: NewReminder,
    pub reminder: Reminder,
}

/// The reminders due in the tenant at the store's moment and not yet made:
/// the network's rules applied to what awaits whom.
pub async fn due_reminders(store: &Store) -> AppResult<Vec<DueReminder>> {
    let now = store.now();
    let facts = store.reminder_facts(now).await?;
    Ok(due_from(&facts, now))
}

fn due_from(facts: &ReminderFacts, now: DateTime<Utc>) -> Vec<DueReminder> {
    let today = now.date_naive();
    let networks: HashMap<Uuid, (&str, ReminderRules)> = facts
        .networks
        .iter()
        .map(|n| (n.id, (n.name.as_str(), ReminderRules::from(&NetworkSettings::from_json(&n.settings)))))
        .collect();
    let titles: HashMap<Uuid, &entity::commitment::Model> = facts.commitments.iter().map(|c| (c.id, c)).collect();
    let organisations: HashMap<Uuid, &str> = facts.organisations.iter().map(|o| (o.id, o.name.as_str())).collect();
    let title = |id: Uuid| titles.get(&id).map(|c| c.title.clone()).unwrap_or_default();
    let mut due = Vec::new();
    let mut push = |rule, network_id: Uuid, subject_id, person_id, due_on, subject| {
        if facts.made.contains(&(rule, subject_id, person_id)) {
            return;
        }
        let Some((network, _)) = networks.get(&network_id) else { return };
        due.push(DueReminder {
            new: NewReminder { network_id, rule, subject_id, person_id, due_on: Some(due_on) },
            reminder: Reminder {
                rule,
                network: (*network).to_owned(),
                due_on,
                line: Line { section: Section::Awaiting, subject },
            },
        });
    };

    for r in facts.ratifications.iter().filter(|r| agenda::is_on_agenda(r)) {
        let Some(body) = facts.bodies.iter().find(|b| b.id == r.body_id) else { continue };
        let Some(due_on) = agenda::due_on(r, body.response_days) else { continue };
        let Some((_, rules)) = networks.get(&r.network_id) else { continue };
        if !rules.ratification_due(due_on, today) {
            continue;
        }
        for member in facts.members.iter().filter(|m| m.body_id == body.id) {
            let subject = Subject::Decision {
                ratification_id: r.id,
                title: title(r.commitment_id),
                body: body.name.clone(),
                right: r.right,
                due_on: Some(due_on),
            };
            push(ReminderRule::RatificationDue, r.network_id, r.id, member.person_id, due_on, subject);
        }
    }
    for round in &facts.rounds {
        let Some((network, rules)) = networks.get(&round.network_id) else { continue };
        if !rules.round_closing(round.closes_at, now) {
            continue;
        }
        for invitee in facts.unanswered.iter().filter(|i| i.round_id == round.id) {
            let subject =
                Subject::Round { round_id: round.id, network: (*network).to_owned(), closes_at: round.closes_at };
            let closes_on = crate::i18n::local_day(round.closes_at);
            push(ReminderRule::RoundClosing, round.network_id, round.id, invitee.person_id, closes_on, subject);
        }
    }
    for (condition, outcome) in &facts.conditions {
        let Some((_, rules)) = networks.get(&outcome.network_id) else { continue };
        let Some(recorded_at) = outcome.recorded_at else { continue };
        let commitment_due = titles.get(&outcome.commitment_id).map(|c| c.due_on);
        let Some(date) = rules.condition_date(crate::i18n::local_day(recorded_at), commitment_due) else { continue };
        if today <= date {
            continue;
        }
        for director in facts.directors.iter().filter(|p| p.organisation_id == condition.organisation_id) {
            let subject = Subject::Condition {
                condition_id: condition.id,
                ratification_id: outcome.id,
                title: title(outcome.commitment_id),
                organisation: organisations.get(&condition.organisation_id).copied().unwrap_or_default().to_owned(),
                text: condition.text.clone(),
            };
            push(ReminderRule::ConditionOverdue, outcome.network_id, condition.id, director.person_id, date, subject);
        }
    }
    due
}

/// What a reminder pass did.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Reminded {
    pub recorded: usize,
    pub mailed: usize,
}

/// The tenant's reminder pass, as its system actor: records every due
/// reminder once and, when mail is set up, puts its mail in the outbox in
/// the same transaction, for recipients who have an address, want
/// reminders and whose address is not disabled.
pub async fn remind(store: &Store, mail: Option<&MailSetup>) -> AppResult<Reminded> {
    let due = due_reminders(store).await?;
    if due.is_empty() {
        return Ok(Reminded::default());
    }
    let recipients = Recipients::of(store, &due).await?;
    let preferences: HashMap<Uuid, mail_preference::Model> =
        store.mail_preferences_of(&recipients.ids).await?.into_iter().map(|p| (p.person_id, p)).collect();
    let mut done = Reminded::default();
    for item in due {
        // A former member is no recipient of anything.
        let Some(person) = recipients.people.get(&item.new.person_id) else { continue };
        let Some(made) = store.insert_reminder(&item.new).await? else { continue };
        done.recorded += 1;
        let Some(setup) = mail else { continue };
        let wants = preferences.get(&person.id).is_none_or(|p| p.reminders && p.disabled_at.is_none());
        let Some(address) = person.email.as_deref().filter(|_| wants) else { continue };
        let locale = recipients.locale(person);
        let token = FeedToken::mint(store.tenant_id());
        let links = setup.links(&token, Some(&item.reminder.line.subject));
        let rendered = rules::reminder(locale, &person.name, &item.reminder, &links);
        store
            .enqueue_mail(NewMail {
                person_id: person.id,
                kind: MailKind::Reminder,
                reminder_id: Some(made.id),
                to_address: address.to_owned(),
                language: locale.tag().to_owned(),
                subject: rendered.subject,
                text_body: rendered.text,
                html_body: rendered.html,
                message_id: message_id(made.id, &setup.domain),
                unsubscribe_url: links.unsubscribe.clone(),
                unsubscribe_hash: token.hash(),
            })
            .await?;
        done.mailed += 1;
    }
    Ok(done)
}

/// The people due reminders go to (former members left out), read once,
/// and the language each reads.
struct Recipients {
    ids: Vec<Uuid>,
    people: HashMap<Uuid, person::Model>,
    tenant_language: Locale,
}

impl Recipients {
    async fn of(store: &Store, due: &[DueReminder]) -> AppResult<Self> {
        let mut ids: Vec<Uuid> = due.iter().map(|d| d.new.person_id).collect();
        ids.sort_unstable();
        ids.dedup();
        let people = store.recipients(&ids).await?.into_iter().map(|p| (p.id, p)).collect();
        let tenant_language = crate::people::language_of(store, None).await?;
        Ok(Self { ids, people, tenant_language })
    }

    /// Their own choice, else their tenant's.
    fn locale(&self, person: &person::Model) -> Locale {
        person.language.as_deref().and_then(Locale::from_tag).unwrap_or(self.tenant_language)
    }
}

/// A reminder as its mail would read, without making it: what the demo
/// shows would go out.
#[derive(Debug, Clone)]
pub struct Preview {
    pub rule: ReminderRule,
    pub subject_id: Uuid,
    pub person_id: Uuid,
    pub to: Option<String>,
    pub mail: rules::Mail,
}

/// The reminders due at the store's moment and not yet made, rendered for
/// their recipients as the mail would be (the unsubscribe link a stand-in).
pub async fn preview_reminders(store: &Store) -> AppResult<Vec<Preview>> {
    let due = due_reminders(store).await?;
    let recipients = Recipients::of(store, &due).await?;
    let links = Links { unsubscribe: "<unsubscribe link>".to_owned(), subject: None };
    Ok(due
        .into_iter()
        .filter_map(|item| {
            let person = recipients.people.get(&item.new.person_id)?;
            let locale = recipients.locale(person);
            Some(Preview {
                rule: item.new.rule,
                subject_id: item.new.subject_id,
                person_id: person.id,
                to: person.email.clone(),
                mail: rules::reminder(locale, &person.name, &item.reminder, &links),
            })
        })
        .collect())
}

/// A digest by mail that is due: whose, since when, on which rhythm.
#[derive(Debug, Clone)]
pub struct DigestDue {
    pub person_id: Uuid,
    pub subject: String,
    pub since: DateTime<Utc>,
    pub rhythm: DigestRhythm,
}

/// The digests due at the store's moment (system actor): people who chose
/// a rhythm, have an address that takes mail and are not anonymised.
pub async fn digests_due(store: &Store) -> AppResult<Vec<DigestDue>> {
    let now = store.now();
    let subscribers = store.digest_subscribers().await?;
    let ids: Vec<Uuid> = subscribers.iter().map(|s| s.person_id).collect();
    let people: HashMap<Uuid, person::Model> = store.recipients(&ids).await?.into_iter().map(|p| (p.id, p)).collect();
    Ok(subscribers
        .into_iter()
        .filter_map(|s| {
            let person = people.get(&s.person_id).filter(|p| p.email.is_some())?;
            let since = rules::digest_due(s.digest_rhythm, s.last_digest_at, now)?;
            Some(DigestDue { person_id: s.person_id, subject: person.subject.clone(), since, rhythm: s.digest_rhythm })
        })
        .collect())
}

/// The signed-in person's digest since `since`, put in the outbox (when
/// there is anything to tell), and their digest period advanced to now, in
/// one transaction: a crash sends it whole or not at all, and never twice.
/// Whether a mail was made.
pub async fn mail_digest(store: &Store, setup: &MailSetup, since: DateTime<Utc>) -> AppResult<bool> {
    let person_id = store.actor().person()?;
    let current = preferences(store, person_id).await?;
    let now = store.now();
    // Another worker sent it meanwhile: the period already moved.
    if rules::digest_due(current.digest_rhythm, current.last_digest_at, now).is_none() {
        return Ok(false);
    }
    let digest = crate::digest::digest(store, since, None).await?;
    let person = store.person(person_id).await?;
    let token = FeedToken::mint(store.tenant_id());
    let links = setup.links(&token, None);
    let rendered =
        rules::digest(digest.locale, &digest.owner, digest.since, current.digest_rhythm, &digest.lines, &links);
    let mut made = false;
    if let (Some(rendered), Some(address)) = (rendered, person.email.as_deref()) {
        let id = Uuid::now_v7();
        store
            .enqueue_mail(NewMail {
                person_id,
                kind: MailKind::Digest,
                reminder_id: None,
                to_address: address.to_owned(),
                language: digest.locale.tag().to_owned(),
                subject: rendered.subject,
                text_body: rendered.text,
                html_body: rendered.html,
                message_id: message_id(id, &setup.domain),
                unsubscribe_url: links.unsubscribe.clone(),
                unsubscribe_hash: token.hash(),
            })
            .await?;
        made = true;
    }
    store.save_mail_preferences(mail_preference::Model { last_digest_at: Some(now), ..current }).await?;
    Ok(made)
}

/// What an unsubscribe link stopped, and in which language to say so.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Unsubscribed {
    pub kind: MailKind,
    pub locale: Locale,
}

/// The mail whose link holds `token` and what it would stop; `None` for a
/// link that is no mail's (or whose person is gone).
async fn target(store: &Store, token: &FeedToken) -> AppResult<Option<(entity::mail::Model, Unsubscribed)>> {
    let Some(mail) = store.mail_by_unsubscribe_hash(&token.hash()).await? else { return Ok(None) };
    let Some(person) = store.recipients(&[mail.person_id]).await?.into_iter().next() else { return Ok(None) };
    let locale = crate::people::language_of(store, Some(&person)).await?;
    let kind = mail.kind;
    Ok(Some((mail, Unsubscribed { kind, locale })))
}

/// What the link holding `token` would stop, without stopping it (the page
/// a plain visit shows).
pub async fn unsubscribe_target(store: &Store, token: &FeedToken) -> AppResult<Option<Unsubscribed>> {
    Ok(target(store, token).await?.map(|(_, target)| target))
}

/// One click on a mail's unsubscribe link (RFC 8058): stops that kind of
/// mail for its person, with no sign-in; the link is the credential. Using
/// it again changes nothing more.
pub async fn unsubscribe(store: &Store, token: &FeedToken) -> AppResult<Option<Unsubscribed>> {
    let Some((mail, target)) = target(store, token).await? else { return Ok(None) };
    let now = store.now();
    let current = store
        .mail_preferences(mail.person_id)
        .await?
        .unwrap_or_else(|| defaults(store.tenant_id(), mail.person_id, now));
    let next = match mail.kind {
        MailKind::Digest => {
            mail_preference::Model { digest_rhythm: DigestRhythm::Off, updated_at: now, ..current.clone() }
        }
        MailKind::Reminder => mail_preference::Model { reminders: false, updated_at: now, ..current.clone() },
    };
    if next.digest_rhythm != current.digest_rhythm || next.reminders != current.reminders {
        let saved = store.save_mail_preferences(next).await?;
        record_change(store, &saved, "UNSUBSCRIBE_LINK").await?;
    }
    Ok(Some(target))
}

/// A Message-ID that is the same on every attempt of one mail.
fn message_id(id: Uuid, domain: &str) -> String {
    format!("<{}@{domain}>", id.simple())
}
