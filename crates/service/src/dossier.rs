//! Decision dossiers (docs/dossiers.md): issuing one for a party's bodies,
//! and checking that a decision names the terms as they stand.

use std::collections::HashMap;

use entity::{ConditionStatus, commitment};
use uuid::Uuid;

use crate::domain::dossier::{
    self as rules, Charter, CommitmentText, Condition, ConsultationCounts, Contribution, Dossier, Named, OtherParty,
    OwnBody, Step, Terms,
};
use crate::domain::policy::{self, ConsultationView};
use crate::domain::ratification as ratification_rules;
use crate::domain::{AppError, AppResult};
use crate::i18n::Locale;
use crate::store::Store;

/// The longest content hash accepted (`sha256:` and 64 hex digits, with room).
const MAX_HASH_LEN: usize = 80;

/// The terms a party's bodies decide on, as the commitment stands now.
pub async fn terms_of(store: &Store, commitment: &commitment::Model, organisation_id: Uuid) -> AppResult<Terms> {
    let parties = store.parties_of(&[commitment.id]).await?;
    let charter_version = store.current_charter_version(commitment.network_id).await?;
    Ok(Terms::from_rows(commitment, &parties, organisation_id, charter_version))
}

/// The dossier for one party of a commitment, in `locale`; `None` for a
/// viewer who may not read it (anyone but the party's own people, the
/// network's facilitators and the tenant's admins: a dossier shows the
/// party's internal advice). Issuing keeps its terms, so a decision on it
/// can later be checked.
pub async fn dossier(
    store: &Store,
    commitment_id: Uuid,
    organisation_id: Uuid,
    locale: Locale,
) -> AppResult<Option<Dossier>> {
    let commitment = store.commitment(commitment_id).await?;
    let parties = store.parties_of(&[commitment.id]).await?;
    let Some(own) = parties.iter().find(|p| p.organisation_id == organisation_id) else {
        return Err(AppError::bad_input("organisationId", "that organisation is not a party to this commitment"));
    };
    if policy::consultation_view(&store.actor(), commitment.network_id, organisation_id) == ConsultationView::Nothing {
        return Ok(None);
    }
    // The charter's versions are read once: the current one is part of the
    // terms, and the dossier says when it was adopted.
    let charters = store.charter_versions_of(&[commitment.network_id]).await?;
    let current_charter = charters.iter().max_by_key(|c| c.version);
    let terms = Terms::from_rows(&commitment, &parties, organisation_id, current_charter.map(|c| c.version));
    let content_hash = terms.content_hash();
    store.keep_dossier_terms(commitment.id, organisation_id, &content_hash, &terms.to_json()).await?;

    let network = store.network(commitment.network_id).await?;
    let mut organisation_ids: Vec<Uuid> = parties.iter().map(|p| p.organisation_id).collect();
    organisation_ids.push(commitment.lead_organisation_id);
    let names: HashMap<Uuid, String> =
        store.organisations_by_ids(&organisation_ids).await?.into_iter().map(|o| (o.id, o.name)).collect();
    let named = |id: Uuid| Named { id, name: names.get(&id).cloned().unwrap_or_default() };
    let goal = match commitment.goal_id {
        Some(goal_id) => store.goals_by_ids(&[goal_id]).await?.pop().map(|g| Named { id: g.id, name: g.title }),
        None => None,
    };
    let charter = current_charter.map(|c| Charter { version: c.version, adopted_at: c.adopted_at });

    let ratifications = store.ratifications_of(&[commitment.id]).await?;
    let body_ids: Vec<Uuid> = ratifications.iter().map(|r| r.body_id).collect();
    let bodies: HashMap<Uuid, entity::governing_body::Model> =
        store.bodies_by_ids(&body_ids).await?.into_iter().map(|b| (b.id, b)).collect();
    let body_name = |id: Uuid| bodies.get(&id).map(|b| b.name.clone()).unwrap_or_default();

    let other_parties = parties
        .iter()
        .filter(|p| p.organisation_id != organisation_id)
        .map(|p| {
            let theirs: Vec<_> = ratifications.iter().filter(|r| r.organisation_id == p.organisation_id).collect();
            let outcomes: Vec<_> = theirs.iter().map(|r| (r.right, r.outcome)).collect();
            OtherParty {
                organisation: named(p.organisation_id),
                contribution: Contribution {
                    euros: p.contribution_euros,
                    hours: p.contribution_hours,
                    note: p.contribution_note.clone(),
                },
                agreed_at: p.agreed_at,
                standing: ratification_rules::party_standing(&outcomes),
                bodies_involved: theirs.len(),
                bodies_answered: theirs.iter().filter(|r| r.outcome.is_some()).count(),
            }
        })
        .collect();

    let own_ratifications: Vec<_> = ratifications.iter().filter(|r| r.organisation_id == organisation_id).collect();
    let own_bodies = own_ratifications
        .iter()
        .map(|r| OwnBody {
            name: body_name(r.body_id),
            kind: bodies.get(&r.body_id).map_or(entity::BodyKind::Other, |b| b.kind),
            right: r.right,
            status: r.status,
            outcome: r.outcome,
            decided_on: r.decided_on,
            due_on: r.due_on,
            reason: r.reason.clone(),
            dossier_hash: r.dossier_hash.clone(),
        })
        .collect();
    let own_ids: Vec<Uuid> = own_ratifications.iter().map(|r| r.id).collect();
    let ratification_body: HashMap<Uuid, Uuid> = own_ratifications.iter().map(|r| (r.id, r.body_id)).collect();
    let conditions = store
        .conditions_of(&own_ids)
        .await?
        .into_iter()
        .map(|c| Condition {
            body: ratification_body.get(&c.ratification_id).map(|b| body_name(*b)).unwrap_or_default(),
            text: c.text,
            met: c.status == ConditionStatus::Met,
        })
        .collect();
    let mut consultation = ConsultationCounts::default();
    for (_, stance, n) in store.consultation_counts(&[commitment.id], organisation_id).await? {
        consultation.add(stance, n);
    }

    let mut history = vec![Step::Proposed { on: commitment.proposed_at.date_naive() }];
    history.extend(parties.iter().filter_map(|p| {
        p.agreed_at.map(|at| Step::PartyAgreed { on: at.date_naive(), organisation: named(p.organisation_id).name })
    }));
    if let Some(at) = commitment.agreed_at {
        history.push(Step::Agreed { on: at.date_naive() });
    }
    // Decisions of the party's own bodies only: another party's advice and
    // decisions are its own (its standing shows in `other_parties`).
    history.extend(own_ratifications.iter().filter_map(|r| {
        Some(Step::Decided {
            on: r.decided_on?,
            organisation: named(r.organisation_id).name,
            body: body_name(r.body_id),
            outcome: r.outcome?,
        })
    }));
    if let Some(at) = commitment.delivered_at {
        history.push(Step::Delivered { on: at.date_naive() });
    }
    if let Some(at) = commitment.dropped_at {
        history.push(Step::Dropped { on: at.date_naive() });
    }
    rules::sort_history(&mut history);

    Ok(Some(Dossier {
        content_hash,
        language: locale.tag(),
        issued_at: store.now(),
        network: Named { id: network.id, name: network.name },
        organisation: named(organisation_id),
        commitment: CommitmentText {
            id: commitment.id,
            title: commitment.title.clone(),
            description: commitment.description.clone(),
            scope: commitment.scope,
            kind: commitment.kind,
            status: commitment.status,
            lead: named(commitment.lead_organisation_id),
            due_on: commitment.due_on,
            goal,
            needs_replanning: commitment
                .needs_replanning
                .then(|| commitment.replanning_reason.clone().unwrap_or_default()),
        },
        contribution: Contribution {
            euros: own.contribution_euros,
            hours: own.contribution_hours,
            note: own.contribution_note.clone(),
        },
        charter,
        other_parties,
        bodies: own_bodies,
        consultation,
        conditions,
        history,
    }))
}

