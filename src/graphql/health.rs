//! `Network.health`: the diagnosis of the three failure modes, as wire types.
//! The facts come from `service::health`; objects named in them load through
//! the DataLoaders, so what the viewer may not see is simply left out.

use std::hash::Hash;

use async_graphql::dataloader::Loader;
use async_graphql::{Context, Enum, ID, Object, Result, SimpleObject};
use chrono::Utc;
use uuid::Uuid;

use super::alignment::AlignmentRound;
use super::enums::CommitmentScope;
use super::ids::{self, NodeType};
use super::loaders::{
    self, CommitmentId, GoalId, OrganisationId, PartnershipId, RatificationId, RepresentationId, RoundId, StoreLoader,
};
use super::networks::{Partnership, Representation};
use super::organisations::Organisation;
use super::ratification::Ratification;
use super::scalars::DateTime;
use super::work::{Commitment, Goal};
use crate::domain::health::{self as rules, Concerned, HealthFacts, HealthScope, PartnerBacking, Sample};
use crate::service::health::Health;

/// A language Eendracht writes in: health messages, and what is generated
/// for a person (docs/i18n.md).
#[derive(Enum, Clone, Copy, PartialEq, Eq)]
#[graphql(remote = "rules::Locale")]
pub enum Locale {
    /// English.
    En,
    /// Dutch (Nederlands).
    Nl,
}

/// What a signal is about; the stable key a front-end can switch on.
#[derive(Enum, Clone, Copy, PartialEq, Eq)]
#[graphql(remote = "rules::SignalKind")]
pub enum HealthSignalKind {
    /// The alignment index fell by more than `alignmentDropThreshold` since the previous round.
    AlignmentDropping,
    /// ACTIVE partners or current representatives have not acknowledged the current charter.
    CharterNotAcknowledged,
    /// No round closed within `alignmentRoundMaxAgeDays`, or none ever.
    NoRecentAlignmentRound,
    /// Ratifications waiting past their due date.
    RatificationOverdue,
    /// Commitments agreed while a party never consulted its constituency.
    AgreedWithoutConsultation,
    /// Negative advice on commitments the deciding body approved anyway.
    AdviceOverridden,
    /// Partners whose bodies rejected (last 180 days) or left ratifications overdue.
    PartnerNotFollowing,
    /// Conditions attached to approvals that are not yet met.
    ConditionsOpen,
    /// More than `tooMuchTogetherShare` of the open commitments are NETWORK-wide.
    TooMuchTogether,
    /// No quick win delivered within `noRecentQuickWinDays`, or none ever.
    NoRecentQuickWin,
    /// Open commitments linked to no goal.
    CommitmentWithoutGoal,
    /// Open commitments flagged for re-planning (for example after a partner left).
    NeedsReplanning,
    /// Outcomes a body recorded on a decision dossier (`dossierHash`) whose
    /// terms the commitment, or its network's charter, has since left behind.
    DecidedOnStaleDossier,
    /// Shared indicators whose network total stalled (moved less than
    /// `indicatorStallShare`) or moved the wrong way for two periods running.
    IndicatorNotMoving,
}

/// How urgent a signal is.
#[derive(Enum, Clone, Copy, PartialEq, Eq)]
#[graphql(remote = "rules::Severity")]
pub enum Severity {
    /// Worth knowing.
    Info,
    /// Needs attention at the next meeting.
    Warning,
    /// Needs action now.
    Critical,
}

/// How much of the network's health the viewer sees.
#[derive(Enum, Clone, Copy, PartialEq, Eq)]
pub enum HealthView {
    /// The whole network: its facilitators and the tenant's admins.
    Network,
    /// Only what concerns the viewer's own organisation(s): a partner's DIRECTORs.
    /// Ratification, charter and follow-through figures are limited to them;
    /// alignment figures follow the round's anonymity rules.
    OwnOrganisations,
}

/// The diagnosis of a network's health at a moment: expectations, backing and
/// focus, and the signals that say what to do.
pub struct NetworkHealth {
    health: Health,
    locale: rules::Locale,
}

impl NetworkHealth {
    pub fn new(health: Health, locale: rules::Locale) -> Self {
        Self { health, locale }
    }

