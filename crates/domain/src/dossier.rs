//! Decision dossiers (docs/dossiers.md): the document one party's governing
//! bodies decide on, and the terms a decision on it is bound to.
//!
//! A dossier has two parts. Its [`Terms`] are what a body decides on: the
//! commitment's text, scope, kind, lead, due date and goal, every party's
//! contribution, and the charter version it rests on. Their content hash is
//! the dossier's; a body that records its outcome with that hash is refused
//! when the terms have moved on since. The rest ([`Dossier`]) is context
//! that may change without making a decision stale: where the other
//! parties stand, advice and consultation received so far, conditions,
//! history. The hash is taken over the terms alone, so the Dutch and the
//! English dossier of one state carry the same hash.

use chrono::{DateTime, NaiveDate, Utc};
use entity::{
    BodyKind, BodyRight, CommitmentKind, CommitmentScope, CommitmentStatus, RatificationOutcome, RatificationStatus,
};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use uuid::Uuid;

use crate::i18n::{Arg, Locale, text};
use crate::ratification::PartyStanding;

/// What a body decides on. Serialised in this field order for the hash;
/// a field added later takes `#[serde(default)]`, so terms kept by an
/// earlier version still read (and differ, as they should).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Terms {
    pub commitment_id: Uuid,
    /// The party whose bodies decide on this dossier: another party's
    /// dossier never passes for this one's.
    pub organisation_id: Uuid,
    pub title: String,
    pub description: Option<String>,
    pub scope: CommitmentScope,
    pub kind: CommitmentKind,
    pub lead_organisation_id: Uuid,
    pub due_on: NaiveDate,
    pub goal_id: Option<Uuid>,
    pub charter_version: Option<i32>,
    /// Every current party's contribution, in organisation id order.
    pub parties: Vec<PartyTerms>,
}

/// One party's contribution, as agreed at the table.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PartyTerms {
    pub organisation_id: Uuid,
    pub contribution_euros: i64,
    pub contribution_hours: i32,
    pub contribution_note: Option<String>,
}

impl Terms {
    /// The terms of a commitment for one party, from its rows: `parties` are
    /// the commitment's current parties (others are ignored).
    pub fn from_rows(
        commitment: &entity::commitment::Model,
        parties: &[entity::commitment_party::Model],
        organisation_id: Uuid,
        charter_version: Option<i32>,
    ) -> Self {
        let mut parties: Vec<PartyTerms> = parties
            .iter()
            .filter(|p| p.commitment_id == commitment.id && p.removed_at.is_none())
            .map(|p| PartyTerms {
                organisation_id: p.organisation_id,
                contribution_euros: p.contribution_euros,
                contribution_hours: p.contribution_hours,
                contribution_note: p.contribution_note.clone(),
            })
            .collect();
        parties.sort_by_key(|p| p.organisation_id);
        Terms {
            commitment_id: commitment.id,
            organisation_id,
            title: commitment.title.clone(),
            description: commitment.description.clone(),
            scope: commitment.scope,
            kind: commitment.kind,
            lead_organisation_id: commitment.lead_organisation_id,
            due_on: commitment.due_on,
            goal_id: commitment.goal_id,
            charter_version,
            parties,
        }
    }

    /// `sha256:` and the hex digest of the terms' JSON.
    pub fn content_hash(&self) -> String {
        format!("sha256:{}", hex::encode(Sha256::digest(self.to_json().as_bytes())))
    }

