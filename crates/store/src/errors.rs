//! Database errors, told apart by what the database says they are: the
//! SQLSTATE on PostgreSQL, the result code on SQLite, the error's own type
//! for the connection and the pool. Never by message text, which follows
//! PostgreSQL's `lc_messages` and changes with a Dutch server.
//!
//! Every database error reaches the application through here: [`classify`],
//! which every store call applies through [`Context::context`] (`.context("…")`
//! on a call, naming what it was doing). `AppError` lives in the domain and
//! `DbErr` in sea-orm, so no `From` conversion between them can exist here: a
//! database error cannot slip into the application's error unclassified.

use std::fmt::Display;

use sea_orm::sqlx;
use sea_orm::{ConnAcquireErr, DbErr, RuntimeErr};

use crate::domain::{AppError, AppResult};

/// What a database error means for the request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Failure {
    /// Another transaction was in the way: a serialisation failure (40001),
    /// a deadlock (40P01), a lock not available (55P03), SQLite busy or
    /// locked. Trying again can succeed: CONFLICT.
    Conflict,
    /// The statement was cancelled (57014): at the request's deadline.
    Cancelled,
    /// No connection of the pool was free in time: THROTTLED, this request only.
    PoolExhausted,
    /// The database is away: no connection (08xxx), shutting down (57P0x),
    /// or the connection broke mid-request.
    Unreachable,
    /// Anything else: a fault of ours, INTERNAL.
    Other,
}

/// The sqlx error inside a sea-orm one.
fn sqlx_error(error: &DbErr) -> Option<&sqlx::Error> {
    match error {
        DbErr::Exec(RuntimeErr::SqlxError(error))
        | DbErr::Query(RuntimeErr::SqlxError(error))
        | DbErr::Conn(RuntimeErr::SqlxError(error)) => Some(error),
        _ => None,
    }
}

/// What `error` means, by code and type.
pub(crate) fn failure(error: &DbErr) -> Failure {
    match error {
        DbErr::ConnectionAcquire(ConnAcquireErr::Timeout) => return Failure::PoolExhausted,
        DbErr::ConnectionAcquire(ConnAcquireErr::ConnectionClosed) => return Failure::Unreachable,
        _ => {}
    }
    match sqlx_error(error) {
        Some(sqlx::Error::Database(database)) => {
            if let Some(postgres) = database.try_downcast_ref::<sqlx::postgres::PgDatabaseError>() {
                return postgres_failure(postgres.code());
            }
            if database.try_downcast_ref::<sqlx::sqlite::SqliteError>().is_some() {
                return sqlite_failure(database.code().as_deref());
            }
            Failure::Other
        }
        Some(sqlx::Error::PoolTimedOut) => Failure::PoolExhausted,
        Some(
            sqlx::Error::Io(_)
            | sqlx::Error::Tls(_)
            | sqlx::Error::PoolClosed
            | sqlx::Error::WorkerCrashed
            | sqlx::Error::Protocol(_),
        ) => Failure::Unreachable,
        // A connection that could not be made, whatever sqlx made of it.
        _ if matches!(error, DbErr::Conn(_)) => Failure::Unreachable,
        _ => Failure::Other,
    }
}

/// PostgreSQL's SQLSTATE (Appendix A of its manual).
fn postgres_failure(sqlstate: &str) -> Failure {
    match sqlstate {
        "40001" | "40P01" | "55P03" => Failure::Conflict,
        "57014" => Failure::Cancelled,
        // admin_shutdown, crash_shutdown, cannot_connect_now
        "57P01" | "57P02" | "57P03" => Failure::Unreachable,
        code if code.starts_with("08") => Failure::Unreachable,
        _ => Failure::Other,
    }
}

/// SQLite's extended result code, as sqlx reports it (a number); its low byte
/// is the primary code: 5 SQLITE_BUSY, 6 SQLITE_LOCKED.
fn sqlite_failure(code: Option<&str>) -> Failure {
    match code.and_then(|code| code.parse::<i32>().ok()).map(|code| code & 0xff) {
        Some(5 | 6) => Failure::Conflict,
        _ => Failure::Other,
    }
}

/// The application's error for a failure other than [`Failure::Other`],
/// logging what the client is not told.
fn refusal(failure: Failure, error: &dyn Display, doing: &dyn Display) -> Option<AppError> {
    Some(match failure {
        Failure::Conflict => {
            tracing::info!(error = %error, %doing, "concurrent write refused");
            AppError::conflict("another change was being written at the same time; try again")
        }
        Failure::PoolExhausted => {
            tracing::info!(%doing, "no free database connection in time");
            AppError::Busy
        }
        Failure::Unreachable => {
            tracing::warn!(error = %error, %doing, "the database is unreachable");
            AppError::Unavailable
        }
        Failure::Cancelled => {
            tracing::info!(%doing, "statement cancelled at the request's deadline");
            AppError::Timeout
        }
        Failure::Other => return None,
    })
}

