//! Network health: the three ways network collaboration fails, diagnosed from
//! facts the store aggregates in the database.
//!
//! - *Expectations* drift apart: alignment falls, the charter is not
//!   acknowledged, no one has measured alignment for a long time.
//! - *Backing* is missing: boards do not follow what was agreed at the table.
//! - *Focus* is lost: too much is done network-wide, quick wins stop coming,
//!   work is not linked to the long-term goals.
//!
//! This module is pure: [`signals`] turns [`HealthFacts`] and the network's
//! thresholds into signals, and [`Signal::message`] words them in English or
//! Dutch. The kind is the stable key; messages may be reworded.

use chrono::{DateTime, NaiveDate, Utc};
use uuid::Uuid;

use super::settings::NetworkSettings;

/// Lists of ids in the facts and signals are samples of at most this many;
/// the count beside them is exact. A dashboard never needs a million ids.
pub const SAMPLE: u64 = 50;

/// Look-back windows that are the same for every network (not settings): how
/// far back "recent" activity and quick wins are looked for.
pub const RECENT_DAYS: i64 = 180;
pub const QUICK_WIN_WINDOW_DAYS: i64 = 90;

/// Whose health: the whole network (its facilitators), or only what concerns
/// the given organisations (their directors).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum HealthScope {
    Network,
    Organisations(Vec<Uuid>),
}

/// An exact count with a bounded sample of the ids counted.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Sample {
    pub count: u64,
    pub ids: Vec<Uuid>,
}

impl Sample {
    pub fn is_empty(&self) -> bool {
        self.count == 0
    }
}

/// The alignment figures of one closed round.
#[derive(Debug, Clone, PartialEq)]
pub struct RoundFacts {
    pub id: Uuid,
    pub closed_at: DateTime<Utc>,
    pub opened_at: DateTime<Utc>,
    pub index: Option<f64>,
    /// (key, mean) of the question with the lowest mean score.
    pub lowest_question: Option<(String, f64)>,
    /// (key, standard deviation) of the question the answers diverge most on.
    pub most_divergent_question: Option<(String, f64)>,
}

/// How one partner follows through on ratification.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct PartnerBacking {
    pub organisation_id: Uuid,
    pub involved: u64,
    pub answered: u64,
    pub approved: u64,
    pub rejected: u64,
    pub rejected_recently: u64,
    pub overdue: u64,
    pub open_conditions: u64,
}

impl PartnerBacking {
    /// A partner does not follow through when its bodies rejected something in
    /// the look-back window or leave ratifications past their due date.
    pub fn not_following(&self) -> bool {
        self.rejected_recently > 0 || self.overdue > 0
    }
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct HealthFacts {
    pub as_of: DateTime<Utc>,
    // Expectations
    pub latest_round: Option<RoundFacts>,
    pub previous_round: Option<RoundFacts>,
    pub charter_version: Option<i32>,
    /// ACTIVE partnerships that have not acknowledged the current version.
    pub partners_not_acknowledged: Sample,
    /// Current representations whose person has not acknowledged it.
    pub representatives_not_acknowledged: Sample,
    /// Partnerships joined and representations started since the latest round opened.
    pub new_partners_since_round: Sample,
    pub new_representatives_since_round: Sample,
    pub last_meeting_on: Option<NaiveDate>,
    // Backing
    pub open_ratifications: u64,
    pub median_days_waiting: Option<f64>,
    pub oldest_open_ratification: Option<(Uuid, DateTime<Utc>)>,
    pub overdue_ratifications: Sample,
    pub agreed_without_consultation: Sample,
    /// Negative advice on commitments the party's deciding body approved anyway.
    pub advice_overridden: Sample,
    /// Outcomes recorded on a decision dossier whose terms the open
    /// commitment (or its network's charter) has since left behind.
    pub decided_on_stale_dossier: Sample,
    pub rejections_recently: Sample,
    pub open_conditions: Sample,
    pub partners: Vec<PartnerBacking>,
    // Focus
    pub open_by_scope: ScopeCounts,
    pub quick_wins_delivered_recently: u64,
    pub last_quick_win_delivered_at: Option<DateTime<Utc>>,
    pub without_goal: Sample,
    pub goals_without_recent_result: Sample,
    pub needs_replanning: Sample,
    /// Indicators that stalled or moved the wrong way for two periods.
    pub indicators_not_moving: Sample,
}

/// Open (not delivered, not dropped) commitments by scope.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ScopeCounts {
    pub organisation: u64,
    pub coalition: u64,
    pub network: u64,
}

