//! Alignment rounds: open, answer, close, and read results under the
//! anonymity rules.

use std::collections::{BTreeMap, HashMap, HashSet};

use chrono::{DateTime, Utc};
use entity::{RoundStatus, alignment_invitee, alignment_round};
use serde_json::json;
use uuid::Uuid;

use crate::domain::alignment::{self, RoundResults, STANDARD_QUESTIONS};
use crate::domain::events::EventKind;
use crate::domain::values::{self, Text};
use crate::domain::{AppError, AppResult, policy};
use crate::i18n::Locale;
use crate::store::alignment::NewAnswer;
use crate::store::{NewEvent, Page, PageRequest, Store};

const MAX_CUSTOM_QUESTIONS: usize = 20;
const MAX_COMMENT_CHARS: usize = 2_000;

/// Whether the viewer may read the round's invitees: its network's
/// facilitators and the admins (`policy::may_see_round_invitees`).
pub fn may_read_invitees(store: &Store, round: &alignment_round::Model) -> bool {
    policy::may_see_round_invitees(&store.actor(), round.network_id)
}

/// A page of the round's invitees, for those who may read them; `None` for
/// everyone else.
pub async fn invitees(
    store: &Store,
    round: &alignment_round::Model,
    page: PageRequest,
) -> AppResult<Option<Page<alignment_invitee::Model>>> {
    if !may_read_invitees(store, round) {
        return Ok(None);
    }
    store.invitees_page(round.id, page).await.map(Some)
}

/// Whether a round still takes answers at `now`.
pub fn is_open(round: &alignment_round::Model, now: DateTime<Utc>) -> bool {
    round.status == RoundStatus::Open && now < round.closes_at
}

pub struct CustomQuestion {
    pub key: String,
    pub text: String,
}

pub struct OpenRound {
    pub network_id: Uuid,
    pub closes_at: DateTime<Utc>,
    pub custom_questions: Vec<CustomQuestion>,
    /// Explicit invitees; `None` invites everyone with a current position in
    /// an ACTIVE partner.
    pub invitee_ids: Option<Vec<Uuid>>,
}

pub async fn open(store: &Store, input: OpenRound) -> AppResult<alignment_round::Model> {
    let network = store.network(input.network_id).await?;
    policy::require_facilitator(&store.actor(), network.id)?;
    let now = store.now();
    values::moment("closesAt", input.closes_at)?;
    if input.closes_at <= now {
        return Err(AppError::bad_input("closesAt", "a round must close in the future"));
    }
    if input.custom_questions.len() > MAX_CUSTOM_QUESTIONS {
        return Err(AppError::bad_input("customQuestions", format!("at most {MAX_CUSTOM_QUESTIONS} custom questions")));
    }
    // The round keeps its questions' English wording as asked; readers see a
    // standard question in their own language (`AlignmentRound.questions`).
    let mut questions: Vec<(String, String)> = STANDARD_QUESTIONS
        .iter()
        .map(|(key, _)| ((*key).to_owned(), alignment::standard_text(Locale::En, key).unwrap_or_default()))
        .collect();
    for custom in input.custom_questions {
        let key = alignment::check_custom_key(&custom.key)?;
        if questions.iter().any(|(existing, _)| *existing == key) {
            return Err(AppError::bad_input("customQuestions.key", format!("{key} is asked twice")));
        }
        questions.push((key, Text::parse("customQuestions.text", &custom.text)?.into_inner()));
    }
    if store.running_round(network.id, now).await?.is_some() {
        return Err(AppError::conflict("the network already has an open round; close it first"));
    }
    let eligible = store.default_invitees(network.id).await?;
    let invitees = match input.invitee_ids {
        None => eligible,
        Some(ids) => {
            let by_person: HashMap<Uuid, Uuid> = eligible.into_iter().collect();
            let mut chosen = Vec::with_capacity(ids.len());
            for id in ids.into_iter().collect::<HashSet<_>>() {
                let organisation = by_person.get(&id).ok_or_else(|| {
                    AppError::bad_input("inviteeIds", "an invitee needs a current position in an active partner")
                })?;
                chosen.push((id, *organisation));
            }
            chosen.sort_unstable();
            chosen
        }
    };
    if invitees.is_empty() {
        return Err(AppError::bad_input("inviteeIds", "a round needs at least one invitee"));
    }
    let round = store.insert_round(network.id, input.closes_at, &questions, &invitees).await?;
    let event = NewEvent::network(
        EventKind::AlignmentRoundOpened,
        round.id,
        network.id,
        json!({ "closesAt": round.closes_at, "questions": questions.iter().map(|(k, _)| k).collect::<Vec<_>>(), "invited": invitees.len() }),
    );
    store.record_event(event).await?;
    Ok(round)
}

