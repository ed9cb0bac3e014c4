//! Properties of the decoders that fuzzing also explores (see `fuzz/`): arbitrary input gives a
//! value or a typed error, never a panic; UserSigs round-trip for any input.

use proptest::prelude::*;
use tencent_im_core::envelope;
use tencent_im_core::usersig::{self, UserSigError, UserSigSigner};

#[derive(Debug, serde::Deserialize)]
#[allow(dead_code)]
struct Page {
    #[serde(rename = "Items", default)]
    items: Vec<tencent_im_core::ResultItem>,
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn envelope_decoding_never_panics(status in any::<u16>(), body in proptest::collection::vec(any::<u8>(), 0..512)) {
        // Whatever the body, a quoted excerpt stays short.
        for result in [envelope::check(status, &body), envelope::decode::<Page>(status, &body).map(drop)] {
            if let Err(tencent_im_core::Error::HttpStatus { excerpt, .. } | tencent_im_core::Error::Decode { excerpt, .. }) = result {
                prop_assert!(excerpt.chars().count() <= 161);
            }
        }
    }

    #[test]
    fn json_shaped_bodies_decode_or_fail_typed(
        code in prop_oneof![Just("0".to_owned()), any::<i64>().prop_map(|c| c.to_string()), Just("\"0\"".to_owned()), Just("null".to_owned())],
        status in prop_oneof![Just(None), Just(Some("\"OK\"")), Just(Some("\"FAIL\"")), Just(Some("7"))],
        info in prop_oneof![Just("\"\""), Just("\"0\""), Just("5"), Just("null"), Just("[]")],
        items in prop_oneof![Just("[]"), Just("[{\"To_Account\":\"a\",\"ResultCode\":0}]"), Just("{}"), Just("[1]")],
    ) {
        let mut body = format!("{{\"ErrorCode\":{code},\"ErrorInfo\":{info},\"Items\":{items}");
        if let Some(status) = status {
            body.push_str(&format!(",\"ActionStatus\":{status}"));
        }
        body.push('}');
        match envelope::decode::<Page>(200, body.as_bytes()) {
            Ok(_) => prop_assert!(code == "0" || (code == "null" && status == Some("\"OK\""))),
            Err(tencent_im_core::Error::Api { code: c, .. }) => prop_assert_eq!(c.get().to_string(), code),
            Err(tencent_im_core::Error::Decode { .. }) => {}
            Err(other) => prop_assert!(false, "unexpected {other:?}"),
        }
    }

    #[test]
    fn usersig_decoding_never_panics(sig in ".{0,300}") {
        let _ = usersig::decode(&sig);
        let signer = UserSigSigner::new(1400000000, "key");
        let _ = signer.verify(&sig, "administrator", 1_700_000_000, None);
    }

    #[test]
    fn usersig_alphabet_strings_never_panic(sig in "[A-Za-z0-9*_-]{0,400}") {
        let _ = usersig::decode(&sig);
    }

    #[test]
    fn generated_sigs_verify_and_tampering_is_caught(
        sdkappid in any::<u64>(),
        key in ".{1,64}",
        identifier in ".{0,40}",
        expire in 0u64..=(50 * 365 * 86_400),
        time in 0u64..=4_000_000_000,
        userbuf in proptest::option::of(proptest::collection::vec(any::<u8>(), 0..64)),
        flip in any::<prop::sample::Index>(),
    ) {
        let signer = UserSigSigner::new(sdkappid, key.as_str());
        let sig = signer.generate_at(&identifier, expire, time, userbuf.as_deref());
        let doc = signer.verify(sig.expose_secret(), &identifier, time, userbuf.as_deref()).unwrap();
        prop_assert_eq!(doc.expire, expire);
        prop_assert_eq!(doc.time, time);
        prop_assert_eq!(&doc.identifier, &identifier);
        prop_assert_eq!(
            signer.verify(sig.expose_secret(), &identifier, time.saturating_add(expire).saturating_add(1), userbuf.as_deref()).err(),
            if time.checked_add(expire).is_some_and(|end| end < u64::MAX) {
                Some(UserSigError::Expired { expired_at: time + expire, now: time + expire + 1 })
            } else {
                None
            }
        );
        // Changing one character of the sig never verifies as the same signed document.
        let mut chars: Vec<char> = sig.expose_secret().chars().collect();
        let at = flip.index(chars.len());
        chars[at] = if chars[at] == 'A' { 'B' } else { 'A' };
        let tampered: String = chars.into_iter().collect();
        if let Ok(other) = signer.verify(&tampered, &identifier, time, userbuf.as_deref()) {
            prop_assert_eq!(other, doc, "a change that decodes to the same document is harmless");
        }
    }
}
