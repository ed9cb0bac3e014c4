//! [`Error`]: everything a call can end in besides success.

use std::fmt;
use std::time::Duration;

use crate::redact::Scrubber;
use crate::usersig::UserSigError;
use crate::{ErrorCode, ValidationError};

/// The error of every fallible operation of the SDK.
///
/// No variant carries the secret key or a UserSig: request URLs are stripped from transport
/// errors, and the text of a client's calls' answers (`ErrorInfo`, `ErrorDisplay`, body
/// excerpts, decoder messages) is scrubbed of the client's secrets before it is stored.
///
/// The errors of a call name its endpoint path ([`Error::path`]). Third-party errors are
/// wrapped ([`TransportError`], [`JsonError`], `std::io::Error`) and reachable through
/// [`std::error::Error::source`].
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The service answered with a non-zero `ErrorCode`.
    #[error(
        "the service refused {} with error {code}{}: {info}{attempts}",
        call(*path),
        describe(*code)
    )]
    Api {
        /// `ErrorCode`.
        code: ErrorCode,
        /// `ErrorInfo`.
        info: String,
        /// `ErrorDisplay`, when given.
        display: String,
        /// The endpoint path of the call.
        path: Option<&'static str>,
        /// The requests the call sent and the time it took.
        attempts: Attempts,
    },
    /// The request breaks a documented limit; nothing was sent. The error names the field.
    #[error("invalid request: {0}")]
    Validation(#[from] ValidationError),
    /// The HTTP status was not 200 (a redirect included: redirects are never followed).
    #[error(
        "HTTP status {status} instead of 200 for {}; the body starts with: {excerpt:?}{attempts}",
        call(*path)
    )]
    HttpStatus {
        /// The status code.
        status: u16,
        /// The start of the body.
        excerpt: String,
        /// The endpoint path of the call.
        path: Option<&'static str>,
        /// The requests the call sent and the time it took.
        attempts: Attempts,
    },
    /// The body was empty.
    #[error(
        "the response body of {} is empty (HTTP status {status}); the service always sends \
         JSON{attempts}",
        call(*path)
    )]
    EmptyBody {
        /// The status code.
        status: u16,
        /// The endpoint path of the call.
        path: Option<&'static str>,
        /// The requests the call sent and the time it took.
        attempts: Attempts,
    },
    /// The body is not the expected JSON: an error page, a truncated body or a wrong type.
    #[error(
        "the response body of {} is not the expected JSON ({source}; HTTP status {status}); \
         it starts with: {excerpt:?}{attempts}",
        call(*path)
    )]
    Decode {
        /// The status code.
        status: u16,
        /// The start of the body.
        excerpt: String,
        /// What the JSON decoder reported.
        source: JsonError,
        /// The endpoint path of the call.
        path: Option<&'static str>,
        /// The requests the call sent and the time it took.
        attempts: Attempts,
    },
    /// The body is larger than the configured limit.
    #[error(
        "the response body of {} exceeds {limit} bytes; raise ClientBuilder::max_response_bytes \
         if this is expected{attempts}",
        call(*path)
    )]
    BodyTooLarge {
        /// The limit in bytes.
        limit: usize,
        /// The endpoint path of the call.
        path: Option<&'static str>,
        /// The requests the call sent and the time it took.
        attempts: Attempts,
    },
    /// No complete response within the timeout.
    #[error(
        "no response to {} within {timeout:?}; the service itself times out at 3 s, so retry \
         later{attempts}",
        call(*path)
    )]
    Timeout {
        /// The timeout of the attempt.
        timeout: Duration,
        /// The endpoint path of the call.
        path: Option<&'static str>,
        /// The requests the call sent and the time it took.
        attempts: Attempts,
    },
    /// The request could not be sent or its response not received (connection refused, reset,
    /// TLS failure, ...).
    #[error("network error on {call}: {0}{attempts}", call = call(.0.path), attempts = .0.attempts)]
    Transport(#[source] TransportError),
    /// A UserSig could not be generated or was refused.
    #[error("UserSig: {0}")]
    UserSig(#[from] UserSigError),
    /// A paged listing stopped because the service's pages contradict themselves; continuing
    /// could loop forever.
    #[error("paging {path} stopped: {problem}")]
    Paging {
        /// The path of the paged call.
        path: &'static str,
        /// What was wrong with the pages.
        problem: PagingError,
    },
    /// A required environment variable is not set (or blank).
    #[error("{name} is not set: set it to {hint}")]
    MissingEnv {
        /// The variable.
        name: &'static str,
        /// What it should hold.
        hint: &'static str,
    },
    /// An environment variable holds something unusable.
    #[error("{name} is invalid: {reason}")]
    InvalidEnv {
        /// The variable.
        name: &'static str,
        /// What is wrong and what it should be (never the secret key's value).
        reason: String,
    },
    /// The base URL is not an `http(s)://host[:port][/prefix]` URL.
    #[error(
        "base URL {url:?} is not usable ({reason}); write http(s)://host[:port][/prefix] without \
         a query or fragment, e.g. http://127.0.0.1:8080"
    )]
    InvalidBaseUrl {
        /// The URL as given.
        url: String,
        /// What is wrong with it.
        reason: String,
    },
    /// The admin identifier is empty or too long.
    #[error(
        "the admin identifier has {len} bytes; it must have 1 to {} bytes",
        crate::MAX_USER_ID_BYTES
    )]
    InvalidAdmin {
        /// Its length in bytes.
        len: usize,
    },
    /// The secret key is empty.
    #[error("the secret key is empty: copy it from the console")]
    EmptySecretKey,
    /// [`crate::RateLimit::Fraction`] outside (0, 1].
    #[error("RateLimit::Fraction({fraction}) must be above 0 and at most 1")]
    InvalidRateFraction {
        /// The fraction given.
        fraction: f64,
    },
    /// The shared rate budget (`RateLimit::Shared`, Redis) could not be used: its URL is not a
    /// Redis URL (when configured), or Redis did not answer in time or refused (on a call).
    /// Nothing was sent: a call never goes out without its slot. Not retried by the client:
    /// the next call tries Redis again.
    #[error(
        "the shared rate budget at {budget} failed for {}: {reason}; this attempt was not \
         sent{attempts}",
        call(*path)
    )]
    RateBudget {
        /// The Redis URL, without credentials.
        budget: String,
        /// What went wrong.
        reason: String,
        /// The endpoint path of the call, or `None` for a bad URL.
        path: Option<&'static str>,
        /// The requests the call sent before (none when the first attempt found no budget)
        /// and the time it took.
        attempts: Attempts,
    },
    /// The UserSig validity is too short to be worth caching.
    #[error("usersig_ttl is {ttl:?}; it must be at least 60 seconds")]
    UserSigTtlTooShort {
        /// The validity given.
        ttl: Duration,
    },
    /// A timeout of zero was configured: every call would fail at once.
    #[error("{setting} is zero: give it a positive duration (the service itself needs up to 3 s)")]
    ZeroTimeout {
        /// Which setting: `ClientBuilder::timeout`, `ClientBuilder::connect_timeout` or
        /// `CallOptions::timeout`.
        setting: &'static str,
    },
    /// The HTTP client could not be set up (TLS backend initialisation).
    #[error("the HTTP client could not be set up: {0}")]
    HttpClient(#[source] TransportError),
    /// An I/O operation failed, such as binding the port of an embedded emulator.
    #[error("{context}: {source}")]
    Io {
        /// What was being done.
        context: &'static str,
        /// The I/O error.
        source: std::io::Error,
    },
    /// The request could not be serialised.
    #[error("could not encode the request body as JSON: {0}")]
    Encode(#[source] JsonError),
    /// A state the SDK believes impossible; please report it.
    #[error("internal error: {0}; this is a bug in tencent-im, please report it")]
    Internal(&'static str),
}

/// How many requests a call sent and how long it took, carried by the errors of a call
/// ([`Error::attempts`], [`Error::elapsed`]).
///
/// Its text, which ends the error's, is empty for a call that made at most one attempt: that
/// error is the whole story. After retries it reads ` after 3 attempts in 1.2 s`, so that a
/// reader of a log knows the error is the last of several and the retry budget is spent.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Attempts {
    count: u32,
    elapsed: Duration,
}

impl Attempts {
    /// Nothing sent yet: the value an error has before the call records its attempts.
    pub const NONE: Attempts = Attempts {
        count: 0,
        elapsed: Duration::ZERO,
    };

    pub(crate) fn new(count: u32, elapsed: Duration) -> Self {
        Self { count, elapsed }
    }

    /// The requests sent, the first and the retries (a re-signed retry after 70001 included).
    pub fn count(&self) -> u32 {
        self.count
    }

    /// The time from the start of the call to its failure: attempts, waits between them and
    /// waits for the rate limiter.
    pub fn elapsed(&self) -> Duration {
        self.elapsed
    }
}

impl fmt::Display for Attempts {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.count <= 1 {
            return Ok(());
        }
        write!(f, " after {} attempts in ", self.count)?;
        if self.elapsed < Duration::from_secs(1) {
            write!(f, "{} ms", self.elapsed.as_millis())
        } else {
            write!(f, "{:.1} s", self.elapsed.as_secs_f64())
        }
    }
}

