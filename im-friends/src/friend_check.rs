//! POST v4/sns/friend_check
//!
//! Tells the friend relation between a user and up to 1000 others.

use serde::{Deserialize, Serialize};
use tencent_im_core::{im_api, im_item, im_response, ErrorCode};

use crate::limits::MAX_ITEMS_PER_REQUEST;

/// Checks the relations of `From_Account` with `To_Account`s.
#[im_api(path = "v4/sns/friend_check", rate = 200)]
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct FriendCheck {
    /// Whose relations.
    #[im(user_id)]
    pub from_account: String,
    /// The others, 1 to 1000.
    #[im(rename = "To_Account", batch, max_items = MAX_ITEMS_PER_REQUEST, each(user_id))]
    pub to_accounts: Vec<String>,
    /// One-way or two-way check.
    pub check_type: CheckType,
}

impl FriendCheck {
    /// Checks `to_accounts` against `from_account`.
    pub fn new(
        from_account: impl Into<String>,
        to_accounts: impl IntoIterator<Item = impl Into<String>>,
        check_type: CheckType,
    ) -> Self {
        Self {
            from_account: from_account.into(),
            to_accounts: to_accounts.into_iter().map(Into::into).collect(),
            check_type,
        }
    }
}

/// `CheckType`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum CheckType {
    /// `CheckResult_Type_Single`: is B in A's list?
    #[serde(rename = "CheckResult_Type_Single")]
    Single,
    /// `CheckResult_Type_Both`: both directions.
    #[serde(rename = "CheckResult_Type_Both")]
    Both,
}

/// `Relation` of friend_check.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum FriendRelation {
    /// `CheckResult_Type_NoRelation`.
    #[serde(rename = "CheckResult_Type_NoRelation")]
    NoRelation,
    /// `CheckResult_Type_AWithB`: B is in A's list (only).
    #[serde(rename = "CheckResult_Type_AWithB")]
    AWithB,
    /// `CheckResult_Type_BWithA`: A is in B's list only (two-way check).
    #[serde(rename = "CheckResult_Type_BWithA")]
    BWithA,
    /// `CheckResult_Type_BothWay`: each is in the other's list (two-way check).
    #[serde(rename = "CheckResult_Type_BothWay")]
    BothWay,
    /// A value this SDK does not know, kept as sent.
    #[serde(untagged)]
    Other(String),
}

/// One account's relation (`InfoItem`).
#[im_item]
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FriendCheckInfo {
    /// The other account.
    pub to_account: String,
    /// The relation; `NoRelation` on failed items.
    pub relation: FriendRelation,
    /// 0 on success.
    pub result_code: ErrorCode,
    /// Error text.
    #[serde(default)]
    pub result_info: String,
}

/// The relations.
#[im_response]
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct FriendCheckResponse {
    /// One item per requested account.
    #[im(rename = "InfoItem", merge)]
    pub items: Vec<FriendCheckInfo>,
    /// Accounts whose check failed.
    #[im(rename = "Fail_Account", merge)]
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub fail_accounts: Vec<String>,
}
