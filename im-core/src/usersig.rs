//! UserSig (TLSSigAPIv2): generation and verification.
//!
//! A UserSig is a zlib-compressed JSON document, base64-encoded with `+ / =` replaced by
//! `* - _`. The document carries the identifier, the SDKAppID, the issue time, the validity and
//! `TLS.sig`, an HMAC-SHA256 keyed with the app's secret key over
//!
//! ```text
//! TLS.identifier:{identifier}\n
//! TLS.sdkappid:{sdkappid}\n
//! TLS.time:{time}\n
//! TLS.expire:{expire}\n
//! TLS.userbuf:{base64 userbuf}\n      (only with a userbuf)
//! ```
//!
//! ```
//! use tencent_im_core::usersig::UserSigSigner;
//!
//! let signer = UserSigSigner::new(1400000000, "5bd2850fff3ecb11d7c805251c51ee463a25727bddc2385f3fa8bfee1bb93b5e");
//! let sig = signer.generate_at("administrator", 86_400, 1_735_689_600, None);
//! let doc = signer.verify(sig.expose_secret(), "administrator", 1_735_689_601, None).unwrap();
//! assert_eq!(doc.expire, 86_400);
//! ```

use std::fmt;
use std::io::Read;

use base64::engine::general_purpose::{GeneralPurpose, GeneralPurposeConfig, STANDARD};
use base64::engine::DecodePaddingMode;
use base64::Engine;
use flate2::read::ZlibDecoder;
use flate2::write::ZlibEncoder;
use flate2::Compression;
use hmac::{Hmac, Mac};
use serde::{Deserialize, Serialize};
use sha2::Sha256;

use crate::{Clock, SecretKey, SystemClock, UserSig};

type HmacSha256 = Hmac<Sha256>;

/// Validity used by the official libraries when none is given: 180 days.
pub const DEFAULT_EXPIRE_SECS: u64 = 180 * 24 * 3600;

/// A decoded document larger than this is refused (real ones are about 200 bytes).
const MAX_DOCUMENT_BYTES: u64 = 16 * 1024;

/// Decoding accepts the outer base64 with or without its padding.
const LENIENT_STANDARD: GeneralPurpose = GeneralPurpose::new(
    &base64::alphabet::STANDARD,
    GeneralPurposeConfig::new().with_decode_padding_mode(DecodePaddingMode::Indifferent),
);

/// Why a UserSig was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum UserSigError {
    /// The UserSig string is empty (server code 70002).
    #[error("the UserSig is empty")]
    Empty,
    /// Not valid base64 after reversing `* - _` (server code 70003).
    #[error("the UserSig is not valid base64 (alphabet A-Z a-z 0-9 * - _): {0}")]
    Base64(String),
    /// The decoded bytes are not a zlib stream (server code 70003).
    #[error("the UserSig does not hold a valid zlib stream: {0}")]
    Zlib(String),
    /// The decompressed document is not the expected JSON (server code 70003).
    #[error("the UserSig document is not valid JSON: {0}")]
    Json(String),
    /// A required field is absent (server code 70003).
    #[error("the UserSig document lacks the field `{0}`")]
    MissingField(&'static str),
    /// Issued for another SDKAppID (server code 70014).
    #[error("the UserSig was issued for SDKAppID {found}, not {expected}")]
    SdkAppIdMismatch {
        /// The SDKAppID it was checked against.
        expected: u64,
        /// The SDKAppID in the UserSig.
        found: u64,
    },
    /// Issued for another identifier (server code 70013).
    #[error("the UserSig was issued for identifier {found:?}, not {expected:?}")]
    IdentifierMismatch {
        /// The identifier it was checked against.
        expected: String,
        /// The identifier in the UserSig.
        found: String,
    },
    /// Past its validity (server code 70001): generate a new one.
    #[error("the UserSig expired at unix time {expired_at} (now {now}); generate a new one")]
    Expired {
        /// `TLS.time + TLS.expire`.
        expired_at: u64,
        /// The time it was checked at.
        now: u64,
    },
    /// The userbuf is absent, present or different where the other was expected.
    #[error("the UserSig's userbuf does not match the expected one")]
    UserBufMismatch,
    /// The HMAC does not match: signed with another key (server code 70009).
    #[error("the UserSig's signature does not match: it was signed with a different secret key")]
    SignatureMismatch,
}

