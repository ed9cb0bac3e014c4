//! The emulator's own web page: server-rendered views of its accounts (profiles, relations,
//! pending friend requests), the request log, the webhooks sent, the limits and faults (which
//! can be changed), and the whole state (reset, export, import). Served at `/` and a few paths outside `v4/`, on a loopback address only
//! unless told otherwise.
//!
//! The page has no login, so it protects itself in other ways:
//!
//! - Every request's `Host` must name the emulator's loopback address (`127.0.0.1:PORT`,
//!   `localhost:PORT`, `[::1]:PORT`), so that a web site cannot reach it through a DNS name
//!   rebound to 127.0.0.1. Served on another address (see
//!   [`EmulatorBuilder::ui_on_any_address`](crate::EmulatorBuilder::ui_on_any_address)), any
//!   `Host` is accepted.
//! - Every change is a POST carrying the process's random token (in the form's URL, so it is
//!   checked before a byte of the body is read), from the page's own origin when the browser
//!   says where it comes from (`Origin`, `Sec-Fetch-Site`). Refusals are 403 with the reason.
//! - Bodies are bounded (64 KiB for forms, [`MAX_IMPORT_BYTES`] for an import) and read within
//!   the emulator's body timeout and memory budget.
//! - The answers forbid scripts, framing and sniffing (`Content-Security-Policy`,
//!   `X-Frame-Options`, `X-Content-Type-Options`), are not cached and send no referrer to other sites.
//! - Every value shown is escaped (maud escapes by default); the secret key, UserSigs and the
//!   webhook token are never held by the page, the request log keeps no query strings, and the
//!   webhook deliveries are kept without `Sign`.
//!
//! Each view is one module with its routes; [`layout::VIEWS`] lists the navigation.

mod accounts;
mod forms;
mod layout;
mod limits;
mod requests;
mod state;
mod webhooks;

use std::net::SocketAddr;
use std::sync::Arc;

use axum::extract::{Request, State};
use axum::http::{header, HeaderMap, Method, StatusCode};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;

use crate::server::App;

pub(crate) use forms::MAX_IMPORT_BYTES;

/// The largest form body the page reads, but for an import.
const MAX_FORM_BYTES: usize = 64 * 1024;

/// Who may use the page: the process's CSRF token and the hosts it answers to.
#[derive(Clone)]
pub(crate) struct Guard {
    token: Arc<str>,
    /// The `Host` values accepted; `None` accepts any (served on a non-loopback address).
    hosts: Option<Arc<[String]>>,
}

impl std::fmt::Debug for Guard {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Guard")
            .field("hosts", &self.hosts)
            .finish_non_exhaustive()
    }
}

impl Guard {
    /// The guard of a page served on `addr`, with a fresh random token. `None` when the
    /// system's random source fails, which leaves the page off.
    pub(crate) fn new(addr: SocketAddr, any_host: bool) -> Option<Guard> {
        let mut bytes = [0u8; 32];
        getrandom::getrandom(&mut bytes).ok()?;
        let token: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
        let hosts = (!any_host).then(|| {
            let port = addr.port();
            let mut hosts = vec![
                format!("127.0.0.1:{port}"),
                format!("localhost:{port}"),
                format!("[::1]:{port}"),
            ];
            let bound = addr.to_string();
            if !hosts.contains(&bound) {
                hosts.push(bound);
            }
            Arc::from(hosts)
        });
        Some(Guard {
            token: Arc::from(token),
            hosts,
        })
    }

    /// Whether `host` is one the page answers to.
    fn host_allowed(&self, host: &str) -> bool {
        match &self.hosts {
            None => true,
            Some(hosts) => hosts.iter().any(|h| h.eq_ignore_ascii_case(host)),
        }
    }

    /// Whether `given` is the token, compared in constant time.
    fn token_matches(&self, given: &str) -> bool {
        use subtle::ConstantTimeEq;
        given.len() == self.token.len() && bool::from(given.as_bytes().ct_eq(self.token.as_bytes()))
    }

    /// The token, for the page's forms.
    pub(crate) fn token(&self) -> &str {
        &self.token
    }
}

/// What each view's handlers share.
#[derive(Clone)]
pub(crate) struct Ui {
    pub(crate) app: Arc<App>,
    pub(crate) guard: Guard,
}

/// The page's routes, behind the guard.
pub(crate) fn router(app: Arc<App>, guard: Guard) -> Router {
    let ui = Ui { app, guard };
    Router::new()
        .route("/", get(accounts::list))
        .route("/accounts", get(accounts::list))
        .route("/account", get(accounts::graph))
        .route("/requests", get(requests::list))
        .route("/request", get(requests::detail))
        .route("/webhooks", get(webhooks::view))
        .route("/limits", get(limits::view))
        .route("/limits/faults", post(limits::set_faults))
        .route("/state", get(state::view))
        .route("/state/export", get(state::export))
        .route("/state/import", post(state::import))
        .route("/state/reset", get(state::confirm_reset).post(state::reset))
        .route_layer(middleware::from_fn_with_state(ui.clone(), protect))
        .with_state(ui)
}

/// Refuses what the page must not answer, before any handler runs.
async fn protect(State(ui): State<Ui>, request: Request, next: Next) -> Response {
    if let Err(reason) = check(
        &ui.guard,
        request.method(),
        request.uri().query(),
        request.headers(),
    ) {
        return forbidden(reason);
    }
    let mut response = next.run(request).await;
    harden(response.headers_mut());
    response
}

