//! Yearly cycles (docs/cycles.md): a network's year of agreements, the
//! commitments that belong to it, and its accountability report: a draft
//! while the cycle runs, frozen when the facilitator closes it.

use std::collections::HashMap;

use chrono::{DateTime, Datelike, Utc};
use entity::{CycleStatus, cycle, network};
use serde_json::json;
use uuid::Uuid;

use crate::domain::cycles::{self as rules, CycleReport, Rows};
use crate::domain::events::EventKind;
use crate::domain::settings::NetworkSettings;
use crate::domain::values::{Name, Text};
use crate::domain::{AppError, AppResult, policy};
use crate::store::{NewEvent, Store};

/// The years a cycle may be for.
const YEARS: std::ops::RangeInclusive<i32> = 2000..=2100;

/// A facilitator opens the network's cycle for a year; one per year.
pub async fn create_cycle(
    store: &Store,
    network_id: Uuid,
    year: i32,
    title: Option<String>,
) -> AppResult<cycle::Model> {
    let network = store.network(network_id).await?;
    policy::require_facilitator(&store.actor(), network.id)?;
    if !YEARS.contains(&year) {
        return Err(AppError::bad_input("year", format!("year must be between {} and {}", YEARS.start(), YEARS.end())));
    }
    let title = match title.as_deref().map(str::trim) {
        None | Some("") => year.to_string(),
        Some(title) => Name::parse("title", title)?.into_inner(),
    };
    if store.cycle_of_year(network.id, year).await?.is_some() {
        return Err(AppError::conflict(format!("the network already has a cycle for {year}")));
    }
    let cycle = store.insert_cycle(network.id, year, title).await?;
    store
        .record_event(NewEvent::network(EventKind::CycleCreated, cycle.id, network.id, json!({ "year": year })))
        .await?;
    Ok(cycle)
}

/// Adds commitments of the network to an open cycle, or takes them out.
pub async fn change_commitments(
    store: &Store,
    cycle_id: Uuid,
    expected_version: i32,
    mut add: Vec<Uuid>,
    mut remove: Vec<Uuid>,
) -> AppResult<cycle::Model> {
    let cycle = store.cycle(cycle_id).await?;
    policy::require_facilitator(&store.actor(), cycle.network_id)?;
    if cycle.status == CycleStatus::Closed {
        return Err(AppError::conflict("the cycle is closed; its report is frozen"));
    }
    for list in [&mut add, &mut remove] {
        list.sort_unstable();
        list.dedup();
    }
    if add.is_empty() && remove.is_empty() {
        return Err(AppError::bad_input("add", "give commitments to add or to remove"));
    }
    if let Some(both) = add.iter().find(|id| remove.contains(id)) {
        return Err(AppError::bad_input("remove", format!("commitment {both} is both added and removed")));
    }
    let found = store.commitments_by_ids(&add).await?;
    if let Some(missing) = add.iter().find(|id| !found.iter().any(|c| c.id == **id && c.network_id == cycle.network_id))
    {
        return Err(AppError::bad_input(
            "add",
            format!("commitment {missing} is not one of this network's commitments"),
        ));
    }
    let cycle = store.change_cycle_commitments(&cycle, expected_version, &add, &remove).await?;
    store
        .record_event(NewEvent::network(
            EventKind::CycleCommitmentsChanged,
            cycle.id,
            cycle.network_id,
            json!({ "added": add, "removed": remove, "version": cycle.version }),
        ))
        .await?;
    Ok(cycle)
}

/// Closes a cycle once its year has begun, freezing its report as it
/// stands: what the council reads stays what it read.
pub async fn close_cycle(
    store: &Store,
    cycle_id: Uuid,
    expected_version: i32,
    note: Option<String>,
) -> AppResult<cycle::Model> {
    let cycle = store.cycle(cycle_id).await?;
    policy::require_facilitator(&store.actor(), cycle.network_id)?;
    if cycle.status == CycleStatus::Closed {
        return Err(AppError::conflict("the cycle is closed already"));
    }
    let today = crate::i18n::local_day(store.now());
    if today.year() < cycle.year {
        return Err(AppError::conflict(format!("a cycle closes once its year has begun; {} has not", cycle.year)));
    }
    let note = Text::parse_optional("note", note.as_deref())?.map(Text::into_inner);
    let network = store.network(cycle.network_id).await?;
    let closing = cycle::Model { status: CycleStatus::Closed, closing_note: note.clone(), ..cycle.clone() };
    let report = build(store, &network, &closing, store.now()).await?;
    let frozen = serde_json::to_value(&report).map_err(|e| AppError::Internal(e.into()))?;
    let cycle = store.close_cycle(cycle.id, expected_version, frozen, note).await?;
    store
        .record_event(NewEvent::network(
            EventKind::CycleClosed,
            cycle.id,
            cycle.network_id,
            json!({ "year": cycle.year, "commitments": report.summary.commitments }),
        ))
        .await?;
    Ok(cycle)
}

