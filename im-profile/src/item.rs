//! Profile fields: [`ProfileTag`], [`ProfileItem`] and the typed values of the standard fields.

use std::borrow::Cow;
use std::fmt;

use serde::de::Error as _;
use serde::ser::SerializeMap;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::Value;
use tencent_im_core::{check, FieldPath, ValidationError};

use crate::limits::{
    MAX_CUSTOM_NAME_BYTES, MAX_IMAGE_BYTES, MAX_LOCATION_BYTES, MAX_NICK_BYTES,
    MAX_SELF_SIGNATURE_BYTES, MAX_STRING_BYTES,
};

/// The name of a profile field, e.g. `Tag_Profile_IM_Nick` or `Tag_Profile_Custom_Hobby`.
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct ProfileTag(Cow<'static, str>);

impl ProfileTag {
    /// `Tag_Profile_IM_Nick`: the nickname (string, at most 500 bytes).
    pub const NICK: ProfileTag = ProfileTag::standard("Tag_Profile_IM_Nick");
    /// `Tag_Profile_IM_Gender`: the gender ([`Gender`]).
    pub const GENDER: ProfileTag = ProfileTag::standard("Tag_Profile_IM_Gender");
    /// `Tag_Profile_IM_BirthDay`: the birthday (uint32, e.g. 20190419).
    pub const BIRTH_DAY: ProfileTag = ProfileTag::standard("Tag_Profile_IM_BirthDay");
    /// `Tag_Profile_IM_Location`: the location (string, at most 16 bytes).
    pub const LOCATION: ProfileTag = ProfileTag::standard("Tag_Profile_IM_Location");
    /// `Tag_Profile_IM_SelfSignature`: the status line (string, at most 500 bytes).
    pub const SELF_SIGNATURE: ProfileTag = ProfileTag::standard("Tag_Profile_IM_SelfSignature");
    /// `Tag_Profile_IM_AllowType`: how friend requests are taken ([`AllowType`]).
    pub const ALLOW_TYPE: ProfileTag = ProfileTag::standard("Tag_Profile_IM_AllowType");
    /// `Tag_Profile_IM_Language`: the language (uint32).
    pub const LANGUAGE: ProfileTag = ProfileTag::standard("Tag_Profile_IM_Language");
    /// `Tag_Profile_IM_Image`: the avatar URL (string, at most 500 bytes).
    pub const IMAGE: ProfileTag = ProfileTag::standard("Tag_Profile_IM_Image");
    /// `Tag_Profile_IM_MsgSettings`: message settings (uint32; bit 0 set: no push notifications).
    pub const MSG_SETTINGS: ProfileTag = ProfileTag::standard("Tag_Profile_IM_MsgSettings");
    /// `Tag_Profile_IM_AdminForbidType`: whether the admin forbids sending friend requests
    /// ([`AdminForbidType`]).
    pub const ADMIN_FORBID_TYPE: ProfileTag =
        ProfileTag::standard("Tag_Profile_IM_AdminForbidType");
    /// `Tag_Profile_IM_Level`: the level (uint32).
    pub const LEVEL: ProfileTag = ProfileTag::standard("Tag_Profile_IM_Level");
    /// `Tag_Profile_IM_Role`: the role (uint32).
    pub const ROLE: ProfileTag = ProfileTag::standard("Tag_Profile_IM_Role");

    /// Every standard tag, in the documented order.
    pub const STANDARD: [ProfileTag; 12] = [
        Self::NICK,
        Self::GENDER,
        Self::BIRTH_DAY,
        Self::LOCATION,
        Self::SELF_SIGNATURE,
        Self::ALLOW_TYPE,
        Self::LANGUAGE,
        Self::IMAGE,
        Self::MSG_SETTINGS,
        Self::ADMIN_FORBID_TYPE,
        Self::LEVEL,
        Self::ROLE,
    ];

    /// The prefix of custom profile fields.
    pub const CUSTOM_PREFIX: &'static str = "Tag_Profile_Custom_";

    const fn standard(name: &'static str) -> ProfileTag {
        ProfileTag(Cow::Borrowed(name))
    }

    /// A tag taken as given (a tag this SDK does not know). It is checked when a request
    /// carrying it is validated: letters, digits and `_` only.
    pub fn new(name: impl Into<Cow<'static, str>>) -> ProfileTag {
        ProfileTag(name.into())
    }

    /// `Tag_Profile_Custom_{name}`; `name` must be 1 to 8 ASCII letters, digits or `_`.
    pub fn custom(name: &str) -> Result<ProfileTag, ValidationError> {
        check_custom_name(name, &FieldPath::ROOT.field("Tag"))?;
        Ok(ProfileTag(Cow::Owned(format!(
            "{}{name}",
            Self::CUSTOM_PREFIX
        ))))
    }

    /// The tag's wire name.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// For a custom tag, the name after `Tag_Profile_Custom_` (valid or not).
    pub fn custom_name(&self) -> Option<&str> {
        self.0.strip_prefix(Self::CUSTOM_PREFIX)
    }
}

impl fmt::Debug for ProfileTag {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&*self.0, f)
    }
}