impl ScopeCounts {
    pub fn total(&self) -> u64 {
        self.organisation + self.coalition + self.network
    }

    /// The share of `count` in the total; 0 when there is nothing open.
    pub fn share(&self, count: u64) -> f64 {
        if self.total() == 0 { 0.0 } else { count as f64 / self.total() as f64 }
    }
}

/// Days between two moments, whole days down.
pub fn days_between(earlier: DateTime<Utc>, later: DateTime<Utc>) -> i64 {
    (later - earlier).num_days()
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum SignalKind {
    AlignmentDropping,
    CharterNotAcknowledged,
    NoRecentAlignmentRound,
    RatificationOverdue,
    AgreedWithoutConsultation,
    AdviceOverridden,
    PartnerNotFollowing,
    ConditionsOpen,
    TooMuchTogether,
    NoRecentQuickWin,
    CommitmentWithoutGoal,
    NeedsReplanning,
    DecidedOnStaleDossier,
    IndicatorNotMoving,
}

impl SignalKind {
    pub const ALL: [SignalKind; 14] = [
        SignalKind::AlignmentDropping,
        SignalKind::CharterNotAcknowledged,
        SignalKind::NoRecentAlignmentRound,
        SignalKind::RatificationOverdue,
        SignalKind::AgreedWithoutConsultation,
        SignalKind::AdviceOverridden,
        SignalKind::PartnerNotFollowing,
        SignalKind::ConditionsOpen,
        SignalKind::TooMuchTogether,
        SignalKind::NoRecentQuickWin,
        SignalKind::CommitmentWithoutGoal,
        SignalKind::NeedsReplanning,
        SignalKind::DecidedOnStaleDossier,
        SignalKind::IndicatorNotMoving,
    ];
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    Info,
    Warning,
    Critical,
}

/// What a signal is about, typed so the API can give each a global id.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Concerned {
    AlignmentRound(Uuid),
    Partnership(Uuid),
    Representation(Uuid),
    Ratification(Uuid),
    Commitment(Uuid),
    RatificationCondition(Uuid),
    Organisation(Uuid),
    Goal(Uuid),
    Indicator(Uuid),
}

/// The numbers a message needs.
#[derive(Debug, Clone, PartialEq)]
pub enum Detail {
    AlignmentDropped { from: f64, to: f64 },
    NotAcknowledged { version: i32, partners: u64, representatives: u64 },
    NoRound { days: Option<i64>, max_days: i32 },
    Overdue { count: u64 },
    WithoutConsultation { count: u64 },
    Overridden { count: u64 },
    NotFollowing { partners: u64 },
    ConditionsOpen { count: u64 },
    TooMuchTogether { share: f64, threshold: f64 },
    NoQuickWin { days: Option<i64>, max_days: i32 },
    WithoutGoal { count: u64 },
    Replanning { count: u64 },
    StaleDossier { count: u64 },
    NotMoving { count: u64 },
}

#[derive(Debug, Clone, PartialEq)]
pub struct Signal {
    pub kind: SignalKind,
    pub severity: Severity,
    pub concerned: Vec<Concerned>,
    pub detail: Detail,
}

pub use crate::i18n::Locale;
use crate::i18n::{self, Arg};

