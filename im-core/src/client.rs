//! [`Client`]: signs, sends and decodes any [`Endpoint`].

use std::fmt;
use std::sync::{Arc, PoisonError, RwLock};
use std::time::{Duration, Instant};

use bytes::Bytes;

use std::num::NonZeroU32;

use crate::budget::{Reservation, ResponseBudget};
use crate::rate::{Burst, PathLimiters};
use crate::redact::Scrubber;
use crate::usersig::UserSigSigner;
use crate::{
    envelope, Clock, Endpoint, Error, ErrorCode, RateLimit, Region, RetryPolicy, SecretKey,
    SystemClock,
};

/// Default request timeout: above the service's own 3 s backend timeout.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(10);

/// Default validity of the admin UserSig the client signs for itself: one day. It is renewed
/// once three quarters of that have passed.
pub const DEFAULT_USERSIG_TTL: Duration = Duration::from_secs(24 * 3600);

const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(5);
const DEFAULT_MAX_RESPONSE_BYTES: usize = 32 * 1024 * 1024;

/// A client of the REST API for one app and one admin identifier.
///
/// Cheap to clone (one `Arc`); clones share the connection pool, the cached admin UserSig, the
/// rate limiters and the response-memory budget. `Send + Sync`.
///
/// Hostile or broken servers are expected: redirects are never followed (a 3xx answer is
/// [`Error::HttpStatus`]) and no `Referer` is sent, so the signed URL never goes to another
/// host; server text is scrubbed of the UserSig and the secret key before it reaches an error
/// or a log line; the bodies held by all in-flight calls together stay within
/// [`ClientBuilder::max_response_bytes`].
///
/// ```no_run
/// # async fn demo() -> Result<(), tencent_im_core::Error> {
/// use tencent_im_core::{Client, Region};
///
/// let client = Client::builder(1400000000, "secret key from the console", "administrator")
///     .region(Region::Singapore)
///     .build()?;
/// # let _ = client; Ok(()) }
/// ```
#[derive(Clone)]
pub struct Client {
    inner: Arc<Inner>,
}

struct Inner {
    http: reqwest::Client,
    base_url: String,
    admin: String,
    signer: UserSigSigner,
    /// Kept apart from the signer to scrub it from server text.
    secret_key: SecretKey,
    usersig_ttl: u64,
    timeout: Duration,
    budget: Arc<ResponseBudget>,
    clock: Arc<dyn Clock>,
    auth: RwLock<Option<CachedAuth>>,
    limiters: PathLimiters,
    retry: RetryPolicy,
}

/// Decodes one answer (status, body) into the caller's response slot, scrubbing server text.
type DecodeFn<'a> = dyn FnMut(u16, &[u8], &Scrubber<'_>) -> Result<(), Error> + Send + 'a;

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

