//! POST v4/follow/follow_add — follows accounts, at most 20 per request.

use tencent_im_core::{im_api, im_item};

use crate::MAX_ACCOUNTS_PER_REQUEST;

/// Makes `from_account` follow each account of `follow_item`.
#[im_api(path = "v4/follow/follow_add", rate = 200, response = crate::FollowResults)]
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct FollowAdd {
    /// Who follows.
    #[im(user_id)]
    pub from_account: String,
    /// Whom, 1 to 20 (more with `call_batched`).
    #[im(batch, max_items = MAX_ACCOUNTS_PER_REQUEST, each(nested))]
    pub follow_item: Vec<FollowItem>,
}

/// One account to follow (`FollowItem`).
#[im_item]
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct FollowItem {
    /// The account.
    #[im(user_id)]
    pub to_account: String,
}

impl FollowAdd {
    /// `from` follows each of `to`.
    pub fn new(from: impl Into<String>, to: impl IntoIterator<Item = impl Into<String>>) -> Self {
        let follow_item = to.into_iter().map(|to| FollowItem {
            to_account: to.into(),
        });
        Self {
            from_account: from.into(),
            follow_item: follow_item.collect(),
        }
    }
}
