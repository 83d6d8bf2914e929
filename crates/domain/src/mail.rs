//! E-mail a person reads (docs/mail.md): reminders and the digest, in their
//! language, as Markdown (the text part, readable as it is) and that
//! Markdown rendered as HTML, each ending with why it came and how to stop
//! it. Also the rules of when: which reminder is due under a network's
//! settings, and when a digest is due on a person's rhythm.

use chrono::{DateTime, Datelike, Duration, NaiveDate, NaiveTime, Utc};
use entity::{DigestRhythm, ReminderRule};

use crate::digest::{Line, Section, Subject, markdown};
use crate::dossier::{enum_name, inline, printable, t_date};
use crate::i18n::{Arg, Locale, TIME_ZONE, text};
use crate::settings::NetworkSettings;

/// A mail ready to send: its subject and its two parts.
#[derive(Debug, Clone, PartialEq)]
pub struct Mail {
    pub subject: String,
    /// Markdown, which reads as plain text.
    pub text: String,
    /// The same, as an HTML document.
    pub html: String,
}

/// A reminder: the rule, and the digest line that says what it is about.
#[derive(Debug, Clone, PartialEq)]
pub struct Reminder {
    pub rule: ReminderRule,
    pub network: String,
    /// The decision's due date, the round's closing day, the condition's date.
    pub due_on: NaiveDate,
    /// A digest line of section `Awaiting`: a decision, a round or a condition.
    pub line: Line,
}

/// Where a mail's links go.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Links {
    /// The one-click unsubscribe URL of this mail.
    pub unsubscribe: String,
    /// Where the subject can be seen, when the deployment has a front-end.
    pub subject: Option<String>,
}

/// A reminder to `person`, in `locale`.
pub fn reminder(locale: Locale, person: &str, reminder: &Reminder, links: &Links) -> Mail {
    let t = |id: &str, args: &[(&str, Arg)]| text(locale, id, args);
    let s = |value: &str| Arg::Text(value.to_owned());
    let (subject, why) = match &reminder.line.subject {
        Subject::Decision { title, .. } => (
            t("mail-subject-ratification", &[("title", s(title)), ("due", s(&t_date(locale, reminder.due_on)))]),
            t("mail-why-ratification", &[("network", s(&reminder.network))]),
        ),
        Subject::Round { network, closes_at, .. } => (
            t("mail-subject-round", &[("network", s(network)), ("closes", Arg::Moment(*closes_at))]),
            t("mail-why-round", &[]),
        ),
        Subject::Condition { title, .. } => (
            t("mail-subject-condition", &[("title", s(title))]),
            t("mail-why-condition", &[("date", s(&t_date(locale, reminder.due_on)))]),
        ),
        _ => (t("mail-subject-other", &[]), String::new()),
    };
    let mut md = format!(
        "{}\n\n{}\n",
        inline(&t("mail-greeting", &[("person", s(person))])),
        inline(&reminder.line.text(locale))
    );
    if !why.is_empty() {
        md.push_str(&format!("\n{}\n", inline(&why)));
    }
    if let Some(url) = &links.subject {
        md.push_str(&format!("\n{}\n", t("mail-see", &[("url", s(url))])));
    }
    let rule = Arg::Text(enum_name(&reminder.rule));
    md.push_str(&footer(locale, &t("mail-footer-reminder", &[("rule", rule)]), &links.unsubscribe));
    Mail { html: printable(&md, &subject, locale), text: md, subject }
}

/// A person's digest as a mail, or `None` when there is nothing to tell:
/// an empty digest is not sent.
pub fn digest(
    locale: Locale,
    owner: &str,
    since: DateTime<Utc>,
    rhythm: DigestRhythm,
    lines: &[Line],
    links: &Links,
) -> Option<Mail> {
    if lines.is_empty() {
        return None;
    }
    let t = |id: &str, args: &[(&str, Arg)]| text(locale, id, args);
    let rhythm = Arg::Text(enum_name(&rhythm));
    let subject = t("mail-subject-digest", &[("rhythm", rhythm.clone()), ("count", Arg::Count(awaiting(lines)))]);
    let mut md = markdown(owner, since, lines, locale);
    md.push_str(&footer(locale, &t("mail-footer-digest", &[("rhythm", rhythm)]), &links.unsubscribe));
    Some(Mail { html: printable(&md, &subject, locale), text: md, subject })
}

fn awaiting(lines: &[Line]) -> u64 {
    lines.iter().filter(|l| l.section == Section::Awaiting).count() as u64
}

/// Why the mail came and the way out, below a rule.
fn footer(locale: Locale, why: &str, unsubscribe: &str) -> String {
    let stop = text(locale, "mail-unsubscribe", &[("url", Arg::Text(unsubscribe.to_owned()))]);
    format!("\n---\n\n{}\n\n{}\n", inline(why), stop)
}

