//! The webhook token, the signature, and the checks of a callback's query.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;
use tencent_im_core::{Clock, SystemClock};

use crate::error::WebhookError;
use crate::events::{Callback, Event};
use crate::query::CallbackQuery;

/// How far `RequestTime` may be from the receiver's clock, either way, by default: 60 s.
///
/// Tencent sends `RequestTime` when it sends the callback and gives up after 2 s, so a genuine
/// callback arrives within 2 s plus the clock difference of two NTP-synchronised machines
/// (milliseconds). Tencent's documentation of the same token scheme for its Live callbacks
/// (product 647/64412) treats a difference above one minute as a replay; this default follows
/// it. A captured signed URL stays usable for this long (the signature covers neither the body
/// nor `SdkAppid`), so widen it only for a receiver whose clock is known to drift.
pub const DEFAULT_WINDOW: Duration = Duration::from_secs(60);

/// The largest body accepted by default: 1 MiB.
///
/// The largest documented callbacks are pair lists: a REST `friend_add` or `friend_delete` of
/// 1000 friends is about 80 KB of `PairList`. 1 MiB leaves a wide margin for them and for
/// unknown commands, and bounds what a caller without a valid signature can make the receiver
/// buffer.
pub const DEFAULT_BODY_LIMIT: usize = 1024 * 1024;

/// The longest token the console accepts, in characters.
pub const MAX_TOKEN_CHARS: usize = 128;

/// The webhook authentication token set in the console (1 to 128 characters). A secret: never
/// shown by `Debug` or `Display`, never put in an error.
#[derive(Clone, PartialEq, Eq)]
pub struct WebhookToken(String);

/// A token that the console would not accept.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "a webhook token has 1 to {MAX_TOKEN_CHARS} characters; this one has {chars} (the token \
     itself is not shown)"
)]
pub struct InvalidToken {
    /// How many characters the refused token has.
    pub chars: usize,
}

impl WebhookToken {
    /// Wraps the token; refuses an empty one or one over 128 characters.
    pub fn new(token: impl Into<String>) -> Result<Self, InvalidToken> {
        let token = token.into();
        let chars = token.chars().count();
        if (1..=MAX_TOKEN_CHARS).contains(&chars) {
            Ok(Self(token))
        } else {
            Err(InvalidToken { chars })
        }
    }

    /// The token itself, for signing. Do not log it.
    pub fn expose_secret(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for WebhookToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("WebhookToken(<redacted>)")
    }
}

impl fmt::Display for WebhookToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("<redacted webhook token>")
    }
}

/// `Sign` for a `RequestTime`: the lowercase hex of SHA-256 over the token immediately followed
/// by `request_time` as sent (decimal Unix seconds). For a sender (an emulator, a test).
pub fn sign(token: &WebhookToken, request_time: &str) -> String {
    hex(&digest(token, request_time))
}

fn digest(token: &WebhookToken, request_time: &str) -> [u8; 32] {
    let mut hasher = Sha256::new();
    hasher.update(token.expose_secret().as_bytes());
    hasher.update(request_time.as_bytes());
    hasher.finalize().into()
}

fn hex(bytes: &[u8; 32]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut out = String::with_capacity(64);
    for byte in bytes {
        out.push(char::from(DIGITS[usize::from(byte >> 4)]));
        out.push(char::from(DIGITS[usize::from(byte & 0x0f)]));
    }
    out
}

/// Checks callbacks for one app: `SdkAppid`, `Sign`, the `RequestTime` window and the body size,
/// then decodes them.
#[derive(Debug, Clone)]
pub struct Verifier {
    sdk_app_id: u64,
    token: Option<WebhookToken>,
    window: Duration,
    body_limit: usize,
    clock: Arc<dyn Clock>,
}

impl Verifier {
    /// Accepts callbacks of `sdk_app_id` signed with `token`: a callback without `Sign` and
    /// `RequestTime` is refused.
    pub fn new(sdk_app_id: u64, token: WebhookToken) -> Self {
        Self {
            sdk_app_id,
            token: Some(token),
            window: DEFAULT_WINDOW,
            body_limit: DEFAULT_BODY_LIMIT,
            clock: Arc::new(SystemClock),
        }
    }

    /// Accepts callbacks of `sdk_app_id` without a signature, for an app whose console has
    /// webhook authentication turned off. Anyone who knows the SdkAppID can then send events:
    /// prefer [`Verifier::new`].
    pub fn unsigned(sdk_app_id: u64) -> Self {
        Self {
            token: None,
            ..Self::new(sdk_app_id, WebhookToken(String::new()))
        }
    }

    /// How far `RequestTime` may be from now, either way ([`DEFAULT_WINDOW`] by default).
    pub fn window(mut self, window: Duration) -> Self {
        self.window = window;
        self
    }

    /// The largest body accepted, in bytes ([`DEFAULT_BODY_LIMIT`] by default).
    pub fn body_limit(mut self, bytes: usize) -> Self {
        self.body_limit = bytes;
        self
    }

