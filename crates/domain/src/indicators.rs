//! Shared indicators (docs/indicators.md): what a network measures to judge
//! progress on a goal, each partner's figures, the network's total and its
//! trend, and who may see which figure.
//!
//! Pure: the store hands over measurements, this module decides which figure
//! counts (the latest recorded by a moment; a correction never overwrites),
//! how reporters' figures make the network's, and whether it stalls.

use std::collections::BTreeMap;
use std::fmt;

use chrono::{DateTime, NaiveDate, Utc};
use entity::{IndicatorAggregation, IndicatorCadence, IndicatorDirection, measurement};
use uuid::Uuid;

use super::actor::Actor;
use super::{AppError, AppResult};

/// A network total is shown to a partner who may not see the others' figures
/// only when at least this many reporters make it up: with fewer, their own
/// figure and the total would give another partner's away. The same number
/// as an alignment round's anonymity threshold.
pub const MIN_REPORTERS: u32 = crate::alignment::MIN_RESPONDENTS as u32;

/// The largest figure accepted: beyond any real count, and exact in an f64.
const MAX_VALUE: f64 = 1e12;

/// A period of measurement: a year (`2026`) or a quarter (`2026-Q1`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Period {
    pub year: i32,
    /// 1 to 4; `None` for a year.
    pub quarter: Option<u8>,
}

impl Period {
    /// Reads a period in the indicator's cadence.
    pub fn parse(field: &str, text: &str, cadence: IndicatorCadence) -> AppResult<Period> {
        let wrong = || {
            AppError::bad_input(
                field,
                match cadence {
                    IndicatorCadence::Yearly => format!("{field} is a year, such as 2026"),
                    IndicatorCadence::Quarterly => format!("{field} is a quarter, such as 2026-Q1"),
                },
            )
        };
        let text = text.trim();
        let (year, quarter) = match (cadence, text.split_once("-Q")) {
            (IndicatorCadence::Yearly, None) => (text, None),
            (IndicatorCadence::Quarterly, Some((year, quarter))) => {
                let quarter: u8 = quarter.parse().map_err(|_| wrong())?;
                if !(1..=4).contains(&quarter) {
                    return Err(wrong());
                }
                (year, Some(quarter))
            }
            _ => return Err(wrong()),
        };
        if year.len() != 4 || !year.bytes().all(|b| b.is_ascii_digit()) {
            return Err(wrong());
        }
        let year: i32 = year.parse().map_err(|_| wrong())?;
        if !(1900..=2200).contains(&year) {
            return Err(wrong());
        }
        Ok(Period { year, quarter })
    }

    /// The first day of the period.
    pub fn starts_on(self) -> NaiveDate {
        let month = self.quarter.map_or(1, |q| u32::from(q - 1) * 3 + 1);
        NaiveDate::from_ymd_opt(self.year, month, 1).unwrap_or(NaiveDate::MIN)
    }

    /// The period just before, in the same cadence.
    pub fn previous(self) -> Period {
        match self.quarter {
            None => Period { year: self.year - 1, quarter: None },
            Some(1) => Period { year: self.year - 1, quarter: Some(4) },
            Some(q) => Period { year: self.year, quarter: Some(q - 1) },
        }
    }
}

impl fmt::Display for Period {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.quarter {
            None => write!(f, "{}", self.year),
            Some(q) => write!(f, "{}-Q{q}", self.year),
        }
    }
}

/// Periods as stored sort as they run; this reads one back (it was checked
/// when written).
pub fn stored(period: &str) -> Period {
    let cadence = if period.contains("-Q") { IndicatorCadence::Quarterly } else { IndicatorCadence::Yearly };
    Period::parse("period", period, cadence).unwrap_or(Period { year: 0, quarter: None })
}

/// A figure must be a finite number of sensible size.
pub fn check_value(field: &str, value: f64) -> AppResult<f64> {
    if value.is_finite() && value.abs() <= MAX_VALUE {
        Ok(value)
    } else {
        Err(AppError::bad_input(field, format!("{field} must be a number between -10^12 and 10^12")))
    }
}

