//! Ratification: types, board views and mutations.

use async_graphql::{Context, ID, InputObject, Object, Result, SimpleObject};
use entity::{ratification, ratification_condition, ratification_record};
use uuid::Uuid;

use super::enums::{
    BodyRight, CommitmentRatificationStatus, ConditionStatus, MandateAppliesTo, RatificationOutcome,
    RatificationStatus, Stance,
};
use super::ids::{self, NodeType};
use super::loaders::{self, BodyId, CommitmentId, ConditionsOf, OrganisationId, RecordsOf};
use super::organisations::{GoverningBody, Organisation};
use super::people::Person;
use super::scalars::{Date, DateTime};
use super::store;
use super::work::Commitment;
use crate::domain::policy::{self, ConsultationView};
use crate::service::ratification as service;

pub fn overall(rows: &[ratification::Model]) -> CommitmentRatificationStatus {
    match service::overall(rows) {
        service::Overall::NotRequired => CommitmentRatificationStatus::NotRequired,
        service::Overall::Pending => CommitmentRatificationStatus::Pending,
        service::Overall::Ratified => CommitmentRatificationStatus::Ratified,
        service::Overall::Rejected => CommitmentRatificationStatus::Rejected,
    }
}

#[derive(Clone)]
pub struct Ratification(pub ratification::Model);

/// One party body's say on a commitment, by its right.
#[Object]
impl Ratification {
    /// Opaque global id.
    pub async fn id(&self) -> ID {
        ids::global_id(NodeType::Ratification, self.0.id)
    }

    /// The commitment.
    async fn commitment(&self, ctx: &Context<'_>) -> Result<Commitment> {
        let commitment = loaders::from_context(ctx).load_one(CommitmentId(self.0.commitment_id)).await?;
        loaders::present(commitment, "a ratification's commitment").map(Commitment)
    }

    /// The party.
    async fn organisation(&self, ctx: &Context<'_>) -> Result<Organisation> {
        let organisation = loaders::from_context(ctx).load_one(OrganisationId(self.0.organisation_id)).await?;
        loaders::present(organisation, "a ratification's party").map(Organisation)
    }

    /// The body.
    async fn body(&self, ctx: &Context<'_>) -> Result<GoverningBody> {
        let body = loaders::from_context(ctx).load_one(BodyId(self.0.body_id)).await?;
        loaders::present(body, "a ratification's body").map(GoverningBody)
    }

    /// The body's right on this commitment.
    async fn right(&self) -> BodyRight {
        self.0.right.into()
    }

    /// NOT_STARTED, CONSULTING, AWAITING or DONE.
    async fn status(&self) -> RatificationStatus {
        self.0.status.into()
    }

    /// The outcome, once recorded.
    async fn outcome(&self) -> Option<RatificationOutcome> {
        self.0.outcome.map(Into::into)
    }

    /// A rejection's reason, or the motivation for departing from negative advice.
    async fn reason(&self) -> Option<&str> {
        self.0.reason.as_deref()
    }

    /// The day of the body's meeting that decided.
    async fn decided_on(&self) -> Option<Date> {
        self.0.decided_on.map(Date)
    }

    /// Where the minutes record it.
    async fn minutes_reference(&self) -> Option<&str> {
        self.0.minutes_reference.as_deref()
    }

    /// The content hash of the dossier the body decided on, when it named one.
    async fn dossier_hash(&self) -> Option<&str> {
        self.0.dossier_hash.as_deref()
    }

    /// Whether the terms the body decided on still stand: false when the
    /// commitment (its text, due date, goal, contributions) or the network's
    /// charter moved on after the decision, so the outcome rests on an older
    /// dossier; null when the outcome named no dossier.
    async fn dossier_current(&self, ctx: &Context<'_>) -> Result<Option<bool>> {
        let Some(hash) = self.0.dossier_hash.as_deref() else { return Ok(None) };
        let loaders = loaders::from_context(ctx);
        let Some(commitment) = loaders.load_one(CommitmentId(self.0.commitment_id)).await? else { return Ok(None) };
        let parties = loaders.load_one(loaders::PartiesOf(commitment.id)).await?.unwrap_or_default();
        let charter_version = loaders
            .load_one(loaders::CharterVersionsOf(commitment.network_id))
            .await?
            .unwrap_or_default()
            .iter()
            .map(|c| c.version)
            .max();
        let terms =
            crate::domain::dossier::Terms::from_rows(&commitment, &parties, self.0.organisation_id, charter_version);
        Ok(Some(terms.content_hash() == hash))
    }

