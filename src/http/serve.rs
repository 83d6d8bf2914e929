//! The server's own accept loop, in place of `axum::serve`, which has no
//! per-connection timeouts, no connection cap and a shutdown that drops what
//! waits in the listen backlog.
//!
//! - A connection has [`ConnectionLimits::header_timeout`] from its opening
//!   to send its first request head, and as long from the first byte of each
//!   later head; between requests a keep-alive connection waits at most
//!   [`ConnectionLimits::idle_timeout`] for that first byte. Either way a late
//!   connection is closed.
//! - A request body has [`ConnectionLimits::body_timeout`] from its head to
//!   arrive whole (not per chunk: a client trickling a byte now and then is cut
//!   off too); a late one is answered 408 and its connection closed.
//! - At most [`ConnectionLimits::max_connections`] are open at once, WebSockets
//!   included. At the cap the loop stops accepting: new connections wait in the
//!   kernel's listen backlog instead of using up file descriptors, so the
//!   database, health checks and open keep-alive connections go on working.
//! - On the shutdown signal it stops accepting, yet takes every connection the
//!   kernel had already accepted into the backlog and serves it; responses from
//!   then on carry `Connection: close`. Connections between requests close at
//!   once; the rest finish their request (or miss their deadline) and close;
//!   whatever is left at the drain deadline is cut off.
//!
//! HTTP/1.1 only, as before (`hyper_util`'s automatic HTTP/2 detection reads the
//! first bytes with no timer at all); upgrades (WebSockets) work, and handlers
//! can extract `ConnectInfo<SocketAddr>`.

use std::convert::Infallible;
use std::future::Future;
use std::io;
use std::net::SocketAddr;
use std::pin::{Pin, pin};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::task::{Context, Poll, ready};
use std::time::{Duration, Instant};

use anyhow::bail;
use axum::Router;
use axum::body::Body;
use axum::extract::ConnectInfo;
use axum::http::{HeaderValue, Request, Response, StatusCode, header};
use hyper::body::{Bytes, Frame, Incoming, SizeHint};
use hyper::server::conn::http1;
use hyper_util::rt::{TokioIo, TokioTimer};
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{OwnedSemaphorePermit, Semaphore, watch};
use tokio::task::JoinSet;
use tower::ServiceExt;

/// File descriptors kept free for everything but client connections: the
/// database pool (up to three files per SQLite connection), the PostgreSQL
/// event listener, Redis, webhook deliveries, JWKS fetches, logs.
const RESERVED_FILES: u64 = 128;

/// The open-file limit assumed where the process cannot read its own (the
/// usual soft limit).
const ASSUMED_OPEN_FILES: u64 = 1024;

/// How often, at most, the loop says that it has reached the cap.
const CAP_WARNING_INTERVAL: Duration = Duration::from_secs(60);

/// How long the loop waits after a failed `accept` that is not about one
/// connection (for instance no file descriptor left), rather than spin.
const ACCEPT_ERROR_PAUSE: Duration = Duration::from_secs(1);

/// The per-connection bounds of the server.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ConnectionLimits {
    /// How long a request head may take: from the connection's opening for
    /// its first request, from the head's first byte for later ones.
    pub header_timeout: Duration,
    /// How long a request body may take to arrive whole, from its head.
    pub body_timeout: Duration,
    /// How long a keep-alive connection may wait for its next request.
    pub idle_timeout: Duration,
    /// Most connections open at once.
    pub max_connections: usize,
}

