//! What an operation costs, in points: the rows it asks for and the rows it
//! got, as Shopify's calculated query cost counts them (docs/security.md,
//! "What a query costs").
//!
//! - A scalar or enum field costs nothing: its value came with its row.
//! - An object costs 1: a row read. A connection costs 1 (its page's read);
//!   its edges and `pageInfo` are bookkeeping and cost nothing beyond the
//!   items they carry.
//! - A mutation costs [`MUTATION_POINTS`] more: a write transaction with its
//!   audit event.
//!
//! [`requested`] estimates before execution, from the document alone: a
//! connection's items count `first` times (20 when it is not given),
//! `nodes(ids:)` as many times as it has ids, any other list once. The
//! estimate is checked against the per-operation limit and charged before
//! the transaction opens. [`actual`] counts the objects of the answer the
//! same way; the difference is settled afterwards, so a page of 50 partners
//! that holds 8 costs the 8.
//!
//! Both walk the executed document against the schema's field types
//! ([`SchemaTypes`]); fragments are expanded once per selection set, and a
//! selection's fields are collected once however many items answer it, so
//! the walk is linear in the document and the answer.

use std::cell::RefCell;
use std::collections::HashMap;
use std::rc::Rc;

use async_graphql::parser::types::{
    BaseType, ExecutableDocument, Field, OperationDefinition, OperationType, SelectionSet,
};
use async_graphql::{Name, Value, Variables};
// An argument as written: a value that may hold variables.
use async_graphql_value::Value as Argument;

use super::spec::{self, Collected, SchemaTypes};
use crate::store::PageRequest;

/// What a mutation field costs beyond the objects it returns.
pub const MUTATION_POINTS: u64 = 10;

/// The estimated cost of `operation_name` in `document`, before it runs.
/// `None` when the operation cannot be chosen (execution refuses it).
pub fn requested(
    document: &ExecutableDocument,
    operation_name: Option<&str>,
    variables: &Variables,
    types: &SchemaTypes,
) -> Option<u64> {
    let operation = super::operation::selected(document, operation_name)?;
    let walk = Walk { document, operation, variables, types, shapes: RefCell::default() };
    let root = [(&operation.selection_set.node, types.root(operation.ty))];
    Some(walk.roots(&root) + walk.estimate(&root, 0, 1))
}

/// What the answer `data` to `operation_name` in `document` really cost.
pub fn actual(
    data: &Value,
    document: &ExecutableDocument,
    operation_name: Option<&str>,
    variables: &Variables,
    types: &SchemaTypes,
) -> u64 {
    let Some(operation) = super::operation::selected(document, operation_name) else { return 0 };
    let walk = Walk { document, operation, variables, types, shapes: RefCell::default() };
    let root = [(&operation.selection_set.node, types.root(operation.ty))];
    match data {
        // Null from the root: a mutation that failed still took its write
        // transaction (rolled back), and costs that.
        Value::Null => walk.roots(&root),
        data => walk.roots(&root) + walk.count(data, &root, 0),
    }
}

/// What a value of the named type costs, itself, as a row.
fn weight(type_name: &str) -> u64 {
    if type_name == "PageInfo" || type_name.ends_with("Edge") { 0 } else { 1 }
}

/// Whether the named type is a Relay connection, whose items come `first` at a time.
fn is_connection(type_name: &str) -> bool {
    type_name.ends_with("Connection")
}

/// Deeper than any document the depth limits let through.
const MAX_LEVELS: usize = 64;

struct Walk<'a> {
    document: &'a ExecutableDocument,
    operation: &'a OperationDefinition,
    variables: &'a Variables,
    types: &'a SchemaTypes,
    /// The object-typed fields of each selection walked, collected once: the
    /// answer's walk meets the same selection for every item of a list.
    shapes: RefCell<HashMap<Vec<usize>, Rc<[Composite<'a>]>>>,
}

/// A field of a selection whose type is an object (or a list of them).
struct Composite<'a> {
    key: &'a str,
    field: &'a Field,
    /// Its named type.
    name: &'a str,
    list: bool,
    sets: Vec<(&'a SelectionSet, &'a str)>,
}

impl<'a> Walk<'a> {
    /// The fixed cost of the operation's root fields: a mutation's write.
    fn roots(&self, root: &[(&'a SelectionSet, &'a str)]) -> u64 {
        if self.operation.ty != OperationType::Mutation {
            return 0;
        }
        let mut collected = Vec::new();
        spec::collect(root, self.document, &mut collected, 0);
        distinct_keys(&collected).len() as u64 * MUTATION_POINTS
    }

