//! POST v4/im_open_login_svc/account_check
//!
//! Tells, for up to 100 UserIDs, whether each has been imported.

use serde::{Deserialize, Serialize};
use tencent_im_core::{im_api, im_item, im_response, ErrorCode};

use crate::UserIdItem;

/// Checks whether accounts are imported.
#[im_api(path = "v4/im_open_login_svc/account_check", rate = 100)]
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct AccountCheck {
    /// The accounts, 1 to 100.
    #[im(rename = "CheckItem", batch, max_items = crate::MAX_ACCOUNTS_PER_REQUEST, each(nested))]
    pub items: Vec<UserIdItem>,
}

impl AccountCheck {
    /// Checks `user_ids`.
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

/// `AccountStatus`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum AccountStatus {
    /// `Imported`.
    Imported,
    /// `NotImported`.
    NotImported,
    /// A status this SDK does not know yet, kept as sent.
    #[serde(untagged)]
    Other(String),
}

/// One account's check result.
#[im_item]
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AccountCheckResult {
    /// The account.
    pub user_id: String,
    /// 0 when the check itself succeeded.
    pub result_code: ErrorCode,
    /// Error text.
    #[serde(default)]
    pub result_info: String,
    /// Whether it is imported; absent when the check failed.
    #[im(rename = "AccountStatus")]
    pub status: Option<AccountStatus>,
}

impl AccountCheckResult {
    /// Imported, according to a successful check.
    pub fn is_imported(&self) -> bool {
        self.result_code.is_ok() && self.status == Some(AccountStatus::Imported)
    }
}

/// The per-account results.
#[im_response]
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct AccountCheckResponse {
    /// One result per requested account.
    #[im(rename = "ResultItem", merge)]
    pub results: Vec<AccountCheckResult>,
}
