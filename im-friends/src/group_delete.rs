//! POST v4/sns/group_delete
//!
//! Deletes friend groups (the friends stay friends).

use tencent_im_core::{im_api, im_response};

use crate::limits::{self, MAX_GROUPS};

/// Deletes groups of `From_Account`.
#[im_api(path = "v4/sns/group_delete", rate = 200)]
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct GroupDelete {
    /// Whose groups.
    #[im(user_id)]
    pub from_account: String,
    /// The groups to delete.
    #[im(rename = "GroupName", max_items = MAX_GROUPS, each(check = limits::group_name))]
    pub group_names: Vec<String>,
}

impl GroupDelete {
    /// Deletes `group_names` of `from_account`.
    pub fn new(
        from_account: impl Into<String>,
        group_names: impl IntoIterator<Item = impl Into<String>>,
    ) -> Self {
        Self {
            from_account: from_account.into(),
            group_names: group_names.into_iter().map(Into::into).collect(),
        }
    }
}

/// The answer of group_delete.
#[im_response]
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct GroupDeleteResponse {
    /// The groups' sequence after the change.
    #[serde(default)]
    pub current_sequence: u64,
}
