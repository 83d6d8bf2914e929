//! What one commitment contributes to its network's health now, so the store
//! can keep health's figures as the work changes instead of counting history
//! on every read (docs/health.md).
//!
//! [`contribution`] is pure: from a commitment, its ratifications and their
//! conditions it derives the counts ([`Tally`]) and the rows named by id
//! ([`Fact`]) that the commitment adds. The store keeps each commitment's last
//! contribution and applies the difference when the commitment, one of its
//! ratifications or conditions changes. Each rule here states, for the
//! present, the same condition as the recount the store runs for `asOf`
//! (`store::health`); a property test holds the two equal.

use std::collections::{BTreeMap, BTreeSet};

use chrono::{DateTime, NaiveDate, Utc};
use entity::{
    BodyRight, CommitmentKind, CommitmentScope, ConditionStatus, RatificationOutcome, commitment, ratification,
    ratification_condition,
};
use uuid::Uuid;

/// What a tally counts or a fact names. The names are stored.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Kind {
    /// Open commitments, by scope (the network as a whole).
    OpenOrganisation,
    OpenCoalition,
    OpenNetwork,
    /// Open commitments without a goal; needing re-planning (facts).
    WithoutGoal,
    NeedsReplanning,
    /// Ratifications in play, per party: involved, answered, approved, rejected.
    Involved,
    Answered,
    Approved,
    Rejected,
    /// Ratifications waiting for an outcome on an agreed, open commitment
    /// (facts, with the agreed time and due date; tallied per organisation).
    Waiting,
    /// The same, tallied per organisation and day the commitment was agreed:
    /// the median wait walks days, not rows.
    WaitingDay,
    /// And per organisation and due date (none without one): overdue is
    /// the sum of the days before today.
    WaitingDue,
    /// Agreed commitments of which a party never started consulting its
    /// constituency: per party, and once per commitment for the network.
    Unconsulted,
    UnconsultedCommitment,
    /// Negative advice the party's deciding body approved anyway (facts).
    Overridden,
    /// Conditions of recorded outcomes not met yet (facts).
    OpenCondition,
    /// Outcomes recorded on a dossier whose terms the open commitment has
    /// since left behind (facts, per party): the body decided on a text that
    /// no longer stands.
    StaleDecision,
    /// Quick wins delivered, per day (the look-back window sums days).
    QuickWinDelivered,
    /// Commitments delivered per goal (in the organisation column) and day.
    GoalDelivered,
    /// The network's facts exist: counted since it was created or rebuilt.
    Built,
}

impl Kind {
    pub const ALL: [Kind; 20] = [
        Kind::OpenOrganisation,
        Kind::OpenCoalition,
        Kind::OpenNetwork,
        Kind::WithoutGoal,
        Kind::NeedsReplanning,
        Kind::Involved,
        Kind::Answered,
        Kind::Approved,
        Kind::Rejected,
        Kind::Waiting,
        Kind::WaitingDay,
        Kind::WaitingDue,
        Kind::Unconsulted,
        Kind::UnconsultedCommitment,
        Kind::Overridden,
        Kind::OpenCondition,
        Kind::StaleDecision,
        Kind::QuickWinDelivered,
        Kind::GoalDelivered,
        Kind::Built,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Kind::OpenOrganisation => "open_organisation",
            Kind::OpenCoalition => "open_coalition",
            Kind::OpenNetwork => "open_network",
            Kind::WithoutGoal => "without_goal",
            Kind::NeedsReplanning => "needs_replanning",
            Kind::Involved => "involved",
            Kind::Answered => "answered",
            Kind::Approved => "approved",
            Kind::Rejected => "rejected",
            Kind::Waiting => "waiting",
            Kind::WaitingDay => "waiting_day",
            Kind::WaitingDue => "waiting_due",
            Kind::Unconsulted => "unconsulted",
            Kind::UnconsultedCommitment => "unconsulted_commitment",
            Kind::Overridden => "overridden",
            Kind::OpenCondition => "open_condition",
            Kind::StaleDecision => "stale_decision",
            Kind::QuickWinDelivered => "quick_win_delivered",
            Kind::GoalDelivered => "goal_delivered",
            Kind::Built => "built",
        }
    }

    pub fn parse(name: &str) -> Option<Kind> {
        Kind::ALL.into_iter().find(|kind| kind.as_str() == name)
    }
}

