//! Query limits (docs/security.md lists each with its default and its test):
//! what one request may ask for, and the
//! checks that refuse more before any resolver or database work.
//!
//! The length and bracket nesting of the text (before parsing), the depth
//! (introspection measured apart), aliases, directives per field, root
//! mutation fields per operation and operations per batch; the cost limit is
//! checked where the cost is measured (`graphql::rate_limit`). Every refusal is [`AppError::LimitExceeded`] naming the limit; in
//! production the message leaves the numbers out, so a caller cannot tune a
//! query to sit just under them.

use std::collections::{HashMap, HashSet};

use async_graphql::parser::types::{ExecutableDocument, OperationType, Selection, SelectionSet};
use async_graphql::{Value, Variables};

use crate::domain::{AppError, AppResult};

/// The limits of one deployment (set by `config::QueryLimits`); the defaults
/// are those of docs/security.md.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct QueryLimits {
    /// Deepest nesting of fields a query may have.
    pub depth: usize,

    /// Highest cost, in points, an operation may ask for: an object costs 1,
    /// a scalar nothing, a connection `first` times its items, `nodes(ids:)`
    /// its length times, a mutation 10 more (`graphql::cost`).
    pub complexity: usize,

    /// Most aliased fields in one operation, its fragments included.
    pub aliases: usize,

    /// Longest query text, in characters.
    pub query_length: usize,

    /// Most directives on one field (or fragment spread).
    pub directives_per_field: usize,

    /// Most operations in one batched request.
    pub batch: usize,
}

impl QueryLimits {
    /// The defaults (docs/security.md). Three directives per field leave room for
    /// `@include` and `@skip` together with one more.
    pub const DEFAULT: Self =
        Self { depth: 10, complexity: 1_000, aliases: 15, query_length: 15_000, directives_per_field: 3, batch: 10 };
}

/// The most items of any list given as input (`nodes(ids:)`, ids in a
/// mutation's input), in the query or its variables. Fields that allow fewer
/// say so with their own validators.
pub const INPUT_LIST_ITEMS: usize = 100;

impl Default for QueryLimits {
    fn default() -> Self {
        Self::DEFAULT
    }
}

/// A refusal: the detailed message in development, the brief one in production.
pub(crate) fn exceeded(production: bool, brief: &str, detailed: impl FnOnce() -> String) -> AppError {
    AppError::LimitExceeded(if production { brief.to_owned() } else { detailed() })
}

/// Operations per batched request.
pub fn check_batch(operations: usize, limits: &QueryLimits, production: bool) -> AppResult<()> {
    if operations <= limits.batch {
        return Ok(());
    }
    Err(exceeded(production, "the batch has too many operations", || {
        format!("the batch has {operations} operations; at most {} are allowed", limits.batch)
    }))
}

/// The length of the query text, checked before it is parsed.
pub fn check_length(query: &str, limits: &QueryLimits, production: bool) -> AppResult<()> {
    // The byte length bounds the character count, so most queries skip the count.
    if query.len() <= limits.query_length {
        return Ok(());
    }
    let characters = query.chars().count();
    if characters <= limits.query_length {
        return Ok(());
    }
    Err(exceeded(production, "the query is too long", || {
        format!("the query has {characters} characters; at most {} are allowed", limits.query_length)
    }))
}

/// The deepest nesting of brackets (`{`, `[`, `(`) a query text may have,
/// and of lists and objects in its variables.
///
/// The parser recurses once per level of a value literal (`[[[…]]]`,
/// `{a: {a: …}}`, a variable's default value) and async-graphql bounds only
/// the nesting of selection sets, so a few kilobytes of brackets would
/// overflow a worker thread's stack and abort the process for every tenant.
/// Nothing legitimate comes close: the standard introspection query of
/// graphql-js nests 13 levels, a deep dashboard query about 25. The check is
/// one pass over the text that recurses into nothing, made before parsing.
pub const MAX_NESTING: usize = 64;

/// The text's length and nesting, before it is parsed: what makes the parser
/// itself safe to run.
pub fn check_text(query: &str, limits: &QueryLimits, production: bool) -> AppResult<()> {
    check_length(query, limits, production)?;
    let nesting = nesting(query);
    if nesting <= MAX_NESTING {
        return Ok(());
    }
    Err(exceeded(production, "the query is nested too deep", || {
        format!("the query nests brackets {nesting} levels deep; at most {MAX_NESTING} are allowed")
    }))
}

