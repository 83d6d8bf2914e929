//! Alignment rounds: types, results under the anonymity rules, and mutations.

use async_graphql::{Context, ID, InputObject, Object, Result, SimpleObject};
use entity::{alignment_invitee, alignment_round};
use uuid::Uuid;

use super::connection::{self, connection};
use super::enums::RoundStatus;
use super::ids::{self, NodeType};
use super::loaders::{
    self, InvitationsOf, InviteesFirstPage, NetworkId, OrganisationId, OwnAnswersOf, QuestionsOf, RoundResultsOf,
};
use super::networks::Network;
use super::organisations::Organisation;
use super::people::Person;
use super::scalars::DateTime;
use super::store;
use crate::domain::alignment::{PartnerResult as PartnerFigures, QuestionResult as QuestionFigures};
use crate::service::alignment as service;

#[derive(Clone)]
pub struct AlignmentRound(pub alignment_round::Model);

impl AlignmentRound {
    pub fn uuid(&self) -> Uuid {
        self.0.id
    }
}

/// A periodic survey of how the people of the partners see the network. Answers
/// are anonymous: nobody sees another person's answers.
#[Object]
impl AlignmentRound {
    /// Opaque global id.
    pub async fn id(&self) -> ID {
        ids::global_id(NodeType::AlignmentRound, self.0.id)
    }

    /// The network surveyed.
    async fn network(&self, ctx: &Context<'_>) -> Result<Network> {
        let network = loaders::from_context(ctx).load_one(NetworkId(self.0.network_id)).await?;
        loaders::present(network, "a round's network").map(Network)
    }

    /// OPEN until a facilitator closes it or `closesAt` passes.
    async fn status(&self, ctx: &Context<'_>) -> RoundStatus {
        if service::is_open(&self.0, store(ctx).now()) { RoundStatus::Open } else { RoundStatus::Closed }
    }

    /// When the round opened.
    async fn opened_at(&self) -> DateTime {
        DateTime(self.0.opened_at)
    }

    /// When the round stops taking answers.
    async fn closes_at(&self) -> DateTime {
        DateTime(self.0.closes_at)
    }

    /// When a facilitator closed it early, if so.
    async fn closed_at(&self) -> Option<DateTime> {
        self.0.closed_at.map(DateTime)
    }

    /// The questions: the six standard ones (stable keys) and any custom ones.
    async fn questions(
        &self,
        ctx: &Context<'_>,
        #[graphql(
            desc = "The language of the standard questions; default from `Accept-Language`, else `viewer.language`."
        )]
        locale: Option<super::health::Locale>,
    ) -> Result<Vec<AlignmentQuestion>> {
        let rows = loaders::from_context(ctx).load_one(QuestionsOf(self.0.id)).await?.unwrap_or_default();
        let locale = super::language(ctx, locale).await?;
        Ok(rows
            .into_iter()
            .map(|q| {
                let text = crate::domain::alignment::standard_text(locale, &q.key).unwrap_or(q.text);
                AlignmentQuestion { key: q.key, text }
            })
            .collect())
    }

    /// Whether you are invited to answer.
    async fn invited(&self, ctx: &Context<'_>) -> Result<bool> {
        let invitations = loaders::from_context(ctx).load_one(InvitationsOf(self.0.id)).await?;
        Ok(invitations.is_some_and(|rows| !rows.is_empty()))
    }

    /// Who was invited to answer, each with the partner they answer for, by
    /// person: for the network's facilitators and admins, who run the round
    /// and remind people; null for everyone else. Whether, or how, someone
    /// answered is not shown here or anywhere else.
    async fn invitees(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Page size, 1 to 100 (default 20).")] first: Option<i32>,
        #[graphql(desc = "Continue after this cursor.")] after: Option<String>,
    ) -> Result<Option<AlignmentInviteeConnection>> {
        let page = connection::page_request(first, after.as_deref())?;
        let page = match page.after {
            // In a list of rounds, every round's first page is read at once.
            None if connection::in_list(ctx) => {
                if !service::may_read_invitees(store(ctx), &self.0) {
                    return Ok(None);
                }
                Some(loaders::first_page(ctx, InviteesFirstPage { round: self.0.id, first: page.first }).await?)
            }
            _ => service::invitees(store(ctx), &self.0, page).await?,
        };
        Ok(page.map(|page| AlignmentInviteeConnection::new(page.map(AlignmentInvitee))))
    }

    /// Your own answers, if you answered; nobody else can see them.
    async fn my_answers(&self, ctx: &Context<'_>) -> Result<Vec<MyAnswer>> {
        let answers = loaders::from_context(ctx).load_one(OwnAnswersOf(self.0.id)).await?.unwrap_or_default();
        Ok(answers
            .into_iter()
            .map(|(_, question_key, score, comment)| MyAnswer { question_key, score, comment })
            .collect())
    }

    /// The results as you may see them. Scores only after the round closed, for
    /// everyone alike: network-wide figures only with at least 3 respondents,
    /// per-partner figures only when every partner has at least 3. While it
    /// runs, facilitators see response counts per partner (no scores); others
    /// see null.
    async fn results(&self, ctx: &Context<'_>) -> Result<Option<AlignmentResults>> {
        Ok(loaders::from_context(ctx).load_one(RoundResultsOf(self.0.id)).await?.map(AlignmentResults))
    }
}

