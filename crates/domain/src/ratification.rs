//! Ratification as Dutch governance works: every party's deciding body, and
//! the bodies its own mandate involves, each say their piece by their right.

use entity::{BodyRight, CommitmentKind, MandateAppliesTo, RatificationOutcome};
use uuid::Uuid;

use super::{AppError, AppResult};

/// Contribution from which a supervisory board (or council) is involved by
/// default, in euros.
pub const DEFAULT_APPROVAL_THRESHOLD_EUROS: i64 = 100_000;

/// One rule of a mandate, as the rules see it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MandateRule {
    pub body_id: Uuid,
    pub applies_to: MandateAppliesTo,
    pub min_contribution_euros: i64,
}

/// A body as far as involvement is concerned.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Body {
    pub id: Uuid,
    pub right: BodyRight,
}

/// The default mandate when an organisation set none: the deciding body
/// always (implicit); bodies that APPROVE or CONSENT, and a council's wishes
/// and concerns, for initiatives from the threshold up; advisory bodies for
/// every initiative (a works council advises on entering a lasting collaboration).
pub fn default_mandate(bodies: &[Body]) -> Vec<MandateRule> {
    bodies
        .iter()
        .filter_map(|body| {
            let min = match body.right {
                BodyRight::Decides => return None,
                BodyRight::Approves | BodyRight::Consents | BodyRight::WishesAndConcerns => {
                    DEFAULT_APPROVAL_THRESHOLD_EUROS
                }
                BodyRight::Advises => 0,
            };
            Some(MandateRule {
                body_id: body.id,
                applies_to: MandateAppliesTo::Initiative,
                min_contribution_euros: min,
            })
        })
        .collect()
}

/// The bodies a commitment involves for one party: the deciding body always,
/// every body whose rule matches the kind and the party's contribution, and
/// any the proposer added. A proposer adds, never removes.
pub fn involved_bodies(
    kind: CommitmentKind,
    contribution_euros: i64,
    bodies: &[Body],
    rules: &[MandateRule],
    added: &[Uuid],
) -> Vec<Uuid> {
    let mut involved: Vec<Uuid> = bodies.iter().filter(|b| b.right == BodyRight::Decides).map(|b| b.id).collect();
    for rule in rules {
        let kind_matches = match rule.applies_to {
            MandateAppliesTo::Any => true,
            MandateAppliesTo::QuickWin => kind == CommitmentKind::QuickWin,
            MandateAppliesTo::Initiative => kind == CommitmentKind::Initiative,
        };
        if kind_matches
            && contribution_euros >= rule.min_contribution_euros
            && bodies.iter().any(|b| b.id == rule.body_id)
        {
            involved.push(rule.body_id);
        }
    }
    involved.extend(added.iter().copied().filter(|id| bodies.iter().any(|b| b.id == *id)));
    involved.sort_unstable();
    involved.dedup();
    involved
}

/// Whether a body with this right may give this outcome.
pub fn outcome_fits_right(right: BodyRight, outcome: RatificationOutcome) -> bool {
    use RatificationOutcome::*;
    match right {
        BodyRight::Decides | BodyRight::Approves | BodyRight::Consents => {
            matches!(outcome, Approved | ApprovedWithConditions | Rejected)
        }
        BodyRight::Advises => matches!(outcome, Positive | Negative | WithConditions),
        BodyRight::WishesAndConcerns => outcome == Responded,
    }
}

/// Advice and wishes never block; they answer before the decision.
pub fn is_advisory(right: BodyRight) -> bool {
    matches!(right, BodyRight::Advises | BodyRight::WishesAndConcerns)
}