    /// The member who recorded it, if you may see them.
    async fn recorded_by(&self, ctx: &Context<'_>) -> Result<Option<Person>> {
        loaders::person(ctx, self.0.recorded_by).await
    }

    /// When it was recorded.
    async fn recorded_at(&self) -> Option<DateTime> {
        self.0.recorded_at.map(DateTime)
    }

    /// When the outcome is due (the agreement plus the network's ratification window).
    async fn due_on(&self) -> Option<Date> {
        self.0.due_on.map(Date)
    }

    /// Incremented by every change; pass it as `expectedVersion`.
    async fn version(&self) -> i32 {
        self.0.version
    }

    /// Conditions attached to the outcome.
    async fn conditions(&self, ctx: &Context<'_>) -> Result<Vec<RatificationCondition>> {
        let rows = loaders::from_context(ctx).load_one(ConditionsOf(self.0.id)).await?.unwrap_or_default();
        Ok(rows.into_iter().map(RatificationCondition).collect())
    }

    /// Every outcome recorded, reopened ones included, oldest first.
    async fn history(&self, ctx: &Context<'_>) -> Result<Vec<RatificationRecord>> {
        let rows = loaders::from_context(ctx).load_one(RecordsOf(self.0.id)).await?.unwrap_or_default();
        Ok(rows.into_iter().map(RatificationRecord).collect())
    }
}

pub struct RatificationCondition(ratification_condition::Model);

/// A condition attached to an outcome.
#[Object]
impl RatificationCondition {
    /// Opaque global id.
    async fn id(&self) -> ID {
        ids::global_id(NodeType::RatificationCondition, self.0.id)
    }

    /// The condition.
    async fn text(&self) -> &str {
        &self.0.text
    }

    /// OPEN or MET.
    async fn status(&self) -> ConditionStatus {
        self.0.status.into()
    }

    /// When it was marked met.
    async fn met_at(&self) -> Option<DateTime> {
        self.0.met_at.map(DateTime)
    }
}

pub struct RatificationRecord(ratification_record::Model);

/// An outcome as it was recorded.
#[Object]
impl RatificationRecord {
    /// The outcome.
    async fn outcome(&self) -> RatificationOutcome {
        self.0.outcome.into()
    }

    /// The reason or motivation.
    async fn reason(&self) -> Option<&str> {
        self.0.reason.as_deref()
    }

    /// The day of the meeting that decided.
    async fn decided_on(&self) -> Date {
        Date(self.0.decided_on)
    }

    /// Where the minutes record it.
    async fn minutes_reference(&self) -> &str {
        &self.0.minutes_reference
    }

    /// Who recorded it, if you may see them.
    async fn recorded_by(&self, ctx: &Context<'_>) -> Result<Option<Person>> {
        loaders::person(ctx, self.0.recorded_by).await
    }

    /// When it was recorded.
    async fn recorded_at(&self) -> DateTime {
        DateTime(self.0.recorded_at)
    }

    /// When the body reopened it, if it did.
    async fn reopened_at(&self) -> Option<DateTime> {
        self.0.reopened_at.map(DateTime)
    }
}

/// A party's consultation: counts by stance for the network's facilitators
/// and the organisation's own people; the inputs themselves only for the
/// organisation's own people.
#[derive(SimpleObject)]
pub struct Consultation {
    /// Inputs in support.
    pub support_count: usize,
    /// Inputs with concerns.
    pub concern_count: usize,
    /// Objections.
    pub objection_count: usize,
    /// The inputs; empty unless you work for the organisation.
    pub inputs: Vec<ConsultationInput>,
}