/// A body decides on the dossier whose hash it names: refused with what
/// changed when the commitment moved on since, and refused as bad input when
/// no such dossier was issued for this party. The commitment is held until
/// the decision commits, so it cannot move on in between.
pub async fn check_decided_on(
    store: &Store,
    commitment_id: Uuid,
    organisation_id: Uuid,
    content_hash: &str,
) -> AppResult<()> {
    if content_hash.len() > MAX_HASH_LEN {
        return Err(AppError::bad_input("dossierHash", "a dossier's content hash is at most 80 characters"));
    }
    let commitment = store.commitment_held(commitment_id).await?;
    let current = terms_of(store, &commitment, organisation_id).await?;
    if current.content_hash() == content_hash {
        return Ok(());
    }
    let kept = store.dossier_terms(commitment.id, organisation_id, content_hash).await?;
    let Some(kept) = kept.as_deref().and_then(Terms::from_json) else {
        return Err(AppError::bad_input(
            "dossierHash",
            "no dossier with this content hash was issued for this party's bodies",
        ));
    };
    let mut changed = current.changes_since(&kept);
    if changed.is_empty() {
        // Terms kept by an earlier version of the hash's form.
        changed.push("terms");
    }
    Err(AppError::Stale {
        message: format!(
            "the commitment changed since the dossier the body decided on was issued ({}); \
             the body decides on a new dossier",
            changed.join(", ")
        ),
        changed,
    })
}