    fn facts(&self) -> &HealthFacts {
        &self.health.facts
    }
}

/// The diagnosis of a network's health at a moment: expectations, backing and
/// focus, and the signals that say what to do.
#[Object]
impl NetworkHealth {
    /// The moment the diagnosis is for.
    async fn as_of(&self) -> DateTime {
        DateTime(self.facts().as_of)
    }

    /// Whether this is the whole network or the viewer's own organisations.
    async fn view(&self) -> HealthView {
        match self.health.scope {
            HealthScope::Network => HealthView::Network,
            HealthScope::Organisations(_) => HealthView::OwnOrganisations,
        }
    }

    /// Do the partners still want the same?
    async fn expectations(&self) -> ExpectationsHealth<'_> {
        ExpectationsHealth(self.facts())
    }

    /// Do the boards follow what was agreed at the table?
    async fn backing(&self) -> BackingHealth<'_> {
        BackingHealth(self.facts())
    }

    /// Does the network do the right amount together?
    async fn focus(&self) -> FocusHealth<'_> {
        FocusHealth(self.facts())
    }

    /// What is wrong and what to do, most severe first.
    async fn signals(&self) -> Vec<HealthSignal> {
        self.health.signals.iter().map(|signal| HealthSignal { signal: signal.clone(), locale: self.locale }).collect()
    }
}

/// Loads sampled ids through a DataLoader, keeping their order and leaving
/// out what the viewer may not see.
async fn load<K, M, T>(ctx: &Context<'_>, sample: &Sample, key: fn(Uuid) -> K, wrap: fn(M) -> T) -> Result<Vec<T>>
where
    K: Send + Sync + Hash + Eq + Clone + Copy + 'static,
    M: Send + Sync + Clone + 'static,
    StoreLoader: Loader<K, Value = M, Error = loaders::LoadError>,
{
    let keys: Vec<K> = sample.ids.iter().map(|id| key(*id)).collect();
    let mut found = loaders::from_context(ctx).load_many(keys.iter().copied()).await?;
    Ok(keys.iter().filter_map(|k| found.remove(k)).map(wrap).collect())
}

fn count(sample: &Sample) -> u64 {
    sample.count
}

fn days_since(facts: &HealthFacts, at: chrono::DateTime<Utc>) -> i64 {
    rules::days_between(at, facts.as_of)
}

/// Expectations: alignment, the charter, newcomers, rhythm.
pub struct ExpectationsHealth<'a>(&'a HealthFacts);

