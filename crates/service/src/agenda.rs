//! Agenda items for board portals: what awaits one governing body, with the
//! dossier hash each item is to be decided on (docs/dossiers.md).

use std::collections::HashMap;

use chrono::NaiveDate;
use entity::{ConditionStatus, commitment, commitment_party, governing_body, ratification};
use uuid::Uuid;

use crate::domain::agenda::{self as rules, Agenda, Item};
use crate::domain::dossier::{ConsultationCounts, Contribution, Terms};
use crate::domain::ratification::is_advisory;
use crate::domain::{AppResult, policy};
use crate::i18n::Locale;
use crate::store::Store;
use crate::store::dossiers::KeptTerms;

/// One item with the rows behind it, for the API to link.
pub struct AgendaEntry {
    pub item: Item,
    pub ratification: ratification::Model,
    pub commitment: commitment::Model,
    pub party: commitment_party::Model,
}

/// What awaits `body`, due within `from..=to` (either end open), in order of
/// due date; `None` for anyone but the body's members, the organisation's
/// DIRECTORs (and its API clients) and the tenant's admins. The dossier of
/// every item is issued with it, so the body can decide on its hash. A fixed
/// number of statements, whatever the number of items.
pub async fn agenda_items(
    store: &Store,
    body: &governing_body::Model,
    from: Option<NaiveDate>,
    to: Option<NaiveDate>,
) -> AppResult<Option<Vec<AgendaEntry>>> {
    if policy::require_board_portal(&store.actor(), body.organisation_id, &[body.id]).is_err() {
        return Ok(None);
    }
    let organisation_id = body.organisation_id;
    let pending: Vec<(ratification::Model, Option<NaiveDate>)> = store
        .pending_for_bodies(&[body.id])
        .await?
        .into_iter()
        .filter(rules::is_on_agenda)
        .map(|r| {
            let due = rules::due_on(&r, body.response_days);
            (r, due)
        })
        .filter(|(_, due)| rules::within(*due, from, to))
        .collect();
    if pending.is_empty() {
        return Ok(Some(Vec::new()));
    }
    let commitment_ids: Vec<Uuid> = pending.iter().map(|(r, _)| r.commitment_id).collect();
    let commitments: HashMap<Uuid, commitment::Model> =
        store.commitments_by_ids(&commitment_ids).await?.into_iter().map(|c| (c.id, c)).collect();
    let parties = store.parties_of(&commitment_ids).await?;
    let party_ratifications: Vec<ratification::Model> = store
        .ratifications_of(&commitment_ids)
        .await?
        .into_iter()
        .filter(|r| r.organisation_id == organisation_id)
        .collect();
    let party_ratification_ids: Vec<Uuid> = party_ratifications.iter().map(|r| r.id).collect();
    let commitment_of: HashMap<Uuid, Uuid> = party_ratifications.iter().map(|r| (r.id, r.commitment_id)).collect();
    let mut open_conditions: HashMap<Uuid, Vec<String>> = HashMap::new();
    for condition in store.conditions_of(&party_ratification_ids).await? {
        if condition.status == ConditionStatus::Open
            && let Some(commitment_id) = commitment_of.get(&condition.ratification_id)
        {
            open_conditions.entry(*commitment_id).or_default().push(condition.text);
        }
    }
    let mut consultation: HashMap<Uuid, ConsultationCounts> = HashMap::new();
    for (commitment_id, stance, n) in store.consultation_counts(&commitment_ids, organisation_id).await? {
        consultation.entry(commitment_id).or_default().add(stance, n);
    }
    // One read per network (a body's organisation is a partner in a few).
    let mut network_ids: Vec<Uuid> = commitments.values().map(|c| c.network_id).collect();
    network_ids.sort_unstable();
    network_ids.dedup();
    let mut charter_versions: HashMap<Uuid, Option<i32>> = HashMap::new();
    for network_id in network_ids {
        charter_versions.insert(network_id, store.current_charter_version(network_id).await?);
    }

    let mut entries = Vec::with_capacity(pending.len());
    let mut kept = Vec::with_capacity(pending.len());
    for (ratification, due_on) in pending {
        let Some(commitment) = commitments.get(&ratification.commitment_id) else { continue };
        let Some(party) =
            parties.iter().find(|p| p.commitment_id == commitment.id && p.organisation_id == organisation_id)
        else {
            continue;
        };
        let terms = Terms::from_rows(
            commitment,
            &parties,
            organisation_id,
            charter_versions.get(&commitment.network_id).copied().flatten(),
        );
        let advisers: Vec<&ratification::Model> =
            party_ratifications.iter().filter(|r| r.commitment_id == commitment.id && is_advisory(r.right)).collect();
        let item = Item {
            ratification_id: ratification.id,
            commitment_id: commitment.id,
            title: commitment.title.clone(),
            description: commitment.description.clone(),
            right: ratification.right,
            status: ratification.status,
            due_on,
            contribution: Contribution {
                euros: party.contribution_euros,
                hours: party.contribution_hours,
                note: party.contribution_note.clone(),
            },
            advice_asked: advisers.len(),
            advice_received: advisers.iter().filter(|r| r.outcome.is_some()).count(),
            consultation: consultation.get(&commitment.id).copied().unwrap_or_default(),
            open_conditions: open_conditions.get(&commitment.id).cloned().unwrap_or_default(),
            dossier_hash: terms.content_hash(),
        };
        kept.push((terms.to_json(), item.dossier_hash.clone(), commitment.id));
        entries.push(AgendaEntry { item, ratification, commitment: commitment.clone(), party: party.clone() });
    }
    store
        .keep_dossiers_terms(
            &kept
                .iter()
                .map(|(terms, hash, commitment_id)| KeptTerms {
                    commitment_id: *commitment_id,
                    organisation_id,
                    content_hash: hash,
                    terms,
                })
                .collect::<Vec<_>>(),
        )
        .await?;
    entries.sort_by(|a, b| a.item.due_on.cmp(&b.item.due_on).then_with(|| a.item.title.cmp(&b.item.title)));
    Ok(Some(entries))
}

/// How a document is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DocumentFormat {
    Markdown,
    /// A standalone page that prints on A4.
    Html,
}

/// The agenda as a document in `locale`; `None` where [`agenda_items`] is.
pub async fn agenda_document(
    store: &Store,
    body: &governing_body::Model,
    from: Option<NaiveDate>,
    to: Option<NaiveDate>,
    locale: Locale,
    format: DocumentFormat,
) -> AppResult<Option<String>> {
    let Some(entries) = agenda_items(store, body, from, to).await? else { return Ok(None) };
    let organisation = store.organisation(body.organisation_id).await?;
    let items: Vec<Item> = entries.into_iter().map(|e| e.item).collect();
    let agenda = Agenda { body: &body.name, organisation: &organisation.name, from, to, items: &items };
    Ok(Some(match format {
        DocumentFormat::Markdown => agenda.markdown(locale),
        DocumentFormat::Html => agenda.html(locale),
    }))
}
