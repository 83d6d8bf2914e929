//! Enums stored as short upper-case strings, identical on SQLite and PostgreSQL.
//! Their spelling is the GraphQL enum value, so a row reads like the API.

use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

/// What kind of organisation a partner is; decides its default governing bodies.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum, Serialize, Deserialize)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(32))")]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum OrganisationKind {
    #[sea_orm(string_value = "HOUSING_CORPORATION")]
    HousingCorporation,
    #[sea_orm(string_value = "MUNICIPALITY")]
    Municipality,
    #[sea_orm(string_value = "CARE_PROVIDER")]
    CareProvider,
    #[sea_orm(string_value = "SCHOOL_BOARD")]
    SchoolBoard,
    #[sea_orm(string_value = "WELFARE")]
    Welfare,
    #[sea_orm(string_value = "COMPANY")]
    Company,
    #[sea_orm(string_value = "OTHER")]
    Other,
}

/// The kind of a governing body.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum, Serialize, Deserialize)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(32))")]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum BodyKind {
    #[sea_orm(string_value = "EXECUTIVE_BOARD")]
    ExecutiveBoard,
    #[sea_orm(string_value = "SUPERVISORY_BOARD")]
    SupervisoryBoard,
    #[sea_orm(string_value = "WORKS_COUNCIL")]
    WorksCouncil,
    #[sea_orm(string_value = "CLIENT_COUNCIL")]
    ClientCouncil,
    #[sea_orm(string_value = "MUNICIPAL_COUNCIL")]
    MunicipalCouncil,
    #[sea_orm(string_value = "OTHER")]
    Other,
}

/// The say a governing body has in its organisation's commitments.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum, Serialize, Deserialize)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(32))")]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum BodyRight {
    #[sea_orm(string_value = "DECIDES")]
    Decides,
    #[sea_orm(string_value = "APPROVES")]
    Approves,
    #[sea_orm(string_value = "CONSENTS")]
    Consents,
    #[sea_orm(string_value = "ADVISES")]
    Advises,
    #[sea_orm(string_value = "WISHES_AND_CONCERNS")]
    WishesAndConcerns,
}

/// A person's role in the tenant as a whole (absent for most people).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum, Serialize, Deserialize)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(16))")]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum TenantRole {
    #[sea_orm(string_value = "ADMIN")]
    Admin,
    #[sea_orm(string_value = "FACILITATOR")]
    Facilitator,
}

/// A person's role in one organisation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum, Serialize, Deserialize)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(16))")]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum PositionRole {
    #[sea_orm(string_value = "DIRECTOR")]
    Director,
    #[sea_orm(string_value = "SUPERVISOR")]
    Supervisor,
    #[sea_orm(string_value = "STAFF")]
    Staff,
}

/// Whether a network is running.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum, Serialize, Deserialize)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(16))")]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum NetworkStatus {
    #[sea_orm(string_value = "ACTIVE")]
    Active,
    #[sea_orm(string_value = "PAUSED")]
    Paused,
    #[sea_orm(string_value = "ENDED")]
    Ended,
}

/// Where an organisation stands in a network. A partnership that ended stays
/// LEFT; re-joining is a new partnership.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum, Serialize, Deserialize)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(16))")]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum PartnershipStatus {
    #[sea_orm(string_value = "INVITED")]
    Invited,
    #[sea_orm(string_value = "ACTIVE")]
    Active,
    #[sea_orm(string_value = "LEFT")]
    Left,
}

/// What a partner expects of the network.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum, Serialize, Deserialize)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(16))")]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum ExpectationKind {
    #[sea_orm(string_value = "GOAL")]
    Goal,
    #[sea_orm(string_value = "WAY_OF_WORKING")]
    WayOfWorking,
    #[sea_orm(string_value = "CONTRIBUTION")]
    Contribution,
    #[sea_orm(string_value = "RESULT")]
    Result,
}

/// Whether an alignment round takes answers. A round past its `closes_at` is
/// closed even while the stored status still says OPEN.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum, Serialize, Deserialize)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(16))")]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum RoundStatus {
    #[sea_orm(string_value = "OPEN")]
    Open,
    #[sea_orm(string_value = "CLOSED")]
    Closed,
}

