//! HTTP: the axum router and its middleware. `POST /graphql` (JSON only),
//! `GET /graphql` (a WebSocket upgrade for subscriptions, see
//! [`subscriptions`]; otherwise GraphiQL, development only; a plain GET never
//! executes an operation), `POST /oauth/token` (API clients' tokens),
//! `GET /calendar/<token>.ics` (a person's calendar feed, see [`calendar`]),
//! `GET`/`POST /mail/unsubscribe/<token>` (a mail's one-click unsubscribe, see
//! [`unsubscribe`]), `GET /networks/<id>/archive` (a network's archive as JSON
//! Lines, see [`archive`]),
//! `GET /healthz` (alive), `GET /readyz` (database reachable) and
//! `GET /metrics` (Prometheus). Every response carries `x-request-id` and the
//! security headers; browsers may call from the configured CORS origins only.

pub mod admission;
mod archive;
mod calendar;
mod documents;
mod graphiql;
mod graphql;
mod identity;
pub mod metrics;
mod oauth;
mod observe;
pub mod persisted;
pub mod rate_limit;
pub mod serve;
pub mod subscriptions;
mod unsubscribe;

use std::sync::Arc;
use std::time::Duration;

use anyhow::{Context, bail};
use axum::Router;
use axum::extract::ws::WebSocketUpgrade;
use axum::extract::ws::rejection::WebSocketUpgradeRejection;
use axum::extract::{DefaultBodyLimit, State};
use axum::http::{HeaderName, HeaderValue, Method, StatusCode, header};
use axum::response::IntoResponse;
use axum::routing::get;
use tower_http::cors::{AllowOrigin, CorsLayer};
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, RequestId, SetRequestIdLayer};
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::trace::{DefaultOnResponse, TraceLayer};

use crate::auth::{AuthError, Minter, Principal, Verifier};
use crate::clock::Clock;
use crate::graphql::AppSchema;
use crate::store::Db;
pub use admission::{Admission, ConcurrencyLimits};
pub use metrics::Metrics;
pub use rate_limit::{RateLimiter, RateLimits};
pub use serve::{ConnectionLimits, serve};

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
    pub metrics: Arc<Metrics>,
    /// The rate limits' budgets and counters.
    pub rate_limiter: Arc<RateLimiter>,
    /// Each tenant's and person's share of the database pool.
    pub admission: Arc<Admission>,
    /// Principals the database named lately (see [`identity`]).
    pub known_principals: Arc<identity::KnownPrincipals>,
    /// Automatic persisted queries, and the trusted documents when configured.
    pub persisted: Arc<persisted::PersistedDocuments>,
    /// Parsed documents by query text.
    pub documents: Arc<documents::Documents>,
    /// Signs API clients' tokens at `/oauth/token`; none without an HS256 secret.
    pub minter: Option<Arc<Minter>>,
    /// How long a WebSocket may take to send `connection_init`.
    pub ws_init_timeout: Duration,
    /// How often an open WebSocket is pinged; zero: never.
    pub ws_keepalive: Duration,
    /// Turns true when the server begins to shut down: open WebSockets close.
    pub shutdown: tokio::sync::watch::Receiver<bool>,
    /// Held by every open WebSocket, so shutdown can wait for them to close.
    pub open_sockets: tokio::sync::mpsc::Sender<()>,
    /// Where calendar feeds and their items are reached from outside.
    pub calendar_links: Option<crate::graphql::CalendarLinks>,
}

impl AppState {
    /// The deployment's query limits, kept in the schema.
    pub fn query_limits(&self) -> crate::graphql::limits::QueryLimits {
        self.schema.data::<crate::graphql::limits::QueryLimits>().copied().unwrap_or_default()
    }
}

/// Verifies an `Authorization` header value into a principal: the one way in
/// for POST and for WebSocket `connection_init` alike.
pub async fn authenticate(state: &AppState, authorization: Option<&str>) -> Result<Principal, AuthError> {
    state.verifier.verify_header(authorization).await
}

static REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");

/// What a response may do in a browser: API responses load nothing and are
/// never framed.
static API_CSP: HeaderValue = HeaderValue::from_static("default-src 'none'; frame-ancestors 'none'");