impl ConnectionLimits {
    /// The limits as configured; without `max_connections`, the process's
    /// open-file limit less [`RESERVED_FILES`] (see [`default_max_connections`]).
    pub fn new(
        header_timeout: Duration,
        body_timeout: Duration,
        idle_timeout: Duration,
        max_connections: Option<usize>,
    ) -> anyhow::Result<Self> {
        for (name, timeout) in [
            ("EENDRACHT_HEADER_TIMEOUT", header_timeout),
            ("EENDRACHT_BODY_TIMEOUT", body_timeout),
            ("EENDRACHT_IDLE_TIMEOUT", idle_timeout),
        ] {
            if timeout.is_zero() {
                bail!("{name} must be longer than zero");
            }
        }
        let open_files = open_file_limit();
        let fitting = default_max_connections(open_files);
        let max_connections = match max_connections {
            Some(0) => bail!("EENDRACHT_MAX_CONNECTIONS must be at least 1"),
            Some(configured) => {
                if configured > fitting {
                    tracing::warn!(
                        configured,
                        open_files = open_files.unwrap_or(ASSUMED_OPEN_FILES),
                        "EENDRACHT_MAX_CONNECTIONS leaves fewer than {RESERVED_FILES} file descriptors \
                         for the database and the rest: raise the open-file limit or lower the cap"
                    );
                }
                configured.min(Semaphore::MAX_PERMITS)
            }
            None => fitting,
        };
        Ok(Self { header_timeout, body_timeout, idle_timeout, max_connections })
    }
}

/// The process's soft limit on open files, read from `/proc/self/limits`
/// (Linux) without a system call of our own; `None` where it cannot be read,
/// `u64::MAX` for "unlimited".
pub fn open_file_limit() -> Option<u64> {
    std::fs::read_to_string("/proc/self/limits").ok().as_deref().and_then(parse_open_file_limit)
}

/// The soft "Max open files" of a `/proc/<pid>/limits` text.
fn parse_open_file_limit(limits: &str) -> Option<u64> {
    let rest = limits.lines().find_map(|line| line.strip_prefix("Max open files"))?;
    match rest.split_whitespace().next()? {
        "unlimited" => Some(u64::MAX),
        soft => soft.parse().ok(),
    }
}

/// Connections that fit under an open-file limit: all but [`RESERVED_FILES`]
/// of it, and at least half of a small one.
pub fn default_max_connections(open_files: Option<u64>) -> usize {
    let open_files = open_files.unwrap_or(ASSUMED_OPEN_FILES);
    let fitting = open_files.saturating_sub(RESERVED_FILES).max(open_files / 2).max(1);
    usize::try_from(fitting).unwrap_or(usize::MAX).min(Semaphore::MAX_PERMITS)
}

/// How a shutdown went.
#[derive(Debug, Clone, Copy)]
pub struct Drained {
    /// When the shutdown signal came; later steps of the shutdown count from here.
    pub signalled_at: Instant,
    /// Whether every connection ended before the drain deadline (or some were cut off).
    pub complete: bool,
}

/// Serves `router` on `listener` until `shutdown` completes, then drains for
/// at most `drain` (see the module's description).
pub async fn serve(
    listener: TcpListener,
    router: Router,
    limits: ConnectionLimits,
    shutdown: impl Future<Output = ()>,
    drain: Duration,
) -> anyhow::Result<Drained> {
    let permits = Arc::new(Semaphore::new(limits.max_connections));
    let (draining_tx, draining) = watch::channel(false);
    let mut http = http1::Builder::new();
    // The value is hyper's; each connection's `HeadTimer` decides the deadline.
    http.header_read_timeout(limits.header_timeout);
    let shared = Arc::new(Shared { router, limits, draining, http });
    let mut connections = JoinSet::new();
    let mut cap_warned: Option<Instant> = None;
    let mut shutdown = pin!(shutdown);
    loop {
        tokio::select! {
            biased;
            () = &mut shutdown => break,
            Some(ended) = connections.join_next(), if !connections.is_empty() => report(ended),
            accepted = accept(&listener, &permits, &mut cap_warned) => {
                if let Some((stream, peer, permit)) = accepted {
                    connections.spawn(connection(shared.clone(), stream, peer, permit));
                }
            }
        }
    }

    let signalled_at = Instant::now();
    let deadline = signalled_at + drain;
    let _ = draining_tx.send(true);
    let taken = take_backlog(listener, &permits, &shared, &mut connections, deadline).await;
    if taken > 0 {
        tracing::info!(connections = taken, "took the connections waiting at shutdown");
    }
    let complete = loop {
        if connections.is_empty() {
            break true;
        }
        tokio::select! {
            Some(ended) = connections.join_next() => report(ended),
            () = tokio::time::sleep_until(deadline.into()) => break false,
        }
    };
    if !complete {
        tracing::warn!(
            connections = connections.len(),
            timeout = ?drain,
            "connections still open at the drain deadline: closing them"
        );
        connections.shutdown().await;
    }
    Ok(Drained { signalled_at, complete })
}

