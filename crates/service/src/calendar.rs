//! Calendar feeds (docs/calendar.md): a person's secret feed URLs, and what a
//! feed holds. The feed is read as its owner, through the same visible reads
//! as the API, in a fixed number of statements whatever its size.

use std::collections::{BTreeMap, HashMap};

use chrono::{Duration, NaiveDate};
use entity::calendar_feed;
use serde_json::json;
use uuid::Uuid;

use crate::auth::feeds::FeedToken;
use crate::domain::agenda;
use crate::domain::calendar::{Entry, Subject, When};
use crate::domain::events::EventKind;
use crate::domain::values::Name;
use crate::domain::{AppResult, policy};
use crate::i18n::{Locale, local_day};
use crate::store::{NewEvent, Store};

/// How far back a feed reaches: the meetings and rounds of the last three
/// months stay in the calendar, older ones drop out of it.
pub const LOOK_BACK: Duration = Duration::days(90);

/// A new feed and its token: the only time the token is shown.
pub struct CreatedFeed {
    pub feed: calendar_feed::Model,
    pub token: FeedToken,
}

/// Creates a feed for the signed-in person, who names it ("Phone").
pub async fn create_feed(store: &Store, name: &str) -> AppResult<CreatedFeed> {
    let token = FeedToken::mint(store.tenant_id());
    create_feed_with(store, name, token).await
}

/// Creates a feed with a token made elsewhere (the demo's derived ones).
pub async fn create_feed_with(store: &Store, name: &str, token: FeedToken) -> AppResult<CreatedFeed> {
    let person_id = store.actor().person()?;
    let name = Name::parse("name", name)?;
    let feed = store.insert_calendar_feed(person_id, name.as_str(), &token.hash()).await?;
    store
        .record_event(NewEvent::new(EventKind::CalendarFeedCreated, feed.id, json!({ "personId": person_id })))
        .await?;
    Ok(CreatedFeed { feed, token })
}

/// Revokes a feed: its URL stops answering with the next fetch. The owner,
/// or an ADMIN (someone who left, a URL that leaked); revoking twice keeps
/// the first time.
pub async fn revoke_feed(store: &Store, feed_id: Uuid) -> AppResult<calendar_feed::Model> {
    let feed = store.calendar_feed(feed_id).await?;
    if !store.actor().is(feed.person_id) {
        policy::require_admin(&store.actor())?;
    }
    if feed.revoked_at.is_some() {
        return Ok(feed);
    }
    let feed = store.revoke_calendar_feed(feed).await?;
    store
        .record_event(NewEvent::new(EventKind::CalendarFeedRevoked, feed.id, json!({ "personId": feed.person_id })))
        .await?;
    Ok(feed)
}

/// The feeds of `person_id`: your own, or anyone's for an ADMIN; empty for
/// anyone else.
pub async fn feeds_of(store: &Store, person_id: Uuid) -> AppResult<Vec<calendar_feed::Model>> {
    store.calendar_feeds_of(person_id).await
}

/// What a feed shows: its owner's name and language, and its entries, soonest
/// first.
pub struct FeedContent {
    pub owner: String,
    pub locale: Locale,
    pub entries: Vec<Entry>,
}