/// ` v4/sns/friend_get` or `the request`.
fn call(path: Option<&'static str>) -> String {
    path.map_or_else(|| "the request".to_owned(), str::to_owned)
}

/// Why a paged listing was stopped.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum PagingError {
    /// A page said more pages follow but did not move forward: no items, or a next start
    /// index that is not after its own.
    #[error(
        "the page at index {start} brought {items} items and says the next starts at {next}; a \
         page that is not the last must bring items and move forward. The service answered \
         inconsistently: retry the listing later"
    )]
    NotAdvancing {
        /// The start index of the page.
        start: u64,
        /// The start index it gave for the next page.
        next: u64,
        /// How many items it brought.
        items: u64,
    },
    /// More items arrived than the service announced or documents.
    #[error(
        "{received} items arrived but at most {limit} can exist (the announced total or the \
         documented maximum); the service answered inconsistently, retry the listing later"
    )]
    TooManyItems {
        /// Items received so far.
        received: u64,
        /// The most there can be.
        limit: u64,
    },
}

/// What the JSON decoder reported about a response body, scrubbed of secrets.
#[derive(Debug)]
pub struct JsonError {
    message: String,
    truncated: bool,
}

impl JsonError {
    pub(crate) fn new(err: &serde_json::Error, scrubber: &Scrubber<'_>) -> Self {
        Self {
            message: scrubber.scrub_owned(err.to_string()),
            truncated: err.is_eof(),
        }
    }

