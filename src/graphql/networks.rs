//! Networks, charter versions, partnerships, representations and
//! expectations: types, queries and mutations.

use async_graphql::{Context, ID, InputObject, Object, Result, SimpleObject};
use entity::{charter_version, expectation, network, partnership, representation};
use uuid::Uuid;

use super::alignment::AlignmentRoundConnection;
use super::connection::{self, connection};
use super::enums::{ExpectationKind, NetworkStatus, PartnershipStatus};
use super::ids::{self, NodeType};
use super::loaders::{
    self, CharterVersionsOf, ExpectationsOf, FacilitatorsOf, NetworkId, OrganisationId, PartnershipId,
    PartnershipsFirstPage, PersonId, RepresentationsOf,
};
use super::organisations::Organisation;
use super::people::Person;
use super::scalars::{Date, DateTime};
use super::store;
use crate::domain::settings::NetworkSettings as Settings;
use crate::service::networks as service;

/// The current charter version number of a network, through the loader.
async fn current_version(ctx: &Context<'_>, network_id: Uuid) -> Result<Option<i32>> {
    let versions = loaders::from_context(ctx).load_one(CharterVersionsOf(network_id)).await?.unwrap_or_default();
    Ok(versions.iter().map(|v| v.version).max())
}

#[derive(Clone)]
pub struct Network(pub network::Model);

impl Network {
    pub fn uuid(&self) -> Uuid {
        self.0.id
    }
}

/// A collaboration of organisations with shared long-term goals, a charter,
/// partners at the table, and alignment rounds.
#[Object]
impl Network {
    /// Opaque global id.
    pub async fn id(&self) -> ID {
        ids::global_id(NodeType::Network, self.0.id)
    }

    /// The network's name.
    async fn name(&self) -> &str {
        &self.0.name
    }

    /// What the network is for.
    async fn purpose(&self) -> &str {
        &self.0.purpose
    }

    /// Whether the network is running.
    async fn status(&self) -> NetworkStatus {
        self.0.status.into()
    }

    /// Incremented by every update; pass it as `expectedVersion` to `updateNetwork`.
    async fn version(&self) -> i32 {
        self.0.version
    }

    /// When the network was created.
    async fn created_at(&self) -> DateTime {
        DateTime(self.0.created_at)
    }

    /// The ratification window and the thresholds of `health`.
    async fn settings(&self) -> NetworkSettings {
        NetworkSettings(Settings::from_json(&self.0.settings))
    }

