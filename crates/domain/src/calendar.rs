//! Calendar feeds (docs/calendar.md): what concerns one person, as an
//! iCalendar (RFC 5545) document their calendar app subscribes to.
//!
//! Each entry has a UID that stays the same for as long as its subject
//! exists, so a client updates an event instead of adding a second one, and a
//! SEQUENCE that grows with each change of the subject. Moments are written on
//! the clock of Europe/Amsterdam, with the zone's definition in the document;
//! deadlines are all-day events that do not block free time.

use chrono::{DateTime, Duration, NaiveDate, Utc};
use entity::{BodyRight, MeetingStatus};
use icalendar::{Calendar, CalendarDateTime, Component, Event, EventLike, EventStatus, Property};
use uuid::Uuid;

use crate::agenda::decision_asked;
use crate::i18n::{Arg, Locale, TIME_ZONE, text};

/// The zone every moment is written in, as its TZID.
pub const TZID: &str = "Europe/Amsterdam";

/// Europe/Amsterdam as RFC 5545 §3.6.5 defines a zone: the rules of the
/// European Union since 1996 (summer time from the last Sunday of March at
/// 02:00 to the last Sunday of October at 03:00). Written once, as text: the
/// iCalendar crate builds events but has no time-zone component.
const VTIMEZONE: &str = "BEGIN:VTIMEZONE\r\n\
TZID:Europe/Amsterdam\r\n\
X-LIC-LOCATION:Europe/Amsterdam\r\n\
BEGIN:DAYLIGHT\r\n\
TZOFFSETFROM:+0100\r\n\
TZOFFSETTO:+0200\r\n\
TZNAME:CEST\r\n\
DTSTART:19700329T020000\r\n\
RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU\r\n\
END:DAYLIGHT\r\n\
BEGIN:STANDARD\r\n\
TZOFFSETFROM:+0200\r\n\
TZOFFSETTO:+0100\r\n\
TZNAME:CET\r\n\
DTSTART:19701025T030000\r\n\
RRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU\r\n\
END:STANDARD\r\n\
END:VTIMEZONE\r\n";

/// When an entry happens.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum When {
    /// A meeting with a time: from `start` until `end` (an hour when no end
    /// was planned).
    Timed { start: DateTime<Utc>, end: Option<DateTime<Utc>> },
    /// Whole days, `first` to `last` inclusive: a deadline is one day, a
    /// consultation window several.
    Days { first: NaiveDate, last: NaiveDate },
}

/// What an entry is about, with the names its text needs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Subject {
    /// A network meeting: planned, held or cancelled.
    Meeting {
        id: Uuid,
        title: Option<String>,
        network: String,
        status: MeetingStatus,
        location: Option<String>,
        online_url: Option<String>,
        cancellation_reason: Option<String>,
    },
    /// A decision a body the person sits on must still take.
    Decision { ratification_id: Uuid, title: String, body: String, organisation: String, right: BodyRight },
    /// The window in which an organisation of the person hears its
    /// constituency on a commitment.
    Consultation { commitment_id: Uuid, organisation_id: Uuid, title: String, organisation: String },
    /// An alignment round the person is invited to closes.
    RoundCloses { round_id: Uuid, network: String, answered: bool },
    /// A commitment of the person's organisation is due.
    CommitmentDue { commitment_id: Uuid, title: String, network: String },
}

impl Subject {
    /// The UID: the subject's kind and id, stable for as long as it exists.
    pub fn uid(&self) -> String {
        match self {
            Subject::Meeting { id, .. } => format!("meeting-{id}@eendracht"),
            Subject::Decision { ratification_id, .. } => format!("decision-{ratification_id}@eendracht"),
            Subject::Consultation { commitment_id, organisation_id, .. } => {
                format!("consultation-{commitment_id}-{organisation_id}@eendracht")
            }
            Subject::RoundCloses { round_id, .. } => format!("round-{round_id}@eendracht"),
            Subject::CommitmentDue { commitment_id, .. } => format!("due-{commitment_id}@eendracht"),
        }
    }
}

/// One event of a feed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    pub subject: Subject,
    pub when: When,
    /// Grows with every change of the subject (a meeting's plan, a
    /// ratification's or commitment's version).
    pub sequence: u32,
    /// When the subject last changed, as far as the rows tell: DTSTAMP, kept
    /// stable so an unchanged feed is byte for byte the same.
    pub changed_at: DateTime<Utc>,
    /// Where a front-end shows the subject, when the deployment has a link
    /// template.
    pub link: Option<String>,
}

