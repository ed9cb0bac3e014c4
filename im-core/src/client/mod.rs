//! [`Client`]: signs, sends and decodes any [`Endpoint`].
//!
//! - `config`: [`ClientBuilder`], configuration in code or from the environment;
//! - `auth`: the admin UserSig cache;
//! - `pipeline`: one call, validate → rate → send → decode → retry;
//! - `transport`: HTTP, `failover`: the host it sends to, and `budget`: the response-memory
//!   budget it reads bodies within.

mod auth;
mod budget;
mod config;
mod failover;
mod pipeline;
mod transport;

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

pub use config::{ClientBuilder, DEFAULT_TIMEOUT, DEFAULT_USERSIG_TTL};
pub use failover::DEFAULT_FAILOVER_COOL_DOWN;

use crate::rate::CallLimiter;
use crate::{Endpoint, Error, RetryPolicy, SecretKey};

/// A client of the REST API for one app and one admin identifier.
///
/// Cheap to clone (one `Arc`); clones share the connection pool, the cached admin UserSig, the
/// rate limiters, the response-memory budget and the failover state. `Send + Sync`.
///
/// When the primary host cannot be reached (connection refused, DNS, TLS handshake, connect
/// timeout, no response within the timeout), calls go to the region's backup host for a cool-down
/// ([`ClientBuilder::failover_cool_down`]), then to the primary again; see
/// [`ClientBuilder::backup_base_url`].
///
/// Hostile or broken servers are expected: redirects are never followed (a 3xx answer is
/// [`Error::HttpStatus`]) and no `Referer` is sent, so the signed URL never goes to another
/// host; server text is scrubbed of the UserSig and the secret key before it reaches an error
/// or a log line; the bodies held by all in-flight calls together stay within
/// [`ClientBuilder::max_response_bytes`].
///
/// ```
/// use tencent_im_core::{Client, Error, Region};
///
/// let client = Client::builder(1400000000, "secret key from the console", "administrator")
///     .region(Region::Singapore)
///     .build()?;
/// assert_eq!(client.base_url(), "https://adminapisgp.im.qcloud.com");
/// // Debug output never shows the key.
/// assert!(!format!("{client:?}").contains("secret key"));
///
/// // Plain http is for this machine (an emulator) unless allowed explicitly.
/// let refused = Client::builder(1400000000, "key", "administrator")
///     .base_url("http://10.0.0.7:8080")
///     .build();
/// assert!(matches!(refused, Err(Error::InvalidBaseUrl { .. })));
/// # Ok::<(), Error>(())
/// ```
#[derive(Clone)]
pub struct Client {
    inner: Arc<Inner>,
}

struct Inner {
    transport: transport::Transport,
    auth: auth::Auth,
    timeout: Duration,
    limiter: CallLimiter,
    retry: RetryPolicy,
}

/// Options of one call, for [`Client::call_with`].
///
/// ```no_run
/// # async fn demo(
/// #     client: tencent_im_core::Client,
/// #     request: impl tencent_im_core::Endpoint,
/// # ) -> Result<(), tencent_im_core::Error> {
/// use std::time::Duration;
/// use tencent_im_core::CallOptions;
///
/// let options = CallOptions::new().timeout(Duration::from_secs(4));
/// let answer = client.call_with(&request, options).await?;
/// # let _ = answer; Ok(()) }
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct CallOptions {
    timeout: Option<Duration>,
}

impl CallOptions {
    /// The client's settings.
    pub fn new() -> Self {
        Self::default()
    }

    /// Timeout of each attempt of this call instead of the client's
    /// [`ClientBuilder::timeout`]; retries stay bounded by the [`RetryPolicy`]. Zero is refused
    /// with [`Error::ZeroTimeout`] when the call is made.
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = Some(timeout);
        self
    }
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Client")
            // A base URL may carry a proxy's `user:password@`.
            .field("base_url", &self.inner.transport.hosts().primary_shown())
            .field(
                "backup_base_url",
                &self.inner.transport.hosts().backup_shown(),
            )
            .field("sdkappid", &self.inner.auth.sdkappid())
            .field("admin", &self.inner.auth.admin())
            .field("secret_key", &"<redacted>")
            .field("timeout", &self.inner.timeout)
            .finish_non_exhaustive()
    }
}

impl Client {
    /// Starts a builder with the three things every client needs: the SDKAppID, the app's secret
    /// key and an app admin identifier.
    pub fn builder(
        sdkappid: u64,
        secret_key: impl Into<SecretKey>,
        admin: impl Into<String>,
    ) -> ClientBuilder {
        ClientBuilder::new(sdkappid, secret_key.into(), admin.into())
    }

