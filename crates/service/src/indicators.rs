//! Shared indicators (docs/indicators.md): defining them on a goal with a
//! baseline, targets and the organisations that report; recording figures
//! (one or a quarterly report's worth, all or nothing); saying which
//! commitments contribute; and reading the figures a viewer may see.

use chrono::{DateTime, Utc};
use entity::{
    IndicatorAggregation, IndicatorCadence, IndicatorDirection, PartnershipStatus, indicator, indicator_reporter,
    indicator_target, measurement,
};
use serde_json::json;
use uuid::Uuid;

use crate::domain::events::EventKind;
use crate::domain::health::{SAMPLE, Sample};
use crate::domain::indicators::{self as rules, Disclosure, Period, Total, Trend};
use crate::domain::settings::NetworkSettings;
use crate::domain::values::{Name, Text};
use crate::domain::{Actor, AppError, AppResult, policy, values};
use crate::store::indicators::{IndicatorChanges, NewIndicator, NewMeasurement};
use crate::store::{NewEvent, Store};

/// At most this many reporters and targets per indicator: a network, not a
/// registry.
const MAX_REPORTERS: usize = 100;
const MAX_TARGETS: usize = 200;

pub struct CreateIndicator {
    pub goal_id: Uuid,
    pub name: String,
    pub description: Option<String>,
    pub unit: String,
    pub direction: IndicatorDirection,
    pub aggregation: IndicatorAggregation,
    pub cadence: IndicatorCadence,
    pub baseline: f64,
    pub baseline_period: String,
    pub reporter_ids: Vec<Uuid>,
    pub targets: Vec<(String, f64)>,
}

/// A facilitator defines an indicator on one of the network's goals.
pub async fn create_indicator(store: &Store, input: CreateIndicator) -> AppResult<indicator::Model> {
    let goal = store.goal(input.goal_id).await?;
    policy::require_facilitator(&store.actor(), goal.network_id)?;
    let name = Name::parse("name", &input.name)?.into_inner();
    let description = Text::parse_optional("description", input.description.as_deref())?.map(Text::into_inner);
    let unit = check_unit(&input.unit)?;
    let baseline = rules::check_value("baseline", input.baseline)?;
    let baseline_period = Period::parse("baselinePeriod", &input.baseline_period, input.cadence)?.to_string();
    let reporters = check_reporters(store, goal.network_id, input.reporter_ids).await?;
    let targets = check_targets(input.cadence, input.targets)?;
    let indicator = store
        .insert_indicator(NewIndicator {
            network_id: goal.network_id,
            goal_id: goal.id,
            name,
            description,
            unit,
            direction: input.direction,
            aggregation: input.aggregation,
            cadence: input.cadence,
            baseline,
            baseline_period,
        })
        .await?;
    store.replace_reporters(indicator.id, &reporters).await?;
    store.replace_targets(indicator.id, &targets).await?;
    store
        .record_event(
            NewEvent::network(
                EventKind::IndicatorCreated,
                indicator.id,
                indicator.network_id,
                json!({
                    "goalId": goal.id,
                    "reporters": reporters,
                    "targetPeriods": targets.iter().map(|(p, _)| p).collect::<Vec<_>>(),
                }),
            )
            .concerning(reporters.iter().copied()),
        )
        .await?;
    Ok(indicator)
}

/// A unit is a short name: 1 to 40 characters.
fn check_unit(raw: &str) -> AppResult<String> {
    let unit = Name::parse("unit", raw)?.into_inner();
    if unit.chars().count() > 40 {
        return Err(AppError::bad_input("unit", "unit must be at most 40 characters"));
    }
    Ok(unit)
}

/// Reporters are ACTIVE partners of the network, each named once.
async fn check_reporters(store: &Store, network_id: Uuid, mut ids: Vec<Uuid>) -> AppResult<Vec<Uuid>> {
    ids.sort_unstable();
    ids.dedup();
    if ids.is_empty() {
        return Err(AppError::bad_input("reporterIds", "name at least one organisation that reports on it"));
    }
    if ids.len() > MAX_REPORTERS {
        return Err(AppError::bad_input("reporterIds", format!("at most {MAX_REPORTERS} reporters")));
    }
    let partners: Vec<Uuid> = store
        .partner_organisation_ids(network_id, &[PartnershipStatus::Active])
        .await?
        .into_iter()
        .map(|(_, organisation)| organisation)
        .collect();
    if let Some(outsider) = ids.iter().find(|id| !partners.contains(id)) {
        return Err(AppError::bad_input(
            "reporterIds",
            format!("organisation {outsider} is no ACTIVE partner of the network; only partners report"),
        ));
    }
    Ok(ids)
}

