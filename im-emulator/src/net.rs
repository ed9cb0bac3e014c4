//! The network front: connections accepted under a cap, HTTP/1 with a header (and idle)
//! timeout, bodies read within a size, a time and a shared memory budget, refusals hyper makes
//! by itself rewritten into the envelope, and a drain with a deadline on shutdown.

use std::io;
use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{ready, Context, Poll};
use std::time::Duration;

use axum::body::{Body, Bytes};
use axum::extract::ConnectInfo;
use axum::http::{header, HeaderMap, Request, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Router;
use futures::StreamExt;
use hyper::body::Incoming;
use hyper_util::rt::{TokioIo, TokioTimer};
use tencent_im_core::envelope::Envelope;
use tencent_im_core::ErrorCode;
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{watch, OwnedSemaphorePermit, Semaphore};
use tokio::task::JoinSet;
use tower::ServiceExt;

/// Connections served at once unless told otherwise: under the 1024 file descriptors many
/// systems allow a process, with room to spare.
pub const DEFAULT_MAX_CONNECTIONS: usize = 512;
/// How long a connection may take to deliver a request's head unless told otherwise.
pub const DEFAULT_HEADER_TIMEOUT: Duration = Duration::from_secs(10);
/// How long a request's body may take to arrive unless told otherwise.
pub const DEFAULT_BODY_TIMEOUT: Duration = Duration::from_secs(10);
/// The largest body accepted unless told otherwise: 4 MiB, several times the largest
/// well-formed request (1000 items with long fields).
pub const DEFAULT_MAX_BODY_BYTES: usize = 4 << 20;
/// How much memory the bodies being received may take together unless told otherwise: 64 MiB.
pub const DEFAULT_BODY_MEMORY_BYTES: usize = 64 << 20;
/// How long a shutdown waits for requests in flight unless told otherwise.
pub const DEFAULT_SHUTDOWN_TIMEOUT: Duration = Duration::from_secs(5);

/// The longest request target (path and query) accepted; longer ones are answered 414.
const MAX_URI_BYTES: usize = 8 * 1024;
/// The most a request head may take in hyper's buffer; past it hyper answers 431, which is
/// then rewritten into the envelope. Above [`MAX_URI_BYTES`] so that a long URI is told 414.
const MAX_HEAD_BYTES: usize = 16 * 1024;
/// How long the accept loop rests after a failed accept (out of file descriptors, most
/// likely), so that it does not spin while the condition lasts.
const ACCEPT_BACKOFF: Duration = Duration::from_millis(100);

/// What a client may cost the emulator: connections, time and memory. Build it from
/// [`ServerLimits::default`] and change the fields you need.
///
/// ```
/// use std::time::Duration;
/// let mut limits = tencent_im_emulator::ServerLimits::default();
/// limits.max_connections = 64;
/// limits.header_timeout = Duration::from_secs(2);
/// ```
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct ServerLimits {
    /// Connections served at once ([`DEFAULT_MAX_CONNECTIONS`]). Further ones wait in the
    /// kernel's listen backlog, where they take no file descriptor of the emulator, until one
    /// closes.
    pub max_connections: usize,
    /// How long a connection may take to deliver a request's head, counted from when the
    /// emulator is ready to read one ([`DEFAULT_HEADER_TIMEOUT`]). The same timer runs while a
    /// kept-alive connection waits for its next request, so it is the idle timeout as well:
    /// slowloris headers and idle connections are both closed after it.
    pub header_timeout: Duration,
    /// How long a request's body may take to arrive, counted from the end of its head
    /// ([`DEFAULT_BODY_TIMEOUT`]); past it the answer is 408 and the connection is closed.
    pub body_timeout: Duration,
    /// The largest body accepted ([`DEFAULT_MAX_BODY_BYTES`]); larger ones are answered 413.
    pub max_body_bytes: usize,
    /// How much memory the bodies being received may take together
    /// ([`DEFAULT_BODY_MEMORY_BYTES`]): a request whose body does not fit beside the others
    /// is answered 503 at once instead of waiting, so stalled uploads cannot add up.
    pub body_memory_bytes: usize,
    /// How long a shutdown lets requests in flight finish before closing their connections
    /// ([`DEFAULT_SHUTDOWN_TIMEOUT`]).
    pub shutdown_timeout: Duration,
}

impl Default for ServerLimits {
    fn default() -> Self {
        Self {
            max_connections: DEFAULT_MAX_CONNECTIONS,
            header_timeout: DEFAULT_HEADER_TIMEOUT,
            body_timeout: DEFAULT_BODY_TIMEOUT,
            max_body_bytes: DEFAULT_MAX_BODY_BYTES,
            body_memory_bytes: DEFAULT_BODY_MEMORY_BYTES,
            shutdown_timeout: DEFAULT_SHUTDOWN_TIMEOUT,
        }
    }
}

/// Serves `router` on `listener` until `stop` resolves (or its sender is dropped), then
/// stops accepting, lets the requests in flight finish for up to `limits.shutdown_timeout`
/// and closes whatever is left.
pub(crate) async fn serve(
    listener: TcpListener,
    router: Router,
    limits: &ServerLimits,
    stop: impl std::future::Future<Output = ()>,
) {
    tokio::pin!(stop);
    let slots = Arc::new(Semaphore::new(limits.max_connections.max(1)));
    let (draining, drain_signal) = watch::channel(false);
    let mut connections = JoinSet::new();
    let mut http = hyper::server::conn::http1::Builder::new();
    http.timer(TokioTimer::new())
        .header_read_timeout(limits.header_timeout)
        .max_buf_size(MAX_HEAD_BYTES);
    loop {
        // A slot is taken before accepting: at the cap, connections wait in the kernel's
        // backlog, where they cost no file descriptor, instead of being accepted and starved.
        let slot = tokio::select! {
            biased;
            () = &mut stop => break,
            // Finished connections are reaped as they end, so the set stays as small as the
            // number of open ones.
            Some(_) = connections.join_next() => continue,
            slot = Arc::clone(&slots).acquire_owned() => match slot {
                Ok(slot) => slot,
                Err(_) => break,
            },
        };
        let (stream, peer) = tokio::select! {
            biased;
            () = &mut stop => break,
            accepted = listener.accept() => match accepted {
                Ok(accepted) => accepted,
                Err(err) => {
                    tracing::warn!(error = %err, "emulator cannot accept a connection");
                    drop(slot);
                    tokio::time::sleep(ACCEPT_BACKOFF).await;
                    continue;
                }
            },
        };
        connections.spawn(serve_connection(
            http.clone(),
            stream,
            peer,
            router.clone(),
            slot,
            drain_signal.clone(),
        ));
    }
    drop(listener);
    let _ = draining.send(true);
    let drained = tokio::time::timeout(limits.shutdown_timeout, async {
        while connections.join_next().await.is_some() {}
    })
    .await;
    if drained.is_err() {
        tracing::warn!(
            connections = connections.len(),
            "emulator closes connections still busy after the shutdown timeout"
        );
        connections.shutdown().await;
    }
}

async fn serve_connection(
    http: hyper::server::conn::http1::Builder,
    stream: TcpStream,
    peer: SocketAddr,
    router: Router,
    _slot: OwnedSemaphorePermit,
    mut draining: watch::Receiver<bool>,
) {
    let service = hyper::service::service_fn(move |mut request: Request<Incoming>| {
        request.extensions_mut().insert(ConnectInfo(peer));
        router.clone().oneshot(request)
    });
    let connection = http.serve_connection(TokioIo::new(EnvelopeIo::new(stream)), service);
    tokio::pin!(connection);
    tokio::select! {
        result = connection.as_mut() => {
            if let Err(err) = result {
                tracing::debug!(%peer, error = %err, "emulator connection ended");
            }
        }
        // The `Ref` the wait returns is dropped here: it must not live across the drain.
        () = async { let _ = draining.wait_for(|draining| *draining).await; } => {
            // Answers the request in flight, if any, then closes; an idle connection closes
            // at once.
            connection.as_mut().graceful_shutdown();
            let _ = connection.await;
        }
    }
}

/// A refusal made before a request reaches its route: an HTTP status and the envelope.
#[derive(Debug)]
pub(crate) struct HttpRefusal {
    pub status: StatusCode,
    pub code: ErrorCode,
    pub info: String,
}

impl HttpRefusal {
    pub(crate) fn new(status: StatusCode, code: ErrorCode, info: impl Into<String>) -> Self {
        Self {
            status,
            code,
            info: info.into(),
        }
    }
}

impl IntoResponse for HttpRefusal {
    fn into_response(self) -> Response {
        let body = envelope_json(self.code, &self.info);
        let mut response = (
            self.status,
            [(header::CONTENT_TYPE, "application/json")],
            body,
        )
            .into_response();
        if self.status == StatusCode::METHOD_NOT_ALLOWED {
            response
                .headers_mut()
                .insert(header::ALLOW, header::HeaderValue::from_static("POST"));
        }
        response
    }
}

fn envelope_json(code: ErrorCode, info: &str) -> Vec<u8> {
    serde_json::to_vec(&Envelope::fail(code, info)).unwrap_or_default()
}

/// Refuses a request target longer than [`MAX_URI_BYTES`].
pub(crate) fn check_uri_len(len: usize) -> Result<(), HttpRefusal> {
    if len > MAX_URI_BYTES {
        return Err(HttpRefusal::new(
            StatusCode::URI_TOO_LONG,
            ErrorCode::URL_PARSE_ERROR,
            format!(
                "Err_Url_Too_Long: the request target has {len} bytes, more than {MAX_URI_BYTES}"
            ),
        ));
    }
    Ok(())
}

/// A body read in full, with its share of the body memory budget (released on drop).
#[derive(Debug)]
pub(crate) struct ReadBody {
    pub bytes: Bytes,
    _memory: Option<OwnedSemaphorePermit>,
}

/// The memory budget of the bodies being received, in bytes.
#[derive(Debug)]
pub(crate) struct BodyBudget {
    bytes: Arc<Semaphore>,
}

impl BodyBudget {
    pub(crate) fn new(bytes: usize) -> Self {
        Self {
            bytes: Arc::new(Semaphore::new(bytes.min(Semaphore::MAX_PERMITS))),
        }
    }

    /// Takes `n` bytes of the budget, or refuses at once when they are not free.
    fn take(&self, n: usize) -> Result<Option<OwnedSemaphorePermit>, HttpRefusal> {
        if n == 0 {
            return Ok(None);
        }
        let busy = || {
            HttpRefusal::new(
                StatusCode::SERVICE_UNAVAILABLE,
                ErrorCode::TOO_MANY_REQUESTS,
                "Err_Server_Busy: too many request bodies are being received; retry later",
            )
        };
        let n = u32::try_from(n).map_err(|_| busy())?;
        Arc::clone(&self.bytes)
            .try_acquire_many_owned(n)
            .map(Some)
            .map_err(|_| busy())
    }
}

/// Reads a whole body within `limits`: at most `max_body_bytes` (413 past it, told from
/// `Content-Length` before anything is read when it is declared), within `body_timeout` (408),
/// taking its memory from the shared budget as it arrives (503 when the budget is spent).
pub(crate) async fn read_body(
    headers: &HeaderMap,
    body: Body,
    limits: &ServerLimits,
    budget: &BodyBudget,
) -> Result<ReadBody, HttpRefusal> {
    let too_large = |len: usize| {
        HttpRefusal::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            ErrorCode::SERVICE_TIMEOUT,
            format!(
                "Err_Body_Too_Large: the body has {len} bytes or more, more than {}",
                limits.max_body_bytes
            ),
        )
    };
    let declared = headers
        .get(header::CONTENT_LENGTH)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.trim().parse::<usize>().ok());
    if let Some(declared) = declared {
        if declared > limits.max_body_bytes {
            return Err(too_large(declared));
        }
    }
    // The buffer grows as the body arrives, never past the declared length, and each growth
    // is taken from the shared budget first: a stalled upload holds about what it has sent,
    // not what it announced.
    let cap = declared.unwrap_or(limits.max_body_bytes);
    let mut memory: Option<OwnedSemaphorePermit> = None;
    let mut buf: Vec<u8> = Vec::new();
    let read = async {
        let mut stream = body.into_data_stream();
        while let Some(chunk) = stream.next().await {
            let chunk = chunk.map_err(|err| {
                HttpRefusal::new(
                    StatusCode::BAD_REQUEST,
                    ErrorCode::SERVICE_TIMEOUT,
                    format!("Err_Bad_Body: the body could not be read: {err}"),
                )
            })?;
            let needed = buf.len() + chunk.len();
            if needed > limits.max_body_bytes {
                return Err(too_large(needed));
            }
            if needed > buf.capacity() {
                let grown = needed.max(buf.capacity() * 2).min(cap.max(needed));
                let more = budget.take(grown - buf.capacity())?;
                memory = match (memory.take(), more) {
                    (Some(mut held), Some(more)) => {
                        held.merge(more);
                        Some(held)
                    }
                    (held, more) => held.or(more),
                };
                buf.reserve_exact(grown - buf.len());
            }
            buf.extend_from_slice(&chunk);
        }
        Ok(())
    };
    let outcome = tokio::time::timeout(limits.body_timeout, read).await;
    match outcome {
        Ok(Ok(())) => Ok(ReadBody {
            // `Bytes` keeps the whole allocation; a body shorter than announced gives back the
            // rest, so that the request log's cost of it is exact.
            bytes: Bytes::from({
                buf.shrink_to_fit();
                buf
            }),
            _memory: memory,
        }),
        Ok(Err(refusal)) => Err(refusal),
        Err(_) => Err(HttpRefusal::new(
            StatusCode::REQUEST_TIMEOUT,
            ErrorCode::SERVICE_TIMEOUT,
            format!(
                "Err_Body_Timeout: the body did not arrive within {:?}",
                limits.body_timeout
            ),
        )),
    }
}