/// One input from the constituency. It carries no author, for anyone: the
/// constituency speaks freely when a concern is not signed towards its own
/// director. A person's own inputs are in `exportPersonData`.
#[derive(SimpleObject)]
pub struct ConsultationInput {
    /// SUPPORT, CONCERN or OBJECTION.
    pub stance: Stance,
    /// The input.
    pub text: String,
    /// When it was given.
    pub created_at: DateTime,
}

/// A party's consultation as the viewer may see it, or `None`.
pub async fn consultation(
    ctx: &Context<'_>,
    network_id: Uuid,
    commitment_id: Uuid,
    organisation_id: Uuid,
) -> Result<Option<Consultation>> {
    let store = store(ctx);
    let view = policy::consultation_view(&store.actor(), network_id, organisation_id);
    if view == ConsultationView::Nothing {
        return Ok(None);
    }
    let inputs = store.consultation_inputs(commitment_id, organisation_id).await?;
    let count = |stance: entity::Stance| inputs.iter().filter(|i| i.stance == stance).count();
    Ok(Some(Consultation {
        support_count: count(entity::Stance::Support),
        concern_count: count(entity::Stance::Concern),
        objection_count: count(entity::Stance::Objection),
        inputs: if view == ConsultationView::Inputs {
            inputs
                .iter()
                .map(|i| ConsultationInput {
                    stance: i.stance.into(),
                    text: i.text.clone(),
                    created_at: DateTime(i.created_at),
                })
                .collect()
        } else {
            Vec::new()
        },
    }))
}

/// One rule of a mandate.
#[derive(SimpleObject)]
pub struct MandateRule {
    /// The body involved.
    pub body_id: ID,
    /// In which commitments.
    pub applies_to: MandateAppliesTo,
    /// From which contribution in euros on.
    pub min_contribution_euros: i64,
}

/// An organisation's mandate: which of its bodies are involved in which
/// commitments (the deciding body always).
#[derive(SimpleObject)]
pub struct Mandate {
    /// Whether these are the defaults for the organisation's bodies (no mandate set).
    pub is_default: bool,
    /// The rules.
    pub rules: Vec<MandateRule>,
}

pub async fn mandate(ctx: &Context<'_>, organisation_id: Uuid) -> Result<Mandate> {
    let (rules, is_default) = service::mandate_of(store(ctx), organisation_id).await?;
    Ok(Mandate {
        is_default,
        rules: rules
            .into_iter()
            .map(|r| MandateRule {
                body_id: ids::global_id(NodeType::GoverningBody, r.body_id),
                applies_to: r.applies_to.into(),
                min_contribution_euros: r.min_contribution_euros,
            })
            .collect(),
    })
}

/// One rule of `setMandate`.
#[derive(InputObject)]
pub struct MandateRuleInput {
    /// An active body of the organisation.
    pub body_id: ID,
    /// QUICK_WIN, INITIATIVE or ANY.
    pub applies_to: MandateAppliesTo,
    /// From this contribution in euros on (default 0).
    #[graphql(default = 0)]
    pub min_contribution_euros: i64,
}

/// Sets an organisation's mandate.
#[derive(InputObject)]
pub struct SetMandateInput {
    /// The organisation.
    pub organisation_id: ID,
    /// The complete set of rules (the deciding body is always involved).
    #[graphql(validator(max_items = 50))]
    pub rules: Vec<MandateRuleInput>,
}

/// The result of `setMandate`.
#[derive(SimpleObject)]
pub struct SetMandatePayload {
    /// The organisation, whose `mandate` is now the given rules.
    pub organisation: Organisation,
}

/// Starts a party's consultation of its constituency.
#[derive(InputObject)]
pub struct StartConsultationInput {
    /// The PROPOSED commitment.
    pub commitment_id: ID,
    /// The party.
    pub organisation_id: ID,
}

/// The result of `startConsultation`.
#[derive(SimpleObject)]
pub struct StartConsultationPayload {
    /// The commitment.
    pub commitment: Commitment,
}

