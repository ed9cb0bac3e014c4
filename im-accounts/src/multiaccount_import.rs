//! POST v4/im_open_login_svc/multiaccount_import
//!
//! Imports up to 100 accounts in one request.

use tencent_im_core::{im_api, im_response};

use crate::MAX_ACCOUNTS_PER_REQUEST;

/// Imports up to 100 accounts.
#[im_api(path = "v4/im_open_login_svc/multiaccount_import", rate = 100)]
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct MultiaccountImport {
    /// The UserIDs, 1 to 100.
    #[im(batch, max_items = MAX_ACCOUNTS_PER_REQUEST, each(user_id))]
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

/// The accounts that could not be imported.
#[im_response]
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct MultiaccountImportResponse {
    /// UserIDs that failed; empty when all were imported.
    #[im(merge)]
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub fail_accounts: Vec<String>,
}