/// Reads and drops the body of a request that is refused before its body is needed (a bad
/// signature): within the same size and time limits as [`read_body`], but keeping none of it,
/// so an unsigned caller costs no memory; reading it keeps the refusal from being lost to a
/// reset of a connection closed on a client still sending.
pub(crate) async fn discard_body(body: Body, limits: &ServerLimits) {
    let drain = async {
        let mut stream = body.into_data_stream();
        let mut seen = 0usize;
        while let Some(Ok(chunk)) = stream.next().await {
            seen = seen.saturating_add(chunk.len());
            if seen > limits.max_body_bytes {
                break;
            }
        }
    };
    let _ = tokio::time::timeout(limits.body_timeout, drain).await;
}

/// The socket as hyper sees it. hyper answers a request it cannot parse by itself (400 for a
/// malformed one, 414 / 431 for one over its buffer or header count) with an empty body, before
/// any route sees it; this rewrites exactly those answers into the envelope, so that no
/// refusal is bodiless. Every answer of the emulator's own carries a JSON body, so an empty 400,
/// 414 or 431 can only be hyper's.
struct EnvelopeIo {
    inner: TcpStream,
    /// The rewritten answer still to be written, and how much of it is written.
    pending: Option<(Vec<u8>, usize)>,
}

impl EnvelopeIo {
    fn new(inner: TcpStream) -> Self {
        Self {
            inner,
            pending: None,
        }
    }