/// The decoded JSON document of a UserSig.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UserSigDocument {
    /// `TLS.ver`, `"2.0"`.
    #[serde(rename = "TLS.ver", default, skip_serializing_if = "Option::is_none")]
    pub ver: Option<String>,
    /// `TLS.identifier`.
    #[serde(rename = "TLS.identifier")]
    pub identifier: String,
    /// `TLS.sdkappid`.
    #[serde(rename = "TLS.sdkappid")]
    pub sdkappid: u64,
    /// `TLS.expire`: validity in seconds, relative to `time`.
    #[serde(rename = "TLS.expire")]
    pub expire: u64,
    /// `TLS.time`: issue time, Unix seconds.
    #[serde(rename = "TLS.time")]
    pub time: u64,
    /// `TLS.userbuf`: standard base64 of the userbuf, when one was signed.
    #[serde(
        rename = "TLS.userbuf",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub userbuf: Option<String>,
    /// `TLS.sig`: standard base64 of the HMAC-SHA256.
    #[serde(rename = "TLS.sig")]
    pub sig: String,
}

impl UserSigDocument {
    /// `time + expire`: the last second at which the UserSig is valid.
    pub fn expires_at(&self) -> u64 {
        self.time.saturating_add(self.expire)
    }

    /// Expired iff `now > time + expire`.
    pub fn is_expired_at(&self, now: u64) -> bool {
        now > self.expires_at()
    }
}

impl fmt::Debug for UserSigDocument {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("UserSigDocument")
            .field("ver", &self.ver)
            .field("identifier", &self.identifier)
            .field("sdkappid", &self.sdkappid)
            .field("expire", &self.expire)
            .field("time", &self.time)
            .field("userbuf", &self.userbuf)
            .field("sig", &"<redacted>")
            .finish()
    }
}

/// The document as found on the wire: every field optional so that a missing one is reported by
/// name rather than as a generic JSON error.
#[derive(Deserialize)]
struct RawDocument {
    #[serde(rename = "TLS.ver")]
    ver: Option<String>,
    #[serde(rename = "TLS.identifier")]
    identifier: Option<String>,
    #[serde(rename = "TLS.sdkappid")]
    sdkappid: Option<u64>,
    #[serde(rename = "TLS.expire")]
    expire: Option<u64>,
    #[serde(rename = "TLS.time")]
    time: Option<u64>,
    #[serde(rename = "TLS.userbuf")]
    userbuf: Option<String>,
    #[serde(rename = "TLS.sig")]
    sig: Option<String>,
}

/// Decodes a UserSig into its document without checking anything but its form.
pub fn decode(usersig: &str) -> Result<UserSigDocument, UserSigError> {
    if usersig.is_empty() {
        return Err(UserSigError::Empty);
    }
    let standard: String = usersig
        .chars()
        .map(|c| match c {
            '*' => '+',
            '-' => '/',
            '_' => '=',
            other => other,
        })
        .collect();
    let compressed = LENIENT_STANDARD
        .decode(standard.trim_end_matches('='))
        .map_err(|err| UserSigError::Base64(err.to_string()))?;

    let mut json = Vec::with_capacity(256);
    ZlibDecoder::new(compressed.as_slice())
        .take(MAX_DOCUMENT_BYTES + 1)
        .read_to_end(&mut json)
        .map_err(|err| UserSigError::Zlib(err.to_string()))?;
    if json.len() as u64 > MAX_DOCUMENT_BYTES {
        return Err(UserSigError::Zlib(format!(
            "the document inflates past {MAX_DOCUMENT_BYTES} bytes"
        )));
    }

    let raw: RawDocument =
        serde_json::from_slice(&json).map_err(|err| UserSigError::Json(err.to_string()))?;
    Ok(UserSigDocument {
        ver: raw.ver,
        identifier: raw
            .identifier
            .ok_or(UserSigError::MissingField("TLS.identifier"))?,
        sdkappid: raw
            .sdkappid
            .ok_or(UserSigError::MissingField("TLS.sdkappid"))?,
        expire: raw.expire.ok_or(UserSigError::MissingField("TLS.expire"))?,
        time: raw.time.ok_or(UserSigError::MissingField("TLS.time"))?,
        userbuf: raw.userbuf,
        sig: raw.sig.ok_or(UserSigError::MissingField("TLS.sig"))?,
    })
}

/// Generates and verifies UserSigs for one app.
#[derive(Clone)]
pub struct UserSigSigner {
    sdkappid: u64,
    key: SecretKey,
}

impl fmt::Debug for UserSigSigner {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("UserSigSigner")
            .field("sdkappid", &self.sdkappid)
            .field("key", &self.key)
            .finish()
    }
}