/// The tallies' "no day" (a key column cannot be NULL).
pub fn no_day() -> NaiveDate {
    NaiveDate::from_ymd_opt(1970, 1, 1).expect("a valid date")
}

/// The organisation of a fact or tally about the network as a whole.
pub const WHOLE: Uuid = Uuid::nil();

/// One count's key: its kind, for whom (or [`WHOLE`]) and on which day (or [`no_day`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Tally {
    pub kind: Kind,
    pub organisation_id: Uuid,
    pub day: NaiveDate,
}

/// A row health names by id. Ordered and compared by key: kind, subject, organisation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fact {
    pub kind: Kind,
    pub subject_id: Uuid,
    pub organisation_id: Uuid,
    pub at: Option<DateTime<Utc>>,
    pub due_on: Option<NaiveDate>,
}

impl Fact {
    pub fn key(&self) -> (Kind, Uuid, Uuid) {
        (self.kind, self.subject_id, self.organisation_id)
    }
}

/// One commitment's share of its network's health.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Contribution {
    pub tallies: BTreeMap<Tally, i64>,
    pub facts: Vec<Fact>,
}

impl Contribution {
    fn count(&mut self, kind: Kind, organisation_id: Uuid, day: NaiveDate) {
        *self.tallies.entry(Tally { kind, organisation_id, day }).or_default() += 1;
    }

    /// A fact, counted per organisation under its kind.
    fn name(&mut self, fact: Fact) {
        self.count(fact.kind, fact.organisation_id, no_day());
        self.facts.push(fact);
    }

    /// The tallies as stored: `[[kind, organisation, day, n], …]`.
    pub fn tallies_json(&self) -> String {
        let rows: Vec<(&str, Uuid, NaiveDate, i64)> =
            self.tallies.iter().map(|(t, n)| (t.kind.as_str(), t.organisation_id, t.day, *n)).collect();
        serde_json::to_string(&rows).expect("tallies serialise")
    }

    /// Tallies as [`Self::tallies_json`] stored them; a kind this version
    /// does not know is an error, not silently dropped.
    pub fn parse_tallies(json: &str) -> anyhow::Result<BTreeMap<Tally, i64>> {
        let rows: Vec<(String, Uuid, NaiveDate, i64)> = serde_json::from_str(json)?;
        rows.into_iter()
            .map(|(kind, organisation_id, day, n)| {
                let kind = Kind::parse(&kind).ok_or_else(|| anyhow::anyhow!("unknown health tally {kind:?}"))?;
                Ok((Tally { kind, organisation_id, day }, n))
            })
            .collect()
    }
}

fn approves(outcome: Option<RatificationOutcome>) -> bool {
    matches!(outcome, Some(RatificationOutcome::Approved | RatificationOutcome::ApprovedWithConditions))
}