    /// The JSON the hash is taken over, as kept with an issued dossier.
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }

    /// Terms kept as JSON; `None` for text that is not (a bug of ours).
    pub fn from_json(json: &str) -> Option<Self> {
        serde_json::from_str(json).ok()
    }

    /// What changed from `earlier` to these terms, by the names the API
    /// gives the fields (`title`, `dueOn`, `contributions`, …), in a fixed
    /// order. Empty when nothing a body decides on changed.
    pub fn changes_since(&self, earlier: &Terms) -> Vec<&'static str> {
        let party_ids = |terms: &Terms| terms.parties.iter().map(|p| p.organisation_id).collect::<Vec<_>>();
        [
            ("title", self.title != earlier.title),
            ("description", self.description != earlier.description),
            ("scope", self.scope != earlier.scope),
            ("kind", self.kind != earlier.kind),
            ("leadOrganisation", self.lead_organisation_id != earlier.lead_organisation_id),
            ("dueOn", self.due_on != earlier.due_on),
            ("goal", self.goal_id != earlier.goal_id),
            ("charterVersion", self.charter_version != earlier.charter_version),
            ("parties", party_ids(self) != party_ids(earlier)),
            ("contributions", party_ids(self) == party_ids(earlier) && self.parties != earlier.parties),
            // Terms of another commitment or party never pass (the store
            // looks them up by both, so this is a guard).
            (
                "commitment",
                self.commitment_id != earlier.commitment_id || self.organisation_id != earlier.organisation_id,
            ),
        ]
        .into_iter()
        .filter_map(|(name, changed)| changed.then_some(name))
        .collect()
    }
}

/// An organisation, network or goal named in a dossier.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Named {
    pub id: Uuid,
    pub name: String,
}

/// A contribution.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Contribution {
    pub euros: i64,
    pub hours: i32,
    pub note: Option<String>,
}

/// The commitment as it stands.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CommitmentText {
    pub id: Uuid,
    pub title: String,
    pub description: Option<String>,
    pub scope: CommitmentScope,
    pub kind: CommitmentKind,
    pub status: CommitmentStatus,
    pub lead: Named,
    pub due_on: NaiveDate,
    pub goal: Option<Named>,
    pub needs_replanning: Option<String>,
}

/// The charter version the commitment rests on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Charter {
    pub version: i32,
    pub adopted_at: DateTime<Utc>,
}

/// Another party, as any party may see it: counts, never its internal
/// advice or consultation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct OtherParty {
    pub organisation: Named,
    pub contribution: Contribution,
    pub agreed_at: Option<DateTime<Utc>>,
    pub standing: PartyStanding,
    pub bodies_involved: usize,
    pub bodies_answered: usize,
}

/// One of the party's own bodies and where its advice or decision stands.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct OwnBody {
    pub name: String,
    pub kind: BodyKind,
    pub right: BodyRight,
    pub status: RatificationStatus,
    pub outcome: Option<RatificationOutcome>,
    pub decided_on: Option<NaiveDate>,
    pub due_on: Option<NaiveDate>,
    pub reason: Option<String>,
    /// The content hash of the dossier it decided on, when it named one.
    pub dossier_hash: Option<String>,
}

/// The party's consultation of its constituency, by stance: counts only,
/// as for everyone outside the organisation.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct ConsultationCounts {
    pub support: usize,
    pub concern: usize,
    pub objection: usize,
}

impl ConsultationCounts {
    /// Adds `n` inputs of `stance`.
    pub fn add(&mut self, stance: entity::Stance, n: i64) {
        let n = usize::try_from(n).unwrap_or(0);
        match stance {
            entity::Stance::Support => self.support += n,
            entity::Stance::Concern => self.concern += n,
            entity::Stance::Objection => self.objection += n,
        }
    }
}

/// A condition one of the party's bodies set.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Condition {
    pub text: String,
    pub met: bool,
    pub body: String,
}

/// One step in the commitment's history.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "step", rename_all = "SCREAMING_SNAKE_CASE")]
pub enum Step {
    Proposed { on: NaiveDate },
    PartyAgreed { on: NaiveDate, organisation: String },
    Agreed { on: NaiveDate },
    Decided { on: NaiveDate, organisation: String, body: String, outcome: RatificationOutcome },
    Delivered { on: NaiveDate },
    Dropped { on: NaiveDate },
}

impl Step {
    pub fn on(&self) -> NaiveDate {
        match self {
            Step::Proposed { on }
            | Step::PartyAgreed { on, .. }
            | Step::Agreed { on }
            | Step::Decided { on, .. }
            | Step::Delivered { on }
            | Step::Dropped { on } => *on,
        }
    }

