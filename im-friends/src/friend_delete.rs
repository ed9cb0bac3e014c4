//! POST v4/sns/friend_delete
//!
//! Deletes friends, one way (default) or both ways, at most 1000 per request. A non-friend fails
//! per item with 31704.

use tencent_im_core::{check, im_api, Validate, ValidationError};
use serde::{Deserialize, Serialize};

use crate::limits::MAX_ITEMS_PER_REQUEST;

/// Deletes friends of `From_Account`.
#[im_api(path = "v4/sns/friend_delete", rate = 200, response = crate::ItemResults)]
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct FriendDelete {
    /// Whose friends.
    #[serde(rename = "From_Account")]
    pub from_account: String,
    /// The friends to delete, 1 to 1000.
    #[serde(rename = "To_Account")]
    pub to_accounts: Vec<String>,
    /// One way (the default) or both ways.
    #[serde(rename = "DeleteType")]
    pub delete_type: Option<DeleteType>,
}

/// The answer of friend_delete.
pub type FriendDeleteResponse = crate::ItemResults;

impl FriendDelete {
    /// Deletes `to_accounts` from `from_account`'s friends (one way).
    pub fn new<I, S>(from_account: impl Into<String>, to_accounts: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        Self {
            from_account: from_account.into(),
            to_accounts: to_accounts.into_iter().map(Into::into).collect(),
            delete_type: None,
        }
    }

    /// Sets `DeleteType`.
    pub fn delete_type(mut self, delete_type: DeleteType) -> Self {
        self.delete_type = Some(delete_type);
        self
    }
}

impl Validate for FriendDelete {
    fn validate(&self) -> Result<(), ValidationError> {
        check::user_id(|| "From_Account", &self.from_account)?;
        check::user_ids("To_Account", &self.to_accounts, MAX_ITEMS_PER_REQUEST)
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
