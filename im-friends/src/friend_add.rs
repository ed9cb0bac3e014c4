//! POST v4/sns/friend_add
//!
//! Adds friends, one way or both ways, at most 1000 per request. A target whose `AllowType` is
//! `AllowType_Type_NeedConfirm` answers 30539 (pending) unless `ForceAddFlags` is 1.

use std::fmt;

use serde::de::{self, Visitor};
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use tencent_im_core::{im_api, im_item};

use crate::limits::{self, MAX_ADD_WORDING_BYTES, MAX_ITEMS_PER_REQUEST, MAX_REMARK_BYTES};

/// Adds friends for `From_Account`.
#[im_api(path = "v4/sns/friend_add", rate = 200)]
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct FriendAdd {
    /// The account adding friends.
    #[im(user_id)]
    pub from_account: String,
    /// The friends, 1 to 1000.
    #[im(rename = "AddFriendItem", batch, max_items = MAX_ITEMS_PER_REQUEST, each(nested))]
    pub items: Vec<FriendAddItem>,
    /// One way or both ways; the service's default is both.
    pub add_type: Option<AddType>,
    /// Whether an admin forces the add past the target's confirmation setting.
    pub force_add_flags: Option<ForceAddFlag>,
}

impl FriendAdd {
    /// A request adding `items` for `from_account` (both ways, not forced: the service defaults).
    #[inline]
    pub fn new(from_account: impl Into<String>, items: Vec<FriendAddItem>) -> Self {
        Self {
            from_account: from_account.into(),
            items,
            add_type: None,
            force_add_flags: None,
        }
    }

    /// Sets `AddType`.
    #[inline]
    pub fn add_type(mut self, add_type: AddType) -> Self {
        self.add_type = Some(add_type);
        self
    }

    /// Sets `ForceAddFlags` to 1 (`true`) or 0 (`false`).
    #[inline]
    pub fn force_add(mut self, force: bool) -> Self {
        self.force_add_flags = Some(if force {
            ForceAddFlag::Force
        } else {
            ForceAddFlag::Normal
        });
        self
    }
}

/// One friend to add (`AddFriendItem`).
#[im_item]
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct FriendAddItem {
    /// The friend.
    #[im(user_id)]
    pub to_account: String,
    /// Remark, at most 96 bytes.
    #[im(max_bytes = MAX_REMARK_BYTES)]
    pub remark: Option<String>,
    /// One friend group (a single string here, unlike friend_import).
    #[im(rename = "GroupName", check = limits::group_name)]
    pub group: Option<String>,
    /// `AddSource_Type_` + 1 to 8 letters. Always sent (one document calls it optional).
    #[serde(default)]
    #[im(check = limits::add_source)]
    pub add_source: String,
    /// Add wording.
    #[im(max_bytes = MAX_ADD_WORDING_BYTES)]
    pub add_wording: Option<String>,
}

impl FriendAddItem {
    /// A friend with its add source, e.g. `"AddSource_Type_Android"`.
    #[inline]
    pub fn new(to_account: impl Into<String>, add_source: impl Into<String>) -> Self {
        Self {
            to_account: to_account.into(),
            remark: None,
            group: None,
            add_source: add_source.into(),
            add_wording: None,
        }
    }

    /// Sets the remark.
    #[inline]
    pub fn remark(mut self, remark: impl Into<String>) -> Self {
        self.remark = Some(remark.into());
        self
    }

    /// Sets the friend group.
    #[inline]
    pub fn group(mut self, name: impl Into<String>) -> Self {
        self.group = Some(name.into());
        self
    }

    /// Sets the add wording.
    #[inline]
    pub fn add_wording(mut self, wording: impl Into<String>) -> Self {
        self.add_wording = Some(wording.into());
        self
    }
}

/// `AddType`: one way or both ways.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub enum AddType {
    /// `Add_Type_Single`: only `From_Account` gets the friend.
    #[serde(rename = "Add_Type_Single")]
    Single,
    /// `Add_Type_Both` (the service default): both get each other.
    #[default]
    #[serde(rename = "Add_Type_Both")]
    Both,
}

/// `ForceAddFlags`: 1 forces the add; 0 (or 2, in one community SDK) is a normal add.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum ForceAddFlag {
    /// 0: a normal add that respects the target's `AllowType`. Decoded from 0 and 2.
    #[default]
    Normal,
    /// 1: an admin add that skips confirmation.
    Force,
}

impl Serialize for ForceAddFlag {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_u8(match self {
            ForceAddFlag::Normal => 0,
            ForceAddFlag::Force => 1,
        })
    }
}

impl<'de> Deserialize<'de> for ForceAddFlag {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct FlagVisitor;
        impl Visitor<'_> for FlagVisitor {
            type Value = ForceAddFlag;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("0, 1 or 2")
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<ForceAddFlag, E> {
                match v {
                    1 => Ok(ForceAddFlag::Force),
                    0 | 2 => Ok(ForceAddFlag::Normal),
                    _ => Err(E::invalid_value(de::Unexpected::Unsigned(v), &self)),
                }
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<ForceAddFlag, E> {
                u64::try_from(v)
                    .map_err(|_| E::invalid_value(de::Unexpected::Signed(v), &self))
                    .and_then(|v| self.visit_u64(v))
            }
        }
        deserializer.deserialize_u64(FlagVisitor)
    }
}

/// The outcome of a friend_add: one [`ResultItem`] per friend; 30539 means the request awaits the
/// target's confirmation ([`ItemResults::pending`]).
pub type FriendAddResponse = crate::ItemResults;
