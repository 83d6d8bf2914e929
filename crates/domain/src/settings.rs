//! Network settings: the ratification window and the health thresholds. Stored
//! as a JSON document; every field has a documented default, so a key that is
//! missing (an older network, a new threshold) means "the default".

use serde::{Deserialize, Serialize};

use super::{AppError, AppResult};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct NetworkSettings {
    /// Days a party's bodies have to ratify an agreed commitment (default 42,
    /// the six weeks a works council has to advise).
    pub ratification_window_days: i32,
    /// A QUICK_WIN must be due within this many days (default 90).
    pub quick_win_max_days: i32,
    /// NO_RECENT_ALIGNMENT_ROUND when the last closed round is older (default 180).
    pub alignment_round_max_age_days: i32,
    /// ALIGNMENT_DROPPING when the index fell by more than this (default 0.1).
    pub alignment_drop_threshold: f64,
    /// TOO_MUCH_TOGETHER when more than this share of open commitments is
    /// NETWORK-wide (default 0.5).
    pub too_much_together_share: f64,
    /// NO_RECENT_QUICK_WIN when no quick win was delivered for this long (default 90).
    pub no_recent_quick_win_days: i32,
    /// The collaboration graph flags a partner in more than this share of the
    /// open commitments as over-committed (default 0.5).
    pub over_committed_share: f64,
    /// Remind the members of a body this many days before its decision is
    /// due, when it has recorded no outcome (default 7; 0: never).
    pub reminder_ratification_days_before: i32,
    /// Remind invitees who have not answered this many days before a round
    /// closes (default 2; 0: never).
    pub reminder_round_days_before: i32,
    /// A condition is overdue this many days after the outcome that set it,
    /// or at the commitment's due date if that comes first; then its party's
    /// DIRECTORs are reminded (default 42; 0: never).
    pub reminder_condition_days: i32,
    /// Whether partners see each other's indicator figures; off by default:
    /// each partner sees its own figures and the network total.
    pub share_partner_figures: bool,
    /// An indicator's total that moves by less than this share of the period
    /// before has stalled (default 0.01: one per cent).
    pub indicator_stall_share: f64,
}

impl Default for NetworkSettings {
    fn default() -> Self {
        Self {
            ratification_window_days: 42,
            quick_win_max_days: 90,
            alignment_round_max_age_days: 180,
            alignment_drop_threshold: 0.1,
            too_much_together_share: 0.5,
            no_recent_quick_win_days: 90,
            over_committed_share: 0.5,
            reminder_ratification_days_before: 7,
            reminder_round_days_before: 2,
            reminder_condition_days: 42,
            share_partner_figures: false,
            indicator_stall_share: 0.01,
        }
    }
}

impl NetworkSettings {
    /// Reads stored settings, never failing a read: a missing field takes its
    /// default; content that does not parse falls back to the defaults as a whole.
    pub fn from_json(value: &serde_json::Value) -> Self {
        serde_json::from_value(value.clone()).unwrap_or_default()
    }

    pub fn to_json(&self) -> serde_json::Value {
        serde_json::to_value(self).unwrap_or_default()
    }

    /// Checks every field is within its sensible range.
    pub fn validate(&self) -> AppResult<()> {
        let days = |field: &str, value: i32, max: i32| {
            if (1..=max).contains(&value) {
                Ok(())
            } else {
                Err(AppError::bad_input(field, format!("{field} must be between 1 and {max}")))
            }
        };
        let share = |field: &str, value: f64| {
            if (0.0..=1.0).contains(&value) {
                Ok(())
            } else {
                Err(AppError::bad_input(field, format!("{field} must be between 0 and 1")))
            }
        };
        days("ratificationWindowDays", self.ratification_window_days, 365)?;
        days("quickWinMaxDays", self.quick_win_max_days, 365)?;
        days("alignmentRoundMaxAgeDays", self.alignment_round_max_age_days, 1000)?;
        days("noRecentQuickWinDays", self.no_recent_quick_win_days, 1000)?;
        let days_or_off = |field: &str, value: i32| {
            if (0..=365).contains(&value) {
                Ok(())
            } else {
                Err(AppError::bad_input(field, format!("{field} must be between 0 (never) and 365")))
            }
        };
        days_or_off("reminderRatificationDaysBefore", self.reminder_ratification_days_before)?;
        days_or_off("reminderRoundDaysBefore", self.reminder_round_days_before)?;
        days_or_off("reminderConditionDays", self.reminder_condition_days)?;
        share("alignmentDropThreshold", self.alignment_drop_threshold)?;
        share("tooMuchTogetherShare", self.too_much_together_share)?;
        share("overCommittedShare", self.over_committed_share)?;
        share("indicatorStallShare", self.indicator_stall_share)?;
        Ok(())
    }
}
