//! The request and response samples of the friend_import, friend_add and friend_get product
//! pages: requests built with the SDK serialise to exactly the documented bytes (in the
//! documented key order), and every documented response decodes to the documented values.

use tencent_im_core::{envelope, ErrorCode, ResultItem};
use tencent_im_friends::*;

/// Removes the whitespace outside JSON strings: the compact form of a pretty sample.
fn minify(pretty: &str) -> String {
    let mut out = String::with_capacity(pretty.len());
    let mut in_string = false;
    let mut escaped = false;
    for c in pretty.chars() {
        if in_string {
            out.push(c);
            if escaped {
                escaped = false;
            } else if c == '\\' {
                escaped = true;
            } else if c == '"' {
                in_string = false;
            }
        } else if c == '"' {
            in_string = true;
            out.push(c);
        } else if !c.is_whitespace() {
            out.push(c);
        }
    }
    out
}

/// Serialises `request`, checks it equals the sample byte for byte, and that decoding the sample
/// gives the same request back.
fn assert_wire<T>(request: &T, sample: &str)
where
    T: serde::Serialize + serde::de::DeserializeOwned + PartialEq + std::fmt::Debug,
{
    let expected = minify(sample);
    assert_eq!(serde_json::to_string(request).unwrap(), expected);
    let decoded: T = serde_json::from_str(sample).unwrap();
    assert_eq!(&decoded, request);
}

const IMPORT_BASIC: &str = r#"{
"From_Account":"id",
"AddFriendItem":
[
{
"To_Account":"id1",
"AddSource":"AddSource_Type_XXXXXXXX"
}
]
}"#;

const IMPORT_COMPLETE: &str = r#"{
    "From_Account":"id",
    "AddFriendItem":
    [
        {
            "To_Account":"id1",
            "Remark":"remark1",
            "RemarkTime":1420000001,
            "GroupName":["Friends"],
            "AddSource":"AddSource_Type_XXXXXXXX",
            "AddWording":"I'm Test1",
            "AddTime":1420000001,
            "CustomItem":
            [
                {
                    "Tag":"Tag_SNS_Custom_XXXX",
                    "Value":"Test"
                },
                {
                    "Tag":"Tag_SNS_Custom_YYYY",
                    "Value":0
                }
            ]
        }
    ]
}"#;

const IMPORT_BATCH: &str = r#"{
    "From_Account":"id",
    "AddFriendItem":
    [
        {
            "To_Account":"id1",
            "AddSource":"AddSource_Type_XXXXXXXX"
        },
        {
            "To_Account":"id2",
            "Remark":"remark2",
            "RemarkTime":1420000001,
            "GroupName":["Friends"],
            "AddSource":"AddSource_Type_XXXXXXXX",
            "AddWording":"I'm Test2",
            "AddTime":1420000001
        },
        {
            "To_Account":"id3",
            "Remark":"remark3",
            "RemarkTime":1420000001,
            "GroupName":["Colleagues","Friends"],
            "AddSource":"AddSource_Type_XXXXXXXX",
            "AddWording":"I'm Test3",
            "AddTime":1420000001,
            "CustomItem":
            [
                {
                    "Tag":"Tag_SNS_Custom_XXXX",
                    "Value":"Test"
                },
                {
                    "Tag":"Tag_SNS_Custom_YYYY",
                    "Value":0
                }
            ]
        }
    ]
}"#;

const SOURCE: &str = "AddSource_Type_XXXXXXXX";

fn custom_items() -> [TagValue; 2] {
    [
        TagValue::new(Tag::custom("XXXX").unwrap(), "Test"),
        TagValue::new(Tag::custom("YYYY").unwrap(), 0),
    ]
}

/// Friend `id{n}` of the friend_import samples: remark and wording numbered like the account,
/// both times 1420000001, in `groups`.
fn sample_import_item(n: u32, groups: &[&str]) -> FriendImportItem {
    let item = FriendImportItem::new(format!("id{n}"), SOURCE)
        .remark(format!("remark{n}"))
        .remark_time(1420000001)
        .add_wording(format!("I'm Test{n}"))
        .add_time(1420000001);
    groups.iter().fold(item, |item, group| item.group(*group))
}

