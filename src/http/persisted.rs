//! Persisted documents: a client may send the SHA-256 hash of its query
//! instead of its text.
//!
//! - **Automatic persisted queries** (Apollo's protocol): a request with
//!   `extensions.persistedQuery = { version: 1, sha256Hash }` and no query is
//!   answered from the hashes this process has seen, or refused with
//!   `PERSISTED_QUERY_NOT_FOUND` (message `PersistedQueryNotFound`, which
//!   Apollo's link recognises), upon which the client sends hash and text
//!   together once; a text whose hash differs from the one sent is refused.
//!   Seen texts are kept per process, least recently used first out.
//! - **Trusted documents** (`EENDRACHT_TRUSTED_DOCUMENTS`): a production
//!   deployment may accept only the operations of its own front-ends. The
//!   file is the manifest GraphQL Code Generator's client preset writes
//!   (`persisted-documents.json`: `{"<hash>": "<text>", …}`, a hash with or
//!   without its `sha256:` prefix). Then a request must name a listed hash
//!   (`PERSISTED_QUERY_ID_REQUIRED` otherwise) or send a text whose hash is
//!   listed (`PERSISTED_QUERY_NOT_IN_LIST` otherwise); nothing else runs.

use std::collections::HashMap;
use std::num::NonZeroUsize;
use std::path::Path;
use std::sync::{Mutex, PoisonError};

use anyhow::Context;
use async_graphql::{Request, Value};
use lru::LruCache;
use sha2::{Digest, Sha256};

use crate::domain::AppError;

/// How many texts automatic persisted queries remember.
const CAPACITY: NonZeroUsize = NonZeroUsize::new(1_024).expect("not zero");

/// Longest hash accepted: 64 hex digits, with a `sha256:` prefix at most.
const MAX_HASH: usize = 71;

pub struct PersistedDocuments {
    seen: Mutex<LruCache<String, String>>,
    /// The manifest of trusted documents, by hash, when configured.
    trusted: Option<HashMap<String, String>>,
}

impl Default for PersistedDocuments {
    fn default() -> Self {
        Self { seen: Mutex::new(LruCache::new(CAPACITY)), trusted: None }
    }
}

/// The lower-case hex SHA-256 of a text.
pub fn hash(text: &str) -> String {
    hex::encode(Sha256::digest(text.as_bytes()))
}

/// A hash as sent or listed, without its optional `sha256:` prefix.
fn bare(hash: &str) -> String {
    hash.strip_prefix("sha256:").unwrap_or(hash).to_ascii_lowercase()
}

impl PersistedDocuments {
    /// Only the documents of `manifest` run (a client preset's
    /// `persisted-documents.json`). A manifest whose texts do not hash to
    /// their keys is refused at start, so a typo cannot silently trust
    /// another text.
    pub fn trusted(manifest: &Path) -> anyhow::Result<Self> {
        let text = std::fs::read_to_string(manifest)
            .with_context(|| format!("reading the trusted documents at {}", manifest.display()))?;
        let listed: HashMap<String, String> =
            serde_json::from_str(&text).context("the trusted documents are not a JSON object of hash to text")?;
        let mut trusted = HashMap::with_capacity(listed.len());
        for (key, document) in listed {
            let key = bare(&key);
            anyhow::ensure!(hash(&document) == key, "the trusted document {key} does not hash to its key");
            trusted.insert(key, document);
        }
        Ok(Self { trusted: Some(trusted), ..Self::default() })
    }

