//! Alignment rounds: the standard questions and how results are computed.
//!
//! The database aggregates answers per (question, partner): count, sum, sum of
//! squares, min, max. Everything else is derived here, identically for SQLite
//! and PostgreSQL, from those sums — exact for integer scores.

use std::collections::{BTreeMap, BTreeSet};

use uuid::Uuid;

use super::{AppError, AppResult};
use crate::i18n::{self, Locale};

/// The questions every round asks: stable keys clients can rely on, and the
/// catalogue's message with their wording (`locales/<language>/alignment.ftl`).
pub const STANDARD_QUESTIONS: [(&str, &str); 6] = [
    ("GOAL_CLARITY", "alignment-question-goal-clarity"),
    ("GOAL_SHARED", "alignment-question-goal-shared"),
    ("WAY_OF_WORKING", "alignment-question-way-of-working"),
    ("BACKING", "alignment-question-backing"),
    ("FOCUS", "alignment-question-focus"),
    ("RESULTS", "alignment-question-results"),
];

/// A standard question's wording in `locale`; `None` for a custom key, whose
/// text is the one its round was opened with.
pub fn standard_text(locale: Locale, key: &str) -> Option<String> {
    let (_, message) = STANDARD_QUESTIONS.iter().find(|(standard, _)| *standard == key)?;
    Some(i18n::text(locale, message, &[]))
}

pub const MIN_SCORE: i32 = 1;
pub const MAX_SCORE: i32 = 5;
/// Per-partner figures are shown (to everyone, facilitators and admins too)
/// only when every partner has at least this many respondents, and
/// network-wide figures only when the network has; below it an individual's
/// answers could be read off.
pub const MIN_RESPONDENTS: u64 = 3;

pub fn check_score(score: i32) -> AppResult<i32> {
    if (MIN_SCORE..=MAX_SCORE).contains(&score) {
        Ok(score)
    } else {
        Err(AppError::bad_input("answers.score", format!("a score is {MIN_SCORE} to {MAX_SCORE}, got {score}")))
    }
}

/// A custom question key: UPPER_SNAKE_CASE, 2 to 64 characters, not a standard key.
pub fn check_custom_key(key: &str) -> AppResult<String> {
    let valid = (2..=64).contains(&key.len())
        && key.chars().all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_')
        && key.starts_with(|c: char| c.is_ascii_uppercase());
    if !valid {
        return Err(AppError::bad_input(
            "customQuestions.key",
            "a question key is UPPER_SNAKE_CASE, 2 to 64 characters",
        ));
    }
    if STANDARD_QUESTIONS.iter().any(|(standard, _)| *standard == key) {
        return Err(AppError::bad_input("customQuestions.key", format!("{key} is a standard question")));
    }
    Ok(key.to_owned())
}

/// Sums of the scores one partner gave one question.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Sums {
    pub count: u64,
    pub sum: i64,
    pub sum_of_squares: i64,
    pub min: i32,
    pub max: i32,
}

#[derive(Debug, Clone, PartialEq)]
pub struct QuestionResult {
    pub key: String,
    pub mean: f64,
    /// Population standard deviation over all answers.
    pub standard_deviation: f64,
    pub min: i32,
    pub max: i32,
    pub answer_count: u64,
}

#[derive(Debug, Clone, PartialEq)]
pub struct PartnerResult {
    pub organisation_id: Uuid,
    /// Mean of all the partner's scores; `None` without respondents.
    pub mean: Option<f64>,
    /// The partner's mean per question key.
    pub question_means: Vec<(String, f64)>,
    pub respondents: u64,
    pub invited: u64,
}

