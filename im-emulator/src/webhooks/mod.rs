//! Sending Tencent's webhooks to the app's URL: signed as the console does, in order, each
//! within a timeout, never retried, and every outcome kept where a test or a page can read it.
//!
//! A call's events come from the outbox of the [`World`](crate::World), drained by its route
//! under the lock on the world and queued here without waiting: a full queue drops the event
//! and counts it as a failed delivery, so a slow receiver never holds up a REST call nor grows
//! the emulator's memory. One task sends the queued events one at a time. The "before"
//! callbacks of the control calls are sent at once and awaited by the call instead.

pub(crate) mod http;

use std::collections::{HashMap, VecDeque};
use std::fmt;
use std::net::IpAddr;
use std::num::NonZeroU32;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use serde::Serialize;
use tencent_im_core::Clock;
use tencent_im_webhooks::{
    sign, Event, ItemVerdict, OptPlatform, PrevAnswer, RequestOverLimit, WebhookToken,
};
use tokio::sync::{mpsc, oneshot};
use tokio::time::Instant;
use url::Url;

/// How long a delivery may take, connecting included, unless told otherwise: 2 s, the time
/// Tencent gives a receiver to answer.
pub const DEFAULT_WEBHOOK_TIMEOUT: Duration = Duration::from_secs(2);
/// Events waiting to be sent unless told otherwise; past it, new ones are dropped.
pub const DEFAULT_WEBHOOK_QUEUE: usize = 1024;
/// How many of the latest deliveries [`WebhookStatus::recent`] keeps.
pub const WEBHOOK_HISTORY: usize = 100;
/// The most of a receiver's answer that is read: a "before" answer of 1000 items is about
/// 60 KB.
pub const MAX_WEBHOOK_ANSWER_BYTES: usize = 256 * 1024;
/// How much of an answer a [`DeliveryRecord`] keeps.
const ANSWER_EXCERPT_BYTES: usize = 1024;

/// Where and how webhooks are sent (see
/// [`EmulatorBuilder::webhook`](crate::EmulatorBuilder::webhook)).
#[derive(Clone)]
pub(crate) struct WebhookConfig {
    pub(crate) url: Url,
    /// `None`: authentication is off, no `Sign` nor `RequestTime` is sent.
    pub(crate) token: Option<WebhookToken>,
    pub(crate) timeout: Duration,
    pub(crate) queue: usize,
}

impl fmt::Debug for WebhookConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("WebhookConfig")
            .field("url", &without_password(self.url.clone()))
            .field("token", &self.token)
            .field("timeout", &self.timeout)
            .field("queue", &self.queue)
            .finish()
    }
}

/// The URL and token given to the builder. `Debug` shows the URL without its password
/// (reqwest sends it as Basic authentication) and the token redacted.
#[derive(Clone)]
pub(crate) struct WebhookTarget {
    pub(crate) url: Url,
    pub(crate) token: Option<WebhookToken>,
}

impl fmt::Debug for WebhookTarget {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("WebhookTarget")
            .field("url", &without_password(self.url.clone()))
            .field("token", &self.token)
            .finish()
    }
}

/// What caused an event: the `ClientIP` and `OptPlatform` of its query.
#[derive(Debug, Clone)]
pub(crate) struct Origin {
    pub(crate) client_ip: IpAddr,
    pub(crate) platform: OptPlatform,
}

impl Origin {
    /// A REST call from `client_ip`.
    pub(crate) fn rest(client_ip: IpAddr) -> Self {
        Self {
            client_ip,
            platform: OptPlatform::RestApi,
        }
    }

    /// A user's client (a control call) from `client_ip`: the emulator plays a Web client.
    pub(crate) fn client(client_ip: IpAddr) -> Self {
        Self {
            client_ip,
            platform: OptPlatform::Web,
        }
    }
}

/// One delivery, as [`RunningEmulator::webhook_status`](crate::RunningEmulator::webhook_status)
/// and `GET /emulator/webhooks` show it.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "PascalCase")]
#[non_exhaustive]
pub struct DeliveryRecord {
    /// `CallbackCommand`.
    pub command: String,
    /// The URL it was sent to, with its query but without `Sign` (nor a password).
    pub url: String,
    /// Whether the receiver answered HTTP 200 in time.
    pub delivered: bool,
    /// The receiver's HTTP status, when it answered.
    pub status: Option<u16>,
    /// What went wrong: a connection error, the timeout, a dropped event, an answer too large
    /// or not understood.
    pub error: Option<String>,
    /// From sending to the end of the answer, in milliseconds.
    pub latency_ms: u64,
    /// The start of the receiver's answer (at most 1 KiB, as text).
    pub answer: String,
    /// The items a "before" callback's answer refused.
    pub refusals: Vec<ItemVerdict>,
}

