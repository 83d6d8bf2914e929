//! The GraphQL endpoint: authenticate, run each operation in its own
//! transaction, commit only what succeeded, and give every error its code.

use std::sync::{Arc, Mutex, PoisonError};

use async_graphql::http::GraphiQLSource;
use async_graphql::parser::types::{DocumentOperations, ExecutableDocument, OperationType};
use async_graphql::{BatchRequest, BatchResponse, Request, Response};
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{Html, IntoResponse};
use tower_http::request_id::RequestId;

use super::AppState;
use super::rate_limit::Decision;
use crate::auth::Principal;
use crate::domain::AppError;
use crate::domain::health::Locale;
use crate::graphql::error;
use crate::graphql::limits::{self, DeferredStore, QueryLimits};
use crate::store::{Access, Store};

pub async fn graphiql() -> impl IntoResponse {
    Html(GraphiQLSource::build().endpoint("/graphql").finish())
}

pub async fn post(
    State(state): State<AppState>,
    request_id: Option<axum::Extension<RequestId>>,
    headers: HeaderMap,
    body: Bytes,
) -> axum::response::Response {
    let request_id = request_id.and_then(|id| id.0.header_value().to_str().ok().map(str::to_owned)).unwrap_or_default();

    let authorization = headers.get(header::AUTHORIZATION).and_then(|v| v.to_str().ok());
    let principal = match super::authenticate(&state, authorization).await {
        Ok(principal) => principal,
        Err(reason) => {
            tracing::debug!(%reason, "token refused");
            return unauthenticated(&request_id);
        }
    };

    // JSON only: a form-encoded or text/plain POST is what a cross-site form
    // can send without a CORS preflight.
    let is_json = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|ct| ct.starts_with("application/json") || ct.starts_with("application/graphql-response+json"));
    if !is_json {
        return bad_request(&request_id, StatusCode::UNSUPPORTED_MEDIA_TYPE, "send the request as application/json");
    }
    let batch: BatchRequest = match serde_json::from_slice(&body) {
        Ok(batch) => batch,
        Err(_) => {
            return bad_request(&request_id, StatusCode::BAD_REQUEST, "the body is not a GraphQL request in JSON");
        }
    };

    // Rate limits: a spent budget is refused before any database work; each
    // operation is charged its complexity once validated (the `Charger`).
    let peeked = state.rate_limiter.peek(&principal).await;
    if let Some(decision) = peeked
        && decision.throttled
    {
        return throttled(&principal, &body, decision, &request_id);
    }
    let rate = Arc::new(Mutex::new(None));
    let charger = state.rate_limiter.charger(&principal, rate.clone());

    let locale = Locale::from_accept_language(headers.get(header::ACCEPT_LANGUAGE).and_then(|v| v.to_str().ok()));
    let response = match batch {
        BatchRequest::Single(request) => {
            match execute(&state, &principal, request.data(locale).data(charger), &request_id).await {
                Ok(response) => BatchResponse::Single(response),
                Err(error) => return error_response(&error, &request_id),
            }
        }
        BatchRequest::Batch(requests) => {
            if let Err(error) = limits::check_batch(requests.len(), &query_limits(&state), state.production) {
                return (StatusCode::OK, json(&error::response_for(&error, &request_id))).into_response();
            }
            let mut responses = Vec::with_capacity(requests.len());
            for request in requests {
                match execute(&state, &principal, request.data(locale).data(charger.clone()), &request_id).await {
                    Ok(response) => responses.push(response),
                    Err(error) => return error_response(&error, &request_id),
                }
            }
            BatchResponse::Batch(responses)
        }
    };
    // For the request's log line and metrics (`observe`).
    let outcome = super::observe::Outcome::of(&principal, &body, &response);
    let mut http_response = (StatusCode::OK, json(&response)).into_response();
    http_response.extensions_mut().insert(outcome);
    // What the operations were charged; else (nothing was validated) the peek.
    let charged = *rate.lock().unwrap_or_else(PoisonError::into_inner);
    if let Some(decision) = charged.or(peeked) {
        // 429 only when nothing ran: every operation was throttled.
        let refused = decision.throttled && all_throttled(&response);
        rate_limit_headers(&mut http_response, decision, refused);
    }
    http_response
}

/// HTTP 429 with `Retry-After` and the THROTTLED error, before execution.
fn throttled(principal: &Principal, body: &[u8], decision: Decision, request_id: &str) -> axum::response::Response {
    let response = BatchResponse::Single(error::response_for(
        &AppError::Throttled { retry_after_secs: decision.reset_secs },
        request_id,
    ));
    let outcome = super::observe::Outcome::of(principal, body, &response);
    let mut http_response = json(&response).into_response();
    http_response.extensions_mut().insert(outcome);
    rate_limit_headers(&mut http_response, decision, true);
    http_response
}

/// `RateLimit-Limit`, `RateLimit-Remaining`, `RateLimit-Reset` (of the tighter
/// budget); when `refused`, status 429 and `Retry-After` too.
fn rate_limit_headers(response: &mut axum::response::Response, decision: Decision, refused: bool) {
    let headers = response.headers_mut();
    headers.insert("ratelimit-limit", HeaderValue::from(decision.limit));
    headers.insert("ratelimit-remaining", HeaderValue::from(decision.remaining));
    headers.insert("ratelimit-reset", HeaderValue::from(decision.reset_secs));
    if refused {
        headers.insert(header::RETRY_AFTER, HeaderValue::from(decision.reset_secs));
        *response.status_mut() = StatusCode::TOO_MANY_REQUESTS;
    }
}

