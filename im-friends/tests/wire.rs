//! Wire form of the relationship calls beyond the three seeded ones: Tencent's names, the
//! documented variants, and the typed enums.

use tencent_im_core::{envelope, ErrorCode};
use tencent_im_friends::*;

fn json<T: serde::Serialize>(value: &T) -> String {
    serde_json::to_string(value).unwrap()
}

#[test]
fn requests_use_tencent_names_in_documented_order() {
    assert_eq!(
        json(&FriendUpdate::new(
            "id",
            vec![FriendUpdateItem::new("id1")
                .remark("r")
                .groups(["g"])
                .field(Tag::custom("Test").unwrap(), "v")]
        )),
        r#"{"From_Account":"id","UpdateItem":[{"To_Account":"id1","SnsItem":[{"Tag":"Tag_SNS_IM_Remark","Value":"r"},{"Tag":"Tag_SNS_IM_Group","Value":["g"]},{"Tag":"Tag_SNS_Custom_Test","Value":"v"}]}]}"#
    );
    assert_eq!(
        json(&FriendDelete::new("id", ["id1", "id2"]).delete_type(DeleteType::Both)),
        r#"{"From_Account":"id","To_Account":["id1","id2"],"DeleteType":"Delete_Type_Both"}"#
    );
    assert_eq!(
        json(&FriendDelete::new("id", ["a"])),
        r#"{"From_Account":"id","To_Account":["a"]}"#
    );
    assert_eq!(
        json(&FriendDeleteAll::new("id").delete_type(DeleteType::Single)),
        r#"{"From_Account":"id","DeleteType":"Delete_Type_Single"}"#
    );
    assert_eq!(
        json(&FriendCheck::new("id", ["id1"], CheckType::Both)),
        r#"{"From_Account":"id","To_Account":["id1"],"CheckType":"CheckResult_Type_Both"}"#
    );
    assert_eq!(
        json(&FriendGetList::new(
            "id",
            ["id1"],
            vec![Tag::REMARK, Tag::new("Tag_Profile_IM_Nick")]
        )),
        r#"{"From_Account":"id","To_Account":["id1"],"TagList":["Tag_SNS_IM_Remark","Tag_Profile_IM_Nick"]}"#
    );
    assert_eq!(
        json(&BlackListAdd::new("id", ["id1"])),
        r#"{"From_Account":"id","To_Account":["id1"]}"#
    );
    assert_eq!(
        json(&BlackListGet::new("id", 30)),
        r#"{"From_Account":"id","StartIndex":0,"MaxLimited":30,"LastSequence":0}"#
    );
    assert_eq!(
        json(&BlackListCheck::new("id", ["id1"], BlackCheckType::Single)),
        r#"{"From_Account":"id","To_Account":["id1"],"CheckType":"BlackCheckResult_Type_Single"}"#
    );
    assert_eq!(
        json(&GroupAdd::new("id", ["g1"]).with_friends(["id1"])),
        r#"{"From_Account":"id","GroupName":["g1"],"To_Account":["id1"]}"#
    );
    assert_eq!(
        json(&GroupAdd::new("id", ["g1"])),
        r#"{"From_Account":"id","GroupName":["g1"]}"#
    );
    assert_eq!(
        json(&GroupDelete::new("id", ["g1"])),
        r#"{"From_Account":"id","GroupName":["g1"]}"#
    );
    assert_eq!(
        json(&GroupGet::new("id").with_friends().groups(["g1"])),
        r#"{"From_Account":"id","NeedFriend":"Need_Friend_Type_Yes","GroupName":["g1"]}"#
    );
    assert_eq!(json(&GroupGet::new("id")), r#"{"From_Account":"id"}"#);
}

#[test]
fn black_list_get_accepts_both_sequence_spellings() {
    let body = |key: &str| {
        format!(
            r#"{{"BlackListItem":[{{"To_Account":"id1","AddBlackTimeStamp":1430000000}}],"StartIndex":0,"{key}":1234,"ActionStatus":"OK","ErrorCode":0,"ErrorInfo":"","ErrorDisplay":""}}"#
        )
    };
    for key in ["CurruentSequence", "CurrentSequence"] {
        let page: BlackListGetResponse = envelope::decode(200, body(key).as_bytes()).unwrap();
        assert_eq!(page.current_sequence, 1234, "{key}");
        assert_eq!(page.items[0].added_at, 1430000000);
        assert_eq!(page.next_page(&BlackListGet::new("id", 10)), None);
    }
    // Sent with the official (misspelled) key.
    let mut page = BlackListGetResponse::default();
    page.current_sequence = 7;
    assert!(json(&page).contains(r#""CurruentSequence":7"#));
}

#[test]
fn relations_decode_including_capital_no_and_unknown_values() {
    let body = br#"{"InfoItem":[
        {"To_Account":"a","Relation":"CheckResult_Type_BothWay","ResultCode":0,"ResultInfo":""},
        {"To_Account":"b","Relation":"CheckResult_Type_AWithB","ResultCode":0,"ResultInfo":""},
        {"To_Account":"c","Relation":"CheckResult_Type_BWithA","ResultCode":0,"ResultInfo":""},
        {"To_Account":"d","Relation":"CheckResult_Type_NoRelation","ResultCode":30001,"ResultInfo":"x"},
        {"To_Account":"e","Relation":"CheckResult_Type_Future","ResultCode":0,"ResultInfo":""}],
        "Fail_Account":["d"],"ActionStatus":"OK","ErrorCode":0,"ErrorInfo":"","ErrorDisplay":""}"#;
    let check: FriendCheckResponse = envelope::decode(200, body).unwrap();
    let relations: Vec<FriendRelation> = check.items.iter().map(|i| i.relation.clone()).collect();
    assert_eq!(
        relations,
        [
            FriendRelation::BothWay,
            FriendRelation::AWithB,
            FriendRelation::BWithA,
            FriendRelation::NoRelation,
            FriendRelation::Other("CheckResult_Type_Future".into()),
        ]
    );
    assert_eq!(check.items[3].result_code, ErrorCode::SNS_BAD_PARAMETER);
    assert_eq!(check.fail_accounts, ["d"]);

    let body = br#"{"BlackListCheckItem":[
        {"To_Account":"a","Relation":"BlackCheckResult_Type_BothWay","ResultCode":0,"ResultInfo":""},
        {"To_Account":"b","Relation":"BlackCheckResult_Type_AWithB","ResultCode":0,"ResultInfo":""},
        {"To_Account":"c","Relation":"BlackCheckResult_Type_BWithA","ResultCode":0,"ResultInfo":""},
        {"To_Account":"d","Relation":"BlackCheckResult_Type_NO","ResultCode":0,"ResultInfo":""}],
        "ActionStatus":"OK","ErrorCode":0}"#;
    let check: BlackListCheckResponse = envelope::decode(200, body).unwrap();
    let relations: Vec<BlackRelation> = check.items.iter().map(|i| i.relation.clone()).collect();
    assert_eq!(
        relations,
        [
            BlackRelation::BothWay,
            BlackRelation::AWithB,
            BlackRelation::BWithA,
            BlackRelation::No
        ]
    );
    assert_eq!(json(&BlackRelation::No), r#""BlackCheckResult_Type_NO""#);
}

