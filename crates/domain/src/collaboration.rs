//! The collaboration graph of a network (docs/collaboration.md): partners as
//! nodes, an edge for each pair of partners that share commitments, weighted
//! by how many and split by scope and state; the coalitions that deliver; the
//! partners in too much and those in nothing. Computed from plain facts as of
//! a moment, so the same facts give the same graph; rendered as GraphML for
//! drawing tools.

use std::collections::{BTreeMap, BTreeSet};

use chrono::{DateTime, Utc};
use entity::CommitmentScope;
use uuid::Uuid;

/// Where a commitment stood at the graph's moment.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum State {
    /// Proposed, agreed or in progress.
    Open,
    Delivered,
    Dropped,
}

impl State {
    /// The state at `at` from a commitment's moments.
    pub fn at(at: DateTime<Utc>, delivered_at: Option<DateTime<Utc>>, dropped_at: Option<DateTime<Utc>>) -> Self {
        if dropped_at.is_some_and(|d| d <= at) {
            State::Dropped
        } else if delivered_at.is_some_and(|d| d <= at) {
            State::Delivered
        } else {
            State::Open
        }
    }

    pub fn wire_name(self) -> &'static str {
        match self {
            State::Open => "OPEN",
            State::Delivered => "DELIVERED",
            State::Dropped => "DROPPED",
        }
    }
}

/// A commitment as the graph needs it: its scope, state and parties then.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Shared {
    pub scope: CommitmentScope,
    pub state: State,
    pub parties: BTreeSet<Uuid>,
}

/// One partner and what it takes part in.
#[derive(Debug, Clone, PartialEq)]
pub struct Node {
    pub organisation_id: Uuid,
    pub open: u32,
    pub delivered: u32,
    pub dropped: u32,
    /// Its share of the network's open commitments (0 when there are none).
    pub share_of_open: f64,
    /// Open commitments below network scope (ORGANISATION, COALITION) it is
    /// a party to: what it chose to carry beyond what everyone carries.
    pub selective_open: u32,
    /// Its share of the network's open commitments below network scope.
    pub share_of_selective_open: f64,
    pub over_committed: bool,
    pub isolated: bool,
}

/// Two partners and the commitments they share.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Edge {
    /// The smaller id first, so an edge is named once.
    pub source: Uuid,
    pub target: Uuid,
    /// Commitments shared, whatever their scope and state.
    pub weight: u32,
    pub by_scope: BTreeMap<&'static str, u32>,
    pub by_state: BTreeMap<&'static str, u32>,
}

/// Partners who delivered together, by themselves: the parties of delivered
/// COALITION commitments, with how many they delivered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Coalition {
    pub organisation_ids: Vec<Uuid>,
    pub delivered: u32,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Graph {
    pub nodes: Vec<Node>,
    pub edges: Vec<Edge>,
    pub coalitions: Vec<Coalition>,
    pub open_commitments: u32,
    /// Open commitments below network scope.
    pub selective_open_commitments: u32,
}

fn scope_name(scope: CommitmentScope) -> &'static str {
    match scope {
        CommitmentScope::Organisation => "ORGANISATION",
        CommitmentScope::Coalition => "COALITION",
        CommitmentScope::Network => "NETWORK",
    }
}