    /// The order steps of one day are told in.
    fn rank(&self) -> u8 {
        match self {
            Step::Proposed { .. } => 0,
            Step::PartyAgreed { .. } => 1,
            Step::Agreed { .. } => 2,
            Step::Decided { .. } => 3,
            Step::Delivered { .. } | Step::Dropped { .. } => 4,
        }
    }
}

/// The dossier for one party, as its bodies read it. Its JSON form is the
/// structured export; [`Dossier::markdown`] and [`Dossier::html`] the
/// documents.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Dossier {
    pub content_hash: String,
    pub language: &'static str,
    pub issued_at: DateTime<Utc>,
    pub network: Named,
    pub organisation: Named,
    pub commitment: CommitmentText,
    pub contribution: Contribution,
    pub charter: Option<Charter>,
    pub other_parties: Vec<OtherParty>,
    pub bodies: Vec<OwnBody>,
    pub consultation: ConsultationCounts,
    pub conditions: Vec<Condition>,
    pub history: Vec<Step>,
}

/// Sorts history by day, and within a day in the order things happen.
pub fn sort_history(steps: &mut [Step]) {
    steps.sort_by(|a, b| a.on().cmp(&b.on()).then(a.rank().cmp(&b.rank())));
}

/// Text written by people, made inert in Markdown within a line: every
/// character that opens or closes inline markup (emphasis, code, links,
/// HTML, table cells, entities) is escaped, and line breaks become spaces.
pub(crate) fn inline(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '>' | '|' | '~' | '&' => {
                out.push('\\');
                out.push(c);
            }
            '\r' | '\n' => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

/// A block of text written by people: its lines kept, each inert. A line
/// that would start a heading, a list, a quote or a rule gets its first
/// character escaped too.
pub(crate) fn block(text: &str) -> String {
    text.split('\n')
        .map(|line| {
            let line = inline(line.trim_end_matches('\r'));
            let body = line.trim_start();
            let indent = &line[..line.len() - body.len()];
            let digits = body.chars().take_while(char::is_ascii_digit).count();
            let opens_block =
                body.starts_with(['#', '-', '+', '=']) || (digits > 0 && body[digits..].starts_with(['.', ')']));
            if opens_block {
                let at = if digits > 0 { digits } else { 0 };
                format!("{indent}{}\\{}", &body[..at], &body[at..])
            } else {
                line
            }
        })
        .collect::<Vec<_>>()
        .join("  \n")
}

pub(crate) fn enum_name<T: Serialize>(value: &T) -> String {
    serde_json::to_value(value).ok().and_then(|v| v.as_str().map(str::to_owned)).unwrap_or_default()
}

fn standing_name(standing: PartyStanding) -> &'static str {
    match standing {
        PartyStanding::Pending => "PENDING",
        PartyStanding::Ratified => "RATIFIED",
        PartyStanding::Rejected => "REJECTED",
    }
}

