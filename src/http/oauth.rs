//! `POST /oauth/token`: the OAuth 2.0 client credentials grant (RFC 6749
//! §4.4) for API clients. Credentials come in the `Authorization: Basic`
//! header (§2.3.1) or in the form body; the answer is §5.1's JSON, errors are
//! §5.2's.

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use base64::Engine;
use serde::Deserialize;
use serde_json::json;

use super::AppState;
use crate::service::integration::{self, TokenError};

#[derive(Debug, Deserialize)]
struct TokenForm {
    grant_type: Option<String>,
    client_id: Option<String>,
    client_secret: Option<String>,
}

pub async fn token(State(state): State<AppState>, headers: HeaderMap, body: Bytes) -> Response {
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
    let Ok(form) = serde_urlencoded::from_bytes::<TokenForm>(&body) else {
        return error(StatusCode::BAD_REQUEST, "invalid_request", "the form could not be read");
    };
    match form.grant_type.as_deref() {
        Some("client_credentials") => {}
        Some(_) => {
            return error(StatusCode::BAD_REQUEST, "unsupported_grant_type", "only client_credentials is supported");
        }
        None => return error(StatusCode::BAD_REQUEST, "invalid_request", "grant_type is missing"),
    }
    let basic = match basic_credentials(&headers) {
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
