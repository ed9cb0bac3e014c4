//! Why a callback was refused.

use serde::Serialize;

/// Why a callback was refused. No variant carries the token or the expected signature.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum WebhookError {
    /// A required query parameter is missing (`SdkAppid`, or `CallbackCommand` in both the
    /// query and the body).
    #[error("the callback has no `{name}`")]
    MissingParameter {
        /// The parameter, as Tencent spells it.
        name: &'static str,
    },
    /// A query parameter appears twice.
    #[error("the callback's query has `{name}` more than once")]
    DuplicateParameter {
        /// The parameter, as Tencent spells it.
        name: &'static str,
    },
    /// A query parameter is not of its type (`SdkAppid` not a decimal number).
    #[error("the callback's `{name}` is not valid")]
    InvalidParameter {
        /// The parameter, as Tencent spells it.
        name: &'static str,
    },
    /// `SdkAppid` is another app's.
    #[error(
        "the callback is for SdkAppid {got}, not this app's: if it is yours, build the Verifier \
         with that SDKAppID"
    )]
    WrongSdkAppId {
        /// The `SdkAppid` received.
        got: u64,
    },
    /// A token is configured but the callback has no `Sign` or no `RequestTime`: turn on
    /// webhook authentication in the console, or use `Verifier::unsigned`.
    #[error("the callback is not signed (no `Sign` or no `RequestTime`)")]
    MissingSignature,
    /// `Sign` is not SHA-256 of the token and `RequestTime`: another token, or a forgery.
    #[error(
        "the callback's `Sign` does not match the token: if the callback is genuine, give the \
         Verifier the callback token shown in the console"
    )]
    BadSignature,
    /// `RequestTime` is not decimal Unix seconds.
    #[error("the callback's `RequestTime` is not decimal Unix seconds")]
    BadRequestTime,
    /// `RequestTime` is too far from the receiver's clock: a replay, or a clock off.
    #[error(
        "the callback's RequestTime {request_time} is more than {window_secs} s from now \
         ({now}): a replay, or a clock out of sync"
    )]
    StaleRequestTime {
        /// `RequestTime` received.
        request_time: u64,
        /// The receiver's clock.
        now: u64,
        /// The allowed difference, either way.
        window_secs: u64,
    },
    /// The body is larger than the configured limit.
    #[error("the callback's body is larger than {limit} bytes")]
    BodyTooLarge {
        /// The limit, in bytes.
        limit: usize,
    },
    /// The body did not arrive within the time a callback has to be answered in.
    #[error("the callback's body did not arrive within {timeout_ms} ms")]
    BodyTimeout {
        /// The time allowed, in milliseconds.
        timeout_ms: u64,
    },
    /// The body is not the JSON object of its command.
    #[error("the body of {command} is not valid: {reason}")]
    MalformedBody {
        /// The command the body was read as.
        command: String,
        /// What is wrong, from the JSON decoder.
        reason: String,
    },
    /// The query's `CallbackCommand` and the body's disagree.
    #[error("the query says {query} but the body says {body}")]
    CommandMismatch {
        /// `CallbackCommand` of the query.
        query: String,
        /// `CallbackCommand` of the body.
        body: String,
    },
}

impl WebhookError {
    /// The HTTP status of the refusal: 401 when the caller is not shown to be Tencent for this
    /// app (`SdkAppid`, `Sign`, `RequestTime`), 413 for a body over the limit, 408 for a body
    /// that does not arrive in time, 400 otherwise.
    pub fn status(&self) -> u16 {
        match self {
            WebhookError::WrongSdkAppId { .. }
            | WebhookError::MissingSignature
            | WebhookError::BadSignature
            | WebhookError::BadRequestTime
            | WebhookError::StaleRequestTime { .. } => 401,
            WebhookError::BodyTooLarge { .. } => 413,
            WebhookError::BodyTimeout { .. } => 408,
            WebhookError::MissingParameter { .. }
            | WebhookError::DuplicateParameter { .. }
            | WebhookError::InvalidParameter { .. }
            | WebhookError::MalformedBody { .. }
            | WebhookError::CommandMismatch { .. } => 400,
        }
    }

    /// The answer's body: Tencent's envelope with `ActionStatus` `FAIL`, `ErrorCode` the HTTP
    /// status and `ErrorInfo` this error's message.
    pub fn envelope_json(&self) -> Vec<u8> {
        failure_json(u32::from(self.status()), &self.to_string())
    }
}

/// `{"ActionStatus":"FAIL","ErrorCode":code,"ErrorInfo":info}`.
pub(crate) fn failure_json(code: u32, info: &str) -> Vec<u8> {
    #[derive(Serialize)]
    struct Failure<'a> {
        #[serde(rename = "ActionStatus")]
        action_status: &'static str,
        #[serde(rename = "ErrorCode")]
        error_code: u32,
        #[serde(rename = "ErrorInfo")]
        error_info: &'a str,
    }
    let failure = Failure {
        action_status: "FAIL",
        error_code: code,
        error_info: info,
    };
    // A struct of a str and an integer always serialises; the fallback keeps this total.
    serde_json::to_vec(&failure)
        .unwrap_or_else(|_| br#"{"ActionStatus":"FAIL","ErrorCode":500,"ErrorInfo":""}"#.to_vec())
}
