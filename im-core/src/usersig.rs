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

use base64::alphabet::Alphabet;
use base64::engine::general_purpose::{GeneralPurpose, GeneralPurposeConfig, STANDARD};
use base64::engine::DecodePaddingMode;
use base64::Engine;
use hmac::{Hmac, Mac};
use serde::{Deserialize, Serialize};
use sha2::Sha256;
use zlib_rs::{InflateConfig, ReturnCode};

use crate::{Clock, SecretKey, SystemClock, UserSig};

type HmacSha256 = Hmac<Sha256>;

/// Validity used by the official libraries when none is given: 180 days.
pub const DEFAULT_EXPIRE_SECS: u64 = 180 * 24 * 3600;

/// A decoded document larger than this is refused (real ones are about 200 bytes).
const MAX_DOCUMENT_BYTES: usize = 16 * 1024;

/// Inflating into the stack first covers every real document (about 200 bytes, a few hundred
/// more with a TRTC userbuf) without touching the heap; only larger ones are inflated again into
/// a buffer of the full cap.
const INLINE_DOCUMENT_BYTES: usize = 1024;

/// Decoding accepts the outer base64 with or without its padding.
const LENIENT_STANDARD: GeneralPurpose = GeneralPurpose::new(
    &base64::alphabet::STANDARD,
    GeneralPurposeConfig::new().with_decode_padding_mode(DecodePaddingMode::Indifferent),
);

/// The UserSig alphabet: standard base64 with `+ /` written `* -`, so that encoding needs no
/// second pass over the text. The base64 crate only pads with `=`, so the `_` padding is added by
/// hand.
const USERSIG_ALPHABET: Alphabet =
    match Alphabet::new("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789*-") {
        Ok(alphabet) => alphabet,
        // Evaluated at compile time: a bad alphabet fails the build, never a call.
        Err(_) => panic!("the UserSig alphabet is 64 distinct ASCII characters"),
    };

const USERSIG_BASE64: GeneralPurpose = GeneralPurpose::new(
    &USERSIG_ALPHABET,
    GeneralPurposeConfig::new().with_encode_padding(false),
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
    // Back to standard base64. `+` and `/` pass through unchanged, as they always have here.
    let mut standard: Vec<u8> = usersig
        .bytes()
        .map(|b| match b {
            b'*' => b'+',
            b'-' => b'/',
            b'_' => b'=',
            other => other,
        })
        .collect();
    while standard.last() == Some(&b'=') {
        standard.pop();
    }
    let compressed = LENIENT_STANDARD
        .decode(&standard)
        .map_err(|err| UserSigError::Base64(err.to_string()))?;

    let mut inline = [0u8; INLINE_DOCUMENT_BYTES];
    let raw: RawDocument = if let Some(json) = stored_document(&compressed) {
        parse_document(json)?
    } else {
        match inflate(&compressed, &mut inline) {
            Ok(json) => parse_document(json)?,
            Err(ReturnCode::BufError) => {
                let mut large = vec![0u8; MAX_DOCUMENT_BYTES];
                match inflate(&compressed, &mut large) {
                    Ok(json) => parse_document(json)?,
                    Err(ReturnCode::BufError) => {
                        return Err(UserSigError::Zlib(format!(
                            "the document inflates past {MAX_DOCUMENT_BYTES} bytes"
                        )))
                    }
                    Err(code) => return Err(zlib_error(code)),
                }
            }
            Err(code) => return Err(zlib_error(code)),
        }
    };
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

/// The document of a zlib stream made of one final stored block, the form [`encode`] writes,
/// read in place: an inflater would only copy it, after setting up its state and a 32 KB window
/// (a third of the time to verify our own UserSigs). Anything else, including a stream of this
/// form with a wrong length check or checksum, or over the size cap, returns `None` and goes
/// through the inflater, which accepts or refuses it with the error it deserves.
fn stored_document(stream: &[u8]) -> Option<&[u8]> {
    let (&[cmf, flg, block, len0, len1, nlen0, nlen1], rest) = stream.split_first_chunk::<7>()?;
    // RFC 1950: deflate with a window of at most 32 KB, the header check, no preset dictionary.
    let header_ok = cmf & 0x0f == 8
        && cmf >> 4 <= 7
        && u16::from_be_bytes([cmf, flg]) % 31 == 0
        && flg & 0x20 == 0;
    // RFC 1951: BFINAL set and BTYPE 00 in the low three bits; the other five are skipped.
    let len = u16::from_le_bytes([len0, len1]);
    if !header_ok || block & 0b111 != 0b001 || !len != u16::from_le_bytes([nlen0, nlen1]) {
        return None;
    }
    let len = usize::from(len);
    if len > MAX_DOCUMENT_BYTES {
        return None;
    }
    let document = rest.get(..len)?;
    let checksum = rest.get(len..len + 4)?;
    (adler32(document).to_be_bytes() == checksum).then_some(document)
}

/// Inflates a whole zlib stream (header, any deflate block types, Adler-32 checked) into `out`,
/// which also serves as the window. `BufError` means the document does not fit in `out`.
///
/// zlib-rs rather than flate2's default miniz_oxide: the documents of the other official signers
/// (zlib level 6 or 1) are dynamic- or fixed-Huffman blocks, and miniz_oxide's Huffman table setup
/// alone took half of a 3 µs verification; zlib-rs inflates the same document in a third of the
/// time. Through flate2's streaming API either one also costs a boxed 32 KB window per call,
/// which a whole-stream, slice-to-slice inflate does not need.
fn inflate<'a>(compressed: &[u8], out: &'a mut [u8]) -> Result<&'a [u8], ReturnCode> {
    match zlib_rs::decompress_slice(out, compressed, InflateConfig::default()) {
        (json, ReturnCode::Ok) => Ok(json),
        (_, code) => Err(code),
    }
}