pub struct Answer {
    pub question_key: String,
    pub score: i32,
    pub comment: Option<String>,
}

/// An invitee answers every question; a second submission replaces the first.
pub async fn submit(store: &Store, round_id: Uuid, answers: Vec<Answer>) -> AppResult<alignment_round::Model> {
    let round = store.round(round_id).await?;
    let organisation = store
        .invitation(round.id, store.actor().person()?)
        .await?
        .ok_or_else(|| AppError::forbidden("only people invited to this round may answer it"))?;
    if !is_open(&round, store.now()) {
        return Err(AppError::conflict("the round is closed"));
    }
    let keys: Vec<String> = store.questions_of(&[round.id]).await?.into_iter().map(|q| q.key).collect();
    let mut seen = HashSet::new();
    let mut checked = Vec::with_capacity(answers.len());
    for answer in answers {
        if !keys.contains(&answer.question_key) {
            return Err(AppError::bad_input(
                "answers.questionKey",
                format!("{} is not a question of this round", answer.question_key),
            ));
        }
        if !seen.insert(answer.question_key.clone()) {
            return Err(AppError::bad_input(
                "answers.questionKey",
                format!("{} is answered twice", answer.question_key),
            ));
        }
        let comment = match answer.comment.as_deref().map(str::trim) {
            None | Some("") => None,
            Some(text) if text.chars().count() > MAX_COMMENT_CHARS => {
                return Err(AppError::bad_input(
                    "answers.comment",
                    format!("a comment is at most {MAX_COMMENT_CHARS} characters"),
                ));
            }
            Some(text) => Some(text.to_owned()),
        };
        checked.push(NewAnswer {
            question_key: answer.question_key,
            score: alignment::check_score(answer.score)?,
            comment,
        });
    }
    if let Some(missing) = keys.iter().find(|k| !seen.contains(*k)) {
        return Err(AppError::bad_input("answers", format!("{missing} is not answered; every question needs a score")));
    }
    store.replace_response(round.id, organisation, checked).await?;
    // Who answered is not part of the trail: the event names the round only.
    let event = NewEvent {
        anonymous: true,
        ..NewEvent::network(EventKind::AlignmentResponseSubmitted, round.id, round.network_id, json!({}))
    };
    store.record_event(event).await?;
    Ok(round)
}

pub async fn close(store: &Store, round_id: Uuid) -> AppResult<alignment_round::Model> {
    let round = store.round(round_id).await?;
    policy::require_facilitator(&store.actor(), round.network_id)?;
    let round = store.close_round(round.id).await?;
    store
        .record_event(NewEvent::network(EventKind::AlignmentRoundClosed, round.id, round.network_id, json!({})))
        .await?;
    Ok(round)
}

/// Results as the viewer may see them.
#[derive(Debug, Clone)]
pub struct VisibleResults {
    pub results: RoundResults,
    /// Per-partner figures are included.
    pub per_partner: bool,
    /// The change of the alignment index against the previous round, as far as
    /// both are visible.
    pub index_change: Option<f64>,
}

pub(crate) async fn compute(store: &Store, round: &alignment_round::Model) -> AppResult<RoundResults> {
    let mut computed = compute_many(store, std::slice::from_ref(round)).await?;
    computed.remove(&round.id).ok_or_else(|| anyhow::anyhow!("a round's results were not computed").into())
}