/// Derives the signals from the facts, most severe first.
pub fn signals(facts: &HealthFacts, settings: &NetworkSettings) -> Vec<Signal> {
    let mut out = Vec::new();
    let mut push = |kind, severity, concerned: Vec<Concerned>, detail| {
        out.push(Signal { kind, severity, concerned, detail });
    };

    // Expectations.
    if let (Some(latest), Some(previous)) = (&facts.latest_round, &facts.previous_round)
        && let (Some(to), Some(from)) = (latest.index, previous.index)
        && from - to > settings.alignment_drop_threshold
    {
        let severity =
            if from - to > 2.0 * settings.alignment_drop_threshold { Severity::Critical } else { Severity::Warning };
        push(
            SignalKind::AlignmentDropping,
            severity,
            vec![Concerned::AlignmentRound(previous.id), Concerned::AlignmentRound(latest.id)],
            Detail::AlignmentDropped { from, to },
        );
    }
    if let Some(version) = facts.charter_version
        && (!facts.partners_not_acknowledged.is_empty() || !facts.representatives_not_acknowledged.is_empty())
    {
        let mut concerned: Vec<Concerned> =
            facts.partners_not_acknowledged.ids.iter().map(|id| Concerned::Partnership(*id)).collect();
        concerned.extend(facts.representatives_not_acknowledged.ids.iter().map(|id| Concerned::Representation(*id)));
        push(
            SignalKind::CharterNotAcknowledged,
            if facts.partners_not_acknowledged.is_empty() { Severity::Info } else { Severity::Warning },
            concerned,
            Detail::NotAcknowledged {
                version,
                partners: facts.partners_not_acknowledged.count,
                representatives: facts.representatives_not_acknowledged.count,
            },
        );
    }
    let days_since_round = facts.latest_round.as_ref().map(|r| days_between(r.closed_at, facts.as_of));
    if days_since_round.is_none_or(|days| days > i64::from(settings.alignment_round_max_age_days)) {
        push(
            SignalKind::NoRecentAlignmentRound,
            if days_since_round.is_none() { Severity::Info } else { Severity::Warning },
            facts.latest_round.iter().map(|r| Concerned::AlignmentRound(r.id)).collect(),
            Detail::NoRound { days: days_since_round, max_days: settings.alignment_round_max_age_days },
        );
    }

    // Backing.
    if !facts.overdue_ratifications.is_empty() {
        push(
            SignalKind::RatificationOverdue,
            Severity::Warning,
            facts.overdue_ratifications.ids.iter().map(|id| Concerned::Ratification(*id)).collect(),
            Detail::Overdue { count: facts.overdue_ratifications.count },
        );
    }
    if !facts.agreed_without_consultation.is_empty() {
        push(
            SignalKind::AgreedWithoutConsultation,
            Severity::Info,
            facts.agreed_without_consultation.ids.iter().map(|id| Concerned::Commitment(*id)).collect(),
            Detail::WithoutConsultation { count: facts.agreed_without_consultation.count },
        );
    }
    if !facts.advice_overridden.is_empty() {
        push(
            SignalKind::AdviceOverridden,
            Severity::Warning,
            facts.advice_overridden.ids.iter().map(|id| Concerned::Ratification(*id)).collect(),
            Detail::Overridden { count: facts.advice_overridden.count },
        );
    }
    if !facts.decided_on_stale_dossier.is_empty() {
        push(
            SignalKind::DecidedOnStaleDossier,
            Severity::Warning,
            facts.decided_on_stale_dossier.ids.iter().map(|id| Concerned::Ratification(*id)).collect(),
            Detail::StaleDossier { count: facts.decided_on_stale_dossier.count },
        );
    }
    let not_following: Vec<&PartnerBacking> = facts.partners.iter().filter(|p| p.not_following()).collect();
    if !not_following.is_empty() {
        push(
            SignalKind::PartnerNotFollowing,
            if not_following.iter().any(|p| p.rejected_recently > 0) { Severity::Critical } else { Severity::Warning },
            not_following.iter().map(|p| Concerned::Organisation(p.organisation_id)).collect(),
            Detail::NotFollowing { partners: not_following.len() as u64 },
        );
    }
    if !facts.open_conditions.is_empty() {
        push(
            SignalKind::ConditionsOpen,
            Severity::Info,
            facts.open_conditions.ids.iter().map(|id| Concerned::RatificationCondition(*id)).collect(),
            Detail::ConditionsOpen { count: facts.open_conditions.count },
        );
    }

    // Focus.
    let network_share = facts.open_by_scope.share(facts.open_by_scope.network);
    if network_share > settings.too_much_together_share {
        push(
            SignalKind::TooMuchTogether,
            Severity::Warning,
            vec![],
            Detail::TooMuchTogether { share: network_share, threshold: settings.too_much_together_share },
        );
    }
    let days_since_quick_win = facts.last_quick_win_delivered_at.map(|at| days_between(at, facts.as_of));
    if days_since_quick_win.is_none_or(|days| days > i64::from(settings.no_recent_quick_win_days)) {
        push(
            SignalKind::NoRecentQuickWin,
            if days_since_quick_win.is_none() { Severity::Info } else { Severity::Warning },
            vec![],
            Detail::NoQuickWin { days: days_since_quick_win, max_days: settings.no_recent_quick_win_days },
        );
    }
    if !facts.without_goal.is_empty() {
        push(
            SignalKind::CommitmentWithoutGoal,
            Severity::Info,
            facts.without_goal.ids.iter().map(|id| Concerned::Commitment(*id)).collect(),
            Detail::WithoutGoal { count: facts.without_goal.count },
        );
    }
    if !facts.needs_replanning.is_empty() {
        push(
            SignalKind::NeedsReplanning,
            Severity::Warning,
            facts.needs_replanning.ids.iter().map(|id| Concerned::Commitment(*id)).collect(),
            Detail::Replanning { count: facts.needs_replanning.count },
        );
    }
    if !facts.indicators_not_moving.is_empty() {
        push(
            SignalKind::IndicatorNotMoving,
            Severity::Warning,
            facts.indicators_not_moving.ids.iter().map(|id| Concerned::Indicator(*id)).collect(),
            Detail::NotMoving { count: facts.indicators_not_moving.count },
        );
    }
    out.sort_by(|a, b| b.severity.cmp(&a.severity).then(a.kind.cmp(&b.kind)));
    out
}

