//! [`Webhooks`]: an axum router that verifies callbacks, hands them to async handlers and answers
//! in time.

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::time::Duration;

use axum::body::Body;
use axum::extract::{RawQuery, State};
use axum::http::{header, Method, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Router;

use crate::answer::{Ack, PrevAnswer};
use crate::error::{failure_json, WebhookError};
use crate::events::{Callback, Event, PrevFriendAdd, PrevFriendResponse};
use crate::query::CallbackQuery;
use crate::verify::Verifier;

/// How long a handler may run before the callback is answered with a timeout: 1.5 s.
///
/// Tencent waits 2 s for the answer; the other 0.5 s is left for the network both ways and for
/// reading and writing the bodies.
pub const DEFAULT_HANDLER_TIMEOUT: Duration = Duration::from_millis(1500);

type BoxFuture<T> = Pin<Box<dyn Future<Output = T> + Send + 'static>>;
type OnEvent = Arc<dyn Fn(Callback) -> BoxFuture<()> + Send + Sync>;
type OnPrev<E> = Arc<dyn Fn(CallbackQuery, E) -> BoxFuture<PrevAnswer> + Send + Sync>;

/// A webhook receiver: verifies each callback with its [`Verifier`], decodes it, runs your
/// handler and answers within Tencent's 2 s.
///
/// Dispatch: a "before" callback with its own handler ([`Webhooks::on_prev_friend_add`],
/// [`Webhooks::on_prev_friend_response`]) goes to that handler, whose [`PrevAnswer`] is the
/// answer. Every other callback, unknown commands included, goes to [`Webhooks::on_event`] and
/// is answered with [`Ack`]; a "before" callback answered this way lets every item through.
///
/// Answers: a refused callback gets the HTTP status of its [`WebhookError`] (401, 400 or 413)
/// and a `FAIL` envelope, and reaches no handler. A handler still running after the timeout
/// ([`DEFAULT_HANDLER_TIMEOUT`]) is left to finish on its own task while the callback is
/// answered 504 with a `FAIL` envelope, which Tencent treats as it does its own timeout (a
/// "before" action proceeds); a handler that panics is answered 500. Both are logged with
/// `tracing`.
///
/// ```no_run
/// use tencent_im_webhooks::{axum, Event, PrevAnswer, Verdict, Verifier, Webhooks, WebhookToken};
///
/// # async fn demo() -> Result<(), Box<dyn std::error::Error>> {
/// let verifier = Verifier::new(1400000000, WebhookToken::new("console token")?);
/// let app = Webhooks::new(verifier)
///     .on_event(|callback| async move {
///         if let Event::FriendDelete(deleted) = callback.event {
///             println!("{} pairs deleted", deleted.pair_list.len());
///         }
///     })
///     .on_prev_friend_add(|_query, request| async move {
///         let refusal = Verdict::refuse(38001).unwrap_or(Verdict::ALLOW);
///         request.friend_item.iter().fold(PrevAnswer::new(), |answer, item| {
///             if item.add_wording.as_deref().is_some_and(|w| w.contains("spam")) {
///                 answer.refuse(&item.to_account, refusal, "refused")
///             } else {
///                 answer.allow(&item.to_account)
///             }
///         })
///     })
///     .router();
/// let listener = tokio::net::TcpListener::bind("0.0.0.0:8080").await?;
/// axum::serve(listener, app).await?;
/// # Ok(()) }
/// ```
#[derive(Clone)]
pub struct Webhooks {
    verifier: Arc<Verifier>,
    timeout: Duration,
    on_event: Option<OnEvent>,
    on_prev_friend_add: Option<OnPrev<PrevFriendAdd>>,
    on_prev_friend_response: Option<OnPrev<PrevFriendResponse>>,
}

impl fmt::Debug for Webhooks {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Webhooks")
            .field("verifier", &self.verifier)
            .field("timeout", &self.timeout)
            .field("on_event", &self.on_event.is_some())
            .field("on_prev_friend_add", &self.on_prev_friend_add.is_some())
            .field(
                "on_prev_friend_response",
                &self.on_prev_friend_response.is_some(),
            )
            .finish()
    }
}

impl Webhooks {
    /// A receiver that acknowledges every verified callback (add handlers with the `on_*`
    /// methods).
    pub fn new(verifier: Verifier) -> Self {
        Self {
            verifier: Arc::new(verifier),
            timeout: DEFAULT_HANDLER_TIMEOUT,
            on_event: None,
            on_prev_friend_add: None,
            on_prev_friend_response: None,
        }
    }

    /// How long a handler may run ([`DEFAULT_HANDLER_TIMEOUT`] by default).
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// Handles every callback without a handler of its own; answered with [`Ack`].
    pub fn on_event<F, Fut>(mut self, handler: F) -> Self
    where
        F: Fn(Callback) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = ()> + Send + 'static,
    {
        self.on_event = Some(Arc::new(move |callback| Box::pin(handler(callback))));
        self
    }

    /// Decides `Sns.CallbackPrevFriendAdd`, item by item.
    pub fn on_prev_friend_add<F, Fut>(mut self, handler: F) -> Self
    where
        F: Fn(CallbackQuery, PrevFriendAdd) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = PrevAnswer> + Send + 'static,
    {
        self.on_prev_friend_add = Some(Arc::new(move |query, event| {
            Box::pin(handler(query, event))
        }));
        self
    }