/// What every connection shares.
struct Shared {
    router: Router,
    limits: ConnectionLimits,
    /// Turns true on the shutdown signal.
    draining: watch::Receiver<bool>,
    /// Configured once; each connection sets its own timer on a copy.
    http: http1::Builder,
}

/// A permit, then a connection. `None` for a connection that failed on the
/// way in; after a failure of the listener itself (no file descriptor left,
/// say) it pauses first, rather than spin.
async fn accept(
    listener: &TcpListener,
    permits: &Arc<Semaphore>,
    cap_warned: &mut Option<Instant>,
) -> Option<(TcpStream, SocketAddr, OwnedSemaphorePermit)> {
    if permits.available_permits() == 0 && cap_warned.is_none_or(|at| at.elapsed() >= CAP_WARNING_INTERVAL) {
        *cap_warned = Some(Instant::now());
        tracing::warn!("the connection cap is reached: new connections wait until open ones close");
    }
    // The semaphore is never closed.
    let permit = permits.clone().acquire_owned().await.ok()?;
    match listener.accept().await {
        Ok((stream, peer)) => Some((stream, peer, permit)),
        Err(error) if is_connection_error(&error) => None,
        Err(error) => {
            tracing::error!(%error, "accepting a connection failed");
            tokio::time::sleep(ACCEPT_ERROR_PAUSE).await;
            None
        }
    }
}

/// After the signal: takes what the kernel has already accepted, until the
/// backlog is empty (or the deadline comes), then closes the listener, so a
/// client is either served or refused, never reset.
///
/// It accepts on the standard listener, which asks the kernel directly:
/// tokio's listener answers from the readiness it last heard of and could
/// report an empty backlog that is not.
async fn take_backlog(
    listener: TcpListener,
    permits: &Arc<Semaphore>,
    shared: &Arc<Shared>,
    connections: &mut JoinSet<()>,
    deadline: Instant,
) -> usize {
    let listener = match listener.into_std() {
        Ok(listener) => listener,
        Err(error) => {
            tracing::warn!(%error, "taking the connections waiting at shutdown failed");
            return 0;
        }
    };
    let mut taken = 0;
    loop {
        let permit = tokio::select! {
            permit = permits.clone().acquire_owned() => match permit {
                Ok(permit) => permit,
                Err(_) => break,
            },
            () = tokio::time::sleep_until(deadline.into()) => break,
        };
        match listener.accept() {
            Ok((stream, peer)) => {
                let stream = stream.set_nonblocking(true).and_then(|()| TcpStream::from_std(stream));
                match stream {
                    Ok(stream) => {
                        taken += 1;
                        connections.spawn(connection(shared.clone(), stream, peer, permit));
                    }
                    Err(error) => tracing::debug!(%error, "a connection waiting at shutdown failed"),
                }
            }
            Err(error) if error.kind() == io::ErrorKind::WouldBlock => break,
            Err(error) if is_connection_error(&error) => {}
            Err(error) => {
                tracing::warn!(%error, "taking the connections waiting at shutdown failed");
                break;
            }
        }
    }
    taken
}

fn is_connection_error(error: &io::Error) -> bool {
    matches!(
        error.kind(),
        io::ErrorKind::ConnectionRefused | io::ErrorKind::ConnectionAborted | io::ErrorKind::ConnectionReset
    )
}

fn report(ended: Result<(), tokio::task::JoinError>) {
    if let Err(error) = ended
        && error.is_panic()
    {
        tracing::error!(%error, "a connection's task panicked");
    }
}