fn zlib_error(code: ReturnCode) -> UserSigError {
    UserSigError::Zlib(format!(
        "corrupt or truncated zlib stream (header, deflate data or Adler-32): {code:?}"
    ))
}

fn parse_document(json: &[u8]) -> Result<RawDocument, UserSigError> {
    serde_json::from_slice(json).map_err(|err| UserSigError::Json(err.to_string()))
}

/// Generates and verifies UserSigs for one app.
#[derive(Clone)]
pub struct UserSigSigner {
    sdkappid: u64,
    key: SecretKey,
    /// HMAC-SHA256 already keyed with `key` (the padded key's two hash states): cloning it skips
    /// the key schedule on every signature.
    keyed_mac: HmacSha256,
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
        let key = key.into();
        let keyed_mac = match HmacSha256::new_from_slice(key.expose_secret().as_bytes()) {
            Ok(mac) => mac,
            Err(_) => unreachable!("HMAC-SHA256 takes keys of any length"),
        };
        Self {
            sdkappid,
            key,
            keyed_mac,
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
        let mac = self
            .mac(identifier, time, expire_secs, userbuf.as_deref())
            .finalize()
            .into_bytes();
        // 32 bytes are 44 base64 characters; the buffer cannot be too small.
        let mut sig = [0u8; 44];
        let sig = match STANDARD.encode_slice(mac, &mut sig) {
            Ok(len) => &sig[..len],
            Err(_) => unreachable!("an HMAC-SHA256 is 44 base64 characters"),
        };
        UserSig::new(encode_fields(&Fields {
            ver: Some(b"2.0"),
            identifier: identifier.as_bytes(),
            sdkappid: self.sdkappid,
            expire: expire_secs,
            time,
            userbuf: userbuf.as_deref().map(str::as_bytes),
            sig,
        }))
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
        // A genuine MAC is 32 bytes; anything that does not decode into 48 cannot be one, and
        // `verify_slice` checks the length and compares in constant time.
        let mut claimed = [0u8; 48];
        let claimed = match STANDARD.decode_slice(&document.sig, &mut claimed) {
            Ok(len) => &claimed[..len],
            Err(_) => return Err(UserSigError::SignatureMismatch),
        };
        self.mac(
            &document.identifier,
            document.time,
            document.expire,
            document.userbuf.as_deref(),
        )
        .verify_slice(claimed)
        .map_err(|_| UserSigError::SignatureMismatch)?;
        Ok(document)
    }

    /// The keyed MAC over the text to sign, fed piece by piece: no intermediate string.
    fn mac(&self, identifier: &str, time: u64, expire: u64, userbuf: Option<&str>) -> HmacSha256 {
        let mut mac = self.keyed_mac.clone();
        let mut digits = [0u8; 20];
        mac.update(b"TLS.identifier:");
        mac.update(identifier.as_bytes());
        mac.update(b"\nTLS.sdkappid:");
        mac.update(decimal(self.sdkappid, &mut digits));
        mac.update(b"\nTLS.time:");
        mac.update(decimal(time, &mut digits));
        mac.update(b"\nTLS.expire:");
        mac.update(decimal(expire, &mut digits));
        mac.update(b"\n");
        if let Some(userbuf) = userbuf {
            mac.update(b"TLS.userbuf:");
            mac.update(userbuf.as_bytes());
            mac.update(b"\n");
        }
        mac
    }
}