    /// The object-typed fields of the selection `sets`, merged by response
    /// key, in selection order; collected once per selection.
    fn composites(&self, sets: &[(&'a SelectionSet, &'a str)]) -> Rc<[Composite<'a>]> {
        let identity: Vec<usize> = sets.iter().map(|(set, _)| std::ptr::from_ref(*set) as usize).collect();
        if let Some(shape) = self.shapes.borrow().get(&identity) {
            return shape.clone();
        }
        let mut collected = Vec::new();
        spec::collect(sets, self.document, &mut collected, 0);
        let shape: Rc<[Composite<'a>]> = distinct_keys(&collected)
            .into_iter()
            .filter_map(|key| {
                let (ty, sets) = spec::sub_selections(&collected, key, self.types)?;
                let name = spec::named(ty);
                let field = collected.iter().find(|c| c.field.response_key().node.as_str() == key)?.field;
                let list = matches!(ty.base, BaseType::List(_));
                self.types.is_composite(name).then_some(Composite { key, field, name, list, sets })
            })
            .collect();
        self.shapes.borrow_mut().insert(identity, shape.clone());
        shape
    }

    /// The estimate for one object's selection `sets`; `page` is the items a
    /// connection's `nodes` and `edges` hold when the object is a connection.
    fn estimate(&self, sets: &[(&'a SelectionSet, &'a str)], level: usize, page: u64) -> u64 {
        if level > MAX_LEVELS {
            return 0;
        }
        let mut total: u64 = 0;
        for Composite { field, name, list, sets: child_sets, .. } in self.composites(sets).iter() {
            let items = if is_connection(name) { self.page_size(field) } else { 1 };
            let one = weight(name).saturating_add(self.estimate(child_sets, level + 1, items));
            let times = if !list {
                1
            } else if let Some(ids) = field.get_argument("ids") {
                self.list_length(&ids.node)
            } else if matches!(field.name.node.as_str(), "nodes" | "edges") {
                page
            } else {
                // A list that is not paged is bounded by the domain (a
                // commitment's parties, an organisation's bodies): estimated
                // as one, and settled by what the answer holds.
                1
            };
            total = total.saturating_add(one.saturating_mul(times));
        }
        total
    }

    /// The items a connection field asks for: its `first`, else the default page.
    fn page_size(&self, field: &Field) -> u64 {
        let first = field.get_argument("first").and_then(|first| self.resolve(&first.node));
        match first.and_then(|first| if let Value::Number(n) = first { n.as_u64() } else { None }) {
            Some(first) => first.min(PageRequest::MAX_SIZE),
            None => PageRequest::DEFAULT_SIZE,
        }
    }

    /// The actual cost of `value`, an answer to the selection `sets`.
    fn count(&self, value: &Value, sets: &[(&'a SelectionSet, &'a str)], level: usize) -> u64 {
        if level > MAX_LEVELS {
            return 0;
        }
        let Value::Object(object) = value else { return 0 };
        let mut total: u64 = 0;
        for Composite { key, name, sets: child_sets, .. } in self.composites(sets).iter() {
            if let Some(child) = object.get(*key) {
                total = total.saturating_add(self.count_value(child, name, child_sets, level + 1));
            }
        }
        total
    }

    /// An object, or a list of them (nested as deep as the type says).
    fn count_value(&self, value: &Value, name: &str, sets: &[(&'a SelectionSet, &'a str)], level: usize) -> u64 {
        match value {
            Value::List(items) => items.iter().map(|item| self.count_value(item, name, sets, level)).sum(),
            Value::Object(_) => weight(name).saturating_add(self.count(value, sets, level)),
            _ => 0,
        }
    }

    /// The length of a list argument, given inline or as a variable.
    fn list_length(&self, argument: &Argument) -> u64 {
        match self.resolve(argument) {
            Some(Value::List(items)) => items.len() as u64,
            Some(Value::Null) | None => 0,
            Some(_) => 1,
        }
    }

    /// An argument's value with its variables replaced (by their default
    /// when the request leaves them out); `None` when one is missing.
    fn resolve(&self, value: &Argument) -> Option<Value> {
        value.clone().into_const_with(|name| self.variable(&name).ok_or(())).ok()
    }

    fn variable(&self, name: &Name) -> Option<Value> {
        if let Some(value) = self.variables.get(name) {
            return Some(value.clone());
        }
        self.operation
            .variable_definitions
            .iter()
            .find(|definition| definition.node.name.node == *name)
            .and_then(|definition| definition.node.default_value.as_ref())
            .map(|value| value.node.clone())
    }
}

/// The response keys of collected fields, each once, in selection order:
/// fields answering one key merge into one value.
fn distinct_keys<'a>(collected: &[Collected<'a>]) -> Vec<&'a str> {
    let mut keys: Vec<&'a str> = Vec::with_capacity(collected.len());
    for item in collected {
        let key = item.field.response_key().node.as_str();
        if !keys.contains(&key) {
            keys.push(key);
        }
    }
    keys
}

#[cfg(test)]
mod tests {
    use async_graphql::parser::parse_query;
    use async_graphql::value;

    use super::*;

