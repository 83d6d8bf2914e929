//! GraphQL mirrors of the stored enums. `remote` derives the conversions both
//! ways, so the wire names and the stored strings are spelled identically.

use async_graphql::Enum;

/// What kind of organisation a partner is; decides its default governing bodies.
#[derive(Enum, Copy, Clone, Debug, PartialEq, Eq)]
#[graphql(remote = "entity::OrganisationKind")]
pub enum OrganisationKind {
    /// A housing corporation (woningcorporatie).
    HousingCorporation,
    /// A municipality (gemeente).
    Municipality,
    /// A care provider (zorgaanbieder).
    CareProvider,
    /// A school board (schoolbestuur).
    SchoolBoard,
    /// A welfare organisation (welzijnsorganisatie).
    Welfare,
    /// A company.
    Company,
    /// Any other kind.
    Other,
}

/// The kind of a governing body.
#[derive(Enum, Copy, Clone, Debug, PartialEq, Eq)]
#[graphql(remote = "entity::BodyKind")]
pub enum BodyKind {
    /// The executive board (bestuur, raad van bestuur, college van B&W).
    ExecutiveBoard,
    /// The supervisory board (raad van commissarissen or raad van toezicht).
    SupervisoryBoard,
    /// The works council (ondernemingsraad, medezeggenschapsraad).
    WorksCouncil,
    /// A client council or tenants' organisation (cliëntenraad, huurdersorganisatie).
    ClientCouncil,
    /// A municipal council (gemeenteraad).
    MunicipalCouncil,
    /// Any other body.
    Other,
}

/// The say a governing body has in its organisation's commitments.
#[derive(Enum, Copy, Clone, Debug, PartialEq, Eq)]
#[graphql(remote = "entity::BodyRight")]
pub enum BodyRight {
    /// Takes the decision; exactly one body of an organisation decides.
    Decides,
    /// Must approve the decision; its rejection blocks.
    Approves,
    /// Must consent; its refusal blocks.
    Consents,
    /// Gives advice, which does not block; departing from negative advice needs a motivation.
    Advises,
    /// Gives wishes and concerns before the decision (a municipal council).
    WishesAndConcerns,
}

/// A person's role in the tenant as a whole.
#[derive(Enum, Copy, Clone, Debug, PartialEq, Eq)]
#[graphql(remote = "entity::TenantRole")]
pub enum TenantRole {
    /// Administers the tenant: organisations, bodies, people, networks.
    Admin,
    /// Facilitates networks: charter, invitations, meetings, commitments.
    Facilitator,
}

/// A person's role in one organisation.
#[derive(Enum, Copy, Clone, Debug, PartialEq, Eq)]
#[graphql(remote = "entity::PositionRole")]
pub enum PositionRole {
    /// A director: acts for the organisation.
    Director,
    /// A supervisor (member of a supervisory board).
    Supervisor,
    /// A member of staff.
    Staff,
}

/// Whether a network is running.
#[derive(Enum, Copy, Clone, Debug, PartialEq, Eq)]
#[graphql(remote = "entity::NetworkStatus")]
pub enum NetworkStatus {
    /// Partners work together.
    Active,
    /// Work is on hold.
    Paused,
    /// The network has ended; its history stays readable.
    Ended,
}

/// Where an organisation stands in a network.
#[derive(Enum, Copy, Clone, Debug, PartialEq, Eq)]
#[graphql(remote = "entity::PartnershipStatus")]
pub enum PartnershipStatus {
    /// Invited; a director of the organisation has not accepted yet.
    Invited,
    /// A partner.
    Active,
    /// Left the network; the partnership stays on record.
    Left,
}

/// What a partner expects of the network.
#[derive(Enum, Copy, Clone, Debug, PartialEq, Eq)]
#[graphql(remote = "entity::ExpectationKind")]
pub enum ExpectationKind {
    /// A goal the partner expects the network to pursue.
    Goal,
    /// How the partner expects the network to work.
    WayOfWorking,
    /// What the partner expects to contribute, or others to contribute.
    Contribution,
    /// A result the partner expects.
    Result,
}

/// Whether an alignment round takes answers.
#[derive(Enum, Copy, Clone, Debug, PartialEq, Eq)]
#[graphql(remote = "entity::RoundStatus")]
pub enum RoundStatus {
    /// Invitees can answer until `closesAt`.
    Open,
    /// Closed by a facilitator or by reaching `closesAt`.
    Closed,
}

/// How far ahead a goal looks.
#[derive(Enum, Copy, Clone, Debug, PartialEq, Eq)]
#[graphql(remote = "entity::GoalHorizon")]
pub enum GoalHorizon {
    /// A long-term ambition (years).
    LongTerm,
    /// A mid-term goal on the way.
    MidTerm,
}

/// Who a commitment binds.
#[derive(Enum, Copy, Clone, Debug, PartialEq, Eq)]
#[graphql(remote = "entity::CommitmentScope")]
pub enum CommitmentScope {
    /// Exactly one organisation.
    Organisation,
    /// Two or more partners, but not all.
    Coalition,
    /// Every active partner.
    Network,
}

/// A small tangible result, or a larger initiative.
#[derive(Enum, Copy, Clone, Debug, PartialEq, Eq)]
#[graphql(remote = "entity::CommitmentKind")]
pub enum CommitmentKind {
    /// A small, visible result, due within the network's quick-win window (90 days by default).
    QuickWin,
    /// A larger piece of work.
    Initiative,
}