/// Maps a database error met while `doing` something to the application's error.
pub fn classify<D: Display + Send + Sync + 'static>(error: DbErr, doing: D) -> AppError {
    refusal(failure(&error), &error, &doing)
        .unwrap_or_else(|| AppError::Internal(anyhow::Error::new(error).context(doing)))
}

/// `.context("doing …")` on a store call: a database error classified by
/// [`classify`], a missing value INTERNAL with what was being done. Store
/// modules import this trait, not `anyhow::Context`.
pub(crate) trait Context<T> {
    fn context(self, doing: &'static str) -> AppResult<T>;
    fn with_context<D: Display + Send + Sync + 'static>(self, doing: impl FnOnce() -> D) -> AppResult<T>;
}

impl<T> Context<T> for Result<T, DbErr> {
    fn context(self, doing: &'static str) -> AppResult<T> {
        self.map_err(|error| classify(error, doing))
    }

    fn with_context<D: Display + Send + Sync + 'static>(self, doing: impl FnOnce() -> D) -> AppResult<T> {
        self.map_err(|error| classify(error, doing()))
    }
}

/// Errors of ours, not the database's (encoding JSON, building a statement):
/// INTERNAL with what was being done.
macro_rules! internal_context {
    ($($error:ty),*) => {$(
        impl<T> Context<T> for Result<T, $error> {
            fn context(self, doing: &'static str) -> AppResult<T> {
                self.map_err(|error| AppError::Internal(anyhow::Error::new(error).context(doing)))
            }

            fn with_context<D: Display + Send + Sync + 'static>(self, doing: impl FnOnce() -> D) -> AppResult<T> {
                self.map_err(|error| AppError::Internal(anyhow::Error::new(error).context(doing())))
            }
        }
    )*};
}

internal_context!(serde_json::Error, sea_orm::sea_query::error::Error);

impl<T> Context<T> for Option<T> {
    fn context(self, doing: &'static str) -> AppResult<T> {
        self.ok_or_else(|| AppError::Internal(anyhow::anyhow!("{doing}: nothing found")))
    }

    fn with_context<D: Display + Send + Sync + 'static>(self, doing: impl FnOnce() -> D) -> AppResult<T> {
        self.ok_or_else(|| AppError::Internal(anyhow::anyhow!("{}: nothing found", doing())))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn postgres_states_are_read_by_code() {
        assert_eq!(postgres_failure("40001"), Failure::Conflict);
        assert_eq!(postgres_failure("40P01"), Failure::Conflict);
        assert_eq!(postgres_failure("55P03"), Failure::Conflict);
        assert_eq!(postgres_failure("57014"), Failure::Cancelled);
        assert_eq!(postgres_failure("08006"), Failure::Unreachable);
        assert_eq!(postgres_failure("57P01"), Failure::Unreachable);
        assert_eq!(postgres_failure("23505"), Failure::Other);
    }

    #[test]
    fn sqlite_busy_and_locked_are_conflicts_with_their_extended_codes() {
        assert_eq!(sqlite_failure(Some("5")), Failure::Conflict);
        // SQLITE_BUSY_SNAPSHOT (517), SQLITE_LOCKED_SHAREDCACHE (262)
        assert_eq!(sqlite_failure(Some("517")), Failure::Conflict);
        assert_eq!(sqlite_failure(Some("262")), Failure::Conflict);
        assert_eq!(sqlite_failure(Some("2067")), Failure::Other, "a unique constraint");
        assert_eq!(sqlite_failure(None), Failure::Other);
    }

    #[test]
    fn the_pool_and_the_connection_are_read_by_type() {
        assert_eq!(failure(&DbErr::ConnectionAcquire(ConnAcquireErr::Timeout)), Failure::PoolExhausted);
        assert_eq!(failure(&DbErr::ConnectionAcquire(ConnAcquireErr::ConnectionClosed)), Failure::Unreachable);
        let lost = DbErr::Query(RuntimeErr::SqlxError(std::sync::Arc::new(sqlx::Error::Io(std::io::Error::from(
            std::io::ErrorKind::ConnectionReset,
        )))));
        assert_eq!(failure(&lost), Failure::Unreachable);
        // Through `.context(…)` as every store call passes it.
        let wrapped = Err::<(), _>(lost).context("reading a page");
        assert!(matches!(wrapped, Err(AppError::Unavailable)), "{wrapped:?}");
        let other = Err::<(), _>(DbErr::Custom("not a database error".into())).context("reading a page");
        assert!(matches!(other, Err(AppError::Internal(_))));
    }
}
