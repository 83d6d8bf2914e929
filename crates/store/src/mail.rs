//! Reminders and mail (docs/mail.md): what people chose, the record of
//! reminders, the mail outbox and its log, and the reads the reminder pass
//! is made from. The outbox rows are leased and retried through `lease`,
//! the mechanics webhook deliveries use.

use std::collections::HashSet;

use chrono::{DateTime, Duration as ChronoDuration, NaiveDate, Utc};
use entity::{
    ConditionStatus, DeliveryStatus, DigestRhythm, MailKind, PositionRole, RatificationStatus, ReminderRule,
    RoundStatus, alignment_invitee, alignment_response, alignment_round, body_member, commitment, governing_body, mail,
    mail_preference, network, organisation, person, position, ratification, ratification_condition, reminder,
};
use sea_orm::sea_query::{Expr, ExprTrait, OnConflict};
use sea_orm::{ColumnTrait, Condition, EntityTrait, QueryFilter, QueryOrder, QuerySelect, QueryTrait};
use uuid::Uuid;

use super::{Store, lease};
use crate::domain::AppResult;
use crate::errors::Context;

/// At most this many subjects of each kind per reminder pass and tenant;
/// what is left waits for the next pass.
pub const PER_PASS: u64 = 1000;

/// What the reminder pass of one tenant reads, in a fixed number of
/// statements, as the tenant's system actor.
#[derive(Debug, Default)]
pub struct ReminderFacts {
    pub networks: Vec<network::Model>,
    /// Decisions on an agenda: no outcome, not withdrawn.
    pub ratifications: Vec<ratification::Model>,
    pub bodies: Vec<governing_body::Model>,
    pub members: Vec<body_member::Model>,
    pub rounds: Vec<alignment_round::Model>,
    /// Invitees of those rounds who have not answered.
    pub unanswered: Vec<alignment_invitee::Model>,
    /// Open conditions and the recorded outcome each belongs to.
    pub conditions: Vec<(ratification_condition::Model, ratification::Model)>,
    /// Current DIRECTORs of the conditions' organisations.
    pub directors: Vec<position::Model>,
    pub commitments: Vec<commitment::Model>,
    pub organisations: Vec<organisation::Model>,
    /// Reminders already made: (rule, subject, person).
    pub made: HashSet<(ReminderRule, Uuid, Uuid)>,
}

/// A reminder to record.
#[derive(Debug, Clone)]
pub struct NewReminder {
    pub network_id: Uuid,
    pub rule: ReminderRule,
    pub subject_id: Uuid,
    pub person_id: Uuid,
    pub due_on: Option<NaiveDate>,
}

/// A rendered mail to put in the outbox.
#[derive(Debug, Clone)]
pub struct NewMail {
    pub person_id: Uuid,
    pub kind: MailKind,
    pub reminder_id: Option<Uuid>,
    pub to_address: String,
    pub language: String,
    pub subject: String,
    pub text_body: String,
    pub html_body: String,
    pub message_id: String,
    pub unsubscribe_url: String,
    pub unsubscribe_hash: String,
}

/// What an SMTP server did with one attempt.
#[derive(Debug, Clone)]
pub struct MailOutcome {
    pub sent: bool,
    /// A refusal that will not change (5xx): the mail fails at once and the
    /// address is disabled.
    pub permanent: bool,
    pub error: Option<String>,
}

impl Store {
    /// What `person_id` chose about e-mail; `None`: the defaults.
    pub async fn mail_preferences(&self, person_id: Uuid) -> AppResult<Option<mail_preference::Model>> {
        let tx = self.tx()?;
        self.scoped::<mail_preference::Entity>()
            .filter(mail_preference::Column::PersonId.eq(person_id))
            .one(&*tx)
            .await
            .context("loading mail preferences")
    }

    /// The preferences of the given people that exist.
    pub async fn mail_preferences_of(&self, person_ids: &[Uuid]) -> AppResult<Vec<mail_preference::Model>> {
        let tx = self.tx()?;
        self.scoped::<mail_preference::Entity>()
            .filter(mail_preference::Column::PersonId.is_in(person_ids.iter().copied()))
            .all(&*tx)
            .await
            .context("loading mail preferences")
    }

