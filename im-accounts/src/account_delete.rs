//! POST v4/im_open_login_svc/account_delete
//!
//! Deletes up to 100 accounts.

use tencent_im_core::{im_api, ErrorCode, Validate, ValidationError};
use serde::{Deserialize, Serialize};

use crate::UserIdItem;

/// Deletes accounts.
#[im_api(path = "v4/im_open_login_svc/account_delete", rate = 100)]
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct AccountDelete {
    /// The accounts, 1 to 100.
    #[serde(rename = "DeleteItem")]
    pub items: Vec<UserIdItem>,
}

impl AccountDelete {
    /// Deletes `user_ids`.
    pub fn new<I, S>(user_ids: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        Self {
            items: user_ids.into_iter().map(UserIdItem::new).collect(),
        }
    }
}

impl Validate for AccountDelete {
    fn validate(&self) -> Result<(), ValidationError> {
        crate::check_items("DeleteItem", &self.items)
    }
}

/// One account's result: `{ResultCode, ResultInfo, UserID}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct AccountResult {
    /// 0 on success.
    #[serde(rename = "ResultCode")]
    pub result_code: ErrorCode,
    /// Error text.
    #[serde(rename = "ResultInfo", default)]
    pub result_info: String,
    /// The account.
    #[serde(rename = "UserID")]
    pub user_id: String,
}

impl AccountResult {
    /// A result for `user_id`.
    pub fn new(user_id: impl Into<String>, code: ErrorCode, info: impl Into<String>) -> Self {
        Self {
            result_code: code,
            result_info: info.into(),
            user_id: user_id.into(),
        }
    }
}

/// The per-account results.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct AccountDeleteResponse {
    /// One result per requested account.
    #[serde(rename = "ResultItem", default)]
    pub results: Vec<AccountResult>,
}

impl AccountDeleteResponse {
    /// A response with these results (used by servers and tests).
    pub fn new(results: Vec<AccountResult>) -> Self {
        Self { results }
    }
}