    pub(crate) fn encode(err: &serde_json::Error) -> Self {
        Self::new(err, &Scrubber::none())
    }

    /// Whether the body ended before the JSON did (a body cut off on the way).
    pub fn is_truncated(&self) -> bool {
        self.truncated
    }
}

impl fmt::Display for JsonError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for JsonError {}

/// A failure to send a request or receive its response. Its text names the causes (connection
/// refused, reset, TLS, ...) but never the URL; [`std::error::Error::source`] gives the
/// underlying error.
#[derive(Debug)]
pub struct TransportError {
    message: String,
    retryable: bool,
    path: Option<&'static str>,
    attempts: Attempts,
    source: reqwest::Error,
}

impl TransportError {
    /// Whether the failure may pass (a request that could not even be built will not build
    /// next time either).
    pub(crate) fn is_retryable(&self) -> bool {
        self.retryable
    }

    pub(crate) fn new(err: reqwest::Error, scrubber: &Scrubber<'_>) -> Self {
        let err = err.without_url();
        Self {
            message: scrubber.scrub_owned(with_causes(&err)),
            // A request that could not even be built will not build next time either.
            retryable: !err.is_builder(),
            path: None,
            attempts: Attempts::NONE,
            source: err,
        }
    }
}

impl fmt::Display for TransportError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for TransportError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        Some(&self.source)
    }
}

/// The error and its causes, `outer: inner: innermost` (the URL was removed beforehand).
fn with_causes(err: &reqwest::Error) -> String {
    let mut text = err.to_string();
    let mut source = std::error::Error::source(err);
    while let Some(cause) = source {
        let cause_text = cause.to_string();
        if !text.contains(&cause_text) {
            text.push_str(": ");
            text.push_str(&cause_text);
        }
        source = cause.source();
    }
    text
}

