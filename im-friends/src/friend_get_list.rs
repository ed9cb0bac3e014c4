//! POST v4/sns/friend_get_list
//!
//! Pulls chosen fields (friend fields and profile fields) of chosen friends.

use tencent_im_core::{check, im_api, ErrorCode, Validate, ValidationError};
use serde::{Deserialize, Serialize};

use crate::{Tag, TagValue};

/// Recommended maximum of `To_Account` per request.
pub const RECOMMENDED_MAX_ACCOUNTS: usize = 100;

/// Pulls `TagList` fields of `To_Account` friends of `From_Account`.
#[im_api(path = "v4/sns/friend_get_list", rate = 200)]
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct FriendGetList {
    /// Whose friends.
    #[serde(rename = "From_Account")]
    pub from_account: String,
    /// The friends (100 recommended at most).
    #[serde(rename = "To_Account")]
    pub to_accounts: Vec<String>,
    /// The fields: `Tag_Profile_IM_*`, `Tag_Profile_Custom_*`, `Tag_SNS_IM_*`, `Tag_SNS_Custom_*`.
    #[serde(rename = "TagList")]
    pub tags: Vec<Tag>,
}

impl FriendGetList {
    /// Pulls `tags` of `to_accounts`.
    pub fn new<I, S>(from_account: impl Into<String>, to_accounts: I, tags: Vec<Tag>) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        Self {
            from_account: from_account.into(),
            to_accounts: to_accounts.into_iter().map(Into::into).collect(),
            tags,
        }
    }
}

const TAG_PREFIXES: [&str; 4] = [
    "Tag_Profile_IM_",
    "Tag_Profile_Custom_",
    "Tag_SNS_IM_",
    "Tag_SNS_Custom_",
];

impl Validate for FriendGetList {
    fn validate(&self) -> Result<(), ValidationError> {
        check::user_id(|| "From_Account", &self.from_account)?;
        check::user_ids("To_Account", &self.to_accounts, usize::MAX)?;
        check::count("TagList", self.tags.len(), usize::MAX)?;
        for (index, tag) in self.tags.iter().enumerate() {
            let name = tag.as_str();
            let valid = TAG_PREFIXES
                .iter()
                .any(|p| name.len() > p.len() && name.starts_with(p))
                && name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_');
            if !valid {
                return Err(ValidationError::Invalid {
                    field: format!("TagList[{index}]"),
                    reason: format!(
                        "{name:?} is not a profile or friend tag: it must start with one of \
                         Tag_Profile_IM_, Tag_Profile_Custom_, Tag_SNS_IM_, Tag_SNS_Custom_ and use \
                         only letters, digits and '_'"
                    ),
                });
            }
        }
        Ok(())
    }
}

/// One friend's requested fields (`InfoItem`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct FriendInfo {
    /// The friend.
    #[serde(rename = "To_Account")]
    pub to_account: String,
    /// The fields found (`SnsProfileItem`).
    #[serde(rename = "SnsProfileItem", default)]
    pub fields: Vec<TagValue>,
    /// 0 on success.
    #[serde(rename = "ResultCode")]
    pub result_code: ErrorCode,
    /// Error text.
    #[serde(rename = "ResultInfo", default)]
    pub result_info: String,
}

impl FriendInfo {
    /// An item (used by servers and tests).
    pub fn new(
        to_account: impl Into<String>,
        fields: Vec<TagValue>,
        code: ErrorCode,
        info: impl Into<String>,
    ) -> Self {
        Self {
            to_account: to_account.into(),
            fields,
            result_code: code,
            result_info: info.into(),
        }
    }

    /// The value of `tag`, if returned.
    pub fn get(&self, tag: &Tag) -> Option<&crate::FriendValue> {
        self.fields.iter().find(|f| f.tag == *tag).map(|f| &f.value)
    }
}

/// The requested fields.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct FriendGetListResponse {
    /// One item per requested friend.
    #[serde(rename = "InfoItem", default)]
    pub items: Vec<FriendInfo>,
    /// Friends that failed.
    #[serde(
        rename = "Fail_Account",
        default,
        skip_serializing_if = "Vec::is_empty"
    )]
    pub fail_accounts: Vec<String>,
}

impl FriendGetListResponse {
    /// A response (used by servers and tests); `Fail_Account` is derived from the items.
    pub fn new(items: Vec<FriendInfo>) -> Self {
        let fail_accounts = crate::results::failed_by(&items, |i| (i.result_code, &i.to_account));
        Self {
            items,
            fail_accounts,
        }
    }
}
