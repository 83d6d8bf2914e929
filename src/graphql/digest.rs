//! `Viewer.digest`: what concerns the signed-in person since a moment
//! (docs/digest.md), as lines and as one Markdown document.

use async_graphql::{Enum, ID, Object, SimpleObject};

use super::health::{HealthSignalKind, Locale};
use super::ids::{self, NodeType};
use super::scalars::DateTime;
use crate::domain::digest::{self as rules, Line, Subject};
use crate::service::digest::Digest as Found;

/// Where a line of a digest belongs.
#[derive(Enum, Clone, Copy, PartialEq, Eq)]
#[graphql(remote = "rules::Section")]
pub enum DigestSection {
    /// What you, or your organisation, must still do.
    Awaiting,
    /// What was agreed, delivered, dropped or decided in your networks since.
    Happened,
    /// Quick wins delivered since, by goal.
    QuickWins,
    /// Health signals of your networks, where your view allows health.
    Signals,
}

/// One line of a digest: one subject, in its latest state.
#[derive(SimpleObject)]
pub struct DigestLine {
    /// Where the line belongs.
    pub section: DigestSection,
    /// The line as the person reads it, in the digest's language.
    pub text: String,
    /// What the line is about, as ids are written everywhere (a
    /// ratification, an alignment round, a condition, a commitment, a goal or
    /// a network); null for quick wins toward no goal.
    pub subject_id: Option<ID>,
    /// For a signal, its kind.
    pub signal_kind: Option<HealthSignalKind>,
}

pub struct Digest(pub Found);

/// What concerns the signed-in person since a moment.
#[Object]
impl Digest {
    /// The start of the period (exclusive).
    async fn since(&self) -> DateTime {
        DateTime(self.0.since)
    }

    /// The end of the period: the moment the digest was made.
    async fn until(&self) -> DateTime {
        DateTime(self.0.until)
    }

    /// The language of the texts.
    async fn locale(&self) -> Locale {
        self.0.locale.into()
    }

    /// The lines, by section: awaiting, happened, quick wins, signals.
    async fn lines(&self) -> Vec<DigestLine> {
        self.0.lines.iter().map(|line| line_of(line, self.0.locale)).collect()
    }

    /// The whole digest as Markdown, ready for a mail or a page.
    async fn markdown(&self) -> String {
        rules::markdown(&self.0.owner, self.0.since, &self.0.lines, self.0.locale)
    }
}

fn line_of(line: &Line, locale: crate::i18n::Locale) -> DigestLine {
    let subject = match &line.subject {
        Subject::Decision { ratification_id, .. } | Subject::Outcome { ratification_id, .. } => {
            Some((NodeType::Ratification, *ratification_id))
        }
        Subject::Round { round_id, .. } => Some((NodeType::AlignmentRound, *round_id)),
        Subject::Condition { condition_id, .. } => Some((NodeType::RatificationCondition, *condition_id)),
        Subject::Commitment { commitment_id, .. } => Some((NodeType::Commitment, *commitment_id)),
        Subject::QuickWins { goal_id, .. } => goal_id.map(|id| (NodeType::Goal, id)),
        Subject::Signal { network_id, .. } => Some((NodeType::Network, *network_id)),
    };
    DigestLine {
        section: line.section.into(),
        text: line.text(locale),
        subject_id: subject.map(|(node_type, id)| ids::global_id(node_type, id)),
        signal_kind: match &line.subject {
            Subject::Signal { kind, .. } => Some((*kind).into()),
            _ => None,
        },
    }
}
