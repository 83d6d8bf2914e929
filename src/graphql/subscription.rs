//! `Subscription.networkEvents`: a network's events as they are committed.
//!
//! A subscription outlives any one transaction, so it holds no [`Store`]: its
//! [`Session`] (put into the connection's data by the WebSocket endpoint)
//! opens a short read transaction where one is needed. The network is checked
//! once when the subscription starts (an invisible network is NOT_FOUND, as
//! everywhere). Then, for each [`Notice`](crate::store::bus::Notice) of that
//! network, a fresh transaction resolves the subscriber again (a right
//! withdrawn since is withdrawn here too) and reads the event through the
//! timeline's own rule, [`Store::visible_network_event`]; an event the
//! subscriber may not see is skipped. The same transaction then serves the
//! event's fields (its actor, its organisations): [`ItemStore`] hands it to
//! [`super::transaction::OpenAtExecution`], which async-graphql calls around each item.

use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use async_graphql::{Context, ID, Result, Subscription as GqlSubscription};
use futures_util::Stream;
use tokio::sync::broadcast::error::RecvError;
use uuid::Uuid;

use super::ids::{self, NodeType};
use super::timeline::{Event, EventKind};
use crate::auth::Principal;
use crate::clock::Clock;
use crate::domain::{AppError, AppResult};
use crate::store::{Access, Db, Store};

/// What a subscriber's connection knows: who they are (verified once, at
/// `connection_init`) and how to open a transaction.
#[derive(Clone)]
pub struct Session {
    pub db: Db,
    pub principal: Principal,
    pub clock: Arc<dyn Clock>,
    /// Each transaction's statement timeout.
    pub statement_timeout: Duration,
    /// Counts subscriptions while they listen (the endpoint's gauge).
    pub active: Arc<dyn Fn(i64) + Send + Sync>,
}

impl Session {
    /// A short read transaction as the subscriber, resolved afresh.
    pub async fn begin(&self) -> AppResult<Store> {
        Store::begin(&self.db, &self.principal, Access::Read, self.clock.clone(), self.statement_timeout).await
    }
}

/// The transaction an item of a subscription was read in, handed from the
/// stream to the field resolvers of that item (one subscription's items are
/// resolved one after the other). One per subscription, in its request data.
#[derive(Clone, Default)]
pub struct ItemStore(Arc<Mutex<Option<Store>>>);

impl ItemStore {
    fn put(&self, store: Store) {
        *self.0.lock().unwrap_or_else(PoisonError::into_inner) = Some(store);
    }

    pub(super) fn take(&self) -> Option<Store> {
        self.0.lock().unwrap_or_else(PoisonError::into_inner).take()
    }
}

/// Decrements the gauge when the subscription ends, however it ends.
struct Active(Arc<dyn Fn(i64) + Send + Sync>);

impl Drop for Active {
    fn drop(&mut self) {
        (self.0)(-1);
    }
}

#[derive(Default)]
pub struct Subscription;

/// The entry points for listening.
#[GqlSubscription]
impl Subscription {
    /// The events of a network as they are committed, each as it appears on
    /// the network's timeline, to those who may see it there; NOT_FOUND for a
    /// network you cannot see. Served over WebSocket at the GraphQL path with
    /// the graphql-transport-ws protocol, the token in `connection_init`.
    async fn network_events(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The network's id.")] network_id: ID,
        #[graphql(desc = "Only events of these kinds; every kind when left out.", validator(max_items = 50))]
        types: Option<Vec<EventKind>>,
    ) -> Result<impl Stream<Item = Result<Event>> + use<>> {
        let session = ctx.data::<Session>().map_err(|_| AppError::BadUserInput {
            field: None,
            message: "subscribe over WebSocket at the GraphQL path".into(),
        })?;
        let items = ctx.data::<ItemStore>()?.clone();
        let network_id = ids::decode_id("networkId", &network_id, NodeType::Network)?;
        // Listen before looking, so nothing committed after the look is missed.
        let notices = session.db.events();
        let store = session.begin().await?;
        let tenant_id = store.tenant_id();
        let visible = store.network(network_id).await;
        store.rollback().await;
        visible?;
        (session.active)(1);
        let state = Listening {
            session: session.clone(),
            items,
            notices,
            tenant_id,
            network_id,
            types: types.map(|types| types.into_iter().map(EventKind::wire_name).collect()),
            ended: false,
            _active: Active(session.active.clone()),
        };
        Ok(futures_util::stream::unfold(state, |mut state| async move {
            let item = state.next().await?;
            Some((item, state))
        }))
    }
}

struct Listening {
    session: Session,
    items: ItemStore,
    notices: tokio::sync::broadcast::Receiver<crate::store::bus::Notice>,
    tenant_id: Uuid,
    network_id: Uuid,
    /// The wire names asked for; `None` for every kind.
    types: Option<Vec<&'static str>>,
    /// Set once the subscriber is no longer known: the stream then ends.
    ended: bool,
    _active: Active,
}

impl Listening {
    /// The next event the subscriber may see; `None` ends the subscription.
    async fn next(&mut self) -> Option<Result<Event>> {
        if self.ended {
            return None;
        }
        loop {
            let notice = match self.notices.recv().await {
                Ok(notice) => notice,
                Err(RecvError::Lagged(missed)) => {
                    tracing::warn!(missed, network_id = %self.network_id, "a subscriber fell behind; events were skipped");
                    continue;
                }
                Err(RecvError::Closed) => return None,
            };
            if notice.tenant_id != self.tenant_id || notice.network_id != self.network_id {
                continue;
            }
            match self.read(notice.event_id).await {
                Ok(Some(event)) => return Some(Ok(event)),
                Ok(None) => continue,
                // The person is gone: the subscription ends with the reason.
                Err(error @ AppError::Unauthenticated(_)) => {
                    self.ended = true;
                    return Some(Err(error.into()));
                }
                Err(error) => return Some(Err(error.into())),
            }
        }
    }

    /// One event through the timeline's rule, in a fresh transaction that is
    /// left for the item's fields when the event is visible.
    async fn read(&self, event_id: Uuid) -> AppResult<Option<Event>> {
        let store = self.session.begin().await?;
        match store.visible_network_event(self.network_id, event_id).await {
            Ok(Some(model)) if self.types.as_ref().is_none_or(|types| types.contains(&model.kind.as_str())) => {
                self.items.put(store);
                Ok(Some(Event(model)))
            }
            other => {
                store.rollback().await;
                other.map(|_| None)
            }
        }
    }
}