/// A whole feed: whose it is, in their language.
pub struct Feed<'a> {
    pub owner: &'a str,
    pub locale: Locale,
    pub entries: &'a [Entry],
}

impl Feed<'_> {
    /// The document, CRLF line endings and folded lines as RFC 5545 wants.
    pub fn render(&self) -> String {
        let mut calendar = Calendar::empty();
        calendar.append_property(Property::new("VERSION", "2.0"));
        calendar.append_property(Property::new("PRODID", "-//Eendracht//Calendar feed//EN"));
        calendar.append_property(Property::new("CALSCALE", "GREGORIAN"));
        calendar.append_property(Property::new("METHOD", "PUBLISH"));
        calendar.name(&text(self.locale, "calendar-name", &[("person", Arg::Text(self.owner.to_owned()))]));
        calendar.timezone(TZID);
        // How often a client should fetch again (RFC 7986, and Outlook's own).
        calendar.ttl(&chrono::Duration::hours(1));
        for entry in self.entries {
            calendar.push(self.event(entry));
        }
        let document = calendar.to_string();
        // The zone goes before the first event that refers to it.
        let at = document.find("BEGIN:VEVENT").or_else(|| document.find("END:VCALENDAR")).unwrap_or(document.len());
        let mut out = String::with_capacity(document.len() + VTIMEZONE.len());
        out.push_str(&document[..at]);
        out.push_str(VTIMEZONE);
        out.push_str(&document[at..]);
        out
    }

    fn event(&self, entry: &Entry) -> Event {
        let locale = self.locale;
        let mut event = Event::new();
        event.uid(&entry.subject.uid()).sequence(entry.sequence).timestamp(entry.changed_at);
        match entry.when {
            When::Timed { start, end } => {
                let end = end.filter(|end| *end > start).unwrap_or(start + Duration::hours(1));
                event.starts(amsterdam(start)).ends(amsterdam(end));
            }
            When::Days { first, last } => {
                // DTEND of a date is exclusive (RFC 5545 §3.6.1).
                event.starts(first).ends(last.max(first) + Duration::days(1));
                event.append_property(Property::new("TRANSP", "TRANSPARENT"));
            }
        }
        let mut lines: Vec<String> = Vec::new();
        let summary = match &entry.subject {
            Subject::Meeting { title, network, status, location, online_url, cancellation_reason, .. } => {
                let name = match title {
                    Some(title) => text(
                        locale,
                        "calendar-meeting-titled",
                        &[("title", Arg::Text(title.clone())), ("network", Arg::Text(network.clone()))],
                    ),
                    None => text(locale, "calendar-meeting", &[("network", Arg::Text(network.clone()))]),
                };
                if let Some(location) = location {
                    event.location(location);
                }
                if let Some(url) = online_url {
                    lines.push(text(locale, "calendar-online", &[("url", Arg::Text(url.clone()))]));
                    // RFC 7986: clients that know it offer a "join" button.
                    let mut conference = Property::new("CONFERENCE", url);
                    conference.add_parameter("VALUE", "URI");
                    event.append_multi_property(conference);
                }
                if *status == MeetingStatus::Cancelled {
                    event.status(EventStatus::Cancelled);
                    if let Some(reason) = cancellation_reason {
                        lines.push(text(
                            locale,
                            "calendar-cancelled-because",
                            &[("reason", Arg::Text(reason.clone()))],
                        ));
                    }
                    text(locale, "calendar-cancelled", &[("summary", Arg::Text(name))])
                } else {
                    event.status(EventStatus::Confirmed);
                    name
                }
            }
            Subject::Decision { title, body, organisation, right, .. } => {
                lines.push(decision_asked(locale, *right, organisation));
                event.status(EventStatus::Confirmed);
                text(
                    locale,
                    "calendar-decision",
                    &[("body", Arg::Text(body.clone())), ("title", Arg::Text(title.clone()))],
                )
            }
            Subject::Consultation { title, organisation, .. } => {
                lines.push(text(
                    locale,
                    "calendar-consultation-note",
                    &[("organisation", Arg::Text(organisation.clone()))],
                ));
                text(
                    locale,
                    "calendar-consultation",
                    &[("organisation", Arg::Text(organisation.clone())), ("title", Arg::Text(title.clone()))],
                )
            }
            Subject::RoundCloses { network, answered, .. } => {
                let note = if *answered { "calendar-round-answered" } else { "calendar-round-unanswered" };
                lines.push(text(locale, note, &[]));
                text(locale, "calendar-round", &[("network", Arg::Text(network.clone()))])
            }
            Subject::CommitmentDue { title, network, .. } => text(
                locale,
                "calendar-due",
                &[("title", Arg::Text(title.clone())), ("network", Arg::Text(network.clone()))],
            ),
        };
        event.summary(&summary);
        if let Some(link) = &entry.link {
            event.url(link);
            lines.push(link.clone());
        }
        if !lines.is_empty() {
            event.description(&lines.join("\n"));
        }
        event.done()
    }
}

