//! The event bus: how subscribers learn that a network event was committed.
//!
//! A [`Notice`] names an event (tenant, network, id) and nothing else;
//! subscribers read the event itself through the timeline's visibility rule,
//! so a notice never carries what its receiver may not see.
//!
//! Each [`Db`](super::Db) has one bus, a `tokio` broadcast channel. Notices
//! reach it only for committed events:
//!
//! - On PostgreSQL, [`notify`] runs `pg_notify` inside the event's transaction
//!   (PostgreSQL delivers it on commit, drops it on rollback), and one listener
//!   connection per process ([`Db::listen_for_events`](super::Db::listen_for_events))
//!   feeds what arrives on the channel to the bus. So an event written by any
//!   API process reaches the subscribers of every process, this one included.
//! - On SQLite (one process), the request's store holds the notice
//!   ([`Store::announce`](super::Store::announce)) and
//!   [`Store::commit`](super::Store::commit) publishes it once the commit
//!   succeeded; a rollback discards it.

use std::time::Duration;

use sea_orm::sqlx::postgres::{PgListener, PgPool};
use sea_orm::{ConnectionTrait, DbBackend, Statement};
use serde::{Deserialize, Serialize};
use tokio::sync::broadcast;
use uuid::Uuid;

use crate::domain::AppResult;
use crate::errors::Context;

/// The PostgreSQL channel the notices travel on.
pub const CHANNEL: &str = "eendracht_events";

/// Notices a slow subscriber may fall behind by before it misses some (it is
/// told, logs it and carries on).
const CAPACITY: usize = 1024;

/// The longest pause between attempts to re-establish the listener.
const MAX_BACKOFF: Duration = Duration::from_secs(5);

/// That a network event was committed. Ids only.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Notice {
    pub tenant_id: Uuid,
    pub network_id: Uuid,
    pub event_id: Uuid,
}

/// One process's (one pool's) broadcast of committed network events.
#[derive(Clone)]
pub struct EventBus {
    sender: broadcast::Sender<Notice>,
}

impl Default for EventBus {
    fn default() -> Self {
        Self { sender: broadcast::channel(CAPACITY).0 }
    }
}

impl EventBus {
    /// Notices from now on.
    pub fn subscribe(&self) -> broadcast::Receiver<Notice> {
        self.sender.subscribe()
    }

    /// Tells the current subscribers; nobody listening is fine.
    pub fn publish(&self, notice: Notice) {
        let _ = self.sender.send(notice);
    }
}

/// PostgreSQL: announces an event just written in `conn`'s transaction, to be
/// delivered to every listening process when (and only if) it commits.
pub(crate) async fn notify(conn: &impl ConnectionTrait, notice: Notice) -> AppResult<()> {
    let payload = serde_json::to_string(&notice).context("encoding an event notice")?;
    conn.execute_raw(Statement::from_sql_and_values(
        DbBackend::Postgres,
        "SELECT pg_notify($1, $2)",
        [CHANNEL.into(), payload.into()],
    ))
    .await
    .context("announcing an event")?;
    Ok(())
}

/// Keeps one listener connection on [`CHANNEL`] and feeds the bus, until the
/// pool closes. A lost connection is re-established with backoff; notices sent
/// while it was down are lost (and logged as possibly lost). `ready` fires once
/// the first `LISTEN` is in place.
pub(crate) async fn listen(pool: PgPool, bus: EventBus, ready: tokio::sync::oneshot::Sender<()>) {
    let mut ready = Some(ready);
    let mut backoff = Duration::from_millis(100);
    loop {
        let listening = async {
            let mut listener = PgListener::connect_with(&pool).await?;
            listener.listen(CHANNEL).await?;
            Ok::<_, sea_orm::sqlx::Error>(listener)
        }
        .await;
        let failure = match listening {
            Ok(mut listener) => {
                if let Some(ready) = ready.take() {
                    let _ = ready.send(());
                } else {
                    tracing::info!("listening for events again");
                }
                backoff = Duration::from_millis(100);
                receive(&mut listener, &bus).await
            }
            Err(error) => error,
        };
        if matches!(failure, sea_orm::sqlx::Error::PoolClosed) {
            return;
        }
        tracing::warn!(error = %failure, retry_in = ?backoff, "the event listener lost PostgreSQL; events meanwhile are not delivered to subscribers");
        tokio::time::sleep(backoff).await;
        backoff = (backoff * 2).min(MAX_BACKOFF);
    }
}

/// Publishes what arrives until the connection fails; returns why.
async fn receive(listener: &mut PgListener, bus: &EventBus) -> sea_orm::sqlx::Error {
    loop {
        match listener.try_recv().await {
            Ok(Some(notification)) => match serde_json::from_str::<Notice>(notification.payload()) {
                Ok(notice) => bus.publish(notice),
                Err(error) => tracing::warn!(%error, "ignoring a malformed event notice"),
            },
            // The connection dropped and was re-established at once.
            Ok(None) => tracing::warn!("the event listener reconnected; events meanwhile may not have been delivered"),
            Err(error) => return error,
        }
    }
}