    /// Writes a person's preferences whole (insert or replace).
    pub async fn save_mail_preferences(&self, next: mail_preference::Model) -> AppResult<mail_preference::Model> {
        let tx = self.tx()?;
        use mail_preference::Column as C;
        mail_preference::Entity::insert(mail_preference::ActiveModel::from(next.clone()))
            .on_conflict(
                OnConflict::column(C::PersonId)
                    .update_columns([
                        C::DigestRhythm,
                        C::Reminders,
                        C::LastDigestAt,
                        C::DisabledAt,
                        C::DisabledReason,
                        C::UpdatedAt,
                    ])
                    .to_owned(),
            )
            .exec_without_returning(&*tx)
            .await
            .context("saving mail preferences")?;
        Ok(next)
    }

    /// The people who want a digest by e-mail and whose address takes mail.
    pub async fn digest_subscribers(&self) -> AppResult<Vec<mail_preference::Model>> {
        let tx = self.tx()?;
        self.scoped::<mail_preference::Entity>()
            .filter(mail_preference::Column::DigestRhythm.ne(DigestRhythm::Off))
            .filter(mail_preference::Column::DisabledAt.is_null())
            .order_by_asc(mail_preference::Column::PersonId)
            .all(&*tx)
            .await
            .context("loading digest subscribers")
    }

    /// Everything the reminder pass needs, as of `now`.
    pub async fn reminder_facts(&self, now: DateTime<Utc>) -> AppResult<ReminderFacts> {
        let tx = self.tx()?;
        let today = now.date_naive();
        let horizon = today + ChronoDuration::days(366);
        use ratification::Column as R;
        // Decisions that can be due within a year: awaiting with a due date,
        // or advisory bodies in consultation (due from its start).
        let ratifications = self
            .visible::<ratification::Entity>()
            .filter(R::Outcome.is_null())
            .filter(R::WithdrawnAt.is_null())
            .filter(
                Condition::any()
                    .add(
                        Condition::all()
                            .add(R::Status.eq(RatificationStatus::Awaiting))
                            .add(R::DueOn.gte(today))
                            .add(R::DueOn.lte(horizon)),
                    )
                    .add(
                        Condition::all()
                            .add(R::Status.eq(RatificationStatus::Consulting))
                            .add(R::ConsultationStartedAt.gte(now - ChronoDuration::days(366))),
                    ),
            )
            .order_by_asc(R::Id)
            .limit(PER_PASS)
            .all(&*tx)
            .await
            .context("loading decisions to remind of")?;
        let rounds = self
            .visible::<alignment_round::Entity>()
            .filter(alignment_round::Column::Status.eq(RoundStatus::Open))
            .filter(alignment_round::Column::ClosesAt.gt(now))
            .order_by_asc(alignment_round::Column::Id)
            .limit(PER_PASS)
            .all(&*tx)
            .await
            .context("loading rounds to remind of")?;
        let round_ids: Vec<Uuid> = rounds.iter().map(|r| r.id).collect();
        let answered = sea_orm::sea_query::Query::select()
            .column(alignment_response::Column::PersonId)
            .from(alignment_response::Entity)
            .and_where(alignment_response::Column::TenantId.eq(self.tenant_id()))
            .and_where(
                Expr::col((alignment_response::Entity, alignment_response::Column::RoundId))
                    .equals((alignment_invitee::Entity, alignment_invitee::Column::RoundId)),
            )
            .to_owned();
        let unanswered = self
            .scoped::<alignment_invitee::Entity>()
            .filter(alignment_invitee::Column::RoundId.is_in(round_ids))
            .filter(alignment_invitee::Column::PersonId.not_in_subquery(answered))
            .all(&*tx)
            .await
            .context("loading invitees who have not answered")?;
        let recorded = self
            .visible::<ratification::Entity>()
            .filter(R::WithdrawnAt.is_null())
            .filter(R::RecordedAt.is_not_null())
            .select_only()
            .column(R::Id)
            .into_query();
        let open = self
            .scoped::<ratification_condition::Entity>()
            .filter(ratification_condition::Column::Status.eq(ConditionStatus::Open))
            .filter(ratification_condition::Column::RatificationId.in_subquery(recorded))
            .order_by_asc(ratification_condition::Column::Id)
            .limit(PER_PASS)
            .all(&*tx)
            .await
            .context("loading open conditions")?;
        let owners = self
            .visible::<ratification::Entity>()
            .filter(R::Id.is_in(open.iter().map(|c| c.ratification_id)))
            .all(&*tx)
            .await
            .context("loading the conditions' outcomes")?;
        let conditions: Vec<_> = open
            .into_iter()
            .filter_map(|c| Some((c.clone(), owners.iter().find(|r| r.id == c.ratification_id)?.clone())))
            .collect();

        let mut body_ids: Vec<Uuid> = ratifications.iter().map(|r| r.body_id).collect();
        body_ids.sort_unstable();
        body_ids.dedup();
        let bodies = self.bodies_by_ids(&body_ids).await?;
        let members = self
            .scoped::<body_member::Entity>()
            .filter(body_member::Column::BodyId.is_in(body_ids))
            .all(&*tx)
            .await
            .context("loading the bodies' members")?;
        let condition_organisations: Vec<Uuid> = conditions.iter().map(|(c, _)| c.organisation_id).collect();
        let directors = self
            .visible::<position::Entity>()
            .filter(position::Column::OrganisationId.is_in(condition_organisations.iter().copied()))
            .filter(position::Column::Role.eq(PositionRole::Director))
            .filter(position::Column::StartedOn.lte(today))
            .filter(Condition::any().add(position::Column::EndedOn.is_null()).add(position::Column::EndedOn.gt(today)))
            .all(&*tx)
            .await
            .context("loading the directors of the conditions' parties")?;
        let mut commitment_ids: Vec<Uuid> = ratifications
            .iter()
            .map(|r| r.commitment_id)
            .chain(conditions.iter().map(|(_, r)| r.commitment_id))
            .collect();
        commitment_ids.sort_unstable();
        commitment_ids.dedup();
        let commitments = self.commitments_by_ids(&commitment_ids).await?;
        let mut organisation_ids = condition_organisations;
        organisation_ids.extend(ratifications.iter().map(|r| r.organisation_id));
        organisation_ids.sort_unstable();
        organisation_ids.dedup();
        let organisations = self.organisations_by_ids(&organisation_ids).await?;
        let mut network_ids: Vec<Uuid> = ratifications
            .iter()
            .map(|r| r.network_id)
            .chain(rounds.iter().map(|r| r.network_id))
            .chain(conditions.iter().map(|(_, r)| r.network_id))
            .collect();
        network_ids.sort_unstable();
        network_ids.dedup();
        let networks = self.networks_by_ids(&network_ids).await?;
        let mut subject_ids: Vec<Uuid> = ratifications
            .iter()
            .map(|r| r.id)
            .chain(rounds.iter().map(|r| r.id))
            .chain(conditions.iter().map(|(c, _)| c.id))
            .collect();
        subject_ids.sort_unstable();
        let made = self
            .tenant_only::<reminder::Entity>()
            .filter(reminder::Column::SubjectId.is_in(subject_ids))
            .select_only()
            .column(reminder::Column::Rule)
            .column(reminder::Column::SubjectId)
            .column(reminder::Column::PersonId)
            .into_tuple::<(ReminderRule, Uuid, Uuid)>()
            .all(&*tx)
            .await
            .context("loading the reminders already made")?
            .into_iter()
            .collect();
        Ok(ReminderFacts {
            networks,
            ratifications,
            bodies,
            members,
            rounds,
            unanswered,
            conditions,
            directors,
            commitments,
            organisations,
            made,
        })
    }