/// The graph of `partners` (the network's partners at the moment) over
/// `commitments`. Over-commitment and isolation are judged on the open
/// commitments below network scope: a NETWORK-wide commitment has every
/// partner as a party, so it tells nothing about who carries too much (that
/// the network does too much together is health's TOO_MUCH_TOGETHER). A
/// partner in more than `over_committed_share` of them is over-committed
/// (once there are at least `minimum_open`, so a young network is not
/// flagged for its first); a partner in none of them is isolated.
pub fn graph(partners: &[Uuid], commitments: &[Shared], over_committed_share: f64, minimum_open: u32) -> Graph {
    let partner_set: BTreeSet<Uuid> = partners.iter().copied().collect();
    let mut counts: BTreeMap<Uuid, (u32, u32, u32, u32)> = partner_set.iter().map(|p| (*p, (0, 0, 0, 0))).collect();
    let mut edges: BTreeMap<(Uuid, Uuid), Edge> = BTreeMap::new();
    let mut coalitions: BTreeMap<Vec<Uuid>, u32> = BTreeMap::new();
    let mut open_commitments = 0;
    let mut selective_open_commitments = 0;
    for commitment in commitments {
        let selective = commitment.scope != CommitmentScope::Network;
        // Parties who left the network are not in its graph.
        let parties: Vec<Uuid> = commitment.parties.iter().copied().filter(|p| partner_set.contains(p)).collect();
        if commitment.state == State::Open {
            open_commitments += 1;
            selective_open_commitments += u32::from(selective);
        }
        for party in &parties {
            let entry = counts.entry(*party).or_default();
            match commitment.state {
                State::Open => {
                    entry.0 += 1;
                    entry.3 += u32::from(selective);
                }
                State::Delivered => entry.1 += 1,
                State::Dropped => entry.2 += 1,
            }
        }
        for (i, a) in parties.iter().enumerate() {
            for b in &parties[i + 1..] {
                let edge = edges.entry((*a, *b)).or_insert_with(|| Edge {
                    source: *a,
                    target: *b,
                    weight: 0,
                    by_scope: BTreeMap::new(),
                    by_state: BTreeMap::new(),
                });
                edge.weight += 1;
                *edge.by_scope.entry(scope_name(commitment.scope)).or_default() += 1;
                *edge.by_state.entry(commitment.state.wire_name()).or_default() += 1;
            }
        }
        if commitment.scope == CommitmentScope::Coalition && commitment.state == State::Delivered && parties.len() > 1 {
            *coalitions.entry(parties.clone()).or_default() += 1;
        }
    }
    let nodes = counts
        .into_iter()
        .map(|(organisation_id, (open, delivered, dropped, selective_open))| {
            let share = |part: u32, whole: u32| if whole == 0 { 0.0 } else { f64::from(part) / f64::from(whole) };
            let share_of_selective_open = share(selective_open, selective_open_commitments);
            Node {
                organisation_id,
                open,
                delivered,
                dropped,
                share_of_open: share(open, open_commitments),
                selective_open,
                share_of_selective_open,
                over_committed: selective_open_commitments >= minimum_open
                    && share_of_selective_open > over_committed_share,
                isolated: selective_open == 0,
            }
        })
        .collect();
    let mut coalitions: Vec<Coalition> =
        coalitions.into_iter().map(|(organisation_ids, delivered)| Coalition { organisation_ids, delivered }).collect();
    coalitions.sort_by(|a, b| b.delivered.cmp(&a.delivered).then_with(|| a.organisation_ids.cmp(&b.organisation_ids)));
    Graph { nodes, edges: edges.into_values().collect(), coalitions, open_commitments, selective_open_commitments }
}

impl Graph {
    /// Only what a viewer who sees the edges of `own` may see: every node, and
    /// the edges with one of `own` at an end; coalitions they are in.
    pub fn seen_from(mut self, own: &BTreeSet<Uuid>) -> Self {
        self.edges.retain(|e| own.contains(&e.source) || own.contains(&e.target));
        self.coalitions.retain(|c| c.organisation_ids.iter().any(|o| own.contains(o)));
        self
    }

    /// The graph as GraphML (graphml.graphdrawing.org), undirected, with each
    /// partner's name, counts and flags on its node and each edge's weight and
    /// counts on the edge: what yEd, Gephi and networkx read.
    pub fn graphml(&self, names: &BTreeMap<Uuid, String>, id_of: impl Fn(Uuid) -> String) -> String {
        let mut out = String::from(
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n\
             <graphml xmlns=\"http://graphml.graphdrawing.org/xmlns\" \
             xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" \
             xsi:schemaLocation=\"http://graphml.graphdrawing.org/xmlns http://graphml.graphdrawing.org/xmlns/1.0/graphml.xsd\">\n",
        );
        let keys: [(&str, &str, &str); 12] = [
            ("name", "node", "string"),
            ("open", "node", "int"),
            ("delivered", "node", "int"),
            ("dropped", "node", "int"),
            ("shareOfOpen", "node", "double"),
            ("overCommitted", "node", "boolean"),
            ("isolated", "node", "boolean"),
            ("weight", "edge", "int"),
            ("open", "edge", "int"),
            ("delivered", "edge", "int"),
            ("dropped", "edge", "int"),
            ("selectiveOpen", "node", "int"),
        ];
        for (i, (name, target, kind)) in keys.iter().enumerate() {
            out.push_str(&format!("  <key id=\"d{i}\" for=\"{target}\" attr.name=\"{name}\" attr.type=\"{kind}\"/>\n"));
        }
        out.push_str("  <graph id=\"collaboration\" edgedefault=\"undirected\">\n");
        for node in &self.nodes {
            let name = names.get(&node.organisation_id).map(String::as_str).unwrap_or_default();
            out.push_str(&format!("    <node id=\"{}\">\n", xml(&id_of(node.organisation_id))));
            out.push_str(&format!("      <data key=\"d0\">{}</data>\n", xml(name)));
            out.push_str(&format!("      <data key=\"d1\">{}</data>\n", node.open));
            out.push_str(&format!("      <data key=\"d2\">{}</data>\n", node.delivered));
            out.push_str(&format!("      <data key=\"d3\">{}</data>\n", node.dropped));
            out.push_str(&format!("      <data key=\"d4\">{}</data>\n", node.share_of_open));
            out.push_str(&format!("      <data key=\"d5\">{}</data>\n", node.over_committed));
            out.push_str(&format!("      <data key=\"d6\">{}</data>\n", node.isolated));
            out.push_str(&format!("      <data key=\"d11\">{}</data>\n", node.selective_open));
            out.push_str("    </node>\n");
        }
        for edge in &self.edges {
            let state = |s: State| edge.by_state.get(s.wire_name()).copied().unwrap_or(0);
            out.push_str(&format!(
                "    <edge source=\"{}\" target=\"{}\">\n",
                xml(&id_of(edge.source)),
                xml(&id_of(edge.target))
            ));
            out.push_str(&format!("      <data key=\"d7\">{}</data>\n", edge.weight));
            out.push_str(&format!("      <data key=\"d8\">{}</data>\n", state(State::Open)));
            out.push_str(&format!("      <data key=\"d9\">{}</data>\n", state(State::Delivered)));
            out.push_str(&format!("      <data key=\"d10\">{}</data>\n", state(State::Dropped)));
            out.push_str("    </edge>\n");
        }
        out.push_str("  </graph>\n</graphml>\n");
        out
    }
}