/// The signed part of the query string, reused until `renew_at`.
struct CachedAuth {
    query: Arc<str>,
    renew_at: u64,
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Client")
            .field("base_url", &self.inner.base_url)
            .field("sdkappid", &self.inner.signer.sdkappid())
            .field("admin", &self.inner.admin)
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
        ClientBuilder {
            sdkappid,
            secret_key: secret_key.into(),
            admin: admin.into(),
            target: Target::Region {
                region: Region::China,
                backup: false,
            },
            timeout: DEFAULT_TIMEOUT,
            connect_timeout: DEFAULT_CONNECT_TIMEOUT,
            usersig_ttl: DEFAULT_USERSIG_TTL,
            max_response_bytes: DEFAULT_MAX_RESPONSE_BYTES,
            clock: Arc::new(SystemClock),
            rate_limit: RateLimit::Documented,
            retry: RetryPolicy::default(),
        }
    }

    /// A client configured from `IM_SDKAPPID`, `IM_SECRET_KEY`, `IM_ADMIN`, `IM_REGION` and
    /// `IM_BASE_URL` (which overrides the region). See [`ClientBuilder::from_env`].
    pub fn from_env() -> Result<Client, Error> {
        ClientBuilder::from_env()?.build()
    }

    /// Validates, signs, sends and decodes one call.
    ///
    /// The call waits for a permit of its path's rate limiter, and transient failures are
    /// retried under the client's [`RetryPolicy`]. A non-zero `ErrorCode` is [`Error::Api`];
    /// per-item failures of a successful batch call are part of the response. On `70001`
    /// (UserSig expired) the client signs anew and retries once.
    pub async fn call<E: Endpoint>(&self, request: &E) -> Result<E::Response, Error> {
        self.call_with(request, CallOptions::new()).await
    }

    /// [`Client::call`] with options for this call only, e.g. a shorter timeout.
    pub async fn call_with<E: Endpoint>(
        &self,
        request: &E,
        options: CallOptions,
    ) -> Result<E::Response, Error> {
        request.validate()?;
        let timeout = match options.timeout {
            Some(timeout) if timeout.is_zero() => {
                return Err(Error::ZeroTimeout {
                    setting: "CallOptions::timeout",
                })
            }
            Some(timeout) => timeout,
            None => self.inner.timeout,
        };
        let body = Bytes::from(serde_json::to_vec(request).map_err(Error::Encode)?);
        let mut response = None;
        self.execute(
            E::PATH,
            E::RATE,
            body,
            timeout,
            &mut |status, bytes, scrubber| {
                response = Some(envelope::decode_scrubbed::<E::Response>(
                    status, bytes, scrubber,
                )?);
                Ok(())
            },
        )
        .await?;
        // `execute` returns Ok only after `decode` succeeded.
        response.ok_or_else(|| Error::Config("no response was decoded".to_owned()))
    }

    /// Sends `body` to `path` until `decode` accepts an answer (one pass over the body: the
    /// envelope and the payload together), retrying as the policy allows. Not generic, so each
    /// endpoint adds only its small `call`.
    async fn execute(
        &self,
        path: &'static str,
        rate: NonZeroU32,
        body: Bytes,
        timeout: Duration,
        decode: &mut DecodeFn<'_>,
    ) -> Result<(), Error> {
        let inner = &*self.inner;
        let started = tokio::time::Instant::now();
        let mut schedule = inner.retry.schedule();
        let mut resigned = false;
        loop {
            inner.limiters.acquire(path, rate).await;
            let attempt_started = Instant::now();
            let result = self.attempt(path, body.clone(), timeout, decode).await;
            let elapsed_ms = attempt_started.elapsed().as_millis() as u64;
            let err = match result {
                Ok(()) => {
                    tracing::debug!(path, elapsed_ms, "call succeeded");
                    return Ok(());
                }
                Err(err) => err,
            };
            if err.code() == Some(ErrorCode::USERSIG_EXPIRED) && !resigned {
                tracing::info!(
                    path,
                    "UserSig expired (70001): signing a new one and retrying once"
                );
                inner.invalidate_auth();
                resigned = true;
                continue;
            }
            match schedule.next_delay(&err, started.elapsed()) {
                Some(delay) => {
                    tracing::warn!(
                        path,
                        attempt = schedule.attempts(),
                        delay_ms = delay.as_millis() as u64,
                        error = %err,
                        "retrying"
                    );
                    tokio::time::sleep(delay).await;
                }
                None => {
                    tracing::debug!(path, elapsed_ms, error = %err, "call failed");
                    return Err(err);
                }
            }
        }
    }

    /// One attempt: send, receive within `timeout`, decode. Every piece of server text is
    /// scrubbed of the secret key and of the signed query (this attempt's and the current one)
    /// before it goes into an error, so retries' log lines and the final error are clean.
    async fn attempt(
        &self,
        path: &'static str,
        body: Bytes,
        timeout: Duration,
        decode: &mut DecodeFn<'_>,
    ) -> Result<(), Error> {
        let inner = &*self.inner;
        let auth = inner.auth_query()?;
        // Another call may have renewed the UserSig meanwhile; a server may quote either.
        let current = inner.cached_query().unwrap_or_else(|| Arc::clone(&auth));
        let scrubber = Scrubber::new(inner.secret_key.expose_secret(), [&auth, &current]);
        // The timeout covers the wait for the response-memory budget too.
        let (status, bytes, _reservation) = tokio::time::timeout(
            timeout,
            self.send_once(path, &auth, body, timeout, &scrubber),
        )
        .await
        .unwrap_or(Err(Error::Timeout { timeout }))?;
        // `_reservation` holds the body's share of the budget until it is decoded.
        decode(status, &bytes, &scrubber)
    }

    async fn send_once(
        &self,
        path: &'static str,
        auth: &str,
        body: Bytes,
        timeout: Duration,
        scrubber: &Scrubber<'_>,
    ) -> Result<(u16, Vec<u8>, Reservation), Error> {
        let inner = &*self.inner;
        let url = inner.url_with(path, auth);
        let transport = |err| Error::transport(err, timeout, scrubber);
        let mut response = inner
            .http
            .post(url)
            .timeout(timeout)
            .header(reqwest::header::CONTENT_TYPE, "application/json")
            .body(body)
            .send()
            .await
            .map_err(transport)?;
        let status = response.status().as_u16();
        let limit = inner.budget.limit();
        let too_large = || Error::BodyTooLarge { limit };
        let mut reservation = inner.budget.empty();
        // A body of known length is reserved whole before any of it is read, so this call
        // never waits while holding part of the budget.
        if let Some(len) = response.content_length() {
            let len = usize::try_from(len).map_err(|_| too_large())?;
            if len > limit {
                return Err(too_large());
            }
            reservation.grow_to(len).await;
        }
        let mut buf = Vec::with_capacity(reservation.bytes().max(4096).min(limit));
        while let Some(chunk) = response.chunk().await.map_err(transport)? {
            let total = buf.len() + chunk.len();
            if total > limit {
                return Err(too_large());
            }
            reservation.grow_to(total).await;
            buf.extend_from_slice(&chunk);
        }
        Ok((status, buf, reservation))
    }

    /// The base URL calls go to, e.g. `https://console.tim.qq.com`.
    pub fn base_url(&self) -> &str {
        &self.inner.base_url
    }

    /// The SDKAppID.
    pub fn sdkappid(&self) -> u64 {
        self.inner.signer.sdkappid()
    }

    /// The admin identifier requests are made as.
    pub fn admin(&self) -> &str {
        &self.inner.admin
    }

    /// The request URL for `path` with a fresh `random`, for inspection and tests. It contains
    /// the admin UserSig: do not log it.
    pub fn request_url(&self, path: &str) -> Result<String, Error> {
        self.inner.url(path)
    }
}

