//! The emulator's own routes outside `v4/`: the control calls that act as a user's client
//! ([`crate::control`]) and `GET /emulator/webhooks`, the webhook sender's status. Each is
//! authenticated exactly as a REST call, before anything else is looked at.

use std::net::SocketAddr;
use std::sync::{Arc, PoisonError};

use axum::body::{Body, Bytes};
use axum::extract::{ConnectInfo, Request, State};
use axum::http::{header, Method, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::any;
use axum::Router;
use tencent_im_core::rate::{Burst, PathLimiters};
use tencent_im_core::{Endpoint, ErrorCode, RateLimit};
use tencent_im_webhooks::Event;

use super::{Origin, WebhookStatus};
use crate::control::{ClientFriendAdd, ClientFriendResponse};
use crate::net::{self, HttpRefusal};
use crate::routes;
use crate::server::{reply_refusal, App};
use crate::state::{Refusal, Verdicts};

/// The status route's path.
pub(crate) const STATUS_PATH: &str = "emulator/webhooks";

/// How the control calls are counted against their rates; `None` when rates are not enforced.
#[derive(Debug)]
pub(crate) struct ControlLimits(Option<PathLimiters>);

impl ControlLimits {
    pub(crate) fn new(enforce: bool) -> Self {
        Self(enforce.then(|| PathLimiters::new(RateLimit::Documented, Burst::OneSecond)))
    }
}

/// The routes, to merge into the emulator's router.
pub(crate) fn routes() -> Router<Arc<App>> {
    Router::new()
        .route(&format!("/{STATUS_PATH}"), any(status))
        .route(
            &format!("/{}", ClientFriendAdd::PATH),
            any(client_friend_add),
        )
        .route(
            &format!("/{}", ClientFriendResponse::PATH),
            any(client_friend_response),
        )
}

/// Checks the method and authenticates like a REST call, then reads the body: the request's
/// body, or the answer to give instead.
async fn admit(
    app: &App,
    peer: SocketAddr,
    request: Request,
    method: Method,
    path: &'static str,
) -> Result<Bytes, Response> {
    let (parts, body) = request.into_parts();
    if parts.method != method {
        net::discard_body(body, &app.limits).await;
        return Err(wrong_method(&parts.method, &method));
    }
    let target_len = parts.uri.path_and_query().map_or(0, |pq| pq.as_str().len());
    net::check_uri_len(target_len).map_err(IntoResponse::into_response)?;
    if let Err(refusal) = app.authenticate(path, parts.uri.query().unwrap_or(""), peer.ip()) {
        net::discard_body(body, &app.limits).await;
        return Err(reply_refusal(refusal));
    }
    read(app, &parts.headers, body).await
}

async fn read(app: &App, headers: &header::HeaderMap, body: Body) -> Result<Bytes, Response> {
    net::read_body(headers, body, &app.limits, &app.bodies)
        .await
        .map(|body| body.bytes)
        .map_err(IntoResponse::into_response)
}

fn wrong_method(got: &Method, allowed: &Method) -> Response {
    let mut response = HttpRefusal::new(
        StatusCode::METHOD_NOT_ALLOWED,
        ErrorCode::SERVICE_TIMEOUT,
        format!("Err_Bad_Http_Method: {got} is not served here; use {allowed}"),
    )
    .into_response();
    if let Ok(allow) = header::HeaderValue::from_str(allowed.as_str()) {
        response.headers_mut().insert(header::ALLOW, allow);
    }
    response
}

/// The control call's own rate, as a REST call's.
fn within_rate<E: Endpoint>(app: &App) -> Result<(), Refusal> {
    match &app.control_limits.0 {
        Some(limiter) if limiter.try_acquire(E::PATH, E::RATE).is_err() => Err(Refusal::new(
            ErrorCode::REST_RATE_LIMITED,
            format!(
                "Err_Rest_Frequency_Limit: more than {} calls per second to {}",
                E::RATE,
                E::PATH
            ),
        )),
        _ => Ok(()),
    }
}

/// `GET /emulator/webhooks`: the sender's counts and latest deliveries after the envelope's
/// fields; never the token nor a `Sign`.
async fn status(
    State(app): State<Arc<App>>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    request: Request,
) -> Response {
    if let Err(response) = admit(&app, peer, request, Method::GET, STATUS_PATH).await {
        return response;
    }
    let status = app
        .webhooks
        .as_ref()
        .map_or_else(WebhookStatus::off, |sender| sender.status());
    reply(routes::encode(&status))
}

async fn client_friend_add(
    State(app): State<Arc<App>>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    request: Request,
) -> Response {
    let body = match admit(&app, peer, request, Method::POST, ClientFriendAdd::PATH).await {
        Ok(body) => body,
        Err(response) => return response,
    };
    if let Err(refusal) = within_rate::<ClientFriendAdd>(&app) {
        return reply_refusal(refusal);
    }
    let outcome = async {
        let req: ClientFriendAdd = routes::decode(ClientFriendAdd::PATH, &body)?;
        let now = app.clock.unix_now();
        let prev = app
            .world()
            .plan_client_add(&req, now.saturating_mul(1000))?;
        let origin = Origin::client(peer.ip());
        let answer = match &app.webhooks {
            Some(sender) => sender.ask(Event::PrevFriendAdd(prev), &origin).await,
            None => None,
        };
        let verdicts = Verdicts::from_answer(answer.as_ref());
        app.apply(now, &origin, |world| {
            world.apply_client_add(req, &verdicts, now as i64)
        })
    };
    reply(outcome.await.and_then(|answer| routes::encode(&answer)))
}

async fn client_friend_response(
    State(app): State<Arc<App>>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    request: Request,
) -> Response {
    let path = ClientFriendResponse::PATH;
    let body = match admit(&app, peer, request, Method::POST, path).await {
        Ok(body) => body,
        Err(response) => return response,
    };
    if let Err(refusal) = within_rate::<ClientFriendResponse>(&app) {
        return reply_refusal(refusal);
    }
    let outcome = async {
        let req: ClientFriendResponse = routes::decode(path, &body)?;
        let now = app.clock.unix_now();
        let prev = app
            .world()
            .plan_friend_response(&req, now.saturating_mul(1000))?;
        let origin = Origin::client(peer.ip());
        let answer = match &app.webhooks {
            Some(sender) => sender.ask(Event::PrevFriendResponse(prev), &origin).await,
            None => None,
        };
        let verdicts = Verdicts::from_answer(answer.as_ref());
        app.apply(now, &origin, |world| {
            world.apply_friend_response(req, &verdicts, now as i64)
        })
    };
    reply(outcome.await.and_then(|answer| routes::encode(&answer)))
}

fn reply(json: Result<Vec<u8>, Refusal>) -> Response {
    match json {
        Ok(json) => (
            StatusCode::OK,
            [(header::CONTENT_TYPE, "application/json")],
            json,
        )
            .into_response(),
        Err(refusal) => reply_refusal(refusal),
    }
}

impl App {
    /// The world, for a short read or write (never held across an await).
    pub(crate) fn world(&self) -> std::sync::MutexGuard<'_, crate::World> {
        self.world.lock().unwrap_or_else(PoisonError::into_inner)
    }
}