    /// The envelope answer replacing `head`, when `head` is one of hyper's bodiless refusals.
    fn rewrite(head: &[u8]) -> Option<Vec<u8>> {
        let end = head.windows(4).position(|w| w == b"\r\n\r\n")?;
        let head = std::str::from_utf8(&head[..end]).ok()?;
        let mut lines = head.split("\r\n");
        let status = lines.next()?.strip_prefix("HTTP/1.1 ")?.get(..3)?;
        let bodiless = lines.any(|line| {
            line.split_once(':').is_some_and(|(name, value)| {
                name.eq_ignore_ascii_case("content-length") && value.trim() == "0"
            })
        });
        let (status, code, info) = match status {
            "400" => (
                StatusCode::BAD_REQUEST,
                ErrorCode::SERVICE_TIMEOUT,
                "Err_Bad_Http_Format: the request is not well-formed HTTP/1.1",
            ),
            "414" => (
                StatusCode::URI_TOO_LONG,
                ErrorCode::URL_PARSE_ERROR,
                "Err_Url_Too_Long: the request target is too long",
            ),
            "431" => (
                StatusCode::REQUEST_HEADER_FIELDS_TOO_LARGE,
                ErrorCode::SERVICE_TIMEOUT,
                "Err_Headers_Too_Large: the request head is too large or has too many fields",
            ),
            _ => return None,
        };
        if !bodiless {
            return None;
        }
        let body = envelope_json(code, info);
        let mut answer = format!(
            "HTTP/1.1 {status}\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n",
            body.len()
        )
        .into_bytes();
        answer.extend_from_slice(&body);
        Some(answer)
    }

