//! Who a token names, known before its query is read. A verified signature
//! says only that an issuer vouches for a subject; whether the tenant has
//! that person (or API client) is in the database. That is checked before the
//! query text is parsed or charged, so a stranger's request costs its tenant
//! nothing and reaches no parser: it is answered 401 and counts against its
//! source address's failures instead.
//!
//! Asking the database on every request would add a round trip to each;
//! principals found recently are remembered for [`TTL`]. The memory only
//! saves the look-up: the request's own transaction resolves the actor again
//! (so a revoked client or an anonymised person is refused at once), and a
//! principal it refuses is forgotten here.

use std::num::NonZeroUsize;
use std::sync::{Mutex, PoisonError};
use std::time::{Duration, Instant};

use lru::LruCache;

use crate::auth::{Principal, TenantRef};

/// How long a principal found in the database is taken as known.
const TTL: Duration = Duration::from_secs(60);

/// How many principals are remembered; the least recently seen go first.
const CAPACITY: NonZeroUsize = NonZeroUsize::new(10_000).expect("not zero");

pub struct KnownPrincipals(Mutex<LruCache<String, Instant>>);

impl Default for KnownPrincipals {
    fn default() -> Self {
        Self(Mutex::new(LruCache::new(CAPACITY)))
    }
}

fn key(principal: &Principal) -> String {
    match &principal.tenant {
        TenantRef::Slug(slug) => format!("{slug}/{}", principal.key()),
        TenantRef::Id(id) => format!("{id}/{}", principal.key()),
    }
}

impl KnownPrincipals {
    /// Whether the database named this principal within the last [`TTL`].
    pub fn knows(&self, principal: &Principal) -> bool {
        let mut known = self.0.lock().unwrap_or_else(PoisonError::into_inner);
        match known.get(&key(principal)) {
            Some(found) if found.elapsed() < TTL => true,
            Some(_) => {
                known.pop(&key(principal));
                false
            }
            None => false,
        }
    }

    pub fn remember(&self, principal: &Principal) {
        self.0.lock().unwrap_or_else(PoisonError::into_inner).put(key(principal), Instant::now());
    }

    pub fn forget(&self, principal: &Principal) {
        self.0.lock().unwrap_or_else(PoisonError::into_inner).pop(&key(principal));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn remembers_principals_per_tenant_until_forgotten() {
        let known = KnownPrincipals::default();
        let ann = Principal::person(TenantRef::Slug("a".into()), "ann");
        let other = Principal::person(TenantRef::Slug("b".into()), "ann");
        assert!(!known.knows(&ann));
        known.remember(&ann);
        assert!(known.knows(&ann));
        assert!(!known.knows(&other), "the same subject in another tenant is another principal");
        known.forget(&ann);
        assert!(!known.knows(&ann));
    }
}
