//! The response envelope: `ActionStatus`, `ErrorCode`, `ErrorInfo`, `ErrorDisplay`, and the
//! per-item [`ResultItem`].
//!
//! Success is `ErrorCode == 0`. A missing `ActionStatus` and `"ErrorInfo":"0"` on success are
//! tolerated; a body without `ErrorCode` counts as success only when `ActionStatus` is `"OK"`.

use std::borrow::Cow;
use std::fmt;

use serde::de::value::{BorrowedStrDeserializer, StringDeserializer};
use serde::de::{DeserializeOwned, DeserializeSeed, IgnoredAny, MapAccess, Visitor};
use serde::{Deserialize, Deserializer, Serialize};

use crate::error::JsonError;
use crate::redact::Scrubber;
use crate::{Attempts, Error, ErrorCode};

/// How much of a bad body an error quotes.
const EXCERPT_CHARS: usize = 160;

/// How much of a body is scrubbed before the excerpt is cut from it: more than the excerpt, so
/// that a secret crossing the excerpt's end is still recognised whole.
const SCRUB_WINDOW_BYTES: usize = EXCERPT_CHARS * 4 + 4096;

/// The envelope fields of every response.
// Every field is optional on the wire: absent ones decode as `None` and are left out again.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct Envelope {
    /// `"OK"` or `"FAIL"`; absent from some real responses.
    #[serde(
        deserialize_with = "lenient_string",
        skip_serializing_if = "Option::is_none"
    )]
    pub action_status: Option<String>,
    /// 0 on success.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error_code: Option<ErrorCode>,
    /// Error details; some successes carry `"0"`.
    #[serde(
        deserialize_with = "lenient_string",
        skip_serializing_if = "Option::is_none"
    )]
    pub error_info: Option<String>,
    /// Text meant for end users (sns calls).
    #[serde(
        deserialize_with = "lenient_string",
        skip_serializing_if = "Option::is_none"
    )]
    pub error_display: Option<String>,
}

#[cfg(feature = "server")]
impl Envelope {
    /// The envelope of a success (`server` feature).
    pub fn ok() -> Self {
        Self {
            action_status: Some("OK".to_owned()),
            error_code: Some(ErrorCode::OK),
            error_info: Some(String::new()),
            error_display: Some(String::new()),
        }
    }

    /// The envelope of a failure (`server` feature).
    pub fn fail(code: ErrorCode, info: impl Into<String>) -> Self {
        Self {
            action_status: Some("FAIL".to_owned()),
            error_code: Some(code),
            error_info: Some(info.into()),
            error_display: Some(String::new()),
        }
    }
}

/// One item's outcome in a batch call: `{To_Account, ResultCode, ResultInfo}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ResultItem {
    /// The account the item was about.
    #[serde(rename = "To_Account", default)]
    pub to_account: String,
    /// 0 on success.
    #[serde(rename = "ResultCode")]
    pub result_code: ErrorCode,
    /// Empty on success.
    #[serde(rename = "ResultInfo", default)]
    pub result_info: String,
}

impl ResultItem {
    /// A successful item (`server` feature).
    #[cfg(any(test, feature = "server"))]
    pub fn ok(to_account: impl Into<String>) -> Self {
        Self {
            to_account: to_account.into(),
            result_code: ErrorCode::OK,
            result_info: String::new(),
        }
    }

    /// A failed item (`server` feature).
    #[cfg(any(test, feature = "server"))]
    pub fn failed(to_account: impl Into<String>, code: ErrorCode, info: impl Into<String>) -> Self {
        Self {
            to_account: to_account.into(),
            result_code: code,
            result_info: info.into(),
        }
    }

    /// `ResultCode == 0`.
    pub fn is_ok(&self) -> bool {
        self.result_code.is_ok()
    }
}

/// Checks the status and the envelope of a response body; `Ok` means `ErrorCode == 0`.
pub fn check(status: u16, body: &[u8]) -> Result<(), Error> {
    check_scrubbed(status, body, &Scrubber::none())
}

fn check_scrubbed(status: u16, body: &[u8], scrubber: &Scrubber<'_>) -> Result<(), Error> {
    let (payload, envelope) = split::<IgnoredAny>(status, body, scrubber)?;
    payload.map_err(|source| decode_error(status, body, &source, scrubber))?;
    verdict(status, body, envelope, scrubber)
}

