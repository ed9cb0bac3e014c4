//! Any string through the UserSig decoder and verifier: a document or a typed error, never a
//! panic; and a decoded document re-encodes to a UserSig that decodes to the same document.
#![no_main]

use tencent_im_core::usersig::{self, UserSigSigner};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|input: (&str, &str, u64)| {
    let (sig, identifier, now) = input;
    let signer = UserSigSigner::new(
        1400000000,
        "5bd2850fff3ecb11d7c805251c51ee463a25727bddc2385f3fa8bfee1bb93b5e",
    );
    let _ = signer.verify(sig, identifier, now, None);
    let _ = signer.verify(sig, identifier, now, Some(b"abc"));
    if let Ok(document) = usersig::decode(sig) {
        let again =
            usersig::decode(&usersig::encode(&document)).expect("re-encoded UserSig decodes");
        assert_eq!(again, document);
    }
});
