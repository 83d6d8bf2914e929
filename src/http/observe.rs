//! One log line and one metrics sample per GraphQL request.
//!
//! The `post` handler leaves an [`Outcome`] (tenant, operation name, outcome)
//! in the response's extensions; [`observe`] times the request, takes the
//! outcome out, counts it and logs it. A response that was refused before
//! execution (no token, not JSON, a limit) carries no `Outcome`: its code is
//! read from its small JSON error body, or else from its status.
//!
//! The line holds no token, no variables and no query text: only ids, the
//! tenant's slug, the operation's name, the duration and the outcome.

use std::time::Instant;

use async_graphql::BatchResponse;
use axum::body::{Body, HttpBody};
use axum::extract::{Request, State};
use axum::http::{Method, StatusCode};
use axum::middleware::Next;
use axum::response::Response;

use super::{AppState, REQUEST_ID};
use crate::auth::{Principal, TenantRef};

/// An early (error) response is read for its code only when at most this big.
const EARLY_BODY_LIMIT: u64 = 64 * 1024;

/// The error codes of the API contract (`domain::AppError::code` and
/// `graphql::error`); anything else is "OTHER", so the `outcome` label stays
/// bounded.
const CODES: [&str; 14] = [
    "UNAUTHENTICATED",
    "FORBIDDEN",
    "NOT_FOUND",
    "BAD_USER_INPUT",
    "CONFLICT",
    "LIMIT_EXCEEDED",
    "THROTTLED",
    "TIMEOUT",
    "INTERNAL",
    "GRAPHQL_PARSE_FAILED",
    "GRAPHQL_VALIDATION_FAILED",
    "PERSISTED_QUERY_NOT_FOUND",
    "PERSISTED_QUERY_NOT_IN_LIST",
    "PERSISTED_QUERY_ID_REQUIRED",
];

/// What the handler knows about a request it executed.
#[derive(Debug, Clone)]
pub struct Outcome {
    /// The tenant's slug (or id, for an issuer bound to one tenant).
    pub tenant: String,
    /// The operation name the client sent, "anonymous" without one, "batch"
    /// for a batch.
    pub operation: String,
    /// "ok", or the code of the first error.
    pub outcome: &'static str,
}

impl Outcome {
    /// The outcome of an executed request: `body` is the request body (read
    /// again for the operation name only), `response` what execution returned.
    pub fn of(principal: &Principal, body: &[u8], response: &BatchResponse) -> Self {
        let tenant = match &principal.tenant {
            TenantRef::Slug(slug) => slug.clone(),
            TenantRef::Id(id) => id.to_string(),
        };
        let (operation, responses) = match response {
            BatchResponse::Single(single) => (operation_name(body), std::slice::from_ref(single)),
            BatchResponse::Batch(many) => ("batch".to_owned(), many.as_slice()),
        };
        let first_code = responses.iter().flat_map(|r| r.errors.iter()).find_map(|error| {
            match error.extensions.as_ref().and_then(|extensions| extensions.get("code")) {
                Some(async_graphql::Value::String(code)) => Some(known_code(code)),
                _ => None,
            }
        });
        let outcome = match (first_code, responses.iter().any(|r| !r.errors.is_empty())) {
            (Some(code), _) => code,
            (None, true) => "INTERNAL",
            (None, false) => "ok",
        };
        Self { tenant, operation, outcome }
    }
}

/// The `operationName` of a single request, read without keeping the rest.
fn operation_name(body: &[u8]) -> String {
    #[derive(serde::Deserialize)]
    struct Named {
        #[serde(rename = "operationName")]
        operation_name: Option<String>,
    }
    serde_json::from_slice::<Named>(body)
        .ok()
        .and_then(|named| named.operation_name)
        .filter(|name| !name.is_empty())
        .unwrap_or_else(|| "anonymous".to_owned())
}

fn known_code(code: &str) -> &'static str {
    CODES.iter().find(|known| **known == code).copied().unwrap_or("OTHER")
}

/// Times, counts and logs every `POST /graphql`.
pub async fn observe(State(state): State<AppState>, request: Request, next: Next) -> Response {
    if request.method() != Method::POST {
        return next.run(request).await;
    }
    let started = Instant::now();
    let request_id = request.headers().get(&REQUEST_ID).and_then(|v| v.to_str().ok()).unwrap_or("-").to_owned();
    let mut response = next.run(request).await;
    let outcome = match response.extensions_mut().remove::<Outcome>() {
        Some(outcome) => outcome,
        None => {
            let (outcome, rebuilt) = early_outcome(response).await;
            response = rebuilt;
            outcome
        }
    };
    let elapsed = started.elapsed();
    state.metrics.observe(&outcome.operation, outcome.outcome, elapsed);
    tracing::info!(
        request_id,
        tenant = outcome.tenant,
        operation = outcome.operation,
        duration_ms = u64::try_from(elapsed.as_millis()).unwrap_or(u64::MAX),
        outcome = outcome.outcome,
        "graphql request"
    );
    response
}

/// A response refused before execution: its code from its JSON body when that
/// is small, else from its status.
async fn early_outcome(response: Response) -> (Outcome, Response) {
    let status = response.status();
    let unknown = |outcome| Outcome { tenant: "-".to_owned(), operation: "unknown".to_owned(), outcome };
    if response.body().size_hint().upper().is_none_or(|upper| upper > EARLY_BODY_LIMIT) {
        return (unknown(by_status(status)), response);
    }
    let (parts, body) = response.into_parts();
    let Ok(bytes) = axum::body::to_bytes(body, usize::try_from(EARLY_BODY_LIMIT).unwrap_or(usize::MAX)).await else {
        return (unknown(by_status(status)), Response::from_parts(parts, Body::empty()));
    };
    let code = serde_json::from_slice::<serde_json::Value>(&bytes)
        .ok()
        .and_then(|body| body["errors"][0]["extensions"]["code"].as_str().map(known_code))
        .unwrap_or_else(|| by_status(status));
    (unknown(code), Response::from_parts(parts, Body::from(bytes)))
}

fn by_status(status: StatusCode) -> &'static str {
    match status.as_u16() {
        200..=399 => "ok",
        401 => "UNAUTHENTICATED",
        403 => "FORBIDDEN",
        404 => "NOT_FOUND",
        408 | 504 => "TIMEOUT",
        413 => "LIMIT_EXCEEDED",
        429 => "THROTTLED",
        400..=499 => "BAD_USER_INPUT",
        _ => "INTERNAL",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_operation_name_is_read_from_the_body_or_is_anonymous() {
        assert_eq!(operation_name(br#"{"query":"query A { x }","operationName":"A"}"#), "A");
        assert_eq!(operation_name(br#"{"query":"{ x }"}"#), "anonymous");
        assert_eq!(operation_name(br#"{"query":"{ x }","operationName":null}"#), "anonymous");
        assert_eq!(operation_name(b"not json"), "anonymous");
    }

    #[test]
    fn unknown_codes_and_statuses_map_to_a_bounded_set() {
        assert_eq!(known_code("NOT_FOUND"), "NOT_FOUND");
        assert_eq!(known_code("SOMETHING_ELSE"), "OTHER");
        assert_eq!(by_status(StatusCode::UNSUPPORTED_MEDIA_TYPE), "BAD_USER_INPUT");
        assert_eq!(by_status(StatusCode::PAYLOAD_TOO_LARGE), "LIMIT_EXCEEDED");
        assert_eq!(by_status(StatusCode::TOO_MANY_REQUESTS), "THROTTLED");
    }
}