    /// The network's health: the three ways collaboration fails (expectations
    /// drifting apart, boards not following the table, doing too much together)
    /// diagnosed from the data, with signals that say what to do. Facilitators
    /// and admins see all of it; a partner's DIRECTORs what concerns their own
    /// organisation; anyone else null.
    async fn health(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The moment to diagnose (default now), to show how health changed.")] as_of: Option<DateTime>,
        #[graphql(
            desc = "The language of the messages; default from `Accept-Language`, else `viewer.language` (your own choice, else your tenant's)."
        )]
        locale: Option<super::health::Locale>,
    ) -> Result<Option<super::health::NetworkHealth>> {
        let locale = super::language(ctx, locale).await?;
        let health = crate::service::health::health(store(ctx), &self.0, as_of.map(|at| at.0)).await?;
        Ok(health.map(|h| super::health::NetworkHealth::new(h, locale)))
    }

    /// Who works with whom (docs/collaboration.md): partners as nodes, the
    /// commitments they share as weighted edges, the coalitions that deliver,
    /// the partners in too much and those in nothing; also as JSON and
    /// GraphML. Facilitators and admins see every edge, a partner's DIRECTORs
    /// those of their own organisation, others the partners alone.
    async fn collaboration_graph(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The moment to show (default now).")] as_of: Option<DateTime>,
    ) -> Result<super::collaboration::CollaborationGraph> {
        let graph = crate::service::collaboration::graph(store(ctx), &self.0, as_of.map(|at| at.0)).await?;
        Ok(super::collaboration::CollaborationGraph(graph))
    }

    /// The network's shared indicators, by name: what it measures to judge
    /// progress on its goals.
    async fn indicators(&self, ctx: &Context<'_>) -> Result<Vec<super::indicators::Indicator>> {
        let found =
            loaders::from_context(ctx).load_one(loaders::IndicatorsOfNetwork(self.0.id)).await?.unwrap_or_default();
        Ok(found.into_iter().map(super::indicators::Indicator).collect())
    }

    /// The network's yearly cycles, newest year first.
    async fn cycles(&self, ctx: &Context<'_>) -> Result<Vec<super::cycles::Cycle>> {
        let found = loaders::from_context(ctx).load_one(loaders::CyclesOfNetwork(self.0.id)).await?.unwrap_or_default();
        Ok(found.into_iter().map(super::cycles::Cycle).collect())
    }

    /// The network's cycle for a year, or null.
    async fn cycle(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The year.")] year: i32,
    ) -> Result<Option<super::cycles::Cycle>> {
        Ok(store(ctx).cycle_of_year(self.0.id, year).await?.map(super::cycles::Cycle))
    }

    /// The accountability report of the network's cycle for a year, as
    /// structured JSON and as Markdown for a council or supervisory board:
    /// frozen once the cycle closed, a draft while it runs. Null when the
    /// network has no cycle for the year.
    async fn cycle_report(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The cycle's year.")] cycle: i32,
        #[graphql(desc = "The language of the Markdown; default from `Accept-Language`, else `viewer.language`.")]
        locale: Option<super::health::Locale>,
    ) -> Result<Option<super::cycles::CycleReport>> {
        super::cycles::report(ctx, &self.0, cycle, locale).await
    }

    /// The current charter: the latest adopted version, or null before the first.
    async fn charter(&self, ctx: &Context<'_>) -> Result<Option<CharterVersion>> {
        let versions = loaders::from_context(ctx).load_one(CharterVersionsOf(self.0.id)).await?.unwrap_or_default();
        Ok(versions.into_iter().max_by_key(|v| v.version).map(CharterVersion))
    }

    /// Every charter version, oldest first. Old versions are never edited.
    async fn charter_versions(&self, ctx: &Context<'_>) -> Result<Vec<CharterVersion>> {
        let versions = loaders::from_context(ctx).load_one(CharterVersionsOf(self.0.id)).await?.unwrap_or_default();
        Ok(versions.into_iter().map(CharterVersion).collect())
    }

    /// The network's partnerships, oldest first; by default INVITED and ACTIVE
    /// ones. A partner that left and re-joined has a partnership per period.
    async fn partners(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Only partnerships in these statuses (default INVITED and ACTIVE).")] status: Option<
            Vec<PartnershipStatus>,
        >,
        #[graphql(desc = "Page size, 1 to 100 (default 20).")] first: Option<i32>,
        #[graphql(desc = "Continue after this cursor.")] after: Option<String>,
    ) -> Result<PartnershipConnection> {
        let page = connection::page_request(first, after.as_deref())?;
        let statuses: Vec<entity::PartnershipStatus> = match status {
            Some(statuses) => statuses.into_iter().map(Into::into).collect(),
            None => vec![entity::PartnershipStatus::Invited, entity::PartnershipStatus::Active],
        };
        if page.after.is_none() && connection::in_list(ctx) {
            // In a list of networks every network reads its first page at once;
            // the organisations then come in one batch for all of them.
            let key = PartnershipsFirstPage { network: self.0.id, statuses, first: page.first };
            return Ok(PartnershipConnection::new(loaders::first_page(ctx, key).await?.map(Partnership)));
        }
        if !connection::selects_item_field(ctx, &["organisation"]) {
            let page = store(ctx).partnerships_page_of_network(self.0.id, &statuses, page).await?;
            return Ok(PartnershipConnection::new(page.map(Partnership)));
        }
        let page = store(ctx).partnerships_page_with_organisations(self.0.id, &statuses, page).await?;
        let organisations = page.items.iter().map(|(p, o)| (OrganisationId(p.organisation_id), o.clone()));
        loaders::prime(ctx, organisations);
        Ok(PartnershipConnection::new(page.map(|(partnership, _)| Partnership(partnership))))
    }

    /// The people who facilitate the network.
    async fn facilitators(&self, ctx: &Context<'_>) -> Result<Vec<Person>> {
        let loaders = loaders::from_context(ctx);
        let ids = loaders.load_one(FacilitatorsOf(self.0.id)).await?.unwrap_or_default();
        let people = loaders.load_many(ids.iter().copied().map(PersonId)).await?;
        Ok(ids.iter().filter_map(|id| people.get(&PersonId(*id)).cloned().map(Person)).collect())
    }

    /// The network's goals, oldest first.
    async fn goals(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Page size, 1 to 100 (default 20).")] first: Option<i32>,
        #[graphql(desc = "Continue after this cursor.")] after: Option<String>,
    ) -> Result<super::work::GoalConnection> {
        super::work::network_goals(ctx, self.0.id, first, after).await
    }

    /// The network's meetings, newest first: by default those held, as
    /// before meetings could be planned; `status: [PLANNED]` for what is
    /// coming.
    async fn meetings(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Page size, 1 to 100 (default 20).")] first: Option<i32>,
        #[graphql(desc = "Continue after this cursor.")] after: Option<String>,
        #[graphql(desc = "Only meetings in these states (default HELD).", validator(max_items = 3))] status: Option<
            Vec<super::enums::MeetingStatus>,
        >,
    ) -> Result<super::work::MeetingConnection> {
        let statuses: Vec<entity::MeetingStatus> = match status {
            Some(wanted) => wanted.into_iter().map(Into::into).collect(),
            None => vec![entity::MeetingStatus::Held],
        };
        super::work::network_meetings(ctx, self.0.id, first, after, &statuses).await
    }

    /// The network's commitments, oldest first, filtered.
    async fn commitments(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Filters; all given ones apply.")] filter: Option<super::work::CommitmentFilter>,
        #[graphql(desc = "Page size, 1 to 100 (default 20).")] first: Option<i32>,
        #[graphql(desc = "Continue after this cursor.")] after: Option<String>,
    ) -> Result<super::work::CommitmentConnection> {
        super::work::network_commitments(ctx, self.0.id, filter, first, after).await
    }

    /// The network's own webhooks (its facilitators and admins; empty for others).
    async fn webhooks(&self, ctx: &Context<'_>) -> Result<Vec<super::integration::Webhook>> {
        let rows =
            loaders::from_context(ctx).load_one(loaders::WebhooksOfNetwork(self.0.id)).await?.unwrap_or_default();
        Ok(rows.into_iter().map(super::integration::Webhook).collect())
    }

    /// What happened in the network, newest first: every change, with the
    /// visibility of its subject.
    async fn timeline(
        &self,
        ctx: &Context<'_>,
        #[graphql(
            desc = "Only events of these kinds (wire names such as `commitment.agreed`).",
            validator(max_items = 50)
        )]
        kinds: Option<Vec<String>>,
        #[graphql(
            desc = "Only events of these kinds, as `EventKind` values; together with `kinds`, events of either.",
            validator(max_items = 50)
        )]
        types: Option<Vec<super::timeline::EventKind>>,
        #[graphql(desc = "Only events concerning this organisation.")] organisation_id: Option<ID>,
        #[graphql(desc = "Page size, 1 to 100 (default 20).")] first: Option<i32>,
        #[graphql(desc = "Continue after this cursor.")] after: Option<String>,
    ) -> Result<super::timeline::EventConnection> {
        super::timeline::network_timeline(ctx, self.0.id, kinds, types, organisation_id, first, after).await
    }

    /// Each partner's follow-through on ratification: involved, answered,
    /// approved, rejected, median days from agreement to outcome, open conditions.
    async fn follow_through(&self, ctx: &Context<'_>) -> Result<Vec<super::ratification::PartnerFollowThrough>> {
        super::ratification::network_follow_through(ctx, self.0.id).await
    }

    /// The network's alignment rounds, newest first.
    async fn alignment_rounds(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Page size, 1 to 100 (default 20).")] first: Option<i32>,
        #[graphql(desc = "Continue after this cursor.")] after: Option<String>,
    ) -> Result<AlignmentRoundConnection> {
        let page = connection::page_request(first, after.as_deref())?;
        let page = store(ctx).rounds_page_of_network(self.0.id, page).await?;
        Ok(AlignmentRoundConnection::new(page.map(super::alignment::AlignmentRound)))
    }
}

