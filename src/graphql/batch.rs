//! Request-scoped batching with a deterministic flush, in place of
//! async-graphql's `DataLoader`.
//!
//! `DataLoader` gathers keys for a fixed delay (1 ms) and then loads them on a
//! spawned task. How many siblings queue their key within that window depends
//! on how fast the resolvers run, so a list of 100 items could take one batch
//! or five, more under load, exactly when it hurts. Here the first caller for
//! a key type becomes the batch's *leader*: it yields to the executor until a
//! pass over the request's futures adds no more keys, so every sibling that
//! the same event woke (the same page, the same parent batch) has queued its
//! key, and then loads them all in one query.
//!
//! Batches are kept apart per *lane*: the field's path in the response with
//! list indices left out (`network.commitments.nodes.lead`). Siblings share a
//! lane and are woken together; different fields that happen to load the same
//! kind of key (a commitment's lead and a partnership's organisation) are not,
//! and whether they met in one batch would again depend on timing. So the
//! statement count of a query is a function of its shape, not of timing or of
//! data: one statement per relation and nesting level. Results are cached per
//! lane for the request, which is one operation with at most one mutation,
//! resolved after its write.

use std::any::{Any, TypeId};
use std::collections::{HashMap, HashSet};
use std::hash::Hash;
use std::sync::{Arc, Mutex, MutexGuard};

use async_graphql::dataloader::Loader;
use futures_util::FutureExt;
use futures_util::future::Shared;

/// How a batch ended, as its followers see it.
#[derive(Clone)]
enum BatchState<E> {
    Loaded,
    Failed(E),
    /// The leader was dropped before loading (its part of the query was
    /// abandoned); followers take over.
    Abandoned,
}

struct Batch<E> {
    id: u64,
    /// Taken by whoever ends the batch. A plain oneshot rather than a tokio
    /// channel: tokio's cooperative budget could make a follower skip a pass,
    /// and a leader would then load without its key.
    end: Mutex<Option<futures_channel::oneshot::Sender<BatchState<E>>>>,
    ended: Shared<futures_channel::oneshot::Receiver<BatchState<E>>>,
}

impl<E: Clone> Batch<E> {
    fn new(id: u64) -> Self {
        let (end, ended) = futures_channel::oneshot::channel();
        Self { id, end: Mutex::new(Some(end)), ended: ended.shared() }
    }

    fn finish(&self, state: BatchState<E>) {
        if let Some(end) = lock(&self.end).take() {
            let _ = end.send(state);
        }
    }
}

/// Everything known about one key type within the request.
struct Slot<K, V, E> {
    /// Loaded keys; `None` for keys that do not exist or may not be seen.
    cache: HashMap<K, Option<V>>,
    /// Keys waiting for a batch, gathering or running.
    pending: HashMap<K, Arc<Batch<E>>>,
    /// The batch still gathering keys, if any.
    gathering: Option<Arc<Batch<E>>>,
    next_id: u64,
}

impl<K, V, E> Default for Slot<K, V, E> {
    fn default() -> Self {
        Self { cache: HashMap::new(), pending: HashMap::new(), gathering: None, next_id: 0 }
    }
}

/// Batches and caches loads through `L` for one request.
pub struct Batcher<L> {
    loader: L,
    slots: Mutex<HashMap<(TypeId, Lane), Box<dyn Any + Send>>>,
}

/// A lane: a hash of the response path without list indices.
pub type Lane = u64;

/// Where [`Batcher::prime`] keeps what a parent's statement already read. Every
/// lane looks here first: a primed value is the same row a loader would give,
/// filtered by the same visibility, so it may serve any field.
const PRIMED: Lane = 0;

/// The lane of the field being resolved.
pub fn lane_of(path: Option<&async_graphql::QueryPathNode<'_>>) -> Lane {
    use std::hash::Hasher;
    let mut hasher = std::collections::hash_map::DefaultHasher::new();
    let mut node = path;
    while let Some(current) = node {
        if let async_graphql::QueryPathSegment::Name(name) = current.segment {
            hasher.write(name.as_bytes());
            hasher.write_u8(b'.');
        }
        node = current.parent;
    }
    // Lane 0 is the primed values' own.
    hasher.finish().max(1)
}