/// The deepest bracket nesting of a GraphQL text, skipping strings, block
/// strings and comments (whose brackets are not syntax). It stops counting
/// once past the limit, so its cost is one pass whatever the input.
fn nesting(text: &str) -> usize {
    let bytes = text.as_bytes();
    let (mut depth, mut deepest, mut i) = (0usize, 0usize, 0usize);
    while i < bytes.len() {
        match bytes[i] {
            b'{' | b'[' | b'(' => {
                depth += 1;
                deepest = deepest.max(depth);
                if deepest > MAX_NESTING {
                    return deepest;
                }
            }
            b'}' | b']' | b')' => depth = depth.saturating_sub(1),
            b'#' => {
                while i < bytes.len() && bytes[i] != b'\n' && bytes[i] != b'\r' {
                    i += 1;
                }
            }
            b'"' if bytes[i..].starts_with(b"\"\"\"") => {
                i += 3;
                // A block string ends at the first unescaped `"""`.
                while i < bytes.len() && !bytes[i..].starts_with(b"\"\"\"") {
                    i += if bytes[i..].starts_with(b"\\\"\"\"") { 4 } else { 1 };
                }
                i += 2;
            }
            b'"' => {
                i += 1;
                while i < bytes.len() && bytes[i] != b'"' && bytes[i] != b'\n' {
                    i += if bytes[i] == b'\\' { 2 } else { 1 };
                }
            }
            _ => {}
        }
        i += 1;
    }
    deepest
}

/// The longest list in the variables (checked before any SQL: argument
/// validators run only once execution has begun), and their nesting.
pub fn check_variables(variables: &Variables, production: bool) -> AppResult<()> {
    let nesting = variables.values().map(|value| const_nesting(value, 1)).max().unwrap_or(0);
    if nesting > MAX_NESTING {
        return Err(exceeded(production, "a variable is nested too deep", || {
            format!("a variable nests lists and objects {nesting} levels deep; at most {MAX_NESTING} are allowed")
        }));
    }
    check_list(variables.values().map(longest_const_list).max().unwrap_or(0), production)
}

/// How deep lists and objects nest in a value, counted no further than just
/// past the limit (JSON's own parser already stops at 128 levels).
fn const_nesting(value: &Value, depth: usize) -> usize {
    if depth > MAX_NESTING {
        return depth;
    }
    match value {
        Value::List(items) => items.iter().map(|item| const_nesting(item, depth + 1)).max().unwrap_or(depth),
        Value::Object(fields) => fields.values().map(|field| const_nesting(field, depth + 1)).max().unwrap_or(depth),
        _ => depth - 1,
    }
}

fn check_list(items: usize, production: bool) -> AppResult<()> {
    if items <= INPUT_LIST_ITEMS {
        return Ok(());
    }
    Err(exceeded(production, "an input list has too many items", || {
        format!("an input list has {items} items; at most {INPUT_LIST_ITEMS} are allowed")
    }))
}

fn longest_const_list(value: &Value) -> usize {
    match value {
        Value::List(items) => items.iter().map(longest_const_list).max().unwrap_or(0).max(items.len()),
        Value::Object(fields) => fields.values().map(longest_const_list).max().unwrap_or(0),
        _ => 0,
    }
}