/// Gives input to a party's consultation.
#[derive(InputObject)]
pub struct AddConsultationInputInput {
    /// The commitment.
    pub commitment_id: ID,
    /// Your organisation, a party.
    pub organisation_id: ID,
    /// SUPPORT, CONCERN or OBJECTION.
    pub stance: Stance,
    /// Your input, 1 to 10,000 characters.
    pub text: String,
}

/// The result of `addConsultationInput`.
#[derive(SimpleObject)]
pub struct AddConsultationInputPayload {
    /// The commitment.
    pub commitment: Commitment,
}

/// Records a body's outcome.
#[derive(InputObject)]
pub struct RecordRatificationOutcomeInput {
    /// The ratification.
    pub ratification_id: ID,
    /// The `version` you last read.
    pub expected_version: i32,
    /// The outcome; it must fit the body's right.
    pub outcome: RatificationOutcome,
    /// The day of the body's meeting.
    pub decided_on: Date,
    /// Where the minutes record it.
    pub minutes_reference: String,
    /// Required for REJECTED, and for departing from negative advice.
    pub reason: Option<String>,
    /// Required for a conditional outcome.
    #[graphql(default, validator(max_items = 20))]
    pub conditions: Vec<String>,
    /// The `contentHash` of the dossier the body decided on
    /// (`Commitment.dossier`). When given, the outcome is refused with
    /// CONFLICT (and `extensions.changed`) if the commitment moved on since
    /// that dossier was issued.
    pub dossier_hash: Option<String>,
}

/// The result of `recordRatificationOutcome`.
#[derive(SimpleObject)]
pub struct RecordRatificationOutcomePayload {
    /// The ratification, DONE.
    pub ratification: Ratification,
}

/// Reopens a body's outcome.
#[derive(InputObject)]
pub struct ReopenRatificationInput {
    /// The ratification.
    pub ratification_id: ID,
    /// The `version` you last read.
    pub expected_version: i32,
}

/// The result of `reopenRatification`.
#[derive(SimpleObject)]
pub struct ReopenRatificationPayload {
    /// The ratification, AWAITING again; its earlier outcome is in `history`.
    pub ratification: Ratification,
}

/// Marks a condition met.
#[derive(InputObject)]
pub struct MarkConditionMetInput {
    /// The condition.
    pub condition_id: ID,
}

/// The result of `markConditionMet`.
#[derive(SimpleObject)]
pub struct MarkConditionMetPayload {
    /// The ratification with its conditions.
    pub ratification: Ratification,
}

#[derive(Default)]
pub struct RatificationMutation;

#[Object]
impl RatificationMutation {
    /// Sets an organisation's mandate. A DIRECTOR of that organisation only.
    async fn set_mandate(&self, ctx: &Context<'_>, input: SetMandateInput) -> Result<SetMandatePayload> {
        let organisation_id = ids::decode_id("organisationId", &input.organisation_id, NodeType::Organisation)?;
        let mut rules = Vec::with_capacity(input.rules.len());
        for rule in input.rules {
            rules.push(service::MandateRuleInput {
                body_id: ids::decode_id("rules.bodyId", &rule.body_id, NodeType::GoverningBody)?,
                applies_to: rule.applies_to.into(),
                min_contribution_euros: rule.min_contribution_euros,
            });
        }
        let store = store(ctx);
        service::set_mandate(store, organisation_id, rules).await?;
        Ok(SetMandatePayload { organisation: Organisation(store.organisation(organisation_id).await?) })
    }

    /// Starts a party's consultation while the commitment is PROPOSED. A DIRECTOR of the party.
    async fn start_consultation(
        &self,
        ctx: &Context<'_>,
        input: StartConsultationInput,
    ) -> Result<StartConsultationPayload> {
        let commitment = service::start_consultation(
            store(ctx),
            ids::decode_id("commitmentId", &input.commitment_id, NodeType::Commitment)?,
            ids::decode_id("organisationId", &input.organisation_id, NodeType::Organisation)?,
        )
        .await?;
        Ok(StartConsultationPayload { commitment: Commitment(commitment) })
    }