/// Decodes a whole response in one pass: the envelope fields are taken out while `R` reads the
/// rest, then `ErrorCode` decides. `R` describes the call's own fields; it never sees
/// `ActionStatus`, `ErrorCode`, `ErrorInfo` or `ErrorDisplay`.
pub fn decode<R: DeserializeOwned>(status: u16, body: &[u8]) -> Result<R, Error> {
    decode_scrubbed(status, body, &Scrubber::none())
}

/// [`decode`], with every piece of server text scrubbed of the client's secrets before it goes
/// into an error.
pub(crate) fn decode_scrubbed<R: DeserializeOwned>(
    status: u16,
    body: &[u8],
    scrubber: &Scrubber<'_>,
) -> Result<R, Error> {
    let (payload, envelope) = split::<R>(status, body, scrubber)?;
    match payload {
        Ok(value) => verdict(status, body, envelope, scrubber).map(|()| value),
        // The body is not an `R`: a refusal (whose envelope says why), or not the expected JSON.
        Err(source) => {
            check_scrubbed(status, body, scrubber)?;
            Err(decode_error(status, body, &source, scrubber))
        }
    }
}

/// Checks the status and the emptiness of the body, then reads it as `R` with the envelope
/// fields taken out.
fn split<R: DeserializeOwned>(
    status: u16,
    body: &[u8],
    scrubber: &Scrubber<'_>,
) -> Result<(Result<R, serde_json::Error>, Envelope), Error> {
    if status != 200 {
        return Err(Error::HttpStatus {
            status,
            excerpt: scrubbed_excerpt(body, scrubber),
            path: None,
            attempts: Attempts::NONE,
        });
    }
    if body.iter().all(u8::is_ascii_whitespace) {
        return Err(Error::EmptyBody {
            status,
            path: None,
            attempts: Attempts::NONE,
        });
    }
    let mut envelope = Envelope::default();
    let mut de = serde_json::Deserializer::from_slice(body);
    let payload = R::deserialize(Intercept {
        de: &mut de,
        envelope: &mut envelope,
    })
    .and_then(|value| de.end().map(|()| value));
    Ok((payload, envelope))
}

/// Success is `ErrorCode == 0`, or no `ErrorCode` with `ActionStatus` `"OK"`.
fn verdict(
    status: u16,
    body: &[u8],
    envelope: Envelope,
    scrubber: &Scrubber<'_>,
) -> Result<(), Error> {
    match envelope.error_code {
        Some(code) if code.is_ok() => Ok(()),
        Some(code) => Err(Error::Api {
            code,
            info: scrubber.scrub_owned(envelope.error_info.unwrap_or_default()),
            display: scrubber.scrub_owned(envelope.error_display.unwrap_or_default()),
            path: None,
            attempts: Attempts::NONE,
        }),
        None if envelope.action_status.as_deref() == Some("OK") => Ok(()),
        None => Err(decode_error(
            status,
            body,
            &serde::de::Error::missing_field("ErrorCode"),
            scrubber,
        )),
    }
}

fn decode_error(
    status: u16,
    body: &[u8],
    source: &serde_json::Error,
    scrubber: &Scrubber<'_>,
) -> Error {
    Error::Decode {
        status,
        excerpt: scrubbed_excerpt(body, scrubber),
        source: JsonError::new(source, scrubber),
        path: None,
        attempts: Attempts::NONE,
    }
}

/// Reads a JSON object for `R`, taking the envelope fields out on the way.
struct Intercept<'a, D> {
    de: D,
    envelope: &'a mut Envelope,
}

impl<'de, D: Deserializer<'de>> Deserializer<'de> for Intercept<'_, D> {
    type Error = D::Error;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, D::Error> {
        self.de.deserialize_map(InterceptVisitor {
            inner: visitor,
            envelope: self.envelope,
        })
    }

    fn deserialize_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, D::Error> {
        self.deserialize_any(visitor)
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes byte_buf
        option unit unit_struct newtype_struct seq tuple tuple_struct map enum identifier
        ignored_any
    }
}

struct InterceptVisitor<'a, V> {
    inner: V,
    envelope: &'a mut Envelope,
}

impl<'de, V: Visitor<'de>> Visitor<'de> for InterceptVisitor<'_, V> {
    type Value = V::Value;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.inner.expecting(f)
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<V::Value, A::Error> {
        self.inner.visit_map(InterceptMap {
            map,
            envelope: self.envelope,
        })
    }
}

struct InterceptMap<'a, A> {
    map: A,
    envelope: &'a mut Envelope,
}

/// A key, borrowed from the input when it has no escapes.
struct Key<'de>(Cow<'de, str>);