    /// A client configured from `IM_SDKAPPID`, `IM_SECRET_KEY`, `IM_ADMIN`, `IM_REGION`,
    /// `IM_BASE_URL` (which overrides the region) and `IM_RATE_REDIS_URL` (a rate budget
    /// shared through Redis). See [`ClientBuilder::from_env`].
    pub fn from_env() -> Result<Client, Error> {
        ClientBuilder::from_env()?.build()
    }

    /// Validates, signs, sends and decodes one call.
    ///
    /// The call waits for its slot on its path's rate schedule (with a shared budget that
    /// cannot be reached, it fails with [`Error::RateBudget`] and sends nothing), and transient failures are
    /// retried under the client's [`RetryPolicy`]. A non-zero `ErrorCode` is [`Error::Api`];
    /// per-item failures of a successful batch call are part of the response. On `70001`
    /// (UserSig expired) the client signs anew and retries once. Errors name the call's path
    /// ([`Error::path`]).
    pub async fn call<E: Endpoint>(&self, request: &E) -> Result<E::Response, Error> {
        self.call_with(request, CallOptions::new()).await
    }

    /// [`Client::call`] with options for this call only, e.g. a shorter timeout.
    pub async fn call_with<E: Endpoint>(
        &self,
        request: &E,
        options: CallOptions,
    ) -> Result<E::Response, Error> {
        pipeline::call(self, request, options).await
    }

    /// The primary base URL, e.g. `https://console.tim.qq.com`, as configured: with any
    /// `user:password@` it was given (Debug output and log lines show it redacted).
    pub fn base_url(&self) -> &str {
        self.inner.transport.hosts().primary()
    }

    /// The base URL calls fail over to, e.g. `https://adminapi.my-imcloud.com`; `None` when
    /// failover is off.
    pub fn backup_base_url(&self) -> Option<&str> {
        self.inner.transport.hosts().backup()
    }

    /// The base URL the next call goes to: the primary, or the backup during a failover.
    pub fn current_base_url(&self) -> &str {
        self.inner.transport.hosts().current().1
    }

    /// Whether calls go to this machine (`localhost`, `127.0.0.0/8`, `::1`), the backup host
    /// included: an emulator or a tunnel, not a remote app. Tools use it to ask before writing
    /// to a real app.
    pub fn is_loopback(&self) -> bool {
        is_loopback(self.base_url()) && self.backup_base_url().is_none_or(is_loopback)
    }

    /// The SDKAppID.
    pub fn sdkappid(&self) -> u64 {
        self.inner.auth.sdkappid()
    }

    /// The admin identifier requests are made as.
    pub fn admin(&self) -> &str {
        self.inner.auth.admin()
    }

    /// The request URL for `path` on the current host with a fresh `random`, for inspection and
    /// tests. It contains the admin UserSig: do not log it.
    pub fn request_url(&self, path: &str) -> Result<String, Error> {
        let auth = self.inner.auth.query()?;
        Ok(self.inner.transport.url(path, &auth))
    }

    /// `text` without this client's secret key and current admin UserSig (as sent or
    /// percent-encoded) and without the value of any `usersig=` parameter: the scrubbing errors
    /// get, for server text a program keeps itself, such as a batch item's `ResultInfo`.
    pub fn scrub<'t>(&self, text: &'t str) -> std::borrow::Cow<'t, str> {
        let current = self.inner.auth.current_or(&std::sync::Arc::from(""));
        self.inner.auth.scrubber(&current, &current).scrub(text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn client_is_send_sync_and_clone() {
        fn assert_traits<T: Send + Sync + Clone + 'static>() {}
        assert_traits::<Client>();
    }
}

/// Whether `base_url`'s host is this machine.
fn is_loopback(base_url: &str) -> bool {
    use std::net::IpAddr;
    let Ok(url) = url::Url::parse(base_url) else {
        return false;
    };
    match url.host() {
        Some(url::Host::Domain(name)) => name.eq_ignore_ascii_case("localhost"),
        Some(url::Host::Ipv4(ip)) => IpAddr::V4(ip).is_loopback(),
        Some(url::Host::Ipv6(ip)) => IpAddr::V6(ip).is_loopback(),
        None => false,
    }
}

#[cfg(test)]
mod loopback_tests {
    use super::is_loopback;

    #[test]
    fn only_this_machine_counts_as_loopback() {
        for local in [
            "http://127.0.0.1:8080",
            "http://localhost:1",
            "http://LOCALHOST",
            "http://[::1]:9",
            "http://127.9.0.1",
            "http://user@127.0.0.1:80/x",
        ] {
            assert!(is_loopback(local), "{local}");
        }
        for remote in [
            "https://adminapisgp.im.qcloud.com",
            "http://10.0.0.1",
            "http://localhost.evil.com",
            "http://127.0.0.1.evil.com",
            "http://evil.com@127.0.0.1.nip.io",
            "http://127.0.0.1@example.com",
            "http://[::2]",
            "nonsense",
        ] {
            assert!(!is_loopback(remote), "{remote}");
        }
    }
}
