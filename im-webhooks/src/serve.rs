//! [`serve`]: the [`Webhooks`](crate::Webhooks) router on a socket open to the internet, with
//! the limits `axum::serve` leaves out.

use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use hyper::body::Incoming;
use hyper_util::rt::{TokioIo, TokioTimer};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{watch, OwnedSemaphorePermit, Semaphore};
use tokio::task::JoinSet;
use tower::ServiceExt;

/// Connections served at once unless told otherwise.
pub const DEFAULT_MAX_CONNECTIONS: usize = 256;
/// How long a client may take to send a request's head, and how long a kept-alive connection
/// may wait for its next request, unless told otherwise.
pub const DEFAULT_HEADER_TIMEOUT: Duration = Duration::from_secs(10);

/// Largest request head (request line and headers) read: Tencent's are far smaller.
const MAX_HEAD_BYTES: usize = 16 * 1024;
/// Pause after a failed `accept` (out of file descriptors, say), so that it is not retried in
/// a busy loop.
const ACCEPT_BACKOFF: Duration = Duration::from_millis(50);

/// What one client may hold of a [`serve`]d receiver. The body is bounded by the router
/// itself ([`crate::DEFAULT_BODY_LIMIT`], and the handler deadline for reading it).
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct ServeLimits {
    /// Connections open at once ([`DEFAULT_MAX_CONNECTIONS`]); more wait in the kernel's
    /// backlog until one closes.
    pub max_connections: usize,
    /// Time to send a request's head, and the most a kept-alive connection may sit idle
    /// ([`DEFAULT_HEADER_TIMEOUT`]): slow-header and idle connections are both closed after it.
    pub header_timeout: Duration,
}

impl Default for ServeLimits {
    fn default() -> Self {
        Self {
            max_connections: DEFAULT_MAX_CONNECTIONS,
            header_timeout: DEFAULT_HEADER_TIMEOUT,
        }
    }
}

impl ServeLimits {
    /// [`ServeLimits::max_connections`] (at least 1).
    pub fn max_connections(mut self, connections: usize) -> Self {
        self.max_connections = connections.max(1);
        self
    }

    /// [`ServeLimits::header_timeout`].
    pub fn header_timeout(mut self, timeout: Duration) -> Self {
        self.header_timeout = timeout;
        self
    }
}

/// Serves `router` (from [`Webhooks::router`](crate::Webhooks::router)) over HTTP/1 on
/// `listener` until `stop` resolves, under `limits`: at most `max_connections` connections,
/// each closed when a request head takes longer than `header_timeout` to arrive or when it
/// sits idle that long between requests.
///
/// When `stop` resolves, no new connection is accepted; requests in flight get
/// `header_timeout` to finish, then their connections are closed.
///
/// ```
/// use std::time::Duration;
/// use tencent_im_webhooks::{serve, ServeLimits, Verifier, WebhookToken, Webhooks};
///
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
/// let verifier = Verifier::new(1400000000, WebhookToken::new("token from the console")?);
/// let router = Webhooks::new(verifier).router();
/// let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
/// let limits = ServeLimits::default()
///     .max_connections(64)
///     .header_timeout(Duration::from_secs(5));
/// // In a service, `stop` would be a shutdown signal; here it stops at once.
/// let stop = async {};
/// serve(listener, router, limits, stop).await;
/// # Ok(()) }
/// ```
pub async fn serve(
    listener: TcpListener,
    router: Router,
    limits: ServeLimits,
    stop: impl Future<Output = ()>,
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
        // The slot is taken before accepting: at the cap, clients wait in the backlog, where
        // they cost no file descriptor.
        let slot = tokio::select! {
            biased;
            () = &mut stop => break,
            Some(_) = connections.join_next() => continue,
            slot = Arc::clone(&slots).acquire_owned() => match slot {
                Ok(slot) => slot,
                Err(_) => break,
            },
        };
        let stream = tokio::select! {
            biased;
            () = &mut stop => break,
            accepted = listener.accept() => match accepted {
                Ok((stream, _)) => stream,
                Err(err) => {
                    tracing::warn!(error = %err, "webhook receiver cannot accept a connection");
                    drop(slot);
                    tokio::time::sleep(ACCEPT_BACKOFF).await;
                    continue;
                }
            },
        };
        connections.spawn(serve_connection(
            http.clone(),
            stream,
            router.clone(),
            slot,
            drain_signal.clone(),
        ));
    }
    drop(listener);
    let _ = draining.send(true);
    let drained = tokio::time::timeout(limits.header_timeout, async {
        while connections.join_next().await.is_some() {}
    })
    .await;
    if drained.is_err() {
        connections.shutdown().await;
    }
}

async fn serve_connection(
    http: hyper::server::conn::http1::Builder,
    stream: TcpStream,
    router: Router,
    _slot: OwnedSemaphorePermit,
    mut draining: watch::Receiver<bool>,
) {
    let service = hyper::service::service_fn(move |request: hyper::Request<Incoming>| {
        router.clone().oneshot(request)
    });
    let connection = http.serve_connection(TokioIo::new(stream), service);
    tokio::pin!(connection);
    tokio::select! {
        result = connection.as_mut() => {
            if let Err(err) = result {
                tracing::debug!(error = %err, "webhook connection ended");
            }
        }
        () = async { let _ = draining.wait_for(|draining| *draining).await; } => {
            // Answers the request in flight, if any, then closes; an idle connection closes
            // at once.
            connection.as_mut().graceful_shutdown();
            let _ = connection.await;
        }
    }
}