impl<'de> Deserialize<'de> for Key<'de> {
    fn deserialize<D: Deserializer<'de>>(de: D) -> Result<Self, D::Error> {
        struct KeyVisitor;
        impl<'de> Visitor<'de> for KeyVisitor {
            type Value = Key<'de>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a field name")
            }
            fn visit_borrowed_str<E: serde::de::Error>(self, v: &'de str) -> Result<Key<'de>, E> {
                Ok(Key(Cow::Borrowed(v)))
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Key<'de>, E> {
                Ok(Key(Cow::Owned(v.to_owned())))
            }
            fn visit_string<E: serde::de::Error>(self, v: String) -> Result<Key<'de>, E> {
                Ok(Key(Cow::Owned(v)))
            }
        }
        de.deserialize_str(KeyVisitor)
    }
}

/// `Option<String>` read leniently (see [`LenientString`]).
struct Lenient(Option<String>);

impl<'de> Deserialize<'de> for Lenient {
    fn deserialize<D: Deserializer<'de>>(de: D) -> Result<Self, D::Error> {
        de.deserialize_any(LenientString).map(Lenient)
    }
}

impl<'de, A: MapAccess<'de>> MapAccess<'de> for InterceptMap<'_, A> {
    type Error = A::Error;

    fn next_key_seed<K: DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, A::Error> {
        loop {
            let Some(Key(key)) = self.map.next_key::<Key<'de>>()? else {
                return Ok(None);
            };
            match &*key {
                "ErrorCode" => self.envelope.error_code = Some(self.map.next_value()?),
                "ErrorInfo" => self.envelope.error_info = self.map.next_value::<Lenient>()?.0,
                "ErrorDisplay" => {
                    self.envelope.error_display = self.map.next_value::<Lenient>()?.0;
                }
                "ActionStatus" => {
                    self.envelope.action_status = self.map.next_value::<Lenient>()?.0;
                }
                _ => {
                    return match key {
                        Cow::Borrowed(key) => seed
                            .deserialize(BorrowedStrDeserializer::<A::Error>::new(key))
                            .map(Some),
                        Cow::Owned(key) => seed
                            .deserialize(StringDeserializer::<A::Error>::new(key))
                            .map(Some),
                    }
                }
            }
        }
    }

    fn next_value_seed<S: DeserializeSeed<'de>>(&mut self, seed: S) -> Result<S::Value, A::Error> {
        self.map.next_value_seed(seed)
    }

    fn size_hint(&self) -> Option<usize> {
        self.map.size_hint()
    }
}

/// The first characters of a body, lossily decoded, for error messages (`server` feature).
#[cfg(any(test, feature = "server"))]
pub fn excerpt(body: &[u8]) -> String {
    scrubbed_excerpt(body, &Scrubber::none())
}

/// The first characters of a body, scrubbed before they are cut.
fn scrubbed_excerpt(body: &[u8], scrubber: &Scrubber<'_>) -> String {
    let head = &body[..body.len().min(SCRUB_WINDOW_BYTES)];
    let lossy = String::from_utf8_lossy(head);
    let text = scrubber.scrub(&lossy);
    let mut chars = text.chars();
    let mut out: String = chars
        .by_ref()
        .take(EXCERPT_CHARS)
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    if chars.next().is_some() || head.len() < body.len() {
        out.push('…');
    }
    out
}

fn lenient_string<'de, D: Deserializer<'de>>(de: D) -> Result<Option<String>, D::Error> {
    de.deserialize_any(LenientString)
}

/// Accepts a string, a number, a boolean or null where a message string is expected.
struct LenientString;