/// What `commitment` adds to its network's health now, given all its
/// ratifications and their conditions, and the content hash of each party's
/// terms as they stand (`dossier::Terms`; only parties that decided on a
/// dossier need one).
pub fn contribution(
    commitment: &commitment::Model,
    ratifications: &[ratification::Model],
    conditions: &[ratification_condition::Model],
    current_hashes: &BTreeMap<Uuid, String>,
) -> Contribution {
    let mut out = Contribution::default();
    let whole = |kind| Fact { kind, subject_id: commitment.id, organisation_id: WHOLE, at: None, due_on: None };
    let open = commitment.delivered_at.is_none() && commitment.dropped_at.is_none();
    if open {
        let kind = match commitment.scope {
            CommitmentScope::Organisation => Kind::OpenOrganisation,
            CommitmentScope::Coalition => Kind::OpenCoalition,
            CommitmentScope::Network => Kind::OpenNetwork,
        };
        out.count(kind, WHOLE, no_day());
        if commitment.goal_id.is_none() {
            out.name(whole(Kind::WithoutGoal));
        }
        if commitment.needs_replanning {
            out.name(whole(Kind::NeedsReplanning));
        }
    }

    if let Some(delivered_at) = commitment.delivered_at {
        if commitment.kind == CommitmentKind::QuickWin {
            out.count(Kind::QuickWinDelivered, WHOLE, delivered_at.date_naive());
        }
        if let Some(goal_id) = commitment.goal_id {
            out.count(Kind::GoalDelivered, goal_id, delivered_at.date_naive());
        }
    }

    let in_play: Vec<&ratification::Model> = ratifications.iter().filter(|r| r.withdrawn_at.is_none()).collect();
    let mut unconsulted = BTreeSet::new();
    for r in &in_play {
        let organisation = r.organisation_id;
        out.count(Kind::Involved, organisation, no_day());
        let recorded = r.recorded_at.is_some();
        if recorded && r.outcome.is_some() {
            out.count(Kind::Answered, organisation, no_day());
        }
        if recorded && approves(r.outcome) {
            out.count(Kind::Approved, organisation, no_day());
        }
        if recorded && r.outcome == Some(RatificationOutcome::Rejected) {
            out.count(Kind::Rejected, organisation, no_day());
        }
        if let Some(agreed_at) = commitment.agreed_at {
            if !recorded && open {
                out.name(Fact {
                    kind: Kind::Waiting,
                    subject_id: r.id,
                    organisation_id: organisation,
                    at: Some(agreed_at),
                    due_on: r.due_on,
                });
                out.count(Kind::WaitingDay, organisation, agreed_at.date_naive());
                if let Some(due_on) = r.due_on {
                    out.count(Kind::WaitingDue, organisation, due_on);
                }
            }
            if r.consultation_started_at.is_none() {
                unconsulted.insert(organisation);
            }
        }
        let approved_by_its_party = || {
            in_play.iter().any(|other| {
                other.organisation_id == organisation
                    && matches!(other.right, BodyRight::Decides | BodyRight::Approves)
                    && approves(other.outcome)
                    && other.recorded_at.is_some()
            })
        };
        if r.right == BodyRight::Advises
            && r.outcome == Some(RatificationOutcome::Negative)
            && recorded
            && approved_by_its_party()
        {
            out.name(Fact {
                kind: Kind::Overridden,
                subject_id: r.id,
                organisation_id: organisation,
                at: None,
                due_on: None,
            });
        }
        if let (true, true, Some(hash)) = (open, recorded && r.outcome.is_some(), r.dossier_hash.as_ref())
            && current_hashes.get(&organisation) != Some(hash)
        {
            out.name(Fact {
                kind: Kind::StaleDecision,
                subject_id: r.id,
                organisation_id: organisation,
                at: r.recorded_at,
                due_on: None,
            });
        }
        if recorded {
            for condition in
                conditions.iter().filter(|c| c.ratification_id == r.id && c.status == ConditionStatus::Open)
            {
                out.name(Fact {
                    kind: Kind::OpenCondition,
                    subject_id: condition.id,
                    organisation_id: condition.organisation_id,
                    at: None,
                    due_on: None,
                });
            }
        }
    }
    for organisation in &unconsulted {
        out.name(Fact {
            kind: Kind::Unconsulted,
            subject_id: commitment.id,
            organisation_id: *organisation,
            at: None,
            due_on: None,
        });
    }
    if !unconsulted.is_empty() {
        out.name(whole(Kind::UnconsultedCommitment));
    }
    out
}