    /// Records a reminder; `None` when it was already made (by another
    /// worker meanwhile): the unique (rule, subject, person) decides.
    pub async fn insert_reminder(&self, new: &NewReminder) -> AppResult<Option<reminder::Model>> {
        let tx = self.tx()?;
        let model = reminder::Model {
            id: Uuid::now_v7(),
            tenant_id: self.tenant_id(),
            network_id: new.network_id,
            rule: new.rule,
            subject_id: new.subject_id,
            person_id: new.person_id,
            due_on: new.due_on,
            created_at: self.now(),
        };
        let inserted = reminder::Entity::insert(reminder::ActiveModel::from(model.clone()))
            .on_conflict(
                OnConflict::columns([
                    reminder::Column::TenantId,
                    reminder::Column::Rule,
                    reminder::Column::SubjectId,
                    reminder::Column::PersonId,
                ])
                .do_nothing()
                .to_owned(),
            )
            .exec_without_returning(&*tx)
            .await
            .context("recording a reminder")?;
        Ok((inserted == 1).then_some(model))
    }

    /// The reminders of `person_id` the actor sees, newest first.
    pub async fn reminders_of(&self, person_id: Uuid, limit: u64) -> AppResult<Vec<reminder::Model>> {
        let tx = self.tx()?;
        self.visible::<reminder::Entity>()
            .filter(reminder::Column::PersonId.eq(person_id))
            .order_by_desc(reminder::Column::Id)
            .limit(limit)
            .all(&*tx)
            .await
            .context("loading reminders")
    }

