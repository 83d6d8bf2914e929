//! The GraphQL endpoint: authenticate, run each operation in its own
//! transaction, commit only what succeeded, and give every error its code.

use std::net::{IpAddr, SocketAddr};
use std::sync::{Arc, Mutex, PoisonError};

use async_graphql::parser::types::ExecutableDocument;
use async_graphql::{BatchRequest, BatchResponse, Request, Response};
use axum::body::Bytes;
use axum::extract::{ConnectInfo, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::IntoResponse;
use tokio::time::Instant;
use tower_http::request_id::RequestId;

use super::AppState;
use super::rate_limit::Decision;
use crate::auth::Principal;
use crate::domain::AppError;
use crate::domain::health::Locale;
use crate::graphql::limits;
use crate::graphql::rate_limit::{Charger, REFUSED_POINTS};
use crate::graphql::transaction::{DeferredStore, Ended};
use crate::graphql::{error, spec};
use crate::store::{Access, Store};

pub async fn post(
    State(state): State<AppState>,
    request_id: Option<axum::Extension<RequestId>>,
    peer: Option<axum::Extension<ConnectInfo<SocketAddr>>>,
    headers: HeaderMap,
    body: Bytes,
) -> axum::response::Response {
    // The deadline is the request's, batch and waiting included.
    let deadline = Instant::now() + state.request_timeout;
    let request_id = request_id.and_then(|id| id.0.header_value().to_str().ok().map(str::to_owned)).unwrap_or_default();
    let source = peer.map(|peer| peer.0.0.ip());

    let authorization = headers.get(header::AUTHORIZATION).and_then(|v| v.to_str().ok());
    // Within the request's deadline too: a partner's key set may have to be
    // fetched first, and its server may be slow.
    let Ok(verified) = tokio::time::timeout_at(deadline, super::authenticate(&state, authorization)).await else {
        return error_response(&AppError::Timeout, &request_id);
    };
    // A principal the database named lately goes on. Anything else (a bad
    // token, a stranger) is first held against its address's failed
    // authentications, so a flood of 401s turns into 429s before it costs a
    // database look-up, and the people a tenant knows are never locked out
    // by strangers, not even behind the same address.
    let known = verified.as_ref().is_ok_and(|principal| state.known_principals.knows(principal));
    if !known
        && let Some(source) = source
        && let Some(decision) = state.rate_limiter.peek_failures(source).await
        && decision.throttled
    {
        return refused_before_identity(decision, &request_id);
    }
    let principal = match verified {
        Ok(principal) => principal,
        Err(reason) => return unauthenticated(&state, source, &reason.to_string(), &request_id).await,
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
    // operation is charged its estimated cost once validated and settled to
    // its actual cost once answered (the `Charger`).
    let peeked = state.rate_limiter.peek(&principal).await;
    if let Some(decision) = peeked
        && decision.throttled
    {
        return throttled(&principal, &body, decision, &request_id);
    }
    // The tenant's and the person's share of the pool, held to the end.
    let _admitted = match state.admission.admit(&principal).await {
        Ok(admitted) => admitted,
        Err(error) => return busy(&principal, &body, &error, &request_id),
    };
    // Who the token names, before any query text is parsed or charged.
    match identify(&state, &principal).await {
        Ok(()) => {}
        Err(AppError::Unauthenticated(reason)) => return unauthenticated(&state, source, &reason, &request_id).await,
        Err(error @ AppError::Busy) => return busy(&principal, &body, &error, &request_id),
        Err(error) => return error_response(&error, &request_id),
    }
    let rate = Arc::new(Mutex::new(None));
    let charger = state.rate_limiter.charger(&principal, rate.clone());

    let locale = Locale::from_accept_language(headers.get(header::ACCEPT_LANGUAGE).and_then(|v| v.to_str().ok()));
    let run = |request: Request| {
        let mut request = request.data(charger.clone());
        // Else the person's own language decides (`service::language`).
        if let Some(locale) = locale {
            request = request.data(locale);
        }
        execute(&state, &principal, request, &charger, deadline, &request_id)
    };
    let mut refused = false;
    let mut response = match batch {
        BatchRequest::Single(request) => match run(request).await {
            Ok((response, before_execution)) => {
                refused = before_execution;
                BatchResponse::Single(response)
            }
            Err(error) => return error_response(&error, &request_id),
        },
        BatchRequest::Batch(requests) => {
            if let Err(error) = limits::check_batch(requests.len(), &state.query_limits(), state.production) {
                return (StatusCode::OK, json(&error::response_for(&error, &request_id))).into_response();
            }
            let mut responses = Vec::with_capacity(requests.len());
            for request in requests {
                match run(request).await {
                    Ok((response, _)) => responses.push(response),
                    Err(error) => return error_response(&error, &request_id),
                }
            }
            BatchResponse::Batch(responses)
        }
    };
    // What is left of the budget, beside each operation's cost.
    let charged = *rate.lock().unwrap_or_else(PoisonError::into_inner);
    if let Some(decision) = charged.or(peeked) {
        throttle_status(&mut response, decision);
    }
    // For the request's log line and metrics (`observe`).
    let outcome = super::observe::Outcome::of(&principal, &body, &response);
    let mut http_response = (StatusCode::OK, json(&response)).into_response();
    http_response.extensions_mut().insert(outcome);
    if refused {
        http_response.extensions_mut().insert(RefusedBeforeExecution);
    }
    // What the operations were charged; else (nothing was validated) the peek.
    let decision = charged.or(peeked);
    if let Some(decision) = decision {
        rate_limit_headers(&mut http_response, decision, false);
    }
    // 429 only when nothing ran: every operation was throttled or turned away busy.
    if all_throttled(&response) {
        let retry_after = decision.filter(|d| d.throttled).map_or(1, |d| d.reset_secs);
        refuse(&mut http_response, retry_after);
    }
    http_response
}

/// Whether the database knows whom the token names: remembered for a while
/// once found ([`KnownPrincipals`](super::identity::KnownPrincipals)), else
/// looked up in a read transaction of its own.
async fn identify(state: &AppState, principal: &Principal) -> Result<(), AppError> {
    if state.known_principals.knows(principal) {
        return Ok(());
    }
    let store = Store::begin(&state.db, principal, Access::Read, state.clock.clone(), state.request_timeout).await?;
    store.rollback().await;
    state.known_principals.remember(principal);
    Ok(())
}

/// HTTP 401, counted against the source address's failed authentications.
async fn unauthenticated(
    state: &AppState,
    source: Option<IpAddr>,
    reason: &str,
    request_id: &str,
) -> axum::response::Response {
    tracing::debug!(%reason, "token or principal refused");
    if let Some(source) = source {
        state.rate_limiter.charge_failure(source).await;
    }
    unauthenticated_response(request_id)
}

/// HTTP 429 for an address that spent its failed authentications.
fn refused_before_identity(decision: Decision, request_id: &str) -> axum::response::Response {
    let response = error::response_for(&AppError::Throttled { retry_after_secs: decision.reset_secs }, request_id);
    let mut http_response = json(&response).into_response();
    refuse(&mut http_response, decision.reset_secs);
    http_response
}

/// HTTP 429 with `Retry-After: 1`: no share of the database was free in time.
fn busy(principal: &Principal, body: &[u8], error: &AppError, request_id: &str) -> axum::response::Response {
    let response = BatchResponse::Single(error::response_for(error, request_id));
    let outcome = super::observe::Outcome::of(principal, body, &response);
    let mut http_response = json(&response).into_response();
    http_response.extensions_mut().insert(outcome);
    refuse(&mut http_response, 1);
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
        refuse(response, decision.reset_secs);
    }
}

/// `extensions.cost.throttleStatus` (Shopify's shape) on every operation
/// that reports its cost: the tighter budget's size, what is left of it, and
/// how many points come back each second.
fn throttle_status(response: &mut BatchResponse, decision: Decision) {
    let status = async_graphql::value!({
        "maximumAvailable": decision.limit,
        "currentlyAvailable": decision.remaining,
        "restoreRate": decision.limit / super::rate_limit::WINDOW_SECS,
    });
    let responses = match response {
        BatchResponse::Single(single) => std::slice::from_mut(single),
        BatchResponse::Batch(many) => many.as_mut_slice(),
    };
    for response in responses {
        if let Some(async_graphql::Value::Object(cost)) = response.extensions.get_mut("cost") {
            cost.insert(async_graphql::Name::new("throttleStatus"), status.clone());
        }
    }
}

/// Status 429 with `Retry-After`.
fn refuse(response: &mut axum::response::Response, retry_after_secs: u64) {
    response.headers_mut().insert(header::RETRY_AFTER, HeaderValue::from(retry_after_secs));
    *response.status_mut() = StatusCode::TOO_MANY_REQUESTS;
}

/// Whether a response was refused as THROTTLED.
fn all_throttled_one(response: &Response) -> bool {
    response.errors.iter().any(|error| {
        error.extensions.as_ref().and_then(|extensions| extensions.get("code"))
            == Some(&async_graphql::Value::from("THROTTLED"))
    })
}

/// Whether every operation of the response was refused as THROTTLED.
fn all_throttled(response: &BatchResponse) -> bool {
    match response {
        BatchResponse::Single(single) => all_throttled_one(single),
        BatchResponse::Batch(many) => many.iter().all(all_throttled_one),
    }
}

/// Marks a response whose one operation was refused before it ran (it did
/// not parse, did not validate, or broke a limit): under the GraphQL over HTTP
/// media type that is a 400 without `data`.
#[derive(Clone, Copy)]
struct RefusedBeforeExecution;

/// The GraphQL over HTTP media type, for clients that ask for it.
const GRAPHQL_RESPONSE: &str = "application/graphql-response+json";

/// GraphQL over HTTP (the 2024 specification): a client whose `Accept` names
/// `application/graphql-response+json` gets that media type, and a request
/// refused before execution as HTTP 400 with no `data`; 401 and 429 keep their
/// status and their GraphQL-shaped body. `application/json` stays the default,
/// with 200 for every GraphQL answer.
pub async fn negotiate(request: axum::extract::Request, next: axum::middleware::Next) -> axum::response::Response {
    let wants_graphql_response = request
        .headers()
        .get_all(header::ACCEPT)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .any(|accept| accept.split(',').any(|item| item.trim().starts_with(GRAPHQL_RESPONSE)));
    let response = next.run(request).await;
    let is_json = response.headers().get(header::CONTENT_TYPE).is_some_and(|ct| ct == "application/json");
    if !wants_graphql_response || !is_json {
        return response;
    }
    let refused = response.extensions().get::<RefusedBeforeExecution>().is_some();
    let (mut parts, body) = response.into_parts();
    parts.headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(GRAPHQL_RESPONSE));
    if !refused {
        return axum::response::Response::from_parts(parts, body);
    }
    // Rare (a refusal), so the body is read again rather than built twice.
    let Ok(bytes) = axum::body::to_bytes(body, super::MAX_BODY_BYTES * 64).await else {
        return axum::response::Response::from_parts(parts, axum::body::Body::empty());
    };
    let mut value: serde_json::Value = serde_json::from_slice(&bytes).unwrap_or_default();
    if let Some(object) = value.as_object_mut() {
        object.remove("data");
    }
    parts.status = StatusCode::BAD_REQUEST;
    parts.headers.remove(header::CONTENT_LENGTH);
    let body = serde_json::to_vec(&value).unwrap_or_default();
    axum::response::Response::from_parts(parts, axum::body::Body::from(body))
}