/// The tallies to add to go from `before` to `after`, without the zeros.
pub fn difference(before: &BTreeMap<Tally, i64>, after: &BTreeMap<Tally, i64>) -> BTreeMap<Tally, i64> {
    let mut delta = after.clone();
    for (tally, n) in before {
        *delta.entry(*tally).or_default() -= n;
    }
    delta.retain(|_, n| *n != 0);
    delta
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;
    use entity::{CommitmentStatus, RatificationStatus};

    use super::*;

    fn at(day: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 3, day, 9, 0, 0).single().expect("a valid time")
    }

    fn commitment() -> commitment::Model {
        commitment::Model {
            id: Uuid::from_u128(1),
            tenant_id: Uuid::from_u128(2),
            network_id: Uuid::from_u128(3),
            goal_id: None,
            title: "Housing first".into(),
            description: None,
            scope: CommitmentScope::Coalition,
            kind: CommitmentKind::Initiative,
            lead_organisation_id: Uuid::from_u128(10),
            due_on: at(30).date_naive(),
            status: CommitmentStatus::Agreed,
            needs_replanning: false,
            replanning_reason: None,
            proposed_at: at(1),
            proposed_by: None,
            proposed_in_meeting_id: None,
            agreed_at: Some(at(2)),
            delivered_at: None,
            dropped_at: None,
            dropped_reason: None,
            updated_at: at(2),
            version: 1,
            replanned_count: 0,
            last_replanned_at: None,
            last_replanning_reason: None,
        }
    }

    fn ratification(id: u128, organisation: u128, right: BodyRight) -> ratification::Model {
        ratification::Model {
            id: Uuid::from_u128(id),
            tenant_id: Uuid::from_u128(2),
            network_id: Uuid::from_u128(3),
            commitment_id: Uuid::from_u128(1),
            organisation_id: Uuid::from_u128(organisation),
            body_id: Uuid::from_u128(id + 1000),
            right,
            status: RatificationStatus::Awaiting,
            outcome: None,
            reason: None,
            decided_on: None,
            minutes_reference: None,
            recorded_by: None,
            recorded_at: None,
            consultation_started_at: None,
            due_on: Some(at(20).date_naive()),
            withdrawn_at: None,
            created_at: at(2),
            version: 1,
            dossier_hash: None,
        }
    }

    fn decided(mut r: ratification::Model, outcome: RatificationOutcome) -> ratification::Model {
        r.outcome = Some(outcome);
        r.recorded_at = Some(at(5));
        r.consultation_started_at = Some(at(3));
        r
    }

    fn n(c: &Contribution, kind: Kind, organisation: u128) -> i64 {
        c.tallies
            .iter()
            .filter(|(t, _)| t.kind == kind && t.organisation_id == Uuid::from_u128(organisation))
            .map(|(_, n)| n)
            .sum()
    }

    #[test]
    fn an_agreed_commitment_waits_for_each_party_and_counts_the_unconsulted_once() {
        let rs = [ratification(100, 10, BodyRight::Decides), ratification(200, 20, BodyRight::Decides)];
        let c = contribution(&commitment(), &rs, &[], &BTreeMap::new());
        assert_eq!(n(&c, Kind::OpenCoalition, 0), 1);
        assert_eq!(n(&c, Kind::WithoutGoal, 0), 1);
        assert_eq!((n(&c, Kind::Waiting, 10), n(&c, Kind::Waiting, 20)), (1, 1));
        assert_eq!(n(&c, Kind::WaitingDay, 10), 1);
        let due = Tally { kind: Kind::WaitingDue, organisation_id: Uuid::from_u128(10), day: at(20).date_naive() };
        assert_eq!(c.tallies.get(&due), Some(&1));
        assert_eq!((n(&c, Kind::Unconsulted, 10), n(&c, Kind::UnconsultedCommitment, 0)), (1, 1));
        assert_eq!(n(&c, Kind::Involved, 10) + n(&c, Kind::Involved, 20), 2);
    }

    #[test]
    fn negative_advice_approved_anyway_is_overridden_and_conditions_stay_open_until_met() {
        let advice = decided(ratification(100, 10, BodyRight::Advises), RatificationOutcome::Negative);
        let decision = decided(ratification(101, 10, BodyRight::Decides), RatificationOutcome::ApprovedWithConditions);
        let condition = |id: u128, status| ratification_condition::Model {
            id: Uuid::from_u128(id),
            tenant_id: Uuid::from_u128(2),
            ratification_id: Uuid::from_u128(101),
            organisation_id: Uuid::from_u128(10),
            text: "Report back".into(),
            status,
            met_at: None,
            met_by: None,
        };
        let conditions = [condition(500, ConditionStatus::Open), condition(501, ConditionStatus::Met)];
        let c = contribution(&commitment(), &[advice, decision], &conditions, &BTreeMap::new());
        let overridden: Vec<_> = c.facts.iter().filter(|f| f.kind == Kind::Overridden).map(|f| f.subject_id).collect();
        assert_eq!(overridden, [Uuid::from_u128(100)]);
        assert_eq!((n(&c, Kind::OpenCondition, 10), n(&c, Kind::Approved, 10), n(&c, Kind::Answered, 10)), (1, 1, 2));
        assert_eq!(n(&c, Kind::Waiting, 10), 0);
    }

    #[test]
    fn a_delivered_commitment_keeps_its_answers_but_nothing_waits_or_is_open() {
        let mut delivered = commitment();
        delivered.delivered_at = Some(at(9));
        delivered.kind = CommitmentKind::QuickWin;
        delivered.goal_id = Some(Uuid::from_u128(77));
        let mut withdrawn = ratification(200, 20, BodyRight::Decides);
        withdrawn.withdrawn_at = Some(at(8));
        let rs = [decided(ratification(100, 10, BodyRight::Decides), RatificationOutcome::Rejected), withdrawn];
        let c = contribution(&delivered, &rs, &[], &BTreeMap::new());
        assert_eq!(n(&c, Kind::OpenCoalition, 0) + n(&c, Kind::WithoutGoal, 0), 0);
        let day = Tally { kind: Kind::QuickWinDelivered, organisation_id: WHOLE, day: at(9).date_naive() };
        assert_eq!(c.tallies.get(&day), Some(&1));
        assert_eq!(n(&c, Kind::GoalDelivered, 77), 1);
        assert_eq!((n(&c, Kind::Rejected, 10), n(&c, Kind::Involved, 20)), (1, 0));
        assert!(c.facts.is_empty());
    }

    #[test]
    fn tallies_round_trip_and_differences_drop_zeros() {
        let rs = [ratification(100, 10, BodyRight::Decides)];
        let before = contribution(&commitment(), &rs, &[], &BTreeMap::new());
        let parsed = Contribution::parse_tallies(&before.tallies_json()).expect("parses");
        assert_eq!(parsed, before.tallies);
        let after = contribution(
            &commitment(),
            &[decided(rs[0].clone(), RatificationOutcome::Approved)],
            &[],
            &BTreeMap::new(),
        );
        let delta = difference(&before.tallies, &after.tallies);
        assert!(delta.values().all(|n| *n != 0));
        assert_eq!(
            delta.get(&Tally { kind: Kind::Waiting, organisation_id: Uuid::from_u128(10), day: no_day() }),
            Some(&-1)
        );
        assert!(
            Contribution::parse_tallies(r#"[["gone","00000000-0000-0000-0000-000000000000","1970-01-01",1]]"#).is_err()
        );
    }

    #[test]
    fn a_decision_on_a_dossier_the_commitment_left_behind_is_named_until_it_is_closed() {
        let mut on_dossier = decided(ratification(100, 10, BodyRight::Decides), RatificationOutcome::Approved);
        on_dossier.dossier_hash = Some("sha256:a".into());
        let without = decided(ratification(200, 20, BodyRight::Decides), RatificationOutcome::Approved);
        let rs = [on_dossier, without];
        let hashes = |hash: &str| BTreeMap::from([(Uuid::from_u128(10), hash.to_owned())]);
        let stale = |c: &Contribution| -> Vec<Uuid> {
            c.facts.iter().filter(|f| f.kind == Kind::StaleDecision).map(|f| f.subject_id).collect()
        };
        assert!(stale(&contribution(&commitment(), &rs, &[], &hashes("sha256:a"))).is_empty(), "the terms stand");
        let moved = contribution(&commitment(), &rs, &[], &hashes("sha256:b"));
        assert_eq!(stale(&moved), [Uuid::from_u128(100)], "only the decision taken on a dossier");
        assert_eq!(n(&moved, Kind::StaleDecision, 10), 1);
        let mut delivered = commitment();
        delivered.delivered_at = Some(at(25));
        assert!(stale(&contribution(&delivered, &rs, &[], &hashes("sha256:b"))).is_empty(), "delivered: done");
    }
}