/// The results of several rounds in four statements, whatever their number.
async fn compute_many(store: &Store, rounds: &[alignment_round::Model]) -> AppResult<HashMap<Uuid, RoundResults>> {
    let ids: Vec<Uuid> = rounds.iter().map(|round| round.id).collect();
    let questions = store.questions_of(&ids).await?;
    let sums = store.rounds_sums(&ids).await?;
    let invited = store.invited_counts(&ids).await?;
    let respondents = store.respondent_counts(&ids).await?;
    let (no_sums, no_counts) = (BTreeMap::new(), BTreeMap::new());
    Ok(rounds
        .iter()
        .map(|round| {
            let keys: Vec<String> =
                questions.iter().filter(|q| q.round_id == round.id).map(|q| q.key.clone()).collect();
            let results = alignment::compute(
                &keys,
                sums.get(&round.id).unwrap_or(&no_sums),
                invited.get(&round.id).unwrap_or(&no_counts),
                respondents.get(&round.id).unwrap_or(&no_counts),
            );
            (round.id, results)
        })
        .collect())
}

/// Scores are shown only once a round has closed, and to everyone under the
/// same anonymity rule: network-wide figures when the network had enough
/// respondents, per-partner figures only when every partner had. Below a
/// threshold nothing is shown that could be subtracted from a total.
///
/// Facilitators (and admins) may follow a running round, but only its
/// response counts per partner, to chase answers: live scores, or per-partner
/// scores of a partner with one respondent, would be that person's answers
/// (nobody sees another person's individual answers: ARCHITECTURE.md,
/// "Architecture invariants", and the README's "Privacy and access").
///
/// The results of every round of a page at once, in the same statements
/// whatever their number.
pub async fn results_of(
    store: &Store,
    rounds: &[alignment_round::Model],
) -> AppResult<HashMap<Uuid, Option<VisibleResults>>> {
    let actor = store.actor();
    let now = store.now();
    let shown: Vec<alignment_round::Model> = rounds
        .iter()
        .filter(|round| !is_open(round, now) || actor.facilitates(round.network_id) || actor.is_admin())
        .cloned()
        .collect();
    let previous = store.previous_rounds(&shown).await?;
    let mut computing = shown.clone();
    computing.extend(previous.values().cloned());
    computing.sort_by_key(|round| round.id);
    computing.dedup_by_key(|round| round.id);
    let computed = compute_many(store, &computing).await?;
    let mut out: HashMap<Uuid, Option<VisibleResults>> = rounds.iter().map(|round| (round.id, None)).collect();
    for round in &shown {
        let Some(results) = computed.get(&round.id).cloned() else { continue };
        let before = previous.get(&round.id).and_then(|previous| computed.get(&previous.id));
        out.insert(round.id, Some(visible(round, results, before, now)));
    }
    Ok(out)
}

/// What a viewer who may see `round`'s results at all sees of them.
fn visible(
    round: &alignment_round::Model,
    results: RoundResults,
    previous: Option<&RoundResults>,
    now: DateTime<Utc>,
) -> VisibleResults {
    if is_open(round, now) {
        let partners = results
            .partners
            .into_iter()
            .map(|p| alignment::PartnerResult { mean: None, question_means: vec![], ..p })
            .collect();
        return VisibleResults {
            results: RoundResults { questions: vec![], partners, alignment_index: None, ..results },
            per_partner: false,
            index_change: None,
        };
    }
    let (per_partner, network_wide) =
        (results.partner_figures_are_anonymous(), results.network_figures_are_anonymous());
    if !network_wide {
        return VisibleResults {
            results: RoundResults { questions: vec![], partners: vec![], alignment_index: None, ..results },
            per_partner: false,
            index_change: None,
        };
    }
    let index_change = match (results.alignment_index, previous) {
        (Some(index), Some(before)) => {
            before.alignment_index.filter(|_| before.network_figures_are_anonymous()).map(|b| index - b)
        }
        _ => None,
    };
    let results = if per_partner { results } else { RoundResults { partners: vec![], ..results } };
    VisibleResults { results, per_partner, index_change }
}