fn describe(code: ErrorCode) -> String {
    code.description()
        .map(|text| format!(" ({text})"))
        .unwrap_or_default()
}

impl Error {
    /// The service's code, for [`Error::Api`].
    pub fn code(&self) -> Option<ErrorCode> {
        match self {
            Error::Api { code, .. } => Some(*code),
            _ => None,
        }
    }

    /// Whether sending the same request again may succeed: transient service codes, timeouts,
    /// network failures (refused, reset, cut off mid-body), a JSON body that ends early, and
    /// HTTP 502/503/504. The client's retries make the same decision
    /// ([`crate::RetryPolicy`]).
    pub fn is_retryable(&self) -> bool {
        matches!(
            crate::retry::classify(self),
            crate::retry::RetryAction::Retry(_)
        )
    }

    /// The endpoint path of the call that failed, for the errors of a call (not for
    /// [`Error::Validation`], whose field path says what is wrong, nor for configuration
    /// errors).
    pub fn path(&self) -> Option<&'static str> {
        match self {
            Error::Api { path, .. }
            | Error::HttpStatus { path, .. }
            | Error::EmptyBody { path, .. }
            | Error::Decode { path, .. }
            | Error::BodyTooLarge { path, .. }
            | Error::Timeout { path, .. }
            | Error::RateBudget { path, .. } => *path,
            Error::Transport(err) => err.path,
            Error::Paging { path, .. } => Some(path),
            _ => None,
        }
    }

    /// How many requests the call that failed sent: 1 for an error without retries, more after
    /// retries. 0 when nothing was sent: [`Error::Validation`], configuration errors, a shared
    /// rate budget that failed before the first attempt, and [`Error::Paging`] (which judges
    /// pages, not one call).
    pub fn attempts(&self) -> u32 {
        self.attempts_record().map_or(0, |attempts| attempts.count)
    }

    /// How long the call that failed took, retries and waits included; zero for the errors
    /// [`Error::attempts`] counts no request for.
    pub fn elapsed(&self) -> Duration {
        self.attempts_record()
            .map_or(Duration::ZERO, |attempts| attempts.elapsed)
    }

    fn attempts_record(&self) -> Option<&Attempts> {
        match self {
            Error::Api { attempts, .. }
            | Error::HttpStatus { attempts, .. }
            | Error::EmptyBody { attempts, .. }
            | Error::Decode { attempts, .. }
            | Error::BodyTooLarge { attempts, .. }
            | Error::Timeout { attempts, .. }
            | Error::RateBudget { attempts, .. } => Some(attempts),
            Error::Transport(err) => Some(&err.attempts),
            _ => None,
        }
    }

    /// Records the attempts of the call this error ends.
    pub(crate) fn after(mut self, record: Attempts) -> Self {
        match &mut self {
            Error::Api { attempts, .. }
            | Error::HttpStatus { attempts, .. }
            | Error::EmptyBody { attempts, .. }
            | Error::Decode { attempts, .. }
            | Error::BodyTooLarge { attempts, .. }
            | Error::Timeout { attempts, .. }
            | Error::RateBudget { attempts, .. } => *attempts = record,
            Error::Transport(err) => err.attempts = record,
            _ => {}
        }
        self
    }

    /// Names `path` as the call this error belongs to, unless one is named already.
    pub(crate) fn at(mut self, call: &'static str) -> Self {
        match &mut self {
            Error::Api { path, .. }
            | Error::HttpStatus { path, .. }
            | Error::EmptyBody { path, .. }
            | Error::Decode { path, .. }
            | Error::BodyTooLarge { path, .. }
            | Error::Timeout { path, .. } => {
                path.get_or_insert(call);
            }
            Error::Transport(err) => {
                err.path.get_or_insert(call);
            }
            _ => {}
        }
        self
    }

    pub(crate) fn transport(
        err: reqwest::Error,
        timeout: Duration,
        scrubber: &Scrubber<'_>,
    ) -> Self {
        if err.is_timeout() {
            Error::Timeout {
                timeout,
                path: None,
                attempts: Attempts::NONE,
            }
        } else {
            Error::Transport(TransportError::new(err, scrubber))
        }
    }
}