/// A leader's passes over the request before it loads anyway. A pass costs
/// little (only woken futures are polled), and a cap of 64 was seen to split a
/// batch when the whole test suite loaded both cores.
const MAX_PASSES: usize = 1024;
/// Passes without a new key after which a leader loads.
const QUIET_PASSES: usize = 2;

impl<L: Send + Sync + 'static> Batcher<L> {
    pub fn new(loader: L) -> Self {
        Self { loader, slots: Mutex::new(HashMap::new()) }
    }

    fn with_slot<K, R>(&self, lane: Lane, f: impl FnOnce(&mut Slot<K, L::Value, L::Error>) -> R) -> R
    where
        L: Loader<K, Error: Sync>,
        K: Send + Sync + Hash + Eq + Clone + 'static,
    {
        let mut slots = lock(&self.slots);
        let slot = slots
            .entry((TypeId::of::<K>(), lane))
            .or_insert_with(|| Box::new(Slot::<K, L::Value, L::Error>::default()))
            .downcast_mut::<Slot<K, L::Value, L::Error>>()
            .expect("one slot type per key type");
        f(slot)
    }

    /// Records values that a parent field read together with its own rows
    /// (a page joined with its related rows), so the children's loads need no
    /// statement of their own. `None` records a key that does not exist or may
    /// not be seen.
    pub fn prime<K>(&self, entries: impl IntoIterator<Item = (K, Option<L::Value>)>)
    where
        L: Loader<K, Error: Sync>,
        K: Send + Sync + Hash + Eq + Clone + 'static,
    {
        self.with_slot::<K, _>(PRIMED, |slot| slot.cache.extend(entries));
    }

    /// The keys all found among the primed values, or `None`.
    fn primed<K>(&self, keys: &[K]) -> Option<HashMap<K, L::Value>>
    where
        L: Loader<K, Error: Sync>,
        K: Send + Sync + Hash + Eq + Clone + 'static,
    {
        self.with_slot::<K, _>(PRIMED, |slot| {
            if slot.cache.is_empty() || !keys.iter().all(|k| slot.cache.contains_key(k)) {
                return None;
            }
            Some(keys.iter().filter_map(|k| Some((k.clone(), slot.cache.get(k)?.clone()?))).collect())
        })
    }

    /// Loads one key: `None` when it does not exist or may not be seen.
    pub async fn load_one<K>(&self, lane: Lane, key: K) -> Result<Option<L::Value>, L::Error>
    where
        L: Loader<K, Error: Sync>,
        K: Send + Sync + Hash + Eq + Clone + 'static,
    {
        let mut found = self.load_many(lane, std::iter::once(key.clone())).await?;
        Ok(found.remove(&key))
    }

    /// Loads several keys; absent ones are left out of the map.
    pub async fn load_many<K, I>(&self, lane: Lane, keys: I) -> Result<HashMap<K, L::Value>, L::Error>
    where
        L: Loader<K, Error: Sync>,
        K: Send + Sync + Hash + Eq + Clone + 'static,
        I: IntoIterator<Item = K>,
    {
        let keys: Vec<K> = {
            let mut seen = HashSet::new();
            keys.into_iter().filter(|k| seen.insert(k.clone())).collect()
        };
        if let Some(found) = self.primed(&keys) {
            return Ok(found);
        }
        loop {
            // Under the lock: answer from the cache, or join (or open) a batch.
            let step = self.with_slot::<K, _>(lane, |slot| {
                if keys.iter().all(|k| slot.cache.contains_key(k)) {
                    return Step::Done(
                        keys.iter().filter_map(|k| Some((k.clone(), slot.cache.get(k)?.clone()?))).collect(),
                    );
                }
                let mut waits: HashMap<u64, Shared<futures_channel::oneshot::Receiver<BatchState<L::Error>>>> =
                    HashMap::new();
                let mut lead = None;
                for key in keys.iter().filter(|k| !slot.cache.contains_key(*k)) {
                    let batch = match slot.pending.get(key) {
                        Some(batch) => batch.clone(),
                        None => {
                            let batch = match &slot.gathering {
                                Some(batch) => batch.clone(),
                                None => {
                                    slot.next_id += 1;
                                    let batch = Arc::new(Batch::new(slot.next_id));
                                    slot.gathering = Some(batch.clone());
                                    lead = Some(batch.clone());
                                    batch
                                }
                            };
                            slot.pending.insert(key.clone(), batch.clone());
                            batch
                        }
                    };
                    if lead.as_ref().is_none_or(|l| l.id != batch.id) {
                        waits.entry(batch.id).or_insert_with(|| batch.ended.clone());
                    }
                }
                Step::Wait { lead, waits }
            });
            let (lead, waits) = match step {
                Step::Done(found) => return Ok(found),
                Step::Wait { lead, waits } => (lead, waits),
            };
            if let Some(batch) = lead {
                self.lead::<K>(lane, batch).await?;
            }
            for (_, ended) in waits {
                // Loaded, or abandoned: look again below (and maybe lead).
                if let Ok(BatchState::Failed(error)) = ended.await {
                    return Err(error);
                }
            }
        }
    }

    /// Gathers keys until a pass adds none, then loads the batch.
    async fn lead<K>(&self, lane: Lane, batch: Arc<Batch<L::Error>>) -> Result<(), L::Error>
    where
        L: Loader<K, Error: Sync>,
        K: Send + Sync + Hash + Eq + Clone + 'static,
    {
        let mut guard =
            AbandonGuard { batcher: self, lane, batch: Some(batch.clone()), key: std::marker::PhantomData::<K> };
        let queued = |this: &Self| {
            this.with_slot::<K, _>(lane, |slot| slot.pending.values().filter(|b| b.id == batch.id).count())
        };
        // A sibling can miss a pass (the executor polls a long list of futures
        // in slices), so one quiet pass is not proof; two in a row are.
        let mut before = queued(self);
        let mut quiet = 0;
        for _ in 0..MAX_PASSES {
            tokio::task::yield_now().await;
            let now = queued(self);
            quiet = if now == before { quiet + 1 } else { 0 };
            if quiet == QUIET_PASSES {
                break;
            }
            before = now;
        }
        let keys: Vec<K> = self.with_slot::<K, _>(lane, |slot| {
            if slot.gathering.as_ref().is_some_and(|g| g.id == batch.id) {
                slot.gathering = None;
            }
            slot.pending.iter().filter(|(_, b)| b.id == batch.id).map(|(k, _)| k.clone()).collect()
        });
        let result = self.loader.load(&keys).await;
        guard.finish();
        self.with_slot::<K, _>(lane, |slot| {
            for key in &keys {
                slot.pending.remove(key);
            }
            if let Ok(found) = &result {
                for key in &keys {
                    slot.cache.insert(key.clone(), found.get(key).cloned());
                }
            }
        });
        match result {
            Ok(_) => {
                batch.finish(BatchState::Loaded);
                Ok(())
            }
            Err(error) => {
                batch.finish(BatchState::Failed(error.clone()));
                Err(error)
            }
        }
    }
}