/// The router. `cors_origins` are the browser origins allowed to call the API
/// (`EENDRACHT_CORS_ORIGINS`); an invalid one, or a wildcard, is refused here,
/// so a misconfigured server does not start.
pub fn router(state: AppState, cors_origins: &[String]) -> anyhow::Result<Router> {
    // A plain GET never executes an operation: it only serves GraphiQL in
    // development, and in production it is refused (405), so a link or an
    // <img> cannot run a mutation. A WebSocket upgrade carries subscriptions
    // only, authenticated by the token in its first message, never a cookie.
    let graphql_route = axum::routing::post(graphql::post).get(graphql_get);
    let graphql = Router::new()
        .route("/graphql", graphql_route)
        .layer(axum::middleware::from_fn_with_state(state.clone(), observe::observe))
        .layer(axum::middleware::from_fn(graphql::negotiate))
        // Answers may hold personal data: no cache keeps them.
        .layer(SetResponseHeaderLayer::overriding(header::CACHE_CONTROL, HeaderValue::from_static("no-store")));
    let mut app = Router::new().merge(graphql);
    if !state.production {
        // GraphiQL's files, from the binary (development only).
        app = app.route("/graphiql/{file}", get(graphiql::asset));
    }
    Ok(app
        .route("/oauth/token", axum::routing::post(oauth::token))
        .route("/calendar/{file}", get(calendar::feed))
        .route("/mail/unsubscribe/{token}", get(unsubscribe::show).post(unsubscribe::unsubscribe))
        .route("/networks/{id}/archive", get(archive::archive))
        .route("/healthz", get(healthz))
        .route("/readyz", get(readyz))
        .route("/metrics", get(metrics::metrics))
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
                // GraphQL requests get their one INFO line from `observe`.
                .on_response(DefaultOnResponse::new().level(tracing::Level::DEBUG)),
        )
        .layer(SetRequestIdLayer::new(REQUEST_ID.clone(), MakeRequestUuid))
        .layer(cors(cors_origins, state.production)?)
        .layer(SetResponseHeaderLayer::if_not_present(
            header::X_CONTENT_TYPE_OPTIONS,
            HeaderValue::from_static("nosniff"),
        ))
        .layer(SetResponseHeaderLayer::if_not_present(header::REFERRER_POLICY, HeaderValue::from_static("no-referrer")))
        .layer(SetResponseHeaderLayer::if_not_present(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY")))
        .layer(SetResponseHeaderLayer::if_not_present(header::CONTENT_SECURITY_POLICY, API_CSP.clone()))
        .with_state(state))
}

/// The front-end dev servers a developer starts first (Vite, then Next.js and
/// Create React App), allowed in development when no origins are configured.
const DEV_ORIGINS: [&str; 4] =
    ["http://localhost:5173", "http://127.0.0.1:5173", "http://localhost:3000", "http://127.0.0.1:3000"];

/// Exactly the configured origins, no wildcard and no credentials (tokens are
/// bearer tokens, not cookies). Without origins no browser may call in
/// production; in development the local dev servers' origins may, so a
/// front-end works in its first five minutes.
fn cors(origins: &[String], production: bool) -> anyhow::Result<CorsLayer> {
    let mut origins: Vec<&str> = origins.iter().map(|o| o.trim()).filter(|o| !o.is_empty()).collect();
    if origins.is_empty() && !production {
        tracing::info!(
            origins = %DEV_ORIGINS.join(","),
            "CORS allows the local dev servers: development, and EENDRACHT_CORS_ORIGINS is unset"
        );
        origins = DEV_ORIGINS.to_vec();
    }
    let mut allowed = Vec::with_capacity(origins.len());
    for origin in origins {
        if origin == "*" || !(origin.starts_with("https://") || origin.starts_with("http://")) {
            bail!("EENDRACHT_CORS_ORIGINS: {origin:?} is not an origin like https://app.example.org (no wildcards)");
        }
        allowed.push(
            HeaderValue::from_str(origin.trim_end_matches('/'))
                .with_context(|| format!("EENDRACHT_CORS_ORIGINS: {origin:?} is not a valid origin"))?,
        );
    }
    Ok(CorsLayer::new()
        .allow_origin(AllowOrigin::list(allowed))
        .allow_methods([Method::GET, Method::POST])
        .allow_headers([header::AUTHORIZATION, header::CONTENT_TYPE, header::ACCEPT_LANGUAGE])
        .expose_headers([
            REQUEST_ID.clone(),
            header::RETRY_AFTER,
            HeaderName::from_static("ratelimit-limit"),
            HeaderName::from_static("ratelimit-remaining"),
            HeaderName::from_static("ratelimit-reset"),
        ])
        .max_age(Duration::from_secs(600)))
}

/// `GET /graphql`: a WebSocket upgrade for subscriptions; otherwise
/// GraphiQL in development and 405 in production.
async fn graphql_get(
    State(state): State<AppState>,
    request_id: Option<axum::Extension<RequestId>>,
    peer: Option<axum::Extension<axum::extract::ConnectInfo<std::net::SocketAddr>>>,
    upgrade: Result<WebSocketUpgrade, WebSocketUpgradeRejection>,
) -> axum::response::Response {
    match upgrade {
        Ok(upgrade) => {
            let request_id =
                request_id.and_then(|id| id.0.header_value().to_str().ok().map(str::to_owned)).unwrap_or_default();
            subscriptions::upgrade(state, upgrade, request_id, peer.map(|peer| peer.0.0.ip()))
        }
        Err(_) if state.production => {
            (StatusCode::METHOD_NOT_ALLOWED, [(header::ALLOW, HeaderValue::from_static("POST"))]).into_response()
        }
        Err(_) => graphiql::page().await.into_response(),
    }
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