/// Fields once fragments are expanded (in every operation of the document,
/// since validation walks them all), then aliases, input lists, directives
/// per field and root mutation fields of the operation that would run. A
/// document whose operation cannot be chosen passes the latter: execution
/// answers it with async-graphql's own error, before any database work.
pub fn check_document(
    document: &ExecutableDocument,
    operation_name: Option<&str>,
    limits: &QueryLimits,
    production: bool,
) -> AppResult<()> {
    let mut walk = Walk { document, limits, production, fragments: HashMap::new(), visiting: HashSet::new() };
    let mut fields = 0usize;
    for (_, operation) in document.operations.iter() {
        fields = fields.saturating_add(walk.counts(&operation.node.selection_set.node)?.fields);
    }
    if fields > MAX_EXPANDED_FIELDS {
        return Err(exceeded(production, "the query selects too many fields once its fragments are expanded", || {
            format!(
                "the query selects {fields} fields once its fragments are expanded where they are spread; \
                 at most {MAX_EXPANDED_FIELDS} are allowed"
            )
        }));
    }
    let Some(operation) = super::operation::selected(document, operation_name) else { return Ok(()) };
    walk.directives(operation.directives.len(), "the operation")?;
    let Counts { aliases, .. } = walk.counts(&operation.selection_set.node)?;
    if aliases > limits.aliases {
        return Err(exceeded(production, "the query has too many aliases", || {
            format!("the query has {aliases} aliases; at most {} are allowed", limits.aliases)
        }));
    }
    let mut depth = Depth { document, fragments: HashMap::new(), introspection: 0 };
    let levels = depth.of(&operation.selection_set.node, 0);
    if levels > limits.depth {
        return Err(exceeded(production, "the query is nested too deep", || {
            format!("the query is nested too deep; at most {} levels are allowed", limits.depth)
        }));
    }
    if depth.introspection > INTROSPECTION_DEPTH {
        return Err(exceeded(production, "the introspection query is nested too deep", || {
            format!(
                "the introspection query nests {} levels; at most {INTROSPECTION_DEPTH} are allowed",
                depth.introspection
            )
        }));
    }
    if operation.ty == OperationType::Mutation {
        let mutations = root_fields(document, &operation.selection_set.node, &mut HashMap::new());
        // Each mutation is one transaction with its one event; several in one
        // request would blur what was decided together.
        if mutations > 1 {
            return Err(exceeded(production, "the operation has more than one mutation; send one per request", || {
                format!("the operation has {mutations} mutation fields; send one mutation per request")
            }));
        }
    }
    Ok(())
}

/// The fields an operation may select once its fragments are expanded where
/// they are spread. async-graphql's validation and execution expand every
/// spread, again at each one, so a short document whose fragments each
/// spread the next twice would cost them 2^n fields: forty such fragments
/// fit in 2,000 characters and would keep a core busy for days. The largest
/// screens in `examples/operations` select about a hundred; the standard
/// introspection query about 250.
pub const MAX_EXPANDED_FIELDS: usize = 5_000;

/// What the walk counts in a selection set, its fragments expanded.
#[derive(Clone, Copy, Default)]
struct Counts {
    aliases: usize,
    fields: usize,
}

impl Counts {
    fn add(self, other: Counts) -> Counts {
        Counts { aliases: self.aliases.saturating_add(other.aliases), fields: self.fields.saturating_add(other.fields) }
    }
}

/// One pass over the operation. A fragment is walked once: its counts are
/// remembered and added at each spread, so nested spreads cannot make the
/// walk itself expensive. A fragment cycle counts nothing (validation refuses it).
struct Walk<'a> {
    document: &'a ExecutableDocument,
    limits: &'a QueryLimits,
    production: bool,
    fragments: HashMap<&'a str, Counts>,
    visiting: HashSet<&'a str>,
}

impl<'a> Walk<'a> {
    fn directives(&self, count: usize, what: &str) -> AppResult<()> {
        if count <= self.limits.directives_per_field {
            return Ok(());
        }
        Err(exceeded(self.production, "a field has too many directives", || {
            format!("{what} has {count} directives; at most {} are allowed per field", self.limits.directives_per_field)
        }))
    }

    fn counts(&mut self, selection_set: &'a SelectionSet) -> AppResult<Counts> {
        let mut counts = Counts::default();
        for selection in &selection_set.items {
            match &selection.node {
                Selection::Field(field) => {
                    let field = &field.node;
                    self.directives(field.directives.len(), &format!("the field `{}`", field.name.node))?;
                    let items = field
                        .arguments
                        .iter()
                        .map(|(_, value)| {
                            // Variables count in `check_variables`; here they stand for nothing.
                            let literal = value.node.clone().into_const_with(|_| Ok::<_, ()>(Value::Null));
                            literal.as_ref().map_or(0, longest_const_list)
                        })
                        .max()
                        .unwrap_or(0);
                    check_list(items, self.production)?;
                    let own = Counts { aliases: usize::from(field.alias.is_some()), fields: 1 };
                    counts = counts.add(own).add(self.counts(&field.selection_set.node)?);
                }
                Selection::InlineFragment(fragment) => {
                    self.directives(fragment.node.directives.len(), "an inline fragment")?;
                    counts = counts.add(self.counts(&fragment.node.selection_set.node)?);
                }
                Selection::FragmentSpread(spread) => {
                    let name = spread.node.fragment_name.node.as_str();
                    self.directives(spread.node.directives.len(), &format!("the spread of `{name}`"))?;
                    counts = counts.add(self.fragment_counts(name)?);
                }
            }
        }
        Ok(counts)
    }