/// Runs one operation in its own transaction, within what is left of the
/// request's deadline. `Err` only for failures that concern the whole HTTP
/// request (the principal is unknown).
///
/// Nothing touches the database before the query has passed every limit: the
/// length and nesting before parsing, aliases, directives, mutations and text
/// on the parsed document, then validation and its cost inside
/// async-graphql, which opens the transaction (the [`DeferredStore`]) only
/// when they pass; [`DeferredStore::finish`] ends it. A refused operation is charged a small fixed cost.
async fn execute(
    state: &AppState,
    principal: &Principal,
    mut request: Request,
    charger: &Charger,
    deadline: Instant,
    request_id: &str,
) -> Result<(Response, bool), AppError> {
    let remaining = deadline.saturating_duration_since(Instant::now());
    if remaining.is_zero() {
        return Ok((error::response_for(&AppError::Timeout, request_id), false));
    }
    let operation_name = request.operation_name.clone();
    let document = match super::documents::admit(state, &mut request) {
        Ok(document) => document,
        Err(error) => {
            // A refusal is cheap but not free: the operation is charged a little.
            return Ok(match charger.charge(REFUSED_POINTS).await {
                Err(throttled) => (error::response_for(&throttled, request_id), false),
                Ok(()) => (error::response_for(&error, request_id), true),
            });
        }
    };
    // As the specification executes: null propagation, keys in selection order.
    let complete = |response: &mut Response| {
        if let Some(document) = &document {
            spec::complete(response, document, operation_name.as_deref(), crate::graphql::schema_types());
        }
    };
    // A document that does not parse is answered by execution below, with
    // the parser's message; it never reaches the database.
    let access = request
        .parsed_query()
        .map_or(Access::Read, |document| crate::graphql::operation::access(document, operation_name.as_deref()));
    let deferred = {
        let (db, principal, clock) = (state.db.clone(), principal.clone(), state.clock.clone());
        // The database's own deadline: what is left of the request's.
        DeferredStore::new(async move { Store::begin(&db, &principal, access, clock, remaining).await })
    };
    // The cost of the answer is counted against the same variables.
    let variables = request.variables.clone();
    let mut request = request.data(deferred.clone());
    if let Some(partners) = state.verifier.partners() {
        // `addIdentityProvider` tells the registry to reload.
        request = request.data(partners.clone());
    }

    let executed = tokio::time::timeout_at(deadline, state.schema.execute(request)).await;
    let mut response = match deferred.finish(executed, &state.db).await {
        Ended::Ran(Ok(response)) => response,
        Ended::Ran(Err(error)) => return Ok((error::response_for(&error, request_id), false)),
        Ended::NotOpened(error @ AppError::Unauthenticated(_)) => {
            // Known a moment ago, gone now (removed, anonymised, revoked).
            state.known_principals.forget(principal);
            return Err(error);
        }
        Ended::NotOpened(error) => return Ok((error::response_for(&error, request_id), false)),
        Ended::NeverOpened(Some(mut response)) => {
            complete(&mut response);
            error::finish(&mut response, request_id);
            // Parse or validation failures (a spent budget aside): the
            // request itself was refused.
            let refused = !response.errors.is_empty() && !all_throttled_one(&response);
            return Ok((response, refused));
        }
        Ended::NeverOpened(None) => return Ok((error::response_for(&AppError::Timeout, request_id), false)),
    };
    complete(&mut response);
    if let Some(document) = &document {
        settle_cost(&mut response, document, operation_name.as_deref(), &variables, charger).await;
    }
    error::finish(&mut response, request_id);
    Ok((response, false))
}