impl UserSigSigner {
    /// A signer for `sdkappid` with the app's secret key as shown in the console.
    pub fn new(sdkappid: u64, key: impl Into<SecretKey>) -> Self {
        Self {
            sdkappid,
            key: key.into(),
        }
    }

    /// The SDKAppID this signer signs for.
    pub fn sdkappid(&self) -> u64 {
        self.sdkappid
    }

    /// A UserSig for `identifier`, issued now and valid for `expire_secs` seconds.
    pub fn generate(&self, identifier: &str, expire_secs: u64) -> UserSig {
        self.generate_at(identifier, expire_secs, SystemClock.unix_now(), None)
    }

    /// A UserSig issued at `time` (Unix seconds), valid for `expire_secs`, optionally carrying
    /// `userbuf`.
    pub fn generate_at(
        &self,
        identifier: &str,
        expire_secs: u64,
        time: u64,
        userbuf: Option<&[u8]>,
    ) -> UserSig {
        let userbuf = userbuf.map(|buf| STANDARD.encode(buf));
        let sig = self.mac_base64(identifier, time, expire_secs, userbuf.as_deref());
        let document = UserSigDocument {
            ver: Some("2.0".to_owned()),
            identifier: identifier.to_owned(),
            sdkappid: self.sdkappid,
            expire: expire_secs,
            time,
            userbuf,
            sig,
        };
        UserSig::new(encode(&document))
    }

    /// Decodes `usersig` and checks it, in the official library's order: SDKAppID, identifier,
    /// expiry at `now`, userbuf, then the HMAC (compared in constant time).
    pub fn verify(
        &self,
        usersig: &str,
        identifier: &str,
        now: u64,
        userbuf: Option<&[u8]>,
    ) -> Result<UserSigDocument, UserSigError> {
        let document = decode(usersig)?;
        if document.sdkappid != self.sdkappid {
            return Err(UserSigError::SdkAppIdMismatch {
                expected: self.sdkappid,
                found: document.sdkappid,
            });
        }
        if document.identifier != identifier {
            return Err(UserSigError::IdentifierMismatch {
                expected: identifier.to_owned(),
                found: document.identifier,
            });
        }
        if document.is_expired_at(now) {
            return Err(UserSigError::Expired {
                expired_at: document.expires_at(),
                now,
            });
        }
        let expected_userbuf = userbuf.map(|buf| STANDARD.encode(buf));
        if expected_userbuf != document.userbuf {
            return Err(UserSigError::UserBufMismatch);
        }
        let claimed = STANDARD
            .decode(&document.sig)
            .map_err(|_| UserSigError::SignatureMismatch)?;
        self.mac(
            &document.identifier,
            document.time,
            document.expire,
            document.userbuf.as_deref(),
        )
        .verify_slice(&claimed)
        .map_err(|_| UserSigError::SignatureMismatch)?;
        Ok(document)
    }

    fn mac(&self, identifier: &str, time: u64, expire: u64, userbuf: Option<&str>) -> HmacSha256 {
        // HMAC accepts keys of any length, so this cannot fail.
        let mut mac = match HmacSha256::new_from_slice(self.key.expose_secret().as_bytes()) {
            Ok(mac) => mac,
            Err(_) => unreachable!("HMAC-SHA256 takes keys of any length"),
        };
        let mut content = format!(
            "TLS.identifier:{identifier}\nTLS.sdkappid:{}\nTLS.time:{time}\nTLS.expire:{expire}\n",
            self.sdkappid
        );
        if let Some(userbuf) = userbuf {
            content.push_str("TLS.userbuf:");
            content.push_str(userbuf);
            content.push('\n');
        }
        mac.update(content.as_bytes());
        mac
    }

    fn mac_base64(
        &self,
        identifier: &str,
        time: u64,
        expire: u64,
        userbuf: Option<&str>,
    ) -> String {
        STANDARD.encode(
            self.mac(identifier, time, expire, userbuf)
                .finalize()
                .into_bytes(),
        )
    }
}

/// Encodes a document the way the official libraries do: JSON, zlib, base64, `+/=` -> `*-_`.
pub fn encode(document: &UserSigDocument) -> String {
    let mut encoder = ZlibEncoder::new(Vec::with_capacity(256), Compression::default());
    // Serialising plain strings and integers into memory cannot fail.
    let compressed = serde_json::to_writer(&mut encoder, document)
        .ok()
        .and_then(|()| encoder.finish().ok())
        .unwrap_or_default();
    STANDARD
        .encode(compressed)
        .chars()
        .map(|c| match c {
            '+' => '*',
            '/' => '-',
            '=' => '_',
            other => other,
        })
        .collect()
}
