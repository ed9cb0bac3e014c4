//! POST v4/sns/friend_update
//!
//! Updates friend fields. Only `Tag_SNS_IM_Remark`, `Tag_SNS_IM_Group` and `Tag_SNS_Custom_*` are
//! updatable; other tags fail per item.

use tencent_im_core::{check, im_api, Validate, ValidationError};
use serde::{Deserialize, Serialize};

use crate::limits::{self, MAX_ITEMS_PER_REQUEST};
use crate::{FriendValue, Tag, TagValue};

/// Updates fields of `From_Account`'s friends.
#[im_api(path = "v4/sns/friend_update", rate = 200, response = crate::ItemResults)]
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct FriendUpdate {
    /// Whose friends.
    #[serde(rename = "From_Account")]
    pub from_account: String,
    /// One entry per friend.
    #[serde(rename = "UpdateItem")]
    pub items: Vec<FriendUpdateItem>,
}

/// The answer of friend_update.
pub type FriendUpdateResponse = crate::ItemResults;

impl FriendUpdate {
    /// Updates `items` of `from_account`.
    pub fn new(from_account: impl Into<String>, items: Vec<FriendUpdateItem>) -> Self {
        Self {
            from_account: from_account.into(),
            items,
        }
    }
}

/// The new field values of one friend (`UpdateItem`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct FriendUpdateItem {
    /// The friend.
    #[serde(rename = "To_Account")]
    pub to_account: String,
    /// The fields to set (`SnsItem`).
    #[serde(rename = "SnsItem")]
    pub fields: Vec<TagValue>,
}

impl FriendUpdateItem {
    /// An update of `to_account` with no fields yet.
    pub fn new(to_account: impl Into<String>) -> Self {
        Self {
            to_account: to_account.into(),
            fields: Vec::new(),
        }
    }

    /// Sets the remark.
    pub fn remark(mut self, remark: impl Into<String>) -> Self {
        self.fields.push(TagValue::new(Tag::REMARK, remark.into()));
        self
    }

    /// Sets the friend groups (replacing the current ones).
    pub fn groups<I: IntoIterator<Item = S>, S: Into<String>>(mut self, groups: I) -> Self {
        let groups: Vec<String> = groups.into_iter().map(Into::into).collect();
        self.fields.push(TagValue::new(Tag::GROUP, groups));
        self
    }

    /// Sets any field, e.g. a custom one built with [`Tag::custom`].
    pub fn field(mut self, tag: Tag, value: impl Into<FriendValue>) -> Self {
        self.fields.push(TagValue::new(tag, value));
        self
    }

    /// Checks this item as entry `index` of a request: a valid UserID, at least one field, and
    /// only updatable fields with valid values.
    pub fn check(&self, index: usize) -> Result<(), ValidationError> {
        let field = |name: &str| format!("UpdateItem[{index}].{name}");
        check::user_id(|| field("To_Account"), &self.to_account)?;
        if self.fields.is_empty() {
            return Err(ValidationError::EmptyList {
                field: field("SnsItem"),
            });
        }
        for (n, tv) in self.fields.iter().enumerate() {
            let at = || field(&format!("SnsItem[{n}]"));
            if tv.tag == Tag::REMARK {
                match tv.value.as_str() {
                    Some(remark) => {
                        limits::check_remark(|| format!("{}.Value", at()), Some(remark))?
                    }
                    None => return Err(not_a(at(), "a remark is a string")),
                }
            } else if tv.tag == Tag::GROUP {
                match tv.value.as_strings() {
                    Some(groups) => {
                        limits::check_group_names(|| format!("{}.Value", at()), groups)?
                    }
                    None => return Err(not_a(at(), "groups are an array of strings")),
                }
            } else if tv.tag.custom_name().is_some() {
                limits::check_custom_item(at, tv)?;
            } else {
                return Err(ValidationError::Invalid {
                    field: format!("{}.Tag", at()),
                    reason: format!(
                        "{:?} cannot be updated: only Tag_SNS_IM_Remark, Tag_SNS_IM_Group and \
                         Tag_SNS_Custom_* can",
                        tv.tag.as_str()
                    ),
                });
            }
        }
        Ok(())
    }
}

impl Validate for FriendUpdate {
    fn validate(&self) -> Result<(), ValidationError> {
        check::user_id(|| "From_Account", &self.from_account)?;
        check::count("UpdateItem", self.items.len(), MAX_ITEMS_PER_REQUEST)?;
        for (index, item) in self.items.iter().enumerate() {
            item.check(index)?;
        }
        Ok(())
    }
}

fn not_a(field: String, reason: &str) -> ValidationError {
    ValidationError::Invalid {
        field: format!("{field}.Value"),
        reason: reason.to_owned(),
    }
}
