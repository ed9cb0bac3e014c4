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
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The service answered with a non-zero `ErrorCode`.
    #[error("the service refused the request with error {code}{}: {info}", describe(*code))]
    Api {
        /// `ErrorCode`.
        code: ErrorCode,
        /// `ErrorInfo`.
        info: String,
        /// `ErrorDisplay`, when given.
        display: String,
    },
    /// The request breaks a documented limit; nothing was sent.
    #[error("invalid request: {0}")]
    Validation(#[from] ValidationError),
    /// The HTTP status was not 200.
    #[error("HTTP status {status} instead of 200; the body starts with: {excerpt:?}")]
    HttpStatus {
        /// The status code.
        status: u16,
        /// The start of the body.
        excerpt: String,
    },
    /// The body was empty.
    #[error("the response body is empty (HTTP status {status}); the service always sends JSON")]
    EmptyBody {
        /// The status code.
        status: u16,
    },
    /// The body is not the expected JSON: an error page, a truncated body or a wrong type.
    #[error(
        "the response body is not the expected JSON ({source}; HTTP status {status}); \
         it starts with: {excerpt:?}"
    )]
    Decode {
        /// The status code.
        status: u16,
        /// The start of the body.
        excerpt: String,
        /// What the JSON decoder reported.
        source: JsonError,
    },
    /// The body is larger than the configured limit.
    #[error(
        "the response body exceeds {limit} bytes; raise ClientBuilder::max_response_bytes if \
         this is expected"
    )]
    BodyTooLarge {
        /// The limit in bytes.
        limit: usize,
    },
    /// No complete response within the timeout.
    #[error("no response within {timeout:?}; the service itself times out at 3 s, so retry later")]
    Timeout {
        /// The configured timeout.
        timeout: Duration,
    },
    /// The request could not be sent or its response not received (connection refused, reset,
    /// TLS failure, ...).
    #[error("network error: {0}")]
    Transport(TransportError),
    /// A UserSig could not be generated or was refused.
    #[error("UserSig: {0}")]
    UserSig(#[from] UserSigError),
    /// The client configuration is incomplete or invalid.
    #[error("configuration: {0}")]
    Config(String),
    /// A paged listing stopped because the service's pages contradict themselves; continuing
    /// could loop forever.
    #[error("paging {path} stopped: {problem}")]
    Paging {
        /// The path of the paged call.
        path: &'static str,
        /// What was wrong with the pages.
        problem: PagingError,
    },
    /// A timeout of zero was configured: every call would fail at once.
    #[error("{setting} is zero: give it a positive duration (the service itself needs up to 3 s)")]
    ZeroTimeout {
        /// Which setting: `ClientBuilder::timeout`, `ClientBuilder::connect_timeout` or
        /// `CallOptions::timeout`.
        setting: &'static str,
    },
    /// The request could not be serialised.
    #[error("could not encode the request body as JSON: {0}")]
    Encode(#[source] serde_json::Error),
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
    source: reqwest::Error,
}

impl TransportError {
    pub(crate) fn new(err: reqwest::Error, scrubber: &Scrubber<'_>) -> Self {
        let err = err.without_url();
        Self {
            message: scrubber.scrub_owned(with_causes(&err)),
            // A request that could not even be built will not build next time either.
            retryable: !err.is_builder(),
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
    /// HTTP 502/503/504.
    pub fn is_retryable(&self) -> bool {
        match self {
            Error::Api { code, .. } => code.is_retryable(),
            Error::Timeout { .. } => true,
            Error::Transport(err) => err.retryable,
            Error::HttpStatus { status, .. } => matches!(status, 502..=504),
            Error::Decode { source, .. } => source.is_truncated(),
            _ => false,
        }
    }

    pub(crate) fn transport(
        err: reqwest::Error,
        timeout: Duration,
        scrubber: &Scrubber<'_>,
    ) -> Self {
        if err.is_timeout() {
            Error::Timeout { timeout }
        } else {
            Error::Transport(TransportError::new(err, scrubber))
        }
    }
}