/// Puts the answer's actual cost beside the estimate it was charged
/// (`extensions.cost.actualQueryCost`) and settles the difference with the
/// budgets: a page asked for 50 that holds 8 costs the 8.
async fn settle_cost(
    response: &mut Response,
    document: &ExecutableDocument,
    operation_name: Option<&str>,
    variables: &async_graphql::Variables,
    charger: &Charger,
) {
    let Some(async_graphql::Value::Object(cost)) = response.extensions.get("cost") else { return };
    let Some(requested) = cost.get("requestedQueryCost").and_then(|points| match points {
        async_graphql::Value::Number(points) => points.as_u64(),
        _ => None,
    }) else {
        return;
    };
    let actual = crate::graphql::cost::actual(
        &response.data,
        document,
        operation_name,
        variables,
        crate::graphql::schema_types(),
    )
    .max(1);
    if let Some(async_graphql::Value::Object(cost)) = response.extensions.get_mut("cost") {
        cost.insert(async_graphql::Name::new("actualQueryCost"), actual.into());
    }
    charger.settle(requested, actual).await;
}

fn json<T: serde::Serialize>(value: &T) -> impl IntoResponse + use<T> {
    let body = serde_json::to_vec(value).unwrap_or_else(|_| b"{}".to_vec());
    ([(header::CONTENT_TYPE, HeaderValue::from_static("application/json"))], body)
}

fn unauthenticated_response(request_id: &str) -> axum::response::Response {
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
            unauthenticated_response(request_id)
        }
        other => (StatusCode::OK, json(&error::response_for(other, request_id))).into_response(),
    }
}

fn bad_request(request_id: &str, status: StatusCode, message: &str) -> axum::response::Response {
    let error = AppError::BadUserInput { field: None, message: message.to_owned() };
    (status, json(&error::response_for(&error, request_id))).into_response()
}