    /// Gives input to your organisation's consultation. People of the party.
    async fn add_consultation_input(
        &self,
        ctx: &Context<'_>,
        input: AddConsultationInputInput,
    ) -> Result<AddConsultationInputPayload> {
        let commitment = service::add_consultation_input(
            store(ctx),
            ids::decode_id("commitmentId", &input.commitment_id, NodeType::Commitment)?,
            ids::decode_id("organisationId", &input.organisation_id, NodeType::Organisation)?,
            input.stance.into(),
            &input.text,
        )
        .await?;
        Ok(AddConsultationInputPayload { commitment: Commitment(commitment) })
    }

    /// Records a body's outcome. A member of that body only.
    async fn record_ratification_outcome(
        &self,
        ctx: &Context<'_>,
        input: RecordRatificationOutcomeInput,
    ) -> Result<RecordRatificationOutcomePayload> {
        let ratification = service::record_outcome(
            store(ctx),
            service::RecordOutcome {
                ratification_id: ids::decode_id("ratificationId", &input.ratification_id, NodeType::Ratification)?,
                expected_version: input.expected_version,
                outcome: input.outcome.into(),
                decided_on: input.decided_on.0,
                minutes_reference: input.minutes_reference,
                reason: input.reason,
                conditions: input.conditions,
                dossier_hash: input.dossier_hash,
            },
        )
        .await?;
        Ok(RecordRatificationOutcomePayload { ratification: Ratification(ratification) })
    }

    /// Reopens a body's outcome. A member of that body only.
    async fn reopen_ratification(
        &self,
        ctx: &Context<'_>,
        input: ReopenRatificationInput,
    ) -> Result<ReopenRatificationPayload> {
        let ratification = service::reopen(
            store(ctx),
            ids::decode_id("ratificationId", &input.ratification_id, NodeType::Ratification)?,
            input.expected_version,
        )
        .await?;
        Ok(ReopenRatificationPayload { ratification: Ratification(ratification) })
    }

    /// Marks a condition met. A DIRECTOR of the party.
    async fn mark_condition_met(
        &self,
        ctx: &Context<'_>,
        input: MarkConditionMetInput,
    ) -> Result<MarkConditionMetPayload> {
        let ratification = service::mark_condition_met(
            store(ctx),
            ids::decode_id("conditionId", &input.condition_id, NodeType::RatificationCondition)?,
        )
        .await?;
        Ok(MarkConditionMetPayload { ratification: Ratification(ratification) })
    }
}

pub struct PartnerFollowThrough(service::FollowThrough);

/// How a partner's bodies follow through on what was agreed at the table.
#[Object]
impl PartnerFollowThrough {
    /// The partner.
    async fn organisation(&self, ctx: &Context<'_>) -> Result<Organisation> {
        let organisation = loaders::from_context(ctx).load_one(OrganisationId(self.0.organisation_id)).await?;
        loaders::present(organisation, "a partner's organisation").map(Organisation)
    }

    /// Ratifications its bodies are involved in.
    async fn involved(&self) -> usize {
        self.0.involved
    }

    /// Of those, answered.
    async fn answered(&self) -> usize {
        self.0.answered
    }

    /// Approved (with or without conditions) by a deciding, approving or consenting body.
    async fn approved(&self) -> usize {
        self.0.approved
    }

    /// Rejected.
    async fn rejected(&self) -> usize {
        self.0.rejected
    }

    /// Median days from agreement at the table to the body's outcome, one decimal.
    async fn median_days_to_outcome(&self) -> Option<f64> {
        self.0.median_days_to_outcome.map(|days| super::rounded(days, 1))
    }

    /// Conditions still open.
    async fn open_conditions(&self) -> usize {
        self.0.open_conditions
    }
}

pub async fn network_follow_through(ctx: &Context<'_>, network_id: Uuid) -> Result<Vec<PartnerFollowThrough>> {
    Ok(service::follow_through(store(ctx), network_id).await?.into_iter().map(PartnerFollowThrough).collect())
}