impl fmt::Display for ProfileTag {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl PartialEq<str> for ProfileTag {
    fn eq(&self, other: &str) -> bool {
        self.0 == other
    }
}

impl PartialEq<&str> for ProfileTag {
    fn eq(&self, other: &&str) -> bool {
        self.0 == *other
    }
}

/// A tag of a request's `TagList`: a known standard tag, a valid custom tag, or any other tag
/// of letters, digits and `_` (the server judges those).
pub fn check_tag(tag: &ProfileTag, at: &FieldPath<'_>) -> Result<(), ValidationError> {
    if let Some(name) = tag.custom_name() {
        return check_custom_name(name, at);
    }
    check_tag_chars(tag.as_str(), at)
}

fn check_tag_chars(tag: &str, at: &FieldPath<'_>) -> Result<(), ValidationError> {
    if !tag.is_empty() && tag.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_') {
        return Ok(());
    }
    Err(ValidationError::Invalid {
        field: at.to_string(),
        reason: format!(
            "tag {tag:?} must be non-empty ASCII letters, digits and `_`, e.g. \
             \"Tag_Profile_IM_Nick\""
        ),
    })
}

fn check_custom_name(name: &str, at: &FieldPath<'_>) -> Result<(), ValidationError> {
    let valid = !name.is_empty()
        && name.len() <= MAX_CUSTOM_NAME_BYTES
        && name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_');
    if valid {
        return Ok(());
    }
    Err(ValidationError::Invalid {
        field: at.to_string(),
        reason: format!(
            "custom profile field name {name:?} must be 1 to 8 ASCII letters, digits or `_` \
             (it follows `Tag_Profile_Custom_`, e.g. \"Tag_Profile_Custom_Hobby\")"
        ),
    })
}