/// Expectations: do the partners still want the same? Alignment, the charter,
/// newcomers, rhythm.
#[Object]
impl ExpectationsHealth<'_> {
    /// The alignment index (0–1, two decimals) of the latest closed round;
    /// null without one, or when its figures may not be shown to you.
    async fn alignment_index(&self) -> Option<f64> {
        self.0.latest_round.as_ref().and_then(|r| r.index).map(|index| super::rounded(index, 2))
    }

    /// The alignment index of the round before it (0–1, two decimals).
    async fn previous_alignment_index(&self) -> Option<f64> {
        self.0.previous_round.as_ref().and_then(|r| r.index).map(|index| super::rounded(index, 2))
    }

    /// Latest minus previous index (−1 to 1, two decimals): negative when
    /// alignment fell.
    async fn alignment_trend(&self) -> Option<f64> {
        let latest = self.0.latest_round.as_ref()?.index?;
        let previous = self.0.previous_round.as_ref()?.index?;
        Some(super::rounded(latest - previous, 2))
    }

    /// The latest closed round.
    async fn latest_round(&self, ctx: &Context<'_>) -> Result<Option<AlignmentRound>> {
        let Some(round) = &self.0.latest_round else { return Ok(None) };
        Ok(loaders::from_context(ctx).load_one(RoundId(round.id)).await?.map(AlignmentRound))
    }

    /// The question of the latest round with the lowest mean score (on the
    /// 1–5 answer scale).
    async fn lowest_scoring_question(&self) -> Option<QuestionFigure> {
        let (key, value) = self.0.latest_round.as_ref()?.lowest_question.clone()?;
        Some(QuestionFigure { key, value: super::rounded(value, 2) })
    }

    /// The question of the latest round the answers diverge most on (its
    /// standard deviation, in points of the 1–5 answer scale).
    async fn most_divergent_question(&self) -> Option<QuestionFigure> {
        let (key, value) = self.0.latest_round.as_ref()?.most_divergent_question.clone()?;
        Some(QuestionFigure { key, value: super::rounded(value, 2) })
    }

    /// The charter version in force.
    async fn charter_version(&self) -> Option<i32> {
        self.0.charter_version
    }

    /// ACTIVE partners that have not acknowledged it (at most 50).
    async fn partners_not_acknowledged(&self, ctx: &Context<'_>) -> Result<Vec<Partnership>> {
        load(ctx, &self.0.partners_not_acknowledged, PartnershipId, Partnership).await
    }

    /// How many ACTIVE partners have not acknowledged it.
    async fn partners_not_acknowledged_count(&self) -> u64 {
        count(&self.0.partners_not_acknowledged)
    }

    /// Current representatives who have not acknowledged it personally (at most 50).
    async fn representatives_not_acknowledged(&self, ctx: &Context<'_>) -> Result<Vec<Representation>> {
        load(ctx, &self.0.representatives_not_acknowledged, RepresentationId, Representation).await
    }

    /// How many current representatives have not acknowledged it.
    async fn representatives_not_acknowledged_count(&self) -> u64 {
        count(&self.0.representatives_not_acknowledged)
    }

    /// Partners that joined since the latest round opened (at most 50).
    async fn new_partners_since_last_round(&self, ctx: &Context<'_>) -> Result<Vec<Partnership>> {
        load(ctx, &self.0.new_partners_since_round, PartnershipId, Partnership).await
    }

    /// Representatives who started since the latest round opened (at most 50).
    async fn new_representatives_since_last_round(&self, ctx: &Context<'_>) -> Result<Vec<Representation>> {
        load(ctx, &self.0.new_representatives_since_round, RepresentationId, Representation).await
    }

    /// Days since the latest round closed; null without one.
    async fn days_since_last_round(&self) -> Option<i64> {
        self.0.latest_round.as_ref().map(|r| days_since(self.0, r.closed_at))
    }

    /// Days since the last meeting; null without one.
    async fn days_since_last_meeting(&self) -> Option<i64> {
        self.0.last_meeting_on.map(|day| (self.0.as_of.date_naive() - day).num_days())
    }
}

/// A figure of one alignment question.
#[derive(SimpleObject)]
pub struct QuestionFigure {
    /// The question's stable key.
    pub key: String,
    /// The figure, two decimals: a mean score on the 1–5 answer scale, or a
    /// standard deviation in points of that scale (0 to 2).
    pub value: f64,
}

/// Backing: do the parties' bodies follow what was agreed?
pub struct BackingHealth<'a>(&'a HealthFacts);

