//! [`ClientBuilder`]: configuration in code or from the `IM_*` environment variables, checked
//! once by [`ClientBuilder::build`].

use std::sync::Arc;
use std::time::Duration;

use super::auth::Auth;
use super::failover::{Hosts, DEFAULT_FAILOVER_COOL_DOWN};
use super::transport::Transport;
use super::{Client, Inner};
use crate::rate::CallLimiter;
use crate::{Clock, Error, RateLimit, Region, RetryPolicy, SecretKey, SystemClock};

/// Default request timeout: above the service's own 3 s backend timeout.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(10);

/// Default validity of the admin UserSig the client signs for itself: one day. It is renewed
/// once three quarters of that have passed.
pub const DEFAULT_USERSIG_TTL: Duration = Duration::from_secs(24 * 3600);

const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(5);
const DEFAULT_MAX_RESPONSE_BYTES: usize = 32 * 1024 * 1024;

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
    /// `None` until [`ClientBuilder::failover`] is called: failover is on then.
    failover: Option<bool>,
    backup_base_url: Option<String>,
    failover_cool_down: Duration,
    allow_insecure_http: bool,
}

impl ClientBuilder {
    pub(super) fn new(sdkappid: u64, secret_key: SecretKey, admin: String) -> Self {
        Self {
            sdkappid,
            secret_key,
            admin,
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
            failover: None,
            backup_base_url: None,
            failover_cool_down: DEFAULT_FAILOVER_COOL_DOWN,
            allow_insecure_http: false,
        }
    }

    /// A builder from the environment: `IM_SDKAPPID` (required, an integer), `IM_SECRET_KEY`
    /// (required), `IM_ADMIN` (required), `IM_REGION` (optional, default `china`),
    /// `IM_BASE_URL` (optional, overrides the region; used for the emulator and tests) and
    /// `IM_RATE_REDIS_URL` (optional: the rate budget shared by all processes of the app,
    /// `RateLimit::Shared`; needs the `redis` feature, and is refused without it rather than
    /// ignored, since each process would then spend the whole budget).
    pub fn from_env() -> Result<ClientBuilder, Error> {
        Self::from_lookup(|name| std::env::var(name).ok())
    }

    /// Like [`ClientBuilder::from_env`], reading variables through `lookup`.
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Result<ClientBuilder, Error> {
        let required = |name: &'static str, hint: &'static str| {
            lookup(name)
                .filter(|value| !value.trim().is_empty())
                .ok_or(Error::MissingEnv { name, hint })
        };
        let sdkappid_text = required("IM_SDKAPPID", "the app's SDKAppID from the console")?;
        let sdkappid = sdkappid_text
            .trim()
            .parse::<u64>()
            .map_err(|_| Error::InvalidEnv {
                name: "IM_SDKAPPID",
                reason: format!(
                    "it must be a positive integer such as 1400000000, not {sdkappid_text:?}"
                ),
            })?;
        let secret_key = required("IM_SECRET_KEY", "the app's secret key from the console")?;
        let admin = required("IM_ADMIN", "an app admin identifier, e.g. administrator")?;
        let mut builder = Client::builder(sdkappid, secret_key, admin.trim());
        if let Some(region) = lookup("IM_REGION").filter(|v| !v.trim().is_empty()) {
            let region = region.parse::<Region>().map_err(|err| Error::InvalidEnv {
                name: "IM_REGION",
                reason: err.to_string(),
            })?;
            builder = builder.region(region);
        }
        if let Some(url) = lookup("IM_BASE_URL").filter(|v| !v.trim().is_empty()) {
            builder = builder.base_url(url.trim());
        }
        if let Some(url) = lookup("IM_RATE_REDIS_URL").filter(|v| !v.trim().is_empty()) {
            builder = builder.rate_limit(shared_budget(url.trim())?);
        }
        Ok(builder)
    }

    /// Sends to a region's primary host (the default is [`Region::China`]), failing over to its
    /// backup host.
    pub fn region(mut self, region: Region) -> Self {
        self.target = Target::Region {
            region,
            backup: false,
        };
        self
    }

    /// Sends to a region's backup host, failing over to its primary host.
    pub fn region_backup(mut self, region: Region) -> Self {
        self.target = Target::Region {
            region,
            backup: true,
        };
        self
    }

