//! `Network.collaborationGraph`: who works with whom (docs/collaboration.md).

use std::collections::BTreeMap;

use async_graphql::{Context, Object, Result, SimpleObject};
use serde_json::json;
use uuid::Uuid;

use super::enums::CommitmentScope;
use super::ids::{self, NodeType};
use super::loaders;
use super::organisations::Organisation;
use super::scalars::{DateTime, Json};
use crate::domain::collaboration::{Coalition as Found, Edge, Node};
use crate::service::collaboration::CollaborationGraph as Graph;

pub struct CollaborationGraph(pub Graph);

/// A network's partners as nodes and the commitments they share as weighted
/// edges, as of a moment: the duos and trios that deliver, the partners in
/// too much and those in nothing. Facilitators and admins see every edge; a
/// partner's DIRECTORs the edges of their own organisation; others the
/// partners without edges.
#[Object]
impl CollaborationGraph {
    /// The moment the graph shows.
    async fn as_of(&self) -> DateTime {
        DateTime(self.0.at)
    }

    /// Whether every edge is shown (facilitators and admins), or only those
    /// of the viewer's own organisations.
    async fn complete(&self) -> bool {
        self.0.whole
    }

    /// The network's open commitments (proposed, agreed or in progress) then.
    async fn open_commitments(&self) -> i32 {
        i32::try_from(self.0.graph.open_commitments).unwrap_or(i32::MAX)
    }

    /// The open commitments below network scope (ORGANISATION, COALITION):
    /// what over-commitment and isolation are judged on.
    async fn selective_open_commitments(&self) -> i32 {
        i32::try_from(self.0.graph.selective_open_commitments).unwrap_or(i32::MAX)
    }

    /// One node per partner that was ACTIVE on the day.
    async fn nodes(&self) -> Vec<CollaborationNode> {
        self.0.graph.nodes.iter().cloned().map(CollaborationNode).collect()
    }

    /// One edge per pair of partners that share commitments.
    async fn edges(&self) -> Vec<CollaborationEdge> {
        self.0.graph.edges.iter().cloned().map(CollaborationEdge).collect()
    }

    /// Partners who delivered COALITION commitments together, most first.
    async fn coalitions(&self) -> Vec<Coalition> {
        self.0.graph.coalitions.iter().cloned().map(Coalition).collect()
    }

    /// Partners in more than the network's `overCommittedShare` of its open
    /// commitments below network scope (once there are at least three):
    /// network-wide ones have every partner and say nothing about who
    /// carries too much.
    async fn over_committed(&self, ctx: &Context<'_>) -> Result<Vec<Organisation>> {
        let ids = self.0.graph.nodes.iter().filter(|n| n.over_committed).map(|n| n.organisation_id);
        organisations(ctx, ids).await
    }

    /// Partners in no open commitment below network scope: in nothing but
    /// what everyone is in.
    async fn isolated(&self, ctx: &Context<'_>) -> Result<Vec<Organisation>> {
        let ids = self.0.graph.nodes.iter().filter(|n| n.isolated).map(|n| n.organisation_id);
        organisations(ctx, ids).await
    }

    /// The graph as one JSON document for drawing libraries (d3, vis,
    /// Cytoscape): `nodes` (`id`, `name`, counts, `shareOfOpen`,
    /// `selectiveOpen`, `shareOfSelectiveOpen`,
    /// `overCommitted`, `isolated`), `edges` (`source`, `target`, `weight`,
    /// `byScope`, `byState`) and `coalitions`; ids are global ids.
    async fn json(&self, ctx: &Context<'_>) -> Result<Json> {
        let names = names(ctx, &self.0).await?;
        let id = |u: Uuid| ids::global_id(NodeType::Organisation, u).to_string();
        let graph = &self.0.graph;
        Ok(Json(json!({
            "asOf": self.0.at,
            "openCommitments": graph.open_commitments,
            "selectiveOpenCommitments": graph.selective_open_commitments,
            "nodes": graph.nodes.iter().map(|n| json!({
                "id": id(n.organisation_id), "name": names.get(&n.organisation_id),
                "open": n.open, "delivered": n.delivered, "dropped": n.dropped,
                "shareOfOpen": n.share_of_open, "selectiveOpen": n.selective_open,
                "shareOfSelectiveOpen": n.share_of_selective_open,
                "overCommitted": n.over_committed, "isolated": n.isolated,
            })).collect::<Vec<_>>(),
            "edges": graph.edges.iter().map(|e| json!({
                "source": id(e.source), "target": id(e.target), "weight": e.weight,
                "byScope": e.by_scope, "byState": e.by_state,
            })).collect::<Vec<_>>(),
            "coalitions": graph.coalitions.iter().map(|c| json!({
                "organisations": c.organisation_ids.iter().map(|o| id(*o)).collect::<Vec<_>>(),
                "delivered": c.delivered,
            })).collect::<Vec<_>>(),
        })))
    }

    /// The graph as GraphML, for yEd, Gephi or networkx: undirected, nodes
    /// keyed by global id with `name`, counts and flags, edges with `weight`
    /// and counts by state.
    async fn graphml(&self, ctx: &Context<'_>) -> Result<String> {
        let names = names(ctx, &self.0).await?;
        Ok(self.0.graph.graphml(&names, |u| ids::global_id(NodeType::Organisation, u).to_string()))
    }
}