/// Targets are for periods in the indicator's cadence, each once.
fn check_targets(cadence: IndicatorCadence, targets: Vec<(String, f64)>) -> AppResult<Vec<(String, f64)>> {
    if targets.len() > MAX_TARGETS {
        return Err(AppError::bad_input("targets", format!("at most {MAX_TARGETS} targets")));
    }
    let mut checked: Vec<(Period, f64)> = Vec::with_capacity(targets.len());
    for (period, value) in targets {
        let period = Period::parse("targets.period", &period, cadence)?;
        let value = rules::check_value("targets.value", value)?;
        if checked.iter().any(|(p, _)| *p == period) {
            return Err(AppError::bad_input("targets", format!("{period} has two targets; give one")));
        }
        checked.push((period, value));
    }
    checked.sort_by_key(|(p, _)| *p);
    Ok(checked.into_iter().map(|(p, v)| (p.to_string(), v)).collect())
}

/// What `changeIndicator` changes; `None` leaves a part as it is.
pub struct ChangeIndicator {
    pub indicator_id: Uuid,
    pub expected_version: i32,
    pub name: Option<String>,
    /// `Some(None)` clears it.
    pub description: Option<Option<String>>,
    pub unit: Option<String>,
    pub reporter_ids: Option<Vec<Uuid>>,
    pub targets: Option<Vec<(String, f64)>>,
}

/// Renames an indicator, replaces its targets or its reporters. A
/// facilitator. Its direction, aggregation, cadence and baseline stay: the
/// figures on record were measured against them.
pub async fn change_indicator(store: &Store, input: ChangeIndicator) -> AppResult<indicator::Model> {
    let indicator = store.indicator(input.indicator_id).await?;
    policy::require_facilitator(&store.actor(), indicator.network_id)?;
    let name = input.name.map(|n| Name::parse("name", &n).map(Name::into_inner)).transpose()?;
    let description = input
        .description
        .map(|d| Text::parse_optional("description", d.as_deref()).map(|t| t.map(Text::into_inner)))
        .transpose()?;
    let unit = input.unit.map(|u| check_unit(&u)).transpose()?;
    let reporters = match input.reporter_ids {
        Some(ids) => Some(check_reporters(store, indicator.network_id, ids).await?),
        None => None,
    };
    let targets = input.targets.map(|t| check_targets(indicator.cadence, t)).transpose()?;
    let changed: Vec<&str> = [
        ("name", name.is_some()),
        ("description", description.is_some()),
        ("unit", unit.is_some()),
        ("reporters", reporters.is_some()),
        ("targets", targets.is_some()),
    ]
    .into_iter()
    .filter_map(|(field, given)| given.then_some(field))
    .collect();
    if changed.is_empty() {
        return Err(AppError::bad_input("indicatorId", "give something to change"));
    }
    let indicator = store
        .change_indicator(indicator.id, input.expected_version, IndicatorChanges { name, description, unit })
        .await?;
    if let Some(reporters) = &reporters {
        store.replace_reporters(indicator.id, reporters).await?;
    }
    if let Some(targets) = &targets {
        store.replace_targets(indicator.id, targets).await?;
    }
    store
        .record_event(NewEvent::network(
            EventKind::IndicatorChanged,
            indicator.id,
            indicator.network_id,
            json!({
                "version": indicator.version,
                "changed": changed,
                "reporters": reporters,
                "targetPeriods": targets.as_ref().map(|t| t.iter().map(|(p, _)| p.clone()).collect::<Vec<_>>()),
            }),
        ))
        .await?;
    Ok(indicator)
}

pub struct RecordMeasurement {
    pub indicator_id: Uuid,
    pub organisation_id: Uuid,
    pub period: String,
    pub value: f64,
    pub note: Option<String>,
}