fn xml(text: &str) -> String {
    text.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;").replace('\'', "&apos;")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn id(n: u128) -> Uuid {
        Uuid::from_u128(n)
    }

    fn shared(scope: CommitmentScope, state: State, parties: &[u128]) -> Shared {
        Shared { scope, state, parties: parties.iter().map(|p| id(*p)).collect() }
    }

    #[test]
    fn edges_weigh_shared_commitments_and_flag_the_over_committed_and_the_isolated() {
        use CommitmentScope::{Coalition as C, Network as N, Organisation as O};
        let partners = [id(1), id(2), id(3), id(4)];
        let commitments = [
            shared(C, State::Delivered, &[1, 2]),
            shared(C, State::Delivered, &[1, 2]),
            shared(C, State::Open, &[1, 2]),
            shared(N, State::Open, &[1, 2, 3]),
            shared(O, State::Open, &[1]),
            shared(C, State::Dropped, &[2, 3]),
            // A party that left the network is not in its graph.
            shared(C, State::Open, &[1, 9]),
        ];
        let graph = graph(&partners, &commitments, 0.5, 3);
        assert_eq!((graph.open_commitments, graph.selective_open_commitments), (4, 3));
        let node = |n| graph.nodes.iter().find(|x| x.organisation_id == id(n)).expect("a node");
        assert_eq!((node(1).open, node(1).selective_open, node(1).delivered), (4, 3, 2));
        assert!(node(1).over_committed, "in all three open commitments below network scope");
        assert!(!node(2).over_committed, "in one of three");
        assert!(node(3).isolated, "only in the network-wide one");
        assert!(node(4).isolated);
        let edge = graph.edges.iter().find(|e| (e.source, e.target) == (id(1), id(2))).expect("1-2");
        assert_eq!(edge.weight, 4);
        assert_eq!(edge.by_scope.get("COALITION"), Some(&3));
        assert_eq!(edge.by_state.get("DELIVERED"), Some(&2));
        assert_eq!(graph.coalitions, [Coalition { organisation_ids: vec![id(1), id(2)], delivered: 2 }]);
        assert_eq!(graph.edges.len(), 3, "1-2, 1-3, 2-3");

        let seen = graph.clone().seen_from(&[id(3)].into_iter().collect());
        assert_eq!(seen.edges.len(), 2);
        assert!(seen.coalitions.is_empty());
        assert_eq!(seen.nodes.len(), 4);

        // A young network is not flagged for its first commitments.
        assert!(!super::graph(&partners, &commitments, 0.5, 4).nodes.iter().any(|n| n.over_committed));
    }

    #[test]
    fn graphml_escapes_names() {
        let graph = graph(&[id(1), id(2)], &[shared(CommitmentScope::Coalition, State::Open, &[1, 2])], 0.5, 1);
        let names = [(id(1), "Wonen & <Zorg>".to_owned()), (id(2), "\"B\"".to_owned())].into_iter().collect();
        let xml = graph.graphml(&names, |u| format!("org-{}", u.as_u128()));
        assert!(xml.contains("<data key=\"d0\">Wonen &amp; &lt;Zorg&gt;</data>"), "{xml}");
        assert!(xml.contains("<edge source=\"org-1\" target=\"org-2\">"));
    }
}