connection!(
    AlignmentRound,
    AlignmentRoundConnection,
    AlignmentRoundEdge,
    "A page of alignment rounds, newest first.",
    "An alignment round in a list, with its cursor."
);

#[derive(Clone)]
pub struct AlignmentInvitee(alignment_invitee::Model);

impl AlignmentInvitee {
    pub fn uuid(&self) -> Uuid {
        self.0.person_id
    }
}

/// A person invited to answer a round, for one partner.
#[Object]
impl AlignmentInvitee {
    /// The person invited.
    async fn person(&self, ctx: &Context<'_>) -> Result<Person> {
        loaders::present(loaders::person(ctx, Some(self.0.person_id)).await?, "an invitee")
    }

    /// The partner they answer for (a person in two partners answers for one).
    async fn organisation(&self, ctx: &Context<'_>) -> Result<Organisation> {
        loaders::present(loaders::organisation(ctx, self.0.organisation_id).await?, "an invitee's organisation")
    }
}

connection!(
    AlignmentInvitee,
    AlignmentInviteeConnection,
    AlignmentInviteeEdge,
    "A page of a round's invitees, by person.",
    "An invitee in a list, with its cursor."
);

/// One question of a round.
#[derive(SimpleObject)]
pub struct AlignmentQuestion {
    /// Stable key: GOAL_CLARITY, GOAL_SHARED, WAY_OF_WORKING, BACKING, FOCUS,
    /// RESULTS, or a custom key.
    pub key: String,
    /// The statement people score from 1 (disagree) to 5 (agree): a standard
    /// question in the language asked for, a custom one as its round was
    /// opened with it.
    pub text: String,
}

/// One of your own answers.
#[derive(SimpleObject)]
pub struct MyAnswer {
    /// The question's key.
    pub question_key: String,
    /// Your score, 1 to 5.
    pub score: i32,
    /// Your comment, if any.
    pub comment: Option<String>,
}

pub struct AlignmentResults(service::VisibleResults);

/// A round's results: figures per question, per partner, and the
/// partner-weighted alignment index.
#[Object]
impl AlignmentResults {
    /// People who answered.
    async fn respondent_count(&self) -> u64 {
        self.0.results.respondents
    }

    /// People invited.
    async fn invited_count(&self) -> u64 {
        self.0.results.invited
    }

    /// Respondents / invited, 0 to 1, two decimals.
    async fn response_rate(&self) -> f64 {
        let r = &self.0.results;
        super::rounded(if r.invited == 0 { 0.0 } else { r.respondents as f64 / r.invited as f64 }, 2)
    }

