//! The Relay `Node` interface and `node`/`nodes`. An object the viewer may not
//! see is null here, exactly like one that does not exist.

use async_graphql::{Context, ID, Interface, Object, Result};

use super::alignment::AlignmentRound;
use super::calendar::CalendarFeed;
use super::cycles::Cycle;
use super::ids::{self, NodeType};
use super::indicators::Indicator;
use super::integration::{ApiClient, IdentityProvider, Webhook};
use super::loaders::{
    self, BodyId, CharterVersionId, ExpectationId, NetworkId, OrganisationId, PartnershipId, PersonId, PositionId,
    RepresentationId, RoundId,
};
use super::loaders::{CommitmentId, GoalId, MeetingId, RatificationId};
use super::networks::{CharterVersion, Expectation, Network, Partnership, Representation};
use super::organisations::{GoverningBody, Organisation};
use super::people::{Person, Position};
use super::ratification::Ratification;
use super::store;
use super::timeline::Event;
use super::work::{Commitment, Goal, Meeting};
use crate::domain::{AppError, AppResult};

/// NOT_FOUND as null.
fn found<T>(result: AppResult<T>) -> AppResult<Option<T>> {
    match result {
        Ok(value) => Ok(Some(value)),
        Err(AppError::NotFound(_)) => Ok(None),
        Err(error) => Err(error),
    }
}

/// An object with a global id, fetchable with `node(id:)`.
#[derive(Interface)]
#[graphql(field(name = "id", ty = "ID", desc = "Opaque global id."))]
pub enum Node {
    Organisation(Organisation),
    GoverningBody(GoverningBody),
    Person(Person),
    Position(Position),
    Network(Network),
    CharterVersion(CharterVersion),
    Partnership(Partnership),
    Representation(Representation),
    Expectation(Expectation),
    AlignmentRound(AlignmentRound),
    Goal(Goal),
    Meeting(Meeting),
    Commitment(Commitment),
    Ratification(Ratification),
    ApiClient(ApiClient),
    IdentityProvider(IdentityProvider),
    Webhook(Webhook),
    Event(Event),
    CalendarFeed(CalendarFeed),
    Indicator(Indicator),
    Cycle(Cycle),
}

async fn load(ctx: &Context<'_>, node_type: NodeType, id: uuid::Uuid) -> Result<Option<Node>> {
    let loaders = loaders::from_context(ctx);
    Ok(match node_type {
        NodeType::Organisation => {
            loaders.load_one(OrganisationId(id)).await?.map(|m| Node::Organisation(Organisation(m)))
        }
        NodeType::GoverningBody => loaders.load_one(BodyId(id)).await?.map(|m| Node::GoverningBody(GoverningBody(m))),
        NodeType::Person => loaders.load_one(PersonId(id)).await?.map(|m| Node::Person(Person(m))),
        NodeType::Position => loaders.load_one(PositionId(id)).await?.map(|m| Node::Position(Position(m))),
        NodeType::Network => loaders.load_one(NetworkId(id)).await?.map(|m| Node::Network(Network(m))),
        NodeType::CharterVersion => {
            loaders.load_one(CharterVersionId(id)).await?.map(|m| Node::CharterVersion(CharterVersion(m)))
        }
        NodeType::Partnership => loaders.load_one(PartnershipId(id)).await?.map(|m| Node::Partnership(Partnership(m))),
        NodeType::Representation => {
            loaders.load_one(RepresentationId(id)).await?.map(|m| Node::Representation(Representation(m)))
        }
        NodeType::Expectation => loaders.load_one(ExpectationId(id)).await?.map(|m| Node::Expectation(Expectation(m))),
        NodeType::AlignmentRound => {
            loaders.load_one(RoundId(id)).await?.map(|m| Node::AlignmentRound(AlignmentRound(m)))
        }
        NodeType::Goal => loaders.load_one(GoalId(id)).await?.map(|m| Node::Goal(Goal(m))),
        NodeType::Meeting => loaders.load_one(MeetingId(id)).await?.map(|m| Node::Meeting(Meeting(m))),
        NodeType::Commitment => loaders.load_one(CommitmentId(id)).await?.map(|m| Node::Commitment(Commitment(m))),
        NodeType::Ratification => {
            loaders.load_one(RatificationId(id)).await?.map(|m| Node::Ratification(Ratification(m)))
        }
        // Conditions are reached through their ratification.
        NodeType::RatificationCondition => None,
        // Integration settings are few and looked up one at a time: no loader.
        NodeType::ApiClient => found(store(ctx).api_client(id).await)?.map(|m| Node::ApiClient(ApiClient(m))),
        NodeType::Webhook => found(store(ctx).webhook(id).await)?.map(|m| Node::Webhook(Webhook(m))),
        NodeType::IdentityProvider => store(ctx)
            .identity_providers()
            .await?
            .into_iter()
            .find(|p| p.id == id)
            .map(|m| Node::IdentityProvider(IdentityProvider(m))),
        // An event is seen where its network's timeline shows it.
        NodeType::Event => store(ctx).visible_event(id).await?.map(|m| Node::Event(Event(m))),
        // Seen by its owner and an admin only.
        NodeType::CalendarFeed => {
            found(store(ctx).calendar_feed(id).await)?.map(|m| Node::CalendarFeed(CalendarFeed(m)))
        }
        NodeType::Indicator => found(store(ctx).indicator(id).await)?.map(|m| Node::Indicator(Indicator(m))),
        // Measurements are reached through their indicator.
        NodeType::Measurement => None,
        NodeType::Cycle => found(store(ctx).cycle(id).await)?.map(|m| Node::Cycle(Cycle(m))),
    })
}

#[derive(Default)]
pub struct NodeQuery;

#[Object]
impl NodeQuery {
    /// The object with this global id, or null when it does not exist or you may
    /// not see it.
    async fn node(&self, ctx: &Context<'_>, #[graphql(desc = "A global id.")] id: ID) -> Result<Option<Node>> {
        let (node_type, uuid) = ids::decode_global_id("id", &id)?;
        load(ctx, node_type, uuid).await
    }

    /// The objects with these global ids, in the same order; null for each that
    /// does not exist or that you may not see. At most 100 ids.
    async fn nodes(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Up to 100 global ids.", validator(max_items = 100))] ids: Vec<ID>,
    ) -> Result<Vec<Option<Node>>> {
        let decoded = ids.iter().map(|id| ids::decode_global_id("ids", id)).collect::<Result<Vec<_>, _>>()?;
        // Every lookup is queued before any is awaited, so the loaders batch
        // them into one query per type.
        futures_util::future::try_join_all(decoded.into_iter().map(|(t, id)| load(ctx, t, id))).await
    }
}