/// Backing: do the parties' bodies follow what was agreed at the table?
#[Object]
impl BackingHealth<'_> {
    /// Ratifications of agreed commitments still waiting for their body's outcome.
    async fn open_ratifications(&self) -> u64 {
        self.0.open_ratifications
    }

    /// The median number of days they have waited since their commitment
    /// was agreed, one decimal.
    async fn median_days_waiting(&self) -> Option<f64> {
        self.0.median_days_waiting.map(|days| super::rounded(days, 1))
    }

    /// Days the longest-waiting one has waited.
    async fn oldest_days_waiting(&self) -> Option<i64> {
        self.0.oldest_open_ratification.map(|(_, since)| days_since(self.0, since))
    }

    /// The longest-waiting ratification.
    async fn oldest_waiting(&self, ctx: &Context<'_>) -> Result<Option<Ratification>> {
        let Some((id, _)) = self.0.oldest_open_ratification else { return Ok(None) };
        Ok(loaders::from_context(ctx).load_one(RatificationId(id)).await?.map(Ratification))
    }

    /// Ratifications past their due date (at most 50).
    async fn overdue(&self, ctx: &Context<'_>) -> Result<Vec<Ratification>> {
        load(ctx, &self.0.overdue_ratifications, RatificationId, Ratification).await
    }

    /// How many ratifications are past their due date.
    async fn overdue_count(&self) -> u64 {
        count(&self.0.overdue_ratifications)
    }

    /// Commitments agreed while at least one party never consulted (at most 50).
    async fn agreed_without_consultation(&self, ctx: &Context<'_>) -> Result<Vec<Commitment>> {
        load(ctx, &self.0.agreed_without_consultation, CommitmentId, Commitment).await
    }

    /// How many commitments were agreed without consultation.
    async fn agreed_without_consultation_count(&self) -> u64 {
        count(&self.0.agreed_without_consultation)
    }

    /// Negative advice the deciding body overrode (at most 50).
    async fn advice_overridden(&self, ctx: &Context<'_>) -> Result<Vec<Ratification>> {
        load(ctx, &self.0.advice_overridden, RatificationId, Ratification).await
    }

    /// How many times negative advice was overridden.
    async fn advice_overridden_count(&self) -> u64 {
        count(&self.0.advice_overridden)
    }

    /// Outcomes recorded on a decision dossier the open commitment has since
    /// left behind (`Ratification.dossierCurrent` false; at most 50).
    async fn decided_on_stale_dossier(&self, ctx: &Context<'_>) -> Result<Vec<Ratification>> {
        load(ctx, &self.0.decided_on_stale_dossier, RatificationId, Ratification).await
    }

    /// How many outcomes were recorded on a dossier the commitment has left behind.
    async fn decided_on_stale_dossier_count(&self) -> u64 {
        count(&self.0.decided_on_stale_dossier)
    }

    /// Rejections decided in the last 180 days (at most 50).
    async fn recent_rejections(&self, ctx: &Context<'_>) -> Result<Vec<Ratification>> {
        load(ctx, &self.0.rejections_recently, RatificationId, Ratification).await
    }

    /// How many rejections were decided in the last 180 days.
    async fn recent_rejections_count(&self) -> u64 {
        count(&self.0.rejections_recently)
    }

    /// Conditions attached to approvals and not yet met.
    async fn open_conditions_count(&self) -> u64 {
        count(&self.0.open_conditions)
    }

    /// Each partner's follow-through.
    async fn partners(&self) -> Vec<PartnerBackingHealth> {
        self.0.partners.iter().cloned().map(PartnerBackingHealth).collect()
    }
}

/// How one partner's bodies follow through.
pub struct PartnerBackingHealth(PartnerBacking);

/// How one partner's bodies follow through on ratification.
#[Object]
impl PartnerBackingHealth {
    /// The partner organisation.
    async fn organisation(&self, ctx: &Context<'_>) -> Result<Organisation> {
        let organisation = loaders::from_context(ctx).load_one(OrganisationId(self.0.organisation_id)).await?;
        loaders::present(organisation, "a partner's organisation").map(Organisation)
    }

    /// Ratifications its bodies are involved in.
    async fn involved(&self) -> u64 {
        self.0.involved
    }

    /// Of which answered.
    async fn answered(&self) -> u64 {
        self.0.answered
    }

    /// Approved (with or without conditions).
    async fn approved(&self) -> u64 {
        self.0.approved
    }

    /// Rejected.
    async fn rejected(&self) -> u64 {
        self.0.rejected
    }

    /// Rejected in the last 180 days.
    async fn rejected_last_180_days(&self) -> u64 {
        self.0.rejected_recently
    }

    /// Waiting past their due date.
    async fn overdue(&self) -> u64 {
        self.0.overdue
    }

    /// Conditions not yet met.
    async fn open_conditions(&self) -> u64 {
        self.0.open_conditions
    }

    /// False when the partner rejected recently or leaves ratifications overdue.
    async fn following_through(&self) -> bool {
        !self.0.not_following()
    }
}

/// Focus: the right amount together, quick wins, goals.
pub struct FocusHealth<'a>(&'a HealthFacts);

