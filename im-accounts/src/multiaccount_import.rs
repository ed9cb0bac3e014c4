//! POST v4/im_open_login_svc/multiaccount_import
//!
//! Imports up to 100 accounts in one request.

use tencent_im_core::{check, im_api, Validate, ValidationError};
use serde::{Deserialize, Serialize};

use crate::MAX_ACCOUNTS_PER_REQUEST;

/// Imports up to 100 accounts.
#[im_api(path = "v4/im_open_login_svc/multiaccount_import", rate = 100)]
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct MultiaccountImport {
    /// The UserIDs, 1 to 100.
    #[serde(rename = "Accounts")]
    pub accounts: Vec<String>,
}

impl MultiaccountImport {
    /// Imports `accounts`.
    pub fn new<I, S>(accounts: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        Self {
            accounts: accounts.into_iter().map(Into::into).collect(),
        }
    }
}

impl Validate for MultiaccountImport {
    fn validate(&self) -> Result<(), ValidationError> {
        check::user_ids("Accounts", &self.accounts, MAX_ACCOUNTS_PER_REQUEST)
    }
}

/// The accounts that could not be imported.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct MultiaccountImportResponse {
    /// UserIDs that failed; empty when all were imported.
    #[serde(
        rename = "FailAccounts",
        default,
        skip_serializing_if = "Vec::is_empty"
    )]
    pub fail_accounts: Vec<String>,
}

impl MultiaccountImportResponse {
    /// A response listing `fail_accounts` (used by servers and tests).
    pub fn new(fail_accounts: Vec<String>) -> Self {
        Self { fail_accounts }
    }
}