    /// The clock `RequestTime` is compared with (the system clock by default).
    pub fn clock(mut self, clock: impl Clock) -> Self {
        self.clock = Arc::new(clock);
        self
    }

    /// The app whose callbacks are accepted.
    pub fn sdk_app_id(&self) -> u64 {
        self.sdk_app_id
    }

    /// The largest body accepted, in bytes.
    pub fn max_body(&self) -> usize {
        self.body_limit
    }

    /// Checks a callback's query string (with or without its leading `?`) and decodes its body.
    pub fn parse(&self, query: &str, body: &[u8]) -> Result<Event, WebhookError> {
        self.parse_callback(query, body)
            .map(|callback| callback.event)
    }

    /// [`Verifier::parse`], keeping the query's facts (`ClientIP`, `OptPlatform`, ...).
    pub fn parse_callback(&self, query: &str, body: &[u8]) -> Result<Callback, WebhookError> {
        let query = self.check_query(query)?;
        self.decode(query, body)
    }

    /// The first half of [`Verifier::parse_callback`]: reads and checks the query, so that a
    /// server can refuse a caller before reading its body.
    pub fn check_query(&self, query: &str) -> Result<CallbackQuery, WebhookError> {
        let query = CallbackQuery::parse(query)?;
        self.verify(&query)?;
        Ok(query)
    }

    /// The second half of [`Verifier::parse_callback`]: bounds and decodes the body of a query
    /// that [`Verifier::check_query`] accepted.
    pub fn decode(&self, query: CallbackQuery, body: &[u8]) -> Result<Callback, WebhookError> {
        if body.len() > self.body_limit {
            return Err(WebhookError::BodyTooLarge {
                limit: self.body_limit,
            });
        }
        let event = Event::decode(query.command.as_deref(), body)?;
        Ok(Callback { query, event })
    }

    /// Checks `SdkAppid`, then (with a token) `Sign` and `RequestTime`.
    pub fn verify(&self, query: &CallbackQuery) -> Result<(), WebhookError> {
        if query.sdk_app_id != self.sdk_app_id {
            return Err(WebhookError::WrongSdkAppId {
                got: query.sdk_app_id,
            });
        }
        let Some(token) = &self.token else {
            return Ok(());
        };
        let (Some(sign), Some(request_time)) = (&query.sign, &query.request_time) else {
            return Err(WebhookError::MissingSignature);
        };
        // The signature first: an attacker without the token learns nothing about the window.
        if !signature_matches(token, request_time, sign) {
            return Err(WebhookError::BadSignature);
        }
        let sent = parse_unix_seconds(request_time)?;
        let now = self.clock.unix_now();
        if now.abs_diff(sent) > self.window.as_secs() {
            return Err(WebhookError::StaleRequestTime {
                request_time: sent,
                now,
                window_secs: self.window.as_secs(),
            });
        }
        Ok(())
    }
}

/// Compares the received `Sign` with the expected hex digest in constant time.
///
/// `subtle` (already in the tree through `digest`) keeps the comparison free of early exits and
/// of branches the optimiser could add back to a hand-written loop. Both sides are 64 ASCII hex
/// digits, so the only length that can differ is the caller's, which is public. Uppercase hex is
/// accepted: lowering the received text depends on it alone, not on the secret.
fn signature_matches(token: &WebhookToken, request_time: &str, received: &str) -> bool {
    let expected = sign(token, request_time);
    let received = received.to_ascii_lowercase();
    bool::from(expected.as_bytes().ct_eq(received.as_bytes()))
}

/// `RequestTime` as decimal Unix seconds: digits only, no sign, no spaces.
fn parse_unix_seconds(text: &str) -> Result<u64, WebhookError> {
    if text.is_empty() || !text.bytes().all(|b| b.is_ascii_digit()) {
        return Err(WebhookError::BadRequestTime);
    }
    text.parse().map_err(|_| WebhookError::BadRequestTime)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn documented_vector() {
        let token = WebhookToken::new("xxxxyyyy").unwrap();
        assert_eq!(
            sign(&token, "1669872112"),
            "17773bc39a671d7b9aa835458704d2a6db81360a5940292b587d6d760d484061"
        );
    }

    #[test]
    fn token_length_is_checked_in_characters() {
        assert_eq!(WebhookToken::new(""), Err(InvalidToken { chars: 0 }));
        assert!(WebhookToken::new("é".repeat(128)).is_ok());
        assert_eq!(
            WebhookToken::new("x".repeat(129)),
            Err(InvalidToken { chars: 129 })
        );
    }

    #[test]
    fn request_time_is_plain_digits() {
        for bad in [
            "",
            "-1",
            "+1",
            " 1",
            "1.0",
            "0x10",
            "99999999999999999999999",
        ] {
            assert_eq!(parse_unix_seconds(bad), Err(WebhookError::BadRequestTime));
        }
        assert_eq!(parse_unix_seconds("1669872112"), Ok(1_669_872_112));
    }
}
