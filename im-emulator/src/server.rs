//! HTTP front of the emulator: the method and size checks, the body, the UserSig check (and its
//! lockout), the route of the path, its rate, faults, and the envelope around what the route
//! answers.

use std::collections::HashMap;
use std::net::{IpAddr, SocketAddr};
use std::num::NonZeroU32;
use std::sync::{Arc, Mutex};

use axum::body::Bytes;
use axum::extract::{ConnectInfo, Request, State};
use axum::http::{header, Method, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::any;
use axum::Router;
use tencent_im_core::envelope::Envelope;
use tencent_im_core::rate::{Burst, PathLimiters};
use tencent_im_core::usersig::{self, UserSigError, UserSigSigner};
use tencent_im_core::{Clock, ErrorCode, RateLimit};

use crate::faults::{Fault, FaultInjector};
use crate::lockout::Lockouts;
use crate::net::{self, BodyBudget, HttpRefusal, ServerLimits};
use crate::request_log::{Answer, RequestLog};
use crate::routes::{Route, Routes};
use crate::state::{Refusal, World};
use crate::webhooks::http::ControlLimits;
use crate::webhooks::{Origin, Sender};

/// What every request handler shares.
pub(crate) struct App {
    pub signer: UserSigSigner,
    pub admin: String,
    pub clock: Arc<dyn Clock>,
    pub world: Mutex<World>,
    pub log: RequestLog,
    pub routes: HashMap<&'static str, ServedRoute>,
    pub faults: FaultInjector,
    pub lockouts: Lockouts,
    pub limits: ServerLimits,
    pub bodies: BodyBudget,
    /// Sends the webhooks; `None` without a webhook URL.
    pub webhooks: Option<Arc<Sender>>,
    pub control_limits: ControlLimits,
}

impl std::fmt::Debug for App {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("App")
            .field("admin", &self.admin)
            .finish_non_exhaustive()
    }
}

/// A registered call as a running emulator serves it.
pub(crate) struct ServedRoute {
    pub(crate) route: Route,
    /// How the path's calls are counted; `None` when rate limiting is off.
    pub(crate) limiter: Option<PathLimiters>,
    /// How many calls the path admitted and refused, for the web page.
    pub(crate) usage: Usage,
}

/// The calls a path admitted and refused for its rate: in total, and in the current and the
/// previous second of tokio's clock. A fixed size whatever the traffic.
#[derive(Debug, Default)]
pub(crate) struct Usage {
    state: Mutex<UsageState>,
}

#[derive(Debug, Default, Clone, Copy)]
struct UsageState {
    /// The start of the current second; `None` before the first call.
    second: Option<tokio::time::Instant>,
    this_second: u32,
    last_second: u32,
    admitted: u64,
    refused: u64,
}

/// What [`Usage`] shows of a path.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct UsageFigures {
    /// Calls admitted in the second before the current one.
    pub last_second: u32,
    /// Calls admitted so far in the current second.
    pub this_second: u32,
    /// Calls admitted since the start.
    pub admitted: u64,
    /// Calls refused with 60007 since the start.
    pub refused: u64,
}

impl Usage {
    fn admitted(&self) {
        let mut state = self.lock();
        state.roll(tokio::time::Instant::now());
        state.this_second = state.this_second.saturating_add(1);
        state.admitted += 1;
    }

    fn refused(&self) {
        self.lock().refused += 1;
    }