/// A measurement may be recorded for a period that has begun (a partial
/// year's figure is allowed; a figure for the future is not).
pub fn check_period_begun(field: &str, period: Period, today: NaiveDate) -> AppResult<()> {
    if period.starts_on() > today {
        return Err(AppError::bad_input(field, format!("{period} has not begun; record a figure once it has")));
    }
    Ok(())
}

/// The figures that count as of a moment: per reporter and period, the
/// latest recorded by then. `measurements` may come in any order.
pub fn current(measurements: &[measurement::Model], as_of: DateTime<Utc>) -> Vec<&measurement::Model> {
    let mut latest: BTreeMap<(Uuid, Uuid, &str), &measurement::Model> = BTreeMap::new();
    for m in measurements.iter().filter(|m| m.recorded_at <= as_of) {
        let key = (m.indicator_id, m.organisation_id, m.period.as_str());
        match latest.get(&key) {
            Some(seen) if (seen.recorded_at, seen.id) >= (m.recorded_at, m.id) => {}
            _ => {
                latest.insert(key, m);
            }
        }
    }
    latest.into_values().collect()
}

/// The network's figure for one period.
#[derive(Debug, Clone, PartialEq)]
pub struct Total {
    pub period: Period,
    /// The reporters' figures summed or averaged; `None` when nobody reported.
    pub value: Option<f64>,
    /// How many reporters reported for the period, and how many report on
    /// the indicator.
    pub reported: u32,
    pub expected: u32,
}

impl Total {
    /// Every reporter has reported: the total can be compared with others.
    pub fn complete(&self) -> bool {
        self.expected > 0 && self.reported >= self.expected
    }
}

/// The network's total per period, oldest first, from the current figures of
/// one indicator. Only the indicator's reporters count (a reporter removed
/// later keeps its figures in history but not in the total).
pub fn totals(aggregation: IndicatorAggregation, reporters: &[Uuid], figures: &[&measurement::Model]) -> Vec<Total> {
    let mut by_period: BTreeMap<Period, Vec<f64>> = BTreeMap::new();
    for figure in figures.iter().filter(|f| reporters.contains(&f.organisation_id)) {
        by_period.entry(stored(&figure.period)).or_default().push(figure.value);
    }
    let expected = u32::try_from(reporters.len()).unwrap_or(u32::MAX);
    by_period
        .into_iter()
        .map(|(period, values)| {
            let sum: f64 = values.iter().sum();
            let reported = u32::try_from(values.len()).unwrap_or(u32::MAX);
            let value = match aggregation {
                IndicatorAggregation::Sum => sum,
                IndicatorAggregation::Mean => sum / f64::from(reported.max(1)),
            };
            Total { period, value: Some(value), reported, expected }
        })
        .collect()
}

/// Which way the figures went between the last two complete periods.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Trend {
    Improving,
    Stalled,
    Worsening,
    /// Fewer than two complete periods to compare.
    Unknown,
}

/// How one step between two totals reads, given the direction and the
/// network's stall threshold (a relative change smaller than it is no move).
fn step(direction: IndicatorDirection, from: f64, to: f64, stall_share: f64) -> Trend {
    let change = to - from;
    let scale = from.abs().max(f64::EPSILON);
    if change.abs() / scale < stall_share || change == 0.0 {
        return Trend::Stalled;
    }
    match (direction, change > 0.0) {
        (IndicatorDirection::Higher, true) | (IndicatorDirection::Lower, false) => Trend::Improving,
        _ => Trend::Worsening,
    }
}

/// The complete totals in order: an incomplete period would make a sum look
/// like a fall.
fn complete(totals: &[Total]) -> Vec<(Period, f64)> {
    totals.iter().filter(|t| t.complete()).filter_map(|t| t.value.map(|v| (t.period, v))).collect()
}

/// The trend between the last two complete periods.
pub fn trend(direction: IndicatorDirection, totals: &[Total], stall_share: f64) -> Trend {
    match complete(totals).as_slice() {
        [.., (_, from), (_, to)] => step(direction, *from, *to, stall_share),
        _ => Trend::Unknown,
    }
}