/// The rules of a network that say when a reminder is due.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ReminderRules {
    pub ratification_days_before: i32,
    pub round_days_before: i32,
    pub condition_days: i32,
}

impl From<&NetworkSettings> for ReminderRules {
    fn from(settings: &NetworkSettings) -> Self {
        Self {
            ratification_days_before: settings.reminder_ratification_days_before,
            round_days_before: settings.reminder_round_days_before,
            condition_days: settings.reminder_condition_days,
        }
    }
}

impl ReminderRules {
    /// A decision due on `due_on` is reminded of from `days` before up to
    /// the day itself; once it is past, health reports it as overdue.
    pub fn ratification_due(&self, due_on: NaiveDate, today: NaiveDate) -> bool {
        self.ratification_days_before > 0
            && today <= due_on
            && today >= due_on - Duration::days(i64::from(self.ratification_days_before))
    }

    /// A round closing at `closes_at` is reminded of from `days` before,
    /// while it is still open.
    pub fn round_closing(&self, closes_at: DateTime<Utc>, now: DateTime<Utc>) -> bool {
        self.round_days_before > 0
            && now < closes_at
            && now >= closes_at - Duration::days(i64::from(self.round_days_before))
    }

    /// The date by which a condition set on `recorded_on` should be met:
    /// `condition_days` later, or the commitment's due date if that comes
    /// first (and after the outcome). `None`: the rule is off.
    pub fn condition_date(&self, recorded_on: NaiveDate, commitment_due: Option<NaiveDate>) -> Option<NaiveDate> {
        if self.condition_days <= 0 {
            return None;
        }
        let by_days = recorded_on + Duration::days(i64::from(self.condition_days));
        Some(match commitment_due {
            Some(due) if due > recorded_on && due < by_days => due,
            _ => by_days,
        })
    }
}

/// When a digest goes out: at seven in the morning, Amsterdam time.
const DIGEST_HOUR: u32 = 7;

/// The digest due at `now` on `rhythm`: `Some(since)` when the latest slot
/// (every day at seven, or Mondays at seven) has passed since the last one
/// was sent. The first digest covers one period back.
pub fn digest_due(rhythm: DigestRhythm, last: Option<DateTime<Utc>>, now: DateTime<Utc>) -> Option<DateTime<Utc>> {
    let period = match rhythm {
        DigestRhythm::Off => return None,
        DigestRhythm::Daily => Duration::days(1),
        DigestRhythm::Weekly => Duration::weeks(1),
    };
    let local = now.with_timezone(&TIME_ZONE);
    let mut day = local.date_naive();
    if rhythm == DigestRhythm::Weekly {
        day -= Duration::days(i64::from(day.weekday().num_days_from_monday()));
    }
    let mut slot = slot_on(day)?;
    if slot > now {
        slot = slot_on(day - period)?;
    }
    match last {
        Some(last) if last >= slot => None,
        Some(last) => Some(last.max(slot - period)),
        None => Some(slot - period),
    }
}