impl Signal {
    /// A message a facilitator can act on: what is wrong and what to do,
    /// from the catalogue (`locales/<language>/health.ftl`).
    pub fn message(&self, locale: Locale) -> String {
        use Detail::*;
        let count = |n: u64| Arg::Count(n);
        let days = |n: i64| Arg::Count(n.max(0).unsigned_abs());
        let (id, args): (&str, Vec<(&str, Arg)>) = match &self.detail {
            AlignmentDropped { from, to } => (
                "health-alignment-dropped",
                vec![
                    ("from", Arg::Decimal { value: *from, digits: 2 }),
                    ("to", Arg::Decimal { value: *to, digits: 2 }),
                ],
            ),
            NotAcknowledged { version, partners, representatives } => (
                "health-charter-not-acknowledged",
                vec![
                    ("version", count(u64::try_from(*version).unwrap_or_default())),
                    ("partners", count(*partners)),
                    ("representatives", count(*representatives)),
                ],
            ),
            NoRound { days: None, .. } => ("health-no-round-ever", vec![]),
            NoRound { days: Some(ago), max_days } => (
                "health-no-round-lately",
                vec![("days", days(*ago)), ("maxDays", count(u64::try_from(*max_days).unwrap_or_default()))],
            ),
            Overdue { count: n } => ("health-ratifications-overdue", vec![("count", count(*n))]),
            WithoutConsultation { count: n } => ("health-agreed-without-consultation", vec![("count", count(*n))]),
            Overridden { count: n } => ("health-advice-overridden", vec![("count", count(*n))]),
            NotFollowing { partners } => ("health-partners-not-following", vec![("partners", count(*partners))]),
            ConditionsOpen { count: n } => ("health-conditions-open", vec![("count", count(*n))]),
            TooMuchTogether { share, threshold } => (
                "health-too-much-together",
                vec![("share", Arg::Percent(*share)), ("threshold", Arg::Percent(*threshold))],
            ),
            NoQuickWin { days: None, .. } => ("health-no-quick-win-ever", vec![]),
            NoQuickWin { days: Some(ago), max_days } => (
                "health-no-quick-win-lately",
                vec![("days", days(*ago)), ("maxDays", count(u64::try_from(*max_days).unwrap_or_default()))],
            ),
            WithoutGoal { count: n } => ("health-commitments-without-goal", vec![("count", count(*n))]),
            Replanning { count: n } => ("health-needs-replanning", vec![("count", count(*n))]),
            StaleDossier { count: n } => ("health-decided-on-stale-dossier", vec![("count", count(*n))]),
            NotMoving { count: n } => ("health-indicators-not-moving", vec![("count", count(*n))]),
        };
        i18n::text(locale, id, &args)
    }
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;

