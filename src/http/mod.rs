//! HTTP: the axum router and its middleware. `POST /graphql` (JSON only),
//! `GET /graphql` (GraphiQL, development only), `GET /healthz` (alive) and
//! `GET /readyz` (database reachable). Every response carries `x-request-id`.

mod graphql;

use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::extract::{DefaultBodyLimit, State};
use axum::http::{HeaderName, StatusCode};
use axum::response::IntoResponse;
use axum::routing::get;
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::trace::{DefaultOnResponse, TraceLayer};

use crate::auth::Verifier;
use crate::clock::Clock;
use crate::graphql::AppSchema;
use crate::store::Db;

/// Largest request body accepted: far above any real query with variables.
const MAX_BODY_BYTES: usize = 256 * 1024;

/// Everything a request handler needs; cheap to clone.
#[derive(Clone)]
pub struct AppState {
    pub schema: AppSchema,
    pub db: Db,
    pub verifier: Arc<Verifier>,
    pub clock: Arc<dyn Clock>,
    pub production: bool,
    pub request_timeout: Duration,
}

static REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");

pub fn router(state: AppState) -> Router {
    let graphql_route = if state.production {
        axum::routing::post(graphql::post)
    } else {
        axum::routing::post(graphql::post).get(graphql::graphiql)
    };
    Router::new()
        .route("/graphql", graphql_route)
        .route("/healthz", get(healthz))
        .route("/readyz", get(readyz))
        .layer(DefaultBodyLimit::max(MAX_BODY_BYTES))
        .layer(PropagateRequestIdLayer::new(REQUEST_ID.clone()))
        .layer(
            // Spans carry method, path and request id; headers (and so tokens)
            // are never recorded.
            TraceLayer::new_for_http()
                .make_span_with(|request: &axum::http::Request<_>| {
                    let request_id = request.headers().get(&REQUEST_ID).and_then(|v| v.to_str().ok()).unwrap_or("-");
                    tracing::info_span!("request", method = %request.method(), path = %request.uri().path(), request_id)
                })
                .on_response(DefaultOnResponse::new().level(tracing::Level::INFO)),
        )
        .layer(SetRequestIdLayer::new(REQUEST_ID.clone(), MakeRequestUuid))
        .with_state(state)
}

async fn healthz() -> &'static str {
    "ok"
}

async fn readyz(State(state): State<AppState>) -> impl IntoResponse {
    if state.db.ping().await {
        (StatusCode::OK, "ready")
    } else {
        (StatusCode::SERVICE_UNAVAILABLE, "database unreachable")
    }
}
