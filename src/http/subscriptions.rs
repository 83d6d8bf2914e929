//! Subscriptions over WebSocket at the GraphQL path (`GET /graphql` with an
//! upgrade), speaking graphql-transport-ws, the protocol of the `graphql-ws`
//! client (<https://github.com/enisdenjo/graphql-ws/blob/master/PROTOCOL.md>).
//!
//! The protocol is implemented here rather than by async-graphql's
//! `WebSocket`, which closes with other codes than the protocol prescribes
//! (1002 for a refused `connection_init` and for a bad message, 1011 for a
//! subscribe before the handshake), replaces a subscription whose id is taken
//! instead of refusing it, and has no initialisation timeout.
//!
//! Close codes: 4400 a message that is not one of the protocol's; 4401 a
//! missing or invalid token, or `subscribe` before `connection_ack`; 4403 a
//! valid token for a tenant or person this deployment does not know; 4406 a
//! subprotocol other than `graphql-transport-ws`; 4408 no `connection_init`
//! within `EENDRACHT_WS_INIT_TIMEOUT`; 4409 a subscription id in use; 4429 a
//! second `connection_init`; 1001 the server is shutting down.
//!
//! The token travels in `connection_init`'s payload (`Authorization: Bearer
//! …`, also `authorization` or `token`), never in the URL. Each `subscribe`
//! passes the same limits as a POST (length, variables, aliases, directives,
//! then validation and its cost), is charged to the rate limits
//! like one (its estimated cost, once, when it starts) and must be a subscription:
//! queries and mutations go over POST, where each runs in its own transaction.

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::Arc;
use std::time::Duration;

use async_graphql::parser::types::OperationType;
use async_graphql::{Data, Request, Response, ServerError};
use axum::extract::ws::{CloseFrame, Message, Utf8Bytes, WebSocket, WebSocketUpgrade};
use futures_util::{SinkExt, StreamExt};
use serde::Deserialize;
use serde_json::{Value, json};
use tokio::sync::mpsc;
use tokio::task::JoinHandle;

use super::AppState;
use crate::auth::Principal;
use crate::domain::AppError;
use crate::graphql::subscription::{ItemStore, Session};
use crate::graphql::{error, operation};

/// The subprotocol spoken.
pub const PROTOCOL: &str = "graphql-transport-ws";

/// Subscriptions one connection may hold at once; a client that wants more
/// opens another connection (and is counted by the rate limits there).
pub const MAX_SUBSCRIPTIONS_PER_CONNECTION: usize = 20;

/// Frames waiting to be written before a subscription waits for the socket.
const OUTBOX: usize = 64;

/// Answers the upgrade; the connection then runs in its own task.
pub fn upgrade(
    state: AppState,
    upgrade: WebSocketUpgrade,
    request_id: String,
    source: Option<IpAddr>,
) -> axum::response::Response {
    upgrade.protocols([PROTOCOL]).on_upgrade(move |socket| async move {
        let _open = state.open_sockets.clone();
        Connection::new(state, request_id, source).run(socket).await;
    })
}

/// How a connection ends: the close code and reason sent to the client.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Close(u16, &'static str);

impl Close {
    const BAD_MESSAGE: Close = Close(4400, "Invalid message received");
    const UNAUTHORIZED: Close = Close(4401, "Unauthorized");
    const FORBIDDEN: Close = Close(4403, "Forbidden");
    const SUBPROTOCOL: Close = Close(4406, "Subprotocol not acceptable");
    const INIT_TIMEOUT: Close = Close(4408, "Connection initialisation timeout");
    const TOO_MANY_INITS: Close = Close(4429, "Too many initialisation requests");
    const TOO_MANY_FAILURES: Close = Close(4429, "Too many failed authentications; try again later");
    const GOING_AWAY: Close = Close(1001, "The server is shutting down");
    const INTERNAL: Close = Close(1011, "Internal error");
}

