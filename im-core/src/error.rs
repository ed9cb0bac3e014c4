//! [`Error`]: everything a call can end in besides success.

use std::time::Duration;

use crate::usersig::UserSigError;
use crate::{ErrorCode, ValidationError};

/// The error of every fallible operation of the SDK.
///
/// No variant carries the secret key or a UserSig: request URLs are stripped from transport
/// errors before they are stored.
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
        source: serde_json::Error,
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
    /// TLS failure, ...). The URL is removed from the inner error.
    #[error("network error: {}", with_causes(.0))]
    Transport(#[source] reqwest::Error),
    /// A UserSig could not be generated or was refused.
    #[error("UserSig: {0}")]
    UserSig(#[from] UserSigError),
    /// The client configuration is incomplete or invalid.
    #[error("configuration: {0}")]
    Config(String),
    /// The request could not be serialised.
    #[error("could not encode the request body as JSON: {0}")]
    Encode(#[source] serde_json::Error),
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
            Error::Transport(err) => !err.is_builder(),
            Error::HttpStatus { status, .. } => matches!(status, 502..=504),
            Error::Decode { source, .. } => source.is_eof(),
            _ => false,
        }
    }

    pub(crate) fn transport(err: reqwest::Error, timeout: Duration) -> Self {
        if err.is_timeout() {
            Error::Timeout { timeout }
        } else {
            Error::Transport(err.without_url())
        }
    }
}