    /// The mails to `person_id` the actor sees, newest first.
    pub async fn mails_of(&self, person_id: Uuid, limit: u64) -> AppResult<Vec<mail::Model>> {
        let tx = self.tx()?;
        self.visible::<mail::Entity>()
            .filter(mail::Column::PersonId.eq(person_id))
            .order_by_desc(mail::Column::Id)
            .limit(limit)
            .all(&*tx)
            .await
            .context("loading mails")
    }

    /// Puts a rendered mail in the outbox, due now.
    pub async fn enqueue_mail(&self, new: NewMail) -> AppResult<mail::Model> {
        let tx = self.tx()?;
        let now = self.now();
        let model = mail::Model {
            id: Uuid::now_v7(),
            tenant_id: self.tenant_id(),
            person_id: new.person_id,
            kind: new.kind,
            reminder_id: new.reminder_id,
            to_address: Some(new.to_address),
            language: new.language,
            subject: new.subject,
            text_body: new.text_body,
            html_body: new.html_body,
            message_id: new.message_id,
            unsubscribe_url: new.unsubscribe_url,
            unsubscribe_hash: new.unsubscribe_hash,
            status: DeliveryStatus::Pending,
            attempts: 0,
            next_attempt_at: Some(now),
            lease_until: None,
            last_error: None,
            last_attempt_at: None,
            sent_at: None,
            created_at: now,
        };
        mail::Entity::insert(mail::ActiveModel::from(model.clone()))
            .exec_without_returning(&*tx)
            .await
            .context("putting a mail in the outbox")?;
        Ok(model)
    }

    /// The mail whose unsubscribe link has this secret's hash, whoever the
    /// actor is (the link is the credential; the tenant comes with it).
    pub async fn mail_by_unsubscribe_hash(&self, hash: &str) -> AppResult<Option<mail::Model>> {
        let tx = self.tx()?;
        self.tenant_only::<mail::Entity>()
            .filter(mail::Column::UnsubscribeHash.eq(hash))
            .one(&*tx)
            .await
            .context("looking up an unsubscribe link")
    }

    /// Whether the tenant has a mail due and not leased (one small read, so
    /// an idle tick never takes SQLite's write lock).
    pub async fn has_mail_work(&self) -> AppResult<bool> {
        let tx = self.tx()?;
        Ok(self
            .tenant_only::<mail::Entity>()
            .filter(lease::due::<mail::Entity>(self.now()))
            .one(&*tx)
            .await
            .context("checking for due mail")?
            .is_some())
    }

    /// Leases up to `limit` due mails until `now + lease`; what another
    /// worker took meanwhile is skipped.
    pub async fn claim_due_mails(&self, lease_for: std::time::Duration, limit: u64) -> AppResult<Vec<mail::Model>> {
        let tx = self.tx()?;
        let now = self.now();
        let until = lease::lease_end(now, lease_for);
        let due = self
            .tenant_only::<mail::Entity>()
            .filter(lease::due::<mail::Entity>(now))
            .order_by_asc(mail::Column::NextAttemptAt)
            .order_by_asc(mail::Column::Id)
            .limit(limit)
            .all(&*tx)
            .await
            .context("reading due mail")?;
        let mut claimed = Vec::with_capacity(due.len());
        for mut mail in due {
            if lease::take::<mail::Entity>(&*tx, self.tenant_id(), mail.id, now, until).await? {
                mail.lease_until = Some(until);
                claimed.push(mail);
            }
        }
        Ok(claimed)
    }