impl Dossier {
    /// The dossier as Markdown in `locale`: what a secretary loads into a
    /// board portal or prints.
    pub fn markdown(&self, locale: Locale) -> String {
        let t = |id: &str, args: &[(&str, Arg)]| text(locale, id, args);
        let name = |named: &Named| Arg::Text(inline(&named.name));
        let own = name(&self.organisation);
        let mut md = String::new();
        let mut line = |s: String| {
            md.push_str(&s);
            md.push('\n');
        };

        line(format!("# {}", t("dossier-heading", &[("title", Arg::Text(inline(&self.commitment.title)))])));
        line(String::new());
        line(t("dossier-for", &[("organisation", own.clone()), ("network", name(&self.network))]));
        line(t("dossier-issued", &[("issued", Arg::Moment(self.issued_at))]));
        line(String::new());
        line(format!("**{}**", t("dossier-hash", &[("hash", Arg::Text(format!("`{}`", self.content_hash)))])));
        line(String::new());
        line(t("dossier-hash-use", &[]));

        let c = &self.commitment;
        line(String::new());
        line(format!("## {}", t("dossier-section-commitment", &[])));
        line(String::new());
        if let Some(description) = &c.description {
            line(block(description));
            line(String::new());
        }
        line("| | |".to_owned());
        line("|---|---|".to_owned());
        let row = |label: &str, value: String| format!("| {} | {} |", t(label, &[]), value);
        line(row("dossier-label-scope", t("dossier-scope", &[("scope", Arg::Text(enum_name(&c.scope)))])));
        line(row("dossier-label-kind", t("dossier-kind", &[("kind", Arg::Text(enum_name(&c.kind)))])));
        line(row("dossier-label-status", t("dossier-status", &[("status", Arg::Text(enum_name(&c.status)))])));
        line(row("dossier-label-lead", inline(&c.lead.name)));
        line(row("dossier-label-due", t_date(locale, c.due_on)));
        line(row(
            "dossier-label-goal",
            c.goal.as_ref().map_or_else(|| t("dossier-no-goal", &[]), |goal| inline(&goal.name)),
        ));
        if let Some(reason) = &c.needs_replanning {
            line(String::new());
            line(format!("> {}", t("dossier-needs-replanning", &[("reason", Arg::Text(inline(reason)))])));
        }

        line(String::new());
        line(format!("## {}", t("dossier-section-contribution", &[("organisation", own.clone())])));
        line(String::new());
        line(t(
            "dossier-contribution",
            &[
                ("euros", Arg::Count(self.contribution.euros.unsigned_abs())),
                ("hours", Arg::Count(u64::from(self.contribution.hours.unsigned_abs()))),
            ],
        ));
        if let Some(note) = &self.contribution.note {
            line(String::new());
            line(block(note));
        }

        line(String::new());
        line(format!("## {}", t("dossier-section-charter", &[])));
        line(String::new());
        line(match &self.charter {
            Some(charter) => t(
                "dossier-charter",
                &[
                    ("version", Arg::Count(u64::from(charter.version.unsigned_abs()))),
                    ("adopted", Arg::Date(charter.adopted_at.date_naive())),
                ],
            ),
            None => t("dossier-no-charter", &[]),
        });

        line(String::new());
        line(format!("## {}", t("dossier-section-parties", &[])));
        line(String::new());
        if self.other_parties.is_empty() {
            line(t("dossier-no-other-parties", &[("organisation", own.clone())]));
        } else {
            line(format!(
                "| {} | {} | {} | {} |",
                t("dossier-column-party", &[]),
                t("dossier-column-contribution", &[]),
                t("dossier-column-agreed", &[]),
                t("dossier-column-ratification", &[])
            ));
            line("|---|---|---|---|".to_owned());
            for party in &self.other_parties {
                line(format!(
                    "| {} | {} | {} | {} |",
                    inline(&party.organisation.name),
                    t(
                        "dossier-party-contribution",
                        &[
                            ("euros", Arg::Count(party.contribution.euros.unsigned_abs())),
                            ("hours", Arg::Count(u64::from(party.contribution.hours.unsigned_abs()))),
                        ]
                    ),
                    party.agreed_at.map_or_else(|| t("dossier-not-agreed", &[]), |at| t_date(locale, at.date_naive())),
                    t(
                        "dossier-standing",
                        &[
                            ("standing", Arg::Text(standing_name(party.standing).to_owned())),
                            ("answered", Arg::Count(party.bodies_answered as u64)),
                            ("involved", Arg::Count(party.bodies_involved as u64)),
                        ]
                    )
                ));
            }
        }

        line(String::new());
        line(format!("## {}", t("dossier-section-bodies", &[("organisation", own.clone())])));
        line(String::new());
        if self.bodies.is_empty() {
            line(t("dossier-no-bodies", &[("organisation", own.clone())]));
        } else {
            line(format!(
                "| {} | {} | {} | {} |",
                t("dossier-column-body", &[]),
                t("dossier-column-right", &[]),
                t("dossier-column-state", &[]),
                t("dossier-column-due", &[])
            ));
            line("|---|---|---|---|".to_owned());
            for body in &self.bodies {
                let state = match (body.outcome, body.decided_on) {
                    (Some(outcome), Some(on)) => t(
                        "dossier-outcome-on",
                        &[
                            (
                                "outcome",
                                Arg::Text(t("dossier-outcome", &[("outcome", Arg::Text(enum_name(&outcome)))])),
                            ),
                            ("on", Arg::Date(on)),
                        ],
                    ),
                    _ => t("dossier-state", &[("status", Arg::Text(enum_name(&body.status)))]),
                };
                line(format!(
                    "| {} | {} | {} | {} |",
                    inline(&body.name),
                    t("dossier-right", &[("right", Arg::Text(enum_name(&body.right)))]),
                    state,
                    body.due_on.map(|due| t_date(locale, due)).unwrap_or_default()
                ));
            }
            let reasons: Vec<&OwnBody> = self.bodies.iter().filter(|b| b.reason.is_some()).collect();
            if !reasons.is_empty() {
                line(String::new());
                for body in reasons {
                    line(format!(
                        "- {}",
                        t(
                            "dossier-reason",
                            &[
                                ("body", Arg::Text(inline(&body.name))),
                                ("reason", Arg::Text(inline(body.reason.as_deref().unwrap_or_default())))
                            ]
                        )
                    ));
                }
            }
        }

        line(String::new());
        line(format!("## {}", t("dossier-section-consultation", &[])));
        line(String::new());
        let counts = self.consultation;
        line(if counts.support + counts.concern + counts.objection == 0 {
            t("dossier-no-consultation", &[])
        } else {
            t(
                "dossier-consultation",
                &[
                    ("support", Arg::Count(counts.support as u64)),
                    ("concern", Arg::Count(counts.concern as u64)),
                    ("objection", Arg::Count(counts.objection as u64)),
                ],
            )
        });

        line(String::new());
        line(format!("## {}", t("dossier-section-conditions", &[])));
        line(String::new());
        if self.conditions.is_empty() {
            line(t("dossier-no-conditions", &[]));
        }
        for condition in &self.conditions {
            line(format!(
                "- {}",
                t(
                    "dossier-condition",
                    &[
                        ("text", Arg::Text(inline(&condition.text))),
                        ("met", Arg::Text(if condition.met { "yes" } else { "no" }.to_owned())),
                        ("body", Arg::Text(inline(&condition.body))),
                    ]
                )
            ));
        }

        line(String::new());
        line(format!("## {}", t("dossier-section-history", &[])));
        line(String::new());
        for step in &self.history {
            let what = match step {
                Step::Proposed { .. } => t("dossier-step-proposed", &[]),
                Step::PartyAgreed { organisation, .. } => {
                    t("dossier-step-party-agreed", &[("organisation", Arg::Text(inline(organisation)))])
                }
                Step::Agreed { .. } => t("dossier-step-agreed", &[]),
                Step::Decided { organisation, body, outcome, .. } => t(
                    "dossier-step-decided",
                    &[
                        ("body", Arg::Text(inline(body))),
                        ("organisation", Arg::Text(inline(organisation))),
                        ("outcome", Arg::Text(t("dossier-outcome", &[("outcome", Arg::Text(enum_name(outcome)))]))),
                    ],
                ),
                Step::Delivered { .. } => t("dossier-step-delivered", &[]),
                Step::Dropped { .. } => t("dossier-step-dropped", &[]),
            };
            line(format!("- {}: {what}", t_date(locale, step.on())));
        }
        md
    }