/// What a client sends.
#[derive(Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
enum ClientMessage {
    ConnectionInit {
        #[serde(default)]
        payload: Option<Value>,
    },
    Ping {},
    Pong {},
    Subscribe {
        id: String,
        payload: SubscribePayload,
    },
    Complete {
        id: String,
    },
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct SubscribePayload {
    #[serde(default)]
    query: String,
    #[serde(default)]
    operation_name: Option<String>,
    #[serde(default)]
    variables: Option<Value>,
    /// `persistedQuery` for a hash instead of the text.
    #[serde(default)]
    extensions: Option<async_graphql::Extensions>,
}

/// What a subscription task tells the connection.
enum Out {
    /// A protocol message to send.
    Send(String),
    /// The subscription ended by itself (after its `complete` or `error`).
    Done(String),
}

struct Connection {
    state: AppState,
    request_id: String,
    /// The client's address: its failed authentications count against it.
    source: Option<IpAddr>,
    /// Set by the acknowledged `connection_init`: the subscriber and the
    /// data their subscriptions run with.
    session: Option<(Principal, Arc<Data>)>,
    init_received: bool,
    subscriptions: HashMap<String, JoinHandle<()>>,
    outbox: mpsc::Sender<Out>,
    inbox: mpsc::Receiver<Out>,
}

impl Connection {
    fn new(state: AppState, request_id: String, source: Option<IpAddr>) -> Self {
        let (outbox, inbox) = mpsc::channel(OUTBOX);
        Self {
            state,
            request_id,
            source,
            session: None,
            init_received: false,
            subscriptions: HashMap::new(),
            outbox,
            inbox,
        }
    }

    async fn run(mut self, mut socket: WebSocket) {
        let close = if socket.protocol().and_then(|p| p.to_str().ok()) == Some(PROTOCOL) {
            self.serve(&mut socket).await
        } else {
            Some(Close::SUBPROTOCOL)
        };
        for (_, task) in self.subscriptions.drain() {
            task.abort();
        }
        if let Some(Close(code, reason)) = close {
            tracing::debug!(code, reason, request_id = %self.request_id, "closing a WebSocket");
            let frame = CloseFrame { code, reason: Utf8Bytes::from_static(reason) };
            let _ = socket.send(Message::Close(Some(frame))).await;
        }
        let _ = socket.close().await;
    }

    /// Serves until the connection must close (with the code to send) or the
    /// client went away (`None`).
    async fn serve(&mut self, socket: &mut WebSocket) -> Option<Close> {
        let mut shutdown = self.state.shutdown.clone();
        let init_deadline = tokio::time::sleep(self.state.ws_init_timeout);
        tokio::pin!(init_deadline);
        let pinging = !self.state.ws_keepalive.is_zero();
        let period = if pinging { self.state.ws_keepalive } else { Duration::from_secs(3600) };
        let mut keepalive = tokio::time::interval_at(tokio::time::Instant::now() + period, period);
        loop {
            tokio::select! {
                incoming = socket.next() => {
                    let message = match incoming {
                        Some(Ok(message)) => message,
                        Some(Err(_)) | None => return None,
                    };
                    let text = match message {
                        Message::Text(text) => text,
                        Message::Close(_) => return None,
                        Message::Ping(_) | Message::Pong(_) => continue,
                        Message::Binary(_) => return Some(Close::BAD_MESSAGE),
                    };
                    let Ok(message) = serde_json::from_str::<ClientMessage>(text.as_str()) else {
                        return Some(Close::BAD_MESSAGE);
                    };
                    if let Err(close) = self.handle(socket, message).await {
                        return Some(close);
                    }
                }
                Some(out) = self.inbox.recv() => match out {
                    Out::Send(text) => {
                        if socket.send(Message::Text(text.into())).await.is_err() {
                            return None;
                        }
                    }
                    Out::Done(id) => {
                        self.subscriptions.remove(&id);
                    }
                },
                () = &mut init_deadline, if !self.init_received => return Some(Close::INIT_TIMEOUT),
                _ = keepalive.tick(), if pinging => {
                    if socket.send(Message::Ping(Default::default())).await.is_err() {
                        return None;
                    }
                }
                () = going_away(&mut shutdown) => return Some(Close::GOING_AWAY),
            }
        }
    }

