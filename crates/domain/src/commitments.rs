//! The rules of commitments: scope fixes the parties, quick wins stay quick,
//! and status moves one way.

use std::collections::HashSet;

use chrono::{Duration, NaiveDate};
use entity::{CommitmentKind, CommitmentScope, CommitmentStatus};
use uuid::Uuid;

use super::{Actor, AppError, AppResult};

/// A commitment binds at most this many parties.
pub const MAX_PARTIES: usize = 50;

/// Checks the parties against the scope. `active_partners` are the network's
/// ACTIVE partners now.
pub fn check_parties(
    scope: CommitmentScope,
    parties: &[Uuid],
    lead: Uuid,
    active_partners: &HashSet<Uuid>,
) -> AppResult<()> {
    let unique: HashSet<Uuid> = parties.iter().copied().collect();
    if unique.len() != parties.len() {
        return Err(AppError::bad_input("parties", "an organisation is a party only once"));
    }
    if parties.len() > MAX_PARTIES {
        return Err(AppError::bad_input("parties", format!("a commitment has at most {MAX_PARTIES} parties")));
    }
    if let Some(outsider) = parties.iter().find(|p| !active_partners.contains(p)) {
        return Err(AppError::bad_input(
            "parties",
            format!("organisation {outsider} is not an active partner of the network"),
        ));
    }
    if !unique.contains(&lead) {
        return Err(AppError::bad_input("leadOrganisationId", "the lead must be one of the parties"));
    }
    match scope {
        CommitmentScope::Organisation if parties.len() != 1 => {
            Err(AppError::bad_input("parties", "an ORGANISATION commitment has exactly one party"))
        }
        CommitmentScope::Coalition if parties.len() < 2 || unique.len() >= active_partners.len() => {
            Err(AppError::bad_input(
                "parties",
                "a COALITION has two or more parties but not all active partners; use NETWORK for all",
            ))
        }
        CommitmentScope::Network if unique != *active_partners => {
            Err(AppError::bad_input("parties", "a NETWORK commitment binds every active partner"))
        }
        _ => Ok(()),
    }
}

/// A due date is not in the past, and a QUICK_WIN is due within
/// `quick_win_max_days` of today.
pub fn check_due(kind: CommitmentKind, due_on: NaiveDate, today: NaiveDate, quick_win_max_days: i32) -> AppResult<()> {
    if due_on < today {
        return Err(AppError::bad_input("dueOn", "the due date is in the past"));
    }
    if kind == CommitmentKind::QuickWin && due_on > today + Duration::days(i64::from(quick_win_max_days)) {
        return Err(AppError::bad_input(
            "dueOn",
            format!("a QUICK_WIN is due within {quick_win_max_days} days; make it an INITIATIVE or split it"),
        ));
    }
    Ok(())
}

/// Status only moves forward: PROPOSED → AGREED → IN_PROGRESS → DELIVERED, and
/// anything not finished can be DROPPED. Any commitment may go from AGREED
/// straight to DELIVERED (work that needed no separate start). Re-planning is
/// not a transition: it puts an open commitment back to PROPOSED on purpose
/// (`service::work::replan`).
pub fn check_transition(from: CommitmentStatus, to: CommitmentStatus) -> AppResult<()> {
    use CommitmentStatus::*;
    let allowed = matches!(
        (from, to),
        (Proposed, Agreed)
            | (Agreed, InProgress)
            | (Agreed, Delivered)
            | (InProgress, Delivered)
            | (Proposed | Agreed | InProgress, Dropped)
    );
    if allowed { Ok(()) } else { Err(AppError::conflict(format!("a {from:?} commitment cannot become {to:?}"))) }
}

/// Whether the commitment is still open (not delivered, not dropped).
pub fn is_open(status: CommitmentStatus) -> bool {
    !matches!(status, CommitmentStatus::Delivered | CommitmentStatus::Dropped)
}

/// Whether the actor acts for the organisation in this network: as one of its
/// DIRECTORs, or as its current representative there.
pub fn acts_for(actor: &Actor, network_id: Uuid, organisation_id: Uuid) -> bool {
    actor.acts_as_director_of(organisation_id)
        || actor.representations.iter().any(|r| r.network_id == network_id && r.organisation_id == organisation_id)
}

pub fn check_percent(percent: Option<i32>) -> AppResult<Option<i32>> {
    match percent {
        Some(p) if !(0..=100).contains(&p) => Err(AppError::bad_input("percent", "a percentage is 0 to 100")),
        other => Ok(other),
    }
}

pub fn check_contribution(euros: i64, hours: i32) -> AppResult<()> {
    if euros < 0 || hours < 0 {
        return Err(AppError::bad_input("parties.contribution", "a contribution is not negative"));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ids(n: u128) -> Vec<Uuid> {
        (1..=n).map(Uuid::from_u128).collect()
    }

    #[test]
    fn scope_fixes_the_parties() {
        let partners: HashSet<Uuid> = ids(4).into_iter().collect();
        let all = ids(4);
        let a = all[0];
        use CommitmentScope::*;
        assert!(check_parties(Organisation, &[a], a, &partners).is_ok());
        assert!(check_parties(Organisation, &all[..2], a, &partners).is_err());
        assert!(check_parties(Coalition, &all[..2], a, &partners).is_ok());
        assert!(check_parties(Coalition, &all[..3], a, &partners).is_ok());
        assert!(check_parties(Coalition, &all, a, &partners).is_err(), "all partners is NETWORK");
        assert!(check_parties(Coalition, &[a], a, &partners).is_err());
        assert!(check_parties(Network, &all, a, &partners).is_ok());
        assert!(check_parties(Network, &all[..3], a, &partners).is_err());
        assert!(
            check_parties(Organisation, &[Uuid::from_u128(99)], Uuid::from_u128(99), &partners).is_err(),
            "not a partner"
        );
        assert!(check_parties(Coalition, &all[..2], all[3], &partners).is_err(), "lead not a party");
        assert!(check_parties(Coalition, &[a, a], a, &partners).is_err(), "twice");
    }

    #[test]
    fn quick_wins_are_due_within_the_window() {
        let today = NaiveDate::from_ymd_opt(2026, 3, 2).expect("date");
        assert!(check_due(CommitmentKind::QuickWin, today + Duration::days(90), today, 90).is_ok());
        assert!(check_due(CommitmentKind::QuickWin, today + Duration::days(91), today, 90).is_err());
        assert!(check_due(CommitmentKind::Initiative, today + Duration::days(400), today, 90).is_ok());
        assert!(check_due(CommitmentKind::Initiative, today - Duration::days(1), today, 90).is_err());
    }

    #[test]
    fn status_moves_forward_only() {
        use CommitmentStatus::*;
        assert!(check_transition(Proposed, Agreed).is_ok());
        assert!(check_transition(Agreed, Delivered).is_ok());
        assert!(check_transition(Proposed, InProgress).is_err());
        assert!(check_transition(Delivered, InProgress).is_err());
        assert!(check_transition(Dropped, Proposed).is_err());
        assert!(check_transition(Delivered, Dropped).is_err());
    }
}