/// Serves one connection until it closes, is upgraded, or misses a deadline.
async fn connection(shared: Arc<Shared>, stream: TcpStream, peer: SocketAddr, permit: OwnedSemaphorePermit) {
    let clock = Arc::new(HeadClock::new(&shared.limits, shared.draining.clone()));
    // The permit travels with the socket, so an upgraded connection (a
    // WebSocket) holds it until the socket itself closes.
    let io = TokioIo::new(Tracked { stream, clock: clock.clone(), _permit: permit });
    let mut http = shared.http.clone();
    http.timer(HeadTimer(clock));
    let service = {
        let shared = shared.clone();
        hyper::service::service_fn(move |request| handle(shared.clone(), peer, request))
    };
    let mut conn = pin!(http.serve_connection(io, service).with_upgrades());
    let mut draining = shared.draining.clone();
    loop {
        tokio::select! {
            served = conn.as_mut() => {
                if let Err(error) = served {
                    tracing::debug!(%error, "a connection ended with an error");
                }
                return;
            }
            // On the drain notice the connection is polled again: one that
            // waits between requests finds its deadline passed and closes.
            changed = draining.changed() => if changed.is_err() {
                return;
            },
        }
    }
}

/// One request: the router, with the peer's address, under the body deadline.
async fn handle(
    shared: Arc<Shared>,
    peer: SocketAddr,
    request: Request<Incoming>,
) -> Result<Response<Body>, Infallible> {
    let late = Arc::new(AtomicBool::new(false));
    let deadline = Instant::now() + shared.limits.body_timeout;
    let mut request = request.map(|body| Body::new(DeadlineBody::new(body, deadline, late.clone())));
    request.extensions_mut().insert(ConnectInfo(peer));
    let Ok(mut response) = shared.router.clone().oneshot(request).await;
    if late.load(Ordering::Relaxed) {
        // Whatever the handler made of the failed read, the client was late.
        tracing::debug!("a request body did not arrive in time");
        response = request_timeout(response);
    }
    if *shared.draining.borrow() && response.status() != StatusCode::SWITCHING_PROTOCOLS {
        response.headers_mut().insert(header::CONNECTION, HeaderValue::from_static("close"));
    }
    Ok(response)
}

/// 408, keeping the response's other headers (request id, security headers,
/// CORS); the connection closes after it.
fn request_timeout(response: Response<Body>) -> Response<Body> {
    let (mut parts, _) = response.into_parts();
    parts.status = StatusCode::REQUEST_TIMEOUT;
    parts.headers.remove(header::CONTENT_LENGTH);
    parts.headers.insert(header::CONTENT_TYPE, HeaderValue::from_static("text/plain; charset=utf-8"));
    parts.headers.insert(header::CONNECTION, HeaderValue::from_static("close"));
    Response::from_parts(parts, Body::from("the request body did not arrive in time\n"))
}

/// A request body that must have arrived whole by a deadline. Data that has
/// arrived is always handed on, however late it is read; only waiting past
/// the deadline fails.
struct DeadlineBody {
    inner: Incoming,
    deadline: Instant,
    sleep: Option<Pin<Box<tokio::time::Sleep>>>,
    late: Arc<AtomicBool>,
}

impl DeadlineBody {
    fn new(inner: Incoming, deadline: Instant, late: Arc<AtomicBool>) -> Self {
        Self { inner, deadline, sleep: None, late }
    }
}

#[derive(Debug, thiserror::Error)]
#[error("the request body did not arrive in time")]
struct BodyTimeout;

impl hyper::body::Body for DeadlineBody {
    type Data = Bytes;
    type Error = Box<dyn std::error::Error + Send + Sync>;

    fn poll_frame(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Result<Frame<Bytes>, Self::Error>>> {
        let this = self.get_mut();
        if let Poll::Ready(frame) = Pin::new(&mut this.inner).poll_frame(cx) {
            return Poll::Ready(frame.map(|frame| frame.map_err(Into::into)));
        }
        let deadline = this.deadline;
        let sleep = this.sleep.get_or_insert_with(|| Box::pin(tokio::time::sleep_until(deadline.into())));
        ready!(sleep.as_mut().poll(cx));
        this.late.store(true, Ordering::Relaxed);
        Poll::Ready(Some(Err(Box::new(BodyTimeout))))
    }

    fn is_end_stream(&self) -> bool {
        self.inner.is_end_stream()
    }

    fn size_hint(&self) -> SizeHint {
        self.inner.size_hint()
    }
}

/// When one connection must have sent (the rest of) its next request head.
///
/// hyper's own `header_read_timeout` runs from the moment it starts waiting
/// for a head, the wait between keep-alive requests included, so on its own
/// it would close idle keep-alive connections after the header timeout. Its
/// timer is pluggable, though, and asked for exactly when a head wait begins
/// (and dropped once the head is in): [`HeadTimer`] hands it a [`HeadSleep`]
/// whose deadline this clock computes, from the bytes [`Tracked`] reports.
struct HeadClock {
    opened: Instant,
    header_timeout: Duration,
    idle_timeout: Duration,
    draining: watch::Receiver<bool>,
    /// Head waits begun on this connection.
    waits: AtomicU64,
    /// When the first byte arrived since the current wait began, in
    /// nanoseconds after `opened`, plus one; 0: none yet.
    first_byte: AtomicU64,
}

impl HeadClock {
    fn new(limits: &ConnectionLimits, draining: watch::Receiver<bool>) -> Self {
        Self {
            opened: Instant::now(),
            header_timeout: limits.header_timeout,
            idle_timeout: limits.idle_timeout,
            draining,
            waits: AtomicU64::new(0),
            first_byte: AtomicU64::new(0),
        }
    }