    /// Writes what is left of a rewritten answer.
    fn poll_pending(&mut self, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        while let Some((answer, written)) = &mut self.pending {
            if *written == answer.len() {
                self.pending = None;
                break;
            }
            let n = ready!(Pin::new(&mut self.inner).poll_write(cx, &answer[*written..]))?;
            if n == 0 {
                return Poll::Ready(Err(io::ErrorKind::WriteZero.into()));
            }
            *written += n;
        }
        Poll::Ready(Ok(()))
    }
}

impl AsyncRead for EnvelopeIo {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().inner).poll_read(cx, buf)
    }
}

impl AsyncWrite for EnvelopeIo {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        let this = self.get_mut();
        ready!(this.poll_pending(cx))?;
        // hyper writes an automatic answer's head in one piece (this type does not offer
        // vectored writes, so hyper flattens its buffers first).
        if buf.starts_with(b"HTTP/1.1 4") {
            if let Some(answer) = Self::rewrite(buf) {
                this.pending = Some((answer, 0));
                // hyper's head counts as written; the envelope goes out in its place.
                let _ = this.poll_pending(cx)?;
                return Poll::Ready(Ok(buf.len()));
            }
        }
        Pin::new(&mut this.inner).poll_write(cx, buf)
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        ready!(this.poll_pending(cx))?;
        Pin::new(&mut this.inner).poll_flush(cx)
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        ready!(this.poll_pending(cx))?;
        Pin::new(&mut this.inner).poll_shutdown(cx)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_bodiless_400_414_431_are_rewritten() {
        let hyper_431 =
            b"HTTP/1.1 431 Request Header Fields Too Large\r\ncontent-length: 0\r\ndate: x\r\n\r\n";
        let answer = EnvelopeIo::rewrite(hyper_431).unwrap();
        let text = String::from_utf8(answer).unwrap();
        assert!(text.starts_with("HTTP/1.1 431 Request Header Fields Too Large\r\n"));
        let body: serde_json::Value =
            serde_json::from_str(text.split("\r\n\r\n").nth(1).unwrap()).unwrap();
        assert_eq!(body["ActionStatus"], "FAIL");
        assert_eq!(body["ErrorCode"], 60008);

        let own = b"HTTP/1.1 413 Payload Too Large\r\ncontent-length: 0\r\n\r\n";
        assert!(EnvelopeIo::rewrite(own).is_none());
        let with_body = b"HTTP/1.1 400 Bad Request\r\ncontent-length: 12\r\n\r\n{\"a\":1}";
        assert!(EnvelopeIo::rewrite(with_body).is_none());
        assert!(EnvelopeIo::rewrite(b"HTTP/1.1 400 Bad Request\r\n").is_none());
    }
}
