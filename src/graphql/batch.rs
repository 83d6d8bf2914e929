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
//! key, and then loads them all in one query. The statement count of a query
//! is then a function of its shape, not of timing: one statement per relation
//! and nesting level. Results are cached for the request, which is one
//! operation with at most one mutation, resolved after its write.

use std::any::{Any, TypeId};
use std::collections::{HashMap, HashSet};
use std::hash::Hash;
use std::sync::{Arc, Mutex, MutexGuard};

use async_graphql::dataloader::Loader;
use tokio::sync::watch;

/// How a batch ended, as its followers see it.
#[derive(Clone)]
enum BatchState<E> {
    Gathering,
    Loaded,
    Failed(E),
    /// The leader was dropped before loading (its part of the query was
    /// abandoned); followers take over.
    Abandoned,
}

struct Batch<E> {
    id: u64,
    state: watch::Sender<BatchState<E>>,
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
    slots: Mutex<HashMap<TypeId, Box<dyn Any + Send>>>,
}

/// A leader's passes over the request before it loads anyway.
const MAX_PASSES: usize = 8;

impl<L: Send + Sync + 'static> Batcher<L> {
    pub fn new(loader: L) -> Self {
        Self { loader, slots: Mutex::new(HashMap::new()) }
    }

    fn with_slot<K, R>(&self, f: impl FnOnce(&mut Slot<K, L::Value, L::Error>) -> R) -> R
    where
        L: Loader<K, Error: Sync>,
        K: Send + Sync + Hash + Eq + Clone + 'static,
    {
        let mut slots = lock(&self.slots);
        let slot = slots
            .entry(TypeId::of::<K>())
            .or_insert_with(|| Box::new(Slot::<K, L::Value, L::Error>::default()))
            .downcast_mut::<Slot<K, L::Value, L::Error>>()
            .expect("one slot type per key type");
        f(slot)
    }

    /// Loads one key: `None` when it does not exist or may not be seen.
    pub async fn load_one<K>(&self, key: K) -> Result<Option<L::Value>, L::Error>
    where
        L: Loader<K, Error: Sync>,
        K: Send + Sync + Hash + Eq + Clone + 'static,
    {
        let mut found = self.load_many(std::iter::once(key.clone())).await?;
        Ok(found.remove(&key))
    }

    /// Loads several keys; absent ones are left out of the map.
    pub async fn load_many<K, I>(&self, keys: I) -> Result<HashMap<K, L::Value>, L::Error>
    where
        L: Loader<K, Error: Sync>,
        K: Send + Sync + Hash + Eq + Clone + 'static,
        I: IntoIterator<Item = K>,
    {
        let keys: Vec<K> = {
            let mut seen = HashSet::new();
            keys.into_iter().filter(|k| seen.insert(k.clone())).collect()
        };
        loop {
            // Under the lock: answer from the cache, or join (or open) a batch.
            let step = self.with_slot::<K, _>(|slot| {
                if keys.iter().all(|k| slot.cache.contains_key(k)) {
                    return Step::Done(
                        keys.iter().filter_map(|k| Some((k.clone(), slot.cache.get(k)?.clone()?))).collect(),
                    );
                }
                let mut waits: HashMap<u64, watch::Receiver<BatchState<L::Error>>> = HashMap::new();
                let mut lead = None;
                for key in keys.iter().filter(|k| !slot.cache.contains_key(*k)) {
                    let batch = match slot.pending.get(key) {
                        Some(batch) => batch.clone(),
                        None => {
                            let batch = match &slot.gathering {
                                Some(batch) => batch.clone(),
                                None => {
                                    slot.next_id += 1;
                                    let batch = Arc::new(Batch {
                                        id: slot.next_id,
                                        state: watch::channel(BatchState::Gathering).0,
                                    });
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
                        waits.entry(batch.id).or_insert_with(|| batch.state.subscribe());
                    }
                }
                Step::Wait { lead, waits }
            });
            let (lead, waits) = match step {
                Step::Done(found) => return Ok(found),
                Step::Wait { lead, waits } => (lead, waits),
            };
            if let Some(batch) = lead {
                self.lead::<K>(batch).await?;
            }
            for (_, mut state) in waits {
                match state.wait_for(|s| !matches!(s, BatchState::Gathering)).await.map(|s| s.clone()) {
                    Ok(BatchState::Failed(error)) => return Err(error),
                    // Loaded, or abandoned: look again (and maybe lead).
                    _ => {}
                }
            }
        }
    }

    /// Gathers keys until a pass adds none, then loads the batch.
    async fn lead<K>(&self, batch: Arc<Batch<L::Error>>) -> Result<(), L::Error>
    where
        L: Loader<K, Error: Sync>,
        K: Send + Sync + Hash + Eq + Clone + 'static,
    {
        let mut guard = AbandonGuard { batcher: self, batch: batch.clone(), key: std::marker::PhantomData::<K> };
        let queued =
            |this: &Self| this.with_slot::<K, _>(|slot| slot.pending.values().filter(|b| b.id == batch.id).count());
        let mut before = queued(self);
        for _ in 0..MAX_PASSES {
            tokio::task::yield_now().await;
            let now = queued(self);
            if now == before {
                break;
            }
            before = now;
        }
        let keys: Vec<K> = self.with_slot::<K, _>(|slot| {
            if slot.gathering.as_ref().is_some_and(|g| g.id == batch.id) {
                slot.gathering = None;
            }
            slot.pending.iter().filter(|(_, b)| b.id == batch.id).map(|(k, _)| k.clone()).collect()
        });
        let result = self.loader.load(&keys).await;
        guard.finish();
        self.with_slot::<K, _>(|slot| {
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
                batch.state.send_replace(BatchState::Loaded);
                Ok(())
            }
            Err(error) => {
                batch.state.send_replace(BatchState::Failed(error.clone()));
                Err(error)
            }
        }
    }
}

enum Step<K, V, E> {
    Done(HashMap<K, V>),
    Wait { lead: Option<Arc<Batch<E>>>, waits: HashMap<u64, watch::Receiver<BatchState<E>>> },
}

/// Releases a batch whose leader is dropped mid-way, so its followers do not
/// wait for a load that will never come.
struct AbandonGuard<'a, L, K>
where
    L: Loader<K, Error: Sync>,
    K: Send + Sync + Hash + Eq + Clone + 'static,
{
    batcher: &'a Batcher<L>,
    batch: Arc<Batch<L::Error>>,
    key: std::marker::PhantomData<K>,
}

impl<L, K> AbandonGuard<'_, L, K>
where
    L: Loader<K, Error: Sync>,
    K: Send + Sync + Hash + Eq + Clone + 'static,
{
    fn finish(&mut self) {
        self.key = std::marker::PhantomData;
        self.batch = Arc::new(Batch { id: 0, state: watch::channel(BatchState::Loaded).0 });
    }
}

impl<L, K> Drop for AbandonGuard<'_, L, K>
where
    L: Loader<K, Error: Sync>,
    K: Send + Sync + Hash + Eq + Clone + 'static,
{
    fn drop(&mut self) {
        if self.batch.id == 0 {
            return;
        }
        let id = self.batch.id;
        self.batcher.with_slot::<K, _>(|slot| {
            slot.pending.retain(|_, b| b.id != id);
            if slot.gathering.as_ref().is_some_and(|g| g.id == id) {
                slot.gathering = None;
            }
        });
        self.batch.state.send_replace(BatchState::Abandoned);
    }
}

fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    // A panic while holding the lock leaves maps that are still consistent.
    mutex.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}