connection!(
    Network,
    NetworkConnection,
    NetworkEdge,
    "A page of networks, oldest first.",
    "A network in a list, with its cursor."
);

/// A network's settings. Every value has a default; `setNetworkSettings` changes them.
pub struct NetworkSettings(Settings);

/// A network's settings: the ratification window and the thresholds `health` uses.
#[Object]
impl NetworkSettings {
    /// Days a party's bodies have to ratify an agreed commitment (default 42).
    async fn ratification_window_days(&self) -> i32 {
        self.0.ratification_window_days
    }

    /// A quick win must be due within this many days (default 90).
    async fn quick_win_max_days(&self) -> i32 {
        self.0.quick_win_max_days
    }

    /// A round older than this many days is not recent (default 180).
    async fn alignment_round_max_age_days(&self) -> i32 {
        self.0.alignment_round_max_age_days
    }

    /// A fall of the alignment index by more than this is a drop (default 0.1).
    async fn alignment_drop_threshold(&self) -> f64 {
        self.0.alignment_drop_threshold
    }

    /// More than this share of open commitments NETWORK-wide is too much together (default 0.5).
    async fn too_much_together_share(&self) -> f64 {
        self.0.too_much_together_share
    }

    /// No quick win delivered for this many days is a signal (default 90).
    async fn no_recent_quick_win_days(&self) -> i32 {
        self.0.no_recent_quick_win_days
    }

    /// The collaboration graph flags a partner in more than this share of the
    /// open commitments as over-committed (default 0.5).
    async fn over_committed_share(&self) -> f64 {
        self.0.over_committed_share
    }

    /// Whether partners see each other's indicator figures (default false:
    /// each partner sees its own and the network total).
    async fn share_partner_figures(&self) -> bool {
        self.0.share_partner_figures
    }