    /// Fills in the request's text from its hash, checks a text against its
    /// hash, and in trusted mode refuses what is not listed.
    pub fn resolve(&self, request: &mut Request) -> Result<(), AppError> {
        let sent = match request.extensions.0.get("persistedQuery") {
            Some(Value::Object(persisted)) => match persisted.get("sha256Hash") {
                Some(Value::String(hash)) if hash.len() <= MAX_HASH => Some(bare(hash)),
                _ => {
                    return Err(AppError::bad_input("extensions.persistedQuery", "sha256Hash is missing or malformed"));
                }
            },
            Some(_) => {
                return Err(AppError::bad_input("extensions.persistedQuery", "persistedQuery must be an object"));
            }
            None => None,
        };
        if let Some(trusted) = &self.trusted {
            let key = match (&sent, request.query.is_empty()) {
                (Some(sent), _) => sent.clone(),
                (None, false) => hash(&request.query),
                (None, true) => return Err(AppError::PersistedQueryIdRequired),
            };
            let Some(document) = trusted.get(&key) else {
                return Err(if sent.is_some() {
                    AppError::PersistedQueryNotFound
                } else {
                    AppError::PersistedQueryNotInList
                });
            };
            if !request.query.is_empty() && request.query != *document {
                return Err(AppError::bad_input("query", "the query does not match its sha256Hash"));
            }
            request.query = document.clone();
            return Ok(());
        }
        let Some(sent) = sent else { return Ok(()) };
        let mut seen = self.seen.lock().unwrap_or_else(PoisonError::into_inner);
        if request.query.is_empty() {
            request.query = seen.get(&sent).cloned().ok_or(AppError::PersistedQueryNotFound)?;
            return Ok(());
        }
        if hash(&request.query) != sent {
            return Err(AppError::bad_input(
                "extensions.persistedQuery",
                "provided sha256Hash does not match the query",
            ));
        }
        seen.put(sent, request.query.clone());
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn with_hash(query: &str, hash: &str) -> Request {
        let mut request = Request::new(query);
        let persisted = serde_json::json!({ "version": 1, "sha256Hash": hash });
        request.extensions.0.insert("persistedQuery".into(), Value::from_json(persisted).expect("a value"));
        request
    }

    #[test]
    fn an_unknown_hash_asks_for_the_text_once_then_is_known() {
        let documents = PersistedDocuments::default();
        let query = "{ viewer { person { name } } }";
        let mut request = with_hash("", &hash(query));
        assert_eq!(documents.resolve(&mut request).expect_err("unknown").code(), "PERSISTED_QUERY_NOT_FOUND");
        documents.resolve(&mut with_hash(query, &hash(query))).expect("registered");
        let mut request = with_hash("", &format!("sha256:{}", hash(query)));
        documents.resolve(&mut request).expect("known");
        assert_eq!(request.query, query);
        let wrong = documents.resolve(&mut with_hash("{ viewer { id } }", &hash(query))).expect_err("mismatch");
        assert_eq!(wrong.code(), "BAD_USER_INPUT");
    }

    #[test]
    fn trusted_mode_runs_listed_documents_only() {
        let query = "query Me { viewer { person { name } } }";
        let dir = tempfile::tempdir().expect("a temp dir");
        let manifest = dir.path().join("persisted-documents.json");
        std::fs::write(&manifest, serde_json::json!({ format!("sha256:{}", hash(query)): query }).to_string())
            .expect("written");
        let documents = PersistedDocuments::trusted(&manifest).expect("a manifest");
        let mut by_hash = with_hash("", &hash(query));
        documents.resolve(&mut by_hash).expect("listed");
        assert_eq!(by_hash.query, query);
        documents.resolve(&mut Request::new(query)).expect("a listed text");
        let other = documents.resolve(&mut Request::new("{ viewer { id } }")).expect_err("not listed");
        assert_eq!(other.code(), "PERSISTED_QUERY_NOT_IN_LIST");
        let unknown = documents.resolve(&mut with_hash("", &hash("{ a }"))).expect_err("unknown hash");
        assert_eq!(unknown.code(), "PERSISTED_QUERY_NOT_FOUND");
        let nothing = documents.resolve(&mut Request::new("")).expect_err("neither");
        assert_eq!(nothing.code(), "PERSISTED_QUERY_ID_REQUIRED");
        // A manifest whose text does not hash to its key is refused.
        std::fs::write(&manifest, serde_json::json!({ hash("{ a }"): query }).to_string()).expect("written");
        assert!(PersistedDocuments::trusted(&manifest).is_err());
    }
}
