//! Documented limits of the relationship chain, and the checks built on them.

use std::fmt;

use tencent_im_core::{check, ValidationError};

use crate::{FriendValue, TagValue};

/// Items in one friend_import / friend_add / friend_delete / friend_check / black_list_* request.
pub const MAX_ITEMS_PER_REQUEST: usize = 1000;
/// Friends one user may have.
pub const MAX_FRIENDS: usize = 3000;
/// Friend groups one user may have.
pub const MAX_GROUPS: usize = 32;
/// Bytes of a friend group name.
pub const MAX_GROUP_NAME_BYTES: usize = 30;
/// Bytes of a remark (`Tag_SNS_IM_Remark`).
pub const MAX_REMARK_BYTES: usize = 96;
/// Bytes of an add wording (`Tag_SNS_IM_AddWording`). Sources say 256 or 120; the larger is
/// enforced here and the server judges the rest.
pub const MAX_ADD_WORDING_BYTES: usize = 256;
/// Bytes of the keyword after `AddSource_Type_`.
pub const MAX_ADD_SOURCE_KEYWORD_BYTES: usize = 8;
/// Bytes of a custom field's name after `Tag_SNS_Custom_`.
pub const MAX_CUSTOM_NAME_BYTES: usize = 8;
/// Bytes of a custom field's value.
pub const MAX_CUSTOM_VALUE_BYTES: usize = 500;
/// Blocklist entries one user may have.
pub const MAX_BLOCKLIST: usize = 1000;

/// The prefix every `AddSource` carries.
pub const ADD_SOURCE_PREFIX: &str = "AddSource_Type_";

/// `AddSource_Type_` followed by 1 to 8 ASCII letters.
#[inline]
pub fn check_add_source(
    field: impl FnOnce() -> String,
    value: &str,
) -> Result<(), ValidationError> {
    let bytes = value.as_bytes();
    let prefix = ADD_SOURCE_PREFIX.as_bytes();
    let valid = bytes.len() > prefix.len()
        && bytes.len() - prefix.len() <= MAX_ADD_SOURCE_KEYWORD_BYTES
        && bytes.starts_with(prefix)
        && bytes[prefix.len()..].iter().all(u8::is_ascii_alphabetic);
    if valid {
        Ok(())
    } else {
        Err(ValidationError::Invalid {
            field: field(),
            reason: format!(
                "{value:?} is not `AddSource_Type_` followed by 1 to 8 letters, e.g. \
                 \"AddSource_Type_Android\""
            ),
        })
    }
}

/// A friend group name: non-empty, at most 30 bytes.
pub fn check_group_name(field: impl Fn() -> String, name: &str) -> Result<(), ValidationError> {
    if name.is_empty() {
        return Err(ValidationError::Invalid {
            field: field(),
            reason: "a friend group name must not be empty".to_owned(),
        });
    }
    check::max_bytes(field, name, MAX_GROUP_NAME_BYTES)
}

/// A list of group names: at most 32, each valid. `field` is only called on failure.
#[inline]
pub fn check_group_names<F: fmt::Display>(
    field: impl Fn() -> F,
    names: &[String],
) -> Result<(), ValidationError> {
    if names.len() > MAX_GROUPS {
        return Err(ValidationError::TooManyItems {
            field: field().to_string(),
            len: names.len(),
            max: MAX_GROUPS,
        });
    }
    for (index, name) in names.iter().enumerate() {
        check_group_name(|| format!("{}[{index}]", field()), name)?;
    }
    Ok(())
}

/// A custom friend field written by a request: a `Tag_SNS_Custom_*` tag with a string of at most
/// 500 bytes or an integer.
pub fn check_custom_item(
    field: impl Fn() -> String,
    item: &TagValue,
) -> Result<(), ValidationError> {
    if item.tag.custom_name().is_none() {
        return Err(ValidationError::Invalid {
            field: format!("{}.Tag", field()),
            reason: format!(
                "{:?} is not a custom friend field: use `Tag_SNS_Custom_` followed by 1 to 8 \
                 letters (Tag::custom builds one)",
                item.tag.as_str()
            ),
        });
    }
    match &item.value {
        FriendValue::String(text) => check::max_bytes(
            || format!("{}.Value", field()),
            text,
            MAX_CUSTOM_VALUE_BYTES,
        ),
        FriendValue::Integer(_) => Ok(()),
        FriendValue::Strings(_) => Err(ValidationError::Invalid {
            field: format!("{}.Value", field()),
            reason: "a custom friend field holds a string or an integer, not a list".to_owned(),
        }),
    }
}

/// A tag name of a custom field: 1 to 8 ASCII letters.
pub(crate) fn is_custom_name(name: &str) -> bool {
    !name.is_empty()
        && name.len() <= MAX_CUSTOM_NAME_BYTES
        && name.bytes().all(|b| b.is_ascii_alphabetic())
}

/// An optional remark: at most 96 bytes.
#[inline]
pub fn check_remark(
    field: impl FnOnce() -> String,
    remark: Option<&str>,
) -> Result<(), ValidationError> {
    match remark {
        Some(remark) => check::max_bytes(field, remark, MAX_REMARK_BYTES),
        None => Ok(()),
    }
}

/// An optional add wording: at most 256 bytes.
#[inline]
pub fn check_add_wording(
    field: impl FnOnce() -> String,
    wording: Option<&str>,
) -> Result<(), ValidationError> {
    match wording {
        Some(wording) => check::max_bytes(field, wording, MAX_ADD_WORDING_BYTES),
        None => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn add_source_format() {
        for ok in [
            "AddSource_Type_Android",
            "AddSource_Type_XXXXXXXX",
            "AddSource_Type_a",
        ] {
            assert!(check_add_source(|| "AddSource".into(), ok).is_ok(), "{ok}");
        }
        for bad in [
            "",
            "Android",
            "AddSource_Type_",
            "AddSource_Type_ABCDEFGHI",
            "AddSource_Type_Web2",
            "AddSource_Type_We b",
            "addsource_type_Web",
        ] {
            let err = check_add_source(|| "AddFriendItem[0].AddSource".into(), bad).unwrap_err();
            assert_eq!(err.field(), "AddFriendItem[0].AddSource", "{bad}");
        }
    }

    #[test]
    fn group_names() {
        assert!(check_group_names(|| "GroupName", &["Friends".into()]).is_ok());
        assert!(check_group_names(|| "GroupName", &[String::new()]).is_err());
        assert!(check_group_names(|| "GroupName", &["x".repeat(31)]).is_err());
        let many: Vec<String> = (0..33).map(|i| format!("g{i}")).collect();
        assert!(matches!(
            check_group_names(|| "GroupName", &many),
            Err(ValidationError::TooManyItems { max: 32, .. })
        ));
    }
}