    pub(crate) fn figures(&self) -> UsageFigures {
        let mut state = self.lock();
        state.roll(tokio::time::Instant::now());
        UsageFigures {
            last_second: state.last_second,
            this_second: state.this_second,
            admitted: state.admitted,
            refused: state.refused,
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, UsageState> {
        self.state
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

impl UsageState {
    /// Moves the current second up to `now`.
    fn roll(&mut self, now: tokio::time::Instant) {
        const SECOND: std::time::Duration = std::time::Duration::from_secs(1);
        let Some(second) = self.second else {
            self.second = Some(now);
            return;
        };
        let elapsed = now.saturating_duration_since(second);
        if elapsed >= 2 * SECOND {
            self.last_second = 0;
            self.this_second = 0;
            self.second = Some(now);
        } else if elapsed >= SECOND {
            self.last_second = self.this_second;
            self.this_second = 0;
            self.second = Some(second + SECOND);
        }
    }
}

/// The routes of a running emulator, each with its own counting when `enforce_rates`.
///
/// The counting is GCRA at the documented rate with a burst of one second's calls (im-core's
/// server limiter, on tokio's clock so paused tests are exact). The service documents "N calls
/// per second" without saying how it counts; this counting admits every client that keeps to
/// the documented spacing on average however its calls bunch on the way (up to a second
/// late), and refuses anything faster once a second's worth of excess has built up. A
/// per-second window would refuse a client holding exactly the documented rate whenever one
/// call slipped across a second boundary. Shown in im-core by
/// `the_emulators_counting_never_refuses_a_client_at_the_full_rate`.
pub(crate) fn served_routes(
    routes: Routes,
    enforce_rates: bool,
) -> HashMap<&'static str, ServedRoute> {
    routes
        .into_inner()
        .into_iter()
        .map(|(path, route)| {
            let limiter =
                enforce_rates.then(|| PathLimiters::new(RateLimit::Documented, Burst::OneSecond));
            (
                path,
                ServedRoute {
                    route,
                    limiter,
                    usage: Usage::default(),
                },
            )
        })
        .collect()
}

pub(crate) fn router(app: Arc<App>, page: Option<crate::ui::Guard>) -> Router {
    // Every method reaches the handler, which refuses all but POST with the envelope (axum's
    // own 405 has an empty body).
    let api = Router::new()
        .merge(crate::webhooks::http::routes())
        .route("/{*path}", any(handle))
        .fallback(not_found)
        .with_state(Arc::clone(&app));
    // The web page's paths, when it is served: `/` and a few static ones outside `v4/`, which
    // take precedence over the catch-all of the calls.
    match page {
        Some(guard) => crate::ui::router(app, guard).merge(api),
        None => api,
    }
}

async fn not_found() -> Response {
    reply_refusal(Refusal::new(
        ErrorCode::BAD_RESOURCE_URL,
        "Err_Bad_Resource_Url: POST v4/{service}/{command}",
    ))
}

async fn handle(
    State(app): State<Arc<App>>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    request: Request,
) -> Response {
    let started = tokio::time::Instant::now();
    let (parts, body) = request.into_parts();
    if parts.method != Method::POST {
        return HttpRefusal::new(
            StatusCode::METHOD_NOT_ALLOWED,
            ErrorCode::SERVICE_TIMEOUT,
            format!(
                "Err_Bad_Http_Method: {} is not served; every call is a POST",
                parts.method
            ),
        )
        .into_response();
    }
    let uri = &parts.uri;
    let target_len = uri.path_and_query().map_or(0, |pq| pq.as_str().len());
    if let Err(refusal) = net::check_uri_len(target_len) {
        return refusal.into_response();
    }
    let path = uri.path().trim_start_matches('/');
    // Authenticate before anything else counts the call or holds its body: an unsigned request
    // must neither spend a path's rate budget nor the memory budget for bodies, nor be told 60007
    // instead of what is wrong with its signature. Its body is drained, not kept: answering
    // before it is read would close the connection on a client still sending, which may then
    // lose the answer.
    if let Err(refusal) = app.authenticate(path, uri.query().unwrap_or(""), peer.ip()) {
        net::discard_body(body, &app.limits).await;
        return reply_refusal(refusal);
    }
    let body = match net::read_body(&parts.headers, body, &app.limits, &app.bodies).await {
        Ok(body) => body,
        Err(refusal) => return refusal.into_response(),
    };
    let Some((&path, served)) = app.routes.get_key_value(path) else {
        return reply_refusal(Refusal::new(
            ErrorCode::BAD_RESOURCE_URL,
            format!("Err_Bad_Resource_Url: {path} is not served by this emulator"),
        ));
    };
    if let Some(sender) = &app.webhooks {
        sender.count_call(path, served.route.rate, &Origin::rest(peer.ip()));
    }
    let exchange = Exchange {
        app: &app,
        path,
        served,
        at: app.clock.unix_now(),
        started,
        body: &body.bytes,
    };
    if let Some(limiter) = &served.limiter {
        if limiter.try_acquire(path, served.route.rate).is_err() {
            served.usage.refused();
            let refusal = rate_limited(path, served.route.rate);
            let code = refusal.code;
            let json = Bytes::from(refusal_json(refusal));
            exchange.log(200, Some(code), None, json.clone());
            return json_response(json);
        }
    }
    served.usage.admitted();
    let fault = app.faults.next();
    match fault {
        Some(Fault::Http502) => {
            const BAD_GATEWAY: &str = "<html><head><title>502 Bad Gateway</title></head><body><center><h1>502 Bad Gateway</h1></center></body></html>";
            exchange.log(502, None, fault, Bytes::from_static(BAD_GATEWAY.as_bytes()));
            return (
                StatusCode::BAD_GATEWAY,
                [(header::CONTENT_TYPE, "text/html")],
                BAD_GATEWAY,
            )
                .into_response();
        }
        Some(Fault::Code(code)) => {
            let json = Bytes::from(refusal_json(Refusal::new(code, "Err_Injected_Fault")));
            exchange.log(200, Some(code), fault, json.clone());
            return json_response(json);
        }
        Some(Fault::Reset) => {
            exchange.log(200, None, fault, Bytes::new());
            return cut_off(Bytes::new());
        }
        Some(Fault::Delay(delay)) => tokio::time::sleep(delay).await,
        Some(Fault::Truncate | Fault::Lost) | None => {}
    }
    let (json, code) = match (served.route.serve)(&app, &body.bytes, peer.ip()) {
        Ok(json) => (Bytes::from(json), ErrorCode::OK),
        Err(refusal) => {
            let code = refusal.code;
            (Bytes::from(refusal_json(refusal)), code)
        }
    };
    match fault {
        Some(Fault::Truncate) => {
            exchange.log(200, None, fault, json.clone());
            let half = json.len() / 2;
            cut_off(json.slice(..half))
        }
        Some(Fault::Lost) => {
            exchange.log(200, None, fault, json);
            cut_off(Bytes::new())
        }
        _ => {
            exchange.log(200, Some(code), fault, json.clone());
            json_response(json)
        }
    }
}

/// One request on its way through a route, for the request log.
struct Exchange<'a> {
    app: &'a App,
    path: &'static str,
    served: &'a ServedRoute,
    /// When it arrived, by the emulator's clock.
    at: u64,
    /// When it arrived, for its latency.
    started: tokio::time::Instant,
    body: &'a Bytes,
}

impl Exchange<'_> {
    /// Keeps the request and what it was answered in the request log.
    fn log(&self, status: u16, code: Option<ErrorCode>, fault: Option<Fault>, answer: Bytes) {
        if !self.app.log.keeps_anything() {
            return;
        }
        // The bytes it came as and the ones it was answered, not copies: they share the
        // buffers and cost the log exactly their lengths.
        self.app.log.record(
            self.path,
            self.served.route.endpoint,
            self.at,
            self.started.elapsed(),
            self.body.clone(),
            Answer {
                status,
                code,
                fault,
                body: answer,
            },
        );
    }
}

/// A 200 answer whose body stops after `head` with a broken connection.
fn cut_off(head: Bytes) -> Response {
    let chunks: Vec<Result<Bytes, std::io::Error>> = vec![
        Ok(head),
        Err(std::io::Error::new(
            std::io::ErrorKind::ConnectionReset,
            "injected fault: connection cut",
        )),
    ];
    (
        StatusCode::OK,
        [(header::CONTENT_TYPE, "application/json")],
        axum::body::Body::from_stream(futures::stream::iter(chunks)),
    )
        .into_response()
}

fn rate_limited(path: &str, rate: NonZeroU32) -> Refusal {
    Refusal::new(
        ErrorCode::REST_RATE_LIMITED,
        format!("Err_Rest_Frequency_Limit: more than {rate} calls per second to {path}"),
    )
}

/// The service a path belongs to, which decides the codes of some refusals.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Family {
    /// `v4/sns/*`: the relationship chain, and the control calls that act as a client on it
    /// (`emulator/client/*`).
    Sns,
    /// `v4/im_open_login_svc/*`: accounts.
    Accounts,
    /// Any other path.
    Other,
}

