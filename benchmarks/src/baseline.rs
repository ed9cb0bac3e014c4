//! A hand-written client of friend_import and friend_get — plain reqwest + serde_json, its own
//! structs, one parse — as the yardstick the SDK is measured against (`benches/call_cost.rs`,
//! `cost_probe`, `loopback_bench`).

pub mod redis_server;

use serde::{Deserialize, Serialize};
use tencent_im::friends::{FriendImport, FriendImportItem, FriendImportResponse};
use tencent_im::usersig::UserSigSigner;
use tencent_im::{Client, ResultItem};

/// The secret key of the measurements.
pub const KEY: &str = "5bd2850fff3ecb11d7c805251c51ee463a25727bddc2385f3fa8bfee1bb93b5e";

/// friend_import's body.
#[derive(Debug, Serialize)]
pub struct Import {
    /// `From_Account`.
    #[serde(rename = "From_Account")]
    pub from: String,
    /// `AddFriendItem`.
    #[serde(rename = "AddFriendItem")]
    pub items: Vec<Item>,
}

/// One friend.
#[derive(Debug, Serialize)]
pub struct Item {
    /// `To_Account`.
    #[serde(rename = "To_Account")]
    pub to: String,
    /// `Remark`.
    #[serde(rename = "Remark")]
    pub remark: String,
    /// `AddSource`.
    #[serde(rename = "AddSource")]
    pub source: String,
}

/// friend_import's answer, envelope included.
#[derive(Debug, Deserialize)]
pub struct ImportAnswer {
    /// `ErrorCode`.
    #[serde(rename = "ErrorCode")]
    pub code: i64,
    /// `ErrorInfo`.
    #[serde(rename = "ErrorInfo", default)]
    pub info: String,
    /// `ResultItem`.
    #[serde(rename = "ResultItem", default)]
    pub results: Vec<Row>,
    /// `Fail_Account`.
    #[serde(rename = "Fail_Account", default)]
    pub fail: Vec<String>,
}

/// One result.
#[derive(Debug, Deserialize)]
pub struct Row {
    /// `To_Account`.
    #[serde(rename = "To_Account")]
    pub to: String,
    /// `ResultCode`.
    #[serde(rename = "ResultCode")]
    pub code: i64,
    /// `ResultInfo`.
    #[serde(rename = "ResultInfo", default)]
    pub info: String,
}

/// friend_get's body.
#[derive(Debug, Serialize)]
pub struct Get<'a> {
    /// `From_Account`.
    #[serde(rename = "From_Account")]
    pub from: &'a str,
    /// `StartIndex`.
    #[serde(rename = "StartIndex")]
    pub start: u64,
}

/// friend_get's answer, as far as a hand-written client reads it.
#[derive(Debug, Deserialize)]
pub struct GetAnswer {
    /// `ErrorCode`.
    #[serde(rename = "ErrorCode")]
    pub code: i64,
    /// `ErrorInfo`.
    #[serde(rename = "ErrorInfo", default)]
    pub info: String,
    /// `FriendNum`.
    #[serde(rename = "FriendNum", default)]
    pub friend_num: u64,
    /// `UserDataItem`.
    #[serde(rename = "UserDataItem", default)]
    pub friends: Vec<serde_json::Value>,
}

/// The 1000 items the measurements import.
pub fn items() -> Vec<Item> {
    (0..1000)
        .map(|i| Item {
            to: format!("friend_{i:05}"),
            remark: format!("r{i}"),
            source: "AddSource_Type_Bench".to_owned(),
        })
        .collect()
}

/// The hand-written client's friend_import of the 1000 [`items`].
pub fn import() -> Import {
    Import {
        from: "owner".to_owned(),
        items: items(),
    }
}

/// The SDK's friend_import of the same 1000 friends.
pub fn sdk_import() -> FriendImport {
    let items = (0..1000)
        .map(|i| {
            FriendImportItem::new(format!("friend_{i:05}"), "AddSource_Type_Bench")
                .remark(format!("r{i}"))
        })
        .collect();
    FriendImport::new("owner", items)
}

/// Where the per-call measurements address their calls: nothing listens there, as nothing is
/// sent.
pub const OFFLINE_BASE: &str = "http://127.0.0.1:1";

/// The SDK client of the per-call measurements, as administrator of app 1400000000.
pub fn offline_client() -> Result<Client, tencent_im::Error> {
    Client::builder(1400000000, KEY, "administrator")
        .base_url(OFFLINE_BASE)
        .build()
}

/// The administrator's UserSig that the hand-written client signs once and reuses.
pub fn admin_sig() -> String {
    UserSigSigner::new(1400000000, KEY)
        .generate("administrator", 86_400)
        .into_secret()
}

/// The hand-written client's friend_import URL of the per-call measurements.
pub fn import_url(sig: &str) -> String {
    url(
        OFFLINE_BASE,
        "v4/sns/friend_import",
        1400000000,
        "administrator",
        sig,
    )
}

/// The request URL, with a sig signed once and a fresh random.
pub fn url(base: &str, path: &str, sdkappid: u64, admin: &str, sig: &str) -> String {
    format!(
        "{base}/{path}?sdkappid={sdkappid}&identifier={admin}&usersig={sig}&random={}&contenttype=json",
        fastrand::u32(..)
    )
}

/// The answer to a 1000-item friend_import, as the service sends it: every 50th item fails.
pub fn import_answer() -> Vec<u8> {
    let results: Vec<ResultItem> = (0..1000)
        .map(|i| {
            let to = format!("friend_{i:05}");
            if i % 50 == 0 {
                ResultItem::failed(
                    to,
                    tencent_im::ErrorCode(30010),
                    "Err_SNS_FriendImport_My_Friend_Num_Exceed_Threshold",
                )
            } else {
                ResultItem::ok(to)
            }
        })
        .collect();
    let fail: Vec<String> = results
        .iter()
        .filter(|item| !item.is_ok())
        .map(|item| item.to_account.clone())
        .collect();
    let mut response = FriendImportResponse::default();
    response.results = results;
    response.fail_accounts = fail;
    let mut value = serde_json::to_value(response).unwrap_or_default();
    if let Some(map) = value.as_object_mut() {
        map.insert("ActionStatus".into(), "OK".into());
        map.insert("ErrorCode".into(), 0.into());
        map.insert("ErrorInfo".into(), "".into());
        map.insert("ErrorDisplay".into(), "".into());
    }
    serde_json::to_vec(&value).unwrap_or_default()
}
