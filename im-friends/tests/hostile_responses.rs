//! Hostile responses: each a typed error naming the problem, none a panic. (Invalid requests are
//! tested end to end in the emulator's `invalid_requests.rs`.)

use tencent_im_core::{envelope, Error};
use tencent_im_friends::FriendGetResponse;

#[test]
fn hostile_responses_are_typed_errors() {
    let huge = format!(
        "{{\"ErrorCode\":0,\"UserDataItem\":[{}]}}",
        "{\"To_Account\":1},".repeat(100_000)
    );
    let deep = format!("{}{}", "[".repeat(10_000), "]".repeat(10_000));
    let cases: Vec<(&str, u16, Vec<u8>)> = vec![
        ("HTML error page", 200, b"<!DOCTYPE html><html><body>error</body></html>".to_vec()),
        ("502 page", 502, b"<html>Bad Gateway</html>".to_vec()),
        ("503 empty", 503, Vec::new()),
        ("empty body", 200, Vec::new()),
        ("whitespace body", 200, b" \r\n\t".to_vec()),
        ("truncated JSON", 200, br#"{"UserDataItem":[{"To_Account":"a","ValueItem":[{"Tag":"#.to_vec()),
        ("ErrorCode as a string", 200, br#"{"ActionStatus":"OK","ErrorCode":"0"}"#.to_vec()),
        ("ErrorCode as a float", 200, br#"{"ActionStatus":"OK","ErrorCode":0.5}"#.to_vec()),
        ("no ErrorCode, no ActionStatus", 200, br#"{"UserDataItem":[]}"#.to_vec()),
        ("a JSON array", 200, b"[]".to_vec()),
        ("a JSON string", 200, br#""OK""#.to_vec()),
        ("friend list of the wrong type", 200, br#"{"ErrorCode":0,"UserDataItem":"none"}"#.to_vec()),
        ("friend without To_Account", 200, br#"{"ErrorCode":0,"UserDataItem":[{"ValueItem":[]}]}"#.to_vec()),
        ("value of an unsupported type", 200, br#"{"ErrorCode":0,"UserDataItem":[{"To_Account":"a","ValueItem":[{"Tag":"t","Value":{"x":1}}]}]}"#.to_vec()),
        ("negative NextStartIndex", 200, br#"{"ErrorCode":0,"NextStartIndex":-1}"#.to_vec()),
        ("invalid UTF-8", 200, b"{\"ErrorCode\":0,\"UserDataItem\":[{\"To_Account\":\"\xff\xfe\"}]}".to_vec()),
        ("huge body of wrong items", 200, huge.into_bytes()),
        ("deeply nested arrays", 200, deep.into_bytes()),
    ];
    for (case, status, body) in cases {
        let result = envelope::decode::<FriendGetResponse>(status, &body);
        match result {
            Err(Error::HttpStatus { .. } | Error::EmptyBody { .. } | Error::Decode { .. }) => {}
            other => panic!("{case}: expected a typed decoding error, got {other:?}"),
        }
    }
    // A failure envelope with odd field types is still the service's error.
    let odd = br#"{"ActionStatus":"FAIL","ErrorCode":30001,"ErrorInfo":12,"ErrorDisplay":null}"#;
    match envelope::decode::<FriendGetResponse>(200, odd) {
        Err(Error::Api { code, info, .. }) => {
            assert_eq!(code.get(), 30001);
            assert_eq!(info, "12");
        }
        other => panic!("{other:?}"),
    }
}