enum Step<K, V, E> {
    Done(HashMap<K, V>),
    Wait { lead: Option<Arc<Batch<E>>>, waits: HashMap<u64, Shared<futures_channel::oneshot::Receiver<BatchState<E>>>> },
}

/// Releases a batch whose leader is dropped mid-way, so its followers do not
/// wait for a load that will never come.
struct AbandonGuard<'a, L, K>
where
    L: Loader<K, Error: Sync>,
    K: Send + Sync + Hash + Eq + Clone + 'static,
{
    batcher: &'a Batcher<L>,
    lane: Lane,
    /// `None` once the leader got its answer and no longer abandons anything.
    batch: Option<Arc<Batch<L::Error>>>,
    key: std::marker::PhantomData<K>,
}

impl<L, K> AbandonGuard<'_, L, K>
where
    L: Loader<K, Error: Sync>,
    K: Send + Sync + Hash + Eq + Clone + 'static,
{
    fn finish(&mut self) {
        self.batch = None;
    }
}

impl<L, K> Drop for AbandonGuard<'_, L, K>
where
    L: Loader<K, Error: Sync>,
    K: Send + Sync + Hash + Eq + Clone + 'static,
{
    fn drop(&mut self) {
        let Some(batch) = self.batch.take() else { return };
        let id = batch.id;
        self.batcher.with_slot::<K, _>(self.lane, |slot| {
            slot.pending.retain(|_, b| b.id != id);
            if slot.gathering.as_ref().is_some_and(|g| g.id == id) {
                slot.gathering = None;
            }
        });
        batch.finish(BatchState::Abandoned);
    }
}

fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    // A panic while holding the lock leaves maps that are still consistent.
    mutex.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicUsize, Ordering};

    use futures_util::future::join_all;

    use super::*;

    /// Doubles keys; multiples of ten do not exist. Counts its calls.
    #[derive(Default)]
    struct Doubling {
        calls: AtomicUsize,
        down: bool,
    }

    impl Loader<u32> for Doubling {
        type Value = u32;
        type Error = Arc<String>;

        async fn load(&self, keys: &[u32]) -> Result<HashMap<u32, u32>, Self::Error> {
            self.calls.fetch_add(1, Ordering::SeqCst);
            tokio::task::yield_now().await;
            if self.down {
                return Err(Arc::new("the database is down".into()));
            }
            Ok(keys.iter().filter(|k| **k % 10 != 0).map(|k| (*k, k * 2)).collect())
        }
    }

    fn calls(batcher: &Batcher<Doubling>) -> usize {
        batcher.loader.calls.load(Ordering::SeqCst)
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn siblings_share_one_batch_however_many_they_are() {
        for siblings in [1_u32, 7, 31, 200, 1000] {
            let batcher = Batcher::new(Doubling::default());
            let found = join_all((1..=siblings).map(|k| batcher.load_one(1, k))).await;
            assert_eq!(calls(&batcher), 1, "{siblings} siblings, one load");
            for (k, value) in (1..=siblings).zip(found) {
                assert_eq!(value, Ok((k % 10 != 0).then_some(k * 2)), "key {k}");
            }
        }
    }

    #[tokio::test]
    async fn cached_keys_cost_nothing_and_lanes_do_not_mix() {
        let batcher = Batcher::new(Doubling::default());
        join_all((1..=50).map(|k| batcher.load_one(1, k))).await;
        // The same keys again, absent ones included: from the cache.
        let again = batcher.load_many(1, 1..=50).await.expect("cached");
        assert_eq!(again.len(), 45);
        assert_eq!(calls(&batcher), 1);
        // Another lane loads its own batch, even for the same keys.
        let (a, b) = futures_util::join!(batcher.load_one(2, 3), batcher.load_one(3, 3));
        assert_eq!((a, b), (Ok(Some(6)), Ok(Some(6))));
        assert_eq!(calls(&batcher), 3);
    }

    #[tokio::test]
    async fn primed_values_serve_every_lane_without_a_load() {
        let batcher = Batcher::new(Doubling::default());
        batcher.prime([(1, Some(100)), (2, None)]);
        assert_eq!(batcher.load_one(5, 1).await, Ok(Some(100)), "the primed value, not a loaded one");
        assert_eq!(batcher.load_one(6, 2).await, Ok(None), "a key primed as absent");
        assert_eq!(calls(&batcher), 0);
        // A key not primed is loaded as usual.
        assert_eq!(batcher.load_many(5, [1, 3]).await.map(|m| m.len()), Ok(2));
        assert_eq!(calls(&batcher), 1);
    }

    #[tokio::test]
    async fn a_failed_batch_fails_every_waiter_once() {
        let batcher = Batcher::new(Doubling { down: true, ..Default::default() });
        let results = join_all((1..=40).map(|k| batcher.load_one(1, k))).await;
        assert!(results.iter().all(|r| r.as_ref().is_err_and(|e| e.as_str() == "the database is down")));
        assert_eq!(calls(&batcher), 1);
    }

    #[tokio::test]
    async fn followers_take_over_from_a_dropped_leader() {
        let batcher = Batcher::new(Doubling::default());
        let mut leader = Box::pin(batcher.load_one(1, 1));
        assert!(futures_util::poll!(leader.as_mut()).is_pending(), "the leader gathers keys");
        let mut follower = Box::pin(batcher.load_one(1, 2));
        assert!(futures_util::poll!(follower.as_mut()).is_pending(), "the follower joins its batch");
        drop(leader);
        assert_eq!(follower.await, Ok(Some(4)));
        assert_eq!(calls(&batcher), 1, "only the follower's own load ran");
    }
}
