//! POST v4/sns/friend_update
//!
//! Updates friend fields. Only `Tag_SNS_IM_Remark`, `Tag_SNS_IM_Group` and `Tag_SNS_Custom_*` are
//! updatable; other tags fail per item.

use tencent_im_core::{im_api, im_item};

use crate::limits::{self, MAX_ITEMS_PER_REQUEST};
use crate::{FriendValue, Tag, TagValue};

/// Updates fields of `From_Account`'s friends.
#[im_api(path = "v4/sns/friend_update", rate = 200, response = crate::ItemResults)]
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct FriendUpdate {
    /// Whose friends.
    #[im(user_id)]
    pub from_account: String,
    /// One entry per friend.
    #[im(rename = "UpdateItem", max_items = MAX_ITEMS_PER_REQUEST, each(nested))]
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
#[im_item]
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct FriendUpdateItem {
    /// The friend.
    #[im(user_id)]
    pub to_account: String,
    /// The fields to set (`SnsItem`).
    #[im(rename = "SnsItem", min_items = 1, each(check = limits::updated_field))]
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
}
