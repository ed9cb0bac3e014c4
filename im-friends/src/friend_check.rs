//! POST v4/sns/friend_check
//!
//! Tells the friend relation between a user and up to 1000 others.

use tencent_im_core::{check, im_api, ErrorCode, Validate, ValidationError};
use serde::{Deserialize, Serialize};

use crate::limits::MAX_ITEMS_PER_REQUEST;

/// Checks the relations of `From_Account` with `To_Account`s.
#[im_api(path = "v4/sns/friend_check", rate = 200)]
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct FriendCheck {
    /// Whose relations.
    #[serde(rename = "From_Account")]
    pub from_account: String,
    /// The others, 1 to 1000.
    #[serde(rename = "To_Account")]
    pub to_accounts: Vec<String>,
    /// One-way or two-way check.
    #[serde(rename = "CheckType")]
    pub check_type: CheckType,
}

impl FriendCheck {
    /// Checks `to_accounts` against `from_account`.
    pub fn new<I, S>(from_account: impl Into<String>, to_accounts: I, check_type: CheckType) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        Self {
            from_account: from_account.into(),
            to_accounts: to_accounts.into_iter().map(Into::into).collect(),
            check_type,
        }
    }
}

impl Validate for FriendCheck {
    fn validate(&self) -> Result<(), ValidationError> {
        check::user_id(|| "From_Account", &self.from_account)?;
        check::user_ids("To_Account", &self.to_accounts, MAX_ITEMS_PER_REQUEST)
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
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct FriendCheckInfo {
    /// The other account.
    #[serde(rename = "To_Account")]
    pub to_account: String,
    /// The relation; `NoRelation` on failed items.
    #[serde(rename = "Relation")]
    pub relation: FriendRelation,
    /// 0 on success.
    #[serde(rename = "ResultCode")]
    pub result_code: ErrorCode,
    /// Error text.
    #[serde(rename = "ResultInfo", default)]
    pub result_info: String,
}

impl FriendCheckInfo {
    /// An item (used by servers and tests).
    pub fn new(
        to_account: impl Into<String>,
        relation: FriendRelation,
        code: ErrorCode,
        info: impl Into<String>,
    ) -> Self {
        Self {
            to_account: to_account.into(),
            relation,
            result_code: code,
            result_info: info.into(),
        }
    }
}

/// The relations.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct FriendCheckResponse {
    /// One item per requested account.
    #[serde(rename = "InfoItem", default)]
    pub items: Vec<FriendCheckInfo>,
    /// Accounts whose check failed.
    #[serde(
        rename = "Fail_Account",
        default,
        skip_serializing_if = "Vec::is_empty"
    )]
    pub fail_accounts: Vec<String>,
}

impl FriendCheckResponse {
    /// A response (used by servers and tests); `Fail_Account` is derived from the items.
    pub fn new(items: Vec<FriendCheckInfo>) -> Self {
        let fail_accounts = crate::results::failed_by(&items, |i| (i.result_code, &i.to_account));
        Self {
            items,
            fail_accounts,
        }
    }
}
