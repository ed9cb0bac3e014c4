//! POST v4/profile/portrait_get — reads profile fields of up to 100 accounts.

use tencent_im_core::{im_api, im_item, im_response, ErrorCode};

use crate::limits::MAX_ACCOUNTS_PER_GET;
use crate::{ProfileItem, ProfileTag};

/// Reads the fields `tag_list` of each account of `to_account`.
#[im_api(path = "v4/profile/portrait_get", rate = 200)]
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct PortraitGet {
    /// Whose profiles, 1 to 100 (more with `call_batched`).
    #[im(batch, max_items = MAX_ACCOUNTS_PER_GET, each(user_id))]
    pub to_account: Vec<String>,
    /// Which fields, at least one: standard (`Tag_Profile_IM_*`) or custom
    /// (`Tag_Profile_Custom_*`).
    #[im(min_items = 1, each(check = crate::item::check_tag))]
    pub tag_list: Vec<ProfileTag>,
}

impl PortraitGet {
    /// Reads `tags` of each of `to`.
    pub fn new(
        to: impl IntoIterator<Item = impl Into<String>>,
        tags: impl IntoIterator<Item = ProfileTag>,
    ) -> Self {
        Self {
            to_account: to.into_iter().map(Into::into).collect(),
            tag_list: tags.into_iter().collect(),
        }
    }
}

/// One account's profile (`UserProfileItem`).
#[im_item]
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct UserProfile {
    /// The account.
    pub to_account: String,
    /// Its fields among those asked for.
    #[serde(default)]
    pub profile_item: Vec<ProfileItem>,
    /// 0 when the account's profile was read.
    pub result_code: ErrorCode,
    /// Why it was not, empty on success.
    #[serde(default)]
    pub result_info: String,
}

impl UserProfile {
    /// A profile as a server answers it.
    pub fn new(to_account: impl Into<String>, profile_item: Vec<ProfileItem>) -> Self {
        Self {
            to_account: to_account.into(),
            profile_item,
            result_code: ErrorCode::OK,
            result_info: String::new(),
        }
    }

    /// A failed item as a server answers it.
    pub fn failed(to_account: impl Into<String>, code: ErrorCode, info: impl Into<String>) -> Self {
        Self {
            to_account: to_account.into(),
            profile_item: Vec::new(),
            result_code: code,
            result_info: info.into(),
        }
    }

    /// Whether the profile was read.
    pub fn is_ok(&self) -> bool {
        self.result_code.is_ok()
    }

    /// The first field with `tag`.
    pub fn get(&self, tag: &ProfileTag) -> Option<&ProfileItem> {
        self.profile_item.iter().find(|item| item.tag() == *tag)
    }
}

/// The profiles read.
#[im_response]
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct PortraitGetResponse {
    /// One item per requested account, in request order.
    #[im(merge)]
    pub user_profile_item: Vec<UserProfile>,
    /// Accounts whose profile could not be read.
    #[im(rename = "Fail_Account", merge)]
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub fail_account: Vec<String>,
}
