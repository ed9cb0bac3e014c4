//! POST v4/sns/friend_delete_all
//!
//! Deletes all of a user's friends.

use tencent_im_core::im_api;

use crate::DeleteType;

/// Deletes all friends of `From_Account`.
#[im_api(path = "v4/sns/friend_delete_all", rate = 200, response = tencent_im_core::Empty)]
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct FriendDeleteAll {
    /// Whose friends.
    #[im(user_id)]
    pub from_account: String,
    /// One way (the default) or both ways.
    pub delete_type: Option<DeleteType>,
}

/// friend_delete_all returns only the envelope.
pub type FriendDeleteAllResponse = tencent_im_core::Empty;

impl FriendDeleteAll {
    /// Deletes all of `from_account`'s friends (one way).
    pub fn new(from_account: impl Into<String>) -> Self {
        Self {
            from_account: from_account.into(),
            delete_type: None,
        }
    }

    /// Sets `DeleteType`.
    pub fn delete_type(mut self, delete_type: DeleteType) -> Self {
        self.delete_type = Some(delete_type);
        self
    }
}