async fn organisations(ctx: &Context<'_>, ids: impl Iterator<Item = Uuid>) -> Result<Vec<Organisation>> {
    let ids: Vec<Uuid> = ids.collect();
    let found = loaders::from_context(ctx).load_many(ids.iter().copied().map(loaders::OrganisationId)).await?;
    Ok(ids.into_iter().filter_map(|id| found.get(&loaders::OrganisationId(id)).cloned().map(Organisation)).collect())
}

/// The partners' names, in one batched read.
async fn names(ctx: &Context<'_>, graph: &Graph) -> Result<BTreeMap<Uuid, String>> {
    let ids = graph.graph.nodes.iter().map(|n| n.organisation_id);
    Ok(organisations(ctx, ids).await?.into_iter().map(|o| (o.0.id, o.0.name)).collect())
}

pub struct CollaborationNode(Node);

/// A partner in the graph: how many commitments it is a party to, by state.
#[Object]
impl CollaborationNode {
    /// The partner.
    async fn organisation(&self, ctx: &Context<'_>) -> Result<Option<Organisation>> {
        loaders::organisation(ctx, self.0.organisation_id).await
    }

    /// Open commitments (proposed, agreed or in progress) it is a party to.
    async fn open(&self) -> i32 {
        i32::try_from(self.0.open).unwrap_or(i32::MAX)
    }

    /// Delivered commitments it is a party to.
    async fn delivered(&self) -> i32 {
        i32::try_from(self.0.delivered).unwrap_or(i32::MAX)
    }

    /// Dropped commitments it was a party to.
    async fn dropped(&self) -> i32 {
        i32::try_from(self.0.dropped).unwrap_or(i32::MAX)
    }

    /// Its share of the network's open commitments, 0 to 1.
    async fn share_of_open(&self) -> f64 {
        self.0.share_of_open
    }

    /// Open commitments below network scope it is a party to.
    async fn selective_open(&self) -> i32 {
        i32::try_from(self.0.selective_open).unwrap_or(i32::MAX)
    }

    /// Its share of the open commitments below network scope, 0 to 1.
    async fn share_of_selective_open(&self) -> f64 {
        self.0.share_of_selective_open
    }

    /// In more than the network's `overCommittedShare` of the open
    /// commitments below network scope.
    async fn over_committed(&self) -> bool {
        self.0.over_committed
    }

    /// In no open commitment below network scope.
    async fn isolated(&self) -> bool {
        self.0.isolated
    }
}

/// How many commitments of one scope an edge counts.
#[derive(SimpleObject)]
pub struct ScopeCount {
    /// The scope.
    pub scope: CommitmentScope,
    /// How many shared commitments have it.
    pub count: i32,
}

/// How many commitments in one state an edge counts: `OPEN`, `DELIVERED` or `DROPPED`.
#[derive(SimpleObject)]
pub struct StateCount {
    /// `OPEN`, `DELIVERED` or `DROPPED`.
    pub state: String,
    /// How many shared commitments were in it.
    pub count: i32,
}

pub struct CollaborationEdge(Edge);

/// Two partners and the commitments they share.
#[Object]
impl CollaborationEdge {
    /// One partner (of the two, the one whose id sorts first).
    async fn source(&self, ctx: &Context<'_>) -> Result<Option<Organisation>> {
        loaders::organisation(ctx, self.0.source).await
    }

    /// The other partner.
    async fn target(&self, ctx: &Context<'_>) -> Result<Option<Organisation>> {
        loaders::organisation(ctx, self.0.target).await
    }

    /// Commitments both are parties to, whatever their scope and state.
    async fn weight(&self) -> i32 {
        i32::try_from(self.0.weight).unwrap_or(i32::MAX)
    }

    /// The shared commitments by scope.
    async fn by_scope(&self) -> Vec<ScopeCount> {
        let scope = |name: &str| match name {
            "ORGANISATION" => entity::CommitmentScope::Organisation,
            "COALITION" => entity::CommitmentScope::Coalition,
            _ => entity::CommitmentScope::Network,
        };
        self.0
            .by_scope
            .iter()
            .map(|(name, count)| ScopeCount {
                scope: scope(name).into(),
                count: i32::try_from(*count).unwrap_or(i32::MAX),
            })
            .collect()
    }

    /// The shared commitments by state at the moment.
    async fn by_state(&self) -> Vec<StateCount> {
        self.0
            .by_state
            .iter()
            .map(|(state, count)| StateCount {
                state: (*state).to_owned(),
                count: i32::try_from(*count).unwrap_or(i32::MAX),
            })
            .collect()
    }
}

pub struct Coalition(Found);

/// Partners who delivered COALITION commitments together, by themselves.
#[Object]
impl Coalition {
    /// The parties who delivered together.
    async fn organisations(&self, ctx: &Context<'_>) -> Result<Vec<Organisation>> {
        organisations(ctx, self.0.organisation_ids.iter().copied()).await
    }

    /// How many they delivered.
    async fn delivered(&self) -> i32 {
        i32::try_from(self.0.delivered).unwrap_or(i32::MAX)
    }
}