    fn fragment_counts(&mut self, name: &'a str) -> AppResult<Counts> {
        if let Some(&counts) = self.fragments.get(name) {
            return Ok(counts);
        }
        let Some(fragment) = self.document.fragments.get(name) else { return Ok(Counts::default()) };
        if !self.visiting.insert(name) {
            return Ok(Counts::default());
        }
        self.directives(fragment.node.directives.len(), &format!("the fragment `{name}`"))?;
        let counts = self.counts(&fragment.node.selection_set.node)?;
        self.visiting.remove(name);
        self.fragments.insert(name, counts);
        Ok(counts)
    }
}

/// How deep an introspection (`__schema`, `__type`) may nest. Its depth is
/// counted apart from the query's: a type reference nests `ofType` once per
/// list or non-null wrapper, and the standard introspection queries of
/// graphql-js, GraphiQL, Apollo's tools and Python's gql reach 13 to 15
/// levels, which the depth limit for data (10) would refuse. Introspection
/// reads the schema only, never the database, so its own bound suffices.
pub const INTROSPECTION_DEPTH: usize = 24;

/// The depth of an operation as async-graphql counts it (a field is a level,
/// `__typename` is none, fragments count where they are spread), except that
/// an introspection field counts as one level and its subtree is measured on
/// its own. A fragment is measured once per starting depth class.
struct Depth<'a> {
    document: &'a ExecutableDocument,
    /// Each fragment's depth, once measured; `None` while on the way in (a
    /// cycle, which validation refuses, counts nothing).
    fragments: HashMap<(&'a str, bool), Option<usize>>,
    /// The deepest introspection subtree.
    introspection: usize,
}

impl<'a> Depth<'a> {
    /// The depth below a selection set; inside introspection when `inside`
    /// is more than zero (the introspection subtree's depth so far).
    fn of(&mut self, selection_set: &'a SelectionSet, inside: usize) -> usize {
        let mut deepest = 0;
        for selection in &selection_set.items {
            let depth = match &selection.node {
                Selection::Field(field) => {
                    let field = &field.node;
                    let name = field.name.node.as_str();
                    if name == "__typename" {
                        0
                    } else if inside == 0 && (name == "__schema" || name == "__type") {
                        let below = self.of(&field.selection_set.node, 1);
                        self.introspection = self.introspection.max(1 + below);
                        1
                    } else {
                        1 + self.of(&field.selection_set.node, inside + usize::from(inside > 0))
                    }
                }
                Selection::InlineFragment(fragment) => self.of(&fragment.node.selection_set.node, inside),
                Selection::FragmentSpread(spread) => {
                    let name = spread.node.fragment_name.node.as_str();
                    let key = (name, inside > 0);
                    match self.fragments.get(&key) {
                        Some(Some(depth)) => *depth,
                        Some(None) => 0,
                        None => match self.document.fragments.get(name) {
                            Some(fragment) => {
                                self.fragments.insert(key, None);
                                let depth = self.of(&fragment.node.selection_set.node, inside);
                                self.fragments.insert(key, Some(depth));
                                depth
                            }
                            None => 0,
                        },
                    }
                }
            };
            deepest = deepest.max(depth);
        }
        deepest
    }
}

/// The root fields of an operation, fragments expanded, `__typename` aside.
fn root_fields<'a>(
    document: &'a ExecutableDocument,
    selection_set: &'a SelectionSet,
    fragments: &mut HashMap<&'a str, Option<usize>>,
) -> usize {
    let mut count = 0usize;
    for selection in &selection_set.items {
        count = count.saturating_add(match &selection.node {
            Selection::Field(field) => usize::from(!field.node.name.node.starts_with("__")),
            Selection::InlineFragment(fragment) => root_fields(document, &fragment.node.selection_set.node, fragments),
            Selection::FragmentSpread(spread) => {
                let name = spread.node.fragment_name.node.as_str();
                match fragments.get(name) {
                    Some(Some(count)) => *count,
                    // On the way in: a cycle, which validation refuses.
                    Some(None) => 0,
                    None => match document.fragments.get(name) {
                        Some(fragment) => {
                            fragments.insert(name, None);
                            let count = root_fields(document, &fragment.node.selection_set.node, fragments);
                            fragments.insert(name, Some(count));
                            count
                        }
                        None => 0,
                    },
                }
            }
        });
    }
    count
}

