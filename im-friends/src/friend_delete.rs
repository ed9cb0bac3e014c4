//! POST v4/sns/friend_delete — deletes some of a user's friends, one way (the default) or both
//! ways. A non-friend fails per item with 31704.

use serde::{Deserialize, Serialize};
use tencent_im_core::im_api;

use crate::limits::MAX_ITEMS_PER_REQUEST;

/// Deletes `to_accounts` from `from_account`'s friends.
#[im_api(path = "v4/sns/friend_delete", rate = 200, response = crate::ItemResults)]
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct FriendDelete {
    /// Whose friends.
    #[im(user_id)]
    pub from_account: String,
    /// The friends to delete, 1 to 1000 (more with `call_batched`).
    #[im(rename = "To_Account", batch, max_items = MAX_ITEMS_PER_REQUEST, each(user_id))]
    pub to_accounts: Vec<String>,
    /// One way (the default) or both ways.
    pub delete_type: Option<DeleteType>,
}

/// The answer of friend_delete.
pub type FriendDeleteResponse = crate::ItemResults;

impl FriendDelete {
    /// Deletes `to_accounts` from `from_account`'s friends (one way).
    pub fn new(from: impl Into<String>, to: impl IntoIterator<Item = impl Into<String>>) -> Self {
        let to_accounts = to.into_iter().map(Into::into).collect();
        let (from_account, delete_type) = (from.into(), None);
        Self {
            from_account,
            to_accounts,
            delete_type,
        }
    }

    /// Sets `DeleteType`.
    pub fn delete_type(self, delete_type: DeleteType) -> Self {
        Self {
            delete_type: Some(delete_type),
            ..self
        }
    }
}

/// `DeleteType`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub enum DeleteType {
    /// `Delete_Type_Single` (the default): only `From_Account` loses the friend.
    #[default]
    #[serde(rename = "Delete_Type_Single")]
    Single,
    /// `Delete_Type_Both`: both lose each other.
    #[serde(rename = "Delete_Type_Both")]
    Both,
}
