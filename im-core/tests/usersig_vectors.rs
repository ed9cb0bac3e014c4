//! UserSig against values made by Tencent's official generator, in both directions.

use std::io::Write;

use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use serde::Deserialize;
use tencent_im_core::usersig::{self, UserSigError, UserSigSigner};

#[derive(Deserialize)]
struct Vector {
    sdkappid: u64,
    key: String,
    identifier: String,
    expire: u64,
    time: u64,
    userbuf_b64: Option<String>,
    usersig: String,
    decoded: serde_json::Value,
}

fn vectors() -> Vec<Vector> {
    serde_json::from_str(include_str!("data/usersig-vectors.json")).unwrap()
}

fn userbuf(v: &Vector) -> Option<Vec<u8>> {
    v.userbuf_b64.as_ref().map(|b| STANDARD.decode(b).unwrap())
}

#[test]
fn official_sigs_decode_to_their_documents_and_verify() {
    let vectors = vectors();
    assert_eq!(vectors.len(), 4);
    for v in &vectors {
        let doc = usersig::decode(&v.usersig).unwrap();
        assert_eq!(
            serde_json::to_value(&doc).unwrap(),
            v.decoded,
            "{}",
            v.identifier
        );
        let signer = UserSigSigner::new(v.sdkappid, v.key.as_str());
        let verified = signer
            .verify(&v.usersig, &v.identifier, v.time + 1, userbuf(v).as_deref())
            .unwrap();
        assert_eq!(verified, doc);
    }
}

#[test]
fn our_sigs_carry_the_official_documents() {
    for v in vectors() {
        let signer = UserSigSigner::new(v.sdkappid, v.key.as_str());
        let ours = signer.generate_at(&v.identifier, v.expire, v.time, userbuf(&v).as_deref());
        let doc = usersig::decode(ours.expose_secret()).unwrap();
        // Same document, hence the same HMAC, as the official generator; compressed bytes may differ.
        assert_eq!(
            serde_json::to_value(&doc).unwrap(),
            v.decoded,
            "{}",
            v.identifier
        );
        assert!(ours
            .expose_secret()
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "*-_".contains(c)));
    }
}

/// A UserSig of `json` compressed at a given zlib level, as other official libraries encode it.
fn usersig_of(json: &[u8], level: u32) -> String {
    let mut enc = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::new(level));
    enc.write_all(json).unwrap();
    STANDARD
        .encode(enc.finish().unwrap())
        .replace('+', "*")
        .replace('/', "-")
        .replace('=', "_")
}

/// Re-encodes a vector's document at a given zlib level, as other official libraries do.
fn reencode(doc: &serde_json::Value, level: u32) -> String {
    usersig_of(serde_json::to_string(doc).unwrap().as_bytes(), level)
}

#[test]
fn zlib_levels_0_1_and_6_are_accepted() {
    for v in vectors() {
        let signer = UserSigSigner::new(v.sdkappid, v.key.as_str());
        for level in [0, 1, 6, 9] {
            let sig = reencode(&v.decoded, level);
            signer
                .verify(&sig, &v.identifier, v.time, userbuf(&v).as_deref())
                .unwrap_or_else(|e| panic!("level {level}: {e}"));
        }
    }
}

#[test]
fn every_failure_has_its_own_error() {
    let v = &vectors()[2]; // with userbuf "abc"
    let signer = UserSigSigner::new(v.sdkappid, v.key.as_str());
    let buf = userbuf(v);
    let buf = buf.as_deref();
    let at = v.time + 10;

    assert_eq!(
        signer.verify("", &v.identifier, at, buf),
        Err(UserSigError::Empty)
    );
    assert!(matches!(
        signer.verify("not base64 at all!", &v.identifier, at, buf),
        Err(UserSigError::Base64(_))
    ));
    assert!(matches!(
        signer.verify("aGVsbG8gd29ybGQ_", &v.identifier, at, buf),
        Err(UserSigError::Zlib(_))
    ));
    let not_json = usersig_of(b"{not json", flate2::Compression::fast().level());
    assert!(matches!(
        signer.verify(&not_json, &v.identifier, at, buf),
        Err(UserSigError::Json(_))
    ));
    let mut missing = v.decoded.clone();
    missing.as_object_mut().unwrap().remove("TLS.time");
    assert_eq!(
        signer.verify(&reencode(&missing, 6), &v.identifier, at, buf),
        Err(UserSigError::MissingField("TLS.time"))
    );
    assert_eq!(
        UserSigSigner::new(v.sdkappid + 1, v.key.as_str()).verify(
            &v.usersig,
            &v.identifier,
            at,
            buf
        ),
        Err(UserSigError::SdkAppIdMismatch {
            expected: v.sdkappid + 1,
            found: v.sdkappid
        })
    );
    assert!(matches!(
        signer.verify(&v.usersig, "someone_else", at, buf),
        Err(UserSigError::IdentifierMismatch { .. })
    ));
    // Expired strictly after time + expire.
    let last = v.time + v.expire;
    assert!(signer.verify(&v.usersig, &v.identifier, last, buf).is_ok());
    assert_eq!(
        signer.verify(&v.usersig, &v.identifier, last + 1, buf),
        Err(UserSigError::Expired {
            expired_at: last,
            now: last + 1
        })
    );
    assert_eq!(
        signer.verify(&v.usersig, &v.identifier, at, Some(b"abd")),
        Err(UserSigError::UserBufMismatch)
    );
    assert_eq!(
        signer.verify(&v.usersig, &v.identifier, at, None),
        Err(UserSigError::UserBufMismatch)
    );
    assert_eq!(
        UserSigSigner::new(v.sdkappid, "another key").verify(&v.usersig, &v.identifier, at, buf),
        Err(UserSigError::SignatureMismatch)
    );
    let mut tampered = v.decoded.clone();
    tampered["TLS.expire"] = serde_json::json!(v.expire * 2);
    assert_eq!(
        signer.verify(&reencode(&tampered, 6), &v.identifier, at, buf),
        Err(UserSigError::SignatureMismatch)
    );
}

#[test]
fn unpadded_outer_base64_is_accepted() {
    let v = &vectors()[0];
    let trimmed = v.usersig.trim_end_matches('_');
    assert_ne!(trimmed.len(), v.usersig.len());
    usersig::decode(trimmed).unwrap();
}

#[test]
fn decoded_document_debug_hides_the_mac() {
    let v = &vectors()[0];
    let doc = usersig::decode(&v.usersig).unwrap();
    let shown = format!("{doc:?}");
    assert!(
        !shown.contains(v.decoded["TLS.sig"].as_str().unwrap()),
        "{shown}"
    );
    assert!(shown.contains("administrator"));
}
