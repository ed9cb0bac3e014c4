//! The follow calls on the wire: the documented samples, byte for byte.

use tencent_im_core::{envelope, Endpoint, ErrorCode, ValidationError};
use tencent_im_follow::{
    FollowAdd, FollowCheck, FollowCheckResponse, FollowDelete, FollowGet, FollowGetInfo,
    FollowGetInfoResponse, FollowGetResponse, FollowRelation, FollowResults, FollowType,
};
use tencent_im_profile::{AllowType, ProfileItem};

#[test]
fn requests_match_the_documented_samples() {
    let delete = FollowDelete::new("UserID_001", ["UserID_002", "UserID_003"]);
    assert_eq!(
        serde_json::to_string(&delete).unwrap(),
        r#"{"From_Account":"UserID_001","To_Account":["UserID_002","UserID_003"]}"#
    );
    let add = FollowAdd::new("UserID_001", ["UserID_002"]);
    assert_eq!(
        serde_json::to_string(&add).unwrap(),
        r#"{"From_Account":"UserID_001","FollowItem":[{"To_Account":"UserID_002"}]}"#
    );
}

#[test]
fn the_documented_answer_decodes() {
    let body = br#"{"ResultItem":[{"To_Account":"UserID_002","ResultCode":0,"ResultInfo":""},
        {"To_Account":"UserID_003","ResultCode":0,"ResultInfo":""}],
        "ActionStatus":"OK","ErrorCode":0,"ErrorInfo":"","ErrorDisplay":""}"#;
    let answer: FollowResults = envelope::decode(200, body).unwrap();
    assert_eq!(answer.result_item.len(), 2);
    assert!(answer.result_item.iter().all(|item| item.is_ok()));
}

#[test]
fn at_most_twenty_accounts_per_request() {
    let ids: Vec<String> = (0..21).map(|i| format!("u{i}")).collect();
    let err = FollowDelete::new("a", ids.clone()).validate().unwrap_err();
    assert_eq!(err.field(), "To_Account");
    let err = FollowAdd::new("a", ids).validate().unwrap_err();
    assert_eq!(err.field(), "FollowItem");
    let err = FollowAdd::new("a", ["ok", ""]).validate().unwrap_err();
    assert_eq!(err.field(), "FollowItem[1].To_Account");
}

#[test]
fn follow_get_matches_the_documented_sample() {
    // The documented request has a trailing comma; this is the same body as valid JSON.
    let get = FollowGet::new("UserID_001", FollowType::Fans);
    assert_eq!(
        serde_json::to_string(&get).unwrap(),
        r#"{"From_Account":"UserID_001","FollowType":1,"StartCursor":"","WantNum":100}"#
    );
    let following = FollowGet::new("a", FollowType::Following).start_cursor("c1");
    assert_eq!(serde_json::to_value(&following).unwrap()["FollowType"], 2);
    assert_eq!(
        serde_json::to_value(&following).unwrap()["StartCursor"],
        "c1"
    );
    let mutual = FollowGet::new("a", FollowType::Mutual);
    assert_eq!(serde_json::to_value(&mutual).unwrap()["FollowType"], 3);
    let back: FollowGet = serde_json::from_str(&serde_json::to_string(&mutual).unwrap()).unwrap();
    assert_eq!(back, mutual);

    let body = br#"{"FollowItem": [{"To_Account": "UserID_002","FollowTime": 1702262118,
        "ProfileItem": [{"Tag": "Tag_Profile_IM_Nick","Value": "NickNameTest2"},
            {"Tag": "Tag_Profile_IM_AllowType","Value": "AllowType_Type_DenyAny"},
            {"Tag": "Tag_Profile_IM_SelfSignature","Value": "I'm Test2"},
            {"Tag": "Tag_Profile_Custom_Test","Value": "Custom Data2"}],"profile_sequence": 123},
        {"To_Account": "UserID_003","FollowTime": 1702262118,
        "ProfileItem": [{"Tag": "Tag_Profile_IM_Nick","Value": "NickNameTest3"},
            {"Tag": "Tag_Profile_IM_AllowType","Value": "AllowType_Type_AllowAny"},
            {"Tag": "Tag_Profile_IM_SelfSignature","Value": "I'm Test3"},
            {"Tag": "Tag_Profile_Custom_Test","Value": "Custom Data3"}],"profile_sequence": 123}],
        "NextCursor": "",
        "ActionStatus": "OK","ErrorCode": 0,"ErrorInfo": "","ErrorDisplay": ""}"#;
    let page: FollowGetResponse = envelope::decode(200, body).unwrap();
    assert!(page.is_last());
    assert!(page.next_page(&get).is_none());
    assert_eq!(page.follow_item.len(), 2);
    let first = &page.follow_item[0];
    assert_eq!(first.to_account, "UserID_002");
    assert_eq!(first.follow_time, 1702262118);
    assert_eq!(
        first.profile_item[1],
        ProfileItem::AllowType(AllowType::DenyAny)
    );
    assert_eq!(
        first.profile_item[3],
        ProfileItem::custom("Test", "Custom Data2")
    );

    let more: FollowGetResponse = envelope::decode(
        200,
        br#"{"FollowItem":[],"NextCursor":"abc","ErrorCode":0}"#,
    )
    .unwrap();
    assert_eq!(more.next_page(&get).unwrap().start_cursor, "abc");
}

#[test]
fn a_page_without_follow_item_decodes_as_empty() {
    let page: FollowGetResponse = envelope::decode(
        200,
        br#"{"ActionStatus":"OK","ErrorCode":0,"ErrorInfo":"","NextCursor":""}"#,
    )
    .unwrap();
    assert!(page.follow_item.is_empty());
    assert!(page.is_last());
}