    /// An indicator's total that moves by less than this share of the period
    /// before has stalled (default 0.01).
    async fn indicator_stall_share(&self) -> f64 {
        self.0.indicator_stall_share
    }

    /// Members of a body are reminded this many days before its decision is
    /// due, if it has recorded no outcome (default 7; 0: never).
    async fn reminder_ratification_days_before(&self) -> i32 {
        self.0.reminder_ratification_days_before
    }

    /// Invitees who have not answered are reminded this many days before a
    /// round closes (default 2; 0: never).
    async fn reminder_round_days_before(&self) -> i32 {
        self.0.reminder_round_days_before
    }

    /// A condition is overdue this many days after the outcome that set it
    /// (or at the commitment's due date, if sooner); its party's DIRECTORs
    /// are then reminded (default 42; 0: never).
    async fn reminder_condition_days(&self) -> i32 {
        self.0.reminder_condition_days
    }
}

#[derive(Clone)]
pub struct CharterVersion(pub charter_version::Model);

/// One version of a network's charter: its goals and working agreements.
#[Object]
impl CharterVersion {
    /// Opaque global id.
    pub async fn id(&self) -> ID {
        ids::global_id(NodeType::CharterVersion, self.0.id)
    }

    /// 1 for the first charter, then one more per adoption.
    async fn version(&self) -> i32 {
        self.0.version
    }

    /// The goals the partners share.
    async fn goals(&self) -> &str {
        &self.0.goals
    }

    /// How the partners agreed to work together.
    async fn working_agreements(&self) -> &str {
        &self.0.working_agreements
    }

    /// When this version was adopted.
    async fn adopted_at(&self) -> DateTime {
        DateTime(self.0.adopted_at)
    }

    /// The facilitator who adopted it, if you may see them.
    async fn adopted_by(&self, ctx: &Context<'_>) -> Result<Option<Person>> {
        loaders::person(ctx, self.0.adopted_by).await
    }
}

#[derive(Clone)]
pub struct Partnership(pub partnership::Model);

impl Partnership {
    pub fn uuid(&self) -> Uuid {
        self.0.id
    }
}

/// One period of an organisation's membership of a network, with its
/// acknowledgement of the charter and its representatives.
#[Object]
impl Partnership {
    /// Opaque global id.
    pub async fn id(&self) -> ID {
        ids::global_id(NodeType::Partnership, self.0.id)
    }

    /// The network; null when you may no longer see it (your organisation left).
    async fn network(&self, ctx: &Context<'_>) -> Result<Option<Network>> {
        Ok(loaders::from_context(ctx).load_one(NetworkId(self.0.network_id)).await?.map(Network))
    }

    /// The partner organisation.
    async fn organisation(&self, ctx: &Context<'_>) -> Result<Organisation> {
        let organisation = loaders::from_context(ctx).load_one(OrganisationId(self.0.organisation_id)).await?;
        loaders::present(organisation, "a partnership's organisation").map(Organisation)
    }

    /// INVITED, ACTIVE or LEFT.
    async fn status(&self) -> PartnershipStatus {
        self.0.status.into()
    }

    /// When the organisation was invited.
    async fn invited_at(&self) -> DateTime {
        DateTime(self.0.invited_at)
    }

    /// The day a director accepted.
    async fn joined_on(&self) -> Option<Date> {
        self.0.joined_on.map(Date)
    }

    /// The day the partner left.
    async fn left_on(&self) -> Option<Date> {
        self.0.left_on.map(Date)
    }

    /// Why the partner left.
    async fn left_reason(&self) -> Option<&str> {
        self.0.left_reason.as_deref()
    }

    /// The charter version a director acknowledged for the partner.
    async fn acknowledged_charter_version(&self) -> Option<i32> {
        self.0.acknowledged_charter_version
    }

    /// When that acknowledgement was recorded.
    async fn acknowledged_at(&self) -> Option<DateTime> {
        self.0.acknowledged_at.map(DateTime)
    }

    /// Whether the partner acknowledged the current charter version. A new
    /// version makes this false until a director acknowledges again.
    async fn charter_acknowledged(&self, ctx: &Context<'_>) -> Result<bool> {
        let current = current_version(ctx, self.0.network_id).await?;
        Ok(current.is_some() && current == self.0.acknowledged_charter_version)
    }

    /// The partner's representatives: current ones, or all periods with `includeEnded`.
    async fn representatives(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Include representations that have ended.", default = false)] include_ended: bool,
    ) -> Result<Vec<Representation>> {
        let key = RepresentationsOf { partnership: self.0.id, current: !include_ended };
        let rows = loaders::from_context(ctx).load_one(key).await?.unwrap_or_default();
        Ok(rows.into_iter().map(Representation).collect())
    }