/// Encodes a document the way the official libraries do: JSON, zlib, base64, `+/=` -> `*-_`.
///
/// The zlib stream holds the JSON in stored (uncompressed) deflate blocks, as zlib level 0 does.
pub fn encode(document: &UserSigDocument) -> String {
    encode_fields(&Fields {
        ver: document.ver.as_deref().map(str::as_bytes),
        identifier: document.identifier.as_bytes(),
        sdkappid: document.sdkappid,
        expire: document.expire,
        time: document.time,
        userbuf: document.userbuf.as_deref().map(str::as_bytes),
        sig: document.sig.as_bytes(),
    })
}

/// A document's fields, borrowed, so that generating needs no owned [`UserSigDocument`].
struct Fields<'a> {
    ver: Option<&'a [u8]>,
    identifier: &'a [u8],
    sdkappid: u64,
    expire: u64,
    time: u64,
    userbuf: Option<&'a [u8]>,
    sig: &'a [u8],
}

fn encode_fields(fields: &Fields<'_>) -> String {
    let mut json =
        Vec::with_capacity(160 + fields.identifier.len() + fields.userbuf.map_or(0, <[u8]>::len));
    write_json(&mut json, fields);
    let stream = zlib_stored(&json);
    let mut text = String::with_capacity(stream.len().div_ceil(3) * 4);
    USERSIG_BASE64.encode_string(&stream, &mut text);
    for _ in 0..(3 - stream.len() % 3) % 3 {
        text.push('_');
    }
    text
}

/// The JSON text serde_json writes for a [`UserSigDocument`]: same key order, no whitespace,
/// same string escapes, so the document is byte for byte what it was before it was written by
/// hand (serde_json's writer cost more than the rest of generation once zlib was gone).
fn write_json(out: &mut Vec<u8>, fields: &Fields<'_>) {
    let mut digits = [0u8; 20];
    out.push(b'{');
    if let Some(ver) = fields.ver {
        out.extend_from_slice(b"\"TLS.ver\":");
        write_json_string(out, ver);
        out.push(b',');
    }
    out.extend_from_slice(b"\"TLS.identifier\":");
    write_json_string(out, fields.identifier);
    out.extend_from_slice(b",\"TLS.sdkappid\":");
    out.extend_from_slice(decimal(fields.sdkappid, &mut digits));
    out.extend_from_slice(b",\"TLS.expire\":");
    out.extend_from_slice(decimal(fields.expire, &mut digits));
    out.extend_from_slice(b",\"TLS.time\":");
    out.extend_from_slice(decimal(fields.time, &mut digits));
    if let Some(userbuf) = fields.userbuf {
        out.extend_from_slice(b",\"TLS.userbuf\":");
        write_json_string(out, userbuf);
    }
    out.extend_from_slice(b",\"TLS.sig\":");
    write_json_string(out, fields.sig);
    out.push(b'}');
}

/// A JSON string of UTF-8 `text`, escaped as serde_json does: `"` and `\`, the two-character
/// forms of backspace, form feed, newline, carriage return and tab, `\u00XX` for the other
/// control characters; everything else, non-ASCII included, as is.
fn write_json_string(out: &mut Vec<u8>, text: &[u8]) {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    out.push(b'"');
    let mut start = 0;
    for (i, &byte) in text.iter().enumerate() {
        let short = match byte {
            b'"' => b'"',
            b'\\' => b'\\',
            0x08 => b'b',
            0x0c => b'f',
            b'\n' => b'n',
            b'\r' => b'r',
            b'\t' => b't',
            0x00..=0x1f => 0,
            _ => continue,
        };
        out.extend_from_slice(&text[start..i]);
        if short == 0 {
            out.extend_from_slice(&[
                b'\\',
                b'u',
                b'0',
                b'0',
                HEX[usize::from(byte >> 4)],
                HEX[usize::from(byte & 0xf)],
            ]);
        } else {
            out.extend_from_slice(&[b'\\', short]);
        }
        start = i + 1;
    }
    out.extend_from_slice(&text[start..]);
    out.push(b'"');
}

