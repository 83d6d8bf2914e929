//! Agenda items for board portals (docs/dossiers.md, "Agenda items"): what
//! awaits one governing body, in the shape a board secretary loads into a
//! portal such as iBabs or Notubiz, and the same as a Markdown document.

use chrono::{Duration, NaiveDate};
use entity::{BodyRight, RatificationStatus, ratification};
use serde::Serialize;
use uuid::Uuid;

use crate::dossier::{ConsultationCounts, Contribution, block, inline, printable, t_date};
use crate::i18n::{Arg, Locale, text};
use crate::ratification::is_advisory;

/// One item on a body's agenda: a ratification it must still answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Item {
    pub ratification_id: Uuid,
    pub commitment_id: Uuid,
    pub title: String,
    pub description: Option<String>,
    /// The body's right, which decides what is asked of it.
    pub right: BodyRight,
    pub status: RatificationStatus,
    pub due_on: Option<NaiveDate>,
    /// The party's own contribution.
    pub contribution: Contribution,
    /// The party's advisory bodies involved, and how many have answered.
    pub advice_asked: usize,
    pub advice_received: usize,
    pub consultation: ConsultationCounts,
    /// Conditions the party's bodies set that are still open.
    pub open_conditions: Vec<String>,
    /// The content hash of the party's dossier as the commitment stands.
    pub dossier_hash: String,
}

/// When a ratification is due for its body: the due date set when the
/// commitment was agreed, or, for advice asked early during consultation,
/// the day the body's response time runs out. `None` for what the body is
/// not yet asked (nothing to put on an agenda).
pub fn due_on(ratification: &ratification::Model, response_days: i32) -> Option<NaiveDate> {
    match ratification.status {
        RatificationStatus::Awaiting => ratification.due_on,
        RatificationStatus::Consulting if is_advisory(ratification.right) => {
            ratification.consultation_started_at.map(|at| at.date_naive() + Duration::days(i64::from(response_days)))
        }
        _ => None,
    }
}

/// Whether a ratification belongs on the body's agenda at all: it has no
/// outcome yet and the body is asked now (an advisory body from the start
/// of consultation, any other once the commitment is agreed).
pub fn is_on_agenda(ratification: &ratification::Model) -> bool {
    ratification.outcome.is_none()
        && ratification.withdrawn_at.is_none()
        && match ratification.status {
            RatificationStatus::Awaiting => true,
            RatificationStatus::Consulting => is_advisory(ratification.right),
            _ => false,
        }
}

/// Whether `due` falls within `from..=to` (either end open).
pub fn within(due: Option<NaiveDate>, from: Option<NaiveDate>, to: Option<NaiveDate>) -> bool {
    match due {
        Some(due) => from.is_none_or(|from| due >= from) && to.is_none_or(|to| due <= to),
        None => from.is_none() && to.is_none(),
    }
}

/// A body's agenda as a document.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Agenda<'a> {
    pub body: &'a str,
    pub organisation: &'a str,
    pub from: Option<NaiveDate>,
    pub to: Option<NaiveDate>,
    pub items: &'a [Item],
}

fn right_name(right: BodyRight) -> &'static str {
    match right {
        BodyRight::Decides => "DECIDES",
        BodyRight::Approves => "APPROVES",
        BodyRight::Consents => "CONSENTS",
        BodyRight::Advises => "ADVISES",
        BodyRight::WishesAndConcerns => "WISHES_AND_CONCERNS",
    }
}

/// What is asked of a body with this right about one commitment, in `locale`.
pub fn decision_asked(locale: Locale, right: BodyRight, organisation: &str) -> String {
    text(
        locale,
        "agenda-asked",
        &[("right", Arg::Text(right_name(right).to_owned())), ("organisation", Arg::Text(organisation.to_owned()))],
    )
}