    /// The dossier as a standalone HTML page that prints well. People's text
    /// was escaped for Markdown, and any HTML that still reaches the
    /// renderer is shown as text, never interpreted.
    pub fn html(&self, locale: Locale) -> String {
        printable(&self.markdown(locale), &self.commitment.title, locale)
    }
}

/// A Markdown document as a standalone HTML page that prints on A4. Any HTML
/// in the Markdown is shown as text, never interpreted: people's text was
/// escaped already, and this makes sure of it.
pub(crate) fn printable(markdown: &str, title: &str, locale: Locale) -> String {
    use pulldown_cmark::{Event, Options, Parser, html};
    let parser = Parser::new_ext(markdown, Options::ENABLE_TABLES).map(|event| match event {
        Event::Html(raw) | Event::InlineHtml(raw) => Event::Text(raw),
        other => other,
    });
    let mut body = String::new();
    html::push_html(&mut body, parser);
    let title = html_escape(title);
    format!(
        "<!DOCTYPE html>\n<html lang=\"{lang}\">\n<head>\n<meta charset=\"utf-8\">\n<title>{title}</title>\n<style>{PRINT_CSS}</style>\n</head>\n<body>\n<main>\n{body}</main>\n</body>\n</html>\n",
        lang = locale.tag(),
    )
}

