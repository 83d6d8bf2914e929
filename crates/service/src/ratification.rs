//! Ratification by each party's governing bodies: mandates, who is involved,
//! early consultation, outcomes by right, conditions.

use std::collections::HashMap;

use chrono::{Duration, NaiveDate};
use entity::{
    BodyRight, CommitmentStatus, MandateAppliesTo, RatificationOutcome, RatificationStatus, Stance, commitment,
    ratification,
};
use serde_json::json;
use uuid::Uuid;

use crate::domain::events::EventKind;
use crate::domain::ratification::{self as rules, Body, MandateRule, PartyStanding};
use crate::domain::settings::NetworkSettings;
use crate::domain::values::{Name, Text};
use crate::domain::{AppError, AppResult, policy};
use crate::store::ratification::{NewOutcome, NewRatification};
use crate::store::{NewEvent, Store};

/// A network event concerning one party.
fn event(kind: EventKind, subject: Uuid, network_id: Uuid, organisation: Uuid, payload: serde_json::Value) -> NewEvent {
    NewEvent::network(kind, subject, network_id, payload).concerning([organisation])
}

pub struct MandateRuleInput {
    pub body_id: Uuid,
    pub applies_to: MandateAppliesTo,
    pub min_contribution_euros: i64,
}

/// Sets an organisation's mandate. Only its DIRECTORs; the deciding body is
/// always involved whatever the rules say.
pub async fn set_mandate(
    store: &Store,
    organisation_id: Uuid,
    rules_in: Vec<MandateRuleInput>,
) -> AppResult<Vec<MandateRule>> {
    let organisation = store.organisation(organisation_id).await?;
    policy::require_director(&store.actor(), organisation.id)?;
    if rules_in.len() > 50 {
        return Err(AppError::bad_input("rules", "at most 50 mandate rules"));
    }
    let bodies = store.active_bodies_for_rules(&[organisation.id]).await?;
    let mut rules_out = Vec::with_capacity(rules_in.len());
    for rule in rules_in {
        if !bodies.iter().any(|b| b.id == rule.body_id) {
            return Err(AppError::bad_input("rules.bodyId", "a rule names an active body of this organisation"));
        }
        if rule.min_contribution_euros < 0 {
            return Err(AppError::bad_input("rules.minContributionEuros", "a threshold is not negative"));
        }
        rules_out.push(MandateRule {
            body_id: rule.body_id,
            applies_to: rule.applies_to,
            min_contribution_euros: rule.min_contribution_euros,
        });
    }
    store.replace_mandate(organisation.id, &rules_out).await?;
    store
        .record_event(
            NewEvent::new(EventKind::MandateSet, organisation.id, json!({ "rules": rules_out.len() }))
                .concerning([organisation.id]),
        )
        .await?;
    Ok(rules_out)
}

/// The mandate that applies: the organisation's own rules, or the default.
pub async fn mandate_of(store: &Store, organisation_id: Uuid) -> AppResult<(Vec<MandateRule>, bool)> {
    let stored = store.mandate_rules_of(&[organisation_id]).await?;
    if stored.is_empty() {
        let bodies: Vec<Body> = store
            .active_bodies_for_rules(&[organisation_id])
            .await?
            .iter()
            .map(|b| Body { id: b.id, right: b.right })
            .collect();
        return Ok((rules::default_mandate(&bodies), true));
    }
    Ok((
        stored
            .into_iter()
            .map(|r| MandateRule {
                body_id: r.body_id,
                applies_to: r.applies_to,
                min_contribution_euros: r.min_contribution_euros,
            })
            .collect(),
        false,
    ))
}

/// Creates one ratification per party × involved body for a proposed (or
/// re-planned) commitment. `added` are bodies the proposer adds.
pub async fn create_for(
    store: &Store,
    commitment: &commitment::Model,
    parties: &[(Uuid, i64)],
    added: &[Uuid],
) -> AppResult<()> {
    let organisation_ids: Vec<Uuid> = parties.iter().map(|(org, _)| *org).collect();
    let all_bodies = store.active_bodies_for_rules(&organisation_ids).await?;
    if let Some(stranger) = added.iter().find(|id| !all_bodies.iter().any(|b| b.id == **id)) {
        return Err(AppError::bad_input(
            "additionalBodyIds",
            format!("body {stranger} is not an active body of a party"),
        ));
    }
    let mut rows = Vec::new();
    for (organisation_id, euros) in parties {
        let bodies: Vec<&entity::governing_body::Model> =
            all_bodies.iter().filter(|b| b.organisation_id == *organisation_id).collect();
        let simple: Vec<Body> = bodies.iter().map(|b| Body { id: b.id, right: b.right }).collect();
        let (mandate, _) = mandate_of(store, *organisation_id).await?;
        for body_id in rules::involved_bodies(commitment.kind, *euros, &simple, &mandate, added) {
            if let Some(body) = bodies.iter().find(|b| b.id == body_id) {
                rows.push(NewRatification {
                    network_id: commitment.network_id,
                    commitment_id: commitment.id,
                    organisation_id: *organisation_id,
                    body: (*body).clone(),
                });
            }
        }
    }
    store.insert_ratifications(&rows).await
}

