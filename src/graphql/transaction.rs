//! An operation's transaction, from its opening to its end, in one place.
//!
//! Each operation runs in a transaction of its own. It opens only once
//! async-graphql has parsed and validated the document and its cost has been
//! charged (the [`OpenAtExecution`] extension, around execution), so a refused
//! query runs no SQL at all; and it ends in [`DeferredStore::finish`]: committed
//! when the answer has no error, rolled back when it has one, abandoned
//! (statement cancelled, then rolled back) when the deadline passed first. An
//! item of a subscription reads in the transaction the item was read in, which
//! ends with its fields.

use std::future::Future;
use std::sync::{Arc, Mutex};

use async_graphql::extensions::{Extension, ExtensionContext, ExtensionFactory, NextExecute};
use async_graphql::{Data, Response};
use futures_util::future::BoxFuture;
use tokio::time::error::Elapsed;

use super::{error, loaders};
use crate::domain::{AppError, AppResult};
use crate::store::{Db, Store};

/// The operation's transaction, opened by [`OpenAtExecution`] only once the
/// document has passed validation. The handler puts one in the request's
/// data and hands it to [`DeferredStore::finish`] with what execution gave.
pub struct DeferredStore {
    open: Mutex<Option<BoxFuture<'static, AppResult<Store>>>>,
    opened: Mutex<Option<AppResult<Store>>>,
}

impl DeferredStore {
    pub fn new(open: impl Future<Output = AppResult<Store>> + Send + 'static) -> Arc<Self> {
        Arc::new(Self { open: Mutex::new(Some(Box::pin(open))), opened: Mutex::new(None) })
    }

    /// What became of the transaction; `None` when it was never opened.
    fn take(&self) -> Option<AppResult<Store>> {
        self.opened.lock().unwrap_or_else(|poisoned| poisoned.into_inner()).take()
    }

    async fn open(&self) -> Option<Store> {
        let open = self.open.lock().unwrap_or_else(|poisoned| poisoned.into_inner()).take()?;
        let opened = open.await;
        let store = opened.as_ref().ok().cloned();
        *self.opened.lock().unwrap_or_else(|poisoned| poisoned.into_inner()) = Some(opened);
        store
    }
}

/// The schema extension that opens a [`DeferredStore`] once the operation
/// is parsed, validated and charged: execution is where SQL may start.
pub struct OpenAtExecution;

impl ExtensionFactory for OpenAtExecution {
    fn create(&self) -> Arc<dyn Extension> {
        Arc::new(OpenAtExecution)
    }
}

#[async_trait::async_trait]
impl Extension for OpenAtExecution {
    async fn execute(
        &self,
        ctx: &ExtensionContext<'_>,
        operation_name: Option<&str>,
        next: NextExecute<'_>,
    ) -> Response {
        // An item of a subscription: its fields read in the transaction the
        // item was read in, which ends with them.
        if let Some(items) = ctx.data_opt::<super::subscription::ItemStore>() {
            let Some(store) = items.take() else { return next.run(ctx, operation_name).await };
            let mut data = Data::default();
            data.insert(loaders::loaders(store.clone()));
            data.insert(store.clone());
            let response = next.run_with_data(ctx, operation_name, data).await;
            store.rollback().await;
            return response;
        }
        let Some(deferred) = ctx.data_opt::<Arc<DeferredStore>>() else {
            return next.run(ctx, operation_name).await;
        };
        match deferred.open().await {
            Some(store) => {
                let mut data = Data::default();
                data.insert(loaders::loaders(store.clone()));
                data.insert(store);
                next.run_with_data(ctx, operation_name, data).await
            }
            // The handler answers with the reason the deferred store kept.
            None => Response::default(),
        }
    }
}

/// How an operation's transaction ended.
pub enum Ended {
    /// It never opened: the operation was refused before execution (it did
    /// not parse or validate, broke a limit, or its budget was spent), or the
    /// deadline passed first. `None`: the deadline. No SQL ran.
    NeverOpened(Option<Response>),
    /// It could not be opened (the principal is gone, the database is away).
    NotOpened(AppError),
    /// It ran: the answer, committed when it has no error and rolled back when
    /// it has one; or why it has none (the deadline passed, the commit failed).
    Ran(Result<Response, AppError>),
}

impl DeferredStore {
    /// Ends the transaction according to what execution gave. A lost
    /// connection, seen in a field's error or at the commit, trips the
    /// database's reachability circuit.
    pub async fn finish(&self, executed: Result<Response, Elapsed>, db: &Db) -> Ended {
        let store = match self.take() {
            None => return Ended::NeverOpened(executed.ok()),
            Some(Err(error)) => return Ended::NotOpened(error),
            Some(Ok(store)) => store,
        };
        let Ok(response) = executed else {
            // The caller answers now; cancelling the statement and rolling
            // back follow in a task of their own.
            let db = db.clone();
            tokio::spawn(async move { store.abandon(&db).await });
            return Ended::Ran(Err(AppError::Timeout));
        };
        if error::lost_the_database(&response) {
            db.record_unreachable();
        }
        if !response.errors.is_empty() {
            store.rollback().await;
            return Ended::Ran(Ok(response));
        }
        match store.commit().await {
            Ok(()) => Ended::Ran(Ok(response)),
            Err(commit_error) => {
                if matches!(commit_error, AppError::Unavailable) {
                    db.record_unreachable();
                }
                tracing::warn!(code = commit_error.code(), "commit failed");
                Ended::Ran(Err(commit_error))
            }
        }
    }
}
