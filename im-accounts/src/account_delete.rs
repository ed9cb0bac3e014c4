//! POST v4/im_open_login_svc/account_delete
//!
//! Deletes up to 100 accounts.

use tencent_im_core::{im_api, im_item, im_response, ErrorCode};

use crate::UserIdItem;

/// Deletes accounts.
#[im_api(path = "v4/im_open_login_svc/account_delete", rate = 100)]
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct AccountDelete {
    /// The accounts, 1 to 100.
    #[im(rename = "DeleteItem", batch, max_items = crate::MAX_ACCOUNTS_PER_REQUEST, each(nested))]
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

/// One account's result: `{ResultCode, ResultInfo, UserID}`.
#[im_item]
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AccountResult {
    /// 0 on success.
    pub result_code: ErrorCode,
    /// Error text.
    #[serde(default)]
    pub result_info: String,
    /// The account.
    pub user_id: String,
}

/// The per-account results.
#[im_response]
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct AccountDeleteResponse {
    /// One result per requested account.
    #[im(rename = "ResultItem", merge)]
    pub results: Vec<AccountResult>,
}