    /// Sends to an explicit base URL such as `http://127.0.0.1:8080` (an emulator, a proxy).
    ///
    /// Plain `http://` is accepted for this machine only (`localhost`, `127.0.0.0/8`, `::1`):
    /// every request carries the admin UserSig in its URL, which anyone on the path could
    /// replay. For a plain-HTTP host elsewhere, [`ClientBuilder::build`] refuses with
    /// [`Error::InvalidBaseUrl`] unless [`ClientBuilder::allow_insecure_http`] says otherwise.
    ///
    /// There is no failover from it unless [`ClientBuilder::backup_base_url`] names where to.
    pub fn base_url(mut self, base_url: impl Into<String>) -> Self {
        self.target = Target::BaseUrl(base_url.into());
        self
    }

    /// Where calls go while the primary host cannot be reached, instead of the region's other
    /// host; needed for failover from a [`ClientBuilder::base_url`]. Checked like a base URL by
    /// [`ClientBuilder::build`].
    ///
    /// An attempt that cannot connect (refused, DNS, TLS handshake, connect timeout) or gets no
    /// response within the timeout moves the client and its clones to the backup for the
    /// cool-down ([`ClientBuilder::failover_cool_down`]); the retry of that attempt already
    /// goes there. HTTP and envelope errors are answers and move nothing, nor does a connection
    /// reset or closed under a request (a stale keep-alive connection), which is retried. Such
    /// a failure on the backup sends calls to the primary again.
    ///
    /// It does not turn failover back on: after [`ClientBuilder::failover`]`(false)`, before or
    /// after this, every call goes to the primary host.
    pub fn backup_base_url(mut self, base_url: impl Into<String>) -> Self {
        self.backup_base_url = Some(base_url.into());
        self
    }

    /// How long calls stay on the backup host after the primary failed (default
    /// [`crate::DEFAULT_FAILOVER_COOL_DOWN`], 60 s). Each further failure of the primary in
    /// that time starts it again.
    pub fn failover_cool_down(mut self, cool_down: Duration) -> Self {
        self.failover_cool_down = cool_down;
        self
    }

    /// Turns failover on (the default) or off: with `false`, every call goes to the primary
    /// host, whether [`ClientBuilder::backup_base_url`] is called before or after this. With
    /// `true`, a region fails over to its other host and a [`ClientBuilder::base_url`] to the
    /// [`ClientBuilder::backup_base_url`], if one is given.
    pub fn failover(mut self, enabled: bool) -> Self {
        self.failover = Some(enabled);
        self
    }

    /// Timeout of each attempt, from sending the request to the last byte of the answer,
    /// waiting for the response-memory budget included (default [`DEFAULT_TIMEOUT`]); keep it
    /// above 3 s. One call can override it with [`crate::CallOptions::timeout`]. Zero is
    /// refused by [`ClientBuilder::build`].
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

    /// Accepts a plain `http://` base URL to a host other than this machine (default `false`),
    /// e.g. a proxy on a private network that adds TLS itself. The admin UserSig then travels
    /// in clear text on the way to it.
    pub fn allow_insecure_http(mut self, allow: bool) -> Self {
        self.allow_insecure_http = allow;
        self
    }