/// `n` in decimal, written at the end of `buf`.
fn decimal(mut n: u64, buf: &mut [u8; 20]) -> &[u8] {
    let mut at = buf.len();
    loop {
        at -= 1;
        // `n % 10` is below 10, so the cast cannot truncate.
        buf[at] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            return &buf[at..];
        }
    }
}

/// Largest payload of one stored deflate block (its length field is 16 bits).
const STORED_BLOCK_MAX: usize = u16::MAX as usize;

/// `data` as a zlib stream (RFC 1950) of stored deflate blocks (RFC 1951 §3.2.4).
///
/// Why stored blocks rather than a compressor: the document is ~175 bytes of mostly
/// incompressible text (the base64 MAC, digits, the identifier), so zlib levels 1 to 9 all save
/// only a sixth of it, while setting up a deflate compressor (window, hash chains and buffers,
/// ~300 KB allocated and zeroed per call with flate2/miniz_oxide) was 95 % of the time to
/// generate a UserSig. Stored blocks are what zlib level 0 writes and what Tencent's official Go
/// library emits by default (`DefaultCompressionLevel = zlib.NoCompression`), so Tencent's service
/// verifies exactly this form; every inflater accepts it; and it cannot be subtly wrong (no
/// Huffman coding of our own). The price: a UserSig of ~250 characters instead of ~200.
fn zlib_stored(data: &[u8]) -> Vec<u8> {
    let blocks = data.len().div_ceil(STORED_BLOCK_MAX).max(1);
    let mut out = Vec::with_capacity(2 + 5 * blocks + data.len() + 4);
    // CMF 0x78: deflate with a 32 KB window; FLG 0x01: no preset dictionary, "fastest" level,
    // and the check bits that make 0x7801 a multiple of 31. zlib writes the same for level 0.
    out.extend_from_slice(&[0x78, 0x01]);
    let mut chunks = data.chunks(STORED_BLOCK_MAX).peekable();
    if chunks.peek().is_none() {
        // An empty stream still needs its one final block.
        out.extend_from_slice(&[0x01, 0x00, 0x00, 0xff, 0xff]);
    }
    while let Some(chunk) = chunks.next() {
        let last = chunks.peek().is_none();
        // `chunks` yields at most STORED_BLOCK_MAX bytes, so the length fits in 16 bits.
        let len = chunk.len() as u16;
        // BFINAL in bit 0, BTYPE 00 (stored), the rest of the byte is the padding to a boundary.
        out.push(u8::from(last));
        out.extend_from_slice(&len.to_le_bytes());
        out.extend_from_slice(&(!len).to_le_bytes());
        out.extend_from_slice(chunk);
    }
    out.extend_from_slice(&adler32(data).to_be_bytes());
    out
}

/// Adler-32 (RFC 1950 §8.2), reducing modulo 65521 once per 5552 bytes, the most that cannot
/// overflow 32 bits.
fn adler32(data: &[u8]) -> u32 {
    const MOD: u32 = 65521;
    const NMAX: usize = 5552;
    let (mut a, mut b) = (1u32, 0u32);
    for chunk in data.chunks(NMAX) {
        for &byte in chunk {
            a += u32::from(byte);
            b += a;
        }
        a %= MOD;
        b %= MOD;
    }
    (b << 16) | a
}

#[cfg(test)]
mod tests {
    use std::io::{Read, Write};

    use flate2::read::ZlibDecoder;
    use proptest::prelude::*;

    use super::*;

    const KEY: &str = "5bd2850fff3ecb11d7c805251c51ee463a25727bddc2385f3fa8bfee1bb93b5e";

    /// Inflates with flate2, a standard zlib decoder independent of the one `decode` uses.
    fn standard_inflate(usersig: &str) -> Vec<u8> {
        let mut out = Vec::new();
        ZlibDecoder::new(from_usersig_base64(usersig).as_slice())
            .read_to_end(&mut out)
            .unwrap();
        out
    }

