//! The mail worker: the reminder pass, digests on each person's rhythm, and
//! sending the mail outbox over SMTP (docs/mail.md).
//!
//! Each tick, for every tenant (one tenant per transaction, for row-level
//! security):
//! 1. reminders: what the networks' rules make due is recorded once, and
//!    with SMTP set up its mail goes in the outbox in the same transaction;
//! 2. digests (SMTP only): each person whose slot came is read as
//!    themselves, their digest goes in the outbox and their period moves on,
//!    in one transaction;
//! 3. sending (SMTP only): due mails are leased and committed, sent outside
//!    any transaction, and settled one by one (`store::lease`, as webhook
//!    deliveries are).
//!
//! Without SMTP the worker still records reminders (they show in the API),
//! and sends nothing.

use std::sync::Arc;
use std::time::Duration;

use lettre::message::header::{ContentType, HeaderName, HeaderValue};
use lettre::message::{Mailbox, MultiPart, SinglePart};
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use secrecy::{ExposeSecret, SecretString};
use uuid::Uuid;

use crate::auth::{Principal, TenantRef};
use crate::clock::Clock;
use crate::domain::AppResult;
use crate::service::mail::{self as mailing, MailSetup};
use crate::store::mail::MailOutcome;
use crate::store::{Access, Db, Store};
use crate::webhooks::Jitter;

/// How the mail worker runs; `Default` is production's, but for SMTP.
#[derive(Clone)]
pub struct MailSettings {
    /// How often the worker looks for due reminders, digests and mail.
    pub poll_interval: Duration,
    /// How long a leased mail is held before another worker may take it:
    /// longer than `send_timeout`, so only a dead worker loses its lease.
    pub lease: Duration,
    /// How long an SMTP server gets for one mail.
    pub send_timeout: Duration,
    /// Mails taken per tenant and tick.
    pub batch: u64,
    /// The statement timeout of a digest read as its person.
    pub statement_timeout: Duration,
    /// Where mail goes out, and as whom; `None`: nothing is sent.
    pub smtp: Option<Smtp>,
}

/// An SMTP server and the sender.
#[derive(Clone)]
pub struct Smtp {
    /// `smtps://user:pass@host:465`, `smtp://host:587?tls=required`, or for a
    /// server on the same machine `smtp://127.0.0.1:25` (lettre's URL form).
    pub url: SecretString,
    pub from: Mailbox,
    /// What mail links to (unsubscribe, and where subjects are seen).
    pub setup: MailSetup,
}

impl Default for MailSettings {
    fn default() -> Self {
        Self {
            poll_interval: Duration::from_secs(30),
            lease: Duration::from_secs(120),
            send_timeout: Duration::from_secs(30),
            batch: 100,
            statement_timeout: Duration::from_secs(10),
            smtp: None,
        }
    }
}

/// What one tick did, for logs and tests.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct MailTick {
    pub reminders: usize,
    pub digests: usize,
    pub attempted: usize,
    pub sent: usize,
}

#[derive(Clone)]
pub struct MailWorker {
    db: Db,
    clock: Arc<dyn Clock>,
    settings: MailSettings,
    transport: Option<(AsyncSmtpTransport<Tokio1Executor>, Smtp)>,
    jitter: Jitter,
}

impl MailWorker {
    pub fn new(db: Db, clock: Arc<dyn Clock>, settings: MailSettings) -> anyhow::Result<Self> {
        let transport = match &settings.smtp {
            Some(smtp) => {
                let transport = AsyncSmtpTransport::<Tokio1Executor>::from_url(smtp.url.expose_secret())
                    .map_err(|e| anyhow::anyhow!("EENDRACHT_SMTP_URL: {e}"))?
                    .timeout(Some(settings.send_timeout))
                    .build();
                Some((transport, smtp.clone()))
            }
            None => None,
        };
        Ok(Self { db, clock, settings, transport, jitter: Arc::new(|| rand::random_range(-1.0..=1.0)) })
    }

    pub fn with_jitter(mut self, jitter: Jitter) -> Self {
        self.jitter = jitter;
        self
    }

    /// Ticks until `stop` resolves; a failing tick is logged and retried.
    pub async fn run(self, stop: impl Future<Output = ()> + Send) {
        let poll = self.settings.poll_interval;
        crate::webhooks::run_ticks(
            "mail",
            poll,
            || async { self.tick().await.map(|t| t != MailTick::default()) },
            stop,
        )
        .await;
    }

    /// One pass over every tenant.
    pub async fn tick(&self) -> AppResult<MailTick> {
        let mut report = MailTick::default();
        for tenant_id in self.db.tenant_ids().await? {
            let tenant = self.tick_tenant(tenant_id).await?;
            report.reminders += tenant.reminders;
            report.digests += tenant.digests;
            report.attempted += tenant.attempted;
            report.sent += tenant.sent;
        }
        Ok(report)
    }