    /// A head wait begins; true for the connection's first.
    fn begin_wait(&self) -> bool {
        self.first_byte.store(0, Ordering::Relaxed);
        self.waits.fetch_add(1, Ordering::Relaxed) == 0
    }

    /// Bytes came in (of a head, or of anything: the next wait starts afresh).
    fn bytes_arrived(&self) {
        if self.first_byte.load(Ordering::Relaxed) == 0 {
            let since_opened = u64::try_from(self.opened.elapsed().as_nanos()).unwrap_or(u64::MAX - 1);
            let _ = self.first_byte.compare_exchange(0, since_opened + 1, Ordering::Relaxed, Ordering::Relaxed);
        }
    }

    /// The first request's head is due `header_timeout` after the opening; a
    /// later one `header_timeout` after its first byte, which is due
    /// `idle_timeout` after the wait began, or at once while draining: a
    /// connection between requests has nothing left to finish.
    fn deadline(&self, first: bool, since: Instant) -> Instant {
        if first {
            return self.opened + self.header_timeout;
        }
        match self.first_byte.load(Ordering::Relaxed) {
            0 if *self.draining.borrow() => since,
            0 => since + self.idle_timeout,
            at => self.opened + Duration::from_nanos(at - 1) + self.header_timeout,
        }
    }
}

/// The timer hyper uses for its head waits (it uses it for nothing else on
/// an HTTP/1 server connection).
struct HeadTimer(Arc<HeadClock>);

impl hyper::rt::Timer for HeadTimer {
    fn sleep(&self, duration: Duration) -> Pin<Box<dyn hyper::rt::Sleep>> {
        TokioTimer::new().sleep(duration)
    }

    fn sleep_until(&self, _deadline: Instant) -> Pin<Box<dyn hyper::rt::Sleep>> {
        let first = self.0.begin_wait();
        let since = Instant::now();
        let deadline = self.0.deadline(first, since);
        Box::pin(HeadSleep {
            clock: self.0.clone(),
            first,
            since,
            sleep: Box::pin(tokio::time::sleep_until(deadline.into())),
        })
    }
}

/// One head wait: done when the clock's deadline, recomputed at every poll
/// (hyper polls it after every read that leaves the head incomplete, and the
/// connection's task polls it again on the drain notice), has passed.
struct HeadSleep {
    clock: Arc<HeadClock>,
    first: bool,
    since: Instant,
    sleep: Pin<Box<tokio::time::Sleep>>,
}

impl Future for HeadSleep {
    type Output = ();

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        let this = self.get_mut();
        let deadline = this.clock.deadline(this.first, this.since);
        if deadline <= Instant::now() {
            return Poll::Ready(());
        }
        let deadline = tokio::time::Instant::from(deadline);
        if this.sleep.deadline() != deadline {
            this.sleep.as_mut().reset(deadline);
        }
        this.sleep.as_mut().poll(cx)
    }
}

impl hyper::rt::Sleep for HeadSleep {}

/// A client's socket that tells its [`HeadClock`] when bytes arrive, and
/// holds the connection's place under the cap.
struct Tracked {
    stream: TcpStream,
    clock: Arc<HeadClock>,
    _permit: OwnedSemaphorePermit,
}

