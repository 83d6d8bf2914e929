//! Calendar feeds (docs/calendar.md): a person's secret feed URLs, created and
//! revoked here and fetched at `GET /calendar/<token>.ics` (`http::calendar`).

use async_graphql::{Context, ID, InputObject, Object, Result, SimpleObject};
use entity::calendar_feed;

use super::ids::{self, NodeType};
use super::loaders::{self, PersonId};
use super::people::Person;
use super::scalars::DateTime;
use super::store;
use crate::domain::calendar::Subject;
use crate::service::calendar as service;

/// Where feeds and the items in them are reached from outside: the server's
/// public address, and the deployment's front-end link template
/// (`EENDRACHT_PUBLIC_URL`, `EENDRACHT_CALENDAR_LINK_TEMPLATE`).
#[derive(Debug, Clone)]
pub struct CalendarLinks {
    base_url: String,
    link_template: Option<String>,
}

impl CalendarLinks {
    /// `base_url` without a trailing slash; a template must be an absolute
    /// http(s) URL holding `{id}` (and may hold `{type}`).
    pub fn new(base_url: &str, link_template: Option<String>) -> anyhow::Result<Self> {
        let parsed = url::Url::parse(base_url).map_err(|e| anyhow::anyhow!("the public URL {base_url:?}: {e}"))?;
        anyhow::ensure!(matches!(parsed.scheme(), "http" | "https"), "the public URL must be http or https");
        if let Some(template) = &link_template {
            anyhow::ensure!(template.contains("{id}"), "the calendar link template must hold {{id}}");
            let probe = template.replace("{type}", "Meeting").replace("{id}", "x");
            let parsed = url::Url::parse(&probe).map_err(|e| anyhow::anyhow!("the calendar link template: {e}"))?;
            anyhow::ensure!(
                matches!(parsed.scheme(), "http" | "https"),
                "the calendar link template must be http or https"
            );
        }
        Ok(Self { base_url: base_url.trim_end_matches('/').to_owned(), link_template })
    }

    /// The URL a calendar app subscribes to.
    pub fn feed_url(&self, token: &str) -> String {
        format!("{}/calendar/{token}.ics", self.base_url)
    }

    /// Where a front-end shows what a mail's line is about (a reminder's
    /// decision, round or condition); `None` without a template or for a
    /// line of no single object.
    pub fn mail_link(&self, subject: &crate::domain::digest::Subject) -> Option<String> {
        use crate::domain::digest::Subject as S;
        let (node_type, id) = match subject {
            S::Decision { ratification_id, .. } | S::Condition { ratification_id, .. } => {
                (NodeType::Ratification, *ratification_id)
            }
            S::Round { round_id, .. } => (NodeType::AlignmentRound, *round_id),
            S::Commitment { commitment_id, .. } => (NodeType::Commitment, *commitment_id),
            S::Outcome { ratification_id, .. } => (NodeType::Ratification, *ratification_id),
            S::QuickWins { .. } | S::Signal { .. } => return None,
        };
        self.fill(node_type, id)
    }

    /// Where a front-end shows what an entry is about, by the type and global
    /// id the API knows it by; `None` without a template.
    pub fn link(&self, subject: &Subject) -> Option<String> {
        let (node_type, id) = match subject {
            Subject::Meeting { id, .. } => (NodeType::Meeting, *id),
            Subject::Decision { ratification_id, .. } => (NodeType::Ratification, *ratification_id),
            Subject::Consultation { commitment_id, .. } | Subject::CommitmentDue { commitment_id, .. } => {
                (NodeType::Commitment, *commitment_id)
            }
            Subject::RoundCloses { round_id, .. } => (NodeType::AlignmentRound, *round_id),
        };
        self.fill(node_type, id)
    }

    /// The template filled in for one object; `None` without a template.
    fn fill(&self, node_type: NodeType, id: uuid::Uuid) -> Option<String> {
        let template = self.link_template.as_ref()?;
        let global = ids::global_id(node_type, id);
        Some(template.replace("{type}", node_type.type_name()).replace("{id}", global.as_str()))
    }
}

#[derive(Clone)]
pub struct CalendarFeed(pub calendar_feed::Model);