/// When a commitment becomes AGREED every ratification awaits its outcome,
/// due within the network's ratification window.
pub async fn await_outcomes(store: &Store, commitment: &commitment::Model) -> AppResult<()> {
    let network = store.network(commitment.network_id).await?;
    let window = NetworkSettings::from_json(&network.settings).ratification_window_days;
    let due = store.actor().today + Duration::days(i64::from(window));
    store
        .move_ratifications(
            commitment.id,
            None,
            &[RatificationStatus::NotStarted, RatificationStatus::Consulting],
            RatificationStatus::Awaiting,
            Some(due),
        )
        .await?;
    Ok(())
}

/// A DIRECTOR of a party starts consulting its constituency while the
/// commitment is still PROPOSED: being heard early is the point.
pub async fn start_consultation(
    store: &Store,
    commitment_id: Uuid,
    organisation_id: Uuid,
) -> AppResult<commitment::Model> {
    let commitment = store.commitment(commitment_id).await?;
    policy::require_director(&store.actor(), organisation_id)?;
    if commitment.status != CommitmentStatus::Proposed {
        return Err(AppError::conflict("consultation starts while the commitment is PROPOSED"));
    }
    let moved = store
        .move_ratifications(
            commitment.id,
            Some(organisation_id),
            &[RatificationStatus::NotStarted],
            RatificationStatus::Consulting,
            None,
        )
        .await?;
    if moved == 0 {
        return Err(AppError::conflict("this party's consultation has already started, or it is not a party"));
    }
    store
        .record_event(event(
            EventKind::ConsultationStarted,
            commitment.id,
            commitment.network_id,
            organisation_id,
            json!({ "organisationId": organisation_id }),
        ))
        .await?;
    Ok(commitment)
}

/// Someone of a party gives input during consultation; it stays inside the
/// organisation.
pub async fn add_consultation_input(
    store: &Store,
    commitment_id: Uuid,
    organisation_id: Uuid,
    stance: Stance,
    text: &str,
) -> AppResult<commitment::Model> {
    let commitment = store.commitment(commitment_id).await?;
    if !store.actor().acts_within(organisation_id) {
        return Err(AppError::forbidden("only people of the party give input to its consultation"));
    }
    let text = Text::parse("text", text)?.into_inner();
    let ratifications = store.ratifications_of(&[commitment.id]).await?;
    let anchor = ratifications
        .iter()
        .filter(|r| r.organisation_id == organisation_id)
        .find(|r| r.right == BodyRight::Decides)
        .ok_or_else(|| AppError::bad_input("organisationId", "that organisation is not a party to this commitment"))?;
    if !matches!(anchor.status, RatificationStatus::Consulting | RatificationStatus::Awaiting) {
        return Err(AppError::conflict("the party is not consulting on this commitment"));
    }
    let input = store.insert_consultation_input(anchor, stance, text).await?;
    store
        .record_event(event(
            EventKind::ConsultationInputAdded,
            commitment.id,
            commitment.network_id,
            organisation_id,
            json!({ "stance": input.stance }),
        ))
        .await?;
    Ok(commitment)
}

pub struct RecordOutcome {
    pub ratification_id: Uuid,
    pub expected_version: i32,
    pub outcome: RatificationOutcome,
    pub decided_on: NaiveDate,
    pub minutes_reference: String,
    pub reason: Option<String>,
    pub conditions: Vec<String>,
    /// The content hash of the dossier the body decided on, if it names one.
    pub dossier_hash: Option<String>,
}

