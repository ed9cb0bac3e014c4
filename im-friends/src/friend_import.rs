//! POST v4/sns/friend_import
//!
//! Imports one-way friends in batches of at most 1000. Send one account's batches in order:
//! concurrent writes for the same `From_Account` fail with 30008.

use tencent_im_core::{check, im_api, ResultItem, Validate, ValidationError};
use serde::{Deserialize, Serialize};

use crate::limits::{self, MAX_ITEMS_PER_REQUEST};
use crate::TagValue;

/// Imports friends of `From_Account`, one way (the friends do not get `From_Account` back).
#[im_api(path = "v4/sns/friend_import", rate = 200)]
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct FriendImport {
    /// The account the friends are imported for.
    #[serde(rename = "From_Account")]
    pub from_account: String,
    /// The friends, 1 to 1000.
    #[serde(rename = "AddFriendItem")]
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
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct FriendImportItem {
    /// The friend.
    #[serde(rename = "To_Account")]
    pub to_account: String,
    /// Remark, at most 96 bytes.
    #[serde(rename = "Remark", default, skip_serializing_if = "Option::is_none")]
    pub remark: Option<String>,
    /// When the remark was set, Unix seconds.
    #[serde(
        rename = "RemarkTime",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub remark_time: Option<i64>,
    /// Friend groups (an array here, unlike friend_add).
    #[serde(rename = "GroupName", default, skip_serializing_if = "Vec::is_empty")]
    pub groups: Vec<String>,
    /// `AddSource_Type_` + 1 to 8 letters; required.
    #[serde(rename = "AddSource", default)]
    pub add_source: String,
    /// Add wording.
    #[serde(
        rename = "AddWording",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub add_wording: Option<String>,
    /// When the friendship was made, Unix seconds.
    #[serde(rename = "AddTime", default, skip_serializing_if = "Option::is_none")]
    pub add_time: Option<i64>,
    /// Custom friend fields (`Tag_SNS_Custom_*`), string or integer values.
    #[serde(rename = "CustomItem", default, skip_serializing_if = "Vec::is_empty")]
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

    /// Checks this item as entry `index` of a request (the index goes into the field name).
    pub fn check(&self, index: usize) -> Result<(), ValidationError> {
        let field = |name: &str| format!("AddFriendItem[{index}].{name}");
        check::user_id(|| field("To_Account"), &self.to_account)?;
        limits::check_add_source(|| field("AddSource"), &self.add_source)?;
        limits::check_remark(|| field("Remark"), self.remark.as_deref())?;
        limits::check_group_names(|| field("GroupName"), &self.groups)?;
        limits::check_add_wording(|| field("AddWording"), self.add_wording.as_deref())?;
        for (n, item) in self.custom.iter().enumerate() {
            limits::check_custom_item(|| field(&format!("CustomItem[{n}]")), item)?;
        }
        Ok(())
    }
}

impl Validate for FriendImport {
    fn validate(&self) -> Result<(), ValidationError> {
        check::user_id(|| "From_Account", &self.from_account)?;
        check::count("AddFriendItem", self.items.len(), MAX_ITEMS_PER_REQUEST)?;
        for (index, item) in self.items.iter().enumerate() {
            item.check(index)?;
        }
        Ok(())
    }
}

/// The outcome of a friend_import: one [`ResultItem`] per friend.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct FriendImportResponse {
    /// Per-friend results.
    #[serde(rename = "ResultItem", default)]
    pub results: Vec<ResultItem>,
    /// Friends that failed; present only when one did.
    #[serde(
        rename = "Fail_Account",
        default,
        skip_serializing_if = "Vec::is_empty"
    )]
    pub fail_accounts: Vec<String>,
    /// Friends of another SDKAppID; present only when there are some.
    #[serde(
        rename = "Invalid_Account",
        default,
        skip_serializing_if = "Vec::is_empty"
    )]
    pub invalid_accounts: Vec<String>,
}

impl FriendImportResponse {
    /// A response with these results (used by servers and tests).
    #[inline]
    pub fn new(
        results: Vec<ResultItem>,
        fail_accounts: Vec<String>,
        invalid_accounts: Vec<String>,
    ) -> Self {
        Self {
            results,
            fail_accounts,
            invalid_accounts,
        }
    }

    /// Items with `ResultCode == 0`.
    pub fn succeeded(&self) -> impl Iterator<Item = &ResultItem> {
        self.results.iter().filter(|item| item.is_ok())
    }

    /// Items with a non-zero `ResultCode`.
    pub fn failed(&self) -> impl Iterator<Item = &ResultItem> {
        self.results.iter().filter(|item| !item.is_ok())
    }
}