#[test]
fn friend_import_requests_are_byte_exact() {
    let basic = FriendImport::new("id", vec![FriendImportItem::new("id1", SOURCE)]);
    assert_wire(&basic, IMPORT_BASIC);

    let [x, y] = custom_items();
    let complete = FriendImport::new(
        "id",
        vec![sample_import_item(1, &["Friends"])
            .custom(x.clone())
            .custom(y.clone())],
    );
    assert_wire(&complete, IMPORT_COMPLETE);

    let batch = FriendImport::new(
        "id",
        vec![
            FriendImportItem::new("id1", SOURCE),
            sample_import_item(2, &["Friends"]),
            sample_import_item(3, &["Colleagues", "Friends"])
                .custom(x)
                .custom(y),
        ],
    );
    assert_wire(&batch, IMPORT_BATCH);
    for request in [&basic, &complete, &batch] {
        tencent_im_core::Endpoint::validate(request).unwrap();
    }
}

#[test]
fn friend_import_responses_decode() {
    let basic = r#"{
	"ResultItem":
	[
		{
			"To_Account":"id1",
			"ResultCode":0,
			"ResultInfo":""
		}
	],
	"ActionStatus":"OK",
	"ErrorCode":0,
	"ErrorInfo":"",
	"ErrorDisplay":""
}"#;
    let response: FriendImportResponse = envelope::decode(200, basic.as_bytes()).unwrap();
    assert_eq!(response.results, [ResultItem::ok("id1")]);
    assert!(response.fail_accounts.is_empty() && response.invalid_accounts.is_empty());

    // The two published versions of the batch sample: Fail_Account only, and with Invalid_Account.
    let items = r#""ResultItem":[
        {"To_Account":"id1","ResultCode":0,"ResultInfo":""},
        {"To_Account":"id2","ResultCode":30010,"ResultInfo":"Err_SNS_FriendImport_My_Friend_Num_Exceed_Threshold"},
        {"To_Account":"id3","ResultCode":30002,"ResultInfo":"Err_SNS_FriendImport_SdkAppId_Illegal"}],"#;
    let tail = r#""ActionStatus":"OK","ErrorCode":0,"ErrorInfo":"","ErrorDisplay":""}"#;
    let first = format!(r#"{{{items}"Fail_Account":["id2","id3"],{tail}"#);
    let second = format!(r#"{{{items}"Fail_Account":["id2"],"Invalid_Account":["id3"],{tail}"#);

    let response: FriendImportResponse = envelope::decode(200, first.as_bytes()).unwrap();
    assert_eq!(response.fail_accounts, ["id2", "id3"]);
    assert!(response.invalid_accounts.is_empty());
    let failed: Vec<_> = response
        .failed()
        .map(|i| (i.to_account.as_str(), i.result_code))
        .collect();
    assert_eq!(
        failed,
        [
            ("id2", ErrorCode::SNS_FRIEND_LIST_FULL),
            ("id3", ErrorCode::SNS_SDKAPPID_MISMATCH)
        ]
    );
    assert_eq!(response.succeeded().count(), 1);

    let response: FriendImportResponse = envelope::decode(200, second.as_bytes()).unwrap();
    assert_eq!(response.fail_accounts, ["id2"]);
    assert_eq!(response.invalid_accounts, ["id3"]);
    assert_eq!(
        response.results[1].result_info,
        "Err_SNS_FriendImport_My_Friend_Num_Exceed_Threshold"
    );
}

/// Friend `id{n}` of the friend_add samples: remark and wording numbered like the account.
fn sample_add_item(n: u32, group: &str) -> FriendAddItem {
    FriendAddItem::new(format!("id{n}"), SOURCE)
        .remark(format!("remark{n}"))
        .group(group)
        .add_wording(format!("I'm Test{n}"))
}

/// The forced two-way friend_add of the complete and batch samples.
fn sample_add(items: Vec<FriendAddItem>) -> FriendAdd {
    FriendAdd::new("id", items)
        .add_type(AddType::Both)
        .force_add(true)
}

#[test]
fn friend_add_requests_are_byte_exact() {
    let basic = FriendAdd::new("id", vec![FriendAddItem::new("id1", SOURCE)]);
    assert_wire(
        &basic,
        r#"{"From_Account":"id","AddFriendItem":[{"To_Account":"id1","AddSource":"AddSource_Type_XXXXXXXX"}]}"#,
    );

    let complete = sample_add(vec![sample_add_item(1, "Classmates")]);
    assert_wire(
        &complete,
        r#"{"From_Account":"id","AddFriendItem":[{"To_Account":"id1","Remark":"remark1","GroupName":"Classmates","AddSource":"AddSource_Type_XXXXXXXX","AddWording":"I'm Test1"}],"AddType":"Add_Type_Both","ForceAddFlags":1}"#,
    );

    let batch = sample_add(vec![
        FriendAddItem::new("id1", SOURCE),
        sample_add_item(2, "Classmates"),
        sample_add_item(3, "Colleagues"),
    ]);
    assert_wire(
        &batch,
        r#"{"From_Account":"id","AddFriendItem":[{"To_Account":"id1","AddSource":"AddSource_Type_XXXXXXXX"},{"To_Account":"id2","Remark":"remark2","GroupName":"Classmates","AddSource":"AddSource_Type_XXXXXXXX","AddWording":"I'm Test2"},{"To_Account":"id3","Remark":"remark3","GroupName":"Colleagues","AddSource":"AddSource_Type_XXXXXXXX","AddWording":"I'm Test3"}],"AddType":"Add_Type_Both","ForceAddFlags":1}"#,
    );
    for request in [&basic, &complete, &batch] {
        tencent_im_core::Endpoint::validate(request).unwrap();
    }
}

#[test]
fn friend_add_accepts_documented_variants() {
    // AddSource left out (one document marks it optional) and ForceAddFlags 2 / 0 (normal add).
    let request: FriendAdd = serde_json::from_str(
        r#"{"From_Account":"id","AddFriendItem":[{"To_Account":"id1"}],"AddType":"Add_Type_Single","ForceAddFlags":2}"#,
    )
    .unwrap();
    assert_eq!(request.items[0].add_source, "");
    assert_eq!(request.add_type, Some(AddType::Single));
    assert_eq!(request.force_add_flags, Some(ForceAddFlag::Normal));
    let normal = FriendAdd::new("id", vec![FriendAddItem::new("id1", SOURCE)]).force_add(false);
    assert!(serde_json::to_string(&normal)
        .unwrap()
        .ends_with(r#""ForceAddFlags":0}"#));
}

#[test]
fn friend_add_responses_decode() {
    let basic = r#"{"ResultItem":[{"To_Account":"id1","ResultCode":0,"ResultInfo":""}],"ActionStatus":"OK","ErrorCode":0,"ErrorInfo":"","ErrorDisplay":""}"#;
    let response: FriendAddResponse = envelope::decode(200, basic.as_bytes()).unwrap();
    assert_eq!(response.added().count(), 1);
    assert!(response.fail_accounts.is_empty());

    let batch = r#"{"ResultItem":[{"To_Account":"id1","ResultCode":0,"ResultInfo":""},{"To_Account":"id2","ResultCode":30006,"ResultInfo":"Err_SNS_FriendAdd_Unpack_Profile_Data_Fail"},{"To_Account":"id3","ResultCode":30002,"ResultInfo":"Err_SNS_FriendAdd_SdkAppId_Illegal"}],"Fail_Account":["id2","id3"],"ActionStatus":"OK","ErrorCode":0,"ErrorInfo":"","ErrorDisplay":""}"#;
    let response: FriendAddResponse = envelope::decode(200, batch.as_bytes()).unwrap();
    assert_eq!(response.fail_accounts, ["id2", "id3"]);
    let failed: Vec<_> = response.failed().map(|i| i.result_code).collect();
    assert_eq!(
        failed,
        [
            ErrorCode::SNS_INTERNAL_ERROR,
            ErrorCode::SNS_SDKAPPID_MISMATCH
        ]
    );
    assert_eq!(response.pending().count(), 0);

    let pending = r#"{"ResultItem":[{"To_Account":"id1","ResultCode":30539,"ResultInfo":"Err_SNS_FriendAdd_Friend_Add_Need_Confirm"}],"Fail_Account":["id1"],"ActionStatus":"OK","ErrorCode":0,"ErrorInfo":"","ErrorDisplay":""}"#;
    let response: FriendAddResponse = envelope::decode(200, pending.as_bytes()).unwrap();
    assert_eq!(response.pending().count(), 1);
    assert_eq!(response.failed().count(), 0);
}

#[test]
fn friend_get_request_is_byte_exact() {
    let request = FriendGet::new("id").standard_sequence(0).custom_sequence(0);
    assert_wire(
        &request,
        r#"{
    "From_Account": "id",
    "StartIndex": 0,
    "StandardSequence": 0,
    "CustomSequence": 0
    }"#,
    );
    assert_eq!(
        serde_json::to_string(&FriendGet::new("id").start_index(500)).unwrap(),
        r#"{"From_Account":"id","StartIndex":500}"#
    );
}

#[test]
fn friend_get_response_decodes_with_typed_values() {
    let sample = r#"{
    "UserDataItem": [
    {
    "To_Account": "id1",
    "ValueItem": [
    {
    "Tag": "Tag_SNS_IM_AddSource",
    "Value": "AddSource_Type_Android"
    },
    {
    "Tag": "Tag_SNS_IM_Remark",
    "Value": "Remark1"
    },
    {
    "Tag": "Tag_SNS_IM_Group",
    "Value":["Group1","Group2"]
    },
    {
    "Tag": "Tag_SNS_IM_AddTime",
    "Value": 1563867420
    },
    {
    "Tag": "Tag_SNS_Custom_Test",
    "Value": "CustomData1"
    }
    ]
    },
    {
    "To_Account": "id2",
    "ValueItem": [
    {
    "Tag": "Tag_SNS_IM_AddSource",
    "Value": "AddSource_Type_IOS"
    },
    {
    "Tag": "Tag_SNS_IM_Group",
    "Value":["Group1"]
    },
    {
    "Tag": "Tag_SNS_IM_AddTime",
    "Value": 1563867425
    }
    ]
    }
    ],
    "StandardSequence": 88,
    "CustomSequence": 46,
    "FriendNum": 20,
    "CompleteFlag": 1,
    "NextStartIndex": 0,
    "ActionStatus": "OK",
    "ErrorCode": 0,
    "ErrorInfo": "",
    "ErrorDisplay": ""
    }"#;
    let page: FriendGetResponse = envelope::decode(200, sample.as_bytes()).unwrap();
    assert_eq!(page.friends.len(), 2);
    assert_eq!(
        (
            page.standard_sequence,
            page.custom_sequence,
            page.friend_num
        ),
        (88, 46, 20)
    );
    assert!(page.is_complete());
    assert_eq!(page.next_start_index, 0);
    assert_eq!(page.next_page(&FriendGet::new("id")), None);

    let id1 = &page.friends[0];
    assert_eq!(id1.to_account, "id1");
    assert_eq!(id1.add_source(), Some("AddSource_Type_Android"));
    assert_eq!(id1.remark(), Some("Remark1"));
    assert_eq!(id1.groups(), ["Group1", "Group2"]);
    assert_eq!(id1.add_time(), Some(1563867420));
    assert_eq!(
        id1.custom("Test"),
        Some(&FriendValue::String("CustomData1".into()))
    );
    assert_eq!(id1.add_wording(), None);

    let id2 = &page.friends[1];
    assert_eq!(id2.remark(), None);
    assert_eq!(id2.groups(), ["Group1"]);
    assert_eq!(id2.add_time(), Some(1563867425));

    // Re-encoding keeps every documented field (the envelope is the server's to add).
    let mut expected: serde_json::Value = serde_json::from_str(sample).unwrap();
    for key in ["ActionStatus", "ErrorCode", "ErrorInfo", "ErrorDisplay"] {
        expected.as_object_mut().unwrap().remove(key);
    }
    assert_eq!(serde_json::to_value(&page).unwrap(), expected);
}

#[test]
fn friend_get_pages_continue_until_complete() {
    let page: FriendGetResponse = serde_json::from_str(
        r#"{"UserDataItem":[],"FriendNum":1200,"CompleteFlag":0,"NextStartIndex":100,"ErrorCode":0}"#,
    )
    .unwrap();
    let next = page.next_page(&FriendGet::new("id")).unwrap();
    assert_eq!(next.start_index, 100);
    // A missing UserDataItem (no friends) decodes as an empty page.
    let empty: FriendGetResponse = envelope::decode(
        200,
        br#"{"ActionStatus":"OK","ErrorCode":0,"FriendNum":0,"CompleteFlag":1}"#,
    )
    .unwrap();
    assert!(empty.friends.is_empty() && empty.is_complete());
}