/// Focus: the right amount together, quick wins, work linked to goals.
#[Object]
impl FocusHealth<'_> {
    /// Open commitments (not delivered, not dropped).
    async fn open_commitments(&self) -> u64 {
        self.0.open_by_scope.total()
    }

    /// Open commitments per scope, with their share.
    async fn by_scope(&self) -> Vec<ScopeFigure> {
        let counts = self.0.open_by_scope;
        [
            (CommitmentScope::Organisation, counts.organisation),
            (CommitmentScope::Coalition, counts.coalition),
            (CommitmentScope::Network, counts.network),
        ]
        .into_iter()
        .map(|(scope, count)| ScopeFigure { scope, count, share: super::rounded(counts.share(count), 2) })
        .collect()
    }

    /// Quick wins delivered in the last 90 days.
    async fn quick_wins_delivered_last_90_days(&self) -> u64 {
        self.0.quick_wins_delivered_recently
    }

    /// Days since the last quick win was delivered; null before the first.
    async fn days_since_last_quick_win(&self) -> Option<i64> {
        self.0.last_quick_win_delivered_at.map(|at| days_since(self.0, at))
    }

    /// Open commitments linked to no goal (at most 50).
    async fn without_goal(&self, ctx: &Context<'_>) -> Result<Vec<Commitment>> {
        load(ctx, &self.0.without_goal, CommitmentId, Commitment).await
    }

    /// How many open commitments are linked to no goal.
    async fn without_goal_count(&self) -> u64 {
        count(&self.0.without_goal)
    }

    /// Goals (older than 180 days) with no result delivered in the last 180 days (at most 50).
    async fn goals_without_recent_result(&self, ctx: &Context<'_>) -> Result<Vec<Goal>> {
        load(ctx, &self.0.goals_without_recent_result, GoalId, Goal).await
    }

    /// How many goals have no recent result.
    async fn goals_without_recent_result_count(&self) -> u64 {
        count(&self.0.goals_without_recent_result)
    }

    /// Open commitments that need re-planning (at most 50).
    async fn needs_replanning(&self, ctx: &Context<'_>) -> Result<Vec<Commitment>> {
        load(ctx, &self.0.needs_replanning, CommitmentId, Commitment).await
    }

    /// How many open commitments need re-planning.
    async fn needs_replanning_count(&self) -> u64 {
        count(&self.0.needs_replanning)
    }
}

/// Open commitments of one scope.
#[derive(SimpleObject)]
pub struct ScopeFigure {
    /// The scope.
    pub scope: CommitmentScope,
    /// How many open commitments have it.
    pub count: u64,
    /// Their share of all open commitments (0–1, two decimals).
    pub share: f64,
}

/// One diagnosis: what is wrong, how urgent, what to do, and about what.
pub struct HealthSignal {
    signal: rules::Signal,
    locale: rules::Locale,
}

/// One diagnosis: what is wrong, how urgent, what to do, and about what.
#[Object]
impl HealthSignal {
    /// The stable key of the signal.
    async fn kind(&self) -> HealthSignalKind {
        self.signal.kind.into()
    }

    /// How urgent it is.
    async fn severity(&self) -> Severity {
        self.signal.severity.into()
    }

    /// What is wrong and what to do, in the requested language.
    async fn message(&self) -> String {
        self.signal.message(self.locale)
    }

    /// Global ids of what the signal is about (rounds, partnerships,
    /// representations, ratifications, conditions, commitments, organisations,
    /// goals or indicators; at most 50 of each kind).
    async fn subject_ids(&self) -> Vec<ID> {
        self.signal
            .concerned
            .iter()
            .map(|c| match *c {
                Concerned::AlignmentRound(id) => ids::global_id(NodeType::AlignmentRound, id),
                Concerned::Partnership(id) => ids::global_id(NodeType::Partnership, id),
                Concerned::Representation(id) => ids::global_id(NodeType::Representation, id),
                Concerned::Ratification(id) => ids::global_id(NodeType::Ratification, id),
                Concerned::Commitment(id) => ids::global_id(NodeType::Commitment, id),
                Concerned::RatificationCondition(id) => ids::global_id(NodeType::RatificationCondition, id),
                Concerned::Organisation(id) => ids::global_id(NodeType::Organisation, id),
                Concerned::Goal(id) => ids::global_id(NodeType::Goal, id),
                Concerned::Indicator(id) => ids::global_id(NodeType::Indicator, id),
            })
            .collect()
    }
}
