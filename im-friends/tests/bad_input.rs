//! The bad-input table: requests refused before sending, and hostile responses, each a typed
//! error naming the problem, none a panic.

use tencent_im_core::{envelope, Endpoint, Error, ValidationError};
use tencent_im_friends::*;

const SOURCE: &str = "AddSource_Type_Web";

fn ids(n: usize) -> Vec<String> {
    (0..n).map(|i| format!("u{i}")).collect()
}

fn import(item: FriendImportItem) -> FriendImport {
    FriendImport::new("a", vec![item])
}

fn add(item: FriendAddItem) -> FriendAdd {
    FriendAdd::new("a", vec![item])
}

/// (case, result of validation, the field the error must name)
fn invalid_requests() -> Vec<(&'static str, Result<(), ValidationError>, &'static str)> {
    let long_id = "x".repeat(33);
    vec![
        (
            "empty From_Account",
            FriendGet::new("").validate(),
            "From_Account",
        ),
        (
            "33-byte From_Account",
            FriendGet::new(&long_id).validate(),
            "From_Account",
        ),
        (
            "multi-byte ID over 32 bytes",
            FriendGet::new("好".repeat(11)).validate(),
            "From_Account",
        ),
        (
            "empty To_Account",
            import(FriendImportItem::new("", SOURCE)).validate(),
            "AddFriendItem[0].To_Account",
        ),
        (
            "over-long To_Account",
            add(FriendAddItem::new(&long_id, SOURCE)).validate(),
            "AddFriendItem[0].To_Account",
        ),
        (
            "no items",
            FriendImport::new("a", vec![]).validate(),
            "AddFriendItem",
        ),
        (
            "1001 imports",
            FriendImport::new(
                "a",
                ids(1001)
                    .into_iter()
                    .map(|i| FriendImportItem::new(i, SOURCE))
                    .collect(),
            )
            .validate(),
            "AddFriendItem",
        ),
        (
            "1001 adds",
            FriendAdd::new(
                "a",
                ids(1001)
                    .into_iter()
                    .map(|i| FriendAddItem::new(i, SOURCE))
                    .collect(),
            )
            .validate(),
            "AddFriendItem",
        ),
        (
            "1001 deletes",
            FriendDelete::new("a", ids(1001)).validate(),
            "To_Account",
        ),
        (
            "1001 checks",
            FriendCheck::new("a", ids(1001), CheckType::Both).validate(),
            "To_Account",
        ),
        (
            "1001 blocks",
            BlackListAdd::new("a", ids(1001)).validate(),
            "To_Account",
        ),
        (
            "1001 black checks",
            BlackListCheck::new("a", ids(1001), BlackCheckType::Both).validate(),
            "To_Account",
        ),
        (
            "AddSource without prefix",
            import(FriendImportItem::new("b", "Web")).validate(),
            "AddFriendItem[0].AddSource",
        ),
        (
            "AddSource keyword of 9",
            import(FriendImportItem::new("b", "AddSource_Type_ABCDEFGHI")).validate(),
            "AddFriendItem[0].AddSource",
        ),
        (
            "AddSource with digits",
            add(FriendAddItem::new("b", "AddSource_Type_Web2")).validate(),
            "AddFriendItem[0].AddSource",
        ),
        (
            "AddSource empty keyword",
            add(FriendAddItem::new("b", "AddSource_Type_")).validate(),
            "AddFriendItem[0].AddSource",
        ),
        (
            "remark of 97 bytes",
            import(FriendImportItem::new("b", SOURCE).remark("r".repeat(97))).validate(),
            "AddFriendItem[0].Remark",
        ),
        (
            "remark of 97 bytes on add",
            add(FriendAddItem::new("b", SOURCE).remark("é".repeat(49))).validate(),
            "AddFriendItem[0].Remark",
        ),
        (
            "group name of 31 bytes",
            import(FriendImportItem::new("b", SOURCE).group("g".repeat(31))).validate(),
            "AddFriendItem[0].GroupName[0]",
        ),
        (
            "empty group name",
            add(FriendAddItem::new("b", SOURCE).group("")).validate(),
            "AddFriendItem[0].GroupName",
        ),
        (
            "33 groups on one friend",
            {
                let mut item = FriendImportItem::new("b", SOURCE);
                for g in ids(33) {
                    item = item.group(g);
                }
                import(item).validate()
            },
            "AddFriendItem[0].GroupName",
        ),
        (
            "custom tag with digits",
            import(
                FriendImportItem::new("b", SOURCE)
                    .custom(TagValue::new(Tag::new("Tag_SNS_Custom_Lv1"), 1)),
            )
            .validate(),
            "AddFriendItem[0].CustomItem[0].Tag",
        ),
        (
            "standard tag as custom item",
            import(FriendImportItem::new("b", SOURCE).custom(TagValue::new(Tag::GROUP, "g")))
                .validate(),
            "AddFriendItem[0].CustomItem[0].Tag",
        ),
        (
            "custom value of 501 bytes",
            import(FriendImportItem::new("b", SOURCE).custom(TagValue::new(
                Tag::new("Tag_SNS_Custom_Note"),
                "v".repeat(501),
            )))
            .validate(),
            "AddFriendItem[0].CustomItem[0].Value",
        ),
        (
            "custom value as a list",
            import(FriendImportItem::new("b", SOURCE).custom(TagValue::new(
                Tag::new("Tag_SNS_Custom_Note"),
                vec!["x".to_owned()],
            )))
            .validate(),
            "AddFriendItem[0].CustomItem[0].Value",
        ),
        (
            "updating AddTime",
            FriendUpdate::new(
                "a",
                vec![FriendUpdateItem::new("b").field(Tag::ADD_TIME, 1)],
            )
            .validate(),
            "UpdateItem[0].SnsItem[0].Tag",
        ),
        (
            "remark given as a number",
            FriendUpdate::new("a", vec![FriendUpdateItem::new("b").field(Tag::REMARK, 5)])
                .validate(),
            "UpdateItem[0].SnsItem[0].Value",
        ),
        (
            "groups given as a string",
            FriendUpdate::new("a", vec![FriendUpdateItem::new("b").field(Tag::GROUP, "g")])
                .validate(),
            "UpdateItem[0].SnsItem[0].Value",
        ),
        (
            "unknown tag prefix in TagList",
            FriendGetList::new("a", ["b"], vec![Tag::new("Tag_Foo_Bar")]).validate(),
            "TagList[0]",
        ),
        (
            "bare prefix in TagList",
            FriendGetList::new("a", ["b"], vec![Tag::new("Tag_SNS_IM_")]).validate(),
            "TagList[0]",
        ),
        (
            "blocklist page of 0",
            BlackListGet::new("a", 0).validate(),
            "MaxLimited",
        ),
        (
            "group name over 30 bytes",
            GroupAdd::new("a", ["g".repeat(31)]).validate(),
            "GroupName[0]",
        ),
        (
            "group_add of 33 groups",
            GroupAdd::new("a", ids(33)).validate(),
            "GroupName",
        ),
        (
            "empty ID in To_Account list",
            FriendDelete::new("a", ["b", ""]).validate(),
            "To_Account[1]",
        ),
    ]
}

#[test]
fn invalid_requests_are_refused_with_the_field_named() {
    let cases = invalid_requests();
    assert!(cases.len() >= 30);
    for (case, result, field) in cases {
        let err = result.expect_err(case);
        assert_eq!(err.field(), field, "{case}: {err}");
        let text = Error::from(err).to_string();
        assert!(text.starts_with("invalid request: `"), "{case}: {text}");
    }
}

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