impl Family {
    pub(crate) fn of(path: &str) -> Family {
        if path.starts_with("v4/sns/") || path.starts_with("emulator/client/") {
            Family::Sns
        } else if path.starts_with("v4/im_open_login_svc/") {
            Family::Accounts
        } else {
            Family::Other
        }
    }

    /// The code of an admin-only refusal.
    fn admin_code(self) -> ErrorCode {
        match self {
            Family::Sns => ErrorCode::SNS_ADMIN_REQUIRED,
            Family::Accounts => ErrorCode::ACCOUNT_ADMIN_REQUIRED,
            Family::Other => ErrorCode::ADMIN_REQUIRED,
        }
    }

    /// The code of a body that does not fit the call: a missing field, a value of the wrong
    /// type. 70402 is the account service's, and the generic "invalid parameter".
    pub(crate) fn bad_parameter_code(self) -> ErrorCode {
        match self {
            Family::Sns => ErrorCode::SNS_BAD_PARAMETER,
            Family::Accounts | Family::Other => ErrorCode::INVALID_PARAMETER,
        }
    }
}

impl App {
    /// Checks the query string and the admin UserSig the way the service does, counting failed
    /// verifications from `source` towards the 70050 lockout.
    pub(crate) fn authenticate(
        &self,
        path: &str,
        query: &str,
        source: IpAddr,
    ) -> Result<(), Refusal> {
        let mut sdkappid = None;
        let mut identifier = None;
        let mut sig = None;
        for (name, value) in url::form_urlencoded::parse(query.as_bytes()) {
            match &*name {
                "sdkappid" => sdkappid = Some(value.into_owned()),
                "identifier" => identifier = Some(value.into_owned()),
                "usersig" => sig = Some(value.into_owned()),
                "random" if value.parse::<u32>().is_err() => {
                    return Err(Refusal::new(
                        ErrorCode::URL_PARSE_ERROR,
                        "Err_Url_Parse: random must be an unsigned 32-bit integer",
                    ));
                }
                _ => {}
            }
        }
        let sdkappid = sdkappid.ok_or_else(|| {
            Refusal::new(
                ErrorCode::SDKAPPID_MISSING,
                "Err_Sdkappid_Missing: sdkappid is required",
            )
        })?;
        let sdkappid: u64 = sdkappid.parse().map_err(|_| {
            Refusal::new(
                ErrorCode::URL_PARSE_ERROR,
                "Err_Url_Parse: sdkappid must be an integer",
            )
        })?;
        if sdkappid != self.signer.sdkappid() {
            return Err(Refusal::new(
                ErrorCode::SDKAPPID_NOT_FOUND,
                format!("Err_Sdkappid_Not_Found: {sdkappid} is not this emulator's SDKAppID"),
            ));
        }
        let identifier = identifier.unwrap_or_default();
        let sig = sig.unwrap_or_default();
        if sig.is_empty() {
            return Err(Refusal::new(ErrorCode::USERSIG_EMPTY, "Err_UserSig_Empty"));
        }
        let now = self.clock.unix_now();
        // A locked-out identifier is refused before its signature is even looked at: that is
        // what stops the guessing.
        self.lockouts.check(source, &identifier, now)?;
        let verified = self.verify(&sig, &identifier, now);
        match &verified {
            Ok(()) => self.lockouts.succeeded(source, &identifier),
            Err(refusal) if counts_as_a_guess(refusal.code) => {
                self.lockouts.failed(source, &identifier, now);
            }
            Err(_) => {}
        }
        verified?;
        if identifier != self.admin {
            return Err(Refusal::new(
                Family::of(path).admin_code(),
                format!("Err_Admin_Required: {identifier:?} is not the app admin"),
            ));
        }
        Ok(())
    }
}