#[test]
fn group_and_list_responses_decode() {
    let groups: GroupGetResponse = envelope::decode(
        200,
        br#"{"ResultItem":[{"GroupName":"g1","FriendNumber":2,"To_Account":["a","b"]},{"GroupName":"g2","FriendNumber":0}],"CurrentSequence":5,"ActionStatus":"OK","ErrorCode":0,"ErrorInfo":"","ErrorDisplay":""}"#,
    )
    .unwrap();
    assert_eq!(groups.current_sequence, 5);
    assert_eq!(groups.groups[0].to_accounts.as_deref().unwrap(), ["a", "b"]);
    assert_eq!(groups.groups[1].to_accounts, None);

    let added: GroupAddResponse = envelope::decode(
        200,
        br#"{"ResultItem":[{"To_Account":"x","ResultCode":32216,"ResultInfo":"not friend"}],"Fail_Account":["x"],"CurrentSequence":3,"ActionStatus":"OK","ErrorCode":0}"#,
    )
    .unwrap();
    assert_eq!(
        added.results[0].result_code,
        ErrorCode::SNS_GROUP_NOT_A_FRIEND
    );

    let list: FriendGetListResponse = envelope::decode(
        200,
        br#"{"InfoItem":[{"To_Account":"id1","SnsProfileItem":[{"Tag":"Tag_SNS_IM_Group","Value":["g"]},{"Tag":"Tag_Profile_IM_Nick","Value":"N"},{"Tag":"Tag_SNS_IM_AddTime","Value":1}],"ResultCode":0,"ResultInfo":""}],"ActionStatus":"OK","ErrorCode":0}"#,
    )
    .unwrap();
    let info = &list.items[0];
    assert_eq!(
        info.get(&Tag::GROUP)
            .and_then(FriendValue::as_strings)
            .unwrap(),
        ["g"]
    );
    assert_eq!(
        info.get(&Tag::ADD_TIME).and_then(FriendValue::as_i64),
        Some(1)
    );

    let deleted: FriendDeleteResponse = envelope::decode(
        200,
        br#"{"ResultItem":[{"To_Account":"a","ResultCode":31704,"ResultInfo":"Err_SNS_FriendDelete_Not_Friend"}],"ActionStatus":"OK","ErrorCode":0}"#,
    )
    .unwrap();
    assert_eq!(deleted.failed().count(), 1);
    assert_eq!(deleted.report().failed[0].code, ErrorCode::SNS_NOT_A_FRIEND);
}