impl AsyncRead for Tracked {
    fn poll_read(self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &mut ReadBuf<'_>) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        let before = buf.filled().len();
        let read = Pin::new(&mut this.stream).poll_read(cx, buf);
        if buf.filled().len() > before {
            this.clock.bytes_arrived();
        }
        read
    }
}

impl AsyncWrite for Tracked {
    fn poll_write(self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &[u8]) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.get_mut().stream).poll_write(cx, buf)
    }

    fn poll_write_vectored(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.get_mut().stream).poll_write_vectored(cx, bufs)
    }

    fn is_write_vectored(&self) -> bool {
        self.stream.is_write_vectored()
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().stream).poll_flush(cx)
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().stream).poll_shutdown(cx)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const LIMITS: &str = "Limit                     Soft Limit           Hard Limit           Units     \n\
        Max cpu time              unlimited            unlimited            seconds   \n\
        Max open files            1024                 524288               files     \n\
        Max locked memory         8388608              8388608              bytes     \n";

    #[test]
    fn the_open_file_limit_is_the_soft_limit_of_proc_limits() {
        assert_eq!(parse_open_file_limit(LIMITS), Some(1024));
        assert_eq!(
            parse_open_file_limit("Max open files            unlimited            unlimited            files"),
            Some(u64::MAX)
        );
        assert_eq!(parse_open_file_limit("Max cpu time unlimited unlimited seconds"), None);
        assert_eq!(parse_open_file_limit(""), None);
    }

    #[test]
    fn the_default_cap_leaves_file_descriptors_for_the_rest_of_the_process() {
        assert_eq!(default_max_connections(Some(1024)), 896);
        assert_eq!(default_max_connections(None), 896);
        // A small limit keeps half for the rest.
        assert_eq!(default_max_connections(Some(128)), 64);
        assert_eq!(default_max_connections(Some(1)), 1);
        assert_eq!(default_max_connections(Some(u64::MAX)), Semaphore::MAX_PERMITS);
        // Whatever the limit, the cap stays below it.
        for limit in [2, 100, 256, 1024, 4096, 65536] {
            assert!((default_max_connections(Some(limit)) as u64) < limit, "{limit}");
        }
    }

    #[test]
    fn zero_timeouts_and_a_zero_cap_are_refused() {
        let second = Duration::from_secs(1);
        assert!(ConnectionLimits::new(Duration::ZERO, second, second, None).is_err());
        assert!(ConnectionLimits::new(second, Duration::ZERO, second, None).is_err());
        assert!(ConnectionLimits::new(second, second, Duration::ZERO, None).is_err());
        assert!(ConnectionLimits::new(second, second, second, Some(0)).is_err());
        let limits = ConnectionLimits::new(second, second, second, Some(7)).expect("valid limits");
        assert_eq!(limits.max_connections, 7);
    }

    #[tokio::test]
    async fn handlers_see_the_peer_address() {
        use tokio::io::{AsyncReadExt, AsyncWriteExt};

        let router = Router::new().route(
            "/peer",
            axum::routing::get(|ConnectInfo(peer): ConnectInfo<SocketAddr>| async move { peer.to_string() }),
        );
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let address = listener.local_addr().expect("address");
        let second = Duration::from_secs(1);
        let limits = ConnectionLimits::new(10 * second, 10 * second, 10 * second, Some(4)).expect("limits");
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        let server = tokio::spawn(serve(
            listener,
            router,
            limits,
            async {
                let _ = stopped.await;
            },
            second,
        ));
        let mut client = TcpStream::connect(address).await.expect("connect");
        let local = client.local_addr().expect("local address");
        client.write_all(b"GET /peer HTTP/1.1\r\nHost: test\r\nConnection: close\r\n\r\n").await.expect("write");
        let mut response = String::new();
        tokio::time::timeout(30 * second, client.read_to_string(&mut response))
            .await
            .expect("answered in time")
            .expect("read");
        assert!(response.starts_with("HTTP/1.1 200"), "{response}");
        assert!(response.ends_with(&local.to_string()), "{response}");
        let _ = stop.send(());
        let drained = tokio::time::timeout(30 * second, server).await.expect("stops").expect("joins").expect("serves");
        assert!(drained.complete);
    }
}