    /// Checks the configuration and builds the client.
    pub fn build(self) -> Result<Client, Error> {
        if self.admin.is_empty() || self.admin.len() > crate::MAX_USER_ID_BYTES {
            return Err(Error::InvalidAdmin {
                len: self.admin.len(),
            });
        }
        if self.secret_key.expose_secret().is_empty() {
            return Err(Error::EmptySecretKey);
        }
        if let RateLimit::Fraction(fraction) = self.rate_limit {
            if !(fraction > 0.0 && fraction <= 1.0) {
                return Err(Error::InvalidRateFraction { fraction });
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
            return Err(Error::UserSigTtlTooShort {
                ttl: self.usersig_ttl,
            });
        }
        let (base_url, region_backup) = match self.target {
            Target::Region {
                region,
                backup: false,
            } => (region.base_url(), Some(region.backup_base_url())),
            Target::Region {
                region,
                backup: true,
            } => (region.backup_base_url(), Some(region.base_url())),
            Target::BaseUrl(url) => (checked_base_url(&url, self.allow_insecure_http)?, None),
        };
        let backup_base_url = match self.backup_base_url {
            Some(url) => Some(checked_base_url(&url, self.allow_insecure_http)?),
            None => region_backup,
        }
        .filter(|_| self.failover.unwrap_or(true));
        Ok(Client {
            inner: Arc::new(Inner {
                transport: Transport::new(
                    Hosts::new(base_url, backup_base_url, self.failover_cool_down),
                    self.timeout,
                    self.connect_timeout,
                    self.max_response_bytes,
                )?,
                auth: Auth::new(
                    self.sdkappid,
                    self.secret_key,
                    self.admin,
                    usersig_ttl,
                    self.clock,
                ),
                timeout: self.timeout,
                limiter: CallLimiter::new(self.rate_limit, self.sdkappid),
                retry: self.retry,
            }),
        })
    }
}

/// The budget of `IM_RATE_REDIS_URL`.
#[cfg(feature = "redis")]
fn shared_budget(url: &str) -> Result<RateLimit, Error> {
    crate::rate::SharedBudget::redis(url)
        .map(RateLimit::Shared)
        .map_err(|err| Error::InvalidEnv {
            name: "IM_RATE_REDIS_URL",
            reason: match err {
                Error::RateBudget { reason, .. } => reason,
                other => other.to_string(),
            },
        })
}

/// Without the `redis` feature, `IM_RATE_REDIS_URL` is refused.
#[cfg(not(feature = "redis"))]
fn shared_budget(_url: &str) -> Result<RateLimit, Error> {
    Err(Error::InvalidEnv {
        name: "IM_RATE_REDIS_URL",
        reason: "this build of tencent-im-core has no `redis` feature: enable it, or unset the \
                 variable and give each process a RateLimit::Fraction"
            .to_owned(),
    })
}

/// `url` without a trailing `/`, if it is `http(s)://host[:port][/prefix]` without a query, and
/// `https` unless the host is this machine or `allow_insecure_http` is set.
fn checked_base_url(url: &str, allow_insecure_http: bool) -> Result<String, Error> {
    let parsed = match url::Url::parse(url) {
        Ok(parsed) => parsed,
        Err(err) => {
            return Err(Error::InvalidBaseUrl {
                reason: err.to_string(),
                url: without_userinfo(url),
            })
        }
    };
    let reason = if !matches!(parsed.scheme(), "http" | "https") {
        Some("the scheme must be http or https")
    } else if parsed.query().is_some() {
        Some("it must not have a query")
    } else if parsed.fragment().is_some() {
        // The call's path and signed query would land in the fragment, which is never sent.
        Some("it must not have a fragment (#...)")
    } else if parsed.host().is_none() {
        Some("it has no host")
    } else if parsed.scheme() == "http" && !allow_insecure_http && !super::is_loopback(url) {
        Some(
            "plain http sends the admin UserSig in clear text; use https, or opt in with \
             ClientBuilder::allow_insecure_http(true) (plain http to this machine is always \
             accepted)",
        )
    } else {
        None
    };
    match reason {
        Some(reason) => Err(Error::InvalidBaseUrl {
            url: without_userinfo(url),
            reason: reason.to_owned(),
        }),
        None => Ok(url.trim_end_matches('/').to_owned()),
    }
}

/// `url` as given, but with any `user:password@` before its host replaced by `<redacted>@`:
/// a base URL may carry a proxy's credentials, and error text ends up in logs.
pub(super) fn without_userinfo(url: &str) -> String {
    let authority_start = url.find("://").map_or(0, |i| i + 3);
    let rest = &url[authority_start..];
    let at = if url::Url::parse(url).is_ok() {
        // Parsed: the authority ends at the first `/`, `?`, `#` or `\`, and the userinfo at
        // its last `@`.
        let authority_end = rest.find(['/', '?', '#', '\\']).unwrap_or(rest.len());
        rest[..authority_end].rfind('@')
    } else {
        // Not a URL: where its userinfo would end is unclear, so hide all up to the last `@`.
        rest.rfind('@')
    };
    match at {
        Some(at) => format!("{}<redacted>@{}", &url[..authority_start], &rest[at + 1..]),
        None => url.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use crate::{Client, ClientBuilder, Error, Region};

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
        assert!(matches!(
            err,
            Error::MissingEnv {
                name: "IM_SECRET_KEY",
                ..
            }
        ));
        let err = ClientBuilder::from_lookup(env(&[("IM_SDKAPPID", "abc")])).unwrap_err();
        assert!(err.to_string().contains("IM_SDKAPPID"), "{err}");
        assert!(matches!(
            err,
            Error::InvalidEnv {
                name: "IM_SDKAPPID",
                ..
            }
        ));
        let err = ClientBuilder::from_lookup(env(&[
            ("IM_SDKAPPID", "1"),
            ("IM_SECRET_KEY", "key"),
            ("IM_ADMIN", "administrator"),
            ("IM_REGION", "atlantis"),
        ]))
        .unwrap_err();
        assert!(err.to_string().contains("IM_REGION"), "{err}");
        assert!(matches!(
            err,
            Error::InvalidEnv {
                name: "IM_REGION",
                ..
            }
        ));
    }

    #[test]
    fn the_shared_budget_comes_from_im_rate_redis_url_or_is_refused() {
        let lookup = |url: &'static str| {
            move |name: &str| {
                Some(
                    match name {
                        "IM_SDKAPPID" => "1",
                        "IM_SECRET_KEY" => "key",
                        "IM_ADMIN" => "administrator",
                        "IM_RATE_REDIS_URL" => url,
                        _ => return None,
                    }
                    .to_owned(),
                )
            }
        };
        let result = ClientBuilder::from_lookup(lookup("redis://:s3cret@127.0.0.1:6379/0"));
        #[cfg(feature = "redis")]
        {
            let builder = result.unwrap();
            assert!(matches!(builder.rate_limit, crate::RateLimit::Shared(_)));
            assert!(!format!("{builder:?}").contains("s3cret"));
            builder.build().unwrap();
            let err = ClientBuilder::from_lookup(lookup("http://:s3cret@host/")).unwrap_err();
            assert!(
                matches!(
                    err,
                    Error::InvalidEnv {
                        name: "IM_RATE_REDIS_URL",
                        ..
                    }
                ),
                "{err}"
            );
            assert!(!err.to_string().contains("s3cret"), "{err}");
        }
        // Without the feature the variable is refused, never ignored.
        #[cfg(not(feature = "redis"))]
        assert!(matches!(
            result.unwrap_err(),
            Error::InvalidEnv {
                name: "IM_RATE_REDIS_URL",
                ..
            }
        ));
        // Empty means unset.
        let builder = ClientBuilder::from_lookup(lookup(" ")).unwrap();
        assert!(matches!(builder.rate_limit, crate::RateLimit::Documented));
    }