impl App {
    fn verify(&self, sig: &str, identifier: &str, now: u64) -> Result<(), Refusal> {
        // A userbuf in the admin sig is accepted as long as the HMAC covers it.
        let userbuf = usersig::decode(sig)
            .map_err(sig_refusal)?
            .userbuf
            .map(|b64| {
                use base64::Engine as _;
                base64::engine::general_purpose::STANDARD.decode(b64)
            })
            .transpose()
            .map_err(|_| Refusal::new(ErrorCode::USERSIG_MALFORMED, "Err_UserSig_Bad_UserBuf"))?;
        self.signer
            .verify(sig, identifier, now, userbuf.as_deref())
            .map(|_| ())
            .map_err(sig_refusal)
    }
}

/// Whether a failed verification looks like a guess at the key, and counts towards 70050: an
/// expired signature was once good, and an empty one is no attempt.
fn counts_as_a_guess(code: ErrorCode) -> bool {
    code != ErrorCode::USERSIG_EXPIRED && code != ErrorCode::USERSIG_EMPTY
}

fn sig_refusal(err: UserSigError) -> Refusal {
    let code = match err {
        UserSigError::Empty => ErrorCode::USERSIG_EMPTY,
        UserSigError::SdkAppIdMismatch { .. } => ErrorCode::USERSIG_SDKAPPID_MISMATCH,
        UserSigError::IdentifierMismatch { .. } => ErrorCode::USERSIG_IDENTIFIER_MISMATCH,
        UserSigError::Expired { .. } => ErrorCode::USERSIG_EXPIRED,
        UserSigError::SignatureMismatch | UserSigError::UserBufMismatch => {
            ErrorCode::USERSIG_HMAC_MISMATCH
        }
        _ => ErrorCode::USERSIG_MALFORMED,
    };
    Refusal::new(code, err.to_string())
}

fn refusal_json(refusal: Refusal) -> Vec<u8> {
    serde_json::to_vec(&Envelope::fail(refusal.code, refusal.info)).unwrap_or_default()
}

pub(crate) fn reply_refusal(refusal: Refusal) -> Response {
    json_response(Bytes::from(refusal_json(refusal)))
}

fn json_response(json: Bytes) -> Response {
    (
        StatusCode::OK,
        [(header::CONTENT_TYPE, "application/json")],
        json,
    )
        .into_response()
}
