//! A person's digest (docs/digest.md): read as them, in a fixed number of
//! statements per network they take part in, deterministic under the clock.

use std::collections::{BTreeMap, HashMap};

use chrono::{DateTime, Utc};
use entity::{CommitmentKind, RoundStatus};
use uuid::Uuid;

use crate::domain::digest::{Line, Section, Subject};
use crate::domain::{AppError, AppResult, agenda, values};
use crate::i18n::Locale;
use crate::store::Store;

/// The digest of the signed-in person since `since`.
pub struct Digest {
    pub owner: String,
    pub since: DateTime<Utc>,
    pub until: DateTime<Utc>,
    pub locale: Locale,
    pub lines: Vec<Line>,
}

/// What concerns the signed-in person since `since` (before now), in
/// `locale` (default: their language):
/// - awaiting: decisions of the bodies they sit on, open rounds they have not
///   answered, open conditions their organisations must meet;
/// - happened: commitments of their networks agreed, delivered or dropped
///   since, and outcomes recorded since, each once, as it stands now;
/// - quick wins delivered since, by goal;
/// - the health signals of their networks, where their view allows health.
pub async fn digest(store: &Store, since: DateTime<Utc>, locale: Option<Locale>) -> AppResult<Digest> {
    let actor = store.actor();
    let person_id = actor.person()?;
    let now = store.now();
    let since = values::moment("since", since)?;
    if since > now {
        return Err(AppError::bad_input("since", "since must not be in the future"));
    }
    let person = store.person(person_id).await?;
    let locale = match locale {
        Some(locale) => locale,
        None => crate::people::language_of(store, Some(&person)).await?,
    };
    let owner = person.name;
    let network_ids = actor.own_network_ids();
    let organisation_ids = actor.organisation_ids();

    let decisions: Vec<_> =
        store.pending_for_bodies(&actor.body_ids).await?.into_iter().filter(agenda::is_on_agenda).collect();
    let rounds: Vec<_> =
        store.rounds_inviting(person_id, now).await?.into_iter().filter(|r| r.status == RoundStatus::Open).collect();
    let round_ids: Vec<Uuid> = rounds.iter().map(|r| r.id).collect();
    let answered = store.rounds_answered_by(person_id, &round_ids).await?;
    let conditions = store.conditions_to_meet(&organisation_ids).await?;
    let moved = store.commitments_moved_since(&network_ids, since).await?;
    let outcomes = store.outcomes_recorded_since(&network_ids, since).await?;
    // The quick wins delivered since are among the commitments that moved.
    let quick_wins: Vec<&entity::commitment::Model> = moved
        .iter()
        .filter(|c| c.kind == CommitmentKind::QuickWin && c.delivered_at.is_some_and(|at| at > since))
        .collect();

    // The names the lines need, one read per kind.
    let mut commitment_ids: Vec<Uuid> = decisions
        .iter()
        .chain(&outcomes)
        .map(|r| r.commitment_id)
        .chain(conditions.iter().map(|(_, r)| r.commitment_id))
        .collect();
    commitment_ids.sort_unstable();
    commitment_ids.dedup();
    let titles: HashMap<Uuid, String> =
        store.commitments_by_ids(&commitment_ids).await?.into_iter().map(|c| (c.id, c.title)).collect();
    let mut body_ids: Vec<Uuid> = decisions.iter().chain(&outcomes).map(|r| r.body_id).collect();
    body_ids.sort_unstable();
    body_ids.dedup();
    let bodies: HashMap<Uuid, entity::governing_body::Model> =
        store.bodies_by_ids(&body_ids).await?.into_iter().map(|b| (b.id, b)).collect();
    let mut organisation_names: Vec<Uuid> =
        outcomes.iter().map(|r| r.organisation_id).chain(conditions.iter().map(|(c, _)| c.organisation_id)).collect();
    organisation_names.sort_unstable();
    organisation_names.dedup();
    let organisations: HashMap<Uuid, String> =
        store.organisations_by_ids(&organisation_names).await?.into_iter().map(|o| (o.id, o.name)).collect();
    let networks: Vec<entity::network::Model> = store.networks_by_ids(&network_ids).await?;
    let network_names: HashMap<Uuid, String> = networks.iter().map(|n| (n.id, n.name.clone())).collect();
    let mut goal_ids: Vec<Uuid> = quick_wins.iter().filter_map(|c| c.goal_id).collect();
    goal_ids.sort_unstable();
    goal_ids.dedup();
    let goals: HashMap<Uuid, String> =
        store.goals_by_ids(&goal_ids).await?.into_iter().map(|g| (g.id, g.title)).collect();
    let name = |names: &HashMap<Uuid, String>, id: Uuid| names.get(&id).cloned().unwrap_or_default();

    let mut lines = Vec::new();
    let mut line = |section, subject| lines.push(Line { section, subject });
    for r in &decisions {
        let Some(body) = bodies.get(&r.body_id) else { continue };
        line(
            Section::Awaiting,
            Subject::Decision {
                ratification_id: r.id,
                title: name(&titles, r.commitment_id),
                body: body.name.clone(),
                right: r.right,
                due_on: agenda::due_on(r, body.response_days),
            },
        );
    }
    for round in rounds.iter().filter(|r| !answered.contains(&r.id)) {
        line(
            Section::Awaiting,
            Subject::Round {
                round_id: round.id,
                network: name(&network_names, round.network_id),
                closes_at: round.closes_at,
            },
        );
    }
    for (condition, ratification) in &conditions {
        line(
            Section::Awaiting,
            Subject::Condition {
                condition_id: condition.id,
                ratification_id: ratification.id,
                title: name(&titles, ratification.commitment_id),
                organisation: name(&organisations, condition.organisation_id),
                text: condition.text.clone(),
            },
        );
    }
    for commitment in &moved {
        line(
            Section::Happened,
            Subject::Commitment {
                commitment_id: commitment.id,
                title: commitment.title.clone(),
                network: name(&network_names, commitment.network_id),
                status: commitment.status,
            },
        );
    }
    for r in &outcomes {
        let (Some(outcome), Some(body)) = (r.outcome, bodies.get(&r.body_id)) else { continue };
        line(
            Section::Happened,
            Subject::Outcome {
                ratification_id: r.id,
                title: name(&titles, r.commitment_id),
                body: body.name.clone(),
                organisation: name(&organisations, r.organisation_id),
                outcome,
            },
        );
    }
    let mut by_goal: BTreeMap<(Uuid, Option<Uuid>), Vec<String>> = BTreeMap::new();
    for commitment in quick_wins {
        by_goal.entry((commitment.network_id, commitment.goal_id)).or_default().push(commitment.title.clone());
    }
    for ((network_id, goal_id), titles) in by_goal {
        line(
            Section::QuickWins,
            Subject::QuickWins {
                goal_id,
                goal: goal_id.map(|id| name(&goals, id)),
                network: name(&network_names, network_id),
                titles,
            },
        );
    }
    for network in &networks {
        let Some(health) = crate::health::health(store, network, None).await? else { continue };
        for signal in &health.signals {
            line(
                Section::Signals,
                Subject::Signal {
                    network_id: network.id,
                    network: network.name.clone(),
                    kind: signal.kind,
                    message: signal.message(locale),
                },
            );
        }
    }
    Ok(Digest { owner, since, until: now, locale, lines })
}