    /// What the partner expects of the network, oldest first.
    async fn expectations(&self, ctx: &Context<'_>) -> Result<Vec<Expectation>> {
        let rows = loaders::from_context(ctx).load_one(ExpectationsOf(self.0.id)).await?.unwrap_or_default();
        Ok(rows.into_iter().map(Expectation).collect())
    }
}

connection!(
    Partnership,
    PartnershipConnection,
    PartnershipEdge,
    "A page of partnerships, oldest first.",
    "A partnership in a list, with its cursor."
);

#[derive(Clone)]
pub struct Representation(pub representation::Model);

/// A person at the table for a partner, over a period, with their personal
/// acknowledgement of the charter.
#[Object]
impl Representation {
    /// Opaque global id.
    pub async fn id(&self) -> ID {
        ids::global_id(NodeType::Representation, self.0.id)
    }

    /// The representative.
    async fn person(&self, ctx: &Context<'_>) -> Result<Option<Person>> {
        loaders::person(ctx, Some(self.0.person_id)).await
    }

    /// The partnership represented.
    async fn partnership(&self, ctx: &Context<'_>) -> Result<Partnership> {
        let partnership = loaders::from_context(ctx).load_one(PartnershipId(self.0.partnership_id)).await?;
        loaders::present(partnership, "a representation's partnership").map(Partnership)
    }

    /// The first day of the period.
    async fn started_on(&self) -> Date {
        Date(self.0.started_on)
    }

    /// The first day it no longer holds; null while it runs.
    async fn ended_on(&self) -> Option<Date> {
        self.0.ended_on.map(Date)
    }

    /// Whether the person represents the partner today.
    async fn current(&self, ctx: &Context<'_>) -> bool {
        let today = store(ctx).actor().today;
        crate::domain::actor::holds_on(self.0.started_on, self.0.ended_on, today)
    }

    /// The charter version this representative acknowledged personally.
    async fn acknowledged_charter_version(&self) -> Option<i32> {
        self.0.acknowledged_charter_version
    }

    /// When they acknowledged it.
    async fn acknowledged_at(&self) -> Option<DateTime> {
        self.0.acknowledged_at.map(DateTime)
    }

    /// Whether they acknowledged the current version; a new representative
    /// starts unacknowledged.
    async fn charter_acknowledged(&self, ctx: &Context<'_>) -> Result<bool> {
        let current = current_version(ctx, self.0.network_id).await?;
        Ok(current.is_some() && current == self.0.acknowledged_charter_version)
    }
}

#[derive(Clone)]
pub struct Expectation(pub expectation::Model);

/// What a partner expects of the network, on record.
#[Object]
impl Expectation {
    /// Opaque global id.
    pub async fn id(&self) -> ID {
        ids::global_id(NodeType::Expectation, self.0.id)
    }

    /// The partnership whose expectation this is.
    async fn partnership(&self, ctx: &Context<'_>) -> Result<Partnership> {
        let partnership = loaders::from_context(ctx).load_one(PartnershipId(self.0.partnership_id)).await?;
        loaders::present(partnership, "an expectation's partnership").map(Partnership)
    }

    /// GOAL, WAY_OF_WORKING, CONTRIBUTION or RESULT.
    async fn kind(&self) -> ExpectationKind {
        self.0.kind.into()
    }

    /// The expectation in the partner's words.
    async fn text(&self) -> &str {
        &self.0.text
    }

    /// When it was recorded.
    async fn recorded_at(&self) -> DateTime {
        DateTime(self.0.recorded_at)
    }

    /// Who recorded it, if you may see them.
    async fn recorded_by(&self, ctx: &Context<'_>) -> Result<Option<Person>> {
        loaders::person(ctx, self.0.recorded_by).await
    }
}

#[derive(Default)]
pub struct NetworkQuery;

#[Object]
impl NetworkQuery {
    /// The networks you may see, oldest first.
    async fn networks(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Only networks in this status.")] status: Option<NetworkStatus>,
        #[graphql(desc = "Page size, 1 to 100 (default 20).")] first: Option<i32>,
        #[graphql(desc = "Continue after this cursor.")] after: Option<String>,
    ) -> Result<NetworkConnection> {
        let page = connection::page_request(first, after.as_deref())?;
        let page = store(ctx).networks_page(status.map(Into::into), page).await?;
        Ok(NetworkConnection::new(page.map(Network)))
    }

    /// One network, or null when it does not exist or you may not see it.
    async fn network(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The network's id.")] id: ID,
    ) -> Result<Option<Network>> {
        let id = match ids::decode_id("id", &id, NodeType::Network) {
            Ok(id) => id,
            Err(crate::domain::AppError::NotFound(_)) => return Ok(None),
            Err(other) => return Err(other.into()),
        };
        // A root field has no siblings to batch with: read it at once rather
        // than lead a batch (which yields to the executor before it loads), and
        // keep it for the fields below that load the same network.
        let found = store(ctx).networks_by_ids(&[id]).await?.pop();
        loaders::prime(ctx, [(NetworkId(id), found.clone())]);
        Ok(found.map(Network))
    }
}

