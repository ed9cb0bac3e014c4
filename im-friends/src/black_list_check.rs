//! POST v4/sns/black_list_check
//!
//! Tells the blocklist relation between a user and up to 1000 others.

use serde::{Deserialize, Serialize};
use tencent_im_core::{im_api, im_item, im_response, ErrorCode};

use crate::limits::MAX_ITEMS_PER_REQUEST;

/// Checks blocklist relations of `From_Account` with `To_Account`s.
#[im_api(path = "v4/sns/black_list_check", rate = 200)]
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct BlackListCheck {
    /// Whose relations.
    #[im(user_id)]
    pub from_account: String,
    /// The others, 1 to 1000.
    #[im(rename = "To_Account", batch, max_items = MAX_ITEMS_PER_REQUEST, each(user_id))]
    pub to_accounts: Vec<String>,
    /// One-way or two-way check.
    pub check_type: BlackCheckType,
}

impl BlackListCheck {
    /// Checks `to_accounts` against `from_account`.
    pub fn new(
        from_account: impl Into<String>,
        to_accounts: impl IntoIterator<Item = impl Into<String>>,
        check_type: BlackCheckType,
    ) -> Self {
        Self {
            from_account: from_account.into(),
            to_accounts: to_accounts.into_iter().map(Into::into).collect(),
            check_type,
        }
    }
}

/// `CheckType` of black_list_check.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum BlackCheckType {
    /// `BlackCheckResult_Type_Single`: is B in A's blocklist?
    #[serde(rename = "BlackCheckResult_Type_Single")]
    Single,
    /// `BlackCheckResult_Type_Both`: both directions.
    #[serde(rename = "BlackCheckResult_Type_Both")]
    Both,
}

/// `Relation` of black_list_check.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum BlackRelation {
    /// `BlackCheckResult_Type_NO` (capital NO): neither blocks the other.
    #[serde(rename = "BlackCheckResult_Type_NO")]
    No,
    /// `BlackCheckResult_Type_AWithB`: B is in A's blocklist (only).
    #[serde(rename = "BlackCheckResult_Type_AWithB")]
    AWithB,
    /// `BlackCheckResult_Type_BWithA`: A is in B's blocklist only.
    #[serde(rename = "BlackCheckResult_Type_BWithA")]
    BWithA,
    /// `BlackCheckResult_Type_BothWay`: each blocks the other.
    #[serde(rename = "BlackCheckResult_Type_BothWay")]
    BothWay,
    /// A value this SDK does not know, kept as sent.
    #[serde(untagged)]
    Other(String),
}

/// One account's blocklist relation (`BlackListCheckItem`).
#[im_item]
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BlackCheckInfo {
    /// The other account.
    pub to_account: String,
    /// The relation.
    pub relation: BlackRelation,
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
pub struct BlackListCheckResponse {
    /// One item per requested account.
    #[im(rename = "BlackListCheckItem", merge)]
    pub items: Vec<BlackCheckInfo>,
    /// Accounts whose check failed.
    #[im(rename = "Fail_Account", merge)]
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub fail_accounts: Vec<String>,
}
