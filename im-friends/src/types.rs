//! Friend fields: [`Tag`], [`FriendValue`], [`TagValue`] and [`Friend`].

use std::borrow::Cow;
use std::fmt;

use serde::de::{self, SeqAccess, Visitor};
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use tencent_im_core::{im_item, ValidationError};

use crate::limits;

/// The name of a friend field, e.g. `Tag_SNS_IM_Remark` or `Tag_SNS_Custom_Test`.
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Tag(Cow<'static, str>);

impl Tag {
    /// `Tag_SNS_IM_Group`: the friend groups (string array).
    pub const GROUP: Tag = Tag(Cow::Borrowed("Tag_SNS_IM_Group"));
    /// `Tag_SNS_IM_Remark`: the remark (string).
    pub const REMARK: Tag = Tag(Cow::Borrowed("Tag_SNS_IM_Remark"));
    /// `Tag_SNS_IM_AddSource`: where the friend was added from (string).
    pub const ADD_SOURCE: Tag = Tag(Cow::Borrowed("Tag_SNS_IM_AddSource"));
    /// `Tag_SNS_IM_AddWording`: the add wording (string).
    pub const ADD_WORDING: Tag = Tag(Cow::Borrowed("Tag_SNS_IM_AddWording"));
    /// `Tag_SNS_IM_AddTime`: when the friendship was made (integer, Unix seconds).
    pub const ADD_TIME: Tag = Tag(Cow::Borrowed("Tag_SNS_IM_AddTime"));

    /// The prefix of custom friend fields.
    pub const CUSTOM_PREFIX: &'static str = "Tag_SNS_Custom_";

    /// A tag taken as given (profile tags, future tags). The server judges it.
    pub fn new(name: impl Into<Cow<'static, str>>) -> Tag {
        Tag(name.into())
    }

    /// `Tag_SNS_Custom_{name}`; `name` must be 1 to 8 ASCII letters.
    pub fn custom(name: &str) -> Result<Tag, ValidationError> {
        if limits::is_custom_name(name) {
            Ok(Tag(Cow::Owned(format!("{}{name}", Self::CUSTOM_PREFIX))))
        } else {
            Err(ValidationError::Invalid {
                field: "Tag".to_owned(),
                reason: format!(
                    "custom field name {name:?} must be 1 to 8 ASCII letters (it follows \
                     `Tag_SNS_Custom_`)"
                ),
            })
        }
    }

    /// The tag's wire name.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// For a valid custom tag, the name after `Tag_SNS_Custom_`.
    pub fn custom_name(&self) -> Option<&str> {
        self.0
            .strip_prefix(Self::CUSTOM_PREFIX)
            .filter(|name| limits::is_custom_name(name))
    }
}

impl fmt::Debug for Tag {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&*self.0, f)
    }
}

impl fmt::Display for Tag {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl PartialEq<str> for Tag {
    fn eq(&self, other: &str) -> bool {
        self.0 == other
    }
}

impl PartialEq<&str> for Tag {
    fn eq(&self, other: &&str) -> bool {
        self.0 == *other
    }
}

/// The value of a friend field: a string, an integer or a list of strings.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum FriendValue {
    /// A string (remark, add source, wording, custom fields).
    String(String),
    /// An integer (add time, integer custom fields on import).
    Integer(i64),
    /// A list of strings (groups).
    Strings(Vec<String>),
}

impl FriendValue {
    /// The string, if this is one.
    pub fn as_str(&self) -> Option<&str> {
        match self {
            FriendValue::String(text) => Some(text),
            _ => None,
        }
    }

    /// The integer, if this is one.
    pub fn as_i64(&self) -> Option<i64> {
        match self {
            FriendValue::Integer(value) => Some(*value),
            _ => None,
        }
    }

    /// The strings, if this is a list.
    pub fn as_strings(&self) -> Option<&[String]> {
        match self {
            FriendValue::Strings(list) => Some(list),
            _ => None,
        }
    }
}

impl From<String> for FriendValue {
    fn from(value: String) -> Self {
        FriendValue::String(value)
    }
}

impl From<&str> for FriendValue {
    fn from(value: &str) -> Self {
        FriendValue::String(value.to_owned())
    }
}

impl From<i64> for FriendValue {
    fn from(value: i64) -> Self {
        FriendValue::Integer(value)
    }
}

impl From<Vec<String>> for FriendValue {
    fn from(value: Vec<String>) -> Self {
        FriendValue::Strings(value)
    }
}

impl Serialize for FriendValue {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            FriendValue::String(text) => serializer.serialize_str(text),
            FriendValue::Integer(value) => serializer.serialize_i64(*value),
            FriendValue::Strings(list) => list.serialize(serializer),
        }
    }
}

impl<'de> Deserialize<'de> for FriendValue {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(FriendValueVisitor)
    }
}