    #[test]
    fn base_url_errors_hide_userinfo() {
        for (url, shown) in [
            (
                "ftp://proxyuser:pr0xy-pass@host:21/",
                "ftp://<redacted>@host:21/",
            ),
            (
                "http://proxyuser:pr0xy-pass@10.0.0.7/",
                "http://<redacted>@10.0.0.7/",
            ),
            (
                "https://pr0xy-pass@host/x?q=1",
                "https://<redacted>@host/x?q=1",
            ),
            ("https://u:p@ss@host/@x?q", "https://<redacted>@host/@x?q"),
            // Not URLs: everything up to the last `@` is hidden.
            (
                "http://u:pr0xy-pass@host:notaport",
                "http://<redacted>@host:notaport",
            ),
            ("http://u:pr0xy#pass@host", "http://<redacted>@host"),
            ("u:pr0xy-pass@ host", "<redacted>@ host"),
        ] {
            let err = Client::builder(1, "k", "admin")
                .base_url(url)
                .build()
                .unwrap_err();
            let text = err.to_string();
            assert!(!text.contains("pr0xy") && !text.contains("p@ss"), "{text}");
            assert!(!format!("{err:?}").contains("pr0xy"), "{err:?}");
            match err {
                Error::InvalidBaseUrl { url: given, .. } => assert_eq!(given, shown),
                other => panic!("{other:?}"),
            }
        }
    }

