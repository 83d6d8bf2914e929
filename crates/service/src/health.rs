//! `Network.health`: gathers the facts (a fixed number of statements) and
//! lets the domain diagnose them.
//!
//! Read now, the figures about the work come from the facts the store keeps
//! as the work changes (`store::health_facts`): their cost does not grow with
//! the history. Read `asOf` a moment in the past, they are recounted from the
//! history rows (`store::health`), as they are now for a network whose facts
//! are not built yet. Expectations (rounds, charter, partners) and the
//! look-back windows are read from their rows either way: they grow with the
//! membership and the window, not with the history.

use chrono::{DateTime, Utc};
use entity::{alignment_round, network};
use uuid::Uuid;

use crate::domain::alignment::RoundResults;
use crate::domain::health::{self, HealthFacts, HealthScope, RoundFacts, Signal};
use crate::domain::settings::NetworkSettings;
use crate::domain::{AppError, AppResult, policy, values};
use crate::store::Store;
use crate::store::health_facts::WorkFacts;

pub struct Health {
    pub scope: HealthScope,
    pub facts: HealthFacts,
    pub signals: Vec<Signal>,
    pub settings: NetworkSettings,
}

/// The network's health as of `as_of` (default now), or `None` for a viewer
/// who may not see it.
pub async fn health(
    store: &Store,
    network: &network::Model,
    as_of: Option<DateTime<Utc>>,
) -> AppResult<Option<Health>> {
    let Some(scope) = policy::health_scope(&store.actor(), network.id) else {
        return Ok(None);
    };
    let now = store.now();
    let requested = as_of;
    let as_of = values::moment("asOf", as_of.unwrap_or(now))?;
    if as_of > now {
        return Err(AppError::bad_input("asOf", "health cannot be read for a moment in the future"));
    }
    let settings = NetworkSettings::from_json(&network.settings);
    // Only an `asOf` the client gave is history: an `asOf` of exactly now
    // recounts too, which is how the property test compares the two.
    let maintained = match requested {
        None => store.maintained(network.id, as_of, &scope).await?,
        Some(_) => None,
    };
    let facts = facts(store, network.id, as_of, &scope, &settings, maintained).await?;
    let signals = health::signals(&facts, &settings);
    Ok(Some(Health { scope, facts, signals, settings }))
}

async fn facts(
    store: &Store,
    network_id: Uuid,
    as_of: DateTime<Utc>,
    scope: &HealthScope,
    settings: &NetworkSettings,
    maintained: Option<WorkFacts>,
) -> AppResult<HealthFacts> {
    let rounds = store.closed_rounds_as_of(network_id, as_of, 2).await?;
    let mut round_facts = Vec::with_capacity(rounds.len());
    for round in &rounds {
        round_facts.push(round_facts_of(store, round).await?);
    }
    let mut round_facts = round_facts.into_iter();
    let latest_round = round_facts.next();
    let previous_round = round_facts.next();

    let charter_version = store.charter_version_as_of(network_id, as_of).await?;
    let (partners_not_acknowledged, representatives_not_acknowledged) = match charter_version {
        Some(version) => store.not_acknowledged(network_id, as_of, version, scope).await?,
        None => Default::default(),
    };
    let (new_partners_since_round, new_representatives_since_round) = match &latest_round {
        Some(round) => store.newcomers(network_id, as_of, round.opened_at, scope).await?,
        None => Default::default(),
    };
    let work = match maintained {
        Some(work) => work,
        None => recount(store, network_id, as_of, scope).await?,
    };
    Ok(HealthFacts {
        as_of,
        latest_round,
        previous_round,
        charter_version,
        partners_not_acknowledged,
        representatives_not_acknowledged,
        new_partners_since_round,
        new_representatives_since_round,
        last_meeting_on: store.last_meeting_on(network_id, as_of).await?,
        open_ratifications: work.open_ratifications,
        median_days_waiting: work.median_days_waiting,
        oldest_open_ratification: work.oldest_open_ratification,
        overdue_ratifications: work.overdue_ratifications,
        agreed_without_consultation: work.agreed_without_consultation,
        advice_overridden: work.advice_overridden,
        decided_on_stale_dossier: work.decided_on_stale_dossier,
        rejections_recently: store.rejections_since(network_id, as_of, scope).await?,
        open_conditions: work.open_conditions,
        partners: work.partners,
        open_by_scope: work.open_by_scope,
        quick_wins_delivered_recently: work.quick_wins_delivered_recently,
        last_quick_win_delivered_at: work.last_quick_win_delivered_at,
        without_goal: work.without_goal,
        goals_without_recent_result: work.goals_without_recent_result,
        needs_replanning: work.needs_replanning,
        // Read from the figures either way: a few per reporter and period,
        // not the history of the work.
        indicators_not_moving: crate::indicators::not_moving(
            store,
            network_id,
            as_of,
            settings,
            match scope {
                HealthScope::Network => None,
                HealthScope::Organisations(own) => Some(own.as_slice()),
            },
        )
        .await?,
    })
}

/// The figures about the work, from history.
async fn recount(store: &Store, network_id: Uuid, as_of: DateTime<Utc>, scope: &HealthScope) -> AppResult<WorkFacts> {
    let waiting = store.waiting(network_id, as_of, scope).await?;
    let (quick_wins_delivered_recently, last_quick_win_delivered_at) = store.quick_wins(network_id, as_of).await?;
    Ok(WorkFacts {
        open_ratifications: waiting.open,
        median_days_waiting: waiting.median_days,
        oldest_open_ratification: waiting.oldest,
        overdue_ratifications: store.overdue_ratifications(network_id, as_of, scope).await?,
        agreed_without_consultation: store.agreed_without_consultation(network_id, as_of, scope).await?,
        advice_overridden: store.advice_overridden(network_id, as_of, scope).await?,
        decided_on_stale_dossier: store.decided_on_stale_dossier(network_id, as_of, scope).await?,
        open_conditions: store.open_conditions(network_id, as_of, scope).await?,
        partners: store.partner_backing(network_id, as_of, scope).await?,
        open_by_scope: store.open_by_scope(network_id, as_of).await?,
        quick_wins_delivered_recently,
        last_quick_win_delivered_at,
        without_goal: store.open_without_goal(network_id, as_of).await?,
        goals_without_recent_result: store.goals_without_recent_result(network_id, as_of).await?,
        needs_replanning: store.needing_replanning(network_id, as_of).await?,
    })
}
/// A closed round's figures, under the same anonymity rule as the round's own
/// results: only with enough respondents.
async fn round_facts_of(store: &Store, round: &alignment_round::Model) -> AppResult<RoundFacts> {
    let results: RoundResults = crate::alignment::compute(store, round).await?;
    let shown = results.network_figures_are_anonymous();
    let questions = if shown { results.questions.as_slice() } else { &[] };
    Ok(RoundFacts {
        id: round.id,
        opened_at: round.opened_at,
        closed_at: round.closed_at.unwrap_or(round.closes_at),
        index: results.alignment_index.filter(|_| shown),
        lowest_question: questions.iter().min_by(|a, b| a.mean.total_cmp(&b.mean)).map(|q| (q.key.clone(), q.mean)),
        // `max_by` keeps the last of equals: reversed, ties go to the first question asked.
        most_divergent_question: questions
            .iter()
            .rev()
            .max_by(|a, b| a.standard_deviation.total_cmp(&b.standard_deviation))
            .map(|q| (q.key.clone(), q.standard_deviation)),
    })
}
