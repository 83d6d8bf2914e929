//! A network's yearly cycle and its accountability report (docs/cycles.md):
//! what was agreed for the year, which bodies ratified it and on what
//! conditions, what was delivered, the indicators against their targets, the
//! quick wins, and what was re-planned or dropped and why.
//!
//! [`build`] makes the structured report from rows; it is stored as JSON
//! when the cycle closes, so the document a council read stays what it read.
//! [`CycleReport::markdown`] writes it for a council or a supervisory board
//! in Dutch or English, from the catalogue (`locales/<language>/cycle.ftl`).

use std::collections::HashMap;

use chrono::{DateTime, NaiveDate, Utc};
use entity::{
    BodyRight, CommitmentKind, CommitmentScope, CommitmentStatus, ConditionStatus, CycleStatus, IndicatorAggregation,
    IndicatorDirection, RatificationOutcome, commitment, commitment_party, indicator, indicator_target, measurement,
    ratification, ratification_condition,
};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::dossier::{enum_name, inline, t_date};
use crate::i18n::{Arg, Locale, text};
use crate::indicators;
use crate::ratification::{PartyStanding, party_standing};

/// The accountability report of one cycle.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CycleReport {
    pub network: String,
    pub year: i32,
    pub title: String,
    pub status: CycleStatus,
    /// The moment the report describes: when the cycle closed, or when a
    /// draft was read.
    pub as_of: DateTime<Utc>,
    pub closing_note: Option<String>,
    pub summary: Summary,
    pub commitments: Vec<ReportCommitment>,
    pub indicators: Vec<ReportIndicator>,
}