struct FriendValueVisitor;

impl<'de> Visitor<'de> for FriendValueVisitor {
    type Value = FriendValue;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a string, an integer or an array of strings")
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<FriendValue, E> {
        Ok(FriendValue::String(v.to_owned()))
    }

    fn visit_string<E: de::Error>(self, v: String) -> Result<FriendValue, E> {
        Ok(FriendValue::String(v))
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<FriendValue, E> {
        Ok(FriendValue::Integer(v))
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<FriendValue, E> {
        i64::try_from(v)
            .map(FriendValue::Integer)
            .map_err(|_| E::invalid_value(de::Unexpected::Unsigned(v), &"an integer within i64"))
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<FriendValue, A::Error> {
        let mut list = Vec::with_capacity(seq.size_hint().unwrap_or(0).min(64));
        while let Some(item) = seq.next_element::<String>()? {
            list.push(item);
        }
        Ok(FriendValue::Strings(list))
    }
}

/// One friend field: `{"Tag": ..., "Value": ...}` (`ValueItem`, `SnsItem`, `CustomItem`).
#[im_item]
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TagValue {
    /// `Tag`.
    pub tag: Tag,
    /// `Value`.
    pub value: FriendValue,
}

impl TagValue {
    /// A field.
    pub fn new(tag: Tag, value: impl Into<FriendValue>) -> Self {
        Self {
            tag,
            value: value.into(),
        }
    }
}

/// One friend as friend_get returns it (`UserDataItem`): the account and its fields.
#[im_item]
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Friend {
    /// The friend's UserID.
    pub to_account: String,
    /// The friend's fields (`ValueItem`); a category is absent when its sequence was current.
    #[im(rename = "ValueItem")]
    #[serde(default)]
    pub values: Vec<TagValue>,
}

impl Friend {
    /// The value of `tag`, if present.
    pub fn get(&self, tag: &Tag) -> Option<&FriendValue> {
        self.values
            .iter()
            .find(|item| item.tag == *tag)
            .map(|item| &item.value)
    }

    /// `Tag_SNS_IM_Remark`.
    pub fn remark(&self) -> Option<&str> {
        self.get(&Tag::REMARK).and_then(FriendValue::as_str)
    }

    /// `Tag_SNS_IM_Group`; empty when the friend is in no group.
    pub fn groups(&self) -> &[String] {
        self.get(&Tag::GROUP)
            .and_then(FriendValue::as_strings)
            .unwrap_or(&[])
    }

    /// `Tag_SNS_IM_AddSource`.
    pub fn add_source(&self) -> Option<&str> {
        self.get(&Tag::ADD_SOURCE).and_then(FriendValue::as_str)
    }

    /// `Tag_SNS_IM_AddWording`.
    pub fn add_wording(&self) -> Option<&str> {
        self.get(&Tag::ADD_WORDING).and_then(FriendValue::as_str)
    }

    /// `Tag_SNS_IM_AddTime`, Unix seconds.
    pub fn add_time(&self) -> Option<i64> {
        self.get(&Tag::ADD_TIME).and_then(FriendValue::as_i64)
    }

    /// The custom field `Tag_SNS_Custom_{name}`.
    pub fn custom(&self, name: &str) -> Option<&FriendValue> {
        self.values
            .iter()
            .find(|item| item.tag.custom_name() == Some(name))
            .map(|item| &item.value)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_of_every_shape_round_trip() {
        let json = r#"[{"Tag":"a","Value":"x"},{"Tag":"b","Value":-3},{"Tag":"c","Value":["g1","g2"]},{"Tag":"d","Value":[]}]"#;
        let items: Vec<TagValue> = serde_json::from_str(json).unwrap();
        assert_eq!(items[0].value, FriendValue::String("x".into()));
        assert_eq!(items[1].value, FriendValue::Integer(-3));
        assert_eq!(items[2].value.as_strings().unwrap(), ["g1", "g2"]);
        assert_eq!(serde_json::to_string(&items).unwrap(), json);
    }

    #[test]
    fn unsupported_values_are_errors() {
        for bad in ["1.5", "true", "null", "{}", "[1]", "18446744073709551615"] {
            let json = format!(r#"{{"Tag":"a","Value":{bad}}}"#);
            assert!(serde_json::from_str::<TagValue>(&json).is_err(), "{bad}");
        }
    }

    #[test]
    fn custom_tags() {
        let tag = Tag::custom("Test").unwrap();
        assert_eq!(tag, "Tag_SNS_Custom_Test");
        assert_eq!(tag.custom_name(), Some("Test"));
        assert_eq!(Tag::REMARK.custom_name(), None);
        assert!(Tag::custom("").is_err());
        assert!(Tag::custom("Nine9").is_err());
        assert!(Tag::custom("ABCDEFGHI").is_err());
    }
}
