//! A cache of parsed GraphQL documents by query text. Front-ends send the same
//! few queries all day; parsing one again on every request cost 3–6 % of the
//! server's CPU, measured with perf on the benchmark's nested reads (bench/).
//! Only documents that parsed are kept, so
//! a hit skips the parser and nothing else: limits, validation and
//! authorization run on every request as before. [`admit`] is every
//! operation's way in, over POST and WebSocket alike.

use std::num::NonZeroUsize;
use std::sync::{Arc, Mutex, PoisonError};

use async_graphql::Request;
use async_graphql::parser::types::ExecutableDocument;
use lru::LruCache;

use super::AppState;
use crate::domain::AppError;
use crate::graphql::input_text;
use crate::graphql::limits;

/// How many distinct documents are kept. A client that varies its query text
/// (inlined values instead of variables) only evicts, it never grows memory.
const CAPACITY: NonZeroUsize = NonZeroUsize::new(512).expect("not zero");

pub struct Documents(Mutex<LruCache<String, Arc<ExecutableDocument>>>);

impl Default for Documents {
    fn default() -> Self {
        Self(Mutex::new(LruCache::new(CAPACITY)))
    }
}

impl Documents {
    /// The parsed document of `query`, when it was seen before.
    pub fn get(&self, query: &str) -> Option<Arc<ExecutableDocument>> {
        self.0.lock().unwrap_or_else(PoisonError::into_inner).get(query).cloned()
    }

    pub fn put(&self, query: &str, document: Arc<ExecutableDocument>) {
        self.0.lock().unwrap_or_else(PoisonError::into_inner).put(query.to_owned(), document);
    }
}

/// An operation's way in, the same for POST and WebSocket: a persisted
/// document's hash resolved (in trusted mode, nothing but the listed
/// documents), the text's length and nesting before parsing, then on the
/// parsed document (from this cache when it was seen before) aliases,
/// directives, mutations and the text inputs. `None`: the document does not
/// parse, which execution answers with the parser's message, before any SQL.
pub fn admit(state: &AppState, request: &mut Request) -> Result<Option<Arc<ExecutableDocument>>, AppError> {
    let limits = &state.query_limits();
    state.persisted.resolve(request)?;
    limits::check_text(&request.query, limits, state.production)?;
    limits::check_variables(&request.variables, state.production)?;
    let document = match state.documents.get(&request.query) {
        Some(document) => {
            request.set_parsed_query((*document).clone());
            Some(document)
        }
        None => {
            let parsed = request.parsed_query().ok().map(|document| Arc::new(document.clone()));
            if let Some(document) = &parsed {
                state.documents.put(&request.query, document.clone());
            }
            parsed
        }
    };
    let operation_name = request.operation_name.clone();
    if let Ok(document) = request.parsed_query() {
        limits::check_document(document, operation_name.as_deref(), limits, state.production)?;
    }
    // Text PostgreSQL cannot store (NUL) is refused on both engines alike.
    input_text::check_variables(&request.variables)?;
    if let Ok(document) = request.parsed_query() {
        input_text::check_document(document)?;
    }
    Ok(document)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_documents_by_their_text_and_forgets_the_least_recently_used() {
        let documents = Documents::default();
        let parsed = Arc::new(async_graphql::parser::parse_query("{ viewer { id } }").expect("parses"));
        documents.put("{ viewer { id } }", parsed.clone());
        assert!(documents.get("{ viewer { id } }").is_some());
        assert!(documents.get("{ viewer { name } }").is_none(), "another text is another document");
        for n in 0..CAPACITY.get() {
            documents.put(&format!("{{ a{n} }}"), parsed.clone());
        }
        assert!(documents.get("{ viewer { id } }").is_none(), "evicted once the cache is full");
    }
}