impl<'de> Visitor<'de> for LenientString {
    type Value = Option<String>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a string, a number or null")
    }

    fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Self::Value, E> {
        Ok(Some(v.to_owned()))
    }

    fn visit_string<E: serde::de::Error>(self, v: String) -> Result<Self::Value, E> {
        Ok(Some(v))
    }

    fn visit_i64<E: serde::de::Error>(self, v: i64) -> Result<Self::Value, E> {
        Ok(Some(v.to_string()))
    }

    fn visit_u64<E: serde::de::Error>(self, v: u64) -> Result<Self::Value, E> {
        Ok(Some(v.to_string()))
    }

    fn visit_f64<E: serde::de::Error>(self, v: f64) -> Result<Self::Value, E> {
        Ok(Some(v.to_string()))
    }

    fn visit_bool<E: serde::de::Error>(self, v: bool) -> Result<Self::Value, E> {
        Ok(Some(v.to_string()))
    }

    fn visit_unit<E: serde::de::Error>(self) -> Result<Self::Value, E> {
        Ok(None)
    }

    fn visit_none<E: serde::de::Error>(self) -> Result<Self::Value, E> {
        Ok(None)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn success_variants_are_accepted() {
        for body in [
            r#"{"ActionStatus":"OK","ErrorCode":0,"ErrorInfo":"","ErrorDisplay":""}"#,
            r#"{"ErrorCode":0}"#,
            r#"{"ActionStatus":"OK","ErrorCode":0,"ErrorInfo":"0"}"#,
            r#"{"ActionStatus":"OK"}"#,
            r#"{"ActionStatus":"OK","ErrorCode":0,"ErrorInfo":null,"Extra":[1,2,{"a":null}]}"#,
            r#"{"ActionStatus":1,"ErrorCode":0}"#,
        ] {
            check(200, body.as_bytes()).unwrap_or_else(|e| panic!("{body}: {e}"));
        }
    }

    /// The derived serde of [`Envelope`] itself (the emulator writes it): Tencent's names, absent
    /// fields left out, missing ones read as `None`.
    #[test]
    fn the_envelope_struct_round_trips_with_tencents_names() {
        let failure = Envelope {
            action_status: Some("FAIL".to_owned()),
            error_code: Some(ErrorCode::SNS_BAD_PARAMETER),
            error_info: Some("bad".to_owned()),
            error_display: Some("shown".to_owned()),
        };
        let json = serde_json::to_string(&failure).unwrap();
        assert_eq!(
            json,
            r#"{"ActionStatus":"FAIL","ErrorCode":30001,"ErrorInfo":"bad","ErrorDisplay":"shown"}"#
        );
        assert_eq!(serde_json::from_str::<Envelope>(&json).unwrap(), failure);
        assert_eq!(serde_json::to_string(&Envelope::default()).unwrap(), "{}");
        let lenient: Envelope = serde_json::from_str(r#"{"ErrorInfo":0}"#).unwrap();
        assert_eq!(
            lenient,
            Envelope {
                error_info: Some("0".to_owned()),
                ..Envelope::default()
            }
        );
    }

    #[test]
    fn non_zero_code_is_an_api_error_even_with_ok_status() {
        let body =
            br#"{"ActionStatus":"OK","ErrorCode":30001,"ErrorInfo":"bad","ErrorDisplay":"shown"}"#;
        match check(200, body) {
            Err(Error::Api {
                code,
                info,
                display,
                ..
            }) => {
                assert_eq!(code, ErrorCode::SNS_BAD_PARAMETER);
                assert_eq!(info, "bad");
                assert_eq!(display, "shown");
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn hostile_bodies_are_typed_errors() {
        assert!(matches!(
            check(502, b"<html>Bad Gateway</html>"),
            Err(Error::HttpStatus { status: 502, ref excerpt, .. }) if excerpt.contains("Bad Gateway")
        ));
        assert!(matches!(
            check(200, b""),
            Err(Error::EmptyBody { status: 200, .. })
        ));
        assert!(matches!(check(200, b"  \n"), Err(Error::EmptyBody { .. })));
        assert!(matches!(
            check(200, b"<html><body>oops</body></html>"),
            Err(Error::Decode { status: 200, ref excerpt, .. }) if excerpt.starts_with("<html>")
        ));
        assert!(matches!(
            check(200, br#"{"ActionStatus":"OK","ErrorCode":0,"Err"#),
            Err(Error::Decode { .. })
        ));
        assert!(matches!(
            check(200, br#"{"ErrorCode":"0"}"#),
            Err(Error::Decode { .. })
        ));
        assert!(matches!(check(200, br#"{}"#), Err(Error::Decode { .. })));
        assert!(matches!(check(200, b"[1,2]"), Err(Error::Decode { .. })));
    }

    #[test]
    fn excerpt_is_bounded_and_marks_truncation() {
        let long = "x".repeat(10_000);
        let text = excerpt(long.as_bytes());
        assert_eq!(text.chars().count(), EXCERPT_CHARS + 1);
        assert!(text.ends_with('…'));
        assert_eq!(excerpt(b"short\nbody"), "short body");
        assert_eq!(excerpt(&[0xff, 0xfe, b'a']), "\u{fffd}\u{fffd}a");
    }

    #[test]
    fn result_item_tolerates_missing_info() {
        let item: ResultItem =
            serde_json::from_str(r#"{"To_Account":"id1","ResultCode":0}"#).unwrap();
        assert_eq!(item, ResultItem::ok("id1"));
    }
}