    /// `bytes` compressed by flate2 at zlib `level`, as the other official libraries do.
    fn zlib(bytes: &[u8], level: u32) -> Vec<u8> {
        let mut enc = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::new(level));
        enc.write_all(bytes).unwrap();
        enc.finish().unwrap()
    }

    /// Standard base64 with `+/=` swapped for the UserSig alphabet's `*-_`, written independently
    /// of the engine `encode` uses.
    fn usersig_base64(bytes: &[u8]) -> String {
        STANDARD
            .encode(bytes)
            .replace('+', "*")
            .replace('/', "-")
            .replace('=', "_")
    }

    fn from_usersig_base64(usersig: &str) -> Vec<u8> {
        let standard = usersig
            .replace('*', "+")
            .replace('-', "/")
            .replace('_', "=");
        STANDARD.decode(standard).unwrap()
    }

    fn document(identifier: &str, userbuf: Option<String>) -> UserSigDocument {
        UserSigDocument {
            ver: Some("2.0".to_owned()),
            identifier: identifier.to_owned(),
            sdkappid: 1400000000,
            expire: 86_400,
            time: 1_735_689_600,
            userbuf,
            sig: "+9JJMMSSXIjiezemWgFfQiXzF1VQLk6osGd/RalNiI4=".to_owned(),
        }
    }

    fn level6(json: &[u8]) -> String {
        usersig_base64(&zlib(json, 6))
    }

    #[test]
    fn one_stored_block_inflates_to_the_serde_json_document() {
        for doc in [
            document("administrator", None),
            document("xiaojun", Some("YWJj".to_owned())),
            UserSigDocument {
                ver: None,
                ..document("", None)
            },
        ] {
            let sig = encode(&doc);
            assert_eq!(standard_inflate(&sig), serde_json::to_vec(&doc).unwrap());
            assert_eq!(decode(&sig).unwrap(), doc);
        }
    }

    #[test]
    fn a_document_past_one_stored_block_spans_several() {
        // 70,000 bytes of identifier: two stored blocks, the first full.
        let doc = document(&"a".repeat(70_000), None);
        let sig = encode(&doc);
        assert_eq!(standard_inflate(&sig), serde_json::to_vec(&doc).unwrap());
        // Larger than a UserSig may be, so decoding refuses it by size, not by form.
        assert_eq!(
            decode(&sig),
            Err(UserSigError::Zlib(format!(
                "the document inflates past {MAX_DOCUMENT_BYTES} bytes"
            )))
        );
    }

    #[test]
    fn exactly_one_full_stored_block() {
        let json = vec![b' '; STORED_BLOCK_MAX];
        let mut out = Vec::new();
        ZlibDecoder::new(zlib_stored(&json).as_slice())
            .read_to_end(&mut out)
            .unwrap();
        assert_eq!(out, json);
    }

    #[test]
    fn an_empty_input_is_still_a_valid_stream() {
        let mut out = Vec::new();
        ZlibDecoder::new(zlib_stored(b"").as_slice())
            .read_to_end(&mut out)
            .unwrap();
        assert!(out.is_empty());
    }

    #[test]
    fn adler32_matches_known_values() {
        assert_eq!(adler32(b""), 1);
        assert_eq!(adler32(b"Wikipedia"), 0x11e6_0398);
        // Past one reduction chunk, against flate2's checksum of the same bytes.
        let long: Vec<u8> = (0..20_000u32).map(|i| (i * 7 + 255) as u8).collect();
        let stream = zlib(&long, 0);
        let trailer: [u8; 4] = stream[stream.len() - 4..].try_into().unwrap();
        assert_eq!(adler32(&long), u32::from_be_bytes(trailer));
    }

    #[test]
    fn documents_past_the_inline_buffer_are_inflated_on_the_heap() {
        let signer = UserSigSigner::new(1400000000, KEY);
        let userbuf = vec![7u8; 3 * INLINE_DOCUMENT_BYTES];
        let sig = signer.generate_at("xiaojun", 86_400, 1_735_689_600, Some(&userbuf));
        let doc = signer
            .verify(
                sig.expose_secret(),
                "xiaojun",
                1_735_689_601,
                Some(&userbuf),
            )
            .unwrap();
        assert!(serde_json::to_vec(&doc).unwrap().len() > INLINE_DOCUMENT_BYTES);
        // Ours is read in place; the same document compressed at level 6 by another encoder
        // goes through the inflater, the stack buffer, then the heap one.
        let json = standard_inflate(sig.expose_secret());
        assert_eq!(decode(&level6(&json)).unwrap(), doc);
    }

    #[test]
    fn the_size_cap_is_inclusive() {
        let doc = serde_json::to_vec(&document("administrator", None)).unwrap();
        let padded = |len: usize| {
            let mut json = doc.clone();
            json.resize(len, b' ');
            json
        };
        for json in [padded(INLINE_DOCUMENT_BYTES), padded(MAX_DOCUMENT_BYTES)] {
            assert!(decode(&level6(&json)).is_ok(), "{}", json.len());
        }
        assert!(matches!(
            decode(&level6(&padded(MAX_DOCUMENT_BYTES + 1))),
            Err(UserSigError::Zlib(_))
        ));
    }

    #[test]
    fn broken_streams_are_zlib_errors() {
        let sig = encode(&document("administrator", None));
        let mut stream = from_usersig_base64(&sig);
        // Truncated inside the data, checksum altered, header altered.
        let mut broken = vec![usersig_base64(&stream[..stream.len() - 10])];
        let last = stream.len() - 1;
        stream[last] ^= 1;
        broken.push(usersig_base64(&stream));
        stream[last] ^= 1;
        stream[0] = 0x79;
        broken.push(usersig_base64(&stream));
        for sig in broken {
            assert!(
                matches!(decode(&sig), Err(UserSigError::Zlib(ref m)) if m.starts_with("corrupt or truncated")),
                "{:?}",
                decode(&sig)
            );
        }
    }

    #[test]
    fn only_a_single_stored_block_is_read_in_place() {
        let json = serde_json::to_vec(&document("administrator", None)).unwrap();
        let ours = zlib_stored(&json);
        assert_eq!(stored_document(&ours), Some(json.as_slice()));
        assert_eq!(stored_document(&zlib(&json, 6)), None);
        assert_eq!(stored_document(&zlib(&json, 1)), None);
        // Whatever the path, the same bytes come out as from the inflater.
        for stream in [ours.clone(), zlib(&json, 0), zlib(&json, 1), zlib(&json, 6)] {
            let mut out = [0u8; INLINE_DOCUMENT_BYTES];
            let inflated = inflate(&stream, &mut out).unwrap();
            assert_eq!(inflated, json.as_slice());
            if let Some(read) = stored_document(&stream) {
                assert_eq!(read, inflated);
            }
        }
        // A broken length check, a bad checksum, a short stream, a non-final block: not read.
        let mut bad_nlen = ours.clone();
        bad_nlen[5] ^= 1;
        let mut bad_adler = ours.clone();
        *bad_adler.last_mut().unwrap() ^= 1;
        let mut not_final = ours.clone();
        not_final[2] = 0;
        for stream in [
            bad_nlen,
            bad_adler,
            not_final,
            ours[..ours.len() - 1].to_vec(),
        ] {
            assert_eq!(stored_document(&stream), None);
        }
        // Over the cap: left to the inflater, which reports the size.
        let big = zlib_stored(&vec![b' '; MAX_DOCUMENT_BYTES + 1]);
        assert_eq!(stored_document(&big), None);
    }

    #[test]
    fn generation_signs_the_same_text_as_the_official_libraries() {
        let signer = UserSigSigner::new(1400000000, KEY);
        let sig = signer.generate_at("administrator", 15_552_000, 1_735_689_600, None);
        assert_eq!(
            decode(sig.expose_secret()).unwrap().sig,
            "+9JJMMSSXIjiezemWgFfQiXzF1VQLk6osGd/RalNiI4="
        );
    }

    #[test]
    fn decimal_writes_every_width() {
        let mut digits = [0u8; 20];
        for n in [0, 7, 10, 1_735_689_600, u64::MAX] {
            assert_eq!(decimal(n, &mut digits), n.to_string().as_bytes());
        }
    }

    proptest! {
        #[test]
        fn handwritten_json_is_serde_json_byte_for_byte(
            identifier in any::<String>(),
            sig in "[ -~\\x00-\\x1f\u{7f}\u{e9}\u{4e2d}]{0,20}",
            userbuf in proptest::option::of("[A-Za-z0-9+/=\"\\\\]{0,12}"),
            ver in proptest::option::of(any::<String>()),
            numbers in any::<(u64, u64, u64)>(),
        ) {
            let doc = UserSigDocument {
                ver,
                identifier,
                sdkappid: numbers.0,
                expire: numbers.1,
                time: numbers.2,
                userbuf,
                sig,
            };
            let sig = encode(&doc);
            prop_assert_eq!(standard_inflate(&sig), serde_json::to_vec(&doc).unwrap());
            prop_assert_eq!(decode(&sig).unwrap(), doc);
        }
    }
}