    /// How closely views agree, 0 to 1, with every partner weighing equally
    /// (forty staff of one partner don't outweigh one representative of
    /// another): `1 − mean over questions of σ_q / 2`, where σ_q is the
    /// population standard deviation of question q's scores in which each
    /// partner that answered q has the same total weight, shared equally by its
    /// answers. 2 is the largest possible deviation on the 1–5 scale, so 1 means
    /// everyone gave the same score and 0 that views are split to the extremes.
    /// Two decimals; null when there are no (visible) answers.
    async fn alignment_index(&self) -> Option<f64> {
        self.0.results.alignment_index.map(|index| super::rounded(index, 2))
    }

    /// This round's index minus the previous round's (−1 to 1, two
    /// decimals), when both are known.
    async fn alignment_index_change(&self) -> Option<f64> {
        self.0.index_change.map(|change| super::rounded(change, 2))
    }

    /// Figures per question over all answers.
    async fn questions(&self) -> Vec<QuestionResult> {
        self.0.results.questions.iter().cloned().map(QuestionResult).collect()
    }

    /// Whether per-partner figures are included (see `partners`).
    async fn per_partner_figures_shown(&self) -> bool {
        self.0.per_partner
    }

    /// Figures per partner. Empty unless every partner had at least 3
    /// respondents, so that no partner's figures can be derived by subtracting
    /// the others' from the totals; while a round runs, facilitators get the
    /// response counts per partner with no scores.
    async fn partners(&self) -> Vec<PartnerResult> {
        self.0.results.partners.iter().cloned().map(PartnerResult).collect()
    }
}

pub struct QuestionResult(QuestionFigures);

/// How one question was answered, over all answers.
#[Object]
impl QuestionResult {
    /// The question's key.
    async fn key(&self) -> &str {
        &self.0.key
    }

    /// The mean score on the 1–5 answer scale, two decimals.
    async fn mean(&self) -> f64 {
        super::rounded(self.0.mean, 2)
    }

    /// The population standard deviation of the scores, in points of the
    /// 1–5 answer scale (0 to 2), two decimals.
    async fn standard_deviation(&self) -> f64 {
        super::rounded(self.0.standard_deviation, 2)
    }

    /// The lowest score given.
    async fn min(&self) -> i32 {
        self.0.min
    }

    /// The highest score given.
    async fn max(&self) -> i32 {
        self.0.max
    }

    /// How many answered it.
    async fn answer_count(&self) -> u64 {
        self.0.answer_count
    }
}

pub struct PartnerResult(PartnerFigures);

/// How one partner's people answered, aggregated.
#[Object]
impl PartnerResult {
    /// The partner.
    async fn organisation(&self, ctx: &Context<'_>) -> Result<Organisation> {
        let organisation = loaders::from_context(ctx).load_one(OrganisationId(self.0.organisation_id)).await?;
        loaders::present(organisation, "a partner's organisation").map(Organisation)
    }

    /// The mean of all the partner's scores on the 1–5 answer scale, two
    /// decimals; null without respondents and while the round runs.
    async fn mean(&self) -> Option<f64> {
        self.0.mean.map(|mean| super::rounded(mean, 2))
    }

    /// The partner's mean per question.
    async fn question_means(&self) -> Vec<QuestionMean> {
        self.0
            .question_means
            .iter()
            .map(|(key, mean)| QuestionMean { key: key.clone(), mean: super::rounded(*mean, 2) })
            .collect()
    }

    /// The partner's people who answered.
    async fn respondent_count(&self) -> u64 {
        self.0.respondents
    }

    /// The partner's people invited.
    async fn invited_count(&self) -> u64 {
        self.0.invited
    }

    /// Respondents / invited for this partner, 0 to 1, two decimals.
    async fn response_rate(&self) -> f64 {
        super::rounded(self.0.response_rate(), 2)
    }
}

/// A partner's mean for one question.
#[derive(SimpleObject)]
pub struct QuestionMean {
    /// The question's key.
    pub key: String,
    /// The partner's mean score on the 1–5 answer scale, two decimals.
    pub mean: f64,
}

/// A custom question for a round.
#[derive(InputObject)]
pub struct CustomQuestionInput {
    /// UPPER_SNAKE_CASE key, 2 to 64 characters, not a standard key.
    pub key: String,
    /// The statement to score, 1 to 10,000 characters.
    pub text: String,
}