    async fn tick_tenant(&self, tenant_id: Uuid) -> AppResult<MailTick> {
        let mut report = MailTick::default();
        let setup = self.transport.as_ref().map(|(_, smtp)| &smtp.setup);

        // Reminders: looked for in a read, written only when some are due,
        // so an idle tick never takes SQLite's write lock.
        let look = Store::system(&self.db, tenant_id, Access::Read, self.clock.clone()).await?;
        let due = mailing::due_reminders(&look).await;
        let digests = match (&due, setup) {
            (Ok(_), Some(_)) => mailing::digests_due(&look).await,
            _ => Ok(Vec::new()),
        };
        look.rollback().await;
        if !due?.is_empty() {
            let store = Store::system(&self.db, tenant_id, Access::Write, self.clock.clone()).await?;
            let done = mailing::remind(&store, setup).await?;
            store.commit().await?;
            report.reminders = done.recorded;
        }

        let Some((transport, smtp)) = &self.transport else { return Ok(report) };
        for due in digests? {
            // Read as the person: the digest holds only what they may see.
            let principal = Principal::person(TenantRef::Id(tenant_id), due.subject.clone());
            let store = match Store::begin(
                &self.db,
                &principal,
                Access::Write,
                self.clock.clone(),
                self.settings.statement_timeout,
            )
            .await
            {
                Ok(store) => store,
                Err(error) => {
                    tracing::warn!(%error, person = %due.person_id, "a digest's person could not be resolved");
                    continue;
                }
            };
            match mailing::mail_digest(&store, &smtp.setup, due.since).await {
                Ok(made) => {
                    store.commit().await?;
                    report.digests += usize::from(made);
                }
                Err(error) => {
                    store.rollback().await;
                    tracing::error!(%error, person = %due.person_id, "making a digest failed");
                }
            }
        }

        let look = Store::system(&self.db, tenant_id, Access::Read, self.clock.clone()).await?;
        let has_work = look.has_mail_work().await;
        look.rollback().await;
        if !has_work? {
            return Ok(report);
        }
        let store = Store::system(&self.db, tenant_id, Access::Write, self.clock.clone()).await?;
        let claimed = store.claim_due_mails(self.settings.lease, self.settings.batch).await?;
        store.commit().await?;
        for mail in claimed {
            let outcome = send(transport, &smtp.from, &mail).await;
            report.attempted += 1;
            report.sent += usize::from(outcome.sent);
            // One transaction per answer: a failure to record one does not
            // lose the others (that one is sent again after its lease).
            let store = Store::system(&self.db, tenant_id, Access::Write, self.clock.clone()).await?;
            match store.record_mail_attempt(&mail, &outcome, (self.jitter)()).await {
                Ok(()) => store.commit().await?,
                Err(error) => {
                    store.rollback().await;
                    tracing::error!(%error, mail = %mail.id, "recording a mail attempt failed");
                }
            }
        }
        Ok(report)
    }
}

/// One attempt over SMTP, and what came of it.
async fn send(
    transport: &AsyncSmtpTransport<Tokio1Executor>,
    from: &Mailbox,
    mail: &entity::mail::Model,
) -> MailOutcome {
    let message = match message(from, mail) {
        Ok(message) => message,
        // An address that is no address will not become one.
        Err(error) => return MailOutcome { sent: false, permanent: true, error: Some(error) },
    };
    match transport.send(message).await {
        Ok(response) if response.is_positive() => MailOutcome { sent: true, permanent: false, error: None },
        Ok(response) => MailOutcome {
            sent: false,
            permanent: false,
            error: Some(format!("the mail server answered {}", response.code())),
        },
        Err(error) => MailOutcome { sent: false, permanent: error.is_permanent(), error: Some(describe(&error)) },
    }
}

fn describe(error: &lettre::transport::smtp::Error) -> String {
    let mut text = error.to_string();
    let mut cause: &dyn std::error::Error = error;
    while let Some(source) = cause.source() {
        text = format!("{text}: {source}");
        cause = source;
    }
    text
}

/// The mail as MIME: multipart/alternative with the Markdown text and its
/// HTML, in the person's language, with the one-click unsubscribe headers
/// of RFC 8058 and the Message-ID it keeps across attempts.
fn message(from: &Mailbox, mail: &entity::mail::Model) -> Result<Message, String> {
    let to: Mailbox = mail
        .to_address
        .as_deref()
        .ok_or("the mail has no address any more")?
        .parse()
        .map_err(|e| format!("not an e-mail address: {e}"))?;
    let header = |name: &'static str, value: String| HeaderValue::new(HeaderName::new_from_ascii_str(name), value);
    Message::builder()
        .from(from.clone())
        .to(to)
        .subject(mail.subject.clone())
        .message_id(Some(mail.message_id.clone()))
        .date(mail.created_at.into())
        .raw_header(header("Content-Language", mail.language.clone()))
        .raw_header(header("List-Unsubscribe", format!("<{}>", mail.unsubscribe_url)))
        .raw_header(header("List-Unsubscribe-Post", "List-Unsubscribe=One-Click".to_owned()))
        .raw_header(header("Auto-Submitted", "auto-generated".to_owned()))
        .multipart(
            MultiPart::alternative()
                .singlepart(SinglePart::builder().header(ContentType::TEXT_PLAIN).body(mail.text_body.clone()))
                .singlepart(SinglePart::builder().header(ContentType::TEXT_HTML).body(mail.html_body.clone())),
        )
        .map_err(|e| format!("the mail could not be built: {e}"))
}