/// How far ahead a goal looks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum, Serialize, Deserialize)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(16))")]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum GoalHorizon {
    #[sea_orm(string_value = "LONG_TERM")]
    LongTerm,
    #[sea_orm(string_value = "MID_TERM")]
    MidTerm,
}

/// Who a commitment binds: one organisation, a coalition, or the whole network.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum, Serialize, Deserialize)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(16))")]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum CommitmentScope {
    #[sea_orm(string_value = "ORGANISATION")]
    Organisation,
    #[sea_orm(string_value = "COALITION")]
    Coalition,
    #[sea_orm(string_value = "NETWORK")]
    Network,
}

/// A small tangible result, or a larger initiative.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum, Serialize, Deserialize)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(16))")]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum CommitmentKind {
    #[sea_orm(string_value = "QUICK_WIN")]
    QuickWin,
    #[sea_orm(string_value = "INITIATIVE")]
    Initiative,
}

/// Where a commitment stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum, Serialize, Deserialize)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(16))")]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum CommitmentStatus {
    #[sea_orm(string_value = "PROPOSED")]
    Proposed,
    #[sea_orm(string_value = "AGREED")]
    Agreed,
    #[sea_orm(string_value = "IN_PROGRESS")]
    InProgress,
    #[sea_orm(string_value = "DELIVERED")]
    Delivered,
    #[sea_orm(string_value = "DROPPED")]
    Dropped,
}

/// Which commitments a mandate rule involves a body in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum, Serialize, Deserialize)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(16))")]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum MandateAppliesTo {
    #[sea_orm(string_value = "QUICK_WIN")]
    QuickWin,
    #[sea_orm(string_value = "INITIATIVE")]
    Initiative,
    #[sea_orm(string_value = "ANY")]
    Any,
}

/// Where one body's say on a commitment stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum, Serialize, Deserialize)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(16))")]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum RatificationStatus {
    #[sea_orm(string_value = "NOT_STARTED")]
    NotStarted,
    #[sea_orm(string_value = "CONSULTING")]
    Consulting,
    #[sea_orm(string_value = "AWAITING")]
    Awaiting,
    #[sea_orm(string_value = "DONE")]
    Done,
}

/// A body's outcome; which ones apply follows from its right.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum, Serialize, Deserialize)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(32))")]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum RatificationOutcome {
    #[sea_orm(string_value = "APPROVED")]
    Approved,
    #[sea_orm(string_value = "APPROVED_WITH_CONDITIONS")]
    ApprovedWithConditions,
    #[sea_orm(string_value = "REJECTED")]
    Rejected,
    #[sea_orm(string_value = "POSITIVE")]
    Positive,
    #[sea_orm(string_value = "NEGATIVE")]
    Negative,
    #[sea_orm(string_value = "WITH_CONDITIONS")]
    WithConditions,
    #[sea_orm(string_value = "RESPONDED")]
    Responded,
}

/// Whether a condition attached to an outcome has been met.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum, Serialize, Deserialize)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(16))")]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum ConditionStatus {
    #[sea_orm(string_value = "OPEN")]
    Open,
    #[sea_orm(string_value = "MET")]
    Met,
}

/// Where a network meeting stands, from plan to record.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum, Serialize, Deserialize)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(16))")]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum MeetingStatus {
    #[sea_orm(string_value = "PLANNED")]
    Planned,
    #[sea_orm(string_value = "HELD")]
    Held,
    #[sea_orm(string_value = "CANCELLED")]
    Cancelled,
}

/// What an item on a meeting's agenda is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum, Serialize, Deserialize)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(32))")]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum AgendaItemKind {
    /// A commitment to propose at the table.
    #[sea_orm(string_value = "PROPOSE_COMMITMENT")]
    ProposeCommitment,
    /// A proposed commitment the parties are to agree to.
    #[sea_orm(string_value = "AGREE_COMMITMENT")]
    AgreeCommitment,
    /// A charter version to adopt.
    #[sea_orm(string_value = "ADOPT_CHARTER")]
    AdoptCharter,
    /// An alignment round's results to discuss.
    #[sea_orm(string_value = "DISCUSS_ROUND")]
    DiscussRound,
    /// Anything else, by its title.
    #[sea_orm(string_value = "OTHER")]
    Other,
}