/// The webhook sender's counts and latest deliveries.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "PascalCase")]
#[non_exhaustive]
pub struct WebhookStatus {
    /// The URL webhooks go to (without a password); `None` when none is configured.
    pub url: Option<String>,
    /// Whether deliveries carry `Sign` and `RequestTime`.
    pub signed: bool,
    /// Deliveries the receiver answered with HTTP 200 in time.
    pub delivered: u64,
    /// Deliveries that failed, the dropped ones included.
    pub failed: u64,
    /// Events dropped because the queue was full.
    pub dropped: u64,
    /// The latest deliveries, oldest first (at most [`WEBHOOK_HISTORY`]).
    pub recent: Vec<DeliveryRecord>,
}

impl WebhookStatus {
    /// The status of an emulator without a webhook URL.
    pub(crate) fn off() -> Self {
        Self {
            url: None,
            signed: false,
            delivered: 0,
            failed: 0,
            dropped: 0,
            recent: Vec::new(),
        }
    }
}

/// An event waiting to be sent.
#[derive(Debug)]
pub(crate) struct Delivery {
    event: Event,
    origin: Origin,
}

/// The calls of one path in one second of the emulator's clock, for `Alert.RequestOverLimit`.
#[derive(Debug, Default)]
struct Window {
    second: u64,
    calls: u64,
    alerted: bool,
}

/// Sends the webhooks of one running emulator.
pub(crate) struct Sender {
    config: WebhookConfig,
    sdkappid: u64,
    clock: Arc<dyn Clock>,
    http: reqwest::Client,
    queue: mpsc::Sender<Delivery>,
    recent: Mutex<VecDeque<DeliveryRecord>>,
    delivered: AtomicU64,
    failed: AtomicU64,
    dropped: AtomicU64,
    windows: Mutex<HashMap<&'static str, Window>>,
}

impl fmt::Debug for Sender {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Sender")
            .field("config", &self.config)
            .finish_non_exhaustive()
    }
}

impl Sender {
    /// A sender, and the queue its task reads.
    pub(crate) fn new(
        config: WebhookConfig,
        sdkappid: u64,
        clock: Arc<dyn Clock>,
    ) -> std::io::Result<(Self, mpsc::Receiver<Delivery>)> {
        let invalid =
            |reason: String| std::io::Error::new(std::io::ErrorKind::InvalidInput, reason);
        if !matches!(config.url.scheme(), "http" | "https") {
            return Err(invalid(format!(
                "the webhook URL must be http or https, not {:?}",
                config.url.scheme()
            )));
        }
        if config.url.scheme() == "https" && !cfg!(any(feature = "rustls", feature = "native-tls"))
        {
            return Err(invalid(
                "the webhook URL is https, but this emulator was built without TLS: build it \
                 with the `rustls` or `native-tls` feature, or use an http URL"
                    .to_owned(),
            ));
        }
        if config.timeout.is_zero() {
            return Err(invalid("the webhook timeout must be positive".to_owned()));
        }
        let http = reqwest::Client::builder()
            // The signed URL goes to the configured host only: no redirect is followed, no
            // proxy from the environment is used.
            .redirect(reqwest::redirect::Policy::none())
            .no_proxy()
            .build()
            .map_err(|err| {
                invalid(format!(
                    "cannot build the webhook client: {}",
                    describe(&err)
                ))
            })?;
        let (queue, deliveries) = mpsc::channel(config.queue.max(1));
        let sender = Self {
            config,
            sdkappid,
            clock,
            http,
            queue,
            recent: Mutex::new(VecDeque::with_capacity(WEBHOOK_HISTORY)),
            delivered: AtomicU64::new(0),
            failed: AtomicU64::new(0),
            dropped: AtomicU64::new(0),
            windows: Mutex::new(HashMap::new()),
        };
        Ok((sender, deliveries))
    }

