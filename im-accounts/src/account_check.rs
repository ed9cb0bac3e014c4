//! POST v4/im_open_login_svc/account_check
//!
//! Tells, for up to 100 UserIDs, whether each has been imported.

use tencent_im_core::{im_api, ErrorCode, Validate, ValidationError};
use serde::{Deserialize, Serialize};

use crate::UserIdItem;

/// Checks whether accounts are imported.
#[im_api(path = "v4/im_open_login_svc/account_check", rate = 100)]
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct AccountCheck {
    /// The accounts, 1 to 100.
    #[serde(rename = "CheckItem")]
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

impl Validate for AccountCheck {
    fn validate(&self) -> Result<(), ValidationError> {
        crate::check_items("CheckItem", &self.items)
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
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct AccountCheckResult {
    /// The account.
    #[serde(rename = "UserID")]
    pub user_id: String,
    /// 0 when the check itself succeeded.
    #[serde(rename = "ResultCode")]
    pub result_code: ErrorCode,
    /// Error text.
    #[serde(rename = "ResultInfo", default)]
    pub result_info: String,
    /// Whether it is imported; absent when the check failed.
    #[serde(
        rename = "AccountStatus",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub status: Option<AccountStatus>,
}

impl AccountCheckResult {
    /// A successful check result.
    pub fn new(user_id: impl Into<String>, status: AccountStatus) -> Self {
        Self {
            user_id: user_id.into(),
            result_code: ErrorCode::OK,
            result_info: String::new(),
            status: Some(status),
        }
    }

    /// Imported, according to a successful check.
    pub fn is_imported(&self) -> bool {
        self.result_code.is_ok() && self.status == Some(AccountStatus::Imported)
    }
}

/// The per-account results.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct AccountCheckResponse {
    /// One result per requested account.
    #[serde(rename = "ResultItem", default)]
    pub results: Vec<AccountCheckResult>,
}

impl AccountCheckResponse {
    /// A response with these results (used by servers and tests).
    pub fn new(results: Vec<AccountCheckResult>) -> Self {
        Self { results }
    }
}
