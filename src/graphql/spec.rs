//! The two rules of the GraphQL specification's execution that async-graphql
//! does not follow, applied to each response before it leaves:
//!
//! - **Null propagation** ("Handling Field Errors"): a field that fails is
//!   null; when its type is non-null, the null moves up to the nearest
//!   nullable ancestor, and to `data: null` when there is none. async-graphql
//!   drops a failed field's key instead, so a typed client holds `undefined`
//!   in a field its schema says is never null.
//! - **Response key order** ("CollectFields"): an object's keys come in the
//!   order its selection set asks for them, fragments expanded where they
//!   stand. async-graphql resolves a query's fields concurrently and keeps
//!   them in the order they finished.
//!
//! Both walk the executed document against the schema's field types, which
//! are read once from the schema's SDL ([`SchemaTypes`]). The walk recurses
//! once per level of the response, which the depth limit bounds.

use std::collections::HashMap;

use async_graphql::indexmap::IndexMap;
use async_graphql::parser::types::{
    BaseType, ExecutableDocument, Field, OperationType, Selection, SelectionSet, Type, TypeKind, TypeSystemDefinition,
};
use async_graphql::{Name, PathSegment, Response, Value};

/// The type of every field of every object and interface, by type and field name.
#[derive(Debug)]
pub struct SchemaTypes {
    fields: HashMap<String, HashMap<String, Type>>,
    /// The root types of queries, mutations and subscriptions.
    roots: [String; 3],
    /// `__typename`'s type, `String!`, on every object.
    typename: Type,
}

impl SchemaTypes {
    /// Reads the types from the schema's SDL. An SDL that does not parse
    /// gives no types, and responses then leave as async-graphql made them.
    pub fn from_sdl(sdl: &str) -> Self {
        let mut types = Self {
            fields: HashMap::new(),
            roots: ["Query".into(), "Mutation".into(), "Subscription".into()],
            typename: Type { base: BaseType::Named(Name::new("String")), nullable: false },
        };
        let Ok(document) = async_graphql::parser::parse_schema(sdl) else { return types };
        for definition in document.definitions {
            match definition {
                TypeSystemDefinition::Schema(schema) => {
                    let schema = schema.node;
                    for (ty, root) in [
                        (OperationType::Query, schema.query),
                        (OperationType::Mutation, schema.mutation),
                        (OperationType::Subscription, schema.subscription),
                    ] {
                        if let Some(root) = root {
                            types.roots[root_index(ty)] = root.node.to_string();
                        }
                    }
                }
                TypeSystemDefinition::Type(definition) => {
                    let definition = definition.node;
                    let fields = match definition.kind {
                        TypeKind::Object(object) => object.fields,
                        TypeKind::Interface(interface) => interface.fields,
                        _ => continue,
                    };
                    let fields = fields.into_iter().map(|f| (f.node.name.node.to_string(), f.node.ty.node)).collect();
                    types.fields.insert(definition.name.node.to_string(), fields);
                }
                TypeSystemDefinition::Directive(_) => {}
            }
        }
        types
    }

    /// Whether `name` is an object or interface type (it has fields), not a
    /// scalar or an enum.
    pub(super) fn is_composite(&self, name: &str) -> bool {
        self.fields.contains_key(name)
    }

    /// The root type of operations of `ty`.
    pub(super) fn root(&self, ty: OperationType) -> &str {
        &self.roots[root_index(ty)]
    }

    fn field_type(&self, parent: &str, field: &str) -> Option<&Type> {
        if field == "__typename" {
            return Some(&self.typename);
        }
        self.fields.get(parent)?.get(field)
    }
}

/// A field of a selection, with the type it is selected on (its fragment's
/// type condition, or the parent's type).
pub(super) struct Collected<'a> {
    pub(super) field: &'a Field,
    pub(super) on: &'a str,
}

/// Applies null propagation and selection order to `response`, the answer
/// to `operation_name` of `document`.
pub fn complete(
    response: &mut Response,
    document: &ExecutableDocument,
    operation_name: Option<&str>,
    types: &SchemaTypes,
) {
    if types.fields.is_empty() {
        return;
    }
    let Some(operation) = super::operation::selected(document, operation_name) else { return };
    let root = &types.roots[root_index(operation.ty)];
    let root_sets = vec![(&operation.selection_set.node, root.as_str())];
    if !matches!(response.data, Value::Null) {
        let paths: Vec<Vec<PathSegment>> =
            response.errors.iter().filter(|error| !error.path.is_empty()).map(|error| error.path.clone()).collect();
        for path in paths {
            if matches!(response.data, Value::Null) {
                break;
            }
            propagate(&mut response.data, &path, document, types, &root_sets);
        }
    }
    order(&mut response.data, document, types, &root_sets);
}

fn root_index(ty: OperationType) -> usize {
    match ty {
        OperationType::Query => 0,
        OperationType::Mutation => 1,
        OperationType::Subscription => 2,
    }
}

