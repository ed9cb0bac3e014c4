//! POST v4/sns/friend_get_list
//!
//! Pulls chosen fields (friend fields and profile fields) of chosen friends.

use tencent_im_core::{im_api, im_item, im_response, ErrorCode};

use crate::{Tag, TagValue};

/// Recommended maximum of `To_Account` per request.
pub const RECOMMENDED_MAX_ACCOUNTS: usize = 100;

/// Pulls `TagList` fields of `To_Account` friends of `From_Account`.
#[im_api(path = "v4/sns/friend_get_list", rate = 200)]
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct FriendGetList {
    /// Whose friends.
    #[im(user_id)]
    pub from_account: String,
    /// The friends (100 recommended at most).
    #[im(rename = "To_Account", min_items = 1, each(user_id))]
    pub to_accounts: Vec<String>,
    /// The fields: `Tag_Profile_IM_*`, `Tag_Profile_Custom_*`, `Tag_SNS_IM_*`, `Tag_SNS_Custom_*`.
    #[im(rename = "TagList", min_items = 1, each(check = crate::limits::readable_tag))]
    pub tags: Vec<Tag>,
}

impl FriendGetList {
    /// Pulls `tags` of `to_accounts`.
    pub fn new(
        from_account: impl Into<String>,
        to_accounts: impl IntoIterator<Item = impl Into<String>>,
        tags: Vec<Tag>,
    ) -> Self {
        Self {
            from_account: from_account.into(),
            to_accounts: to_accounts.into_iter().map(Into::into).collect(),
            tags,
        }
    }
}

/// One friend's requested fields (`InfoItem`).
#[im_item]
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FriendInfo {
    /// The friend.
    pub to_account: String,
    /// The fields found (`SnsProfileItem`).
    #[im(rename = "SnsProfileItem")]
    #[serde(default)]
    pub fields: Vec<TagValue>,
    /// 0 on success.
    pub result_code: ErrorCode,
    /// Error text.
    #[serde(default)]
    pub result_info: String,
}

impl FriendInfo {
    /// The value of `tag`, if returned.
    pub fn get(&self, tag: &Tag) -> Option<&crate::FriendValue> {
        self.fields.iter().find(|f| f.tag == *tag).map(|f| &f.value)
    }
}

/// The requested fields.
#[im_response]
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct FriendGetListResponse {
    /// One item per requested friend.
    #[im(rename = "InfoItem")]
    pub items: Vec<FriendInfo>,
    /// Friends that failed.
    #[im(rename = "Fail_Account")]
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub fail_accounts: Vec<String>,
}