#[cfg(test)]
mod tests {
    use async_graphql::parser::parse_query;
    use proptest::strategy::Strategy;

    use super::*;

    fn check(query: &str) -> AppResult<()> {
        let document = parse_query(query).expect("parses");
        check_document(&document, None, &QueryLimits::DEFAULT, false)
    }

    #[test]
    fn aliases_in_fragments_count_once_per_spread() {
        let fragment = "fragment F on Query { a: viewer { id } b: viewer { id } c: viewer { id } d: viewer { id } e: viewer { id } }";
        assert!(check(&format!("{{ ...F ...F ...F }} {fragment}")).is_ok(), "15 aliases");
        let error = check(&format!("{{ ...F ...F ...F x: viewer {{ id }} }} {fragment}")).expect_err("16 aliases");
        assert_eq!(error.to_string(), "the query has 16 aliases; at most 15 are allowed");
    }

    #[test]
    fn fragment_cycles_and_deep_fragment_trees_stay_cheap() {
        assert!(check("{ ...A } fragment A on Query { ...B } fragment B on Query { ...A }").is_ok());
        // Sixty fragments each spreading the next twice: 2^60 spreads if expanded.
        let mut query = String::from("{ ...F0 }");
        for i in 0..60 {
            query.push_str(&format!(" fragment F{i} on Query {{ ...F{} ...F{} }}", i + 1, i + 1));
        }
        query.push_str(" fragment F60 on Query { a: viewer { id } }");
        let error = check(&query).expect_err("too many aliases");
        assert!(matches!(error, AppError::LimitExceeded(_)));
    }

    #[test]
    fn one_mutation_per_operation_counting_fragments() {
        assert!(check("mutation { a { id } __typename }").is_ok());
        assert!(check("mutation { a { id } b { id } }").is_err());
        assert!(check("mutation { ...M } fragment M on Mutation { a { id } b { id } }").is_err());
    }

    /// Parses on a thread with a tokio worker's default stack (2 MiB): a
    /// stack overflow there aborts this test binary, so the test fails.
    fn parse_on_a_worker_sized_stack(query: String) {
        std::thread::Builder::new()
            .stack_size(2 * 1024 * 1024)
            .spawn(move || {
                let _ = parse_query(&query);
            })
            .expect("a thread")
            .join()
            .expect("the parser returns");
    }

    /// Every way of nesting the parser recurses on, `levels` deep.
    fn nested(levels: usize) -> Vec<String> {
        let list = format!("{}\"x\"{}", "[".repeat(levels), "]".repeat(levels));
        let object = format!("{}1{}", "{a: ".repeat(levels), "}".repeat(levels));
        vec![
            format!("{{ nodes(ids: {list}) {{ id }} }}"),
            format!("{{ node(id: {object}) {{ id }} }}"),
            format!("query($v: [ID!] = {list}) {{ nodes(ids: $v) {{ id }} }}"),
            format!("query($v: {}ID{}) {{ viewer {{ id }} }}", "[".repeat(levels), "]".repeat(levels)),
            format!("{}{}", "{ a ".repeat(levels), "}".repeat(levels)),
        ]
    }

    #[test]
    fn deep_value_literals_are_refused_before_the_parser_sees_them() {
        for query in nested(1_500) {
            let error = check_text(&query, &QueryLimits::DEFAULT, false).expect_err("too deep");
            assert!(matches!(error, AppError::LimitExceeded(_)), "{error}");
            assert!(error.to_string().contains("nests brackets"), "{error}");
        }
    }

    #[test]
    fn what_passes_the_check_parses_on_a_worker_sized_stack() {
        for query in nested(MAX_NESTING - 3) {
            assert!(check_text(&query, &QueryLimits::DEFAULT, false).is_ok(), "{query}");
            parse_on_a_worker_sized_stack(query);
        }
    }

    #[test]
    fn brackets_in_strings_and_comments_are_not_nesting() {
        let deep = "[".repeat(200);
        let query =
            format!("# {deep}\n{{ a(s: \"{deep}\", t: \"\"\"{deep} \\\"\"\" {deep}\"\"\", u: \"\\\"{deep}\") }}");
        assert_eq!(nesting(&query), 2, "{query}");
    }