/// A page that reads on screen and prints on A4 without cut tables.
const PRINT_CSS: &str = "body{font-family:Georgia,'Times New Roman',serif;line-height:1.45;color:#111;margin:0}\
main{max-width:46rem;margin:2rem auto;padding:0 1rem}\
h1{font-size:1.6rem}h2{font-size:1.2rem;margin-top:1.8rem;border-bottom:1px solid #999}\
table{border-collapse:collapse;width:100%}th,td{border:1px solid #bbb;padding:.3rem .5rem;text-align:left;vertical-align:top}\
code{font-size:.8rem;word-break:break-all}\
@page{size:A4;margin:2cm}@media print{main{margin:0;max-width:none}h2{break-after:avoid}tr,li{break-inside:avoid}}";

fn html_escape(text: &str) -> String {
    text.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}

pub(crate) fn t_date(locale: Locale, day: NaiveDate) -> String {
    // A date alone, written the language's way, through the catalogue's
    // formatter (a message that is only its argument).
    text(locale, "dossier-date", &[("date", Arg::Date(day))])
}

#[cfg(test)]
mod tests {
    use super::*;

    fn terms() -> Terms {
        Terms {
            commitment_id: Uuid::from_u128(1),
            organisation_id: Uuid::from_u128(2),
            title: "Wonen met zorg".into(),
            description: None,
            scope: CommitmentScope::Coalition,
            kind: CommitmentKind::Initiative,
            lead_organisation_id: Uuid::from_u128(2),
            due_on: NaiveDate::from_ymd_opt(2026, 12, 31).expect("date"),
            goal_id: None,
            charter_version: Some(1),
            parties: vec![PartyTerms {
                organisation_id: Uuid::from_u128(2),
                contribution_euros: 150_000,
                contribution_hours: 0,
                contribution_note: None,
            }],
        }
    }

    #[test]
    fn the_same_terms_hash_the_same_and_any_change_is_named() {
        let before = terms();
        assert_eq!(before.content_hash(), terms().content_hash());
        assert!(before.content_hash().starts_with("sha256:") && before.content_hash().len() == 71);
        assert!(terms().changes_since(&before).is_empty());

        let mut later = terms();
        later.due_on = NaiveDate::from_ymd_opt(2027, 1, 31).expect("date");
        later.parties[0].contribution_euros = 100_000;
        assert_ne!(later.content_hash(), before.content_hash());
        assert_eq!(later.changes_since(&before), vec!["dueOn", "contributions"]);

        let mut joined = terms();
        joined.parties.push(PartyTerms {
            organisation_id: Uuid::from_u128(3),
            contribution_euros: 0,
            contribution_hours: 10,
            contribution_note: None,
        });
        joined.charter_version = Some(2);
        assert_eq!(joined.changes_since(&before), vec!["charterVersion", "parties"]);
    }

    #[test]
    fn kept_terms_read_back_as_they_were_hashed() {
        let kept = terms().to_json();
        let read = Terms::from_json(&kept).expect("terms");
        assert_eq!(read.content_hash(), terms().content_hash());
    }

    #[test]
    fn peoples_text_cannot_make_markup() {
        assert_eq!(inline("<b>x</b> | *y*. Done!"), "\\<b\\>x\\</b\\> \\| \\*y\\*. Done!");
        assert_eq!(block("one.\ntwo"), "one.  \ntwo");
        assert_eq!(
            block("# kop\n- punt\n12. twaalf\n  + plus\n3 woningen"),
            "\\# kop  \n\\- punt  \n12\\. twaalf  \n  \\+ plus  \n3 woningen"
        );
    }
}
