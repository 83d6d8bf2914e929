//! `POST /oauth/token`: the OAuth 2.0 client credentials grant (RFC 6749
//! §4.4) for API clients. Credentials come in the `Authorization: Basic`
//! header (§2.3.1) or in the form body; the answer is §5.1's JSON, errors are
//! §5.2's. Failed attempts count against the source address (429 once it
//! has spent them), and each token costs its client a few points.

use std::net::SocketAddr;

use axum::body::Bytes;
use axum::extract::{ConnectInfo, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use base64::Engine;
use serde::Deserialize;
use serde_json::json;

use super::AppState;
use crate::auth::{Identity, Principal, TenantRef};
use crate::graphql::rate_limit::REFUSED_POINTS;
use crate::service::integration::{self, TokenError};

#[derive(Debug, Deserialize)]
struct TokenForm {
    grant_type: Option<String>,
    client_id: Option<String>,
    client_secret: Option<String>,
}

pub async fn token(
    State(state): State<AppState>,
    peer: Option<axum::Extension<ConnectInfo<SocketAddr>>>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    // Guessing secrets is a flood of failures: an address that has spent its
    // failed authentications is refused before the next guess is checked.
    let source = peer.map(|peer| peer.0.0.ip());
    state
        .rate_limiter
        .guarding_secrets(source, StatusCode::UNAUTHORIZED, slow_down, issue(&state, &headers, &body))
        .await
}

async fn issue(state: &AppState, headers: &HeaderMap, body: &Bytes) -> Response {
    let is_form = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|ct| ct.starts_with("application/x-www-form-urlencoded"));
    if !is_form {
        return error(
            StatusCode::BAD_REQUEST,
            "invalid_request",
            "send the request as application/x-www-form-urlencoded",
        );
    }
    let Ok(form) = serde_urlencoded::from_bytes::<TokenForm>(body) else {
        return error(StatusCode::BAD_REQUEST, "invalid_request", "the form could not be read");
    };
    match form.grant_type.as_deref() {
        Some("client_credentials") => {}
        Some(_) => {
            return error(StatusCode::BAD_REQUEST, "unsupported_grant_type", "only client_credentials is supported");
        }
        None => return error(StatusCode::BAD_REQUEST, "invalid_request", "grant_type is missing"),
    }
    let basic = match basic_credentials(headers) {
        Ok(basic) => basic,
        Err(()) => return invalid_client(),
    };
    let (client_id, client_secret) = match (basic, form.client_id, form.client_secret) {
        (Some(basic), None, None) => basic,
        (None, Some(id), Some(secret)) => (id, secret),
        (Some(_), _, _) => {
            return error(StatusCode::BAD_REQUEST, "invalid_request", "use one way of sending client credentials");
        }
        (None, _, _) => return invalid_client(),
    };
    let Some(minter) = &state.minter else {
        return error(
            StatusCode::SERVICE_UNAVAILABLE,
            "temporarily_unavailable",
            "this deployment has no signing secret for client tokens (EENDRACHT_JWT_SECRET)",
        );
    };
    // Each token costs the client as a refused query does, from its own
    // budget: a client that asks for a token per request runs dry.
    if let Some(principal) = client_principal(&client_id)
        && let Some(decision) = state.rate_limiter.charge(&principal, REFUSED_POINTS).await
        && decision.throttled
    {
        return slow_down(decision.reset_secs);
    }
    match integration::issue_client_token(&state.db, minter, &state.clock, &client_id, &client_secret).await {
        Ok(issued) => no_store(
            StatusCode::OK,
            json!({ "access_token": issued.access_token, "token_type": "Bearer", "expires_in": issued.expires_in }),
        ),
        Err(TokenError::InvalidClient) => invalid_client(),
        Err(TokenError::Internal(cause)) => {
            tracing::error!(error = %cause, "issuing a client token failed");
            error(StatusCode::INTERNAL_SERVER_ERROR, "server_error", "the token could not be issued")
        }
    }
}

/// `Authorization: Basic base64(urlencode(id) ":" urlencode(secret))`; `Ok(None)`
/// without the header, `Err` when it is there but unreadable.
fn basic_credentials(headers: &HeaderMap) -> Result<Option<(String, String)>, ()> {
    let Some(value) = headers.get(header::AUTHORIZATION) else { return Ok(None) };
    let encoded = value.to_str().map_err(|_| ())?.strip_prefix("Basic ").ok_or(())?;
    let decoded = base64::engine::general_purpose::STANDARD.decode(encoded.trim()).map_err(|_| ())?;
    let decoded = String::from_utf8(decoded).map_err(|_| ())?;
    let (id, secret) = decoded.split_once(':').ok_or(())?;
    let unescape = |s: &str| -> Result<String, ()> {
        serde_urlencoded::from_str::<Vec<(String, String)>>(&format!("v={s}"))
            .ok()
            .and_then(|pairs| pairs.into_iter().next())
            .map(|(_, v)| v)
            .ok_or(())
    };
    Ok(Some((unescape(id)?, unescape(secret)?)))
}

/// The principal a client id names (`<tenant slug>.<uuid>`), for its budget.
fn client_principal(client_id: &str) -> Option<Principal> {
    let (slug, id) = client_id.rsplit_once('.')?;
    let id = uuid::Uuid::parse_str(id).ok()?;
    Some(Principal { tenant: TenantRef::Slug(slug.to_owned()), identity: Identity::ApiClient(id) })
}

/// HTTP 429 with `Retry-After`, in the token endpoint's error shape.
fn slow_down(retry_after_secs: u64) -> Response {
    let mut response = error(StatusCode::TOO_MANY_REQUESTS, "slow_down", "too many requests; retry later");
    response.headers_mut().insert(header::RETRY_AFTER, HeaderValue::from(retry_after_secs));
    response
}

fn invalid_client() -> Response {
    let mut response = error(StatusCode::UNAUTHORIZED, "invalid_client", "unknown client, wrong secret, or revoked");
    response.headers_mut().insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Basic realm=\"eendracht\""));
    response
}

fn error(status: StatusCode, code: &str, description: &str) -> Response {
    no_store(status, json!({ "error": code, "error_description": description }))
}

/// Token responses are never cached (§5.1).
fn no_store(status: StatusCode, body: serde_json::Value) -> Response {
    (status, [(header::CACHE_CONTROL, "no-store"), (header::PRAGMA, "no-cache")], axum::Json(body)).into_response()
}
