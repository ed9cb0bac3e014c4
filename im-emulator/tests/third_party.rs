//! What third-party clients send, byte for byte: the legacy `Identifier` key, the newer
//! `AccountList` form of multiaccount_import, and `""` for optional texts they do not have.

use serde_json::{json, Value};
use tencent_im_accounts::{AccountCheck, AccountStatus};
use tencent_im_core::Client;
use tencent_im_emulator::{Emulator, RunningEmulator};
use tencent_im_friends::{FriendGet, FriendValue, Tag};

/// Posts `body` as it is to `path`, signed as the admin, and returns the answer.
async fn post(client: &Client, path: &str, body: &str) -> Value {
    let url = client.request_url(path).unwrap();
    let answer = reqwest::Client::new()
        .post(url)
        .body(body.to_owned())
        .send()
        .await
        .unwrap();
    assert_eq!(answer.status(), 200);
    serde_json::from_slice(&answer.bytes().await.unwrap()).unwrap()
}

async fn start() -> (RunningEmulator, Client) {
    let emulator = Emulator::builder().start().await.unwrap();
    let client = emulator.client().unwrap();
    (emulator, client)
}

async fn imported(client: &Client, id: &str) -> bool {
    let check = client.call(&AccountCheck::new([id])).await.unwrap();
    check.results[0].status == Some(AccountStatus::Imported)
}

async fn nick_of(client: &Client, id: &str) -> Value {
    let answer = post(
        client,
        "v4/profile/portrait_get",
        &json!({"To_Account": [id], "TagList": ["Tag_Profile_IM_Nick"]}).to_string(),
    )
    .await;
    assert_eq!(answer["ErrorCode"], 0, "{answer}");
    answer["UserProfileItem"][0]["ProfileItem"][0]["Value"].clone()
}

#[tokio::test]
async fn account_import_accepts_the_legacy_identifier_key() {
    let (_emulator, client) = start().await;
    let answer = post(
        &client,
        "v4/im_open_login_svc/account_import",
        r#"{"Identifier":"legacy_user","Nick":"Old Style"}"#,
    )
    .await;
    assert_eq!(answer["ErrorCode"], 0, "{answer}");
    assert!(imported(&client, "legacy_user").await);
    assert_eq!(nick_of(&client, "legacy_user").await, "Old Style");
    let answer = post(
        &client,
        "v4/im_open_login_svc/account_check",
        r#"{"CheckItem":[{"Identifier":"legacy_user"}]}"#,
    )
    .await;
    assert_eq!(
        answer["ResultItem"][0]["AccountStatus"], "Imported",
        "{answer}"
    );
}

#[tokio::test]
async fn multiaccount_import_serves_the_account_list_form() {
    let (_emulator, client) = start().await;
    // The documented sample, plus an invalid UserID.
    let answer = post(
        &client,
        "v4/im_open_login_svc/multiaccount_import",
        &json!({"AccountList": [
            {"UserID": "UserID_001", "Nick": "Nick_001", "FaceUrl": "http://www.qq.com"},
            {"UserID": "UserID_002", "Nick": "Nick_002", "FaceUrl": "http://www.qq.com"},
            {"UserID": "x".repeat(33), "Nick": "too long an ID"},
        ]})
        .to_string(),
    )
    .await;
    assert_eq!(answer["ErrorCode"], 0, "{answer}");
    assert_eq!(answer["FailAccounts"], json!(["x".repeat(33)]));
    assert!(imported(&client, "UserID_002").await);
    assert_eq!(nick_of(&client, "UserID_001").await, "Nick_001");

    // An existing account is updated with the values given, and kept as it is otherwise.
    let answer = post(
        &client,
        "v4/im_open_login_svc/multiaccount_import",
        r#"{"AccountList":[{"UserID":"UserID_001","Nick":"Renamed"},{"UserID":"UserID_002"}]}"#,
    )
    .await;
    assert_eq!(answer["ErrorCode"], 0, "{answer}");
    assert_eq!(nick_of(&client, "UserID_001").await, "Renamed");
    assert_eq!(nick_of(&client, "UserID_002").await, "Nick_002");

    // The older form still works beside it; more than 100 is refused whole.
    let answer = post(
        &client,
        "v4/im_open_login_svc/multiaccount_import",
        r#"{"Accounts":["UserID_003"]}"#,
    )
    .await;
    assert_eq!(answer["ErrorCode"], 0, "{answer}");
    assert!(imported(&client, "UserID_003").await);
    let too_many: Vec<Value> = (0..101)
        .map(|i| json!({"UserID": format!("u{i}")}))
        .collect();
    let answer = post(
        &client,
        "v4/im_open_login_svc/multiaccount_import",
        &json!({ "AccountList": too_many }).to_string(),
    )
    .await;
    assert_eq!(answer["ErrorCode"], 70402, "{answer}");
    assert!(answer["ErrorInfo"]
        .as_str()
        .unwrap()
        .contains("AccountList"));
}

#[tokio::test]
async fn empty_optional_texts_mean_none() {
    let (_emulator, client) = start().await;
    let answer = post(
        &client,
        "v4/im_open_login_svc/multiaccount_import",
        r#"{"Accounts":["py_a","py_b","py_c"]}"#,
    )
    .await;
    assert_eq!(answer["ErrorCode"], 0, "{answer}");

    // What a published Python client sends on every friend_add.
    let answer = post(
        &client,
        "v4/sns/friend_add",
        r#"{"From_Account":"py_a","AddFriendItem":[{"To_Account":"py_b","Remark":"","GroupName":"","AddSource":"AddSource_Type_Python","AddWording":""}],"AddType":"Add_Type_Both","ForceAddFlags":1}"#,
    )
    .await;
    assert_eq!(answer["ErrorCode"], 0, "{answer}");
    assert_eq!(answer["ResultItem"][0]["ResultCode"], 0, "{answer}");

    let answer = post(
        &client,
        "v4/sns/friend_import",
        r#"{"From_Account":"py_a","AddFriendItem":[{"To_Account":"py_c","Remark":"","GroupName":[""],"AddSource":"AddSource_Type_Python","AddWording":""}]}"#,
    )
    .await;
    assert_eq!(answer["ErrorCode"], 0, "{answer}");
    assert_eq!(answer["ResultItem"][0]["ResultCode"], 0, "{answer}");

    // Both are friends with no group, remark or wording.
    let friends = client.call(&FriendGet::new("py_a")).await.unwrap();
    assert_eq!(friends.friends.len(), 2);
    for friend in &friends.friends {
        for tag in [Tag::GROUP, Tag::REMARK, Tag::ADD_WORDING] {
            let value = friend.get(&tag);
            let empty = match value {
                None => true,
                Some(FriendValue::String(text)) => text.is_empty(),
                Some(FriendValue::Strings(names)) => names.is_empty(),
                Some(other) => panic!("{other:?}"),
            };
            assert!(empty, "{} {tag:?}: {value:?}", friend.to_account);
        }
    }
}