/// Opens an alignment round.
#[derive(InputObject)]
pub struct OpenAlignmentRoundInput {
    /// The network.
    pub network_id: ID,
    /// When the round stops taking answers; in the future.
    pub closes_at: DateTime,
    /// Questions beyond the six standard ones.
    #[graphql(default, validator(max_items = 20))]
    pub custom_questions: Vec<CustomQuestionInput>,
    /// Who is invited; by default everyone with a current position in an ACTIVE partner.
    #[graphql(validator(max_items = 100))]
    pub invitee_ids: Option<Vec<ID>>,
}

/// The result of `openAlignmentRound`.
#[derive(SimpleObject)]
pub struct OpenAlignmentRoundPayload {
    /// The new round.
    pub alignment_round: AlignmentRound,
}

/// One answer.
#[derive(InputObject)]
pub struct AlignmentAnswerInput {
    /// The question's key.
    pub question_key: String,
    /// 1 (disagree) to 5 (agree).
    pub score: i32,
    /// An optional comment, at most 2,000 characters.
    pub comment: Option<String>,
}

/// Answers every question of a round; a second submission replaces the first.
#[derive(InputObject)]
pub struct SubmitAlignmentResponseInput {
    /// The round.
    pub round_id: ID,
    /// One answer per question.
    #[graphql(validator(max_items = 100))]
    pub answers: Vec<AlignmentAnswerInput>,
}

/// The result of `submitAlignmentResponse`.
#[derive(SimpleObject)]
pub struct SubmitAlignmentResponsePayload {
    /// The round; `myAnswers` shows what you submitted.
    pub alignment_round: AlignmentRound,
}

/// Closes a round before `closesAt`.
#[derive(InputObject)]
pub struct CloseAlignmentRoundInput {
    /// The round.
    pub round_id: ID,
}

/// The result of `closeAlignmentRound`.
#[derive(SimpleObject)]
pub struct CloseAlignmentRoundPayload {
    /// The closed round.
    pub alignment_round: AlignmentRound,
}

#[derive(Default)]
pub struct AlignmentMutation;

#[Object]
impl AlignmentMutation {
    /// Opens a round. Facilitators of the network.
    async fn open_alignment_round(
        &self,
        ctx: &Context<'_>,
        input: OpenAlignmentRoundInput,
    ) -> Result<OpenAlignmentRoundPayload> {
        let invitee_ids =
            input.invitee_ids.map(|ids| ids::decode_ids("inviteeIds", &ids, NodeType::Person)).transpose()?;
        let round = service::open(
            store(ctx),
            service::OpenRound {
                network_id: ids::decode_id("networkId", &input.network_id, NodeType::Network)?,
                closes_at: input.closes_at.0,
                custom_questions: input
                    .custom_questions
                    .into_iter()
                    .map(|q| service::CustomQuestion { key: q.key, text: q.text })
                    .collect(),
                invitee_ids,
            },
        )
        .await?;
        Ok(OpenAlignmentRoundPayload { alignment_round: AlignmentRound(round) })
    }

    /// Answers a round. Invitees only, while it is open.
    async fn submit_alignment_response(
        &self,
        ctx: &Context<'_>,
        input: SubmitAlignmentResponseInput,
    ) -> Result<SubmitAlignmentResponsePayload> {
        let round = service::submit(
            store(ctx),
            ids::decode_id("roundId", &input.round_id, NodeType::AlignmentRound)?,
            input
                .answers
                .into_iter()
                .map(|a| service::Answer { question_key: a.question_key, score: a.score, comment: a.comment })
                .collect(),
        )
        .await?;
        Ok(SubmitAlignmentResponsePayload { alignment_round: AlignmentRound(round) })
    }

    /// Closes a round. Facilitators of the network.
    async fn close_alignment_round(
        &self,
        ctx: &Context<'_>,
        input: CloseAlignmentRoundInput,
    ) -> Result<CloseAlignmentRoundPayload> {
        let round =
            service::close(store(ctx), ids::decode_id("roundId", &input.round_id, NodeType::AlignmentRound)?).await?;
        Ok(CloseAlignmentRoundPayload { alignment_round: AlignmentRound(round) })
    }
}
