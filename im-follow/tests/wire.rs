//! The follow calls on the wire: the documented samples, byte for byte.

use tencent_im_core::{envelope, Endpoint};
use tencent_im_follow::{FollowAdd, FollowDelete, FollowResults};

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