    #[test]
    fn im_base_url_follows_the_plain_http_rule() {
        let lookup = |url: &'static str| {
            move |name: &str| {
                Some(
                    match name {
                        "IM_SDKAPPID" => "1",
                        "IM_SECRET_KEY" => "key",
                        "IM_ADMIN" => "administrator",
                        "IM_BASE_URL" => url,
                        _ => return None,
                    }
                    .to_owned(),
                )
            }
        };
        let remote = || ClientBuilder::from_lookup(lookup("http://10.1.2.3:8080")).unwrap();
        assert!(matches!(
            remote().build().unwrap_err(),
            Error::InvalidBaseUrl { .. }
        ));
        let client = remote().allow_insecure_http(true).build().unwrap();
        assert_eq!(client.base_url(), "http://10.1.2.3:8080");
        ClientBuilder::from_lookup(lookup("http://127.0.0.1:8080"))
            .unwrap()
            .build()
            .unwrap();
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
    fn failover_goes_to_the_other_host_of_the_region_or_to_a_given_backup() {
        let builder = || Client::builder(1, "k", "admin");
        let backup_of = |builder: ClientBuilder| {
            builder
                .build()
                .unwrap()
                .backup_base_url()
                .map(str::to_owned)
        };
        assert_eq!(
            backup_of(builder().region(Region::Tokyo)).as_deref(),
            Some("https://adminapijpn.my-imcloud.com")
        );
        assert_eq!(
            backup_of(builder().region_backup(Region::Tokyo)).as_deref(),
            Some("https://adminapijpn.im.qcloud.com")
        );
        assert_eq!(
            backup_of(builder().region(Region::Tokyo).failover(false)),
            None
        );
        // An explicit `failover(false)` wins over a backup URL given before or after it.
        for failover_last in [false, true] {
            let mut builder = builder().base_url("http://127.0.0.1:1");
            if failover_last {
                builder = builder
                    .backup_base_url("http://127.0.0.1:2")
                    .failover(false);
            } else {
                builder = builder
                    .failover(false)
                    .backup_base_url("http://127.0.0.1:2");
            }
            assert_eq!(
                backup_of(builder),
                None,
                "failover(false) last: {failover_last}"
            );
        }
        assert_eq!(
            backup_of(
                builder()
                    .failover(false)
                    .region(Region::Tokyo)
                    .backup_base_url("https://backup.example.com")
            ),
            None
        );
        // A custom base URL has no backup unless one is given.
        assert_eq!(backup_of(builder().base_url("http://127.0.0.1:1")), None);
        assert_eq!(
            backup_of(
                builder()
                    .base_url("http://127.0.0.1:1")
                    .backup_base_url("http://127.0.0.1:2/")
            )
            .as_deref(),
            Some("http://127.0.0.1:2")
        );
        assert!(matches!(
            builder().backup_base_url("ftp://host").build().unwrap_err(),
            Error::InvalidBaseUrl { .. }
        ));
        // A remote backup makes a loopback primary no longer "this machine only".
        let client = builder()
            .base_url("http://127.0.0.1:1")
            .backup_base_url("https://adminapi.my-imcloud.com")
            .build()
            .unwrap();
        assert!(!client.is_loopback());
        assert!(format!("{client:?}").contains("adminapi.my-imcloud.com"));
    }

    #[test]
    fn bad_configuration_is_refused() {
        let builder = || Client::builder(1, "k", "admin");
        let refused = |builder: ClientBuilder| builder.build().unwrap_err();
        assert!(matches!(
            refused(Client::builder(1, "k", "")),
            Error::InvalidAdmin { len: 0 }
        ));
        assert!(matches!(
            refused(Client::builder(1, "", "admin")),
            Error::EmptySecretKey
        ));
        for (url, reason) in [
            ("not a url", "relative URL"),
            ("ftp://host", "scheme"),
            ("https://host/?q=1", "query"),
            // The path and the signed query would go into the fragment, which is never sent.
            ("https://host/#frag", "fragment"),
            ("http://127.0.0.1:9/#frag", "fragment"),
        ] {
            let err = refused(builder().base_url(url));
            assert!(matches!(err, Error::InvalidBaseUrl { .. }), "{url}: {err}");
            assert!(err.to_string().contains(reason), "{url}: {err}");
        }
        assert!(matches!(
            refused(builder().usersig_ttl(Duration::from_secs(1))),
            Error::UserSigTtlTooShort { .. }
        ));
        assert!(matches!(
            refused(builder().rate_limit(crate::RateLimit::Fraction(1.5))),
            Error::InvalidRateFraction { .. }
        ));
        // Plain http only to this machine, unless the user opts in.
        for url in [
            "http://10.0.0.7:8080",
            "http://adminapisgp.im.qcloud.com",
            "http://[::2]",
        ] {
            let err = refused(builder().base_url(url));
            assert!(matches!(err, Error::InvalidBaseUrl { .. }), "{url}: {err}");
            assert!(err.to_string().contains("allow_insecure_http"), "{err}");
            builder()
                .base_url(url)
                .allow_insecure_http(true)
                .build()
                .unwrap();
        }
        for url in [
            "http://127.0.0.1:1",
            "http://localhost",
            "http://[::1]:9",
            "https://10.0.0.7",
        ] {
            builder().base_url(url).build().unwrap();
        }
        // Configuration errors belong to no call.
        assert_eq!(refused(builder().base_url("ftp://host")).path(), None);
    }
}