impl Agenda<'_> {
    /// The agenda as a standalone HTML page in `locale` that prints on A4.
    pub fn html(&self, locale: Locale) -> String {
        let title = text(
            locale,
            "agenda-heading",
            &[("body", Arg::Text(self.body.to_owned())), ("organisation", Arg::Text(self.organisation.to_owned()))],
        );
        printable(&self.markdown(locale), &title, locale)
    }

    /// The agenda as Markdown in `locale`, items in order of due date.
    pub fn markdown(&self, locale: Locale) -> String {
        let t = |id: &str, args: &[(&str, Arg)]| text(locale, id, args);
        let organisation = inline(self.organisation);
        let mut md = format!(
            "# {}\n\n",
            t(
                "agenda-heading",
                &[("body", Arg::Text(inline(self.body))), ("organisation", Arg::Text(organisation.clone()))]
            )
        );
        let period = match (self.from, self.to) {
            (Some(from), Some(to)) => Some(t("agenda-period", &[("from", Arg::Date(from)), ("to", Arg::Date(to))])),
            (Some(from), None) => Some(t("agenda-from", &[("from", Arg::Date(from))])),
            (None, Some(to)) => Some(t("agenda-to", &[("to", Arg::Date(to))])),
            (None, None) => None,
        };
        if let Some(period) = period {
            md.push_str(&period);
            md.push_str("\n\n");
        }
        if self.items.is_empty() {
            md.push_str(&t("agenda-empty", &[]));
            md.push('\n');
            return md;
        }
        for (number, item) in self.items.iter().enumerate() {
            md.push_str(&format!("## {}. {}\n\n", number + 1, inline(&item.title)));
            md.push_str(&format!("**{}**\n\n", decision_asked(locale, item.right, &organisation)));
            if let Some(due) = item.due_on {
                md.push_str(&format!("- {}\n", t("agenda-due", &[("due", Arg::Text(t_date(locale, due)))])));
            }
            md.push_str(&format!(
                "- {}\n",
                t(
                    "agenda-contribution",
                    &[
                        ("organisation", Arg::Text(organisation.clone())),
                        ("euros", Arg::Count(item.contribution.euros.unsigned_abs())),
                        ("hours", Arg::Count(u64::from(item.contribution.hours.unsigned_abs()))),
                    ]
                )
            ));
            if item.advice_asked > 0 {
                md.push_str(&format!(
                    "- {}\n",
                    t(
                        "agenda-advice",
                        &[
                            ("received", Arg::Count(item.advice_received as u64)),
                            ("asked", Arg::Count(item.advice_asked as u64)),
                        ]
                    )
                ));
            }
            let c = item.consultation;
            md.push_str(&format!(
                "- {}\n",
                t(
                    "agenda-consultation",
                    &[
                        ("support", Arg::Count(c.support as u64)),
                        ("concern", Arg::Count(c.concern as u64)),
                        ("objection", Arg::Count(c.objection as u64)),
                    ]
                )
            ));
            for condition in &item.open_conditions {
                md.push_str(&format!("- {}\n", t("agenda-condition", &[("text", Arg::Text(inline(condition)))])));
            }
            md.push_str(&format!(
                "- {}\n",
                t("agenda-dossier", &[("hash", Arg::Text(format!("`{}`", item.dossier_hash)))])
            ));
            if let Some(description) = &item.description {
                md.push('\n');
                md.push_str(&block(description));
                md.push('\n');
            }
            md.push('\n');
        }
        md
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_range_holds_its_ends_and_an_open_end_holds_everything_on_that_side() {
        let day = |d: u32| NaiveDate::from_ymd_opt(2026, 3, d);
        assert!(within(day(2), day(2), day(9)) && within(day(9), day(2), day(9)));
        assert!(!within(day(1), day(2), day(9)) && !within(day(10), day(2), day(9)));
        assert!(within(day(30), day(2), None) && within(day(1), None, day(2)));
        assert!(within(None, None, None) && !within(None, day(1), None));
    }
}