/// The checks of [`protect`], apart for tests.
fn check(
    guard: &Guard,
    method: &Method,
    query: Option<&str>,
    headers: &HeaderMap,
) -> Result<(), &'static str> {
    let host = headers
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .ok_or("the request has no Host header")?;
    if !guard.host_allowed(host) {
        return Err("this page answers only to the emulator's loopback address (127.0.0.1, localhost or [::1] with its port)");
    }
    if method == Method::GET || method == Method::HEAD {
        return Ok(());
    }
    if let Some(origin) = headers.get(header::ORIGIN) {
        let same = origin
            .to_str()
            .ok()
            .and_then(|o| o.strip_prefix("http://"))
            .is_some_and(|o| o.eq_ignore_ascii_case(host));
        if !same {
            return Err("the form was sent from another site");
        }
    }
    if let Some(site) = headers.get("sec-fetch-site") {
        if !matches!(site.to_str(), Ok("same-origin" | "none")) {
            return Err("the form was sent from another site");
        }
    }
    let token = url::form_urlencoded::parse(query.unwrap_or("").as_bytes())
        .find(|(name, _)| name == "csrf")
        .map(|(_, value)| value);
    match token {
        Some(token) if guard.token_matches(&token) => Ok(()),
        Some(_) => Err("the form's token is not this emulator's: reload the page and try again"),
        None => Err("the form carries no token: use the forms of the page"),
    }
}

fn forbidden(reason: &'static str) -> Response {
    let mut response = (
        StatusCode::FORBIDDEN,
        [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
        format!("403 Forbidden: {reason}\n"),
    )
        .into_response();
    harden(response.headers_mut());
    response
}

/// The headers every answer of the page carries.
fn harden(headers: &mut HeaderMap) {
    use axum::http::HeaderValue;
    let set = |headers: &mut HeaderMap, name: &'static str, value: &'static str| {
        headers.insert(name, HeaderValue::from_static(value));
    };
    set(
        headers,
        "content-security-policy",
        "default-src 'none'; style-src 'unsafe-inline'; img-src 'self'; form-action 'self'; \
         frame-ancestors 'none'; base-uri 'none'",
    );
    set(headers, "x-frame-options", "DENY");
    set(headers, "x-content-type-options", "nosniff");
    // Not `no-referrer`: with it a browser sends `Origin: null` on the page's own forms.
    set(headers, "referrer-policy", "same-origin");
    set(headers, "cache-control", "no-store");
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    fn guard() -> Guard {
        Guard::new(SocketAddr::from(([127, 0, 0, 1], 4000)), false).unwrap()
    }

    fn headers(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (name, value) in pairs {
            map.insert(*name, HeaderValue::from_static(value));
        }
        map
    }

    #[test]
    fn only_the_loopback_host_is_answered() {
        let guard = guard();
        for host in [
            "127.0.0.1:4000",
            "localhost:4000",
            "LOCALHOST:4000",
            "[::1]:4000",
        ] {
            let mut map = HeaderMap::new();
            map.insert(header::HOST, HeaderValue::from_str(host).unwrap());
            assert_eq!(check(&guard, &Method::GET, None, &map), Ok(()), "{host}");
        }
        for host in ["evil.example:4000", "127.0.0.1:4001", "localhost"] {
            let mut map = HeaderMap::new();
            map.insert(header::HOST, HeaderValue::from_str(host).unwrap());
            assert!(check(&guard, &Method::GET, None, &map).is_err(), "{host}");
        }
        assert!(check(&guard, &Method::GET, None, &HeaderMap::new()).is_err());
        let any = Guard::new(SocketAddr::from(([0, 0, 0, 0], 4000)), true).unwrap();
        let map = headers(&[("host", "emulator.internal:4000")]);
        assert_eq!(check(&any, &Method::GET, None, &map), Ok(()));
    }

    #[test]
    fn a_change_needs_the_token_and_the_page_s_own_origin() {
        let guard = guard();
        let good = format!("csrf={}", guard.token());
        let same = headers(&[
            ("host", "127.0.0.1:4000"),
            ("origin", "http://127.0.0.1:4000"),
        ]);
        assert_eq!(check(&guard, &Method::POST, Some(&good), &same), Ok(()));
        let bare = headers(&[("host", "127.0.0.1:4000")]);
        assert_eq!(check(&guard, &Method::POST, Some(&good), &bare), Ok(()));

        assert!(check(&guard, &Method::POST, None, &same).is_err());
        assert!(check(&guard, &Method::POST, Some("csrf=0000"), &same).is_err());
        let wrong = format!("csrf={}", "0".repeat(guard.token().len()));
        assert!(check(&guard, &Method::POST, Some(&wrong), &same).is_err());
        for (name, value) in [
            ("origin", "http://evil.example"),
            ("origin", "null"),
            ("origin", "https://127.0.0.1:4000"),
            ("sec-fetch-site", "cross-site"),
            ("sec-fetch-site", "same-site"),
        ] {
            let map = headers(&[("host", "127.0.0.1:4000"), (name, value)]);
            assert!(
                check(&guard, &Method::POST, Some(&good), &map).is_err(),
                "{name}: {value}"
            );
        }
    }

    #[test]
    fn tokens_are_random_per_guard_and_not_in_debug() {
        let (a, b) = (guard(), guard());
        assert_ne!(a.token(), b.token());
        assert_eq!(a.token().len(), 64);
        assert!(!format!("{a:?}").contains(a.token()));
    }
}
