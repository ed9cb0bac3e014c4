//! Any bytes with any status through the envelope and response decoders: a value or a typed
//! error, never a panic.
#![no_main]

use tencent_im_core::envelope;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|input: (u16, &[u8])| {
    let (status, body) = input;
    let _ = envelope::check(status, body);
    let _ = envelope::decode::<tencent_im_friends::FriendGetResponse>(200, body);
    let _ = envelope::decode::<tencent_im_friends::FriendImportResponse>(200, body);
    let _ = envelope::decode::<tencent_im_friends::BlackListGetResponse>(200, body);
    let _ = envelope::decode::<tencent_im_friends::FriendCheckResponse>(200, body);
    let _ = envelope::excerpt(body);
});
