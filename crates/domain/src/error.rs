//! The one error type of the application. Each variant's comment says what a
//! client sees; the mapping to GraphQL `extensions.code` lives in one place,
//! `graphql::error`.

use std::fmt;

pub type AppResult<T> = Result<T, AppError>;

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    /// HTTP 401, `UNAUTHENTICATED`: no valid token, or a token for nobody we know.
    /// The reason is logged, never told.
    #[error("authentication required")]
    Unauthenticated(String),

    /// `FORBIDDEN`: the viewer may see the object but not do this to it.
    #[error("{0}")]
    Forbidden(String),

    /// `NOT_FOUND`: the object does not exist *or* the viewer may not see it;
    /// the two are indistinguishable by design.
    #[error("{0} not found")]
    NotFound(&'static str),

    /// `BAD_USER_INPUT`: the input is malformed; nothing was written.
    #[error("{message}")]
    BadUserInput { field: Option<String>, message: String },

    /// `CONFLICT`: the state changed underneath (stale `expectedVersion`, an
    /// illegal transition, a lock that could not be had).
    #[error("{0}")]
    Conflict(String),

    /// `CONFLICT` too, with `extensions.changed`: a decision on a dossier
    /// whose terms moved on since it was issued; `changed` names what moved
    /// (`title`, `dueOn`, `contributions`, …). Nothing was recorded.
    #[error("{message}")]
    Stale { message: String, changed: Vec<&'static str> },

    /// A batch refused as a whole because some of its items were: the code
    /// of the first refused item, with `extensions.items` naming each one
    /// (its index in the input, its code, its message). Nothing was written.
    #[error("{message}")]
    Items { message: String, items: Vec<ItemError> },

    /// `LIMIT_EXCEEDED`: a query or input limit was exceeded.
    #[error("{0}")]
    LimitExceeded(String),

    /// `THROTTLED`, HTTP 429 with `Retry-After`.
    #[error("too many requests, retry after {retry_after_secs} s")]
    Throttled { retry_after_secs: u64 },

    /// `TIMEOUT`: the request ran past its deadline; its statement was cancelled.
    #[error("the request took too long and was cancelled")]
    Timeout,

    /// `THROTTLED` too, HTTP 429 with `Retry-After: 1`: this request found
    /// no free database connection (or its tenant's share of them) in time.
    /// Nothing was changed; the service itself is healthy, only busy.
    #[error("the service is busy with other requests; nothing was changed, try again in a moment")]
    Busy,

    /// `PERSISTED_QUERY_NOT_FOUND` (message `PersistedQueryNotFound`, as
    /// Apollo's clients expect): the hash names no text known here; send the
    /// text with it.
    #[error("PersistedQueryNotFound")]
    PersistedQueryNotFound,

    /// `PERSISTED_QUERY_NOT_IN_LIST`: this deployment runs trusted documents
    /// only, and this text is not one of them.
    #[error("this deployment runs only its trusted documents, and this query is not one of them")]
    PersistedQueryNotInList,

    /// `PERSISTED_QUERY_ID_REQUIRED`: this deployment runs trusted documents
    /// only; send the document's hash.
    #[error("this deployment runs only its trusted documents: send the document's sha256Hash")]
    PersistedQueryIdRequired,

    /// `INTERNAL` too, but said plainly: the database cannot be reached. The
    /// request changed nothing and can be retried; the service recovers by
    /// itself when the database is back.
    #[error("the database is unavailable; nothing was changed, try again shortly")]
    Unavailable,

    /// `INTERNAL`: masked as "internal error"; the cause goes to the log only.
    #[error("internal error")]
    Internal(#[source] anyhow::Error),
}

impl AppError {
    pub fn bad_input(field: impl Into<String>, message: impl fmt::Display) -> Self {
        Self::BadUserInput { field: Some(field.into()), message: message.to_string() }
    }

    pub fn forbidden(message: impl Into<String>) -> Self {
        Self::Forbidden(message.into())
    }

    pub fn conflict(message: impl Into<String>) -> Self {
        Self::Conflict(message.into())
    }

    /// The stable code a client switches on.
    pub fn code(&self) -> &'static str {
        match self {
            Self::Unauthenticated(_) => "UNAUTHENTICATED",
            Self::Forbidden(_) => "FORBIDDEN",
            Self::NotFound(_) => "NOT_FOUND",
            Self::BadUserInput { .. } => "BAD_USER_INPUT",
            Self::Conflict(_) | Self::Stale { .. } => "CONFLICT",
            Self::LimitExceeded(_) => "LIMIT_EXCEEDED",
            Self::Throttled { .. } | Self::Busy => "THROTTLED",
            Self::Timeout => "TIMEOUT",
            Self::PersistedQueryNotFound => "PERSISTED_QUERY_NOT_FOUND",
            Self::PersistedQueryNotInList => "PERSISTED_QUERY_NOT_IN_LIST",
            Self::PersistedQueryIdRequired => "PERSISTED_QUERY_ID_REQUIRED",
            Self::Unavailable | Self::Internal(_) => "INTERNAL",
            Self::Items { items, .. } => items.first().map_or("BAD_USER_INPUT", |item| item.code),
        }
    }
}

/// One refused item of a batch.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ItemError {
    /// Its position in the input list, from 0.
    pub index: usize,
    pub code: &'static str,
    pub message: String,
    /// The input field at fault, where one is.
    pub field: Option<String>,
}

impl ItemError {
    pub fn of(index: usize, error: &AppError) -> Self {
        let field = match error {
            AppError::BadUserInput { field, .. } => field.clone(),
            _ => None,
        };
        Self { index, code: error.code(), message: error.to_string(), field }
    }
}

/// A fault of ours: INTERNAL, its detail logged, never sent. Database errors
/// do not come this way: the store classifies each one (`store::errors`),
/// and the domain knows no database.
impl From<anyhow::Error> for AppError {
    fn from(error: anyhow::Error) -> Self {
        AppError::Internal(error)
    }
}