/// Checks an outcome against the body's right: conditions for a conditional
/// outcome, a reason for a rejection.
pub fn check_outcome(
    right: BodyRight,
    outcome: RatificationOutcome,
    reason: Option<&str>,
    conditions: &[String],
) -> AppResult<()> {
    if !outcome_fits_right(right, outcome) {
        return Err(AppError::bad_input("outcome", format!("a body that {right:?} cannot answer {outcome:?}")));
    }
    let conditional =
        matches!(outcome, RatificationOutcome::ApprovedWithConditions | RatificationOutcome::WithConditions);
    if conditional && conditions.is_empty() {
        return Err(AppError::bad_input("conditions", "a conditional outcome names its conditions"));
    }
    if !conditional && !conditions.is_empty() {
        return Err(AppError::bad_input("conditions", "only a conditional outcome has conditions"));
    }
    if outcome == RatificationOutcome::Rejected && reason.is_none_or(|r| r.trim().is_empty()) {
        return Err(AppError::bad_input("reason", "a rejection gives its reason"));
    }
    Ok(())
}

/// Where one party stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum PartyStanding {
    Pending,
    Ratified,
    Rejected,
}

/// A party has RATIFIED when its deciding body approved and every approving or
/// consenting body approved (with or without conditions); any REJECTED of a
/// blocking body rejects.
pub fn party_standing(outcomes: &[(BodyRight, Option<RatificationOutcome>)]) -> PartyStanding {
    let blocking: Vec<&Option<RatificationOutcome>> =
        outcomes.iter().filter(|(right, _)| !is_advisory(*right)).map(|(_, outcome)| outcome).collect();
    if blocking.iter().any(|o| **o == Some(RatificationOutcome::Rejected)) {
        return PartyStanding::Rejected;
    }
    let approved = |o: &&Option<RatificationOutcome>| {
        matches!(o, Some(RatificationOutcome::Approved | RatificationOutcome::ApprovedWithConditions))
    };
    if !blocking.is_empty() && blocking.iter().all(approved) { PartyStanding::Ratified } else { PartyStanding::Pending }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bodies() -> Vec<Body> {
        vec![
            Body { id: Uuid::from_u128(1), right: BodyRight::Decides },
            Body { id: Uuid::from_u128(2), right: BodyRight::Approves },
            Body { id: Uuid::from_u128(3), right: BodyRight::Advises },
        ]
    }

    #[test]
    fn the_default_mandate_involves_supervisors_from_the_threshold_and_advisers_for_initiatives() {
        let b = bodies();
        let rules = default_mandate(&b);
        assert_eq!(involved_bodies(CommitmentKind::QuickWin, 500_000, &b, &rules, &[]), vec![b[0].id]);
        assert_eq!(involved_bodies(CommitmentKind::Initiative, 10_000, &b, &rules, &[]), vec![b[0].id, b[2].id]);
        assert_eq!(
            involved_bodies(CommitmentKind::Initiative, 100_000, &b, &rules, &[]),
            vec![b[0].id, b[1].id, b[2].id]
        );
        assert_eq!(
            involved_bodies(CommitmentKind::QuickWin, 0, &b, &rules, &[b[1].id]),
            vec![b[0].id, b[1].id],
            "added, never removed"
        );
    }

    #[test]
    fn outcomes_follow_rights() {
        use RatificationOutcome::*;
        assert!(check_outcome(BodyRight::Decides, Approved, None, &[]).is_ok());
        assert!(check_outcome(BodyRight::Decides, Positive, None, &[]).is_err());
        assert!(check_outcome(BodyRight::Advises, Negative, None, &[]).is_ok());
        assert!(check_outcome(BodyRight::WishesAndConcerns, Responded, None, &[]).is_ok());
        assert!(check_outcome(BodyRight::Approves, Rejected, None, &[]).is_err(), "a reason is required");
        assert!(
            check_outcome(BodyRight::Approves, ApprovedWithConditions, None, &[]).is_err(),
            "conditions are required"
        );
    }

    #[test]
    fn blocking_bodies_decide_the_standing() {
        use RatificationOutcome::*;
        let d = BodyRight::Decides;
        let a = BodyRight::Approves;
        let adv = BodyRight::Advises;
        assert_eq!(party_standing(&[(d, Some(Approved)), (a, None)]), PartyStanding::Pending);
        assert_eq!(
            party_standing(&[(d, Some(Approved)), (a, Some(ApprovedWithConditions)), (adv, Some(Negative))]),
            PartyStanding::Ratified
        );
        assert_eq!(party_standing(&[(d, Some(Approved)), (a, Some(Rejected))]), PartyStanding::Rejected);
    }
}