    /// Queues a call's events in order, without waiting: an event that does not fit is dropped
    /// and counted as a failed delivery.
    pub(crate) fn enqueue(&self, events: Vec<Event>, origin: &Origin) {
        for event in events {
            let delivery = Delivery {
                event,
                origin: origin.clone(),
            };
            if let Err(err) = self.queue.try_send(delivery) {
                let (delivery, reason) = match err {
                    mpsc::error::TrySendError::Full(delivery) => (
                        delivery,
                        format!(
                            "dropped: {} events were already waiting to be sent",
                            self.config.queue.max(1)
                        ),
                    ),
                    mpsc::error::TrySendError::Closed(delivery) => (
                        delivery,
                        "dropped: the emulator is shutting down".to_owned(),
                    ),
                };
                self.dropped.fetch_add(1, Ordering::Relaxed);
                self.record(DeliveryRecord {
                    command: delivery.event.command().to_owned(),
                    url: self.shown_url(delivery.event.command(), &delivery.origin, None),
                    delivered: false,
                    status: None,
                    error: Some(reason),
                    latency_ms: 0,
                    answer: String::new(),
                    refusals: Vec::new(),
                });
            }
        }
    }

    /// Counts an authenticated REST call to `path`; the call that passes 80 % of `rate` within
    /// one second of the emulator's clock queues `Alert.RequestOverLimit`, once per path and
    /// second.
    pub(crate) fn count_call(&self, path: &'static str, rate: NonZeroU32, origin: &Origin) {
        let now = self.clock.unix_now();
        let calls = {
            let mut windows = self.windows.lock().unwrap_or_else(PoisonError::into_inner);
            let window = windows.entry(path).or_default();
            if window.second != now {
                *window = Window {
                    second: now,
                    ..Window::default()
                };
            }
            window.calls += 1;
            let over = window.calls * 5 > u64::from(rate.get()) * 4;
            if !over || window.alerted {
                return;
            }
            window.alerted = true;
            window.calls
        };
        let (service, command) = match path.rsplit_once('/') {
            Some((service, command)) => (service.strip_prefix("v4/").unwrap_or(service), command),
            None => ("", path),
        };
        let alert = RequestOverLimit::new(service, command, calls, u64::from(rate.get()));
        self.enqueue(vec![Event::RequestOverLimit(alert)], origin);
    }

    /// Sends a "before" callback and waits for its answer: `None` when it failed or timed out
    /// (the action then proceeds, as on the service).
    pub(crate) async fn ask(&self, event: Event, origin: &Origin) -> Option<PrevAnswer> {
        self.send(&event, origin, true).await
    }

