//! The collaboration graph of a network (docs/collaboration.md): who works
//! with whom, as of a moment, as the viewer may see it.

use std::collections::{BTreeSet, HashMap};

use chrono::{DateTime, Utc};
use uuid::Uuid;

use crate::domain::collaboration::{self as rules, Graph, Shared, State};
use crate::domain::settings::NetworkSettings;
use crate::domain::{AppError, AppResult, values};
use crate::store::Store;

/// No partner is judged over-committed on fewer open commitments below
/// network scope than this: in a young network, the partner in its first
/// two is in all of them.
pub const MINIMUM_OPEN: u32 = 3;

/// The graph, its moment, and whether the viewer sees every edge.
pub struct CollaborationGraph {
    pub at: DateTime<Utc>,
    pub graph: Graph,
    pub whole: bool,
}

/// The graph of `network` at `as_of` (default now). Its facilitators and the
/// admins see every edge; a partner's DIRECTORs the edges of their own
/// organisations; anyone else who sees the network its partners and their
/// counts, without edges.
pub async fn graph(
    store: &Store,
    network: &entity::network::Model,
    as_of: Option<DateTime<Utc>>,
) -> AppResult<CollaborationGraph> {
    let now = store.now();
    let at = match as_of {
        Some(at) => values::moment("asOf", at)?,
        None => now,
    };
    if at > now {
        return Err(AppError::bad_input("asOf", "asOf must not be in the future"));
    }
    let day = crate::i18n::local_day(at);
    let facts = store.collaboration_facts(network.id, at, day).await?;
    let mut parties: HashMap<Uuid, BTreeSet<Uuid>> = HashMap::new();
    for (commitment_id, organisation_id) in facts.parties {
        parties.entry(commitment_id).or_default().insert(organisation_id);
    }
    let commitments: Vec<Shared> = facts
        .commitments
        .into_iter()
        .map(|(id, scope, delivered_at, dropped_at)| Shared {
            scope,
            state: State::at(at, delivered_at, dropped_at),
            parties: parties.remove(&id).unwrap_or_default(),
        })
        .collect();
    let settings = NetworkSettings::from_json(&network.settings);
    let graph = rules::graph(&facts.partners, &commitments, settings.over_committed_share, MINIMUM_OPEN);
    let actor = store.actor();
    let whole = actor.is_admin() || actor.facilitates(network.id);
    let graph = if whole {
        graph
    } else {
        let own: BTreeSet<Uuid> = actor.directed_organisation_ids().into_iter().collect();
        graph.seen_from(&own)
    };
    Ok(CollaborationGraph { at, graph, whole })
}