fn slot_on(day: NaiveDate) -> Option<DateTime<Utc>> {
    let at = day.and_time(NaiveTime::from_hms_opt(DIGEST_HOUR, 0, 0)?);
    Some(at.and_local_timezone(TIME_ZONE).earliest()?.with_timezone(&Utc))
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;
    use uuid::Uuid;

    use super::*;

    fn at(y: i32, m: u32, d: u32, h: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(y, m, d, h, 0, 0).single().expect("a moment")
    }

    #[test]
    fn a_daily_digest_is_due_once_after_seven_amsterdam_time() {
        // 7 December 2026 is a Monday; Amsterdam is UTC+1 in winter.
        let before = at(2026, 12, 7, 5);
        let after = at(2026, 12, 7, 6);
        assert_eq!(digest_due(DigestRhythm::Daily, Some(at(2026, 12, 6, 6)), before), None);
        assert_eq!(digest_due(DigestRhythm::Daily, Some(at(2026, 12, 6, 6)), after), Some(at(2026, 12, 6, 6)));
        assert_eq!(digest_due(DigestRhythm::Daily, Some(after), at(2026, 12, 7, 20)), None);
        assert_eq!(digest_due(DigestRhythm::Daily, None, after), Some(at(2026, 12, 6, 6)));
        // A long silence reports one period back, not the whole gap.
        assert_eq!(digest_due(DigestRhythm::Daily, Some(at(2026, 11, 1, 6)), after), Some(at(2026, 12, 6, 6)));
        assert_eq!(digest_due(DigestRhythm::Off, None, after), None);
    }

    #[test]
    fn a_weekly_digest_is_due_on_monday_morning() {
        let monday = at(2026, 12, 7, 6);
        assert_eq!(digest_due(DigestRhythm::Weekly, Some(at(2026, 11, 30, 6)), monday), Some(at(2026, 11, 30, 6)));
        // Sunday: last week's Monday slot was already sent.
        assert_eq!(digest_due(DigestRhythm::Weekly, Some(at(2026, 11, 30, 6)), at(2026, 12, 6, 12)), None);
        // Summer time: seven in Amsterdam is five UTC.
        assert_eq!(
            digest_due(DigestRhythm::Weekly, Some(at(2026, 6, 1, 5)), at(2026, 6, 8, 5)),
            Some(at(2026, 6, 1, 5))
        );
    }

    #[test]
    fn a_digest_mail_is_titled_by_its_rhythm_and_an_empty_one_is_not_sent() {
        let links = Links { unsubscribe: "https://e.example/u".to_owned(), subject: None };
        let since = at(2026, 12, 6, 6);
        assert_eq!(digest(Locale::Nl, "Eva", since, DigestRhythm::Daily, &[], &links), None);
        let line = Line {
            section: Section::Awaiting,
            subject: Subject::Round { round_id: Uuid::nil(), network: "Regio Oost".to_owned(), closes_at: since },
        };
        let subject = |locale, rhythm| {
            digest(locale, "Eva", since, rhythm, std::slice::from_ref(&line), &links).expect("a mail").subject
        };
        assert_eq!(subject(Locale::Nl, DigestRhythm::Daily), "Uw dagelijks overzicht: één punt wacht op u");
        assert_eq!(subject(Locale::Nl, DigestRhythm::Weekly), "Uw weekoverzicht: één punt wacht op u");
        assert_eq!(subject(Locale::En, DigestRhythm::Weekly), "Your weekly digest: one item awaits you");
    }

    #[test]
    fn reminder_windows_follow_the_settings() {
        let rules = ReminderRules::from(&NetworkSettings::default());
        let due = NaiveDate::from_ymd_opt(2026, 12, 20).expect("a date");
        let day = |d| NaiveDate::from_ymd_opt(2026, 12, d).expect("a date");
        assert!(!rules.ratification_due(due, day(12)));
        assert!(rules.ratification_due(due, day(13)));
        assert!(rules.ratification_due(due, day(20)));
        assert!(!rules.ratification_due(due, day(21)));
        let off = ReminderRules { ratification_days_before: 0, ..rules };
        assert!(!off.ratification_due(due, day(19)));

        let closes = at(2026, 12, 11, 16);
        assert!(!rules.round_closing(closes, at(2026, 12, 9, 15)));
        assert!(rules.round_closing(closes, at(2026, 12, 9, 16)));
        assert!(!rules.round_closing(closes, closes));

        assert_eq!(rules.condition_date(day(1), None), Some(NaiveDate::from_ymd_opt(2027, 1, 12).expect("a date")));
        assert_eq!(rules.condition_date(day(1), Some(day(15))), Some(day(15)));
        assert_eq!(ReminderRules { condition_days: 0, ..rules }.condition_date(day(1), None), None);
    }

    #[test]
    fn a_reminder_reads_well_in_both_languages_and_escapes_what_people_wrote() {
        let reminder = Reminder {
            rule: ReminderRule::RatificationDue,
            network: "Regio <Oost>".to_owned(),
            due_on: NaiveDate::from_ymd_opt(2026, 12, 20).expect("a date"),
            line: Line {
                section: Section::Awaiting,
                subject: Subject::Decision {
                    ratification_id: Uuid::nil(),
                    title: "Wonen *met* zorg".to_owned(),
                    body: "Raad van Commissarissen".to_owned(),
                    right: entity::BodyRight::Approves,
                    due_on: NaiveDate::from_ymd_opt(2026, 12, 20),
                },
            },
        };
        let links = Links { unsubscribe: "https://e.example/mail/unsubscribe/x".to_owned(), subject: None };
        let nl = super::reminder(Locale::Nl, "Hendrik Bos", &reminder, &links);
        assert_eq!(nl.subject, "Herinnering: besluit over ‘Wonen *met* zorg’ uiterlijk 20 december 2026");
        assert!(
            nl.text.starts_with("Beste Hendrik Bos,\n\nRaad van Commissarissen keurt ‘Wonen \\*met\\* zorg’ goed"),
            "{}",
            nl.text
        );
        assert!(nl.text.contains("https://e.example/mail/unsubscribe/x"));
        assert!(nl.html.contains("Regio &lt;Oost&gt;"), "{}", nl.html);
        assert!(!nl.html.contains("<Oost>"));
        assert!(
            nl.text.contains("U krijgt deze herinnering als lid van het orgaan dat dit besluit neemt."),
            "{}",
            nl.text
        );
        let en = super::reminder(Locale::En, "Hendrik Bos", &reminder, &links);
        assert!(en.text.contains("You receive this reminder as a member of the body that takes this decision."));
        assert_eq!(en.subject, "Reminder: decision on “Wonen *met* zorg” due December 20, 2026");
    }
}