/// A member of the body records its outcome, by the body's right.
pub async fn record_outcome(store: &Store, input: RecordOutcome) -> AppResult<ratification::Model> {
    let ratification = store.ratification(input.ratification_id).await?;
    let actor = store.actor();
    if !actor.sits_on(ratification.body_id) {
        return Err(AppError::forbidden("only a member of this body records its outcome"));
    }
    let reason = Text::parse_optional("reason", input.reason.as_deref())?.map(Text::into_inner);
    let minutes = Name::parse("minutesReference", &input.minutes_reference)?.into_inner();
    let conditions = input
        .conditions
        .iter()
        .map(|c| Text::parse("conditions", c).map(Text::into_inner))
        .collect::<AppResult<Vec<_>>>()?;
    rules::check_outcome(ratification.right, input.outcome, reason.as_deref(), &conditions)?;
    if input.decided_on > actor.today {
        return Err(AppError::bad_input("decidedOn", "a body decides in a meeting that has been held"));
    }
    if ratification.outcome.is_some() {
        return Err(AppError::conflict("the outcome is recorded; the body reopens it to change it"));
    }
    let advisory = rules::is_advisory(ratification.right);
    let ready = match ratification.status {
        RatificationStatus::Awaiting => true,
        RatificationStatus::Consulting => advisory,
        _ => false,
    };
    if !ready {
        return Err(AppError::conflict(if advisory {
            "advice is given once consultation started or the commitment is agreed"
        } else {
            "this body decides once the commitment is AGREED"
        }));
    }
    if ratification.right == BodyRight::Decides {
        check_advice_heard(store, &ratification, input.outcome, reason.as_deref()).await?;
    }
    if let Some(hash) = &input.dossier_hash {
        crate::dossier::check_decided_on(store, ratification.commitment_id, ratification.organisation_id, hash).await?;
    }
    let recorded = store
        .record_outcome(
            ratification.id,
            input.expected_version,
            NewOutcome {
                outcome: input.outcome,
                reason,
                decided_on: input.decided_on,
                minutes_reference: minutes,
                conditions,
                dossier_hash: input.dossier_hash.clone(),
            },
        )
        .await?;
    if input.outcome == RatificationOutcome::Rejected {
        // A blocking rejection: the commitment goes back to the table, without
        // that party or not at all.
        store.flag_commitment(recorded.commitment_id, "a party's body rejected it").await?;
    }
    let mut payload = json!({ "commitmentId": recorded.commitment_id, "bodyId": recorded.body_id, "outcome": input.outcome, "decidedOn": input.decided_on });
    if let Some(hash) = &input.dossier_hash {
        payload["dossierHash"] = json!(hash);
    }
    store
        .record_event(event(
            EventKind::RatificationDecided,
            recorded.id,
            recorded.network_id,
            recorded.organisation_id,
            payload,
        ))
        .await?;
    Ok(recorded)
}

/// The deciding body decides only after every advisory body of its party
/// answered or let its response days pass, and departing from negative advice
/// needs a motivation.
async fn check_advice_heard(
    store: &Store,
    decision: &ratification::Model,
    outcome: RatificationOutcome,
    motivation: Option<&str>,
) -> AppResult<()> {
    let all = store.ratifications_of(&[decision.commitment_id]).await?;
    let advisers: Vec<&ratification::Model> =
        all.iter().filter(|r| r.organisation_id == decision.organisation_id && rules::is_advisory(r.right)).collect();
    let commitment = store.commitment(decision.commitment_id).await?;
    let bodies = store.active_bodies_for_rules(&[decision.organisation_id]).await?;
    let today = store.actor().today;
    for adviser in &advisers {
        if adviser.outcome.is_some() {
            continue;
        }
        let asked_on =
            adviser.consultation_started_at.or(commitment.agreed_at).map(|at| at.date_naive()).unwrap_or(today);
        let days = bodies.iter().find(|b| b.id == adviser.body_id).map_or(0, |b| b.response_days);
        if today < asked_on + Duration::days(i64::from(days)) {
            return Err(AppError::conflict(format!(
                "an advisory body has until {} to answer; decide after it answered or its time passed",
                asked_on + Duration::days(i64::from(days))
            )));
        }
    }
    let approves = matches!(outcome, RatificationOutcome::Approved | RatificationOutcome::ApprovedWithConditions);
    let negative_advice = advisers.iter().any(|a| a.outcome == Some(RatificationOutcome::Negative));
    if approves && negative_advice && motivation.is_none() {
        return Err(AppError::bad_input("reason", "departing from negative advice requires a motivation"));
    }
    Ok(())
}

