//! POST v4/follow/follow_check — tells the follow relation between an account and up to 100
//! others.

use std::fmt;

use serde::de::{self, Visitor};
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use tencent_im_core::{im_api, im_item, im_response, ErrorCode};

/// Accounts in one follow_check request.
pub const MAX_CHECK_ACCOUNTS: usize = 100;

/// Checks how `from_account` and each of `to_account` follow each other.
#[im_api(path = "v4/follow/follow_check", rate = 200)]
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct FollowCheck {
    /// Whose relations.
    #[im(user_id)]
    pub from_account: String,
    /// The others, 1 to 100 (more with `call_batched`).
    #[im(batch, max_items = MAX_CHECK_ACCOUNTS, each(user_id))]
    pub to_account: Vec<String>,
}

impl FollowCheck {
    /// Checks each of `to` against `from`.
    pub fn new(from: impl Into<String>, to: impl IntoIterator<Item = impl Into<String>>) -> Self {
        Self {
            from_account: from.into(),
            to_account: to.into_iter().map(Into::into).collect(),
        }
    }
}

/// `FollowType` of a follow_check item: how the two accounts follow each other.
///
/// The documented sample shows integers (`"FollowType": 0`). The values follow follow_get's
/// numbering and the client SDK's `V2TIMFollowType` (0 none, 1 in my fans, 2 in my followings,
/// 3 both); the REST page's own table could not be confirmed, so any other integer, and a
/// numeric string, is accepted and kept in [`FollowRelation::Other`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum FollowRelation {
    /// 0: neither follows the other.
    #[default]
    None,
    /// 1: `To_Account` follows `From_Account` (it is one of its fans), not the other way.
    Fan,
    /// 2: `From_Account` follows `To_Account`, not the other way.
    Following,
    /// 3: each follows the other.
    Mutual,
    /// A value this SDK does not know, kept as sent.
    Other(i64),
}

impl FollowRelation {
    /// The wire value.
    pub fn code(self) -> i64 {
        match self {
            FollowRelation::None => 0,
            FollowRelation::Fan => 1,
            FollowRelation::Following => 2,
            FollowRelation::Mutual => 3,
            FollowRelation::Other(code) => code,
        }
    }

    /// Reads a wire value.
    pub fn from_code(code: i64) -> FollowRelation {
        match code {
            0 => FollowRelation::None,
            1 => FollowRelation::Fan,
            2 => FollowRelation::Following,
            3 => FollowRelation::Mutual,
            other => FollowRelation::Other(other),
        }
    }

    /// The relation of two accounts: whether `from` follows `to`, and whether `to` follows
    /// `from`.
    pub fn of(from_follows: bool, to_follows: bool) -> FollowRelation {
        match (from_follows, to_follows) {
            (true, true) => FollowRelation::Mutual,
            (true, false) => FollowRelation::Following,
            (false, true) => FollowRelation::Fan,
            (false, false) => FollowRelation::None,
        }
    }

    /// Whether `From_Account` follows `To_Account`.
    pub fn follows(self) -> bool {
        matches!(self, FollowRelation::Following | FollowRelation::Mutual)
    }

    /// Whether `To_Account` follows `From_Account`.
    pub fn followed_by(self) -> bool {
        matches!(self, FollowRelation::Fan | FollowRelation::Mutual)
    }
}

impl Serialize for FollowRelation {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_i64(self.code())
    }
}

impl<'de> Deserialize<'de> for FollowRelation {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Code;
        impl Visitor<'_> for Code {
            type Value = FollowRelation;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an integer follow relation (0 to 3)")
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<FollowRelation, E> {
                Ok(FollowRelation::from_code(v))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<FollowRelation, E> {
                i64::try_from(v)
                    .map(FollowRelation::from_code)
                    .map_err(|_| E::invalid_value(de::Unexpected::Unsigned(v), &self))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<FollowRelation, E> {
                v.trim()
                    .parse::<i64>()
                    .map(FollowRelation::from_code)
                    .map_err(|_| E::invalid_value(de::Unexpected::Str(v), &self))
            }
        }
        deserializer.deserialize_any(Code)
    }
}

/// One account's relation (`ResultItem`).
#[im_item]
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct FollowCheckItem {
    /// The other account.
    pub to_account: String,
    /// 0 on success.
    pub result_code: ErrorCode,
    /// Error text, empty on success.
    #[serde(default)]
    pub result_info: String,
    /// The relation; `None` on failed items.
    #[serde(default)]
    pub follow_type: FollowRelation,
}

impl FollowCheckItem {
    /// A checked item as a server answers it.
    pub fn new(to_account: impl Into<String>, follow_type: FollowRelation) -> Self {
        Self {
            to_account: to_account.into(),
            result_code: ErrorCode::OK,
            result_info: String::new(),
            follow_type,
        }
    }

    /// A failed item as a server answers it.
    pub fn failed(to_account: impl Into<String>, code: ErrorCode, info: impl Into<String>) -> Self {
        Self {
            to_account: to_account.into(),
            result_code: code,
            result_info: info.into(),
            follow_type: FollowRelation::None,
        }
    }

    /// Whether the account was checked.
    pub fn is_ok(&self) -> bool {
        self.result_code.is_ok()
    }
}

/// The relations.
#[im_response]
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct FollowCheckResponse {
    /// One item per requested account, in request order.
    #[im(merge)]
    pub result_item: Vec<FollowCheckItem>,
}
