//! POST v4/sns/group_add
//!
//! Creates friend groups, optionally putting friends into them. At most 32 groups per user
//! (30011); an account that is not a friend fails per item with 32216.

use tencent_im_core::{im_api, im_response, ResultItem};

use crate::limits::{self, MAX_GROUPS};

/// Creates groups of `From_Account`.
#[im_api(path = "v4/sns/group_add", rate = 200)]
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct GroupAdd {
    /// Whose groups.
    #[im(user_id)]
    pub from_account: String,
    /// The new groups.
    #[im(rename = "GroupName", max_items = MAX_GROUPS, each(check = limits::group_name))]
    pub group_names: Vec<String>,
    /// Friends to put into every new group.
    #[im(rename = "To_Account", each(user_id))]
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub to_accounts: Vec<String>,
}

impl GroupAdd {
    /// Creates `group_names` for `from_account`.
    pub fn new(
        from_account: impl Into<String>,
        group_names: impl IntoIterator<Item = impl Into<String>>,
    ) -> Self {
        Self {
            from_account: from_account.into(),
            group_names: group_names.into_iter().map(Into::into).collect(),
            to_accounts: Vec::new(),
        }
    }

    /// Puts these friends into the new groups.
    pub fn with_friends<I, S>(mut self, to_accounts: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.to_accounts = to_accounts.into_iter().map(Into::into).collect();
        self
    }
}

/// The answer of group_add.
#[im_response]
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct GroupAddResponse {
    /// Per-friend results of putting friends into the groups.
    #[im(rename = "ResultItem")]
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub results: Vec<ResultItem>,
    /// Friends that could not be put in.
    #[im(rename = "Fail_Account")]
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub fail_accounts: Vec<String>,
    /// The groups' sequence after the change.
    #[serde(default)]
    pub current_sequence: u64,
}