    #[test]
    fn variables_nested_too_deep_are_refused() {
        let mut value = serde_json::json!("x");
        for _ in 0..100 {
            value = serde_json::json!([value]);
        }
        let variables = Variables::from_json(serde_json::json!({ "ids": value }));
        let error = check_variables(&variables, false).expect_err("too deep");
        assert!(error.to_string().contains("nests lists and objects"), "{error}");
        let shallow = Variables::from_json(serde_json::json!({ "input": { "a": [[1, 2], { "b": [3] }] } }));
        assert!(check_variables(&shallow, false).is_ok());
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig { cases: 256, ..Default::default() })]

        /// Any document built of brackets, names, strings, comments and
        /// punctuation, deep or wide: the check bounds it, and whatever passes
        /// parses (or is refused by the parser) without exhausting the stack.
        #[test]
        fn no_document_overflows_the_parser(
            pieces in proptest::collection::vec(
                proptest::prop_oneof![
                    8 => proptest::sample::select(vec!["{", "[", "(", "{a: ", "[[", "(x: "]).prop_map(str::to_owned),
                    6 => proptest::sample::select(vec!["}", "]", ")", "]]"]).prop_map(str::to_owned),
                    4 => proptest::sample::select(vec![
                        " a ", "nodes", "ids:", "$v", "1", "\"s\"", "\"\"\"b\"\"\"", "#c\n", ",", "...", "@d", "query", ":", "=", "!",
                        "\"[[[\"", "\"", "\\",
                    ]).prop_map(str::to_owned),
                    1 => (1usize..400).prop_map(|n| "[".repeat(n)),
                    1 => (1usize..400).prop_map(|n| "{a: ".repeat(n)),
                ],
                0..600,
            )
        ) {
            let query: String = pieces.concat();
            if check_text(&query, &QueryLimits { query_length: usize::MAX, ..QueryLimits::DEFAULT }, false).is_ok() {
                proptest::prop_assert!(nesting(&query) <= MAX_NESTING);
                parse_on_a_worker_sized_stack(query);
            }
        }
    }

    #[test]
    fn production_messages_leave_the_numbers_out() {
        let limits = QueryLimits { query_length: 5, ..QueryLimits::DEFAULT };
        let error = check_length("{ viewer { id } }", &limits, true).expect_err("too long");
        assert_eq!(error.to_string(), "the query is too long");
        let error = check_batch(11, &QueryLimits::DEFAULT, true).expect_err("too many");
        assert_eq!(error.to_string(), "the batch has too many operations");
    }
}

#[cfg(test)]
mod depth_tests {
    use async_graphql::parser::parse_query;

    use super::*;

    #[test]
    fn doubled_fragment_spreads_are_refused_before_anything_expands_them() {
        // Each fragment spreads the next twice: 2^40 fields once expanded,
        // in the operation that runs or in another one of the document.
        let mut fragments = String::new();
        for level in 0..40 {
            fragments.push_str(&format!(" fragment F{level} on Query {{ __typename ...F{n} ...F{n} }}", n = level + 1));
        }
        fragments.push_str(" fragment F40 on Query { __typename }");
        for text in
            [format!("{{ ...F0 }}{fragments}"), format!("query A {{ __typename }} query B {{ ...F0 }}{fragments}")]
        {
            // Linear: a walk that expanded the spreads would not finish.
            let error = check_document(&parse_query(&text).expect("parses"), Some("A"), &QueryLimits::DEFAULT, false)
                .expect_err("refused");
            assert!(error.to_string().contains("once its fragments are expanded"), "{error}");
        }
        // A fragment of twenty fields spread twice: forty fields, which pass.
        let twenty = "{ ...A ...A } fragment A on Query { ...B } fragment B on Query { a b c d e f g h i j k l m n o p q r s t }";
        check_document(&parse_query(twenty).expect("parses"), None, &QueryLimits::DEFAULT, false).expect("passes");
    }

    #[test]
    fn the_standard_introspection_query_counts_apart_from_the_data_depth() {
        let text = std::fs::read_to_string(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/fixtures/introspection/graphql-js.graphql"
        ))
        .expect("fixture");
        let document = parse_query(&text).expect("parses");
        let result = check_document(&document, None, &QueryLimits::DEFAULT, false);
        assert!(result.is_ok(), "{result:?}");
    }
}