/// Where a member of the constituency stands on a commitment.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum, Serialize, Deserialize)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(16))")]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum Stance {
    #[sea_orm(string_value = "SUPPORT")]
    Support,
    #[sea_orm(string_value = "CONCERN")]
    Concern,
    #[sea_orm(string_value = "OBJECTION")]
    Objection,
}

/// How a partner identity provider's token names a person of the tenant.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum, Serialize, Deserialize)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(16))")]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum IdentityMatch {
    /// Its `sub` is the person's subject.
    #[sea_orm(string_value = "SUB")]
    Sub,
    /// Its `oid` (Microsoft Entra ID's stable object id) is the person's subject.
    #[sea_orm(string_value = "OID")]
    Oid,
    /// Its verified `email`, in one of the provider's domains, is the person's address.
    #[sea_orm(string_value = "EMAIL")]
    Email,
}

/// Where a webhook delivery stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum, Serialize, Deserialize)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(16))")]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum DeliveryStatus {
    /// Not yet acknowledged; retried on schedule.
    #[sea_orm(string_value = "PENDING")]
    Pending,
    /// A receiver answered 2xx.
    #[sea_orm(string_value = "DELIVERED")]
    Delivered,
    /// The retry schedule ran out.
    #[sea_orm(string_value = "FAILED")]
    Failed,
}

/// How often a person gets their digest by e-mail.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum, Serialize, Deserialize)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(16))")]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum DigestRhythm {
    /// No digest by e-mail (the default: a digest is opted into).
    #[sea_orm(string_value = "OFF")]
    Off,
    /// Every morning, of the day before.
    #[sea_orm(string_value = "DAILY")]
    Daily,
    /// Every Monday morning, of the week before.
    #[sea_orm(string_value = "WEEKLY")]
    Weekly,
}

/// What a mail is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum, Serialize, Deserialize)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(16))")]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum MailKind {
    /// One reminder, sent at once.
    #[sea_orm(string_value = "REMINDER")]
    Reminder,
    /// A person's digest, on their rhythm.
    #[sea_orm(string_value = "DIGEST")]
    Digest,
}

/// Why a reminder went out: the network's reminder rules.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum, Serialize, Deserialize)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(32))")]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum ReminderRule {
    /// A body's decision is due soon and it has recorded no outcome: to its members.
    #[sea_orm(string_value = "RATIFICATION_DUE")]
    RatificationDue,
    /// An alignment round closes soon: to invitees who have not answered.
    #[sea_orm(string_value = "ROUND_CLOSING")]
    RoundClosing,
    /// A condition stayed open past its date: to the party's DIRECTORs.
    #[sea_orm(string_value = "CONDITION_OVERDUE")]
    ConditionOverdue,
}

/// Which way an indicator should move.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum, Serialize, Deserialize)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(16))")]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum IndicatorDirection {
    /// More is better: dwellings made available, people housed with care.
    #[sea_orm(string_value = "HIGHER")]
    Higher,
    /// Less is better: waiting times, evictions.
    #[sea_orm(string_value = "LOWER")]
    Lower,
}

/// How the reporters' figures make the network's figure.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum, Serialize, Deserialize)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(16))")]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum IndicatorAggregation {
    /// Counts that add up (dwellings).
    #[sea_orm(string_value = "SUM")]
    Sum,
    /// Figures that do not (waiting times): the mean of the reporters'.
    #[sea_orm(string_value = "MEAN")]
    Mean,
}

/// How often an indicator is measured.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum, Serialize, Deserialize)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(16))")]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum IndicatorCadence {
    /// Periods are years: `2026`.
    #[sea_orm(string_value = "YEARLY")]
    Yearly,
    /// Periods are quarters: `2026-Q1`.
    #[sea_orm(string_value = "QUARTERLY")]
    Quarterly,
}

/// Whether a cycle is still running.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum, Serialize, Deserialize)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(16))")]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum CycleStatus {
    #[sea_orm(string_value = "OPEN")]
    Open,
    /// Closed: its report is frozen.
    #[sea_orm(string_value = "CLOSED")]
    Closed,
}