/// Declares a string-valued enum of documented values with a variant keeping any other value.
macro_rules! wire_enum {
    (
        $(#[$meta:meta])*
        $name:ident { $($(#[$doc:meta])* $variant:ident = $wire:literal,)* }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
        pub enum $name {
            $($(#[$doc])* #[serde(rename = $wire)] $variant,)*
            /// A value this SDK does not know, kept as sent. Refused by the checks when sent.
            #[serde(untagged)]
            Other(String),
        }

        impl $name {
            /// The documented values.
            pub const DOCUMENTED: &'static [&'static str] = &[$($wire),*];

            /// The wire value.
            pub fn as_str(&self) -> &str {
                match self {
                    $($name::$variant => $wire,)*
                    $name::Other(value) => value,
                }
            }

            /// Reads a wire value; an undocumented one is kept in `Other`.
            pub fn parse(value: &str) -> Self {
                match value {
                    $($wire => $name::$variant,)*
                    other => $name::Other(other.to_owned()),
                }
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}

wire_enum! {
    /// `Tag_Profile_IM_AllowType`: how an account takes friend requests.
    #[derive(Default)]
    AllowType {
        /// `AllowType_Type_NeedConfirm`, the service's default: a request waits for
        /// confirmation (friend_add answers 30539).
        #[default]
        NeedConfirm = "AllowType_Type_NeedConfirm",
        /// `AllowType_Type_AllowAny`: every request is accepted.
        AllowAny = "AllowType_Type_AllowAny",
        /// `AllowType_Type_DenyAny`: every request is refused (friend_add answers 30516).
        DenyAny = "AllowType_Type_DenyAny",
    }
}

wire_enum! {
    /// `Tag_Profile_IM_AdminForbidType`: whether the app admin forbids the account to send
    /// friend requests.
    #[derive(Default)]
    AdminForbidType {
        /// `AdminForbid_Type_None`, the default: nothing is forbidden.
        #[default]
        None = "AdminForbid_Type_None",
        /// `AdminForbid_Type_SendOut`: the account's friend_add items fail with 30009.
        SendOut = "AdminForbid_Type_SendOut",
    }
}

wire_enum! {
    /// `Tag_Profile_IM_Gender`.
    #[derive(Default)]
    Gender {
        /// `Gender_Type_Unknown`: not set.
        #[default]
        Unknown = "Gender_Type_Unknown",
        /// `Gender_Type_Female`.
        Female = "Gender_Type_Female",
        /// `Gender_Type_Male`.
        Male = "Gender_Type_Male",
    }
}

/// One profile field: `{"Tag": ..., "Value": ...}` (`ProfileItem`).
///
/// The standard fields are typed; custom fields (`Tag_Profile_Custom_*`) carry a string. A field
/// this SDK does not know, or a known one whose value has another type than documented, decodes
/// into [`ProfileItem::Raw`] rather than failing the whole answer.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum ProfileItem {
    /// `Tag_Profile_IM_Nick`: at most 500 bytes.
    Nick(String),
    /// `Tag_Profile_IM_Gender`.
    Gender(Gender),
    /// `Tag_Profile_IM_BirthDay`, e.g. 20190419.
    BirthDay(u32),
    /// `Tag_Profile_IM_Location`: at most 16 bytes.
    Location(String),
    /// `Tag_Profile_IM_SelfSignature`: at most 500 bytes.
    SelfSignature(String),
    /// `Tag_Profile_IM_AllowType`.
    AllowType(AllowType),
    /// `Tag_Profile_IM_Language`.
    Language(u32),
    /// `Tag_Profile_IM_Image`: the avatar URL, at most 500 bytes.
    Image(String),
    /// `Tag_Profile_IM_MsgSettings`: bit 0 set turns push notifications off.
    MsgSettings(u32),
    /// `Tag_Profile_IM_AdminForbidType`.
    AdminForbidType(AdminForbidType),
    /// `Tag_Profile_IM_Level`.
    Level(u32),
    /// `Tag_Profile_IM_Role`.
    Role(u32),
    /// `Tag_Profile_Custom_{name}`: a string of at most 500 bytes.
    Custom {
        /// The name after `Tag_Profile_Custom_`: 1 to 8 ASCII letters, digits or `_`.
        name: String,
        /// The value.
        value: String,
    },
    /// Any other field, as sent: an unknown tag, or a value of an undocumented type.
    Raw {
        /// `Tag`.
        tag: String,
        /// `Value`.
        value: Value,
    },
}

impl ProfileItem {
    /// `Tag_Profile_Custom_{name}` set to `value`; checked when the request is validated.
    pub fn custom(name: impl Into<String>, value: impl Into<String>) -> Self {
        ProfileItem::Custom {
            name: name.into(),
            value: value.into(),
        }
    }

    /// The field's tag.
    pub fn tag(&self) -> ProfileTag {
        match self {
            ProfileItem::Nick(_) => ProfileTag::NICK,
            ProfileItem::Gender(_) => ProfileTag::GENDER,
            ProfileItem::BirthDay(_) => ProfileTag::BIRTH_DAY,
            ProfileItem::Location(_) => ProfileTag::LOCATION,
            ProfileItem::SelfSignature(_) => ProfileTag::SELF_SIGNATURE,
            ProfileItem::AllowType(_) => ProfileTag::ALLOW_TYPE,
            ProfileItem::Language(_) => ProfileTag::LANGUAGE,
            ProfileItem::Image(_) => ProfileTag::IMAGE,
            ProfileItem::MsgSettings(_) => ProfileTag::MSG_SETTINGS,
            ProfileItem::AdminForbidType(_) => ProfileTag::ADMIN_FORBID_TYPE,
            ProfileItem::Level(_) => ProfileTag::LEVEL,
            ProfileItem::Role(_) => ProfileTag::ROLE,
            ProfileItem::Custom { name, .. } => {
                ProfileTag::new(format!("{}{name}", ProfileTag::CUSTOM_PREFIX))
            }
            ProfileItem::Raw { tag, .. } => ProfileTag::new(tag.clone()),
        }
    }

    /// The field's value as JSON.
    pub fn value(&self) -> Value {
        match self {
            ProfileItem::Nick(text)
            | ProfileItem::Location(text)
            | ProfileItem::SelfSignature(text)
            | ProfileItem::Image(text)
            | ProfileItem::Custom { value: text, .. } => Value::from(text.as_str()),
            ProfileItem::Gender(value) => Value::from(value.as_str()),
            ProfileItem::AllowType(value) => Value::from(value.as_str()),
            ProfileItem::AdminForbidType(value) => Value::from(value.as_str()),
            ProfileItem::BirthDay(number)
            | ProfileItem::Language(number)
            | ProfileItem::MsgSettings(number)
            | ProfileItem::Level(number)
            | ProfileItem::Role(number) => Value::from(*number),
            ProfileItem::Raw { value, .. } => value.clone(),
        }
    }

    /// Reads a field from its tag and value. Never fails: what is not a documented field of the
    /// documented type is kept in [`ProfileItem::Raw`].
    pub fn from_parts(tag: String, value: Value) -> Self {
        let typed = match (tag.as_str(), &value) {
            ("Tag_Profile_IM_Nick", Value::String(text)) => Some(ProfileItem::Nick(text.clone())),
            ("Tag_Profile_IM_Gender", Value::String(text)) => {
                Some(ProfileItem::Gender(Gender::parse(text)))
            }
            ("Tag_Profile_IM_Location", Value::String(text)) => {
                Some(ProfileItem::Location(text.clone()))
            }
            ("Tag_Profile_IM_SelfSignature", Value::String(text)) => {
                Some(ProfileItem::SelfSignature(text.clone()))
            }
            ("Tag_Profile_IM_AllowType", Value::String(text)) => {
                Some(ProfileItem::AllowType(AllowType::parse(text)))
            }
            ("Tag_Profile_IM_Image", Value::String(text)) => Some(ProfileItem::Image(text.clone())),
            ("Tag_Profile_IM_AdminForbidType", Value::String(text)) => {
                Some(ProfileItem::AdminForbidType(AdminForbidType::parse(text)))
            }
            ("Tag_Profile_IM_BirthDay", number) => as_u32(number).map(ProfileItem::BirthDay),
            ("Tag_Profile_IM_Language", number) => as_u32(number).map(ProfileItem::Language),
            ("Tag_Profile_IM_MsgSettings", number) => as_u32(number).map(ProfileItem::MsgSettings),
            ("Tag_Profile_IM_Level", number) => as_u32(number).map(ProfileItem::Level),
            ("Tag_Profile_IM_Role", number) => as_u32(number).map(ProfileItem::Role),
            (tag, Value::String(text)) => tag
                .strip_prefix(ProfileTag::CUSTOM_PREFIX)
                .map(|name| ProfileItem::custom(name, text.as_str())),
            _ => None,
        };
        typed.unwrap_or(ProfileItem::Raw { tag, value })
    }
}

fn as_u32(value: &Value) -> Option<u32> {
    value.as_u64().and_then(|number| u32::try_from(number).ok())
}

impl Serialize for ProfileItem {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(2))?;
        map.serialize_entry("Tag", &self.tag())?;
        map.serialize_entry("Value", &self.value())?;
        map.end()
    }
}

impl<'de> Deserialize<'de> for ProfileItem {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        struct Wire {
            #[serde(rename = "Tag")]
            tag: String,
            #[serde(rename = "Value")]
            value: Option<Value>,
        }
        let wire = Wire::deserialize(deserializer)?;
        let value = wire.value.ok_or_else(|| D::Error::missing_field("Value"))?;
        Ok(ProfileItem::from_parts(wire.tag, value))
    }
}

/// The check of one field written by portrait_set: the documented byte limits, a documented
/// value for the enumerated fields, a valid custom name, and for a [`ProfileItem::Raw`] field a
/// tag of letters, digits and `_` with a string (at most 500 bytes) or a non-negative integer.
pub fn check_item(item: &ProfileItem, at: &FieldPath<'_>) -> Result<(), ValidationError> {
    let value_at = at.field("Value");
    match item {
        ProfileItem::Nick(text) => check::max_bytes(text, MAX_NICK_BYTES, &value_at),
        ProfileItem::Location(text) => check::max_bytes(text, MAX_LOCATION_BYTES, &value_at),
        ProfileItem::SelfSignature(text) => {
            check::max_bytes(text, MAX_SELF_SIGNATURE_BYTES, &value_at)
        }
        ProfileItem::Image(text) => check::max_bytes(text, MAX_IMAGE_BYTES, &value_at),
        ProfileItem::Gender(Gender::Other(value)) => {
            undocumented(value, Gender::DOCUMENTED, &value_at)
        }
        ProfileItem::AllowType(AllowType::Other(value)) => {
            undocumented(value, AllowType::DOCUMENTED, &value_at)
        }
        ProfileItem::AdminForbidType(AdminForbidType::Other(value)) => {
            undocumented(value, AdminForbidType::DOCUMENTED, &value_at)
        }
        ProfileItem::Custom { name, value } => {
            check_custom_name(name, &at.field("Tag"))?;
            check::max_bytes(value, MAX_STRING_BYTES, &value_at)
        }
        ProfileItem::Raw { tag, value } => {
            let tag_at = at.field("Tag");
            match tag.strip_prefix(ProfileTag::CUSTOM_PREFIX) {
                Some(name) => check_custom_name(name, &tag_at)?,
                None => check_tag_chars(tag, &tag_at)?,
            }
            if ProfileTag::STANDARD
                .iter()
                .any(|known| known == tag.as_str())
            {
                return Err(ValidationError::Invalid {
                    field: value_at.to_string(),
                    reason: format!(
                        "{tag} does not take {value}: use the typed ProfileItem variant for it"
                    ),
                });
            }
            match value {
                Value::String(text) => check::max_bytes(text, MAX_STRING_BYTES, &value_at),
                Value::Number(number) if number.is_u64() => Ok(()),
                other => Err(ValidationError::Invalid {
                    field: value_at.to_string(),
                    reason: format!(
                        "a profile value is a string or a non-negative integer, not {other}"
                    ),
                }),
            }
        }
        ProfileItem::Gender(_)
        | ProfileItem::AllowType(_)
        | ProfileItem::AdminForbidType(_)
        | ProfileItem::BirthDay(_)
        | ProfileItem::Language(_)
        | ProfileItem::MsgSettings(_)
        | ProfileItem::Level(_)
        | ProfileItem::Role(_) => Ok(()),
    }
}

fn undocumented(
    value: &str,
    documented: &[&str],
    at: &FieldPath<'_>,
) -> Result<(), ValidationError> {
    Err(ValidationError::Invalid {
        field: at.to_string(),
        reason: format!(
            "{value:?} is not a documented value; use one of {}",
            documented.join(", ")
        ),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_standard_field_round_trips_typed() {
        let items = [
            ProfileItem::Nick("n".into()),
            ProfileItem::Gender(Gender::Female),
            ProfileItem::BirthDay(20190419),
            ProfileItem::Location("loc".into()),
            ProfileItem::SelfSignature("sig".into()),
            ProfileItem::AllowType(AllowType::DenyAny),
            ProfileItem::Language(2),
            ProfileItem::Image("https://example.com/a.png".into()),
            ProfileItem::MsgSettings(1),
            ProfileItem::AdminForbidType(AdminForbidType::SendOut),
            ProfileItem::Level(7),
            ProfileItem::Role(3),
            ProfileItem::custom("Test", "x"),
        ];
        for item in items {
            let json = serde_json::to_string(&item).unwrap();
            let back: ProfileItem = serde_json::from_str(&json).unwrap();
            assert_eq!(back, item, "{json}");
        }
    }

    #[test]
    fn unknown_tags_and_mistyped_values_decode_raw() {
        for json in [
            r#"{"Tag":"Tag_Profile_IM_Future","Value":"x"}"#,
            r#"{"Tag":"Tag_Profile_IM_Nick","Value":5}"#,
            r#"{"Tag":"Tag_Profile_IM_Level","Value":"high"}"#,
            r#"{"Tag":"Tag_Profile_IM_Level","Value":4294967296}"#,
            r#"{"Tag":"Tag_Profile_Custom_Num","Value":12}"#,
        ] {
            let item: ProfileItem = serde_json::from_str(json).unwrap();
            assert!(matches!(item, ProfileItem::Raw { .. }), "{json}: {item:?}");
            assert_eq!(serde_json::to_string(&item).unwrap(), json);
        }
        let odd: ProfileItem = serde_json::from_str(
            r#"{"Tag":"Tag_Profile_IM_AllowType","Value":"AllowType_Type_Maybe"}"#,
        )
        .unwrap();
        assert_eq!(
            odd,
            ProfileItem::AllowType(AllowType::Other("AllowType_Type_Maybe".into()))
        );
        assert!(serde_json::from_str::<ProfileItem>(r#"{"Tag":"Tag_Profile_IM_Nick"}"#).is_err());
    }

    #[test]
    fn custom_tags_are_checked() {
        assert_eq!(
            ProfileTag::custom("Hobby").unwrap(),
            "Tag_Profile_Custom_Hobby"
        );
        for bad in ["", "NineChars", "sp ace", "é"] {
            assert!(ProfileTag::custom(bad).is_err(), "{bad:?}");
            let err = check_item(&ProfileItem::custom(bad, "v"), &FieldPath::ROOT).unwrap_err();
            assert_eq!(err.field(), "Tag");
        }
        let long = ProfileItem::custom("Ok", "x".repeat(501));
        assert!(matches!(
            check_item(&long, &FieldPath::ROOT),
            Err(ValidationError::TooLong { max: 500, .. })
        ));
    }
}