/// People of a reporting organisation record its figure for a period that
/// has begun. A second figure for the same period corrects the first (which
/// stays, and counts for moments before): a correction says why.
pub async fn record_measurement(store: &Store, input: RecordMeasurement) -> AppResult<measurement::Model> {
    let indicator = store.indicator(input.indicator_id).await?;
    let actor = store.actor();
    if !actor.acts_within(input.organisation_id) {
        return Err(AppError::forbidden("only people of the reporting organisation record its figures"));
    }
    let reporters = store.reporters_of(&[indicator.id]).await?;
    if !reporters.iter().any(|r| r.organisation_id == input.organisation_id) {
        return Err(AppError::bad_input("organisationId", "this organisation does not report on the indicator"));
    }
    let period = Period::parse("period", &input.period, indicator.cadence)?;
    rules::check_period_begun("period", period, crate::i18n::local_day(store.now()))?;
    let value = rules::check_value("value", input.value)?;
    let note = Text::parse_optional("note", input.note.as_deref())?.map(Text::into_inner);
    let period = period.to_string();
    let corrected = store.latest_measurement(indicator.id, input.organisation_id, &period).await?;
    if corrected.is_some() && note.is_none() {
        return Err(AppError::bad_input(
            "note",
            format!("a figure for {period} is on record; a correction says why in its note"),
        ));
    }
    let measurement = store
        .insert_measurement(NewMeasurement {
            network_id: indicator.network_id,
            indicator_id: indicator.id,
            organisation_id: input.organisation_id,
            period: period.clone(),
            value,
            note,
            corrects_id: corrected.as_ref().map(|m| m.id),
        })
        .await?;
    // The figure itself stays out of the event: the timeline is the whole
    // network's, and partners' figures may be theirs alone.
    store
        .record_event(
            NewEvent::network(
                EventKind::IndicatorMeasured,
                indicator.id,
                indicator.network_id,
                json!({
                    "measurementId": measurement.id,
                    "organisationId": input.organisation_id,
                    "period": period,
                    "correctsId": measurement.corrects_id,
                }),
            )
            .concerning([input.organisation_id]),
        )
        .await?;
    Ok(measurement)
}

/// A partner's quarterly report: many figures at once, all or nothing.
pub async fn record_measurements(
    store: &Store,
    inputs: Vec<AppResult<RecordMeasurement>>,
) -> AppResult<Vec<measurement::Model>> {
    let mut batch = crate::Batch::new("measurements", &inputs)?;
    for (index, input) in inputs.into_iter().enumerate() {
        let result = match input {
            Ok(input) => record_measurement(store, input).await,
            Err(error) => Err(error),
        };
        batch.take(index, result)?;
    }
    batch.finish()
}

/// Which indicators a commitment contributes to; set by the facilitator or
/// people of one of its parties. Indicators of the commitment's network only.
pub async fn set_contributions(
    store: &Store,
    commitment_id: Uuid,
    mut indicator_ids: Vec<Uuid>,
) -> AppResult<entity::commitment::Model> {
    let commitment = store.commitment(commitment_id).await?;
    let parties: Vec<Uuid> = store.parties_of(&[commitment.id]).await?.iter().map(|p| p.organisation_id).collect();
    let actor = store.actor();
    if !actor.facilitates(commitment.network_id) && !parties.iter().any(|org| actor.acts_within(*org)) {
        return Err(AppError::forbidden("only people of a party, or a facilitator, link a commitment to indicators"));
    }
    indicator_ids.sort_unstable();
    indicator_ids.dedup();
    let found = store.indicators_by_ids(&indicator_ids).await?;
    if let Some(missing) =
        indicator_ids.iter().find(|id| !found.iter().any(|i| i.id == **id && i.network_id == commitment.network_id))
    {
        return Err(AppError::bad_input(
            "indicatorIds",
            format!("indicator {missing} is not one of this network's indicators"),
        ));
    }
    store.replace_contributions(commitment.id, &indicator_ids).await?;
    store
        .record_event(
            NewEvent::network(
                EventKind::CommitmentIndicatorsSet,
                commitment.id,
                commitment.network_id,
                json!({ "indicators": indicator_ids }),
            )
            .concerning(parties.iter().copied()),
        )
        .await?;
    Ok(commitment)
}

/// One period of an indicator as a viewer sees it.
#[derive(Debug, Clone)]
pub struct PeriodView {
    pub total: Total,
    /// The total is withheld from this viewer (`indicators::Disclosure`).
    pub withheld: bool,
    pub target: Option<f64>,
}