/// Creates a network. A facilitator who creates it facilitates it.
#[derive(InputObject)]
pub struct CreateNetworkInput {
    /// The name, 1 to 200 characters.
    pub name: String,
    /// What the network is for, 1 to 10,000 characters.
    pub purpose: String,
}

/// The result of `createNetwork`.
#[derive(SimpleObject)]
pub struct CreateNetworkPayload {
    /// The new network.
    pub network: Network,
}

/// Changes a network's name, purpose or status.
#[derive(InputObject)]
pub struct UpdateNetworkInput {
    /// The network.
    pub id: ID,
    /// The `version` you last read; a stale version is refused with CONFLICT.
    pub expected_version: i32,
    /// A new name.
    pub name: Option<String>,
    /// A new purpose.
    pub purpose: Option<String>,
    /// A new status.
    pub status: Option<NetworkStatus>,
}

/// The result of `updateNetwork`.
#[derive(SimpleObject)]
pub struct UpdateNetworkPayload {
    /// The network as changed.
    pub network: Network,
}

/// Changes a network's settings; omitted values keep their current setting.
#[derive(InputObject)]
pub struct SetNetworkSettingsInput {
    /// The network.
    pub network_id: ID,
    /// Days a party's bodies have to ratify, 1 to 365.
    pub ratification_window_days: Option<i32>,
    /// Maximum days until a quick win is due, 1 to 365.
    pub quick_win_max_days: Option<i32>,
    /// Days after which the last round is not recent, 1 to 1000.
    pub alignment_round_max_age_days: Option<i32>,
    /// Fall of the alignment index that counts as a drop, 0 to 1.
    pub alignment_drop_threshold: Option<f64>,
    /// Share of NETWORK-wide open commitments above which the network does too much together, 0 to 1.
    pub too_much_together_share: Option<f64>,
    /// Days without a delivered quick win that make a signal, 1 to 1000.
    pub no_recent_quick_win_days: Option<i32>,
    /// Share of open commitments above which a partner is over-committed, 0 to 1.
    pub over_committed_share: Option<f64>,
    /// Days before a decision is due that its body's members are reminded, 0 (never) to 365.
    pub reminder_ratification_days_before: Option<i32>,
    /// Days before a round closes that invitees who have not answered are reminded, 0 (never) to 365.
    pub reminder_round_days_before: Option<i32>,
    /// Days after an outcome that its open conditions are overdue and reminded of, 0 (never) to 365.
    pub reminder_condition_days: Option<i32>,
    /// Whether partners see each other's indicator figures.
    pub share_partner_figures: Option<bool>,
    /// Relative change below which an indicator has stalled, 0 to 1.
    pub indicator_stall_share: Option<f64>,
}

/// The result of `setNetworkSettings`.
#[derive(SimpleObject)]
pub struct SetNetworkSettingsPayload {
    /// The network with its new settings.
    pub network: Network,
}

/// Makes a person (tenant role FACILITATOR or ADMIN) a facilitator of a network.
#[derive(InputObject)]
pub struct AssignFacilitatorInput {
    /// The network.
    pub network_id: ID,
    /// The person.
    pub person_id: ID,
}

/// The result of `assignFacilitator`.
#[derive(SimpleObject)]
pub struct AssignFacilitatorPayload {
    /// The network, whose `facilitators` now include the person.
    pub network: Network,
}

/// Adopts a new version of the network's charter.
#[derive(InputObject)]
pub struct AdoptCharterInput {
    /// The network.
    pub network_id: ID,
    /// The shared goals, 1 to 10,000 characters.
    pub goals: String,
    /// The working agreements, 1 to 10,000 characters.
    pub working_agreements: String,
}

/// The result of `adoptCharter`.
#[derive(SimpleObject)]
pub struct AdoptCharterPayload {
    /// The new version.
    pub charter_version: CharterVersion,
}

/// Invites an organisation into a network.
#[derive(InputObject)]
pub struct InvitePartnerInput {
    /// The network.
    pub network_id: ID,
    /// The organisation to invite.
    pub organisation_id: ID,
}

/// The result of `invitePartner`.
#[derive(SimpleObject)]
pub struct InvitePartnerPayload {
    /// The new partnership, INVITED.
    pub partnership: Partnership,
}

/// A director accepts the invitation of their organisation.
#[derive(InputObject)]
pub struct AcceptPartnershipInput {
    /// The INVITED partnership.
    pub partnership_id: ID,
}

