//! A cache of parsed GraphQL documents by query text. Front-ends send the same
//! few queries all day; parsing one again on every request cost 3–6 % of the
//! server's CPU, measured with perf on the benchmark's nested reads (bench/).
//! Only documents that parsed are kept, so
//! a hit skips the parser and nothing else: limits, validation and
//! authorization run on every request as before.

use std::num::NonZeroUsize;
use std::sync::{Arc, Mutex, PoisonError};

use async_graphql::parser::types::ExecutableDocument;
use lru::LruCache;

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