/// An indicator's figures as a viewer may see them, as of a moment.
#[derive(Debug, Clone)]
pub struct Figures {
    pub as_of: DateTime<Utc>,
    pub periods: Vec<PeriodView>,
    /// Over the complete totals; `Unknown` when a total is withheld.
    pub trend: Trend,
    /// The reporters' current figures the viewer may see.
    pub visible: Vec<measurement::Model>,
}

/// The moment to read figures at: now, or a past moment.
pub fn moment(store: &Store, as_of: Option<DateTime<Utc>>) -> AppResult<DateTime<Utc>> {
    let now = store.now();
    let at = values::moment("asOf", as_of.unwrap_or(now))?;
    if at > now {
        return Err(AppError::bad_input("asOf", "figures cannot be read for a moment in the future"));
    }
    Ok(at)
}

/// Puts an indicator's figures together for a viewer: the rows come from
/// the request's loaders (a page of indicators costs the same statements).
pub fn figures(
    actor: &Actor,
    settings: &NetworkSettings,
    indicator: &indicator::Model,
    reporters: &[indicator_reporter::Model],
    targets: &[indicator_target::Model],
    measurements: &[measurement::Model],
    as_of: DateTime<Utc>,
) -> Figures {
    let disclosure = Disclosure::of(actor, indicator.network_id, settings.share_partner_figures);
    let reporter_ids: Vec<Uuid> = reporters.iter().map(|r| r.organisation_id).collect();
    let current = rules::current(measurements, as_of);
    let totals = rules::totals(indicator.aggregation, &reporter_ids, &current);
    let withheld_any = totals.iter().any(|t| !disclosure.may_see_total(t));
    let trend = if withheld_any {
        Trend::Unknown
    } else {
        rules::trend(indicator.direction, &totals, settings.indicator_stall_share)
    };
    let mut periods: Vec<PeriodView> = totals
        .into_iter()
        .map(|total| PeriodView {
            withheld: !disclosure.may_see_total(&total),
            target: targets.iter().find(|t| t.period == total.period.to_string()).map(|t| t.value),
            total,
        })
        .collect();
    // Periods with a target and no figure yet, so a chart shows the road ahead.
    for target in targets {
        let period = rules::stored(&target.period);
        if !periods.iter().any(|p| p.total.period == period) {
            periods.push(PeriodView {
                total: Total {
                    period,
                    value: None,
                    reported: 0,
                    expected: u32::try_from(reporter_ids.len()).unwrap_or(u32::MAX),
                },
                withheld: false,
                target: Some(target.value),
            });
        }
    }
    periods.sort_by_key(|p| p.total.period);
    let visible =
        current.into_iter().filter(|m| disclosure.may_see_figure(actor, m.organisation_id)).cloned().collect();
    Figures { as_of, periods, trend, visible }
}

/// The indicators of a network that stalled or moved the wrong way for two
/// periods, as of a moment (health). Three statements, whatever the history:
/// a network's figures are a few per reporter and period. With `only`, the
/// indicators those organisations report on.
pub async fn not_moving(
    store: &Store,
    network_id: Uuid,
    as_of: DateTime<Utc>,
    settings: &NetworkSettings,
    only: Option<&[Uuid]>,
) -> AppResult<Sample> {
    let indicators = store.indicators_of_network(network_id).await?;
    if indicators.is_empty() {
        return Ok(Sample::default());
    }
    let reporters = store.reporters_of_network(network_id).await?;
    let measurements = store.measurements_of_network(network_id).await?;
    let current = rules::current(&measurements, as_of);
    let mut sample = Sample::default();
    for indicator in indicators.iter().filter(|i| i.created_at <= as_of) {
        let own: Vec<Uuid> = reporters.iter().filter(|(i, _)| *i == indicator.id).map(|(_, org)| *org).collect();
        if only.is_some_and(|orgs| !own.iter().any(|org| orgs.contains(org))) {
            continue;
        }
        let figures: Vec<&measurement::Model> =
            current.iter().copied().filter(|m| m.indicator_id == indicator.id).collect();
        let totals = rules::totals(indicator.aggregation, &own, &figures);
        if rules::not_moving(indicator.direction, &totals, settings.indicator_stall_share) {
            sample.count += 1;
            if sample.ids.len() < SAMPLE as usize {
                sample.ids.push(indicator.id);
            }
        }
    }
    Ok(sample)
}
