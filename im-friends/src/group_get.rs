//! POST v4/sns/group_get
//!
//! Lists a user's friend groups, optionally with their members.

use serde::{Deserialize, Serialize};
use tencent_im_core::{im_api, im_item, im_response};

use crate::limits;

/// Lists groups of `From_Account`.
#[im_api(path = "v4/sns/group_get", rate = 200)]
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct GroupGet {
    /// Whose groups.
    #[im(user_id)]
    pub from_account: String,
    /// `Need_Friend_Type_Yes` to list each group's members.
    pub need_friend: Option<NeedFriend>,
    /// Only these groups (all when empty).
    #[im(rename = "GroupName", check = limits::group_names)]
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub group_names: Vec<String>,
}

impl GroupGet {
    /// Lists all groups of `from_account`, without members.
    pub fn new(from_account: impl Into<String>) -> Self {
        Self {
            from_account: from_account.into(),
            need_friend: None,
            group_names: Vec::new(),
        }
    }

    /// Asks for each group's members.
    pub fn with_friends(mut self) -> Self {
        self.need_friend = Some(NeedFriend::Yes);
        self
    }

    /// Only these groups.
    pub fn groups<I: IntoIterator<Item = S>, S: Into<String>>(mut self, names: I) -> Self {
        self.group_names = names.into_iter().map(Into::into).collect();
        self
    }
}

/// `NeedFriend`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum NeedFriend {
    /// `Need_Friend_Type_Yes`.
    #[serde(rename = "Need_Friend_Type_Yes")]
    Yes,
}

/// One group (`ResultItem` of group_get).
#[im_item]
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GroupInfo {
    /// The group's name.
    #[im(rename = "GroupName")]
    pub name: String,
    /// How many friends it holds.
    #[serde(default)]
    pub friend_number: u64,
    /// Its members, when asked for.
    #[im(rename = "To_Account")]
    pub to_accounts: Option<Vec<String>>,
}

/// The groups.
#[im_response]
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct GroupGetResponse {
    /// The groups.
    #[im(rename = "ResultItem")]
    pub groups: Vec<GroupInfo>,
    /// The groups' sequence.
    #[serde(default)]
    pub current_sequence: u64,
}