    const SDL: &str = "
        type Query { network(id: ID!): Network nodes(ids: [ID!]!): [Node]! }
        type Mutation { rename(name: String!): Network! }
        interface Node { id: ID! }
        type Network implements Node { id: ID! name: String! partners(first: Int): PartnerConnection!
            lead: Organisation tags: [String!]! }
        type PartnerConnection { totalCount: Int! pageInfo: PageInfo! nodes: [Partner!]! edges: [PartnerEdge!]! }
        type PartnerEdge { cursor: String! node: Partner! }
        type PageInfo { hasNextPage: Boolean! }
        type Partner { status: String! organisation: Organisation! bodies: [Body!]! }
        type Organisation implements Node { id: ID! name: String! }
        type Body { name: String! }
    ";

    fn estimate(query: &str, variables: Value) -> u64 {
        let document = parse_query(query).expect("parses");
        let variables = Variables::from_value(variables);
        requested(&document, None, &variables, &SchemaTypes::from_sdl(SDL)).expect("an operation")
    }

    fn counted(query: &str, data: Value) -> u64 {
        let document = parse_query(query).expect("parses");
        actual(&data, &document, None, &Variables::default(), &SchemaTypes::from_sdl(SDL))
    }

    #[test]
    fn scalars_are_free_and_objects_cost_one() {
        assert_eq!(estimate("{ network(id: 1) { id name tags } }", value!({})), 1);
        assert_eq!(estimate("{ network(id: 1) { lead { name } } }", value!({})), 2);
    }

    #[test]
    fn a_connection_counts_its_items_first_times_through_nodes_or_edges() {
        // The network, the connection, 10 × (partner + organisation).
        let nodes = "{ network(id: 1) { partners(first: 10) { totalCount nodes { organisation { name } } } } }";
        assert_eq!(estimate(nodes, value!({})), 1 + 1 + 10 * 2);
        let edges = "{ network(id: 1) { partners(first: 10) { pageInfo { hasNextPage }
            edges { cursor node { organisation { name } } } } } }";
        assert_eq!(estimate(edges, value!({})), 1 + 1 + 10 * 2);
        // `first` from a variable, from its default, or the default page of 20.
        let variable = "query($n: Int = 5) { network(id: 1) { partners(first: $n) { nodes { status } } } }";
        assert_eq!(estimate(variable, value!({ "n": 50 })), 1 + 1 + 50);
        assert_eq!(estimate(variable, value!({})), 1 + 1 + 5);
        assert_eq!(estimate("{ network(id: 1) { partners { nodes { status } } } }", value!({})), 1 + 1 + 20);
        // A list that is not paged counts its item once.
        assert_eq!(estimate("{ network(id: 1) { partners(first: 2) { nodes { bodies { name } } } } }", value!({})), 6);
    }

    #[test]
    fn nodes_counts_its_ids_and_a_mutation_its_write() {
        let nodes = "query($ids: [ID!]!) { nodes(ids: $ids) { id ... on Network { lead { name } } } }";
        assert_eq!(estimate(nodes, value!({ "ids": ["a", "b", "c"] })), 3 * 2);
        assert_eq!(estimate(r#"mutation { rename(name: "x") { name } }"#, value!({})), MUTATION_POINTS + 1);
    }

    #[test]
    fn the_answer_counts_the_objects_it_holds() {
        let query = "{ network(id: 1) { partners(first: 50) { pageInfo { hasNextPage }
            edges { node { organisation { name } bodies { name } } } } } }";
        let data = value!({ "network": { "partners": { "pageInfo": { "hasNextPage": false }, "edges": [
            { "node": { "organisation": { "name": "a" }, "bodies": [{ "name": "b" }, { "name": "c" }] } },
            { "node": { "organisation": { "name": "d" }, "bodies": [] } },
        ] } } });
        // Network 1, connection 1, two partners with their organisation, two bodies.
        assert_eq!(counted(query, data), 1 + 1 + 2 * 2 + 2);
        assert_eq!(counted(query, value!({ "network": null })), 0);
    }

    #[test]
    fn fields_merged_under_one_key_count_once() {
        let query = "{ network(id: 1) { lead { name } ...L ...L } } fragment L on Network { lead { id } }";
        assert_eq!(estimate(query, value!({})), 2);
        let data = value!({ "network": { "lead": { "name": "a", "id": "1" } } });
        assert_eq!(counted(query, data), 2);
    }

    #[test]
    fn doubled_fragment_spreads_cost_a_linear_walk() {
        // Forty fragments, each spreading the next twice: expanded naively
        // that is 2^40 selections; CollectFields expands each once per set.
        let mut query = String::from("{ network(id: 1) { ...F0 } }");
        for level in 0..40 {
            query.push_str(&format!(
                " fragment F{level} on Network {{ lead {{ name }} ...F{n} ...F{n} }}",
                n = level + 1
            ));
        }
        query.push_str(" fragment F40 on Network { id }");
        assert_eq!(estimate(&query, value!({})), 2);
    }
}
