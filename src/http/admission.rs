//! Fair shares of the database. Every request needs a pooled connection for
//! as long as it runs; without a bound, one tenant's (or one person's) burst
//! of expensive reads would hold every connection and every other tenant
//! would wait out the pool and fail. So a request first takes a slot of its
//! tenant and a slot of its person (or API client), and only then a
//! connection: a tenant holds at most `EENDRACHT_TENANT_CONCURRENCY`
//! connections at once (by default three quarters of the pool, so others
//! always find one free), a person at most `EENDRACHT_PERSON_CONCURRENCY`.
//!
//! A request that finds no slot waits in line (first come, first served) for
//! at most [`Admission::patience`], then is answered THROTTLED (busy,
//! `Retry-After: 1`) without having touched the database. Waiting costs the
//! others nothing: a waiting request holds no connection.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use tokio::sync::{OwnedSemaphorePermit, Semaphore};

use crate::auth::{Principal, TenantRef};
use crate::domain::AppError;

/// Slots per tenant and per person (set by `config::ConcurrencyLimits`);
/// unset: derived from the pool size.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct ConcurrencyLimits {
    /// Requests of one tenant that may use the database at once (default:
    /// three quarters of the pool, at least 1).
    pub tenant: Option<u32>,

    /// Requests of one person or API client that may use the database at
    /// once (default: two thirds of the tenant's, at least 1).
    pub person: Option<u32>,
}

impl ConcurrencyLimits {
    /// The slots for a pool of `pool_size` connections.
    pub fn resolve(self, pool_size: u32) -> (u32, u32) {
        let tenant = self.tenant.unwrap_or_else(|| pool_size - pool_size / 4).max(1);
        let person = self.person.unwrap_or(tenant * 2 / 3).max(1);
        (tenant, person)
    }
}

/// Semaphores per tenant and per person, made on first use and forgotten
/// when idle once there are many.
pub struct Admission {
    tenant: u32,
    person: u32,
    patience: Duration,
    slots: Mutex<HashMap<String, Arc<Semaphore>>>,
}

/// A request's slots, given back when it is dropped.
pub struct Admitted {
    _tenant: OwnedSemaphorePermit,
    _person: OwnedSemaphorePermit,
}

/// Idle semaphores are dropped once the map holds this many.
const MAX_SLOT_KEYS: usize = 10_000;

impl Admission {
    pub fn new(tenant: u32, person: u32, patience: Duration) -> Self {
        Self { tenant: tenant.max(1), person: person.max(1), patience, slots: Mutex::default() }
    }

    /// Takes the tenant's and the person's slot, in that order, waiting at
    /// most `patience` for both together.
    pub async fn admit(&self, principal: &Principal) -> Result<Admitted, AppError> {
        let tenant = match &principal.tenant {
            TenantRef::Slug(slug) => slug.clone(),
            TenantRef::Id(id) => id.to_string(),
        };
        let tenant_slots = self.semaphore(format!("tenant:{tenant}"), self.tenant);
        let person_slots = self.semaphore(format!("person:{tenant}/{}", principal.key()), self.person);
        let both = async move {
            // The person's slot first: a person over their share queues
            // behind themselves without holding one of the tenant's slots.
            let person = person_slots.acquire_owned().await;
            let tenant = tenant_slots.acquire_owned().await;
            (tenant, person)
        };
        match tokio::time::timeout(self.patience, both).await {
            Ok((Ok(tenant), Ok(person))) => Ok(Admitted { _tenant: tenant, _person: person }),
            // A semaphore is never closed; a timeout is a full share.
            _ => Err(AppError::Busy),
        }
    }

    fn semaphore(&self, key: String, permits: u32) -> Arc<Semaphore> {
        let mut slots = self.slots.lock().unwrap_or_else(PoisonError::into_inner);
        if slots.len() >= MAX_SLOT_KEYS {
            // A semaphore nobody holds or waits for is only referenced here.
            slots.retain(|_, semaphore| Arc::strong_count(semaphore) > 1);
        }
        slots.entry(key).or_insert_with(|| Arc::new(Semaphore::new(permits as usize))).clone()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn person(tenant: &str, subject: &str) -> Principal {
        Principal::person(TenantRef::Slug(tenant.to_owned()), subject)
    }

    #[test]
    fn shares_follow_the_pool_unless_set() {
        assert_eq!(ConcurrencyLimits::default().resolve(8), (6, 4));
        assert_eq!(ConcurrencyLimits::default().resolve(4), (3, 2));
        assert_eq!(ConcurrencyLimits::default().resolve(1), (1, 1));
        assert_eq!(ConcurrencyLimits { tenant: Some(2), person: Some(5) }.resolve(8), (2, 5));
    }

    #[tokio::test]
    async fn a_full_tenant_share_turns_its_next_request_away_and_no_one_elses() {
        let admission = Admission::new(2, 2, Duration::from_millis(50));
        let first = admission.admit(&person("a", "ann")).await.expect("a slot");
        let second = admission.admit(&person("a", "bob")).await.expect("a slot");
        let refused = admission.admit(&person("a", "carol")).await.err().expect("the tenant's share is full");
        assert_eq!(refused.code(), "THROTTLED");
        // Another tenant is not affected.
        let other = admission.admit(&person("b", "ann")).await.expect("another tenant's slot");
        drop((first, other));
        // A slot given back is taken by the next request.
        let _again = admission.admit(&person("a", "carol")).await.expect("a slot again");
        drop(second);
    }

    #[tokio::test]
    async fn a_person_over_their_share_waits_without_holding_the_tenants() {
        let admission = Admission::new(2, 1, Duration::from_millis(50));
        let _ann = admission.admit(&person("a", "ann")).await.expect("a slot");
        assert!(admission.admit(&person("a", "ann")).await.is_err(), "ann's share is one");
        // Ann's waiting request did not take the tenant's second slot.
        let _bob = admission.admit(&person("a", "bob")).await.expect("bob's slot");
    }
}
