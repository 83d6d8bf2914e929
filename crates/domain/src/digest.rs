//! A person's digest (docs/digest.md): what awaits them, what was decided or
//! agreed in their networks since a moment, quick wins by goal and the health
//! signals their view allows, one line per subject in its latest state, in
//! their language, as structured lines and as one Markdown document.

use chrono::{DateTime, NaiveDate, Utc};
use entity::{BodyRight, CommitmentStatus, RatificationOutcome};
use uuid::Uuid;

use crate::dossier::{enum_name, inline, t_date};
use crate::health::SignalKind;
use crate::i18n::{Arg, Locale, text};

/// Where a line belongs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Section {
    /// What the person (or their organisation) must still do.
    Awaiting,
    /// What was agreed, delivered, dropped or decided since.
    Happened,
    /// Quick wins delivered since, by goal.
    QuickWins,
    /// Health signals of the networks whose health the person may read.
    Signals,
}

/// What a line is about, with the names its text needs.
#[derive(Debug, Clone, PartialEq)]
pub enum Subject {
    /// A decision a body the person sits on must still take.
    Decision { ratification_id: Uuid, title: String, body: String, right: BodyRight, due_on: Option<NaiveDate> },
    /// An open alignment round the person has not answered.
    Round { round_id: Uuid, network: String, closes_at: DateTime<Utc> },
    /// A condition the person's organisation must still meet.
    Condition { condition_id: Uuid, ratification_id: Uuid, title: String, organisation: String, text: String },
    /// A commitment agreed, delivered or dropped since: as it stands now.
    Commitment { commitment_id: Uuid, title: String, network: String, status: CommitmentStatus },
    /// A body's outcome recorded since: as it stands now.
    Outcome { ratification_id: Uuid, title: String, body: String, organisation: String, outcome: RatificationOutcome },
    /// Quick wins delivered since toward one goal (or none).
    QuickWins { goal_id: Option<Uuid>, goal: Option<String>, network: String, titles: Vec<String> },
    /// A health signal of a network, its message already written.
    Signal { network_id: Uuid, network: String, kind: SignalKind, message: String },
}

/// One line of the digest.
#[derive(Debug, Clone, PartialEq)]
pub struct Line {
    pub section: Section,
    pub subject: Subject,
}

impl Line {
    /// The line as the person reads it (plain text, no Markdown).
    pub fn text(&self, locale: Locale) -> String {
        let t = |id: &str, args: &[(&str, Arg)]| text(locale, id, args);
        let s = |value: &str| Arg::Text(value.to_owned());
        match &self.subject {
            Subject::Decision { title, body, right, due_on, .. } => {
                let asked = t(
                    "digest-decision",
                    &[("body", s(body)), ("title", s(title)), ("right", Arg::Text(enum_name(right)))],
                );
                match due_on {
                    Some(due) => {
                        t("digest-due", &[("line", Arg::Text(asked)), ("due", Arg::Text(t_date(locale, *due)))])
                    }
                    None => asked,
                }
            }
            Subject::Round { network, closes_at, .. } => {
                t("digest-round", &[("network", s(network)), ("closes", Arg::Moment(*closes_at))])
            }
            Subject::Condition { title, organisation, text: condition, .. } => t(
                "digest-condition",
                &[("organisation", s(organisation)), ("title", s(title)), ("condition", s(condition))],
            ),
            Subject::Commitment { title, network, status, .. } => t(
                "digest-commitment",
                &[("title", s(title)), ("network", s(network)), ("status", Arg::Text(enum_name(status)))],
            ),
            Subject::Outcome { title, body, organisation, outcome, .. } => t(
                "digest-outcome",
                &[
                    ("body", s(body)),
                    ("organisation", s(organisation)),
                    ("title", s(title)),
                    ("outcome", Arg::Text(t("dossier-outcome", &[("outcome", Arg::Text(enum_name(outcome)))]))),
                ],
            ),
            Subject::QuickWins { goal, network, titles, .. } => {
                let list = titles.join(", ");
                match goal {
                    Some(goal) => t(
                        "digest-quick-wins",
                        &[
                            ("goal", s(goal)),
                            ("network", s(network)),
                            ("count", Arg::Count(titles.len() as u64)),
                            ("titles", Arg::Text(list)),
                        ],
                    ),
                    None => t(
                        "digest-quick-wins-no-goal",
                        &[
                            ("network", s(network)),
                            ("count", Arg::Count(titles.len() as u64)),
                            ("titles", Arg::Text(list)),
                        ],
                    ),
                }
            }
            Subject::Signal { network, message, .. } => {
                t("digest-signal", &[("network", s(network)), ("message", s(message))])
            }
        }
    }
}

/// The whole digest as Markdown: a heading, then one section per kind with a
/// line per subject; people's own words escaped.
pub fn markdown(owner: &str, since: DateTime<Utc>, lines: &[Line], locale: Locale) -> String {
    let t = |id: &str, args: &[(&str, Arg)]| text(locale, id, args);
    let mut out = format!(
        "# {}\n\n{}\n",
        inline(&t("digest-heading", &[("person", Arg::Text(owner.to_owned()))])),
        t("digest-since", &[("since", Arg::Moment(since))])
    );
    for (section, heading) in [
        (Section::Awaiting, "digest-section-awaiting"),
        (Section::Happened, "digest-section-happened"),
        (Section::QuickWins, "digest-section-quick-wins"),
        (Section::Signals, "digest-section-signals"),
    ] {
        out.push_str(&format!("\n## {}\n\n", t(heading, &[])));
        let of_section: Vec<&Line> = lines.iter().filter(|l| l.section == section).collect();
        if of_section.is_empty() {
            out.push_str(&format!("{}\n", t("digest-nothing", &[])));
        }
        for line in of_section {
            out.push_str(&format!("- {}\n", inline(&line.text(locale))));
        }
    }
    out
}