    /// Settles a mail after an attempt: sent, rescheduled or FAILED. A
    /// permanent refusal disables the address with the server's answer.
    pub async fn record_mail_attempt(&self, sent: &mail::Model, outcome: &MailOutcome, jitter: f64) -> AppResult<()> {
        let tx = self.tx()?;
        let now = self.now();
        let settled = lease::settle(sent.attempts, outcome.sent, outcome.permanent, jitter, now);
        mail::Entity::update_many()
            .col_expr(mail::Column::Status, Expr::value(settled.status))
            .col_expr(mail::Column::Attempts, Expr::value(settled.attempts))
            .col_expr(mail::Column::NextAttemptAt, Expr::value(settled.next_attempt_at))
            .col_expr(mail::Column::LeaseUntil, Expr::value(Option::<DateTime<Utc>>::None))
            .col_expr(mail::Column::LastError, Expr::value(outcome.error.clone()))
            .col_expr(mail::Column::LastAttemptAt, Expr::value(now))
            .col_expr(mail::Column::SentAt, Expr::value(settled.done_at))
            .filter(mail::Column::TenantId.eq(self.tenant_id()))
            .filter(mail::Column::Id.eq(sent.id))
            .exec(&*tx)
            .await
            .context("recording a mail attempt")?;
        if outcome.permanent && !outcome.sent {
            let reason = outcome.error.clone().unwrap_or_else(|| "the mail server refused the address".to_owned());
            self.disable_mail_address(sent.person_id, &reason).await?;
        }
        Ok(())
    }

    /// Stops mail to an address that refused it for good, until the person
    /// sets their preferences again; mail still waiting for it is dropped.
    async fn disable_mail_address(&self, person_id: Uuid, reason: &str) -> AppResult<()> {
        let now = self.now();
        let current = self.mail_preferences(person_id).await?;
        let next = mail_preference::Model {
            disabled_at: Some(now),
            disabled_reason: Some(reason.to_owned()),
            updated_at: now,
            ..current.unwrap_or_else(|| defaults(self.tenant_id(), person_id, now))
        };
        self.save_mail_preferences(next).await?;
        self.drop_pending_mail(person_id, "the address was disabled").await?;
        tracing::warn!(person = %person_id, %reason, "mail address disabled");
        Ok(())
    }

    /// Fails every mail still waiting for `person_id`, with `why`.
    pub async fn drop_pending_mail(&self, person_id: Uuid, why: &str) -> AppResult<u64> {
        let tx = self.tx()?;
        let result = mail::Entity::update_many()
            .col_expr(mail::Column::Status, Expr::value(DeliveryStatus::Failed))
            .col_expr(mail::Column::NextAttemptAt, Expr::value(Option::<DateTime<Utc>>::None))
            .col_expr(mail::Column::LastError, Expr::value(why.to_owned()))
            .filter(mail::Column::TenantId.eq(self.tenant_id()))
            .filter(mail::Column::PersonId.eq(person_id))
            .filter(mail::Column::Status.eq(DeliveryStatus::Pending))
            .exec(&*tx)
            .await
            .context("dropping waiting mail")?;
        Ok(result.rows_affected)
    }

    /// Anonymising: no mail goes to the person any more, and the log keeps
    /// no address. Their preferences go; what was sent stays, addressless,
    /// as the record that it was.
    pub async fn stop_all_mail_to(&self, person_id: Uuid) -> AppResult<()> {
        let tx = self.tx()?;
        self.drop_pending_mail(person_id, "the person was anonymised").await?;
        mail::Entity::update_many()
            .col_expr(mail::Column::ToAddress, Expr::value(Option::<String>::None))
            .filter(mail::Column::TenantId.eq(self.tenant_id()))
            .filter(mail::Column::PersonId.eq(person_id))
            .exec(&*tx)
            .await
            .context("erasing the person's address from the mail log")?;
        mail_preference::Entity::delete_many()
            .filter(mail_preference::Column::TenantId.eq(self.tenant_id()))
            .filter(mail_preference::Column::PersonId.eq(person_id))
            .exec(&*tx)
            .await
            .context("removing the person's mail preferences")?;
        Ok(())
    }

    /// The people of the given ids, whoever the actor sees: the reminder
    /// pass needs the recipients' addresses and languages.
    pub async fn recipients(&self, person_ids: &[Uuid]) -> AppResult<Vec<person::Model>> {
        let tx = self.tx()?;
        self.tenant_only::<person::Entity>()
            .filter(person::Column::Id.is_in(person_ids.iter().copied()))
            .filter(person::Column::AnonymizedAt.is_null())
            .all(&*tx)
            .await
            .context("loading recipients")
    }
}

/// The preferences of a person who never chose.
pub fn defaults(tenant_id: Uuid, person_id: Uuid, now: DateTime<Utc>) -> mail_preference::Model {
    mail_preference::Model {
        person_id,
        tenant_id,
        digest_rhythm: DigestRhythm::Off,
        reminders: true,
        last_digest_at: None,
        disabled_at: None,
        disabled_reason: None,
        updated_at: now,
    }
}