impl PartnerResult {
    pub fn response_rate(&self) -> f64 {
        if self.invited == 0 { 0.0 } else { self.respondents as f64 / self.invited as f64 }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct RoundResults {
    pub questions: Vec<QuestionResult>,
    pub partners: Vec<PartnerResult>,
    pub alignment_index: Option<f64>,
    pub respondents: u64,
    pub invited: u64,
}

impl RoundResults {
    /// Whether every partner that was invited has enough respondents for its
    /// own figures to be shown without exposing anyone.
    pub fn partner_figures_are_anonymous(&self) -> bool {
        self.partners.iter().filter(|p| p.invited > 0).all(|p| p.respondents >= MIN_RESPONDENTS)
    }

    pub fn network_figures_are_anonymous(&self) -> bool {
        self.respondents >= MIN_RESPONDENTS
    }
}

/// Computes a round's results.
///
/// The alignment index is `1 − mean_q(σ_q) / 2`, where σ_q is the population
/// standard deviation of question q's scores with every partner weighing
/// equally: each answer counts `1 / n_p` of its partner's share, where `n_p` is
/// the number of that partner's answers to q, and each partner that answered q
/// has the same share. 2 is the largest possible deviation on a 1–5 scale, so
/// 1 means everyone gave the same score and 0 means views are split to the
/// extremes. Partners without answers to a question do not count for it.
pub fn compute(
    question_keys: &[String],
    sums: &BTreeMap<(String, Uuid), Sums>,
    invited: &BTreeMap<Uuid, u64>,
    respondents: &BTreeMap<Uuid, u64>,
) -> RoundResults {
    let mut questions = Vec::new();
    let mut deviations = Vec::new();
    for key in question_keys {
        let groups: Vec<&Sums> = sums.iter().filter(|((k, _), _)| k == key).map(|(_, s)| s).collect();
        let count: u64 = groups.iter().map(|s| s.count).sum();
        if count == 0 {
            continue;
        }
        let sum: i64 = groups.iter().map(|s| s.sum).sum();
        let squares: i64 = groups.iter().map(|s| s.sum_of_squares).sum();
        let mean = sum as f64 / count as f64;
        let variance = (squares as f64 / count as f64 - mean * mean).max(0.0);
        questions.push(QuestionResult {
            key: key.clone(),
            mean,
            standard_deviation: variance.sqrt(),
            min: groups.iter().map(|s| s.min).min().unwrap_or(MIN_SCORE),
            max: groups.iter().map(|s| s.max).max().unwrap_or(MAX_SCORE),
            answer_count: count,
        });

        // Partner-weighted: every partner's mean counts once; each answer's
        // squared distance counts 1/n_p within its partner.
        let partners = groups.len() as f64;
        let weighted_mean = groups.iter().map(|s| s.sum as f64 / s.count as f64).sum::<f64>() / partners;
        let weighted_variance = groups
            .iter()
            .map(|s| {
                let n = s.count as f64;
                (s.sum_of_squares as f64 - 2.0 * weighted_mean * s.sum as f64 + n * weighted_mean * weighted_mean) / n
            })
            .sum::<f64>()
            / partners;
        deviations.push(weighted_variance.max(0.0).sqrt());
    }
    let alignment_index = if deviations.is_empty() {
        None
    } else {
        let mean_deviation = deviations.iter().sum::<f64>() / deviations.len() as f64;
        Some((1.0 - mean_deviation / 2.0).clamp(0.0, 1.0))
    };

    let organisations: BTreeSet<Uuid> = invited.keys().chain(respondents.keys()).copied().collect();
    let partners = organisations
        .into_iter()
        .map(|organisation_id| {
            let own: Vec<(&String, &Sums)> =
                sums.iter().filter(|((_, org), _)| *org == organisation_id).map(|((k, _), s)| (k, s)).collect();
            let count: u64 = own.iter().map(|(_, s)| s.count).sum();
            let sum: i64 = own.iter().map(|(_, s)| s.sum).sum();
            PartnerResult {
                organisation_id,
                mean: (count > 0).then(|| sum as f64 / count as f64),
                question_means: own.iter().map(|(k, s)| ((*k).clone(), s.sum as f64 / s.count as f64)).collect(),
                respondents: respondents.get(&organisation_id).copied().unwrap_or(0),
                invited: invited.get(&organisation_id).copied().unwrap_or(0),
            }
        })
        .collect();

    RoundResults {
        questions,
        partners,
        alignment_index,
        respondents: respondents.values().sum(),
        invited: invited.values().sum(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sums(scores: &[i32]) -> Sums {
        Sums {
            count: scores.len() as u64,
            sum: scores.iter().map(|s| i64::from(*s)).sum(),
            sum_of_squares: scores.iter().map(|s| i64::from(*s) * i64::from(*s)).sum(),
            min: *scores.iter().min().expect("scores"),
            max: *scores.iter().max().expect("scores"),
        }
    }

    #[test]
    fn a_hand_checked_round() {
        // Partner A: two respondents scoring 4 and 4; partner B: one scoring 2.
        let a = Uuid::from_u128(1);
        let b = Uuid::from_u128(2);
        let keys = vec!["GOAL_SHARED".to_owned()];
        let mut by_group = BTreeMap::new();
        by_group.insert(("GOAL_SHARED".to_owned(), a), sums(&[4, 4]));
        by_group.insert(("GOAL_SHARED".to_owned(), b), sums(&[2]));
        let invited = BTreeMap::from([(a, 4), (b, 1)]);
        let respondents = BTreeMap::from([(a, 2), (b, 1)]);
        let results = compute(&keys, &by_group, &invited, &respondents);

        let q = &results.questions[0];
        // Unweighted: mean 10/3, population SD sqrt(8/9).
        assert!((q.mean - 10.0 / 3.0).abs() < 1e-12);
        assert!((q.standard_deviation - (8.0f64 / 9.0).sqrt()).abs() < 1e-12);
        assert_eq!((q.min, q.max, q.answer_count), (2, 4, 3));
        // Partner-weighted: partners' means 4 and 2 weigh equally, mean 3, and
        // every answer is 1 away from it: σ = 1, index = 1 − 1/2.
        assert!((results.alignment_index.expect("an index") - 0.5).abs() < 1e-12);
        assert_eq!(results.partners[0].mean, Some(4.0));
        assert!((results.partners[0].response_rate() - 0.5).abs() < 1e-12);
        assert_eq!(results.respondents, 3);
        assert_eq!(results.invited, 5);
        assert!(!results.partner_figures_are_anonymous());
        assert!(results.network_figures_are_anonymous());
    }

    #[test]
    fn forty_staff_of_one_partner_do_not_outweigh_one_representative_of_another() {
        let big = Uuid::from_u128(1);
        let small = Uuid::from_u128(2);
        let keys = vec!["FOCUS".to_owned()];
        let mut by_group = BTreeMap::new();
        by_group.insert(("FOCUS".to_owned(), big), sums(&[5; 40]));
        by_group.insert(("FOCUS".to_owned(), small), sums(&[1]));
        let results = compute(&keys, &by_group, &BTreeMap::new(), &BTreeMap::new());
        // Equal weight: means 5 and 1, every answer 2 away from 3: σ = 2, index 0.
        assert!(results.alignment_index.expect("an index").abs() < 1e-12);
    }

    #[test]
    fn unanimous_answers_are_perfectly_aligned() {
        let keys = vec!["RESULTS".to_owned()];
        let mut by_group = BTreeMap::new();
        by_group.insert(("RESULTS".to_owned(), Uuid::from_u128(1)), sums(&[3, 3]));
        by_group.insert(("RESULTS".to_owned(), Uuid::from_u128(2)), sums(&[3]));
        let results = compute(&keys, &by_group, &BTreeMap::new(), &BTreeMap::new());
        assert_eq!(results.alignment_index, Some(1.0));
    }

    #[test]
    fn scores_and_keys_are_checked() {
        assert!(check_score(0).is_err() && check_score(6).is_err() && check_score(3).is_ok());
        assert!(check_custom_key("HOUSING_TARGETS").is_ok());
        assert!(check_custom_key("FOCUS").is_err());
        assert!(check_custom_key("lower").is_err());
    }
}