/// An indicator is not moving when, over its last three complete periods,
/// consecutive ones, neither step was an improvement: it stalled or went the
/// wrong way for two periods running.
pub fn not_moving(direction: IndicatorDirection, totals: &[Total], stall_share: f64) -> bool {
    match complete(totals).as_slice() {
        [.., (p0, v0), (p1, v1), (p2, v2)] => {
            p2.previous() == *p1
                && p1.previous() == *p0
                && step(direction, *v0, *v1, stall_share) != Trend::Improving
                && step(direction, *v1, *v2, stall_share) != Trend::Improving
        }
        _ => false,
    }
}

/// Whether a total meets its target, given the direction.
pub fn meets(direction: IndicatorDirection, value: f64, target: f64) -> bool {
    match direction {
        IndicatorDirection::Higher => value >= target,
        IndicatorDirection::Lower => value <= target,
    }
}

/// Who may see which figures of a network's indicators.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Disclosure {
    /// Every partner's figures (facilitators, admins; every partner when the
    /// network shares figures).
    pub all_figures: bool,
}

impl Disclosure {
    /// The facilitator and admins see every figure; others too when the
    /// network's setting shares partners' figures.
    pub fn of(actor: &Actor, network_id: Uuid, share_partner_figures: bool) -> Disclosure {
        Disclosure { all_figures: actor.is_admin() || actor.facilitates(network_id) || share_partner_figures }
    }

    /// A partner's own figures are always theirs to see (its API clients read them too).
    pub fn may_see_figure(self, actor: &Actor, organisation_id: Uuid) -> bool {
        self.all_figures || actor.works_for(organisation_id)
    }

    /// The network's total, unless it would give away a figure the viewer
    /// may not see.
    pub fn may_see_total(self, total: &Total) -> bool {
        self.all_figures || total.reported >= MIN_REPORTERS
    }
}