/// The fields of selection sets in document order, fragments expanded where
/// they stand (whatever their type condition: a key the response lacks is
/// simply not there).
pub(super) fn collect<'a>(
    sets: &[(&'a SelectionSet, &'a str)],
    document: &'a ExecutableDocument,
    out: &mut Vec<Collected<'a>>,
    depth: usize,
) {
    collect_once(sets, document, out, depth, &mut Vec::new());
}

/// [`collect`], each named fragment expanded once per selection set as the
/// specification's CollectFields does (`visitedFragments`): a fragment spread
/// twice adds the same fields again, and expanding it again at every level
/// would let a short document of doubled spreads cost an exponential walk.
fn collect_once<'a>(
    sets: &[(&'a SelectionSet, &'a str)],
    document: &'a ExecutableDocument,
    out: &mut Vec<Collected<'a>>,
    depth: usize,
    visited: &mut Vec<&'a str>,
) {
    // Fragments nest only as deep as the document; validation refuses cycles.
    if depth > 64 {
        return;
    }
    for (set, on) in sets {
        for selection in &set.items {
            match &selection.node {
                Selection::Field(field) => out.push(Collected { field: &field.node, on }),
                Selection::InlineFragment(fragment) => {
                    let fragment = &fragment.node;
                    let on = fragment.type_condition.as_ref().map_or(*on, |c| c.node.on.node.as_str());
                    collect_once(&[(&fragment.selection_set.node, on)], document, out, depth + 1, visited);
                }
                Selection::FragmentSpread(spread) => {
                    let name = spread.node.fragment_name.node.as_str();
                    if visited.contains(&name) {
                        continue;
                    }
                    visited.push(name);
                    if let Some(fragment) = document.fragments.get(name) {
                        let fragment = &fragment.node;
                        let on = fragment.type_condition.node.on.node.as_str();
                        collect_once(&[(&fragment.selection_set.node, on)], document, out, depth + 1, visited);
                    }
                }
            }
        }
    }
}

/// The named type at the bottom of a type's lists.
pub(super) fn named(ty: &Type) -> &str {
    match &ty.base {
        BaseType::Named(name) => name.as_str(),
        BaseType::List(inner) => named(inner),
    }
}

/// The selection sets of the fields answering `key`, with their field type.
pub(super) fn sub_selections<'a>(
    collected: &[Collected<'a>],
    key: &str,
    types: &'a SchemaTypes,
) -> Option<(&'a Type, Vec<(&'a SelectionSet, &'a str)>)> {
    let mut ty = None;
    let mut sets = Vec::new();
    for item in collected.iter().filter(|c| c.field.response_key().node.as_str() == key) {
        let Some(field_type) = types.field_type(item.on, item.field.name.node.as_str()) else { continue };
        let field_type = *ty.get_or_insert(field_type);
        sets.push((&item.field.selection_set.node, named(field_type)));
    }
    Some((ty?, sets))
}

/// Sets the value at `path` to null, or its nearest nullable ancestor when
/// the field (or list item) there is non-null.
fn propagate<'a>(
    data: &mut Value,
    path: &[PathSegment],
    document: &'a ExecutableDocument,
    types: &'a SchemaTypes,
    root_sets: &[(&'a SelectionSet, &'a str)],
) {
    // Whether each position along the path may be null.
    let mut nullable = Vec::with_capacity(path.len());
    let mut sets: Vec<(&SelectionSet, &str)> = root_sets.to_vec();
    let mut current: Option<&Type> = None;
    for segment in path {
        match segment {
            PathSegment::Field(key) => {
                let mut collected = Vec::new();
                collect(&sets, document, &mut collected, 0);
                let Some((ty, next)) = sub_selections(&collected, key, types) else { return };
                nullable.push(ty.nullable);
                current = Some(ty);
                sets = next;
            }
            PathSegment::Index(_) => {
                let Some(Type { base: BaseType::List(item), .. }) = current else { return };
                nullable.push(item.nullable);
                current = Some(item);
            }
        }
    }
    match nullable.iter().rposition(|&n| n) {
        Some(at) => set_null(data, &path[..=at]),
        None => *data = Value::Null,
    }
}

fn set_null(data: &mut Value, path: &[PathSegment]) {
    let Some((last, parents)) = path.split_last() else { return };
    let mut value = data;
    for segment in parents {
        value = match (segment, value) {
            (PathSegment::Field(key), Value::Object(object)) => match object.get_mut(key.as_str()) {
                Some(child) => child,
                None => return,
            },
            (PathSegment::Index(index), Value::List(items)) => match items.get_mut(*index) {
                Some(child) => child,
                None => return,
            },
            // An ancestor is already null: nothing below it to set.
            _ => return,
        };
    }
    match (last, value) {
        (PathSegment::Field(key), Value::Object(object)) => {
            object.insert(Name::new(key), Value::Null);
        }
        (PathSegment::Index(index), Value::List(items)) => {
            if let Some(item) = items.get_mut(*index) {
                *item = Value::Null;
            }
        }
        _ => {}
    }
}