/// The result of `acceptPartnership`.
#[derive(SimpleObject)]
pub struct AcceptPartnershipPayload {
    /// The partnership, now ACTIVE.
    pub partnership: Partnership,
}

/// Records that a partner leaves the network.
#[derive(InputObject)]
pub struct RemovePartnerInput {
    /// The partnership that ends.
    pub partnership_id: ID,
    /// Why, 1 to 10,000 characters.
    pub reason: String,
}

/// The result of `removePartner`.
#[derive(SimpleObject)]
pub struct RemovePartnerPayload {
    /// The partnership, now LEFT; it stays on record.
    pub partnership: Partnership,
}

/// Sets who sits at the table for a partner.
#[derive(InputObject)]
pub struct SetRepresentativesInput {
    /// The partnership.
    pub partnership_id: ID,
    /// The complete list of current representatives; each needs a current position in the partner.
    #[graphql(validator(max_items = 100))]
    pub person_ids: Vec<ID>,
}

/// The result of `setRepresentatives`.
#[derive(SimpleObject)]
pub struct SetRepresentativesPayload {
    /// The partnership with its representatives.
    pub partnership: Partnership,
}

/// Acknowledges the current charter: for the partner (as its director),
/// personally (as its representative), or both.
#[derive(InputObject)]
pub struct AcknowledgeCharterInput {
    /// The partnership.
    pub partnership_id: ID,
    /// The version you read; it must be the current one.
    pub version: i32,
}

/// The result of `acknowledgeCharter`.
#[derive(SimpleObject)]
pub struct AcknowledgeCharterPayload {
    /// The partnership.
    pub partnership: Partnership,
    /// Whether the acknowledgement was recorded for the partner.
    pub for_partner: bool,
    /// Whether it was recorded for you personally as a representative.
    pub personally: bool,
}

/// Records what a partner expects of the network.
#[derive(InputObject)]
pub struct RecordExpectationInput {
    /// The partnership.
    pub partnership_id: ID,
    /// The kind of expectation.
    pub kind: ExpectationKind,
    /// The expectation, 1 to 10,000 characters.
    pub text: String,
}

/// The result of `recordExpectation`.
#[derive(SimpleObject)]
pub struct RecordExpectationPayload {
    /// The expectation on record.
    pub expectation: Expectation,
}

#[derive(Default)]
pub struct NetworkMutation;

#[Object]
impl NetworkMutation {
    /// Creates a network. ADMIN or FACILITATOR.
    async fn create_network(&self, ctx: &Context<'_>, input: CreateNetworkInput) -> Result<CreateNetworkPayload> {
        let network =
            service::create(store(ctx), service::CreateNetwork { name: input.name, purpose: input.purpose }).await?;
        Ok(CreateNetworkPayload { network: Network(network) })
    }

    /// Changes a network's name, purpose or status. Its facilitators, or an ADMIN.
    async fn update_network(&self, ctx: &Context<'_>, input: UpdateNetworkInput) -> Result<UpdateNetworkPayload> {
        let network = service::update(
            store(ctx),
            service::UpdateNetwork {
                id: ids::decode_id("id", &input.id, NodeType::Network)?,
                expected_version: input.expected_version,
                name: input.name,
                purpose: input.purpose,
                status: input.status.map(Into::into),
            },
        )
        .await?;
        Ok(UpdateNetworkPayload { network: Network(network) })
    }

    /// Changes a network's settings. Its facilitators, or an ADMIN.
    async fn set_network_settings(
        &self,
        ctx: &Context<'_>,
        input: SetNetworkSettingsInput,
    ) -> Result<SetNetworkSettingsPayload> {
        let store = store(ctx);
        let network_id = ids::decode_id("networkId", &input.network_id, NodeType::Network)?;
        let current = Settings::from_json(&store.network(network_id).await?.settings);
        let settings = Settings {
            ratification_window_days: input.ratification_window_days.unwrap_or(current.ratification_window_days),
            quick_win_max_days: input.quick_win_max_days.unwrap_or(current.quick_win_max_days),
            alignment_round_max_age_days: input
                .alignment_round_max_age_days
                .unwrap_or(current.alignment_round_max_age_days),
            alignment_drop_threshold: input.alignment_drop_threshold.unwrap_or(current.alignment_drop_threshold),
            too_much_together_share: input.too_much_together_share.unwrap_or(current.too_much_together_share),
            no_recent_quick_win_days: input.no_recent_quick_win_days.unwrap_or(current.no_recent_quick_win_days),
            over_committed_share: input.over_committed_share.unwrap_or(current.over_committed_share),
            reminder_ratification_days_before: input
                .reminder_ratification_days_before
                .unwrap_or(current.reminder_ratification_days_before),
            reminder_round_days_before: input.reminder_round_days_before.unwrap_or(current.reminder_round_days_before),
            reminder_condition_days: input.reminder_condition_days.unwrap_or(current.reminder_condition_days),
            share_partner_figures: input.share_partner_figures.unwrap_or(current.share_partner_figures),
            indicator_stall_share: input.indicator_stall_share.unwrap_or(current.indicator_stall_share),
        };
        let network = service::set_settings(store, network_id, settings).await?;
        Ok(SetNetworkSettingsPayload { network: Network(network) })
    }