/// A period's label in a year, for a cycle: the periods of that year.
pub fn periods_in_year(cadence: IndicatorCadence, year: i32) -> Vec<Period> {
    match cadence {
        IndicatorCadence::Yearly => vec![Period { year, quarter: None }],
        IndicatorCadence::Quarterly => (1..=4).map(|q| Period { year, quarter: Some(q) }).collect(),
    }
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;

    use super::*;

    fn at(day: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 3, day, 9, 0, 0).single().expect("a valid time")
    }

    fn figure(org: u128, period: &str, value: f64, recorded: u32, id: u128) -> measurement::Model {
        measurement::Model {
            id: Uuid::from_u128(id),
            tenant_id: Uuid::nil(),
            network_id: Uuid::nil(),
            indicator_id: Uuid::from_u128(99),
            organisation_id: Uuid::from_u128(org),
            period: period.to_owned(),
            value,
            note: None,
            corrects_id: None,
            recorded_by: None,
            recorded_at: at(recorded),
        }
    }

    #[test]
    fn periods_read_in_their_cadence_and_sort_as_they_run() {
        let q = |t: &str| Period::parse("period", t, IndicatorCadence::Quarterly);
        let quarter = |t: &str| q(t).expect("a quarter");
        let y = |t: &str| Period::parse("period", t, IndicatorCadence::Yearly);
        let day = |m, d| NaiveDate::from_ymd_opt(2026, m, d).expect("a day");
        assert_eq!(quarter("2026-Q1").to_string(), "2026-Q1");
        assert_eq!(y(" 2026 ").expect("a year").to_string(), "2026");
        for bad in ["2026", "2026-Q5", "2026-Q0", "26-Q1", "2026-q1", "abcd-Q1"] {
            assert!(q(bad).is_err(), "{bad}");
        }
        for bad in ["2026-Q1", "20266", "", "-2026"] {
            assert!(y(bad).is_err(), "{bad}");
        }
        assert!(quarter("2025-Q4") < quarter("2026-Q1"));
        assert_eq!(quarter("2026-Q1").previous(), quarter("2025-Q4"));
        assert_eq!(quarter("2026-Q3").starts_on(), day(7, 1));
        let today = day(3, 9);
        assert!(check_period_begun("period", quarter("2026-Q1"), today).is_ok());
        assert!(check_period_begun("period", quarter("2026-Q2"), today).is_err());
    }

    #[test]
    fn a_correction_counts_from_when_it_was_recorded_and_the_original_stays() {
        let rows = vec![figure(1, "2025", 10.0, 1, 1), figure(1, "2025", 12.0, 5, 2), figure(2, "2025", 7.0, 2, 3)];
        let before: Vec<f64> = current(&rows, at(3)).iter().map(|m| m.value).collect();
        assert_eq!(before, vec![10.0, 7.0]);
        let after: Vec<f64> = current(&rows, at(6)).iter().map(|m| m.value).collect();
        assert_eq!(after, vec![12.0, 7.0]);
    }

    #[test]
    fn totals_sum_or_average_the_reporters_and_know_when_they_are_complete() {
        let rows = vec![figure(1, "2025", 10.0, 1, 1), figure(2, "2025", 20.0, 1, 2), figure(1, "2026", 4.0, 1, 3)];
        let figures = current(&rows, at(9));
        let reporters = [Uuid::from_u128(1), Uuid::from_u128(2)];
        let sum = totals(IndicatorAggregation::Sum, &reporters, &figures);
        assert_eq!(sum[0].value, Some(30.0));
        assert!(sum[0].complete());
        assert!(!sum[1].complete());
        let mean = totals(IndicatorAggregation::Mean, &reporters, &figures);
        assert_eq!(mean[0].value, Some(15.0));
        // A figure of an organisation that is no reporter does not count.
        let only_one = totals(IndicatorAggregation::Sum, &reporters[..1], &figures);
        assert_eq!(only_one[0].value, Some(10.0));
    }

    fn series(values: &[f64]) -> Vec<Total> {
        values
            .iter()
            .enumerate()
            .map(|(i, v)| Total {
                period: Period { year: 2020 + i as i32, quarter: None },
                value: Some(*v),
                reported: 3,
                expected: 3,
            })
            .collect()
    }

    #[test]
    fn an_indicator_is_not_moving_after_two_periods_without_improvement() {
        use IndicatorDirection::*;
        assert!(!not_moving(Higher, &series(&[10.0, 12.0, 14.0]), 0.01));
        assert!(not_moving(Higher, &series(&[10.0, 10.0, 10.05]), 0.01));
        assert!(not_moving(Higher, &series(&[14.0, 12.0, 10.0]), 0.01));
        assert!(!not_moving(Higher, &series(&[14.0, 12.0, 13.0]), 0.01));
        assert!(not_moving(Lower, &series(&[10.0, 12.0, 12.0]), 0.01));
        assert!(!not_moving(Lower, &series(&[14.0, 12.0, 10.0]), 0.01));
        // Two periods are not enough to say.
        assert!(!not_moving(Higher, &series(&[10.0, 9.0]), 0.01));
        assert_eq!(trend(Lower, &series(&[14.0, 12.0]), 0.01), Trend::Improving);
        assert_eq!(trend(Higher, &series(&[14.0]), 0.01), Trend::Unknown);
        // A gap between periods breaks the run.
        let mut gap = series(&[10.0, 9.0, 8.0]);
        gap[2].period = Period { year: 2025, quarter: None };
        assert!(!not_moving(Higher, &gap, 0.01));
        // An incomplete period does not count as a fall.
        let mut partial = series(&[10.0, 10.0, 5.0]);
        partial[2].reported = 2;
        assert!(!not_moving(Higher, &partial, 0.01));
    }

    #[test]
    fn a_total_is_withheld_when_it_would_give_a_partner_s_figure_away() {
        let closed = Disclosure { all_figures: false };
        let total =
            |reported| Total { period: Period { year: 2026, quarter: None }, value: Some(1.0), reported, expected: 3 };
        assert!(!closed.may_see_total(&total(2)));
        assert!(closed.may_see_total(&total(3)));
        assert!(Disclosure { all_figures: true }.may_see_total(&total(1)));
    }

    #[test]
    fn figures_are_finite_and_of_sensible_size() {
        assert!(check_value("value", 12.5).is_ok());
        assert!(check_value("value", f64::NAN).is_err());
        assert!(check_value("value", 1e13).is_err());
    }
}