    async fn handle(&mut self, socket: &mut WebSocket, message: ClientMessage) -> Result<(), Close> {
        match message {
            ClientMessage::ConnectionInit { payload } => {
                if std::mem::replace(&mut self.init_received, true) {
                    return Err(Close::TOO_MANY_INITS);
                }
                // Within a request's deadline: a partner's key set may have to
                // be fetched first, and its server may be slow.
                let init = self.init(payload.unwrap_or(Value::Null));
                let (principal, session) =
                    tokio::time::timeout(self.state.request_timeout, init).await.map_err(|_| Close::INIT_TIMEOUT)??;
                self.session = Some((principal, Arc::new(session)));
                send(socket, json!({ "type": "connection_ack" })).await
            }
            ClientMessage::Ping { .. } => send(socket, json!({ "type": "pong" })).await,
            ClientMessage::Pong { .. } => Ok(()),
            ClientMessage::Subscribe { id, payload } => {
                let Some((principal, session)) = self.session.clone() else { return Err(Close::UNAUTHORIZED) };
                if self.subscriptions.get(&id).is_some_and(|task| !task.is_finished()) {
                    return Err(Close(4409, "Subscriber for this id already exists"));
                }
                if self.subscriptions.len() >= MAX_SUBSCRIPTIONS_PER_CONNECTION {
                    let refusal = AppError::LimitExceeded(format!(
                        "a connection may hold at most {MAX_SUBSCRIPTIONS_PER_CONNECTION} subscriptions"
                    ));
                    return send(socket, error_message(&id, &error::response_for(&refusal, &self.request_id))).await;
                }
                let request = match self.request(payload) {
                    // Charged its estimated cost once validated, as a POST is.
                    Ok(request) => request.data(self.state.rate_limiter.charger(&principal, Arc::default())),
                    Err(refusal) => {
                        return send(socket, error_message(&id, &error::response_for(&refusal, &self.request_id)))
                            .await;
                    }
                };
                let task = tokio::spawn(subscribe(
                    self.state.clone(),
                    session,
                    request,
                    id.clone(),
                    self.request_id.clone(),
                    self.outbox.clone(),
                ));
                self.subscriptions.insert(id, task);
                Ok(())
            }
            ClientMessage::Complete { id } => {
                if let Some(task) = self.subscriptions.remove(&id) {
                    task.abort();
                }
                Ok(())
            }
        }
    }

    /// Verifies the token (4401 when refused) and resolves who it names once
    /// (4403 when the tenant or person is unknown).
    async fn init(&self, payload: Value) -> Result<(Principal, Data), Close> {
        let refused = self.authenticate(payload).await;
        if let (Err(Close::UNAUTHORIZED | Close::FORBIDDEN), Some(source)) = (&refused, self.source) {
            self.state.rate_limiter.charge_failure(source).await;
        }
        refused
    }

    /// `init` without the accounting: an address that has spent its failed
    /// authentications is refused (4429) before its token is looked at.
    async fn authenticate(&self, payload: Value) -> Result<(Principal, Data), Close> {
        if let Some(source) = self.source
            && let Some(decision) = self.state.rate_limiter.peek_failures(source).await
            && decision.throttled
        {
            return Err(Close::TOO_MANY_FAILURES);
        }
        let header = authorization(&payload);
        let principal = match super::authenticate(&self.state, header.as_deref()).await {
            Ok(principal) => principal,
            Err(reason) => {
                tracing::debug!(%reason, request_id = %self.request_id, "WebSocket token refused");
                return Err(Close::UNAUTHORIZED);
            }
        };
        let session = self.session_of(principal.clone());
        match session.begin().await {
            Ok(store) => store.rollback().await,
            Err(AppError::Unauthenticated(reason)) => {
                tracing::debug!(%reason, request_id = %self.request_id, "WebSocket principal refused");
                return Err(Close::FORBIDDEN);
            }
            Err(error) => {
                tracing::warn!(code = error.code(), request_id = %self.request_id, "WebSocket initialisation failed");
                return Err(Close::INTERNAL);
            }
        }
        let mut data = Data::default();
        data.insert(session);
        Ok((principal, data))
    }

    fn session_of(&self, principal: Principal) -> Session {
        let gauge = self.state.metrics.subscriptions_active();
        Session {
            db: self.state.db.clone(),
            principal,
            clock: self.state.clock.clone(),
            statement_timeout: self.state.request_timeout,
            active: Arc::new(move |delta| gauge.add(delta)),
        }
    }