/// A secret calendar feed URL of one person (iCalendar, RFC 5545): what
/// concerns them, as they see it, in their language. The URL itself is shown
/// once, when it is made.
#[Object]
impl CalendarFeed {
    /// Opaque global id.
    pub async fn id(&self) -> ID {
        ids::global_id(NodeType::CalendarFeed, self.0.id)
    }

    /// What its owner called it ("Phone", "Outlook at work").
    async fn name(&self) -> &str {
        &self.0.name
    }

    /// Whose feed it is.
    async fn person(&self, ctx: &Context<'_>) -> Result<Person> {
        let person = loaders::from_context(ctx).load_one(PersonId(self.0.person_id)).await?;
        loaders::present(person, "a calendar feed's owner").map(Person)
    }

    /// When it was made.
    async fn created_at(&self) -> DateTime {
        DateTime(self.0.created_at)
    }

    /// When it was revoked; its URL stopped answering at that moment.
    async fn revoked_at(&self) -> Option<DateTime> {
        self.0.revoked_at.map(DateTime)
    }
}

/// Makes a calendar feed URL for yourself.
#[derive(InputObject)]
pub struct CreateCalendarFeedInput {
    /// What it is for, e.g. "Phone", 1 to 200 characters.
    pub name: String,
}

/// The result of `createCalendarFeed`: the only time the URL is shown.
#[derive(SimpleObject)]
pub struct CreateCalendarFeedPayload {
    /// The new feed.
    pub calendar_feed: CalendarFeed,
    /// The URL to subscribe to in a calendar app (`https://…/calendar/<token>.ics`).
    /// Anyone who has it sees what the feed shows: keep it like a password.
    /// Only its hash is kept: store it now.
    pub url: String,
    /// The same URL with the `webcal:` scheme, which opens the calendar app's
    /// subscribe dialog when clicked.
    pub webcal_url: String,
}

/// Revokes a calendar feed.
#[derive(InputObject)]
pub struct RevokeCalendarFeedInput {
    /// The feed to revoke.
    pub calendar_feed_id: ID,
}

/// The result of `revokeCalendarFeed`.
#[derive(SimpleObject)]
pub struct RevokeCalendarFeedPayload {
    /// The revoked feed.
    pub calendar_feed: CalendarFeed,
}

#[derive(Default)]
pub struct CalendarMutation;

#[Object]
impl CalendarMutation {
    /// Makes a secret calendar feed URL for the signed-in person: their
    /// network meetings, their bodies' decisions, their organisations'
    /// consultations and due dates, and the alignment rounds they are invited
    /// to. A person only; an API client has no calendar.
    async fn create_calendar_feed(
        &self,
        ctx: &Context<'_>,
        input: CreateCalendarFeedInput,
    ) -> Result<CreateCalendarFeedPayload> {
        let created = service::create_feed(store(ctx), &input.name).await?;
        let token = created.token.expose();
        let url = match ctx.data_opt::<CalendarLinks>() {
            Some(links) => links.feed_url(&token),
            None => format!("/calendar/{token}.ics"),
        };
        let webcal_url = webcal(&url);
        Ok(CreateCalendarFeedPayload { calendar_feed: CalendarFeed(created.feed), url, webcal_url })
    }

    /// Revokes a calendar feed at once: its URL answers 404 from the next
    /// fetch. Your own, or anyone's for an ADMIN.
    async fn revoke_calendar_feed(
        &self,
        ctx: &Context<'_>,
        input: RevokeCalendarFeedInput,
    ) -> Result<RevokeCalendarFeedPayload> {
        let id = ids::decode_id("calendarFeedId", &input.calendar_feed_id, NodeType::CalendarFeed)?;
        let feed = service::revoke_feed(store(ctx), id).await?;
        Ok(RevokeCalendarFeedPayload { calendar_feed: CalendarFeed(feed) })
    }
}

/// `https://host/…` as `webcal://host/…` (and `http` alike).
fn webcal(url: &str) -> String {
    match url.split_once("://") {
        Some((_, rest)) => format!("webcal://{rest}"),
        None => url.to_owned(),
    }
}

/// A person's feeds, for `Viewer.calendarFeeds` and `Person.calendarFeeds`.
pub async fn feeds_of(ctx: &Context<'_>, person_id: uuid::Uuid) -> Result<Vec<CalendarFeed>> {
    Ok(service::feeds_of(store(ctx), person_id).await?.into_iter().map(CalendarFeed).collect())
}