/// Where a commitment stands.
#[derive(Enum, Copy, Clone, Debug, PartialEq, Eq)]
#[graphql(remote = "entity::CommitmentStatus")]
pub enum CommitmentStatus {
    /// Proposed; waiting for every party's agreement.
    Proposed,
    /// Every party agreed.
    Agreed,
    /// Work has started.
    InProgress,
    /// Delivered: a result.
    Delivered,
    /// Dropped, with a reason.
    Dropped,
}

/// Which commitments a mandate rule involves a body in.
#[derive(Enum, Copy, Clone, Debug, PartialEq, Eq)]
#[graphql(remote = "entity::MandateAppliesTo")]
pub enum MandateAppliesTo {
    /// Quick wins.
    QuickWin,
    /// Initiatives.
    Initiative,
    /// Every commitment.
    Any,
}

/// Where one body's say on a commitment stands.
#[derive(Enum, Copy, Clone, Debug, PartialEq, Eq)]
#[graphql(remote = "entity::RatificationStatus")]
pub enum RatificationStatus {
    /// Proposed; nothing started yet.
    NotStarted,
    /// The party consults its constituency before agreeing.
    Consulting,
    /// The commitment is agreed; the body's outcome is awaited.
    Awaiting,
    /// The body answered.
    Done,
}

/// A body's outcome; which ones apply follows from its right.
#[derive(Enum, Copy, Clone, Debug, PartialEq, Eq)]
#[graphql(remote = "entity::RatificationOutcome")]
pub enum RatificationOutcome {
    /// Approved (deciding, approving and consenting bodies).
    Approved,
    /// Approved with conditions, which must be named.
    ApprovedWithConditions,
    /// Rejected, with a reason; blocks the party.
    Rejected,
    /// Positive advice.
    Positive,
    /// Negative advice; the deciding body may depart from it with a motivation.
    Negative,
    /// Advice with conditions.
    WithConditions,
    /// Wishes and concerns given.
    Responded,
}

/// Whether a condition has been met.
#[derive(Enum, Copy, Clone, Debug, PartialEq, Eq)]
#[graphql(remote = "entity::ConditionStatus")]
pub enum ConditionStatus {
    /// Not met yet.
    Open,
    /// Marked met by a director of the party.
    Met,
}

/// How a generated document is written.
#[derive(Enum, Copy, Clone, Debug, PartialEq, Eq)]
#[graphql(remote = "crate::service::agenda::DocumentFormat")]
pub enum DocumentFormat {
    /// Markdown, for a board portal or a document.
    Markdown,
    /// A standalone HTML page that prints on A4.
    Html,
}

/// Where a network meeting stands, from plan to record.
#[derive(Enum, Copy, Clone, Debug, PartialEq, Eq)]
#[graphql(remote = "entity::MeetingStatus")]
pub enum MeetingStatus {
    /// Planned, with its agenda; not yet held.
    Planned,
    /// Held and recorded (every meeting recorded with `recordMeeting` is).
    Held,
    /// Cancelled before it was held.
    Cancelled,
}

/// What an item on a meeting's agenda is about.
#[derive(Enum, Copy, Clone, Debug, PartialEq, Eq)]
#[graphql(remote = "entity::AgendaItemKind")]
pub enum AgendaItemKind {
    /// A commitment to propose at the table (`commitmentId`).
    ProposeCommitment,
    /// A proposed commitment the parties are to agree to (`commitmentId`).
    AgreeCommitment,
    /// A charter version to adopt (`charterVersion`, when known).
    AdoptCharter,
    /// An alignment round's results to discuss (`roundId`).
    DiscussRound,
    /// Anything else, by its title.
    Other,
}

/// Where a member of the constituency stands on a commitment.
#[derive(Enum, Copy, Clone, Debug, PartialEq, Eq)]
#[graphql(remote = "entity::Stance")]
pub enum Stance {
    /// In favour.
    Support,
    /// Has concerns.
    Concern,
    /// Objects.
    Objection,
}

/// Where ratification of a commitment stands across its parties.
#[derive(Enum, Copy, Clone, Debug, PartialEq, Eq)]
pub enum CommitmentRatificationStatus {
    /// No body needs to ratify it.
    NotRequired,
    /// Some party has not ratified yet.
    Pending,
    /// Every party ratified.
    Ratified,
    /// A party's blocking body rejected it.
    Rejected,
}

/// How a partner identity provider's tokens name a person of the tenant.
#[derive(Enum, Copy, Clone, Debug, PartialEq, Eq)]
#[graphql(remote = "entity::IdentityMatch")]
pub enum IdentityMatch {
    /// The token's `sub` is the person's `subject`.
    Sub,
    /// The token's `oid` (Microsoft Entra ID's object id) is the person's `subject`.
    Oid,
    /// The token's `email`, verified (`email_verified`) and in one of the
    /// provider's domains, is the person's e-mail address.
    Email,
}

/// Where a webhook delivery stands.
#[derive(Enum, Copy, Clone, Debug, PartialEq, Eq)]
#[graphql(remote = "entity::DeliveryStatus")]
pub enum DeliveryStatus {
    /// Not yet acknowledged; retried on schedule (`nextAttemptAt`).
    Pending,
    /// The receiver answered 2xx.
    Delivered,
    /// Every attempt of the schedule (about 27 hours) failed.
    Failed,
}