    /// Sends one event and records the outcome; the answer of a "before" callback (`prev`) is
    /// read as a [`PrevAnswer`].
    async fn send(&self, event: &Event, origin: &Origin, prev: bool) -> Option<PrevAnswer> {
        let command = event.command();
        let request_time = self.clock.unix_now();
        let url = self.signed_url(command, origin, request_time);
        let started = Instant::now();
        let exchange = async {
            let body = event
                .encode()
                .map_err(|err| format!("cannot encode the event: {err}"))?;
            self.exchange(url, body).await
        };
        let outcome = tokio::time::timeout(self.config.timeout, exchange)
            .await
            .unwrap_or_else(|_| {
                Err(format!(
                    "no answer within {} ms",
                    self.config.timeout.as_millis()
                ))
            });
        let latency_ms = u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX);
        let mut record = DeliveryRecord {
            command: command.to_owned(),
            url: self.shown_url(command, origin, Some(request_time)),
            delivered: false,
            status: None,
            error: None,
            latency_ms,
            answer: String::new(),
            refusals: Vec::new(),
        };
        let mut answer = None;
        match outcome {
            Err(error) => record.error = Some(error),
            Ok((status, body)) => {
                record.status = Some(status);
                record.answer = excerpt(&body);
                if status != 200 {
                    record.error = Some(format!("the receiver answered HTTP {status}"));
                } else if prev {
                    match serde_json::from_slice::<PrevAnswer>(&body) {
                        Ok(prev) => {
                            record.refusals = prev
                                .items
                                .iter()
                                .filter(|item| !item.result_code.is_allowed())
                                .cloned()
                                .collect();
                            answer = Some(prev);
                        }
                        Err(err) => {
                            record.error = Some(format!(
                                "the answer is not a \"before\" callback's answer: {err}"
                            ));
                        }
                    }
                }
                record.delivered = record.error.is_none();
            }
        }
        if record.delivered {
            self.delivered.fetch_add(1, Ordering::Relaxed);
        } else {
            self.failed.fetch_add(1, Ordering::Relaxed);
            tracing::debug!(
                command = %record.command,
                error = ?record.error,
                "emulator webhook delivery failed"
            );
        }
        self.record(record);
        answer
    }

    /// POSTs `body` and reads the status and at most [`MAX_WEBHOOK_ANSWER_BYTES`] of the
    /// answer.
    async fn exchange(&self, url: Url, body: Vec<u8>) -> Result<(u16, Vec<u8>), String> {
        let mut response = self
            .http
            .post(url)
            .header(reqwest::header::CONTENT_TYPE, "application/json")
            .body(body)
            .send()
            .await
            .map_err(|err| describe(&err))?;
        let status = response.status().as_u16();
        let mut answer = Vec::new();
        while let Some(chunk) = response.chunk().await.map_err(|err| describe(&err))? {
            if answer.len() + chunk.len() > MAX_WEBHOOK_ANSWER_BYTES {
                return Err(format!(
                    "the answer (HTTP {status}) is over {MAX_WEBHOOK_ANSWER_BYTES} bytes"
                ));
            }
            answer.extend_from_slice(&chunk);
        }
        Ok((status, answer))
    }

    /// The configured URL with the callback's query.
    fn query_url(&self, command: &str, origin: &Origin) -> Url {
        let mut url = self.config.url.clone();
        url.query_pairs_mut()
            .append_pair("SdkAppid", &self.sdkappid.to_string())
            .append_pair("CallbackCommand", command)
            .append_pair("contenttype", "json")
            .append_pair("ClientIP", &origin.client_ip.to_string())
            .append_pair("OptPlatform", origin.platform.as_str());
        url
    }

    /// The URL a delivery goes to: with `Sign` and `RequestTime` when there is a token.
    fn signed_url(&self, command: &str, origin: &Origin, request_time: u64) -> Url {
        let mut url = self.query_url(command, origin);
        if let Some(token) = &self.config.token {
            let time = request_time.to_string();
            url.query_pairs_mut()
                .append_pair("Sign", &sign(token, &time))
                .append_pair("RequestTime", &time);
        }
        url
    }

    /// The URL as a record shows it: `RequestTime` but neither `Sign` nor a password.
    fn shown_url(&self, command: &str, origin: &Origin, request_time: Option<u64>) -> String {
        let mut url = self.query_url(command, origin);
        if let (Some(_), Some(time)) = (&self.config.token, request_time) {
            url.query_pairs_mut()
                .append_pair("RequestTime", &time.to_string());
        }
        without_password(url)
    }

    fn record(&self, record: DeliveryRecord) {
        let mut recent = self.recent.lock().unwrap_or_else(PoisonError::into_inner);
        if recent.len() == WEBHOOK_HISTORY {
            recent.pop_front();
        }
        recent.push_back(record);
    }

    /// The counts and the latest deliveries.
    pub(crate) fn status(&self) -> WebhookStatus {
        let recent = self
            .recent
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .iter()
            .cloned()
            .collect();
        let dropped = self.dropped.load(Ordering::Relaxed);
        WebhookStatus {
            url: Some(without_password(self.config.url.clone())),
            signed: self.config.token.is_some(),
            delivered: self.delivered.load(Ordering::Relaxed),
            failed: self.failed.load(Ordering::Relaxed) + dropped,
            dropped,
            recent,
        }
    }
}

/// Sends the queued events one at a time until `stop` (or its sender is dropped); what is
/// still queued then is not sent.
pub(crate) async fn deliver(
    sender: Arc<Sender>,
    mut deliveries: mpsc::Receiver<Delivery>,
    stop: oneshot::Receiver<()>,
) {
    tokio::pin!(stop);
    loop {
        let delivery = tokio::select! {
            biased;
            _ = &mut stop => return,
            next = deliveries.recv() => match next {
                Some(delivery) => delivery,
                None => return,
            },
        };
        tokio::select! {
            biased;
            _ = &mut stop => return,
            _ = sender.send(&delivery.event, &delivery.origin, false) => {}
        }
    }
}

fn without_password(mut url: Url) -> String {
    let _ = url.set_password(None);
    url.to_string()
}

/// A transport error and its causes, without the URL (which carries `Sign`).
fn describe(err: &reqwest::Error) -> String {
    let mut text = if err.is_timeout() {
        "timed out".to_owned()
    } else if err.is_connect() {
        "cannot connect".to_owned()
    } else if err.is_redirect() {
        "redirected".to_owned()
    } else {
        "the exchange failed".to_owned()
    };
    let mut source = std::error::Error::source(err);
    while let Some(cause) = source {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        source = cause.source();
    }
    text
}

/// The start of an answer as text: its first bytes, a character cut there or any invalid
/// UTF-8 shown as U+FFFD.
fn excerpt(body: &[u8]) -> String {
    let text = String::from_utf8_lossy(&body[..body.len().min(ANSWER_EXCERPT_BYTES)]);
    let mut text = text.into_owned();
    if body.len() > ANSWER_EXCERPT_BYTES {
        text.push('…');
    }
    text
}