#[test]
fn follow_get_checks_want_num_and_follow_type() {
    for want in [0, 1001] {
        let err = FollowGet::new("a", FollowType::Fans)
            .want_num(want)
            .validate()
            .unwrap_err();
        assert_eq!(err.field(), "WantNum", "{want}");
    }
    for want in [1, 1000] {
        FollowGet::new("a", FollowType::Fans)
            .want_num(want)
            .validate()
            .unwrap();
    }
    let err = FollowGet::new("", FollowType::Fans).validate().unwrap_err();
    assert_eq!(err.field(), "From_Account");
    let bad = r#"{"From_Account":"a","FollowType":4,"StartCursor":"","WantNum":100}"#;
    assert!(serde_json::from_str::<FollowGet>(bad).is_err());
}

#[test]
fn follow_check_matches_the_documented_sample() {
    let check = FollowCheck::new("UserID_001", ["UserID_002", "UserID_003"]);
    assert_eq!(
        serde_json::to_string(&check).unwrap(),
        r#"{"From_Account":"UserID_001","To_Account":["UserID_002","UserID_003"]}"#
    );
    let body = br#"{"ResultItem": [{"To_Account": "UserID_002","ResultCode": 0,"ResultInfo": "","FollowType": 0},
        {"To_Account": "UserID_003","ResultCode": 0,"ResultInfo": "","FollowType": 0}],
        "ActionStatus": "OK","ErrorCode": 0,"ErrorInfo": "","ErrorDisplay": ""}"#;
    let answer: FollowCheckResponse = envelope::decode(200, body).unwrap();
    assert_eq!(answer.result_item.len(), 2);
    assert!(answer
        .result_item
        .iter()
        .all(|item| item.is_ok() && item.follow_type == FollowRelation::None));
}

#[test]
fn follow_check_accepts_every_plausible_relation() {
    let cases = [
        ("0", FollowRelation::None),
        ("1", FollowRelation::Fan),
        ("2", FollowRelation::Following),
        ("3", FollowRelation::Mutual),
        ("\"3\"", FollowRelation::Mutual),
        ("7", FollowRelation::Other(7)),
    ];
    for (wire, relation) in cases {
        let body = format!(
            r#"{{"ResultItem":[{{"To_Account":"b","ResultCode":0,"FollowType":{wire}}}],"ErrorCode":0}}"#
        );
        let answer: FollowCheckResponse = envelope::decode(200, body.as_bytes()).unwrap();
        assert_eq!(answer.result_item[0].follow_type, relation, "{wire}");
    }
    // A failed item may come without a relation.
    let body = br#"{"ResultItem":[{"To_Account":"b","ResultCode":30003,"ResultInfo":"no"}],"ErrorCode":0}"#;
    let answer: FollowCheckResponse = envelope::decode(200, body).unwrap();
    assert_eq!(answer.result_item[0].result_code, ErrorCode(30003));
    assert_eq!(answer.result_item[0].follow_type, FollowRelation::None);
    assert!(FollowRelation::Mutual.follows() && FollowRelation::Mutual.followed_by());
    assert!(FollowRelation::Fan.followed_by() && !FollowRelation::Fan.follows());
}

#[test]
fn follow_get_info_matches_the_documented_sample() {
    let info = FollowGetInfo::new("UserID_001", ["UserID_001", "UserID_002", "UserID_003"]);
    assert_eq!(
        serde_json::to_string(&info).unwrap(),
        r#"{"From_Account":"UserID_001","To_Account":["UserID_001","UserID_002","UserID_003"]}"#
    );
    let body = br#"{"FollowInfo": [
        {"To_Account": "UserID_001","ResultCode": 0,"ResultInfo": "","FollowerCount": 0,"FollowingCount": 2,"MutualFollowingCount": 0},
        {"To_Account": "UserID_002","ResultCode": 0,"ResultInfo": "","FollowerCount": 1,"FollowingCount": 0,"MutualFollowingCount": 0},
        {"To_Account": "UserID_003","ResultCode": 0,"ResultInfo": "","FollowerCount": 1,"FollowingCount": 0,"MutualFollowingCount": 0}],
        "ActionStatus": "OK","ErrorCode": 0,"ErrorInfo": "","ErrorDisplay": ""}"#;
    let answer: FollowGetInfoResponse = envelope::decode(200, body).unwrap();
    let counts: Vec<(u64, u64, u64)> = answer
        .follow_info
        .iter()
        .map(|i| {
            (
                i.follower_count,
                i.following_count,
                i.mutual_following_count,
            )
        })
        .collect();
    assert_eq!(counts, [(0, 2, 0), (1, 0, 0), (1, 0, 0)]);
}

#[test]
fn check_and_info_caps() {
    let ids: Vec<String> = (0..101).map(|i| format!("u{i}")).collect();
    assert_eq!(
        FollowCheck::new("a", ids.clone()).validate().unwrap_err(),
        ValidationError::TooManyItems {
            field: "To_Account".into(),
            len: 101,
            max: 100
        }
    );
    FollowCheck::new("a", &ids[..100]).validate().unwrap();
    assert_eq!(
        FollowGetInfo::new("a", &ids[..21]).validate().unwrap_err(),
        ValidationError::TooManyItems {
            field: "To_Account".into(),
            len: 21,
            max: 20
        }
    );
    FollowGetInfo::new("a", &ids[..20]).validate().unwrap();
    let err = FollowCheck::new("a", ["ok", ""]).validate().unwrap_err();
    assert_eq!(err.field(), "To_Account[1]");
}