    /// Makes a person a facilitator of a network. ADMIN only.
    async fn assign_facilitator(
        &self,
        ctx: &Context<'_>,
        input: AssignFacilitatorInput,
    ) -> Result<AssignFacilitatorPayload> {
        let network = service::assign_facilitator(
            store(ctx),
            ids::decode_id("networkId", &input.network_id, NodeType::Network)?,
            ids::decode_id("personId", &input.person_id, NodeType::Person)?,
        )
        .await?;
        Ok(AssignFacilitatorPayload { network: Network(network) })
    }

    /// Adopts the next charter version. Facilitators of the network.
    async fn adopt_charter(&self, ctx: &Context<'_>, input: AdoptCharterInput) -> Result<AdoptCharterPayload> {
        let charter = service::adopt_charter(
            store(ctx),
            service::AdoptCharter {
                network_id: ids::decode_id("networkId", &input.network_id, NodeType::Network)?,
                goals: input.goals,
                working_agreements: input.working_agreements,
            },
        )
        .await?;
        Ok(AdoptCharterPayload { charter_version: CharterVersion(charter) })
    }

    /// Invites an organisation. Facilitators of the network.
    async fn invite_partner(&self, ctx: &Context<'_>, input: InvitePartnerInput) -> Result<InvitePartnerPayload> {
        let partnership = service::invite_partner(
            store(ctx),
            ids::decode_id("networkId", &input.network_id, NodeType::Network)?,
            ids::decode_id("organisationId", &input.organisation_id, NodeType::Organisation)?,
        )
        .await?;
        Ok(InvitePartnerPayload { partnership: Partnership(partnership) })
    }

    /// Accepts an invitation. A DIRECTOR of the invited organisation.
    async fn accept_partnership(
        &self,
        ctx: &Context<'_>,
        input: AcceptPartnershipInput,
    ) -> Result<AcceptPartnershipPayload> {
        let id = ids::decode_id("partnershipId", &input.partnership_id, NodeType::Partnership)?;
        let partnership = service::accept(store(ctx), id).await?;
        Ok(AcceptPartnershipPayload { partnership: Partnership(partnership) })
    }

    /// Records that a partner leaves. Facilitators of the network, or a DIRECTOR of the partner.
    async fn remove_partner(&self, ctx: &Context<'_>, input: RemovePartnerInput) -> Result<RemovePartnerPayload> {
        let id = ids::decode_id("partnershipId", &input.partnership_id, NodeType::Partnership)?;
        let partnership = service::remove(store(ctx), id, &input.reason).await?;
        Ok(RemovePartnerPayload { partnership: Partnership(partnership) })
    }

    /// Sets a partner's representatives. A DIRECTOR of the partner, or a facilitator.
    async fn set_representatives(
        &self,
        ctx: &Context<'_>,
        input: SetRepresentativesInput,
    ) -> Result<SetRepresentativesPayload> {
        let partnership = service::set_representatives(
            store(ctx),
            ids::decode_id("partnershipId", &input.partnership_id, NodeType::Partnership)?,
            ids::decode_ids("personIds", &input.person_ids, NodeType::Person)?,
        )
        .await?;
        Ok(SetRepresentativesPayload { partnership: Partnership(partnership) })
    }

    /// Acknowledges the current charter. A DIRECTOR (for the partner) or a representative (personally).
    async fn acknowledge_charter(
        &self,
        ctx: &Context<'_>,
        input: AcknowledgeCharterInput,
    ) -> Result<AcknowledgeCharterPayload> {
        let id = ids::decode_id("partnershipId", &input.partnership_id, NodeType::Partnership)?;
        let done = service::acknowledge_charter(store(ctx), id, input.version).await?;
        Ok(AcknowledgeCharterPayload {
            partnership: Partnership(done.partnership),
            for_partner: done.for_partner,
            personally: done.personally,
        })
    }

    /// Records a partner's expectation. A DIRECTOR or representative of the partner, or a facilitator.
    async fn record_expectation(
        &self,
        ctx: &Context<'_>,
        input: RecordExpectationInput,
    ) -> Result<RecordExpectationPayload> {
        let expectation = service::record_expectation(
            store(ctx),
            ids::decode_id("partnershipId", &input.partnership_id, NodeType::Partnership)?,
            input.kind.into(),
            &input.text,
        )
        .await?;
        Ok(RecordExpectationPayload { expectation: Expectation(expectation) })
    }
}
