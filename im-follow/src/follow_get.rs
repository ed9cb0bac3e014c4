//! POST v4/follow/follow_get — pulls one page of an account's fans, followings or mutual
//! follows. Start with an empty `StartCursor`; continue with the page's `NextCursor` until it
//! is empty ([`crate::paging`] does this for you).

use std::fmt;

use serde::de::{self, Visitor};
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use tencent_im_core::{im_api, im_item, im_response, FieldPath, ValidationError};
use tencent_im_profile::ProfileItem;

/// `WantNum` when none is given.
pub const DEFAULT_WANT_NUM: u32 = 100;
/// The most entries one page may ask for.
pub const MAX_WANT_NUM: u32 = 1000;

/// Pulls one page of `from_account`'s list of kind `follow_type`.
#[im_api(path = "v4/follow/follow_get", rate = 200)]
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct FollowGet {
    /// Whose list.
    #[im(user_id)]
    pub from_account: String,
    /// Which list.
    pub follow_type: FollowType,
    /// Where the page starts: empty for the first page, then the previous page's `NextCursor`.
    pub start_cursor: String,
    /// How many entries, 1 to 1000 (100 by default).
    #[im(check = want_num)]
    pub want_num: u32,
}

impl FollowGet {
    /// The first page of `from`'s list of kind `follow_type`, 100 entries at most.
    pub fn new(from: impl Into<String>, follow_type: FollowType) -> Self {
        Self {
            from_account: from.into(),
            follow_type,
            start_cursor: String::new(),
            want_num: DEFAULT_WANT_NUM,
        }
    }

    /// Starts the page at `cursor` (a previous page's `NextCursor`).
    pub fn start_cursor(mut self, cursor: impl Into<String>) -> Self {
        self.start_cursor = cursor.into();
        self
    }

    /// Asks for `want_num` entries, 1 to 1000.
    pub fn want_num(mut self, want_num: u32) -> Self {
        self.want_num = want_num;
        self
    }
}

/// `WantNum`: 1 to [`MAX_WANT_NUM`].
pub fn want_num(value: &u32, at: &FieldPath<'_>) -> Result<(), ValidationError> {
    if (1..=MAX_WANT_NUM).contains(value) {
        return Ok(());
    }
    Err(ValidationError::Invalid {
        field: at.to_string(),
        reason: format!("{value} entries asked for; a page holds 1 to {MAX_WANT_NUM}"),
    })
}

/// `FollowType` of follow_get: which list to pull (sent as the integer).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum FollowType {
    /// 1: the accounts following `From_Account` (its fans).
    Fans,
    /// 2: the accounts `From_Account` follows.
    Following,
    /// 3: the accounts following `From_Account` that it follows back.
    Mutual,
}

impl FollowType {
    /// The wire value.
    pub fn code(self) -> u8 {
        match self {
            FollowType::Fans => 1,
            FollowType::Following => 2,
            FollowType::Mutual => 3,
        }
    }

    /// Reads a wire value.
    pub fn from_code(code: u64) -> Option<FollowType> {
        match code {
            1 => Some(FollowType::Fans),
            2 => Some(FollowType::Following),
            3 => Some(FollowType::Mutual),
            _ => None,
        }
    }
}

impl Serialize for FollowType {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_u8(self.code())
    }
}

impl<'de> Deserialize<'de> for FollowType {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Code;
        impl Visitor<'_> for Code {
            type Value = FollowType;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("1 (fans), 2 (following) or 3 (mutual)")
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<FollowType, E> {
                FollowType::from_code(v)
                    .ok_or_else(|| E::invalid_value(de::Unexpected::Unsigned(v), &self))
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<FollowType, E> {
                u64::try_from(v)
                    .ok()
                    .and_then(FollowType::from_code)
                    .ok_or_else(|| E::invalid_value(de::Unexpected::Signed(v), &self))
            }
        }
        deserializer.deserialize_u64(Code)
    }
}

/// One entry of a follow list (`FollowItem`).
#[im_item]
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct FollowEntry {
    /// The other account.
    pub to_account: String,
    /// When the follow started, Unix seconds.
    #[serde(default)]
    pub follow_time: i64,
    /// The other account's profile fields the app exposes.
    #[serde(default)]
    pub profile_item: Vec<ProfileItem>,
}

impl FollowEntry {
    /// An entry as a server answers it.
    pub fn new(
        to_account: impl Into<String>,
        follow_time: i64,
        profile_item: Vec<ProfileItem>,
    ) -> Self {
        Self {
            to_account: to_account.into(),
            follow_time,
            profile_item,
        }
    }
}

/// One page of a follow list.
#[im_response]
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct FollowGetResponse {
    /// The entries of this page.
    pub follow_item: Vec<FollowEntry>,
    /// Where the next page starts; empty after the last page.
    #[serde(default)]
    pub next_cursor: String,
}

impl FollowGetResponse {
    /// Whether this is the last page.
    pub fn is_last(&self) -> bool {
        self.next_cursor.is_empty()
    }

    /// The request for the next page, or `None` after the last one.
    pub fn next_page(&self, request: &FollowGet) -> Option<FollowGet> {
        (!self.is_last()).then(|| request.clone().start_cursor(self.next_cursor.clone()))
    }
}