/// Whether every operation of the response was refused as THROTTLED.
fn all_throttled(response: &BatchResponse) -> bool {
    let responses = match response {
        BatchResponse::Single(single) => std::slice::from_ref(single),
        BatchResponse::Batch(many) => many.as_slice(),
    };
    responses.iter().all(|response| {
        response.errors.iter().any(|error| {
            error.extensions.as_ref().and_then(|extensions| extensions.get("code"))
                == Some(&async_graphql::Value::from("THROTTLED"))
        })
    })
}

/// The deployment's query limits, kept in the schema.
fn query_limits(state: &AppState) -> QueryLimits {
    state.schema.data::<QueryLimits>().copied().unwrap_or_default()
}

/// Runs one operation in its own transaction. `Err` only for failures that
/// concern the whole HTTP request (the principal is unknown).
///
/// Nothing touches the database before the query has passed every limit: the
/// length before parsing, aliases, directives and mutations on the parsed
/// document, then depth, complexity and validation inside async-graphql, which
/// opens the transaction (the [`DeferredStore`]) only when they pass.
async fn execute(
    state: &AppState,
    principal: &Principal,
    mut request: Request,
    request_id: &str,
) -> Result<Response, AppError> {
    let limits = query_limits(state);
    let checked = limits::check_length(&request.query, &limits, state.production)
        .and_then(|()| limits::check_variables(&request.variables, state.production));
    if let Err(error) = checked {
        return Ok(error::response_for(&error, request_id));
    }
    let operation_name = request.operation_name.clone();
    match state.documents.get(&request.query) {
        Some(document) => request.set_parsed_query(document),
        None => {
            if let Ok(document) = request.parsed_query().cloned() {
                state.documents.put(&request.query, document);
            }
        }
    }
    let access = match request.parsed_query() {
        Ok(document) => {
            if let Err(error) = limits::check_document(document, operation_name.as_deref(), &limits, state.production) {
                return Ok(error::response_for(&error, request_id));
            }
            access_of(document, operation_name.as_deref())
        }
        // A document that does not parse is answered by execution below, with
        // the parser's message; it never reaches the database.
        Err(_) => Access::Read,
    };
    let deferred = {
        let (db, principal, clock, timeout) =
            (state.db.clone(), principal.clone(), state.clock.clone(), state.request_timeout);
        DeferredStore::new(async move { Store::begin(&db, &principal, access, clock, timeout).await })
    };
    let mut request = request.data(deferred.clone());
    if let Some(partners) = state.verifier.partners() {
        // `addIdentityProvider` tells the registry to reload.
        request = request.data(partners.clone());
    }

    let executed = tokio::time::timeout(state.request_timeout, state.schema.execute(request)).await;
    let store = match deferred.take() {
        Some(Ok(store)) => store,
        Some(Err(error @ AppError::Unauthenticated(_))) => return Err(error),
        Some(Err(error)) => return Ok(error::response_for(&error, request_id)),
        // Refused before execution (parse, validation, depth, complexity) or
        // out of time before the transaction opened: no SQL ran.
        None => {
            return Ok(match executed {
                Ok(mut response) => {
                    error::finish(&mut response, request_id);
                    response
                }
                Err(_) => error::response_for(&AppError::Timeout, request_id),
            });
        }
    };
    let mut response = match executed {
        Ok(response) => response,
        Err(_) => {
            store.rollback().await;
            return Ok(error::response_for(&AppError::Timeout, request_id));
        }
    };
    if response.errors.is_empty() {
        if let Err(commit_error) = store.commit().await {
            response = error::response_for(&commit_error, request_id);
            tracing::warn!(code = commit_error.code(), "commit failed");
            return Ok(response);
        }
    } else {
        store.rollback().await;
    }
    error::finish(&mut response, request_id);
    Ok(response)
}

/// Mutations take the write path (on SQLite: the write lock up front).
fn access_of(document: &ExecutableDocument, operation_name: Option<&str>) -> Access {
    let ty = match &document.operations {
        DocumentOperations::Single(operation) => Some(operation.node.ty),
        DocumentOperations::Multiple(operations) => match operation_name {
            Some(name) => operations.get(name).map(|op| op.node.ty),
            None => operations.values().next().map(|op| op.node.ty),
        },
    };
    if ty == Some(OperationType::Mutation) { Access::Write } else { Access::Read }
}

fn json<T: serde::Serialize>(value: &T) -> impl IntoResponse + use<T> {
    let body = serde_json::to_vec(value).unwrap_or_else(|_| b"{}".to_vec());
    ([(header::CONTENT_TYPE, HeaderValue::from_static("application/json"))], body)
}

fn unauthenticated(request_id: &str) -> axum::response::Response {
    let error = AppError::Unauthenticated(String::new());
    (
        StatusCode::UNAUTHORIZED,
        [(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"))],
        json(&error::response_for(&error, request_id)),
    )
        .into_response()
}

fn error_response(error: &AppError, request_id: &str) -> axum::response::Response {
    match error {
        AppError::Unauthenticated(reason) => {
            tracing::debug!(%reason, "principal refused");
            unauthenticated(request_id)
        }
        other => (StatusCode::OK, json(&error::response_for(other, request_id))).into_response(),
    }
}

fn bad_request(request_id: &str, status: StatusCode, message: &str) -> axum::response::Response {
    let error = AppError::BadUserInput { field: None, message: message.to_owned() };
    (status, json(&error::response_for(&error, request_id))).into_response()
}
