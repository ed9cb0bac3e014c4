//! POST v4/sns/friend_import
//!
//! Imports one-way friends in batches of at most 1000. Send one account's batches in order:
//! concurrent writes for the same `From_Account` fail with 30008.

use tencent_im_core::{im_api, im_item, im_response, ResultItem};

use crate::limits::{self, MAX_ADD_WORDING_BYTES, MAX_ITEMS_PER_REQUEST, MAX_REMARK_BYTES};
use crate::TagValue;

/// Imports friends of `From_Account`, one way (the friends do not get `From_Account` back).
#[im_api(path = "v4/sns/friend_import", rate = 200)]
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct FriendImport {
    /// The account the friends are imported for.
    #[im(user_id)]
    pub from_account: String,
    /// The friends, 1 to 1000.
    #[im(rename = "AddFriendItem", batch, max_items = MAX_ITEMS_PER_REQUEST, each(nested))]
    pub items: Vec<FriendImportItem>,
}

impl FriendImport {
    /// A request importing `items` for `from_account`.
    #[inline]
    pub fn new(from_account: impl Into<String>, items: Vec<FriendImportItem>) -> Self {
        Self {
            from_account: from_account.into(),
            items,
        }
    }
}

/// One friend to import (`AddFriendItem`).
#[im_item]
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct FriendImportItem {
    /// The friend.
    #[im(user_id)]
    pub to_account: String,
    /// Remark, at most 96 bytes.
    #[im(max_bytes = MAX_REMARK_BYTES)]
    pub remark: Option<String>,
    /// When the remark was set, Unix seconds.
    pub remark_time: Option<i64>,
    /// Friend groups (an array here, unlike friend_add).
    #[im(rename = "GroupName", check = limits::group_names)]
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub groups: Vec<String>,
    /// `AddSource_Type_` + 1 to 8 letters; required.
    #[serde(default)]
    #[im(check = limits::add_source)]
    pub add_source: String,
    /// Add wording.
    #[im(max_bytes = MAX_ADD_WORDING_BYTES)]
    pub add_wording: Option<String>,
    /// When the friendship was made, Unix seconds.
    pub add_time: Option<i64>,
    /// Custom friend fields (`Tag_SNS_Custom_*`), string or integer values.
    #[im(rename = "CustomItem", each(check = limits::custom_item))]
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub custom: Vec<TagValue>,
}

impl FriendImportItem {
    /// A friend with its required add source, e.g. `"AddSource_Type_Android"`.
    #[inline]
    pub fn new(to_account: impl Into<String>, add_source: impl Into<String>) -> Self {
        Self {
            to_account: to_account.into(),
            remark: None,
            remark_time: None,
            groups: Vec::new(),
            add_source: add_source.into(),
            add_wording: None,
            add_time: None,
            custom: Vec::new(),
        }
    }

    /// Sets the remark.
    #[inline]
    pub fn remark(mut self, remark: impl Into<String>) -> Self {
        self.remark = Some(remark.into());
        self
    }

    /// Sets when the remark was made.
    #[inline]
    pub fn remark_time(mut self, unix_seconds: i64) -> Self {
        self.remark_time = Some(unix_seconds);
        self
    }

    /// Adds a friend group.
    #[inline]
    pub fn group(mut self, name: impl Into<String>) -> Self {
        self.groups.push(name.into());
        self
    }

    /// Sets the add wording.
    #[inline]
    pub fn add_wording(mut self, wording: impl Into<String>) -> Self {
        self.add_wording = Some(wording.into());
        self
    }

    /// Sets when the friendship was made.
    #[inline]
    pub fn add_time(mut self, unix_seconds: i64) -> Self {
        self.add_time = Some(unix_seconds);
        self
    }

    /// Adds a custom field (build the tag with [`crate::Tag::custom`]).
    #[inline]
    pub fn custom(mut self, item: TagValue) -> Self {
        self.custom.push(item);
        self
    }
}

/// The outcome of a friend_import: one [`ResultItem`] per friend.
#[im_response]
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct FriendImportResponse {
    /// Per-friend results.
    #[im(rename = "ResultItem", merge)]
    pub results: Vec<ResultItem>,
    /// Friends that failed; present only when one did.
    #[im(rename = "Fail_Account", merge)]
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub fail_accounts: Vec<String>,
    /// Friends of another SDKAppID; present only when there are some.
    #[im(rename = "Invalid_Account", merge)]
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub invalid_accounts: Vec<String>,
}

impl FriendImportResponse {
    /// Items with `ResultCode == 0`.
    pub fn succeeded(&self) -> impl Iterator<Item = &ResultItem> {
        self.results.iter().filter(|item| item.is_ok())
    }

    /// Items with a non-zero `ResultCode`.
    pub fn failed(&self) -> impl Iterator<Item = &ResultItem> {
        self.results.iter().filter(|item| !item.is_ok())
    }
}