impl Inner {
    fn url(&self, path: &str) -> Result<String, Error> {
        Ok(self.url_with(path, &self.auth_query()?))
    }

    fn url_with(&self, path: &str, auth: &str) -> String {
        let random: u32 = fastrand::u32(..);
        format!(
            "{}/{}?{}&random={}&contenttype=json",
            self.base_url, path, auth, random
        )
    }

    /// The signed query currently cached, if any.
    fn cached_query(&self) -> Option<Arc<str>> {
        self.auth
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .as_ref()
            .map(|auth| Arc::clone(&auth.query))
    }

    /// `sdkappid=..&identifier=..&usersig=..`, signed once and reused until it nears expiry.
    fn auth_query(&self) -> Result<Arc<str>, Error> {
        let now = self.clock.unix_now();
        {
            let cached = self.auth.read().unwrap_or_else(PoisonError::into_inner);
            if let Some(auth) = cached.as_ref().filter(|auth| now < auth.renew_at) {
                return Ok(Arc::clone(&auth.query));
            }
        }
        let mut cached = self.auth.write().unwrap_or_else(PoisonError::into_inner);
        if let Some(auth) = cached.as_ref().filter(|auth| now < auth.renew_at) {
            return Ok(Arc::clone(&auth.query));
        }
        let sig = self
            .signer
            .generate_at(&self.admin, self.usersig_ttl, now, None);
        let identifier: String =
            url::form_urlencoded::byte_serialize(self.admin.as_bytes()).collect();
        let query: Arc<str> = format!(
            "sdkappid={}&identifier={}&usersig={}",
            self.signer.sdkappid(),
            identifier,
            sig.expose_secret()
        )
        .into();
        tracing::debug!(
            issued_at = now,
            ttl = self.usersig_ttl,
            "signed a new admin UserSig"
        );
        *cached = Some(CachedAuth {
            query: Arc::clone(&query),
            renew_at: now.saturating_add(self.usersig_ttl / 4 * 3),
        });
        Ok(query)
    }

    fn invalidate_auth(&self) {
        *self.auth.write().unwrap_or_else(PoisonError::into_inner) = None;
    }
}

#[derive(Debug, Clone)]
enum Target {
    Region { region: Region, backup: bool },
    BaseUrl(String),
}