/// The same body reopens its outcome; the earlier one stays in the history.
pub async fn reopen(store: &Store, ratification_id: Uuid, expected_version: i32) -> AppResult<ratification::Model> {
    let ratification = store.ratification(ratification_id).await?;
    if !store.actor().sits_on(ratification.body_id) {
        return Err(AppError::forbidden("only a member of this body reopens its outcome"));
    }
    let reopened = store.reopen(ratification.id, expected_version).await?;
    store
        .record_event(event(
            EventKind::RatificationReopened,
            reopened.id,
            reopened.network_id,
            reopened.organisation_id,
            json!({ "commitmentId": reopened.commitment_id, "previousOutcome": ratification.outcome }),
        ))
        .await?;
    Ok(reopened)
}

/// A DIRECTOR of the party marks a condition met.
pub async fn mark_condition_met(store: &Store, condition_id: Uuid) -> AppResult<ratification::Model> {
    let condition = store.condition(condition_id).await?;
    policy::require_director(&store.actor(), condition.organisation_id)?;
    store.mark_condition_met(condition.id).await?;
    let ratification = store.ratification(condition.ratification_id).await?;
    store
        .record_event(event(
            EventKind::ConditionMet,
            condition.id,
            ratification.network_id,
            condition.organisation_id,
            json!({ "ratificationId": ratification.id }),
        ))
        .await?;
    Ok(ratification)
}

/// Where ratification of a commitment stands, across its parties.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Overall {
    NotRequired,
    Pending,
    Ratified,
    Rejected,
}

pub fn overall(ratifications: &[ratification::Model]) -> Overall {
    if ratifications.is_empty() {
        return Overall::NotRequired;
    }
    let mut parties: Vec<Uuid> = ratifications.iter().map(|r| r.organisation_id).collect();
    parties.sort_unstable();
    parties.dedup();
    let standings: Vec<PartyStanding> = parties
        .iter()
        .map(|p| {
            let outcomes: Vec<_> =
                ratifications.iter().filter(|r| r.organisation_id == *p).map(|r| (r.right, r.outcome)).collect();
            rules::party_standing(&outcomes)
        })
        .collect();
    if standings.contains(&PartyStanding::Rejected) {
        Overall::Rejected
    } else if standings.iter().all(|s| *s == PartyStanding::Ratified) {
        Overall::Ratified
    } else {
        Overall::Pending
    }
}

/// How a partner follows through on what was agreed at the table.
#[derive(Debug, Clone, PartialEq)]
pub struct FollowThrough {
    pub organisation_id: Uuid,
    pub involved: usize,
    pub answered: usize,
    pub approved: usize,
    pub rejected: usize,
    /// Median days from the commitment's agreement to the body's outcome.
    pub median_days_to_outcome: Option<f64>,
    pub open_conditions: usize,
}

/// The median of a list; statistics SQLite lacks are computed here, the same
/// on both engines.
pub fn median(mut values: Vec<f64>) -> Option<f64> {
    if values.is_empty() {
        return None;
    }
    values.sort_by(f64::total_cmp);
    let middle = values.len() / 2;
    Some(if values.len().is_multiple_of(2) { (values[middle - 1] + values[middle]) / 2.0 } else { values[middle] })
}

/// Each party's follow-through in a network. Counted in the database from the
/// network's id (three statements, whatever its size): never a list of the
/// network's ratification or commitment ids bound as parameters, which a
/// large network would push past the engines' limits.
pub async fn follow_through(store: &Store, network_id: Uuid) -> AppResult<Vec<FollowThrough>> {
    let parties = store.party_outcomes(network_id).await?;
    let mut days: HashMap<Uuid, Vec<f64>> = HashMap::new();
    for (organisation_id, agreed, recorded) in store.outcome_times(network_id).await? {
        days.entry(organisation_id).or_default().push((recorded - agreed).num_seconds() as f64 / 86_400.0);
    }
    let open: HashMap<Uuid, u64> = store.open_conditions_per_party(network_id).await?.into_iter().collect();
    let count = |n: u64| usize::try_from(n).unwrap_or(usize::MAX);
    Ok(parties
        .into_iter()
        .map(|party| FollowThrough {
            organisation_id: party.organisation_id,
            involved: count(party.involved),
            answered: count(party.answered),
            approved: count(party.approved),
            rejected: count(party.rejected),
            median_days_to_outcome: median(days.remove(&party.organisation_id).unwrap_or_default()),
            open_conditions: count(open.get(&party.organisation_id).copied().unwrap_or(0)),
        })
        .collect())
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_median_of_an_even_list_is_the_mean_of_the_middle_two() {
        assert_eq!(super::median(vec![]), None);
        assert_eq!(super::median(vec![3.0, 1.0, 2.0]), Some(2.0));
        assert_eq!(super::median(vec![4.0, 1.0, 3.0, 2.0]), Some(2.5));
    }
}
