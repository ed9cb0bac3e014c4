//! [`Client`]: signs, sends and decodes any [`Endpoint`].

use std::fmt;
use std::sync::{Arc, PoisonError, RwLock};
use std::time::{Duration, Instant};

use bytes::Bytes;

use std::num::NonZeroU32;

use crate::rate::{Burst, PathLimiters};
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
/// Cheap to clone (one `Arc`); clones share the connection pool and the cached admin UserSig.
/// `Send + Sync`.
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
    usersig_ttl: u64,
    timeout: Duration,
    max_response_bytes: usize,
    clock: Arc<dyn Clock>,
    auth: RwLock<Option<CachedAuth>>,
    limiters: PathLimiters,
    retry: RetryPolicy,
}

/// Decodes one answer (status, body) into the caller's response slot.
type DecodeFn<'a> = dyn FnMut(u16, &[u8]) -> Result<(), Error> + Send + 'a;

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
            http: None,
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
        request.validate()?;
        let body = Bytes::from(serde_json::to_vec(request).map_err(Error::Encode)?);
        let mut response = None;
        self.execute(E::PATH, E::RATE, body, &mut |status, bytes| {
            response = Some(envelope::decode::<E::Response>(status, bytes)?);
            Ok(())
        })
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
        decode: &mut DecodeFn<'_>,
    ) -> Result<(), Error> {
        let inner = &*self.inner;
        let started = tokio::time::Instant::now();
        let mut schedule = inner.retry.schedule();
        let mut resigned = false;
        loop {
            inner.limiters.acquire(path, rate).await;
            let attempt_started = Instant::now();
            let result = self
                .send_once(path, body.clone())
                .await
                .and_then(|(status, bytes)| decode(status, &bytes));
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

    async fn send_once(&self, path: &'static str, body: Bytes) -> Result<(u16, Vec<u8>), Error> {
        let inner = &*self.inner;
        let url = inner.url(path)?;
        let mut response = inner
            .http
            .post(url)
            .header(reqwest::header::CONTENT_TYPE, "application/json")
            .body(body)
            .send()
            .await
            .map_err(|err| Error::transport(err, inner.timeout))?;
        let status = response.status().as_u16();
        let mut buf = Vec::with_capacity(response.content_length().map_or(4096, |len| {
            len.min(inner.max_response_bytes as u64) as usize
        }));
        while let Some(chunk) = response
            .chunk()
            .await
            .map_err(|err| Error::transport(err, inner.timeout))?
        {
            if buf.len() + chunk.len() > inner.max_response_bytes {
                return Err(Error::BodyTooLarge {
                    limit: inner.max_response_bytes,
                });
            }
            buf.extend_from_slice(&chunk);
        }
        Ok((status, buf))
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
        let auth = self.auth_query()?;
        let random: u32 = fastrand::u32(..);
        Ok(format!(
            "{}/{}?{}&random={}&contenttype=json",
            self.base_url, path, auth, random
        ))
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
    http: Option<reqwest::Client>,
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

    /// Whole-request timeout (default [`DEFAULT_TIMEOUT`]); keep it above 3 s.
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// Connection timeout (default 5 s).
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = timeout;
        self
    }

    /// Validity of the admin UserSig the client signs (default [`DEFAULT_USERSIG_TTL`]).
    pub fn usersig_ttl(mut self, ttl: Duration) -> Self {
        self.usersig_ttl = ttl;
        self
    }

    /// Largest response body accepted (default 32 MiB).
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

    /// Uses a preconfigured `reqwest::Client` (its own timeouts then apply).
    pub fn http_client(mut self, http: reqwest::Client) -> Self {
        self.http = Some(http);
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
        let http = match self.http {
            Some(http) => http,
            None => reqwest::Client::builder()
                .timeout(self.timeout)
                .connect_timeout(self.connect_timeout)
                .pool_idle_timeout(Duration::from_secs(60))
                .tcp_nodelay(true)
                .build()
                .map_err(|err| Error::Config(format!("HTTP client: {err}")))?,
        };
        Ok(Client {
            inner: Arc::new(Inner {
                http,
                base_url,
                signer: UserSigSigner::new(self.sdkappid, self.secret_key),
                admin: self.admin,
                usersig_ttl,
                timeout: self.timeout,
                max_response_bytes: self.max_response_bytes,
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

    #[test]
    fn client_is_send_sync_and_clone() {
        fn assert_traits<T: Send + Sync + Clone + 'static>() {}
        assert_traits::<Client>();
    }
}
