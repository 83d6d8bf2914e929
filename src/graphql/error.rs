//! The one place where errors become GraphQL errors. Every error in a response
//! leaves here with `extensions.code` and `extensions.requestId`; internal
//! errors are masked and their cause logged with the request id.

use std::sync::Arc;

use async_graphql::{ErrorExtensionValues, Response, ServerError};

use crate::domain::AppError;

/// A document that does not parse (Apollo Server's name for it).
pub const PARSE_FAILED: &str = "GRAPHQL_PARSE_FAILED";
/// A document that does not fit the schema (Apollo Server's name for it).
pub const VALIDATION_FAILED: &str = "GRAPHQL_VALIDATION_FAILED";

/// Which code an error carries, and the message the client sees.
fn classify(error: &ServerError) -> (&'static str, Option<String>) {
    // Tagged by `Phases` while parsing or validating.
    if let Some(code) = error.extensions.as_ref().and_then(|extensions| extensions.get("code")) {
        for known in [PARSE_FAILED, VALIDATION_FAILED, "BAD_USER_INPUT", "LIMIT_EXCEEDED"] {
            if *code == async_graphql::Value::from(known) {
                return (known, None);
            }
        }
    }
    if let Some(app) = app_error(error) {
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

/// Whether a field failed because the database was away (a connection lost
/// mid-request): the caller then trips the reachability circuit.
pub fn lost_the_database(response: &Response) -> bool {
    response.errors.iter().any(|error| {
        error.source.as_ref().is_some_and(|source| {
            matches!(source.downcast_ref::<AppError>(), Some(AppError::Unavailable))
                || matches!(source.downcast_ref::<Arc<AppError>>().map(|arc| arc.as_ref()), Some(AppError::Unavailable))
        })
    })
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
    let changed = match app_error(error) {
        Some(AppError::Stale { changed, .. }) => Some(changed.clone()),
        _ => None,
    };
    let items: Option<Vec<async_graphql::Value>> = match app_error(error) {
        Some(AppError::Items { items, .. }) => Some(
            items
                .iter()
                .map(|item| {
                    let mut fields = async_graphql::indexmap::IndexMap::new();
                    fields.insert(async_graphql::Name::new("index"), async_graphql::Value::from(item.index as u64));
                    fields.insert(async_graphql::Name::new("code"), async_graphql::Value::from(item.code));
                    fields
                        .insert(async_graphql::Name::new("message"), async_graphql::Value::from(item.message.clone()));
                    if let Some(field) = &item.field {
                        fields.insert(async_graphql::Name::new("field"), async_graphql::Value::from(field.clone()));
                    }
                    async_graphql::Value::Object(fields)
                })
                .collect(),
        ),
        _ => None,
    };
    let extensions = error.extensions.get_or_insert_with(ErrorExtensionValues::default);
    extensions.set("code", code);
    extensions.set("requestId", request_id);
    if let Some(changed) = changed {
        extensions.set("changed", changed);
    }
    if let Some(items) = items {
        extensions.set("items", items);
    }
}

/// The application's error behind a GraphQL error, if it has one.
fn app_error(error: &ServerError) -> Option<&AppError> {
    error.source.as_ref().and_then(|source| {
        source.downcast_ref::<AppError>().or_else(|| source.downcast_ref::<Arc<AppError>>().map(|arc| arc.as_ref()))
    })
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

/// Tags what async-graphql refuses before execution with the phase it was
/// refused in: `GRAPHQL_PARSE_FAILED`, `GRAPHQL_VALIDATION_FAILED`, or
/// `BAD_USER_INPUT` when a value (an argument, or a variable's value for one)
/// does not fit its type. Errors that carry an `AppError` (a limit, a spent
/// budget) keep their own code.
pub struct Phases;

impl async_graphql::extensions::ExtensionFactory for Phases {
    fn create(&self) -> Arc<dyn async_graphql::extensions::Extension> {
        Arc::new(Phases)
    }
}

fn tag(error: &mut ServerError, code: &'static str) {
    if error.source.is_none() {
        error.extensions.get_or_insert_with(ErrorExtensionValues::default).set("code", code);
    }
}

#[async_trait::async_trait]
impl async_graphql::extensions::Extension for Phases {
    async fn parse_query(
        &self,
        ctx: &async_graphql::extensions::ExtensionContext<'_>,
        query: &str,
        variables: &async_graphql::Variables,
        next: async_graphql::extensions::NextParseQuery<'_>,
    ) -> async_graphql::ServerResult<async_graphql::parser::types::ExecutableDocument> {
        next.run(ctx, query, variables).await.map_err(|mut error| {
            tag(&mut error, PARSE_FAILED);
            error
        })
    }

    async fn validation(
        &self,
        ctx: &async_graphql::extensions::ExtensionContext<'_>,
        next: async_graphql::extensions::NextValidation<'_>,
    ) -> Result<async_graphql::ValidationResult, Vec<ServerError>> {
        next.run(ctx).await.map_err(|mut errors| {
            for error in &mut errors {
                // async-graphql's words for a value that does not fit its type.
                let code = if error.message.starts_with("Invalid value for argument") {
                    "BAD_USER_INPUT"
                } else if error.message.contains("nested too deep") || error.message.contains("too complex") {
                    "LIMIT_EXCEEDED"
                } else {
                    VALIDATION_FAILED
                };
                tag(error, code);
            }
            errors
        })
    }
}
