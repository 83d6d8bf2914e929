//! `GET /networks/<id>/archive`: a network's archive as JSON Lines
//! (docs/archive.md), for its facilitators and the admins, with the bearer
//! token of any request. The file is written as it is read, a page at a
//! time, in one read-only transaction (one consistent moment); the
//! request holds its share of the database until the last line.

use std::convert::Infallible;
use std::net::SocketAddr;

use axum::body::{Body, Bytes};
use axum::extract::{ConnectInfo, Path, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};

use super::AppState;
use super::calendar::{too_many, unavailable};
use crate::domain::AppError;
use crate::service::archive as service;
use crate::store::{Access, Store};

/// What an archive costs, in rate-limit points: ten screens' worth; it is
/// taken now and then, not polled.
pub const ARCHIVE_POINTS: u64 = 100;

/// Lines buffered between reading and sending: what memory holds however
/// large the network.
const BUFFERED_LINES: usize = 256;

pub async fn archive(
    State(state): State<AppState>,
    peer: Option<axum::Extension<ConnectInfo<SocketAddr>>>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Response {
    let source = peer.map(|peer| peer.0.0.ip());
    let authorization = headers.get(header::AUTHORIZATION).and_then(|v| v.to_str().ok());
    let principal = match super::authenticate(&state, authorization).await {
        Ok(principal) => principal,
        Err(_) => {
            if let Some(source) = source {
                state.rate_limiter.charge_failure(source).await;
            }
            return plain(StatusCode::UNAUTHORIZED, "send a valid bearer token\n");
        }
    };
    if let Some(decision) = state.rate_limiter.charge(&principal, ARCHIVE_POINTS).await
        && decision.throttled
    {
        return too_many(decision.reset_secs);
    }
    let Ok(admitted) = state.admission.admit(&principal).await else { return unavailable() };
    let Some(network_id) = crate::graphql::network_id(&id) else { return not_found() };
    let store =
        match Store::begin(&state.db, &principal, Access::Read, state.clock.clone(), state.request_timeout).await {
            Ok(store) => store,
            Err(AppError::Unauthenticated(_)) => return plain(StatusCode::UNAUTHORIZED, "unknown person\n"),
            Err(_) => return unavailable(),
        };
    let network = match service::archivable(&store, network_id).await {
        Ok(network) => network,
        Err(error) => {
            store.rollback().await;
            return match error {
                AppError::NotFound(_) => not_found(),
                AppError::Forbidden(reason) => plain(StatusCode::FORBIDDEN, &format!("{reason}\n")),
                _ => unavailable(),
            };
        }
    };
    let (lines, receiver) = tokio::sync::mpsc::channel(BUFFERED_LINES);
    tokio::spawn(async move {
        let _admitted = admitted;
        // A failure midway leaves the file without its end line: a reader
        // knows it is incomplete.
        if let Err(error) = service::write(&store, &network, &lines, |_, _, _| {}).await {
            tracing::error!(%error, network = %network.id, "writing an archive failed");
        }
        store.rollback().await;
    });
    let body = futures_util::stream::unfold(receiver, |mut receiver| async move {
        let line = receiver.recv().await?;
        Some((Ok::<_, Infallible>(Bytes::from(line + "\n")), receiver))
    });
    let mut response = Response::new(Body::from_stream(body));
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static("application/jsonl; charset=utf-8"));
    if let Ok(disposition) = HeaderValue::from_str(&format!("attachment; filename=\"network-{network_id}.jsonl\"")) {
        headers.insert(header::CONTENT_DISPOSITION, disposition);
    }
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

fn plain(status: StatusCode, text: &str) -> Response {
    (status, [(header::CACHE_CONTROL, "no-store")], text.to_owned()).into_response()
}

fn not_found() -> Response {
    plain(StatusCode::NOT_FOUND, "no such network\n")
}
