//! POST v4/follow/follow_delete — unfollows accounts, at most 20 per request.

use tencent_im_core::im_api;

use crate::MAX_ACCOUNTS_PER_REQUEST;

/// Makes `from_account` stop following each of `to_account`.
#[im_api(path = "v4/follow/follow_delete", rate = 200, response = crate::FollowResults)]
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct FollowDelete {
    /// Who unfollows.
    #[im(user_id)]
    pub from_account: String,
    /// Whom, 1 to 20 (more with `call_batched`).
    #[im(batch, max_items = MAX_ACCOUNTS_PER_REQUEST, each(user_id))]
    pub to_account: Vec<String>,
}

impl FollowDelete {
    /// `from` unfollows each of `to`.
    pub fn new(from: impl Into<String>, to: impl IntoIterator<Item = impl Into<String>>) -> Self {
        let to_account = to.into_iter().map(Into::into).collect();
        Self {
            from_account: from.into(),
            to_account,
        }
    }
}
