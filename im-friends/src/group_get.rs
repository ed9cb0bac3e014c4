//! POST v4/sns/group_get
//!
//! Lists a user's friend groups, optionally with their members.

use tencent_im_core::{check, im_api, Validate, ValidationError};
use serde::{Deserialize, Serialize};

use crate::limits;

/// Lists groups of `From_Account`.
#[im_api(path = "v4/sns/group_get", rate = 200)]
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct GroupGet {
    /// Whose groups.
    #[serde(rename = "From_Account")]
    pub from_account: String,
    /// `Need_Friend_Type_Yes` to list each group's members.
    #[serde(rename = "NeedFriend")]
    pub need_friend: Option<NeedFriend>,
    /// Only these groups (all when empty).
    #[serde(rename = "GroupName", default, skip_serializing_if = "Vec::is_empty")]
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

impl Validate for GroupGet {
    fn validate(&self) -> Result<(), ValidationError> {
        check::user_id(|| "From_Account", &self.from_account)?;
        limits::check_group_names(|| "GroupName", &self.group_names)
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
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct GroupInfo {
    /// The group's name.
    #[serde(rename = "GroupName")]
    pub name: String,
    /// How many friends it holds.
    #[serde(rename = "FriendNumber", default)]
    pub friend_number: u64,
    /// Its members, when asked for.
    #[serde(
        rename = "To_Account",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub to_accounts: Option<Vec<String>>,
}

impl GroupInfo {
    /// A group (used by servers and tests).
    pub fn new(
        name: impl Into<String>,
        friend_number: u64,
        to_accounts: Option<Vec<String>>,
    ) -> Self {
        Self {
            name: name.into(),
            friend_number,
            to_accounts,
        }
    }
}

/// The groups.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct GroupGetResponse {
    /// The groups.
    #[serde(rename = "ResultItem", default)]
    pub groups: Vec<GroupInfo>,
    /// The groups' sequence.
    #[serde(rename = "CurrentSequence", default)]
    pub current_sequence: u64,
}

impl GroupGetResponse {
    /// A response (used by servers and tests).
    pub fn new(groups: Vec<GroupInfo>, current_sequence: u64) -> Self {
        Self {
            groups,
            current_sequence,
        }
    }
}