/// Puts each object's keys in selection order, all the way down.
fn order<'a>(
    value: &mut Value,
    document: &'a ExecutableDocument,
    types: &'a SchemaTypes,
    sets: &[(&'a SelectionSet, &'a str)],
) {
    match value {
        Value::List(items) => items.iter_mut().for_each(|item| order(item, document, types, sets)),
        Value::Object(object) => {
            let mut collected = Vec::new();
            collect(sets, document, &mut collected, 0);
            let mut unordered = std::mem::take(object);
            let mut ordered = IndexMap::with_capacity(unordered.len());
            for item in &collected {
                let key = item.field.response_key().node.as_str();
                let Some((name, mut child)) = unordered.shift_remove_entry(key) else { continue };
                if let Some((_, child_sets)) = sub_selections(&collected, key, types) {
                    order(&mut child, document, types, &child_sets);
                }
                ordered.insert(name, child);
            }
            // Anything not asked for by name (nothing, in practice) keeps its place at the end.
            ordered.extend(unordered);
            *object = ordered;
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use async_graphql::parser::parse_query;
    use async_graphql::{ServerError, value};

    use super::*;

    const SDL: &str = "
        type Query { network(id: ID!): Network viewer: Viewer! }
        type Viewer { id: ID! name: String }
        type Network { name: String! purpose: String commitments: Connection! items: [Item!]! maybe: [Item] }
        type Connection { totalCount: Int! }
        type Item { id: ID! label: String! }
    ";

    fn failed(data: Value, path: Vec<PathSegment>) -> Response {
        let mut response = Response::new(data);
        let mut error = ServerError::new("failed", None);
        error.path = path;
        response.errors.push(error);
        response
    }

    fn field(name: &str) -> PathSegment {
        PathSegment::Field(name.to_owned())
    }

    fn complete_for(query: &str, mut response: Response) -> Response {
        let document = parse_query(query).expect("parses");
        complete(&mut response, &document, None, &SchemaTypes::from_sdl(SDL));
        response
    }

    #[test]
    fn a_failed_non_null_field_nulls_its_nearest_nullable_ancestor() {
        let response = complete_for(
            "{ network(id: 1) { name commitments { totalCount } } }",
            failed(value!({ "network": { "name": "Oost" } }), vec![field("network"), field("commitments")]),
        );
        assert_eq!(response.data, value!({ "network": null }));
    }

    #[test]
    fn a_failed_nullable_field_is_null_and_keeps_its_key() {
        let response = complete_for(
            "{ network(id: 1) { name purpose } }",
            failed(value!({ "network": { "name": "Oost" } }), vec![field("network"), field("purpose")]),
        );
        assert_eq!(response.data, value!({ "network": { "name": "Oost", "purpose": null } }));
    }

    #[test]
    fn a_null_that_reaches_the_root_nulls_the_data() {
        let response = complete_for(
            "{ viewer { id } network(id: 1) { name } }",
            failed(value!({ "network": { "name": "Oost" } }), vec![field("viewer")]),
        );
        assert_eq!(response.data, Value::Null);
    }

    #[test]
    fn list_items_follow_their_own_nullability() {
        // A non-null item in a non-null list: up to the nullable network.
        let response = complete_for(
            "{ network(id: 1) { items { id label } } }",
            failed(
                value!({ "network": { "items": [{ "id": "a" }] } }),
                vec![field("network"), field("items"), PathSegment::Index(0), field("label")],
            ),
        );
        assert_eq!(response.data, value!({ "network": null }));
        // A nullable item: only the item.
        let response = complete_for(
            "{ network(id: 1) { name maybe { id label } } }",
            failed(
                value!({ "network": { "name": "Oost", "maybe": [{ "id": "a" }, { "id": "b", "label": "B" }] } }),
                vec![field("network"), field("maybe"), PathSegment::Index(0), field("label")],
            ),
        );
        assert_eq!(
            response.data,
            value!({ "network": { "name": "Oost", "maybe": [null, { "id": "b", "label": "B" }] } })
        );
    }

    #[test]
    fn keys_come_in_selection_order_through_fragments_and_aliases() {
        let query = "{ n: network(id: 1) { ...F purpose title: name } viewer { name id } }
                     fragment F on Network { items { label id } }";
        let response = complete_for(
            query,
            Response::new(value!({
                "viewer": { "id": "v", "name": "Ann" },
                "n": { "title": "Oost", "purpose": "p", "items": [{ "id": "a", "label": "A" }] },
            })),
        );
        let text = serde_json::to_string(&response.data).expect("JSON");
        assert_eq!(
            text,
            r#"{"n":{"items":[{"label":"A","id":"a"}],"purpose":"p","title":"Oost"},"viewer":{"name":"Ann","id":"v"}}"#
        );
    }
}