/// The year in numbers.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Summary {
    /// Commitments of the cycle.
    pub commitments: u32,
    /// Agreed at the table by every party.
    pub agreed: u32,
    /// Ratified by every party's deciding and approving bodies.
    pub ratified: u32,
    pub delivered: u32,
    pub quick_wins_delivered: u32,
    pub replanned: u32,
    pub dropped: u32,
    /// Indicators with a target in the year, and how many met it.
    pub indicators_with_target: u32,
    pub indicators_met: u32,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ReportCommitment {
    pub id: Uuid,
    pub title: String,
    pub goal: Option<String>,
    pub scope: CommitmentScope,
    pub kind: CommitmentKind,
    pub status: CommitmentStatus,
    pub lead: String,
    pub parties: Vec<String>,
    pub due_on: NaiveDate,
    pub agreed_on: Option<NaiveDate>,
    pub delivered_on: Option<NaiveDate>,
    pub dropped_on: Option<NaiveDate>,
    pub dropped_reason: Option<String>,
    pub replanned: i32,
    pub replanning_reason: Option<String>,
    pub ratified: bool,
    pub ratifications: Vec<ReportRatification>,
    /// The indicators the commitment contributes to, by name.
    pub indicators: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ReportRatification {
    pub organisation: String,
    pub body: String,
    pub right: BodyRight,
    pub outcome: Option<RatificationOutcome>,
    pub decided_on: Option<NaiveDate>,
    /// A rejection's reason, or why a body departed from negative advice.
    pub reason: Option<String>,
    pub conditions: Vec<ReportCondition>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ReportCondition {
    pub text: String,
    pub met: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ReportIndicator {
    pub id: Uuid,
    pub name: String,
    pub goal: Option<String>,
    pub unit: String,
    pub direction: IndicatorDirection,
    pub aggregation: IndicatorAggregation,
    pub baseline: f64,
    pub baseline_period: String,
    /// The year's periods with their targets and the network's figures.
    pub periods: Vec<ReportPeriod>,
    /// The year's last period with a target met it.
    pub met: Option<bool>,
    /// Each reporter's figures of the year, when the network shares them.
    pub partners: Option<Vec<PartnerFigures>>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ReportPeriod {
    pub period: String,
    pub target: Option<f64>,
    /// The network's figure; null when no one reported, or when it is
    /// withheld.
    pub actual: Option<f64>,
    /// Too few partners reported to show a total without giving one's
    /// figure away, and the network does not share partners' figures.
    pub withheld: bool,
    pub reported: u32,
    pub expected: u32,
    pub met: Option<bool>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PartnerFigures {
    pub organisation: String,
    pub figures: Vec<(String, f64)>,
}

/// Everything the report is made of, read by the store.
pub struct Rows<'a> {
    pub network: &'a str,
    pub year: i32,
    pub title: &'a str,
    pub status: CycleStatus,
    pub as_of: DateTime<Utc>,
    pub closing_note: Option<&'a str>,
    pub commitments: &'a [commitment::Model],
    pub parties: &'a [commitment_party::Model],
    pub ratifications: &'a [ratification::Model],
    pub conditions: &'a [ratification_condition::Model],
    /// Names of organisations, bodies and goals by id.
    pub names: &'a HashMap<Uuid, String>,
    pub indicators: &'a [indicator::Model],
    pub targets: &'a [indicator_target::Model],
    /// (indicator, organisation)
    pub reporters: &'a [(Uuid, Uuid)],
    pub measurements: &'a [measurement::Model],
    /// (commitment, indicator)
    pub contributions: &'a [(Uuid, Uuid)],
    /// Whether partners' own figures go in the report (the network's setting).
    pub share_partner_figures: bool,
}

/// Builds the report. Commitments come in due-date order, then title;
/// indicators by name; the numbers follow the same rules as the dossier
/// (a party has ratified when its deciding and approving bodies approved).
pub fn build(rows: &Rows<'_>) -> CycleReport {
    let name = |id: Uuid| rows.names.get(&id).cloned().unwrap_or_default();
    let indicator_names: HashMap<Uuid, &str> = rows.indicators.iter().map(|i| (i.id, i.name.as_str())).collect();
    let mut commitments: Vec<ReportCommitment> = rows
        .commitments
        .iter()
        .map(|c| {
            let mut parties: Vec<String> = rows
                .parties
                .iter()
                .filter(|p| p.commitment_id == c.id && p.removed_at.is_none())
                .map(|p| name(p.organisation_id))
                .collect();
            parties.sort();
            let current: Vec<&ratification::Model> =
                rows.ratifications.iter().filter(|r| r.commitment_id == c.id && r.withdrawn_at.is_none()).collect();
            let mut by_party: HashMap<Uuid, Vec<(BodyRight, Option<RatificationOutcome>)>> = HashMap::new();
            for r in &current {
                by_party.entry(r.organisation_id).or_default().push((r.right, r.outcome));
            }
            let ratified = !by_party.is_empty()
                && by_party.values().all(|outcomes| party_standing(outcomes) == PartyStanding::Ratified);
            let mut ratifications: Vec<ReportRatification> = current
                .iter()
                .map(|r| ReportRatification {
                    organisation: name(r.organisation_id),
                    body: name(r.body_id),
                    right: r.right,
                    outcome: r.outcome,
                    decided_on: r.decided_on,
                    reason: r.reason.clone(),
                    conditions: rows
                        .conditions
                        .iter()
                        .filter(|k| k.ratification_id == r.id)
                        .map(|k| ReportCondition { text: k.text.clone(), met: k.status == ConditionStatus::Met })
                        .collect(),
                })
                .collect();
            ratifications.sort_by(|a, b| (&a.organisation, &a.body).cmp(&(&b.organisation, &b.body)));
            let mut indicators: Vec<String> = rows
                .contributions
                .iter()
                .filter(|(commitment, _)| *commitment == c.id)
                .filter_map(|(_, indicator)| indicator_names.get(indicator).map(|n| (*n).to_owned()))
                .collect();
            indicators.sort();
            ReportCommitment {
                id: c.id,
                title: c.title.clone(),
                goal: c.goal_id.map(name),
                scope: c.scope,
                kind: c.kind,
                status: c.status,
                lead: name(c.lead_organisation_id),
                parties,
                due_on: c.due_on,
                agreed_on: c.agreed_at.map(crate::i18n::local_day),
                delivered_on: c.delivered_at.map(crate::i18n::local_day),
                dropped_on: c.dropped_at.map(crate::i18n::local_day),
                dropped_reason: c.dropped_reason.clone(),
                replanned: c.replanned_count,
                replanning_reason: c.last_replanning_reason.clone(),
                ratified,
                ratifications,
                indicators,
            }
        })
        .collect();
    commitments.sort_by(|a, b| (a.due_on, &a.title).cmp(&(b.due_on, &b.title)));

    let figures = indicators::current(rows.measurements, rows.as_of);
    let mut report_indicators: Vec<ReportIndicator> = rows
        .indicators
        .iter()
        .map(|i| {
            let reporters: Vec<Uuid> =
                rows.reporters.iter().filter(|(ind, _)| *ind == i.id).map(|(_, org)| *org).collect();
            let own: Vec<&measurement::Model> = figures.iter().copied().filter(|m| m.indicator_id == i.id).collect();
            let totals = indicators::totals(i.aggregation, &reporters, &own);
            let periods: Vec<ReportPeriod> = indicators::periods_in_year(i.cadence, rows.year)
                .into_iter()
                .map(|period| {
                    let label = period.to_string();
                    let target =
                        rows.targets.iter().find(|t| t.indicator_id == i.id && t.period == label).map(|t| t.value);
                    let total = totals.iter().find(|t| t.period == period);
                    // The report is read by every partner: a total of too few
                    // reporters would give one's figure away (`Disclosure`).
                    let withheld =
                        !rows.share_partner_figures && total.is_some_and(|t| t.reported < indicators::MIN_REPORTERS);
                    let actual = total.and_then(|t| t.value).filter(|_| !withheld);
                    ReportPeriod {
                        period: label,
                        target,
                        actual,
                        withheld,
                        reported: total.map_or(0, |t| t.reported),
                        expected: u32::try_from(reporters.len()).unwrap_or(u32::MAX),
                        met: target.zip(actual).map(|(target, actual)| indicators::meets(i.direction, actual, target)),
                    }
                })
                .collect();
            let met = periods.iter().rev().find(|p| p.target.is_some()).map(|p| p.met.unwrap_or(false));
            let partners = rows.share_partner_figures.then(|| {
                let mut partners: Vec<PartnerFigures> = reporters
                    .iter()
                    .map(|org| PartnerFigures {
                        organisation: name(*org),
                        figures: periods
                            .iter()
                            .filter_map(|p| {
                                own.iter()
                                    .find(|m| m.organisation_id == *org && m.period == p.period)
                                    .map(|m| (p.period.clone(), m.value))
                            })
                            .collect(),
                    })
                    .collect();
                partners.sort_by(|a, b| a.organisation.cmp(&b.organisation));
                partners
            });
            ReportIndicator {
                id: i.id,
                name: i.name.clone(),
                goal: Some(name(i.goal_id)).filter(|g| !g.is_empty()),
                unit: i.unit.clone(),
                direction: i.direction,
                aggregation: i.aggregation,
                baseline: i.baseline,
                baseline_period: i.baseline_period.clone(),
                periods,
                met,
                partners,
            }
        })
        .collect();
    report_indicators.sort_by(|a, b| a.name.cmp(&b.name));

    let count = |f: &dyn Fn(&ReportCommitment) -> bool| {
        u32::try_from(commitments.iter().filter(|c| f(c)).count()).unwrap_or(u32::MAX)
    };
    let summary = Summary {
        commitments: u32::try_from(commitments.len()).unwrap_or(u32::MAX),
        agreed: count(&|c| c.agreed_on.is_some()),
        ratified: count(&|c| c.ratified),
        delivered: count(&|c| c.status == CommitmentStatus::Delivered),
        quick_wins_delivered: count(&|c| c.status == CommitmentStatus::Delivered && c.kind == CommitmentKind::QuickWin),
        replanned: count(&|c| c.replanned > 0),
        dropped: count(&|c| c.status == CommitmentStatus::Dropped),
        indicators_with_target: u32::try_from(report_indicators.iter().filter(|i| i.met.is_some()).count())
            .unwrap_or(u32::MAX),
        indicators_met: u32::try_from(report_indicators.iter().filter(|i| i.met == Some(true)).count())
            .unwrap_or(u32::MAX),
    };
    CycleReport {
        network: rows.network.to_owned(),
        year: rows.year,
        title: rows.title.to_owned(),
        status: rows.status,
        as_of: rows.as_of,
        closing_note: rows.closing_note.map(str::to_owned),
        summary,
        commitments,
        indicators: report_indicators,
    }
}

/// A figure as a reader writes it: whole numbers without decimals.
fn figure(value: f64) -> Arg {
    let digits = if (value - value.round()).abs() < 1e-9 { 0 } else { 1 };
    Arg::Decimal { value, digits }
}

impl CycleReport {
    /// The report as one Markdown document a council or supervisory board
    /// reads. Names and free text are escaped; nothing of it is raw HTML.
    pub fn markdown(&self, locale: Locale) -> String {
        let t = |id: &str, args: &[(&str, Arg)]| text(locale, id, args);
        let s = |value: &str| Arg::Text(inline(value));
        let n = |count: u32| Arg::Count(u64::from(count));
        let mut md = String::new();
        let mut line = |text: String| {
            md.push_str(&text);
            md.push('\n');
        };

        line(format!("# {}", t("cycle-heading", &[("title", s(&self.title)), ("network", s(&self.network))])));
        line(String::new());
        line(match self.status {
            CycleStatus::Closed => t("cycle-closed", &[("at", Arg::Moment(self.as_of))]),
            CycleStatus::Open => t("cycle-draft", &[("at", Arg::Moment(self.as_of))]),
        });
        if let Some(note) = &self.closing_note {
            line(String::new());
            line(format!("> {}", inline(note)));
        }

        let sum = &self.summary;
        line(String::new());
        line(format!("## {}", t("cycle-section-summary", &[])));
        line(String::new());
        line(t(
            "cycle-summary",
            &[
                ("year", Arg::Text(self.year.to_string())),
                ("commitments", n(sum.commitments)),
                ("agreed", n(sum.agreed)),
                ("ratified", n(sum.ratified)),
                ("delivered", n(sum.delivered)),
                ("quickWins", n(sum.quick_wins_delivered)),
            ],
        ));
        line(String::new());
        line(t("cycle-summary-changes", &[("replanned", n(sum.replanned)), ("dropped", n(sum.dropped))]));
        if sum.indicators_with_target > 0 {
            line(String::new());
            line(t(
                "cycle-summary-indicators",
                &[("met", n(sum.indicators_met)), ("total", n(sum.indicators_with_target))],
            ));
        }

        line(String::new());
        line(format!("## {}", t("cycle-section-agreed", &[])));
        line(String::new());
        if self.commitments.is_empty() {
            line(t("cycle-nothing", &[]));
        } else {
            line(format!(
                "| {} | {} | {} | {} | {} |",
                t("cycle-column-commitment", &[]),
                t("cycle-column-parties", &[]),
                t("cycle-column-due", &[]),
                t("cycle-column-status", &[]),
                t("cycle-column-ratified", &[]),
            ));
            line("|---|---|---|---|---|".to_owned());
            for c in &self.commitments {
                let parties: Vec<String> = c.parties.iter().map(|p| inline(p)).collect();
                line(format!(
                    "| {}{} | {} | {} | {} | {} |",
                    inline(&c.title),
                    if c.kind == CommitmentKind::QuickWin {
                        format!(" ({})", t("cycle-quick-win", &[]))
                    } else {
                        String::new()
                    },
                    parties.join(", "),
                    t_date(locale, c.due_on),
                    t("dossier-status", &[("status", Arg::Text(enum_name(&c.status)))]),
                    t("cycle-yes-no", &[("value", Arg::Text(if c.ratified { "yes" } else { "no" }.to_owned()))]),
                ));
            }
        }

        line(String::new());
        line(format!("## {}", t("cycle-section-ratified", &[])));
        let decided: Vec<&ReportCommitment> = self.commitments.iter().filter(|c| !c.ratifications.is_empty()).collect();
        if decided.is_empty() {
            line(String::new());
            line(t("cycle-nothing", &[]));
        }
        for c in decided {
            line(String::new());
            line(format!("### {}", inline(&c.title)));
            line(String::new());
            for r in c.ratifications.iter().filter(|r| r.outcome.is_some()) {
                let right = t("dossier-right", &[("right", Arg::Text(enum_name(&r.right)))]);
                let outcome = r.outcome.map(|o| t("dossier-outcome", &[("outcome", Arg::Text(enum_name(&o)))]));
                let state = match (outcome, r.decided_on) {
                    (Some(outcome), Some(on)) => t(
                        "dossier-outcome-on",
                        &[("outcome", Arg::Text(outcome)), ("on", Arg::Text(t_date(locale, on)))],
                    ),
                    (outcome, _) => outcome.unwrap_or_default(),
                };
                line(format!("- {} ({}, {right}): {state}", inline(&r.body), inline(&r.organisation)));
                if let Some(reason) = &r.reason {
                    line(format!("  - {}", t("cycle-reason", &[("reason", s(reason))])));
                }
                for k in &r.conditions {
                    line(format!(
                        "  - {}",
                        t(
                            "cycle-condition",
                            &[("text", s(&k.text)), ("met", Arg::Text(if k.met { "yes" } else { "no" }.to_owned()))]
                        )
                    ));
                }
            }
            // Bodies still to decide, in one line: a council reads what was
            // decided, and who has yet to.
            let pending: Vec<String> = c
                .ratifications
                .iter()
                .filter(|r| r.outcome.is_none())
                .map(|r| format!("{} ({})", inline(&r.body), inline(&r.organisation)))
                .collect();
            if !pending.is_empty() {
                line(format!("- {}", t("cycle-pending", &[("bodies", Arg::Text(pending.join(", ")))])));
            }
        }

        line(String::new());
        line(format!("## {}", t("cycle-section-delivered", &[])));
        line(String::new());
        let delivered: Vec<&ReportCommitment> =
            self.commitments.iter().filter(|c| c.status == CommitmentStatus::Delivered).collect();
        if delivered.is_empty() {
            line(t("cycle-nothing", &[]));
        }
        for c in delivered {
            let on = c.delivered_on.map(|d| t_date(locale, d)).unwrap_or_default();
            let mut item = t("cycle-delivered", &[("title", s(&c.title)), ("on", Arg::Text(on))]);
            if c.kind == CommitmentKind::QuickWin {
                item = t(
                    "cycle-delivered-quick-win",
                    &[("line", Arg::Text(item)), ("goal", c.goal.as_deref().map_or(Arg::Text("-".into()), s))],
                );
            }
            line(format!("- {item}"));
        }

        line(String::new());
        line(format!("## {}", t("cycle-section-indicators", &[])));
        line(String::new());
        if self.indicators.is_empty() {
            line(t("cycle-nothing", &[]));
        }
        for i in &self.indicators {
            line(format!("### {} ({})", inline(&i.name), inline(&i.unit)));
            line(String::new());
            line(t(
                "cycle-indicator-about",
                &[
                    ("goal", i.goal.as_deref().map_or(Arg::Text("-".into()), s)),
                    ("direction", Arg::Text(enum_name(&i.direction))),
                    ("aggregation", Arg::Text(enum_name(&i.aggregation))),
                    ("baseline", figure(i.baseline)),
                    ("period", Arg::Text(i.baseline_period.clone())),
                ],
            ));
            line(String::new());
            line(format!(
                "| {} | {} | {} | {} |",
                t("cycle-column-period", &[]),
                t("cycle-column-target", &[]),
                t("cycle-column-actual", &[]),
                t("cycle-column-met", &[]),
            ));
            line("|---|---|---|---|".to_owned());
            for p in &i.periods {
                let dash = || "–".to_owned();
                let actual = if p.withheld {
                    t("cycle-withheld", &[("reported", n(p.reported))])
                } else {
                    p.actual.map_or_else(dash, |v| {
                        let value = t("cycle-figure", &[("value", figure(v))]);
                        if p.reported < p.expected {
                            t(
                                "cycle-partial",
                                &[
                                    ("value", Arg::Text(value)),
                                    ("reported", n(p.reported)),
                                    ("expected", n(p.expected)),
                                ],
                            )
                        } else {
                            value
                        }
                    })
                };
                line(format!(
                    "| {} | {} | {} | {} |",
                    p.period,
                    p.target.map_or_else(dash, |v| t("cycle-figure", &[("value", figure(v))])),
                    actual,
                    p.met.map_or_else(dash, |met| {
                        t("cycle-yes-no", &[("value", Arg::Text(if met { "yes" } else { "no" }.to_owned()))])
                    }),
                ));
            }
            if let Some(partners) = &i.partners {
                line(String::new());
                for partner in partners {
                    let figures: Vec<String> = partner
                        .figures
                        .iter()
                        .map(|(period, v)| format!("{period}: {}", t("cycle-figure", &[("value", figure(*v))])))
                        .collect();
                    let figures = if figures.is_empty() { t("cycle-not-reported", &[]) } else { figures.join("; ") };
                    line(format!("- {}: {figures}", inline(&partner.organisation)));
                }
            }
            line(String::new());
        }
        if !self.indicators.is_empty() {
            md.pop();
        }

        let changed: Vec<&ReportCommitment> =
            self.commitments.iter().filter(|c| c.replanned > 0 || c.status == CommitmentStatus::Dropped).collect();
        let mut line = |text: String| {
            md.push_str(&text);
            md.push('\n');
        };
        line(String::new());
        line(format!("## {}", t("cycle-section-changed", &[])));
        line(String::new());
        if changed.is_empty() {
            line(t("cycle-nothing", &[]));
        }
        for c in changed {
            if c.status == CommitmentStatus::Dropped {
                let on = c.dropped_on.map(|d| t_date(locale, d)).unwrap_or_default();
                let reason = c.dropped_reason.as_deref().map_or_else(|| t("cycle-no-reason", &[]), inline);
                line(format!(
                    "- {}",
                    t("cycle-dropped", &[("title", s(&c.title)), ("on", Arg::Text(on)), ("reason", Arg::Text(reason))])
                ));
            }
            if c.replanned > 0 {
                let reason = c.replanning_reason.as_deref().map_or_else(|| t("cycle-no-reason", &[]), inline);
                line(format!(
                    "- {}",
                    t(
                        "cycle-replanned",
                        &[
                            ("title", s(&c.title)),
                            ("times", Arg::Count(u64::from(c.replanned.unsigned_abs()))),
                            ("reason", Arg::Text(reason)),
                        ]
                    )
                ));
            }
        }
        md
    }
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;
    use entity::{
        CommitmentKind, CommitmentScope, CommitmentStatus, IndicatorCadence, RatificationStatus, commitment, indicator,
        indicator_target, measurement, ratification,
    };

    use super::*;

    fn at(month: u32, day: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, month, day, 9, 0, 0).single().expect("a valid time")
    }

    fn id(n: u128) -> Uuid {
        Uuid::from_u128(n)
    }

    /// A year of one delivered quick win ratified with a condition, and one
    /// indicator two of three partners reported on.
    fn year(share_partner_figures: bool) -> CycleReport {
        let commitment = commitment::Model {
            id: id(1),
            tenant_id: id(2),
            network_id: id(3),
            goal_id: Some(id(40)),
            title: "Spreekuur *huurachterstanden*".into(),
            description: None,
            scope: CommitmentScope::Organisation,
            kind: CommitmentKind::QuickWin,
            lead_organisation_id: id(10),
            due_on: at(5, 1).date_naive(),
            status: CommitmentStatus::Delivered,
            needs_replanning: false,
            replanning_reason: None,
            proposed_at: at(1, 5),
            proposed_by: None,
            proposed_in_meeting_id: None,
            agreed_at: Some(at(1, 10)),
            delivered_at: Some(at(4, 20)),
            dropped_at: None,
            dropped_reason: None,
            updated_at: at(4, 20),
            version: 3,
            replanned_count: 1,
            last_replanned_at: Some(at(1, 8)),
            last_replanning_reason: Some("a party left the network".into()),
        };
        let ratification = ratification::Model {
            id: id(20),
            tenant_id: id(2),
            network_id: id(3),
            commitment_id: id(1),
            organisation_id: id(10),
            body_id: id(30),
            right: BodyRight::Decides,
            status: RatificationStatus::Done,
            outcome: Some(RatificationOutcome::ApprovedWithConditions),
            reason: None,
            decided_on: Some(at(2, 1).date_naive()),
            minutes_reference: None,
            recorded_by: None,
            recorded_at: Some(at(2, 1)),
            consultation_started_at: None,
            due_on: None,
            withdrawn_at: None,
            created_at: at(1, 10),
            version: 2,
            dossier_hash: None,
        };
        let condition = ratification_condition::Model {
            id: id(21),
            tenant_id: id(2),
            ratification_id: id(20),
            organisation_id: id(10),
            text: "Twice a year to the board".into(),
            status: ConditionStatus::Open,
            met_at: None,
            met_by: None,
        };
        let indicator = indicator::Model {
            id: id(50),
            tenant_id: id(2),
            network_id: id(3),
            goal_id: id(40),
            name: "Waiting days".into(),
            description: None,
            unit: "days".into(),
            direction: IndicatorDirection::Lower,
            aggregation: IndicatorAggregation::Mean,
            cadence: IndicatorCadence::Yearly,
            baseline: 40.0,
            baseline_period: "2024".into(),
            created_at: at(1, 1),
            updated_at: at(1, 1),
            version: 1,
        };
        let target = indicator_target::Model {
            id: id(51),
            tenant_id: id(2),
            indicator_id: id(50),
            period: "2026".into(),
            value: 30.0,
        };
        let figure = |n: u128, org: u128, value: f64| measurement::Model {
            id: id(n),
            tenant_id: id(2),
            network_id: id(3),
            indicator_id: id(50),
            organisation_id: id(org),
            period: "2026".into(),
            value,
            note: None,
            corrects_id: None,
            recorded_by: None,
            recorded_at: at(6, 1),
        };
        let names: HashMap<Uuid, String> =
            [(10, "Woonstichting"), (11, "Gemeente"), (12, "Zorg"), (30, "Bestuur"), (40, "Wonen")]
                .into_iter()
                .map(|(n, name)| (id(n), name.to_owned()))
                .collect();
        build(&Rows {
            network: "Regio",
            year: 2026,
            title: "2026",
            status: CycleStatus::Closed,
            as_of: at(12, 20),
            closing_note: Some("Voor de raad"),
            commitments: &[commitment],
            parties: &[],
            ratifications: &[ratification],
            conditions: &[condition],
            names: &names,
            indicators: &[indicator],
            targets: &[target],
            reporters: &[(id(50), id(10)), (id(50), id(11)), (id(50), id(12))],
            measurements: &[figure(60, 10, 28.0), figure(61, 11, 31.0)],
            contributions: &[(id(1), id(50))],
            share_partner_figures,
        })
    }

    #[test]
    fn a_report_reads_back_from_its_frozen_json_unchanged() {
        let report = year(false);
        let frozen = serde_json::to_value(&report).expect("serialises");
        let thawed: CycleReport = serde_json::from_value(frozen.clone()).expect("reads back");
        assert_eq!(thawed, report);
        assert_eq!(serde_json::to_value(&thawed).expect("serialises"), frozen);
        for locale in [Locale::Nl, Locale::En] {
            assert_eq!(thawed.markdown(locale), report.markdown(locale));
        }
    }

    #[test]
    fn the_report_counts_and_judges_as_the_rules_say() {
        let report = year(false);
        let summary = &report.summary;
        assert_eq!(
            (summary.commitments, summary.agreed, summary.delivered, summary.quick_wins_delivered),
            (1, 1, 1, 1)
        );
        assert_eq!((summary.ratified, summary.replanned), (1, 1), "approved with conditions ratifies");
        let c = &report.commitments[0];
        assert_eq!(c.replanning_reason.as_deref(), Some("a party left the network"));
        assert_eq!(
            c.ratifications[0].conditions,
            [ReportCondition { text: "Twice a year to the board".into(), met: false }]
        );
        assert_eq!(c.indicators, ["Waiting days"]);
        // Two of three reported: the total is withheld unless figures are shared.
        let period = &report.indicators[0].periods[0];
        assert_eq!((period.actual, period.withheld, period.met), (None, true, None));
        assert_eq!(report.indicators[0].partners, None);
        let shared = year(true);
        let period = &shared.indicators[0].periods[0];
        assert_eq!((period.actual, period.withheld, period.met), (Some(29.5), false, Some(true)));
        assert_eq!(shared.summary.indicators_met, 1);
        assert_eq!(shared.indicators[0].partners.as_ref().map(Vec::len), Some(3));
        // Names are escaped in the Markdown.
        assert!(report.markdown(Locale::En).contains("Spreekuur \\*huurachterstanden\\*"));
    }
}
