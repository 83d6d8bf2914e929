//! The one place where errors become GraphQL errors. Every error in a response
//! leaves here with `extensions.code` and `extensions.requestId`; internal
//! errors are masked and their cause logged with the request id.

use std::sync::Arc;

use async_graphql::{ErrorExtensionValues, Response, ServerError};

use crate::domain::AppError;

/// Which code an error carries, and the message the client sees.
fn classify(error: &ServerError) -> (&'static str, Option<String>) {
    let app = error.source.as_ref().and_then(|source| {
        source.downcast_ref::<AppError>().or_else(|| source.downcast_ref::<Arc<AppError>>().map(|arc| arc.as_ref()))
    });
    if let Some(app) = app {
        return match app {
            AppError::Internal(cause) => {
                tracing::error!(error = format!("{cause:#}"), "internal error");
                ("INTERNAL", Some("internal error".to_owned()))
            }
            other => (other.code(), None),
        };
    }
    // Errors async-graphql raises itself, before or while reading the input.
    let message = error.message.as_str();
    if message.contains("nested too deep") || message.contains("too complex") || message.contains("too many") {
        ("LIMIT_EXCEEDED", None)
    } else {
        ("BAD_USER_INPUT", None)
    }
}

/// Gives every error of `response` its code and the request id.
pub fn finish(response: &mut Response, request_id: &str) {
    for error in &mut response.errors {
        decorate(error, request_id);
    }
}

pub fn decorate(error: &mut ServerError, request_id: &str) {
    let (code, message) = classify(error);
    if let Some(message) = message {
        error.message = message;
    }
    let extensions = error.extensions.get_or_insert_with(ErrorExtensionValues::default);
    extensions.set("code", code);
    extensions.set("requestId", request_id);
}

/// An error response built outside GraphQL execution (authentication, limits).
pub fn response_for(error: &AppError, request_id: &str) -> Response {
    let mut server_error = ServerError::new(error.to_string(), None);
    server_error.source = None;
    let extensions = server_error.extensions.get_or_insert_with(ErrorExtensionValues::default);
    extensions.set("code", error.code());
    extensions.set("requestId", request_id);
    Response::from_errors(vec![server_error])
}
