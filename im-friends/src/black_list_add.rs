//! POST v4/sns/black_list_add
//!
//! Blocklists accounts, at most 1000 per request. Blocking removes the friendship both ways and
//! refuses friend requests both ways; a full blocklist (1000) fails per item with 30013.

use tencent_im_core::im_api;

use crate::limits::MAX_ITEMS_PER_REQUEST;

/// Adds `To_Account`s to `From_Account`'s blocklist.
#[im_api(path = "v4/sns/black_list_add", rate = 200, response = crate::ItemResults)]
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct BlackListAdd {
    /// Whose blocklist.
    #[im(user_id)]
    pub from_account: String,
    /// The accounts to block, 1 to 1000.
    #[im(rename = "To_Account", batch, max_items = MAX_ITEMS_PER_REQUEST, each(user_id))]
    pub to_accounts: Vec<String>,
}

/// The answer of black_list_add.
pub type BlackListAddResponse = crate::ItemResults;

impl BlackListAdd {
    /// Blocks `to_accounts` for `from_account`.
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
