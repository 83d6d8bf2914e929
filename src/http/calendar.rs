//! `GET /calendar/<token>.ics`: a person's calendar feed (docs/calendar.md).
//!
//! Calendar apps send no header of their own, so the URL is the credential:
//! a token naming the tenant and a secret whose hash names a live feed. The
//! feed is read as its owner, in one read-only transaction, and shows what
//! they could read through the API at that moment.
//!
//! An unknown, malformed or revoked token, and an owner who is gone, are all
//! 404, and each counts as a failed authentication of the source address (as
//! at `/oauth/token`): a source that guesses is refused with 429 before its
//! next guess is looked up. A live feed costs its owner's feed budget
//! [`FEED_POINTS`] and takes a share of the database like any request.

use std::net::SocketAddr;

use axum::extract::{ConnectInfo, Path, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use sha2::{Digest, Sha256};

use super::AppState;
use crate::auth::feeds::FeedToken;
use crate::auth::{Identity, Principal, TenantRef};
use crate::domain::AppError;
use crate::domain::calendar::Feed;
use crate::service::calendar as service;
use crate::store::{Access, Store};

/// What one fetch of a feed costs, in rate-limit points: about a query with
/// a few lists, so a client that polls every minute stays well inside a
/// person's budget and a leaked URL hammered in a loop does not.
pub const FEED_POINTS: u64 = 25;

pub async fn feed(
    State(state): State<AppState>,
    peer: Option<axum::Extension<ConnectInfo<SocketAddr>>>,
    Path(file): Path<String>,
    headers: HeaderMap,
) -> Response {
    let source = peer.map(|peer| peer.0.0.ip());
    state.rate_limiter.guarding_secrets(source, StatusCode::NOT_FOUND, too_many, answer(&state, &file, &headers)).await
}

async fn answer(state: &AppState, file: &str, headers: &HeaderMap) -> Response {
    let Some(token) = file.strip_suffix(".ics").and_then(FeedToken::parse) else { return not_found() };
    let principal = Principal { tenant: TenantRef::Id(token.tenant()), identity: Identity::CalendarFeed(token.hash()) };
    if let Some(decision) = state.rate_limiter.charge(&principal, FEED_POINTS).await
        && decision.throttled
    {
        return too_many(decision.reset_secs);
    }
    let _admitted = match state.admission.admit(&principal).await {
        Ok(admitted) => admitted,
        Err(_) => return unavailable(),
    };
    let read = async {
        let store =
            Store::begin(&state.db, &principal, Access::Read, state.clock.clone(), state.request_timeout).await?;
        let content = service::feed(&store).await;
        store.rollback().await;
        content
    };
    let content = match tokio::time::timeout(state.request_timeout, read).await {
        Ok(Ok(content)) => content,
        Ok(Err(AppError::Unauthenticated(_) | AppError::NotFound(_) | AppError::Forbidden(_))) => return not_found(),
        Ok(Err(AppError::Busy | AppError::Unavailable)) | Err(_) => return unavailable(),
        Ok(Err(error)) => {
            tracing::error!(error = %error, "building a calendar feed failed");
            return (StatusCode::INTERNAL_SERVER_ERROR, "the feed could not be built\n").into_response();
        }
    };
    let mut entries = content.entries;
    if let Some(links) = &state.calendar_links {
        for entry in &mut entries {
            entry.link = links.link(&entry.subject);
        }
    }
    let body = Feed { owner: &content.owner, locale: content.locale, entries: &entries }.render();
    // The same feed is the same bytes (stamps come from the data, not the
    // clock): a client that asks again with its ETag gets 304 and no body.
    let etag = format!("\"{}\"", &hex::encode(Sha256::digest(body.as_bytes()))[..32]);
    let unchanged = headers
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|tags| tags.split(',').any(|tag| tag.trim().trim_start_matches("W/") == etag));
    let mut response = if unchanged {
        StatusCode::NOT_MODIFIED.into_response()
    } else {
        (StatusCode::OK, [(header::CONTENT_TYPE, HeaderValue::from_static("text/calendar; charset=utf-8"))], body)
            .into_response()
    };
    let headers = response.headers_mut();
    if let Ok(etag) = HeaderValue::from_str(&etag) {
        headers.insert(header::ETAG, etag);
    }
    // Personal: no shared cache keeps it, and the secret URL is not passed
    // on as a referrer or indexed.
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("private, no-cache"));
    headers.insert(header::REFERRER_POLICY, HeaderValue::from_static("no-referrer"));
    headers.insert("x-robots-tag", HeaderValue::from_static("noindex"));
    response
}

fn not_found() -> Response {
    (StatusCode::NOT_FOUND, [(header::CACHE_CONTROL, "no-store")], "no such calendar feed\n").into_response()
}

/// 503 with a short wait: the database is busy or away.
pub(super) fn unavailable() -> Response {
    let mut response = (StatusCode::SERVICE_UNAVAILABLE, "busy; try again shortly\n").into_response();
    response.headers_mut().insert(header::RETRY_AFTER, HeaderValue::from(5u32));
    response
}

/// 429 with when to come back: a budget or the source's guesses ran out.
pub(super) fn too_many(retry_after_secs: u64) -> Response {
    let mut response = (StatusCode::TOO_MANY_REQUESTS, "too many requests; retry later\n").into_response();
    response.headers_mut().insert(header::RETRY_AFTER, HeaderValue::from(retry_after_secs));
    response
}
