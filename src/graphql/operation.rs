//! Which operation of a document runs: one definition, used by every check
//! before execution (limits, cost, the transaction's access), by the
//! specification's completion of the answer, and by the WebSocket's "only
//! subscriptions" rule, so they can never disagree with each other or with
//! async-graphql.

use async_graphql::parser::types::{DocumentOperations, ExecutableDocument, OperationDefinition, OperationType};

use crate::store::Access;

/// The operation async-graphql will execute, chosen exactly as it chooses
/// (`async_graphql::schema::prepare_request`): with a name, the operation of
/// that name (an anonymous operation has none); without, the only one. `None`
/// where async-graphql refuses before execution: an unknown name, or several
/// operations and no name.
pub fn selected<'a>(document: &'a ExecutableDocument, operation_name: Option<&str>) -> Option<&'a OperationDefinition> {
    match (&document.operations, operation_name) {
        (DocumentOperations::Single(operation), None) => Some(&operation.node),
        (DocumentOperations::Single(_), Some(_)) => None,
        (DocumentOperations::Multiple(operations), Some(name)) => operations.get(name).map(|op| &op.node),
        (DocumentOperations::Multiple(operations), None) if operations.len() == 1 => {
            operations.values().next().map(|op| &op.node)
        }
        (DocumentOperations::Multiple(_), None) => None,
    }
}

/// The kind of the operation that will run, when one will.
pub fn kind(document: &ExecutableDocument, operation_name: Option<&str>) -> Option<OperationType> {
    selected(document, operation_name).map(|operation| operation.ty)
}

/// How the operation's transaction starts: mutations take the write path (on
/// SQLite, the write lock up front); everything else, including a document
/// that will be refused, reads.
pub fn access(document: &ExecutableDocument, operation_name: Option<&str>) -> Access {
    if kind(document, operation_name) == Some(OperationType::Mutation) { Access::Write } else { Access::Read }
}

#[cfg(test)]
mod tests {
    use async_graphql::parser::parse_query;

    use super::*;

    #[test]
    fn several_operations_and_no_name_select_none_as_async_graphql_refuses_them() {
        let document = parse_query("query A { viewer { language } } mutation B { __typename }").expect("parses");
        assert!(selected(&document, None).is_none());
        assert_eq!(access(&document, None), Access::Read, "refused, so it never writes");
        assert_eq!(kind(&document, Some("B")), Some(OperationType::Mutation));
        assert_eq!(access(&document, Some("B")), Access::Write);
        assert!(selected(&document, Some("C")).is_none());
        let named = parse_query("mutation Only { __typename }").expect("parses");
        assert_eq!(access(&named, None), Access::Write, "a lone operation runs without its name");
        assert!(selected(&named, Some("Other")).is_none());
        let anonymous = parse_query("mutation { __typename }").expect("parses");
        assert_eq!(access(&anonymous, None), Access::Write);
        assert!(selected(&anonymous, Some("Any")).is_none(), "an anonymous operation has no name to match");
    }
}