    /// The checks a POST makes before execution ([`super::documents::admit`]),
    /// and that the operation is a subscription.
    fn request(&self, payload: SubscribePayload) -> Result<Request, AppError> {
        let mut request = Request::new(payload.query);
        if let Some(name) = payload.operation_name {
            request = request.operation_name(name);
        }
        if let Some(variables) = payload.variables {
            request = request.variables(async_graphql::Variables::from_json(variables));
        }
        if let Some(extensions) = payload.extensions {
            request.extensions = extensions;
        }
        if let Some(document) = super::documents::admit(&self.state, &mut request)?
            && operation::kind(&document, request.operation_name.as_deref())
                .is_some_and(|kind| kind != OperationType::Subscription)
        {
            return Err(AppError::BadUserInput {
                field: None,
                message: "only subscriptions go over WebSocket; send queries and mutations with POST".into(),
            });
        }
        // A document that does not parse is answered by execution, with the
        // parser's message.
        Ok(request.data(ItemStore::default()))
    }
}

/// Runs one subscription: `next` for each result, then `complete`; `error`
/// instead when it is refused before it starts (validation, NOT_FOUND).
async fn subscribe(
    state: AppState,
    session: Arc<Data>,
    request: Request,
    id: String,
    request_id: String,
    outbox: mpsc::Sender<Out>,
) {
    let mut responses = state.schema.execute_stream_with_session_data(request, session);
    let mut first = true;
    let mut refused = false;
    while let Some(mut response) = responses.next().await {
        error::finish(&mut response, &request_id);
        let message = if first && response.data == async_graphql::Value::Null && !response.errors.is_empty() {
            refused = true;
            error_message(&id, &response)
        } else {
            json!({ "type": "next", "id": id, "payload": response })
        };
        first = false;
        if outbox.send(Out::Send(message.to_string())).await.is_err() || refused {
            break;
        }
    }
    if !refused {
        let _ = outbox.send(Out::Send(json!({ "type": "complete", "id": id }).to_string())).await;
    }
    let _ = outbox.send(Out::Done(id)).await;
}

/// The `error` message: the operation was refused before it ran.
fn error_message(id: &str, response: &Response) -> Value {
    let errors: &[ServerError] = &response.errors;
    json!({ "type": "error", "id": id, "payload": errors })
}

/// Resolves once the server begins to shut down (or is gone).
async fn going_away(shutdown: &mut tokio::sync::watch::Receiver<bool>) {
    let _ = shutdown.wait_for(|stopping| *stopping).await;
}

async fn send(socket: &mut WebSocket, message: Value) -> Result<(), Close> {
    // A client that went away is noticed on the next read.
    let _ = socket.send(Message::Text(message.to_string().into())).await;
    Ok(())
}

/// The `Authorization` value in a `connection_init` payload: `Authorization`
/// or `authorization` as a header value, or a bare `token`.
fn authorization(payload: &Value) -> Option<String> {
    let text = |key: &str| payload.get(key).and_then(Value::as_str).map(str::to_owned);
    text("Authorization").or_else(|| text("authorization")).or_else(|| text("token").map(|t| format!("Bearer {t}")))
}

/// Waits (at most `patience`) for the WebSockets still open after shutdown
/// began to close; each holds a clone of the sender behind `closed`.
pub async fn wait_closed(mut closed: mpsc::Receiver<()>, patience: Duration) {
    if tokio::time::timeout(patience, closed.recv()).await.is_err() {
        tracing::warn!("WebSockets still open after the shutdown notice: stopping anyway");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_token_comes_from_any_of_the_accepted_keys() {
        assert_eq!(authorization(&json!({ "Authorization": "Bearer a" })).as_deref(), Some("Bearer a"));
        assert_eq!(authorization(&json!({ "authorization": "Bearer b" })).as_deref(), Some("Bearer b"));
        assert_eq!(authorization(&json!({ "token": "c" })).as_deref(), Some("Bearer c"));
        assert_eq!(authorization(&json!(null)), None);
    }

    #[test]
    fn messages_outside_the_protocol_do_not_parse() {
        assert!(serde_json::from_str::<ClientMessage>(r#"{"type":"connection_init"}"#).is_ok());
        assert!(serde_json::from_str::<ClientMessage>(r#"{"type":"subscribe","id":"1"}"#).is_err());
        assert!(serde_json::from_str::<ClientMessage>(r#"{"type":"start","id":"1"}"#).is_err());
        assert!(serde_json::from_str::<ClientMessage>("[]").is_err());
    }
}
