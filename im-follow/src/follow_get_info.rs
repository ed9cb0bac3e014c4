//! POST v4/follow/follow_get_info — counts the fans, followings and mutual follows of up to 20
//! accounts.

use tencent_im_core::{im_api, im_item, im_response, ErrorCode};

use crate::MAX_ACCOUNTS_PER_REQUEST;

/// Counts the follows of each of `to_account`.
#[im_api(path = "v4/follow/follow_get_info", rate = 200)]
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct FollowGetInfo {
    /// Who asks.
    #[im(user_id)]
    pub from_account: String,
    /// Whose counts, 1 to 20 (more with `call_batched`).
    #[im(batch, max_items = MAX_ACCOUNTS_PER_REQUEST, each(user_id))]
    pub to_account: Vec<String>,
}

impl FollowGetInfo {
    /// Counts the follows of each of `to`, asked by `from`.
    pub fn new(from: impl Into<String>, to: impl IntoIterator<Item = impl Into<String>>) -> Self {
        Self {
            from_account: from.into(),
            to_account: to.into_iter().map(Into::into).collect(),
        }
    }
}

/// One account's counts (`FollowInfo`).
#[im_item]
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct FollowInfo {
    /// The account.
    pub to_account: String,
    /// 0 on success.
    pub result_code: ErrorCode,
    /// Error text, empty on success.
    #[serde(default)]
    pub result_info: String,
    /// How many accounts follow it (fans).
    #[serde(default)]
    pub follower_count: u64,
    /// How many accounts it follows.
    #[serde(default)]
    pub following_count: u64,
    /// How many accounts it follows that follow it back.
    #[serde(default)]
    pub mutual_following_count: u64,
}

impl FollowInfo {
    /// Counts as a server answers them: fans, followings, mutual follows.
    pub fn new(to_account: impl Into<String>, counts: (u64, u64, u64)) -> Self {
        Self {
            to_account: to_account.into(),
            result_code: ErrorCode::OK,
            result_info: String::new(),
            follower_count: counts.0,
            following_count: counts.1,
            mutual_following_count: counts.2,
        }
    }

    /// A failed item as a server answers it.
    pub fn failed(to_account: impl Into<String>, code: ErrorCode, info: impl Into<String>) -> Self {
        Self {
            to_account: to_account.into(),
            result_code: code,
            result_info: info.into(),
            follower_count: 0,
            following_count: 0,
            mutual_following_count: 0,
        }
    }

    /// Whether the account was counted.
    pub fn is_ok(&self) -> bool {
        self.result_code.is_ok()
    }
}

/// The counts.
#[im_response]
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct FollowGetInfoResponse {
    /// One item per requested account, in request order.
    #[im(merge)]
    pub follow_info: Vec<FollowInfo>,
}