/// Configures a [`Client`]. Start with [`Client::builder`] or [`ClientBuilder::from_env`].
#[derive(Debug, Clone)]
pub struct ClientBuilder {
    sdkappid: u64,
    secret_key: SecretKey,
    admin: String,
    target: Target,
    timeout: Duration,
    connect_timeout: Duration,
    usersig_ttl: Duration,
    max_response_bytes: usize,
    clock: Arc<dyn Clock>,
    rate_limit: RateLimit,
    retry: RetryPolicy,
}

impl ClientBuilder {
    /// A builder from the environment: `IM_SDKAPPID` (required, an integer), `IM_SECRET_KEY`
    /// (required), `IM_ADMIN` (required), `IM_REGION` (optional, default `china`) and
    /// `IM_BASE_URL` (optional, overrides the region; used for the emulator and tests).
    pub fn from_env() -> Result<ClientBuilder, Error> {
        Self::from_lookup(|name| std::env::var(name).ok())
    }

    /// Like [`ClientBuilder::from_env`], reading variables through `lookup`.
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Result<ClientBuilder, Error> {
        let required = |name: &str, what: &str| {
            lookup(name)
                .filter(|value| !value.trim().is_empty())
                .ok_or_else(|| Error::Config(format!("{name} is not set: set it to {what}")))
        };
        let sdkappid_text = required("IM_SDKAPPID", "the app's SDKAppID from the console")?;
        let sdkappid = sdkappid_text.trim().parse::<u64>().map_err(|_| {
            Error::Config(format!(
                "IM_SDKAPPID must be a positive integer such as 1400000000, not {sdkappid_text:?}"
            ))
        })?;
        let secret_key = required("IM_SECRET_KEY", "the app's secret key from the console")?;
        let admin = required("IM_ADMIN", "an app admin identifier, e.g. administrator")?;
        let mut builder = Client::builder(sdkappid, secret_key, admin.trim());
        if let Some(region) = lookup("IM_REGION").filter(|v| !v.trim().is_empty()) {
            let region = region
                .parse::<Region>()
                .map_err(|err| Error::Config(format!("IM_REGION: {err}")))?;
            builder = builder.region(region);
        }
        if let Some(url) = lookup("IM_BASE_URL").filter(|v| !v.trim().is_empty()) {
            builder = builder.base_url(url.trim());
        }
        Ok(builder)
    }

    /// Sends to a region's primary host (the default is [`Region::China`]).
    pub fn region(mut self, region: Region) -> Self {
        self.target = Target::Region {
            region,
            backup: false,
        };
        self
    }

    /// Sends to a region's backup host.
    pub fn region_backup(mut self, region: Region) -> Self {
        self.target = Target::Region {
            region,
            backup: true,
        };
        self
    }

    /// Sends to an explicit base URL such as `http://127.0.0.1:8080` (an emulator, a proxy).
    pub fn base_url(mut self, base_url: impl Into<String>) -> Self {
        self.target = Target::BaseUrl(base_url.into());
        self
    }

