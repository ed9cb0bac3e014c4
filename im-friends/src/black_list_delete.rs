//! POST v4/sns/black_list_delete
//!
//! Removes accounts from a blocklist, at most 1000 per request.

use tencent_im_core::im_api;

use crate::limits::MAX_ITEMS_PER_REQUEST;

/// Removes `To_Account`s from `From_Account`'s blocklist.
#[im_api(path = "v4/sns/black_list_delete", rate = 200, response = crate::ItemResults)]
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct BlackListDelete {
    /// Whose blocklist.
    #[im(user_id)]
    pub from_account: String,
    /// The accounts to unblock, 1 to 1000.
    #[im(rename = "To_Account", batch, max_items = MAX_ITEMS_PER_REQUEST, each(user_id))]
    pub to_accounts: Vec<String>,
}

/// The answer of black_list_delete.
pub type BlackListDeleteResponse = crate::ItemResults;

impl BlackListDelete {
    /// Unblocks `to_accounts` for `from_account`.
    pub fn new(
        from_account: impl Into<String>,
        to_accounts: impl IntoIterator<Item = impl Into<String>>,
    ) -> Self {
        Self {
            from_account: from_account.into(),
            to_accounts: to_accounts.into_iter().map(Into::into).collect(),
        }
    }
}