/// The feed of the signed-in person, as they see the data now:
/// - meetings of the networks they facilitate, sit at the table of, or whose
///   organisation is an active partner of;
/// - decisions the bodies they sit on must still take, on their due dates;
/// - consultation windows of their organisations;
/// - the closing of alignment rounds they are invited to;
/// - due dates of their organisations' open commitments.
pub async fn feed(store: &Store) -> AppResult<FeedContent> {
    let actor = store.actor();
    let person_id = actor.person()?;
    // The person once, for their name and their language.
    let person = store.person(person_id).await?;
    let locale = crate::people::language_of(store, Some(&person)).await?;
    let owner = person.name;
    let now = store.now();
    let organisation_ids = actor.organisation_ids();

    let network_ids = actor.own_network_ids();

    let meetings = store.calendar_meetings(&network_ids, actor.today - LOOK_BACK).await?;
    let decisions: Vec<_> =
        store.pending_for_bodies(&actor.body_ids).await?.into_iter().filter(agenda::is_on_agenda).collect();
    let consultations = store.consulting_ratifications_of(&organisation_ids).await?;
    let rounds = store.rounds_inviting(person_id, now - LOOK_BACK).await?;
    let round_ids: Vec<Uuid> = rounds.iter().map(|r| r.id).collect();
    let answered = store.rounds_answered_by(person_id, &round_ids).await?;
    let due = store.open_commitments_of(&organisation_ids).await?;

    // The names the texts need, one read per kind.
    let mut body_ids: Vec<Uuid> = decisions.iter().chain(&consultations).map(|r| r.body_id).collect();
    body_ids.sort_unstable();
    body_ids.dedup();
    let bodies: HashMap<Uuid, entity::governing_body::Model> =
        store.bodies_by_ids(&body_ids).await?.into_iter().map(|b| (b.id, b)).collect();
    let mut commitment_ids: Vec<Uuid> = decisions
        .iter()
        .chain(&consultations)
        .map(|r| r.commitment_id)
        .filter(|id| !due.iter().any(|c| c.id == *id))
        .collect();
    commitment_ids.sort_unstable();
    commitment_ids.dedup();
    let mut titles: HashMap<Uuid, String> =
        store.commitments_by_ids(&commitment_ids).await?.into_iter().map(|c| (c.id, c.title)).collect();
    titles.extend(due.iter().map(|c| (c.id, c.title.clone())));
    let mut named_organisations: Vec<Uuid> =
        decisions.iter().chain(&consultations).map(|r| r.organisation_id).collect();
    named_organisations.sort_unstable();
    named_organisations.dedup();
    let organisations: HashMap<Uuid, String> =
        store.organisations_by_ids(&named_organisations).await?.into_iter().map(|o| (o.id, o.name)).collect();
    let mut named_networks: Vec<Uuid> = meetings
        .iter()
        .map(|m| m.network_id)
        .chain(rounds.iter().map(|r| r.network_id))
        .chain(due.iter().map(|c| c.network_id))
        .collect();
    named_networks.sort_unstable();
    named_networks.dedup();
    let networks: HashMap<Uuid, String> =
        store.networks_by_ids(&named_networks).await?.into_iter().map(|n| (n.id, n.name)).collect();
    let name_of = |names: &HashMap<Uuid, String>, id: Uuid| names.get(&id).cloned().unwrap_or_default();

    let mut entries = Vec::new();
    for meeting in meetings {
        let when = match meeting.starts_at {
            Some(start) => When::Timed { start, end: meeting.ends_at },
            None => When::Days { first: meeting.held_on, last: meeting.held_on },
        };
        entries.push(Entry {
            subject: Subject::Meeting {
                id: meeting.id,
                title: meeting.title,
                network: name_of(&networks, meeting.network_id),
                status: meeting.status,
                location: meeting.location,
                online_url: meeting.online_url,
                cancellation_reason: meeting.cancellation_reason,
            },
            when,
            sequence: u32::try_from(meeting.sequence).unwrap_or_default(),
            changed_at: meeting.created_at,
            link: None,
        });
    }
    for ratification in decisions {
        let Some(body) = bodies.get(&ratification.body_id) else { continue };
        let Some(due_on) = agenda::due_on(&ratification, body.response_days) else { continue };
        entries.push(Entry {
            subject: Subject::Decision {
                ratification_id: ratification.id,
                title: name_of(&titles, ratification.commitment_id),
                body: body.name.clone(),
                organisation: name_of(&organisations, ratification.organisation_id),
                right: ratification.right,
            },
            when: When::Days { first: due_on, last: due_on },
            sequence: u32::try_from(ratification.version).unwrap_or_default(),
            changed_at: ratification.consultation_started_at.unwrap_or(ratification.created_at),
            link: None,
        });
    }
    // One window per commitment and organisation: from the start of the
    // consultation until the last of its bodies' response times runs out.
    let mut windows: BTreeMap<(Uuid, Uuid), Window> = BTreeMap::new();
    for ratification in &consultations {
        let (Some(started), Some(body)) = (ratification.consultation_started_at, bodies.get(&ratification.body_id))
        else {
            continue;
        };
        let first = local_day(started);
        let window = Window {
            first,
            last: first + Duration::days(i64::from(body.response_days)),
            sequence: u32::try_from(ratification.version).unwrap_or_default(),
            changed_at: started,
        };
        windows
            .entry((ratification.commitment_id, ratification.organisation_id))
            .and_modify(|w| w.widen(&window))
            .or_insert(window);
    }
    for ((commitment_id, organisation_id), window) in windows {
        entries.push(Entry {
            subject: Subject::Consultation {
                commitment_id,
                organisation_id,
                title: name_of(&titles, commitment_id),
                organisation: name_of(&organisations, organisation_id),
            },
            when: When::Days { first: window.first, last: window.last },
            sequence: window.sequence,
            changed_at: window.changed_at,
            link: None,
        });
    }
    for round in rounds {
        let closes = local_day(round.closes_at);
        entries.push(Entry {
            subject: Subject::RoundCloses {
                round_id: round.id,
                network: name_of(&networks, round.network_id),
                answered: answered.contains(&round.id),
            },
            when: When::Days { first: closes, last: closes },
            sequence: 0,
            changed_at: round.opened_at,
            link: None,
        });
    }
    for commitment in due {
        entries.push(Entry {
            subject: Subject::CommitmentDue {
                commitment_id: commitment.id,
                title: commitment.title,
                network: name_of(&networks, commitment.network_id),
            },
            when: When::Days { first: commitment.due_on, last: commitment.due_on },
            sequence: u32::try_from(commitment.version).unwrap_or_default(),
            changed_at: commitment.updated_at,
            link: None,
        });
    }
    entries.sort_by(|a, b| {
        start_day(&a.when).cmp(&start_day(&b.when)).then_with(|| a.subject.uid().cmp(&b.subject.uid()))
    });
    Ok(FeedContent { owner, locale, entries })
}

/// A consultation window of one organisation on one commitment, over its
/// bodies' ratifications.
struct Window {
    first: NaiveDate,
    last: NaiveDate,
    sequence: u32,
    changed_at: chrono::DateTime<chrono::Utc>,
}

impl Window {
    fn widen(&mut self, other: &Window) {
        self.first = self.first.min(other.first);
        self.last = self.last.max(other.last);
        self.sequence = self.sequence.max(other.sequence);
        self.changed_at = self.changed_at.max(other.changed_at);
    }
}

fn start_day(when: &When) -> NaiveDate {
    match when {
        When::Timed { start, .. } => local_day(*start),
        When::Days { first, .. } => *first,
    }
}