/// A cycle's report: frozen for a closed cycle, a draft as of now for an
/// open one. Whoever sees the network sees its cycles' reports: the report
/// names organisations and bodies, no person, and partners' own figures only
/// when the network shares them.
pub async fn report(store: &Store, network: &network::Model, cycle: &cycle::Model) -> AppResult<CycleReport> {
    if let (CycleStatus::Closed, Some(frozen)) = (cycle.status, &cycle.report) {
        return serde_json::from_value(frozen.clone()).map_err(|e| AppError::Internal(e.into()));
    }
    build(store, network, cycle, store.now()).await
}

/// Reads what the report is made of, in a fixed number of statements.
async fn build(
    store: &Store,
    network: &network::Model,
    cycle: &cycle::Model,
    as_of: DateTime<Utc>,
) -> AppResult<CycleReport> {
    let settings = NetworkSettings::from_json(&network.settings);
    let commitments: Vec<entity::commitment::Model> =
        store.commitments_of_cycles(&[cycle.id]).await?.into_iter().map(|(_, c)| c).collect();
    let commitment_ids: Vec<Uuid> = commitments.iter().map(|c| c.id).collect();
    let parties = store.parties_of(&commitment_ids).await?;
    let ratifications = store.ratifications_of(&commitment_ids).await?;
    let ratification_ids: Vec<Uuid> = ratifications.iter().map(|r| r.id).collect();
    let conditions = store.conditions_of(&ratification_ids).await?;
    let contributions: Vec<(Uuid, Uuid)> = store
        .contributions_of_network(network.id)
        .await?
        .into_iter()
        .filter(|(c, _)| commitment_ids.contains(c))
        .collect();
    let all_indicators = store.indicators_of_network(network.id).await?;
    let all_ids: Vec<Uuid> = all_indicators.iter().map(|i| i.id).collect();
    let targets = store.targets_of(&all_ids).await?;
    // The year's indicators: those with a target in it, and those the
    // year's commitments contribute to.
    let indicators: Vec<entity::indicator::Model> = all_indicators
        .into_iter()
        .filter(|i| {
            targets
                .iter()
                .any(|t| t.indicator_id == i.id && crate::domain::indicators::stored(&t.period).year == cycle.year)
                || contributions.iter().any(|(_, ind)| *ind == i.id)
        })
        .collect();
    let reporters = store.reporters_of_network(network.id).await?;
    let measurements = store.measurements_of_network(network.id).await?;

    let mut organisation_ids: Vec<Uuid> = parties.iter().map(|p| p.organisation_id).collect();
    organisation_ids.extend(commitments.iter().map(|c| c.lead_organisation_id));
    organisation_ids.extend(ratifications.iter().map(|r| r.organisation_id));
    organisation_ids.extend(reporters.iter().map(|(_, org)| *org));
    organisation_ids.sort_unstable();
    organisation_ids.dedup();
    let mut names: HashMap<Uuid, String> =
        store.organisations_by_ids(&organisation_ids).await?.into_iter().map(|o| (o.id, o.name)).collect();
    let body_ids: Vec<Uuid> = ratifications.iter().map(|r| r.body_id).collect();
    names.extend(store.bodies_by_ids(&body_ids).await?.into_iter().map(|b| (b.id, b.name)));
    let mut goal_ids: Vec<Uuid> = commitments.iter().filter_map(|c| c.goal_id).collect();
    goal_ids.extend(indicators.iter().map(|i| i.goal_id));
    goal_ids.sort_unstable();
    goal_ids.dedup();
    names.extend(store.goals_by_ids(&goal_ids).await?.into_iter().map(|g| (g.id, g.title)));

    Ok(rules::build(&Rows {
        network: &network.name,
        year: cycle.year,
        title: &cycle.title,
        status: cycle.status,
        as_of,
        closing_note: cycle.closing_note.as_deref(),
        commitments: &commitments,
        parties: &parties,
        ratifications: &ratifications,
        conditions: &conditions,
        names: &names,
        indicators: &indicators,
        targets: &targets,
        reporters: &reporters,
        measurements: &measurements,
        contributions: &contributions,
        share_partner_figures: settings.share_partner_figures,
    }))
}
