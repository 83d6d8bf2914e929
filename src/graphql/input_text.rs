//! Text the database cannot store is refused at the door, in one place.
//!
//! PostgreSQL's `text` cannot hold U+0000 (in a UTF-8 database that is the
//! only character it refuses; Rust strings hold no lone surrogates), so a NUL
//! in any input failed there as an internal error while SQLite stored it: the
//! engines disagreed. Rather than teach every field, the handler walks every
//! string a request carries before execution — the variables' values, and in
//! the document every argument literal (of fields and directives) and every
//! variable's default value, inside lists and input objects too — and refuses
//! the request with BAD_USER_INPUT naming where the NUL was. Nothing reaches a
//! resolver, let alone the database.
//!
//! Every operation and fragment of the document is walked, not only the one
//! that would run: a NUL has no legitimate use anywhere in a request. The walk
//! recurses once per level of nesting, which the handler bounds before it
//! runs (`limits::check_text`, `limits::check_variables`).

use async_graphql::parser::Positioned;
use async_graphql::parser::types::{Directive, ExecutableDocument, Selection, SelectionSet};
use async_graphql::{Value, Variables};

use crate::domain::{AppError, AppResult};

/// The character no stored text may contain.
const NUL: char = '\0';

/// The values of the request's variables. Call it with the other checks of
/// the variables, before the document is parsed.
pub fn check_variables(variables: &Variables) -> AppResult<()> {
    for (name, value) in variables.iter() {
        if let Some(path) = nul_in(value) {
            return Err(refusal(format!("${name}{path}")));
        }
    }
    Ok(())
}

/// Every argument literal and variable default value of the document.
pub fn check_document(document: &ExecutableDocument) -> AppResult<()> {
    for (_, operation) in document.operations.iter() {
        let operation = &operation.node;
        for variable in &operation.variable_definitions {
            let variable = &variable.node;
            if let Some(default) = &variable.default_value
                && let Some(path) = nul_in(&default.node)
            {
                return Err(refusal(format!("${}{path}", variable.name.node)));
            }
            directives(&variable.directives)?;
        }
        directives(&operation.directives)?;
        selection_set(&operation.selection_set.node)?;
    }
    for fragment in document.fragments.values() {
        directives(&fragment.node.directives)?;
        selection_set(&fragment.node.selection_set.node)?;
    }
    Ok(())
}

fn refusal(field: String) -> AppError {
    let message = format!("`{field}` contains a NUL character (U+0000), which text cannot hold");
    AppError::BadUserInput { field: Some(field), message }
}

fn selection_set(set: &SelectionSet) -> AppResult<()> {
    for selection in &set.items {
        match &selection.node {
            Selection::Field(field) => {
                let field = &field.node;
                for (name, value) in &field.arguments {
                    argument(&name.node, value.node.clone().into_const_with(|_| Ok::<_, ()>(Value::Null)))?;
                }
                directives(&field.directives)?;
                selection_set(&field.selection_set.node)?;
            }
            Selection::InlineFragment(fragment) => {
                directives(&fragment.node.directives)?;
                selection_set(&fragment.node.selection_set.node)?;
            }
            Selection::FragmentSpread(spread) => directives(&spread.node.directives)?,
        }
    }
    Ok(())
}

fn directives(directives: &[Positioned<Directive>]) -> AppResult<()> {
    for directive in directives {
        for (name, value) in &directive.node.arguments {
            argument(&name.node, value.node.clone().into_const_with(|_| Ok::<_, ()>(Value::Null)))?;
        }
    }
    Ok(())
}

/// An argument as written, its variables as null: a variable's value is
/// checked with the variables. (The literal is copied to a constant because
/// the parser's own value type is not exported; the copy is bounded by the
/// length of the query.)
fn argument(name: &str, literal: Result<Value, ()>) -> AppResult<()> {
    match literal.as_ref().ok().and_then(nul_in) {
        Some(path) => Err(refusal(format!("{name}{path}"))),
        None => Ok(()),
    }
}

/// Where in `value` a NUL is, as a path suffix (`.purpose`, `[2]`), or `None`.
fn nul_in(value: &Value) -> Option<String> {
    match value {
        Value::String(text) => text.contains(NUL).then(String::new),
        Value::List(items) => {
            items.iter().enumerate().find_map(|(index, item)| nul_in(item).map(|path| format!("[{index}]{path}")))
        }
        Value::Object(fields) => {
            fields.iter().find_map(|(name, field)| nul_in(field).map(|path| format!(".{name}{path}")))
        }
        Value::Null | Value::Number(_) | Value::Boolean(_) | Value::Binary(_) | Value::Enum(_) => None,
    }
}

#[cfg(test)]
mod tests {
    use async_graphql::parser::parse_query;

    use super::*;

    fn refused_field(result: AppResult<()>) -> Option<String> {
        match result {
            Ok(()) => None,
            Err(AppError::BadUserInput { field, message }) => {
                assert!(message.contains("NUL"), "{message}");
                field
            }
            Err(other) => panic!("expected BAD_USER_INPUT, got {other:?}"),
        }
    }

    fn document(query: &str) -> Option<String> {
        refused_field(check_document(&parse_query(query).expect("parses")))
    }

    fn variables(json: serde_json::Value) -> Option<String> {
        refused_field(check_variables(&Variables::from_json(json)))
    }

    #[test]
    fn a_nul_in_an_argument_literal_is_refused_with_its_path() {
        assert_eq!(
            document(r#"mutation { createNetwork(input: { name: "x", purpose: "a\u0000b" }) { network { id } } }"#),
            Some("input.purpose".into())
        );
        assert_eq!(
            document(r#"{ node(id: "n") { ... on Network { timeline(kinds: ["a", "b\u0000"]) { totalCount } } } }"#),
            Some("kinds[1]".into())
        );
        // In a fragment, a directive's argument and a variable's default value.
        assert_eq!(document("query { ...F } fragment F on Query { node(id: \"\\u0000\") { id } }"), Some("id".into()));
        assert_eq!(document("{ viewer @skip(if: false) @x(s: \"\\u0000\") { id } }"), Some("s".into()));
        assert_eq!(document("query($k: [String!] = [\"\\u0000\"]) { viewer { id } }"), Some("$k[0]".into()));
    }

    #[test]
    fn a_nul_in_a_variable_is_refused_with_its_path() {
        let nul = "a\u{0}b";
        assert_eq!(variables(serde_json::json!({ "input": { "text": nul } })), Some("$input.text".into()));
        assert_eq!(variables(serde_json::json!({ "kinds": ["x", nul] })), Some("$kinds[1]".into()));
        assert_eq!(variables(serde_json::json!({ "deep": [{ "a": [[nul]] }] })), Some("$deep[0].a[0][0]".into()));
    }

    #[test]
    fn other_text_passes_control_characters_and_escapes_included() {
        assert_eq!(document(r#"{ a(s: "tab\there, é, \u0001, 🙂", n: 1, e: RED, l: [null, true]) { id } }"#), None);
        assert_eq!(document("query($v: String = \"ok\") { a(s: $v, o: { x: $v }) { id } }"), None);
        assert_eq!(variables(serde_json::json!({ "s": "\u{1}\u{7f}", "n": 0, "o": { "l": [1, "two"] } })), None);
    }
}