    use super::*;

    fn now() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 6, 1, 12, 0, 0).single().expect("valid time")
    }

    fn round(closed_days_ago: i64, index: f64) -> RoundFacts {
        RoundFacts {
            id: Uuid::now_v7(),
            closed_at: now() - chrono::Duration::days(closed_days_ago),
            opened_at: now() - chrono::Duration::days(closed_days_ago + 14),
            index: Some(index),
            lowest_question: None,
            most_divergent_question: None,
        }
    }

    /// Facts of a healthy network: no signal at all.
    fn healthy() -> HealthFacts {
        HealthFacts {
            as_of: now(),
            latest_round: Some(round(30, 0.8)),
            previous_round: Some(round(120, 0.82)),
            charter_version: Some(1),
            open_by_scope: ScopeCounts { organisation: 2, coalition: 1, network: 1 },
            last_quick_win_delivered_at: Some(now() - chrono::Duration::days(10)),
            ..Default::default()
        }
    }

    fn kinds(facts: &HealthFacts) -> Vec<SignalKind> {
        signals(facts, &NetworkSettings::default()).into_iter().map(|s| s.kind).collect()
    }

    fn sample(count: u64) -> Sample {
        Sample { count, ids: (0..count).map(|_| Uuid::now_v7()).collect() }
    }

    #[test]
    fn a_healthy_network_gives_no_signal() {
        assert_eq!(kinds(&healthy()), vec![]);
    }

    #[test]
    fn each_threshold_fires_just_over_it_and_not_at_it() {
        let settings = NetworkSettings::default();
        // Alignment: a drop of exactly the threshold is not a signal; more is.
        let mut facts = healthy();
        facts.previous_round = Some(round(120, 0.9));
        facts.latest_round = Some(round(30, 0.8));
        assert!(!kinds(&facts).contains(&SignalKind::AlignmentDropping), "0.1 is not more than 0.1");
        facts.latest_round = Some(round(30, 0.79));
        assert!(kinds(&facts).contains(&SignalKind::AlignmentDropping));

        // Round age: exactly the maximum is fine, a day more is not.
        let mut facts = healthy();
        facts.latest_round = Some(round(i64::from(settings.alignment_round_max_age_days), 0.8));
        assert!(!kinds(&facts).contains(&SignalKind::NoRecentAlignmentRound));
        facts.latest_round = Some(round(i64::from(settings.alignment_round_max_age_days) + 1, 0.8));
        assert!(kinds(&facts).contains(&SignalKind::NoRecentAlignmentRound));

        // Network share: exactly half is fine, more is too much together.
        let mut facts = healthy();
        facts.open_by_scope = ScopeCounts { organisation: 1, coalition: 1, network: 2 };
        assert!(!kinds(&facts).contains(&SignalKind::TooMuchTogether));
        facts.open_by_scope = ScopeCounts { organisation: 1, coalition: 1, network: 3 };
        assert!(kinds(&facts).contains(&SignalKind::TooMuchTogether));

        // Quick wins: exactly the window is fine, a day more is not.
        let mut facts = healthy();
        let window = i64::from(settings.no_recent_quick_win_days);
        facts.last_quick_win_delivered_at = Some(now() - chrono::Duration::days(window));
        assert!(!kinds(&facts).contains(&SignalKind::NoRecentQuickWin));
        facts.last_quick_win_delivered_at = Some(now() - chrono::Duration::days(window + 1));
        assert!(kinds(&facts).contains(&SignalKind::NoRecentQuickWin));
    }

    #[test]
    fn counted_facts_fire_from_one() {
        type Case = (fn(&mut HealthFacts), SignalKind);
        let cases: [Case; 9] = [
            (|f| f.partners_not_acknowledged = sample(1), SignalKind::CharterNotAcknowledged),
            (|f| f.overdue_ratifications = sample(1), SignalKind::RatificationOverdue),
            (|f| f.agreed_without_consultation = sample(1), SignalKind::AgreedWithoutConsultation),
            (|f| f.advice_overridden = sample(1), SignalKind::AdviceOverridden),
            (
                |f| f.partners = vec![PartnerBacking { rejected_recently: 1, ..Default::default() }],
                SignalKind::PartnerNotFollowing,
            ),
            (|f| f.open_conditions = sample(1), SignalKind::ConditionsOpen),
            (|f| f.without_goal = sample(1), SignalKind::CommitmentWithoutGoal),
            (|f| f.needs_replanning = sample(1), SignalKind::NeedsReplanning),
            (|f| f.decided_on_stale_dossier = sample(1), SignalKind::DecidedOnStaleDossier),
        ];
        for (set, kind) in cases {
            let mut facts = healthy();
            set(&mut facts);
            assert_eq!(kinds(&facts), vec![kind]);
        }
    }

    #[test]
    fn every_signal_reads_well_at_zero_one_and_many() {
        use std::fmt::Write;
        let details = |n: u64| {
            let days = i64::try_from(n).unwrap_or_default();
            vec![
                Detail::AlignmentDropped { from: 0.8123, to: 0.6049 },
                Detail::NotAcknowledged { version: 2, partners: n, representatives: 0 },
                Detail::NotAcknowledged { version: 2, partners: 0, representatives: n },
                Detail::NotAcknowledged { version: 3, partners: n, representatives: n },
                Detail::NoRound { days: None, max_days: 180 },
                Detail::NoRound { days: Some(days), max_days: i32::try_from(n).unwrap_or_default() },
                Detail::Overdue { count: n },
                Detail::WithoutConsultation { count: n },
                Detail::Overridden { count: n },
                Detail::NotFollowing { partners: n },
                Detail::ConditionsOpen { count: n },
                Detail::TooMuchTogether { share: n as f64 / 1250.0, threshold: 0.5 },
                Detail::NoQuickWin { days: None, max_days: 90 },
                Detail::NoQuickWin { days: Some(days), max_days: i32::try_from(n).unwrap_or_default() },
                Detail::WithoutGoal { count: n },
                Detail::Replanning { count: n },
                Detail::StaleDossier { count: n },
            ]
        };
        let mut golden = String::new();
        for locale in Locale::ALL {
            for n in [0, 1, 1250] {
                writeln!(golden, "## {} {n}", locale.tag()).expect("writes");
                for detail in details(n) {
                    let signal = Signal {
                        kind: SignalKind::NeedsReplanning,
                        severity: Severity::Info,
                        concerned: vec![],
                        detail,
                    };
                    writeln!(golden, "{}", signal.message(locale)).expect("writes");
                }
            }
        }
        insta::assert_snapshot!(golden);
    }
}