/// A moment on the clock of Europe/Amsterdam, referring to [`VTIMEZONE`].
fn amsterdam(at: DateTime<Utc>) -> CalendarDateTime {
    CalendarDateTime::WithTimezone { date_time: at.with_timezone(&TIME_ZONE).naive_local(), tzid: TZID.to_owned() }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).expect("a day")
    }

    fn unfolded(document: &str) -> String {
        document.replace("\r\n ", "")
    }

    #[test]
    fn a_meeting_is_on_amsterdam_time_and_a_deadline_is_a_free_day() {
        let start = Utc.with_ymd_and_hms(2027, 1, 14, 13, 0, 0).single().expect("a time");
        let summer = Utc.with_ymd_and_hms(2027, 6, 10, 13, 0, 0).single().expect("a time");
        let stamp = Utc.with_ymd_and_hms(2026, 12, 1, 9, 0, 0).single().expect("a time");
        let id = Uuid::from_u128(1);
        let entries = [
            Entry {
                subject: Subject::Meeting {
                    id,
                    title: Some("Tafel; januari, 2027".into()),
                    network: "Wonen & Zorg".into(),
                    status: MeetingStatus::Planned,
                    location: Some("Stadhuis".into()),
                    online_url: None,
                    cancellation_reason: None,
                },
                when: When::Timed { start, end: None },
                sequence: 2,
                changed_at: stamp,
                link: Some("https://app.example/Meeting/abc".into()),
            },
            Entry {
                subject: Subject::Meeting {
                    id: Uuid::from_u128(2),
                    title: None,
                    network: "Wonen & Zorg".into(),
                    status: MeetingStatus::Cancelled,
                    location: None,
                    online_url: None,
                    cancellation_reason: Some("Te weinig partners".into()),
                },
                when: When::Timed { start: summer, end: Some(summer + Duration::hours(2)) },
                sequence: 1,
                changed_at: stamp,
                link: None,
            },
            Entry {
                subject: Subject::CommitmentDue {
                    commitment_id: Uuid::from_u128(3),
                    title: "Pilot".into(),
                    network: "Wonen & Zorg".into(),
                },
                when: When::Days { first: day(2027, 3, 31), last: day(2027, 3, 31) },
                sequence: 0,
                changed_at: stamp,
                link: None,
            },
        ];
        let document = Feed { owner: "Anna", locale: Locale::Nl, entries: &entries }.render();
        let plain = unfolded(&document);
        assert!(document.ends_with("END:VCALENDAR\r\n"), "{document}");
        assert!(plain.find("BEGIN:VTIMEZONE").expect("zone") < plain.find("BEGIN:VEVENT").expect("event"));
        // Winter: UTC+1; summer: UTC+2.
        assert!(plain.contains("DTSTART;TZID=Europe/Amsterdam:20270114T140000"), "{plain}");
        assert!(plain.contains("DTEND;TZID=Europe/Amsterdam:20270114T150000"), "{plain}");
        assert!(plain.contains("DTSTART;TZID=Europe/Amsterdam:20270610T150000"), "{plain}");
        assert!(plain.contains(&format!("UID:meeting-{id}@eendracht")));
        assert!(plain.contains("SEQUENCE:2"));
        assert!(plain.contains("STATUS:CANCELLED"));
        assert!(plain.contains("SUMMARY:Tafel\\; januari\\, 2027 (Wonen & Zorg)"), "text is escaped: {plain}");
        assert!(plain.contains("DTSTART;VALUE=DATE:20270331"), "{plain}");
        assert!(plain.contains("DTEND;VALUE=DATE:20270401"), "{plain}");
        assert!(plain.contains("TRANSP:TRANSPARENT"));
        assert!(plain.contains("X-WR-CALNAME:Eendracht: Anna"), "{plain}");
        assert!(document.lines().all(|line| line.len() <= 75), "lines are folded");
        let again = Feed { owner: "Anna", locale: Locale::Nl, entries: &entries }.render();
        assert_eq!(document, again, "the same entries give the same bytes");
    }
}