    /// Timeout of each attempt, from sending the request to the last byte of the answer,
    /// waiting for the response-memory budget included (default [`DEFAULT_TIMEOUT`]); keep it
    /// above 3 s. One call can override it with [`CallOptions::timeout`]. Zero is refused by
    /// [`ClientBuilder::build`].
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// Connection timeout (default 5 s). Zero is refused by [`ClientBuilder::build`].
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = timeout;
        self
    }

    /// Validity of the admin UserSig the client signs (default [`DEFAULT_USERSIG_TTL`]).
    pub fn usersig_ttl(mut self, ttl: Duration) -> Self {
        self.usersig_ttl = ttl;
        self
    }

    /// The response-memory budget (default 32 MiB): the largest body accepted
    /// ([`Error::BodyTooLarge`] beyond it), and the most bytes of bodies all in-flight calls of
    /// the client and its clones hold at once. A call whose body does not fit beside the others'
    /// waits for them, within its timeout.
    pub fn max_response_bytes(mut self, limit: usize) -> Self {
        self.max_response_bytes = limit;
        self
    }

    /// The time source for UserSig issue times (default: the system clock).
    pub fn clock(mut self, clock: impl Clock) -> Self {
        self.clock = Arc::new(clock);
        self
    }

    /// How the client limits its call rate (default [`RateLimit::Documented`]: each path at its
    /// documented rate, shared by all clones of the client).
    pub fn rate_limit(mut self, rate_limit: RateLimit) -> Self {
        self.rate_limit = rate_limit;
        self
    }

    /// Which failures are retried and how (default [`RetryPolicy::default`]).
    pub fn retry(mut self, policy: RetryPolicy) -> Self {
        self.retry = policy;
        self
    }

    /// Checks the configuration and builds the client.
    pub fn build(self) -> Result<Client, Error> {
        if self.admin.is_empty() || self.admin.len() > crate::MAX_USER_ID_BYTES {
            return Err(Error::Config(format!(
                "the admin identifier must have 1 to {} bytes",
                crate::MAX_USER_ID_BYTES
            )));
        }
        if self.secret_key.expose_secret().is_empty() {
            return Err(Error::Config(
                "the secret key is empty: copy it from the console".to_owned(),
            ));
        }
        if let RateLimit::Fraction(fraction) = self.rate_limit {
            if !(fraction > 0.0 && fraction <= 1.0) {
                return Err(Error::Config(format!(
                    "RateLimit::Fraction({fraction}) must be above 0 and at most 1"
                )));
            }
        }
        if self.timeout.is_zero() {
            return Err(Error::ZeroTimeout {
                setting: "ClientBuilder::timeout",
            });
        }
        if self.connect_timeout.is_zero() {
            return Err(Error::ZeroTimeout {
                setting: "ClientBuilder::connect_timeout",
            });
        }
        let usersig_ttl = self.usersig_ttl.as_secs();
        if usersig_ttl < 60 {
            return Err(Error::Config(
                "usersig_ttl must be at least 60 seconds".to_owned(),
            ));
        }
        let base_url = match self.target {
            Target::Region {
                region,
                backup: false,
            } => region.base_url(),
            Target::Region {
                region,
                backup: true,
            } => region.backup_base_url(),
            Target::BaseUrl(url) => {
                let parsed = url::Url::parse(&url).map_err(|err| {
                    Error::Config(format!(
                        "base URL {url:?} is not a URL ({err}); write e.g. http://127.0.0.1:8080"
                    ))
                })?;
                if !matches!(parsed.scheme(), "http" | "https")
                    || parsed.query().is_some()
                    || parsed.host().is_none()
                {
                    return Err(Error::Config(format!(
                        "base URL {url:?} must be http(s)://host[:port][/prefix] without a query"
                    )));
                }
                url.trim_end_matches('/').to_owned()
            }
        };
        // Every request URL carries the admin UserSig. A redirect would hand it (in the URL,
        // the `Referer`, and on 307/308 the body) to whatever host the answer names, so none is
        // followed: a 3xx answer is `Error::HttpStatus`. The service never redirects. There is
        // no way to bring one's own `reqwest::Client`, as it could follow redirects.
        let http = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .referer(false)
            .timeout(self.timeout)
            .connect_timeout(self.connect_timeout)
            .pool_idle_timeout(Duration::from_secs(60))
            .tcp_nodelay(true)
            .build()
            .map_err(|err| Error::Config(format!("HTTP client: {err}")))?;
        Ok(Client {
            inner: Arc::new(Inner {
                http,
                base_url,
                signer: UserSigSigner::new(self.sdkappid, self.secret_key.clone()),
                secret_key: self.secret_key,
                admin: self.admin,
                usersig_ttl,
                timeout: self.timeout,
                budget: ResponseBudget::new(self.max_response_bytes),
                clock: self.clock,
                auth: RwLock::new(None),
                limiters: PathLimiters::new(self.rate_limit, Burst::Single),
                retry: self.retry,
            }),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ManualClock;

    fn client(clock: ManualClock) -> Client {
        Client::builder(1400000000, "k3y", "admin user")
            .base_url("http://127.0.0.1:9/")
            .clock(clock)
            .build()
            .unwrap()
    }

    fn query_param(url: &str, name: &str) -> String {
        let url = url::Url::parse(url).unwrap();
        url.query_pairs()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.into_owned())
            .unwrap()
    }

    #[test]
    fn url_has_the_exact_query_in_order() {
        let client = client(ManualClock::new(1_700_000_000));
        let url = client.request_url("v4/sns/friend_get").unwrap();
        assert!(url.starts_with("http://127.0.0.1:9/v4/sns/friend_get?sdkappid=1400000000&identifier=admin+user&usersig="), "{url}");
        let names: Vec<String> = url::Url::parse(&url)
            .unwrap()
            .query_pairs()
            .map(|(k, _)| k.into_owned())
            .collect();
        assert_eq!(
            names,
            ["sdkappid", "identifier", "usersig", "random", "contenttype"]
        );
        assert_eq!(query_param(&url, "contenttype"), "json");
        assert_eq!(query_param(&url, "identifier"), "admin user");
        query_param(&url, "random").parse::<u32>().unwrap();
    }

    #[test]
    fn random_is_fresh_and_usersig_is_cached_until_renewal() {
        let clock = ManualClock::new(1_700_000_000);
        let client = client(clock.clone());
        let urls: Vec<String> = (0..8)
            .map(|_| client.request_url("v4/sns/friend_get").unwrap())
            .collect();
        let randoms: std::collections::HashSet<String> =
            urls.iter().map(|u| query_param(u, "random")).collect();
        assert!(randoms.len() > 1, "random must change between requests");
        let sigs: std::collections::HashSet<String> =
            urls.iter().map(|u| query_param(u, "usersig")).collect();
        assert_eq!(sigs.len(), 1, "one UserSig for many calls");
        let first = sigs.into_iter().next().unwrap();

        // Still inside three quarters of the day: same sig.
        clock.advance(DEFAULT_USERSIG_TTL.as_secs() / 2);
        assert_eq!(
            query_param(&client.request_url("p").unwrap(), "usersig"),
            first
        );
        // Past it: renewed, and the new one verifies at the new time.
        clock.advance(DEFAULT_USERSIG_TTL.as_secs() / 4 + 1);
        let renewed = query_param(&client.request_url("p").unwrap(), "usersig");
        assert_ne!(renewed, first);
        let doc = UserSigSigner::new(1400000000, "k3y")
            .verify(&renewed, "admin user", clock.unix_now(), None)
            .unwrap();
        assert_eq!(doc.time, clock.unix_now());
    }

    #[test]
    fn env_lookup_builds_or_names_the_missing_variable() {
        let env = |pairs: &'static [(&'static str, &'static str)]| {
            move |name: &str| {
                pairs
                    .iter()
                    .find(|(k, _)| *k == name)
                    .map(|(_, v)| v.to_string())
            }
        };
        let client = ClientBuilder::from_lookup(env(&[
            ("IM_SDKAPPID", "1400000001"),
            ("IM_SECRET_KEY", "key"),
            ("IM_ADMIN", "administrator"),
            ("IM_REGION", "singapore"),
        ]))
        .unwrap()
        .build()
        .unwrap();
        assert_eq!(client.base_url(), "https://adminapisgp.im.qcloud.com");
        assert_eq!(client.sdkappid(), 1400000001);

        let client = ClientBuilder::from_lookup(env(&[
            ("IM_SDKAPPID", "1"),
            ("IM_SECRET_KEY", "key"),
            ("IM_ADMIN", "administrator"),
            ("IM_REGION", "singapore"),
            ("IM_BASE_URL", "http://127.0.0.1:4000/"),
        ]))
        .unwrap()
        .build()
        .unwrap();
        assert_eq!(client.base_url(), "http://127.0.0.1:4000");

        let err = ClientBuilder::from_lookup(env(&[("IM_SDKAPPID", "1")])).unwrap_err();
        assert!(err.to_string().contains("IM_SECRET_KEY"), "{err}");
        let err = ClientBuilder::from_lookup(env(&[("IM_SDKAPPID", "abc")])).unwrap_err();
        assert!(err.to_string().contains("IM_SDKAPPID"), "{err}");
        let err = ClientBuilder::from_lookup(env(&[
            ("IM_SDKAPPID", "1"),
            ("IM_SECRET_KEY", "key"),
            ("IM_ADMIN", "administrator"),
            ("IM_REGION", "atlantis"),
        ]))
        .unwrap_err();
        assert!(err.to_string().contains("IM_REGION"), "{err}");
    }

    #[test]
    fn regions_choose_the_primary_or_the_backup_host() {
        let primary = Client::builder(1, "k", "admin")
            .region(Region::Tokyo)
            .build()
            .unwrap();
        assert_eq!(primary.base_url(), "https://adminapijpn.im.qcloud.com");
        let backup = Client::builder(1, "k", "admin")
            .region_backup(Region::Tokyo)
            .build()
            .unwrap();
        assert_eq!(backup.base_url(), "https://adminapijpn.my-imcloud.com");
        let default = Client::builder(1, "k", "admin").build().unwrap();
        assert_eq!(default.base_url(), "https://console.tim.qq.com");
    }

    #[test]
    fn bad_configuration_is_refused() {
        assert!(Client::builder(1, "k", "").build().is_err());
        assert!(Client::builder(1, "", "admin").build().is_err());
        assert!(Client::builder(1, "k", "admin")
            .base_url("not a url")
            .build()
            .is_err());
        assert!(Client::builder(1, "k", "admin")
            .base_url("ftp://host")
            .build()
            .is_err());
        assert!(Client::builder(1, "k", "admin")
            .usersig_ttl(Duration::from_secs(1))
            .build()
            .is_err());
    }

    /// A call whose answer is `BODY_LEN` bytes of JSON.
    #[derive(serde::Serialize)]
    struct Big;

    impl Endpoint for Big {
        const PATH: &'static str = "v4/test/big";
        const RATE: NonZeroU32 = NonZeroU32::MIN;
        type Response = crate::Empty;
    }

    const BODY_LEN: usize = 1500;

    #[tokio::test]
    async fn concurrent_bodies_share_one_budget() {
        use tokio::io::{AsyncReadExt, AsyncWriteExt};

        const CALLS: usize = 4;
        const BUDGET: usize = 4000; // more than BODY_LEN, less than CALLS * BODY_LEN
        let head = b"{\"ActionStatus\":\"OK\",\"ErrorCode\":0,\"Pad\":\"";
        let mut body = head.to_vec();
        body.resize(BODY_LEN - 2, b'x');
        body.extend_from_slice(b"\"}");
        let answer = [
            format!("HTTP/1.1 200 OK\r\ncontent-length: {BODY_LEN}\r\n\r\n").into_bytes(),
            body,
        ]
        .concat();
        // Each answer stops 100 bytes short of its end until released.
        let split = answer.len() - 100;
        let (release, released) = tokio::sync::watch::channel(false);
        let started = Arc::new(std::sync::atomic::AtomicUsize::new(0));
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        let server_started = Arc::clone(&started);
        tokio::spawn(async move {
            for _ in 0..CALLS {
                let (mut socket, _) = listener.accept().await.unwrap();
                let answer = answer.clone();
                let mut released = released.clone();
                let started = Arc::clone(&server_started);
                tokio::spawn(async move {
                    let mut buf = [0u8; 4096];
                    let mut seen = Vec::new();
                    while !seen.ends_with(b"\r\n\r\nnull") {
                        let n = socket.read(&mut buf).await.unwrap();
                        assert!(n > 0, "{}", String::from_utf8_lossy(&seen));
                        seen.extend_from_slice(&buf[..n]);
                    }
                    socket.write_all(&answer[..split]).await.unwrap();
                    started.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
                    released.wait_for(|go| *go).await.unwrap();
                    socket.write_all(&answer[split..]).await.unwrap();
                });
            }
        });
        let client = Client::builder(1400000000, "k3y", "admin")
            .base_url(base)
            .max_response_bytes(BUDGET)
            .rate_limit(RateLimit::Off)
            .retry(RetryPolicy::none())
            .build()
            .unwrap();
        let calls: Vec<_> = (0..CALLS)
            .map(|_| {
                let client = client.clone();
                tokio::spawn(async move { client.call(&Big).await })
            })
            .collect();
        let budget = Arc::clone(&client.inner.budget);
        // Wait (bounded) until every answer is on its way and the budget is settled: two bodies
        // fit, the other two wait for room before reading anything.
        tokio::time::timeout(Duration::from_secs(20), async {
            while started.load(std::sync::atomic::Ordering::SeqCst) < CALLS
                || budget.in_use() < 2 * BODY_LEN
            {
                tokio::time::sleep(Duration::from_millis(1)).await;
            }
        })
        .await
        .unwrap();
        assert_eq!(budget.in_use(), 2 * BODY_LEN, "only two bodies fit at once");
        release.send(true).unwrap();
        for call in calls {
            call.await.unwrap().unwrap();
        }
        assert_eq!(budget.in_use(), 0, "every body gave its bytes back");
        assert!(budget.peak() <= BUDGET, "peak {}", budget.peak());
    }

    #[test]
    fn client_is_send_sync_and_clone() {
        fn assert_traits<T: Send + Sync + Clone + 'static>() {}
        assert_traits::<Client>();
    }
}
