//! An ATP/1 server over any [`Adapter`] — `ailevel sim serve`. Serving the reference
//! simulator through the same trait the runner uses means a run over HTTP and a run
//! in-process meet the same device, so their verdicts can be compared.
//!
//! The server can misbehave on purpose ([`Faults`]): added latency, 5xx answers, dropped
//! connections, malformed, truncated, oversized or non-UTF-8 bodies, hangs, and dying after
//! a number of requests. Each request's fault is drawn from a hash of the fault seed, the
//! endpoint, the request's *content* and how many times that same content has come before
//! — not from its arrival order — so a run meets the same faults at any concurrency, and a
//! retried request draws afresh. A session's later requests are keyed by the request that
//! opened it (which carries the trial's seed), not by the id the server happened to issue.

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::Router;
use axum::body::{Body, Bytes};
use axum::extract::{ConnectInfo, DefaultBodyLimit, Path, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::Response;
use axum::routing::{delete, get, post};
use serde_json::{Value, json};
use tokio::sync::Notify;

use super::profile::{Endpoint, Faults};
use super::protocol::{Control, SessionRequest, TurnRequest};
use super::{Adapter, DeviceError, SessionId};

/// Largest request body accepted (inputs carry images and audio).
const MAX_REQUEST_BYTES: usize = 16 * 1024 * 1024;
/// An oversized answer's size when the faults do not say: above the client's default cap.
const DEFAULT_OVERSIZE_BYTES: u64 = 20 * 1024 * 1024;

/// Why a fault set cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum FaultError {
    #[error("`{name}` must be between 0 and 1, not {value}")]
    Rate { name: &'static str, value: f64 },
    #[error("the fault rates add up to {0}, more than 1")]
    Sum(f64),
    #[error("latency range [{0}, {1}] is reversed")]
    Latency(u64, u64),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Fault {
    Error,
    Drop,
    Malformed,
    Truncate,
    Oversize,
    BadUtf8,
    Hang,
    Reset,
    Throttle,
}

/// Validated faults, ready to draw from.
#[derive(Debug, Clone)]
pub struct FaultPlan {
    faults: Faults,
    /// `(fault, rate)` in a fixed order; one uniform draw walks it.
    table: Vec<(Fault, f64)>,
}

impl FaultPlan {
    pub fn new(faults: Faults) -> Result<Self, FaultError> {
        let table = vec![
            (Fault::Error, faults.error_rate),
            (Fault::Drop, faults.drop_rate),
            (Fault::Malformed, faults.malformed_rate),
            (Fault::Truncate, faults.truncate_rate),
            (Fault::Oversize, faults.oversize_rate),
            (Fault::BadUtf8, faults.bad_utf8_rate),
            (Fault::Hang, faults.hang_rate),
            (Fault::Reset, faults.reset_rate),
            // Last, so that adding it moved no earlier fault's draws.
            (Fault::Throttle, faults.throttle_rate),
        ];
        let names = [
            "error_rate",
            "drop_rate",
            "malformed_rate",
            "truncate_rate",
            "oversize_rate",
            "bad_utf8_rate",
            "hang_rate",
            "reset_rate",
            "throttle_rate",
        ];
        for ((_, rate), name) in table.iter().zip(names) {
            if !(0.0..=1.0).contains(rate) {
                return Err(FaultError::Rate { name, value: *rate });
            }
        }
        let sum: f64 = table.iter().map(|(_, r)| r).sum();
        if sum > 1.0 + 1e-9 {
            return Err(FaultError::Sum(sum));
        }
        let [lo, hi] = faults.latency_ms;
        if lo > hi {
            return Err(FaultError::Latency(lo, hi));
        }
        Ok(FaultPlan { faults, table })
    }

    pub fn none() -> Self {
        FaultPlan {
            faults: Faults::default(),
            table: Vec::new(),
        }
    }

    /// A one-line description for the server's log, or `None` when nothing is injected.
    pub fn describe(&self) -> Option<String> {
        let f = &self.faults;
        let mut parts: Vec<String> = self
            .table
            .iter()
            .filter(|(_, r)| *r > 0.0)
            .map(|(k, r)| format!("{k:?} {:.1} %", r * 100.0).to_lowercase())
            .collect();
        if f.latency_ms != [0, 0] {
            parts.push(format!(
                "latency {}–{} ms",
                f.latency_ms[0], f.latency_ms[1]
            ));
        }
        if let Some(n) = f.die_after {
            parts.push(format!("dies after {n} requests"));
        }
        if parts.is_empty() {
            return None;
        }
        let scope = if f.scope.is_empty() {
            "all endpoints".to_string()
        } else {
            f.scope
                .iter()
                .map(|e| e.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        };
        Some(format!(
            "injecting faults (seed {}, on {scope}): {}",
            f.seed,
            parts.join(", ")
        ))
    }

    /// The fault and added delay for the `n`-th request to `endpoint` with content `key`.
    fn draw(&self, key: u64, n: u64, endpoint: Endpoint) -> (Option<Fault>, Duration) {
        let f = &self.faults;
        if !f.scope.is_empty() && !f.scope.contains(&endpoint) {
            return (None, Duration::ZERO);
        }
        let [lo, hi] = f.latency_ms;
        let delay = lo
            + if hi > lo {
                counter_rng(f.seed ^ key, n, 1) % (hi - lo + 1)
            } else {
                0
            };
        let u = unit(counter_rng(f.seed ^ key, n, 0));
        let mut acc = 0.0;
        for (fault, rate) in &self.table {
            acc += rate;
            if u < acc {
                return (Some(*fault), Duration::from_millis(delay));
            }
        }
        (None, Duration::from_millis(delay))
    }
}

/// SplitMix64 of (seed, request number, stream): independent draws per request, with no
/// state shared between requests.
fn counter_rng(seed: u64, n: u64, stream: u64) -> u64 {
    let mut z = seed
        .wrapping_add(n.wrapping_mul(0x9E37_79B9_7F4A_7C15))
        .wrapping_add(stream.wrapping_mul(0xD1B5_4A32_D192_ED03));
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// A draw in [0, 1) from the top 53 bits.
fn unit(x: u64) -> f64 {
    (x >> 11) as f64 / (1u64 << 53) as f64
}

struct ServerState {
    adapter: Arc<dyn Adapter>,
    plan: FaultPlan,
    /// `Bearer <token>` every request must carry, when set.
    token: Option<String>,
    requests: AtomicU64,
    /// How many times each request content has come, for the draw.
    seen: Mutex<HashMap<u64, u64>>,
    /// The content key of the request that opened each session.
    sessions: Mutex<HashMap<String, u64>>,
    shutdown: Arc<Notify>,
}

/// A connection's handle for the reset fault: once set, the connection's next write fails
/// and the socket is closed with `SO_LINGER` 0, which sends a TCP RST.
#[derive(Clone, Default)]
pub struct Conn(Arc<AtomicBool>);

impl axum::extract::connect_info::Connected<axum::serve::IncomingStream<'_, Listener>> for Conn {
    fn connect_info(stream: axum::serve::IncomingStream<'_, Listener>) -> Self {
        Conn(stream.io().reset.clone())
    }
}

/// A TCP listener whose connections can be reset on purpose.
pub struct Listener(tokio::net::TcpListener);

impl axum::serve::Listener for Listener {
    type Io = Resettable;
    type Addr = std::net::SocketAddr;

    async fn accept(&mut self) -> (Resettable, std::net::SocketAddr) {
        let (stream, addr) = axum::serve::Listener::accept(&mut self.0).await;
        (
            Resettable {
                stream,
                reset: Arc::default(),
            },
            addr,
        )
    }

    fn local_addr(&self) -> std::io::Result<std::net::SocketAddr> {
        self.0.local_addr()
    }
}

pub struct Resettable {
    stream: tokio::net::TcpStream,
    reset: Arc<AtomicBool>,
}

impl Resettable {
    fn check(&self) -> std::io::Result<()> {
        if self.reset.load(Ordering::SeqCst) {
            let _ = self.stream.set_zero_linger();
            return Err(std::io::Error::from(std::io::ErrorKind::ConnectionReset));
        }
        Ok(())
    }
}

impl tokio::io::AsyncRead for Resettable {
    fn poll_read(
        mut self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
        buf: &mut tokio::io::ReadBuf<'_>,
    ) -> std::task::Poll<std::io::Result<()>> {
        self.check()?;
        std::pin::Pin::new(&mut self.stream).poll_read(cx, buf)
    }
}

impl tokio::io::AsyncWrite for Resettable {
    fn poll_write(
        mut self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
        buf: &[u8],
    ) -> std::task::Poll<std::io::Result<usize>> {
        self.check()?;
        std::pin::Pin::new(&mut self.stream).poll_write(cx, buf)
    }

    fn poll_flush(
        mut self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<std::io::Result<()>> {
        self.check()?;
        std::pin::Pin::new(&mut self.stream).poll_flush(cx)
    }

    fn poll_shutdown(
        mut self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<std::io::Result<()>> {
        std::pin::Pin::new(&mut self.stream).poll_shutdown(cx)
    }
}

/// A content key: a hash of the endpoint and the bytes that make the request what it is.
fn content_key(endpoint: Endpoint, parts: &[&[u8]]) -> u64 {
    let mut bytes = endpoint.as_str().as_bytes().to_vec();
    for p in parts {
        bytes.push(0);
        bytes.extend_from_slice(p);
    }
    let h = crate::hash::sha256_hex(&bytes);
    u64::from_str_radix(&h[..16], 16).unwrap_or(0)
}

/// What a handler answers before faults are applied.
struct Reply {
    status: StatusCode,
    body: Option<Value>,
}

impl Reply {
    fn ok(status: StatusCode, body: Value) -> Self {
        Reply {
            status,
            body: Some(body),
        }
    }

    fn error(status: StatusCode, code: &str, message: &str) -> Self {
        Reply::ok(status, json!({"error": {"code": code, "message": message}}))
    }
}

impl From<DeviceError> for Reply {
    fn from(e: DeviceError) -> Self {
        let message = e.to_string();
        let (status, code) = match &e {
            DeviceError::Unsupported { .. } => (StatusCode::NOT_IMPLEMENTED, "unsupported"),
            DeviceError::Device { code, .. } => (status_for_code(code), code.as_str()),
            DeviceError::Http { status, code, .. } => (
                StatusCode::from_u16(*status)
                    .ok()
                    .filter(|s| s.is_client_error() || s.is_server_error())
                    .unwrap_or(StatusCode::BAD_GATEWAY),
                code.as_str(),
            ),
            DeviceError::Timeout { .. } => (StatusCode::GATEWAY_TIMEOUT, "timeout"),
            DeviceError::Unreachable { .. } => (StatusCode::BAD_GATEWAY, "unreachable"),
            DeviceError::Transport { .. } => (StatusCode::BAD_GATEWAY, "transport"),
            DeviceError::Protocol { .. } => (StatusCode::BAD_GATEWAY, "protocol"),
        };
        // A device error's own message travels as is, so the client reconstructs the same error.
        let message = match &e {
            DeviceError::Device { message, .. } | DeviceError::Http { message, .. } => {
                message.clone()
            }
            _ => message,
        };
        Reply::error(status, code, &message)
    }
}

/// The HTTP status for a device error code, so that clients that only look at the status
/// (not at ATP's `code`) still see the right class of error.
fn status_for_code(code: &str) -> StatusCode {
    match code {
        "no_session" | "unknown_session" | "no_such_session" | "not_found" => StatusCode::NOT_FOUND,
        "bad_request" | "bad_input" | "invalid_input" | "invalid" => StatusCode::BAD_REQUEST,
        "unauthorized" => StatusCode::UNAUTHORIZED,
        "busy" | "conflict" => StatusCode::CONFLICT,
        _ => StatusCode::UNPROCESSABLE_ENTITY,
    }
}

/// The ATP/1 router over `adapter`. `token`: the bearer token requests must carry.
pub fn router(
    adapter: Arc<dyn Adapter>,
    plan: FaultPlan,
    token: Option<String>,
    shutdown: Arc<Notify>,
) -> Router {
    let state = Arc::new(ServerState {
        adapter,
        plan,
        token,
        requests: AtomicU64::new(0),
        seen: Mutex::default(),
        sessions: Mutex::default(),
        shutdown,
    });
    Router::new()
        .route("/atp/v1/info", get(info))
        .route("/atp/v1/sessions", post(open_session))
        .route("/atp/v1/sessions/{id}/turns", post(turn))
        .route("/atp/v1/sessions/{id}/state", get(session_state))
        .route("/atp/v1/sessions/{id}", delete(close))
        .route("/atp/v1/control", post(control))
        .fallback(|| async {
            plain(Reply::error(
                StatusCode::NOT_FOUND,
                "not_found",
                "no such ATP/1 endpoint",
            ))
        })
        .method_not_allowed_fallback(|| async {
            plain(Reply::error(
                StatusCode::METHOD_NOT_ALLOWED,
                "method_not_allowed",
                "wrong method for this endpoint",
            ))
        })
        .layer(DefaultBodyLimit::max(MAX_REQUEST_BYTES))
        .with_state(state)
}

/// Serve until the listener fails or the faults' `die_after` is reached.
pub async fn serve(
    listener: tokio::net::TcpListener,
    adapter: Arc<dyn Adapter>,
    plan: FaultPlan,
    token: Option<String>,
) -> std::io::Result<()> {
    let shutdown = Arc::new(Notify::new());
    let app = router(adapter, plan, token, shutdown.clone())
        .into_make_service_with_connect_info::<Conn>();
    // Not a graceful shutdown: a device that dies does not finish its answers.
    tokio::select! {
        r = axum::serve(Listener(listener), app) => r,
        () = shutdown.notified() => Ok(()),
    }
}

impl ServerState {
    /// The content key of a request within a session: the opening request's key and this
    /// request's bytes (the session id itself depends on arrival order).
    fn session_key(&self, endpoint: Endpoint, id: &str, body: &[u8]) -> u64 {
        let opened = self
            .sessions
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .get(id)
            .copied();
        match opened {
            Some(k) => content_key(endpoint, &[&k.to_le_bytes(), body]),
            None => content_key(endpoint, &[id.as_bytes(), body]),
        }
    }

    /// The common path of every request: authorisation, the request count, the draw of
    /// faults, the work, and the faults that spoil its answer.
    async fn handle<F>(
        &self,
        endpoint: Endpoint,
        key: u64,
        conn: &Conn,
        headers: &HeaderMap,
        work: F,
    ) -> Response
    where
        F: Future<Output = Reply>,
    {
        if let Some(expected) = &self.token {
            let given = headers
                .get(header::AUTHORIZATION)
                .and_then(|v| v.to_str().ok());
            if given.and_then(|g| g.strip_prefix("Bearer ")) != Some(expected.as_str()) {
                return plain(Reply::error(
                    StatusCode::UNAUTHORIZED,
                    "unauthorized",
                    "a valid bearer token is required",
                ));
            }
        }
        let n = self.requests.fetch_add(1, Ordering::SeqCst);
        if self.plan.faults.die_after.is_some_and(|limit| n >= limit) {
            self.shutdown.notify_one();
            return dropped();
        }
        let nth = {
            let mut seen = self
                .seen
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner);
            let count = seen.entry(key).or_insert(0);
            *count += 1;
            *count - 1
        };
        let (fault, delay) = self.plan.draw(key, nth, endpoint);
        if !delay.is_zero() {
            tokio::time::sleep(delay).await;
        }
        match fault {
            Some(Fault::Hang) => return std::future::pending::<Response>().await,
            Some(Fault::Error) => {
                return plain(Reply::error(
                    StatusCode::SERVICE_UNAVAILABLE,
                    "injected",
                    "injected fault: service unavailable",
                ));
            }
            Some(Fault::Throttle) => {
                let mut r = plain(Reply::error(
                    StatusCode::TOO_MANY_REQUESTS,
                    "injected",
                    "injected fault: too many requests",
                ));
                r.headers_mut().insert(
                    axum::http::header::RETRY_AFTER,
                    axum::http::HeaderValue::from_static("1"),
                );
                return r;
            }
            Some(Fault::Drop) => return dropped(),
            Some(Fault::Reset) => {
                conn.0.store(true, Ordering::SeqCst);
                return dropped();
            }
            _ => {}
        }
        render(
            work.await,
            fault,
            self.plan
                .faults
                .oversize_bytes
                .unwrap_or(DEFAULT_OVERSIZE_BYTES),
        )
    }
}

/// A response whose body fails at once: hyper closes the connection without a complete
/// answer, as a device that drops it would.
fn dropped() -> Response {
    let body = Body::from_stream(futures_util::stream::once(async {
        Err::<Bytes, std::io::Error>(std::io::Error::other("injected fault: connection dropped"))
    }));
    let mut r = Response::new(body);
    *r.status_mut() = StatusCode::OK;
    r
}

/// An answer no fault applies to.
fn plain(reply: Reply) -> Response {
    render(reply, None, 0)
}

fn render(reply: Reply, fault: Option<Fault>, oversize_bytes: u64) -> Response {
    let Some(body) = reply.body else {
        let mut r = Response::new(Body::empty());
        *r.status_mut() = reply.status;
        return r;
    };
    let bytes = serde_json::to_vec(&body).unwrap_or_default();
    let (status, body) = match fault {
        Some(Fault::Malformed) => (
            StatusCode::OK,
            Body::from(&b"{\"output\": {\"text\": \"\xe5\xa5\xbd\"},, \"actions\": [}"[..]),
        ),
        Some(Fault::Truncate) => (
            StatusCode::OK,
            Body::from(bytes[..bytes.len() / 2].to_vec()),
        ),
        Some(Fault::BadUtf8) => {
            let mut b = bytes;
            // Inside the first string, where a lenient parser would not notice it.
            let at = b.iter().position(|&c| c == b'"').map_or(0, |i| i + 1);
            b.splice(at..at, [0xC3, 0x28, 0xFF]);
            (StatusCode::OK, Body::from(b))
        }
        Some(Fault::Oversize) => (StatusCode::OK, oversized(oversize_bytes)),
        _ => (reply.status, Body::from(bytes)),
    };
    let mut r = Response::new(body);
    *r.status_mut() = status;
    r.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    r
}

/// A valid turn answer of about `size` bytes, streamed without a length so that only the
/// client's cap stops it.
fn oversized(size: u64) -> Body {
    const CHUNK: usize = 64 * 1024;
    let filler = Bytes::from(vec![b'a'; CHUNK]);
    let chunks = size / CHUNK as u64;
    let head = futures_util::stream::once(async {
        Ok::<_, std::io::Error>(Bytes::from_static(b"{\"output\": {\"text\": \""))
    });
    let middle = futures_util::stream::iter((0..chunks).map(move |_| Ok(filler.clone())));
    let tail =
        futures_util::stream::once(async { Ok(Bytes::from_static(b"\"}, \"actions\": []}")) });
    use futures_util::StreamExt;
    Body::from_stream(head.chain(middle).chain(tail))
}

fn parse<T: serde::de::DeserializeOwned>(body: &[u8], what: &str) -> Result<T, Reply> {
    serde_json::from_slice(body).map_err(|e| {
        Reply::error(
            StatusCode::BAD_REQUEST,
            "bad_request",
            &format!("{what} is not valid: {e}"),
        )
    })
}

type St = State<Arc<ServerState>>;

async fn info(State(st): St, ConnectInfo(conn): ConnectInfo<Conn>, headers: HeaderMap) -> Response {
    let key = content_key(Endpoint::Info, &[]);
    st.handle(Endpoint::Info, key, &conn, &headers, async {
        match st.adapter.info().await {
            Ok(info) => Reply::ok(
                StatusCode::OK,
                serde_json::to_value(info).unwrap_or_default(),
            ),
            Err(e) => e.into(),
        }
    })
    .await
}

async fn open_session(
    State(st): St,
    ConnectInfo(conn): ConnectInfo<Conn>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let key = content_key(Endpoint::Sessions, &[&body]);
    st.handle(Endpoint::Sessions, key, &conn, &headers, async {
        // The body's fields are all optional, so an empty body is an empty request.
        let req: SessionRequest = if body.iter().all(u8::is_ascii_whitespace) {
            SessionRequest::default()
        } else {
            match parse(&body, "the session request") {
                Ok(r) => r,
                Err(reply) => return reply,
            }
        };
        match st.adapter.open_session(&req).await {
            Ok(SessionId(id)) => {
                st.sessions
                    .lock()
                    .unwrap_or_else(std::sync::PoisonError::into_inner)
                    .insert(id.clone(), key);
                Reply::ok(StatusCode::CREATED, json!({ "session": id }))
            }
            Err(e) => e.into(),
        }
    })
    .await
}

async fn turn(
    State(st): St,
    ConnectInfo(conn): ConnectInfo<Conn>,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let key = st.session_key(Endpoint::Turns, &id, &body);
    st.handle(Endpoint::Turns, key, &conn, &headers, async {
        let req: TurnRequest = match parse(&body, "the turn request") {
            Ok(r) => r,
            Err(reply) => return reply,
        };
        if req.input.is_empty() {
            return Reply::error(
                StatusCode::BAD_REQUEST,
                "bad_request",
                "the input has none of text, audio, image, event",
            );
        }
        match st.adapter.turn(&SessionId(id), &req.input).await {
            Ok(t) => Reply::ok(StatusCode::OK, serde_json::to_value(t).unwrap_or_default()),
            Err(e) => e.into(),
        }
    })
    .await
}

async fn session_state(
    State(st): St,
    ConnectInfo(conn): ConnectInfo<Conn>,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> Response {
    let key = st.session_key(Endpoint::State, &id, &[]);
    st.handle(Endpoint::State, key, &conn, &headers, async {
        match st.adapter.state(&SessionId(id)).await {
            Ok(v @ Value::Object(_)) => Reply::ok(StatusCode::OK, v),
            Ok(other) => Reply::ok(StatusCode::OK, json!({ "value": other })),
            Err(e) => e.into(),
        }
    })
    .await
}

async fn close(
    State(st): St,
    ConnectInfo(conn): ConnectInfo<Conn>,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> Response {
    let key = st.session_key(Endpoint::Close, &id, &[]);
    st.handle(Endpoint::Close, key, &conn, &headers, async {
        match st.adapter.close(&SessionId(id)).await {
            Ok(()) => Reply {
                status: StatusCode::NO_CONTENT,
                body: None,
            },
            Err(e) => e.into(),
        }
    })
    .await
}

async fn control(
    State(st): St,
    ConnectInfo(conn): ConnectInfo<Conn>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let key = content_key(Endpoint::Control, &[&body]);
    st.handle(Endpoint::Control, key, &conn, &headers, async {
        let op: Control = match parse(&body, "the control request") {
            Ok(r) => r,
            Err(reply) => return reply,
        };
        match st.adapter.control(&op).await {
            Ok(()) => Reply::ok(StatusCode::OK, json!({ "ok": true })),
            Err(e) => e.into(),
        }
    })
    .await
}

#[cfg(test)]
mod tests {
    use super::*;

    fn plan(f: Faults) -> FaultPlan {
        FaultPlan::new(f).unwrap()
    }

    #[test]
    fn the_same_request_numbers_draw_the_same_faults() {
        let f = Faults {
            seed: 9,
            error_rate: 0.1,
            drop_rate: 0.1,
            latency_ms: [5, 50],
            ..Faults::default()
        };
        let a: Vec<_> = (0..500)
            .map(|n| plan(f.clone()).draw(3, n, Endpoint::Turns))
            .collect();
        let b: Vec<_> = (0..500)
            .map(|n| plan(f.clone()).draw(3, n, Endpoint::Turns))
            .collect();
        assert_eq!(a, b);
        let faulted = a.iter().filter(|(fault, _)| fault.is_some()).count();
        assert!(
            (60..=140).contains(&faulted),
            "about 20 % of 500, got {faulted}"
        );
        assert!(
            a.iter()
                .all(|(_, d)| (5..=50).contains(&(d.as_millis() as u64)))
        );
        let other = plan(Faults { seed: 10, ..f }).draw(3, 0, Endpoint::Turns);
        let differs = (0..50).any(|n| {
            plan(Faults {
                seed: 10,
                ..Faults::default()
            })
            .draw(3, n, Endpoint::Turns)
                != a[n as usize]
        });
        assert!(differs || other != a[0]);
    }

    #[test]
    fn faults_outside_the_scope_are_not_drawn() {
        let p = plan(Faults {
            hang_rate: 1.0,
            scope: vec![Endpoint::Turns],
            ..Faults::default()
        });
        assert_eq!(p.draw(3, 0, Endpoint::Info), (None, Duration::ZERO));
        assert_eq!(p.draw(3, 0, Endpoint::Turns).0, Some(Fault::Hang));
    }

    #[test]
    fn impossible_fault_sets_are_refused() {
        assert!(
            FaultPlan::new(Faults {
                error_rate: 1.5,
                ..Faults::default()
            })
            .is_err()
        );
        assert!(
            FaultPlan::new(Faults {
                error_rate: 0.6,
                drop_rate: 0.6,
                ..Faults::default()
            })
            .is_err()
        );
        assert!(
            FaultPlan::new(Faults {
                latency_ms: [9, 1],
                ..Faults::default()
            })
            .is_err()
        );
    }

    #[test]
    fn device_errors_keep_their_code_and_message_across_http() {
        for e in [
            DeviceError::Device {
                code: "no_session".into(),
                message: "unknown session".into(),
            },
            DeviceError::Device {
                code: "internal".into(),
                message: "boom".into(),
            },
            DeviceError::Unsupported {
                op: "set_clock".into(),
            },
        ] {
            let reply = Reply::from(e.clone());
            let body = serde_json::to_vec(&reply.body.unwrap()).unwrap();
            let op = match &e {
                DeviceError::Unsupported { op } => op.as_str(),
                _ => "turn",
            };
            assert_eq!(
                super::super::wire::status_error(reply.status.as_u16(), &body, op),
                e
            );
        }
    }
}