    /// Decides `Sns.CallbackPrevFriendResponse`, item by item.
    pub fn on_prev_friend_response<F, Fut>(mut self, handler: F) -> Self
    where
        F: Fn(CallbackQuery, PrevFriendResponse) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = PrevAnswer> + Send + 'static,
    {
        self.on_prev_friend_response = Some(Arc::new(move |query, event| {
            Box::pin(handler(query, event))
        }));
        self
    }

    /// The router: answers a POST at any path (serve it alone, or mount it in your app with
    /// `Router::nest_service("/your/callback/path", ...)`); other methods get 405.
    pub fn router(self) -> Router {
        Router::new().fallback(receive).with_state(Arc::new(self))
    }

    /// The answer to one request: checks, decodes, dispatches.
    async fn answer(&self, method: &Method, query: Option<&str>, body: Body) -> Response {
        if method != Method::POST {
            let mut response = json(
                StatusCode::METHOD_NOT_ALLOWED,
                failure_json(405, "Tencent POSTs its callbacks"),
            );
            response
                .headers_mut()
                .insert(header::ALLOW, header::HeaderValue::from_static("POST"));
            return response;
        }
        // The query first: a caller that is not Tencent for this app is refused before its body
        // is read.
        let query = match self.verifier.check_query(query.unwrap_or("")) {
            Ok(query) => query,
            Err(error) => return refuse(&error),
        };
        let limit = self.verifier.max_body();
        // The body shares the handler's deadline: a caller trickling it in (or replaying a
        // captured signed URL) cannot hold the connection and its buffer for longer.
        let body = match tokio::time::timeout(self.timeout, axum::body::to_bytes(body, limit)).await
        {
            Ok(Ok(body)) => body,
            // Over the limit, or the caller went away mid-body: either way nothing to decode.
            Ok(Err(_)) => return refuse(&WebhookError::BodyTooLarge { limit }),
            Err(_) => {
                let timeout_ms = self.timeout.as_millis() as u64;
                return refuse(&WebhookError::BodyTimeout { timeout_ms });
            }
        };
        let callback = match self.verifier.decode(query, &body) {
            Ok(callback) => callback,
            Err(error) => return refuse(&error),
        };
        let command = callback.event.command().to_owned();
        let work = self.dispatch(callback);
        // Its own task: a panic becomes a JoinError (answered 500) instead of unwinding through
        // the connection, and a handler past its deadline keeps running after the answer.
        match tokio::time::timeout(self.timeout, tokio::spawn(work)).await {
            Ok(Ok(body)) => json(StatusCode::OK, body),
            Ok(Err(join)) => {
                tracing::error!(%command, error = %join, "webhook handler failed");
                json(
                    StatusCode::INTERNAL_SERVER_ERROR,
                    failure_json(500, "the handler failed"),
                )
            }
            Err(_) => {
                tracing::warn!(
                    %command,
                    timeout_ms = self.timeout.as_millis(),
                    "webhook handler overran; answered with a timeout, it keeps running"
                );
                json(
                    StatusCode::GATEWAY_TIMEOUT,
                    failure_json(
                        504,
                        &format!(
                            "the handler did not finish within {} ms",
                            self.timeout.as_millis()
                        ),
                    ),
                )
            }
        }
    }

    /// The handler's work for one callback, ending in the answer's body.
    fn dispatch(&self, callback: Callback) -> BoxFuture<Vec<u8>> {
        let Callback { query, event } = callback;
        match event {
            Event::PrevFriendAdd(event) => match self.on_prev_friend_add.clone() {
                Some(handler) => Box::pin(async move { handler(query, event).await.to_json() }),
                None => self.observe(query, Event::PrevFriendAdd(event)),
            },
            Event::PrevFriendResponse(event) => match self.on_prev_friend_response.clone() {
                Some(handler) => Box::pin(async move { handler(query, event).await.to_json() }),
                None => self.observe(query, Event::PrevFriendResponse(event)),
            },
            event => self.observe(query, event),
        }
    }

    /// Runs `on_event`; a "before" callback that reaches it lets every item through.
    fn observe(&self, query: CallbackQuery, event: Event) -> BoxFuture<Vec<u8>> {
        let answer = match &event {
            Event::PrevFriendAdd(event) => PrevAnswer::allow_all(event.to_accounts()).to_json(),
            Event::PrevFriendResponse(event) => {
                PrevAnswer::allow_all(event.to_accounts()).to_json()
            }
            _ => Ack.to_json(),
        };
        let handler = self.on_event.clone();
        Box::pin(async move {
            if let Some(handler) = handler {
                handler(Callback { query, event }).await;
            }
            answer
        })
    }
}

async fn receive(
    State(hooks): State<Arc<Webhooks>>,
    method: Method,
    RawQuery(query): RawQuery,
    body: Body,
) -> Response {
    hooks.answer(&method, query.as_deref(), body).await
}

fn refuse(error: &WebhookError) -> Response {
    tracing::warn!(%error, "refused a webhook callback");
    let status = StatusCode::from_u16(error.status()).unwrap_or(StatusCode::BAD_REQUEST);
    json(status, error.envelope_json())
}

fn json(status: StatusCode, body: Vec<u8>) -> Response {
    (
        status,
        [(header::CONTENT_TYPE, "application/json; charset=utf-8")],
        body,
    )
        .into_response()
}
