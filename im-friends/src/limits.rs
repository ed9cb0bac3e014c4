//! Documented limits of the relationship chain, and the checks built on them.

use tencent_im_core::{check, FieldPath, ValidationError};

use crate::{FriendValue, Tag, TagValue};

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
pub fn add_source(value: &str, at: &FieldPath<'_>) -> Result<(), ValidationError> {
    let bytes = value.as_bytes();
    let prefix = ADD_SOURCE_PREFIX.as_bytes();
    let valid = bytes.len() > prefix.len()
        && bytes.len() - prefix.len() <= MAX_ADD_SOURCE_KEYWORD_BYTES
        && bytes.starts_with(prefix)
        && bytes[prefix.len()..].iter().all(u8::is_ascii_alphabetic);
    if valid {
        return Ok(());
    }
    Err(ValidationError::Invalid {
        field: at.to_string(),
        reason: format!(
            "{value:?} is not `AddSource_Type_` followed by 1 to 8 letters, e.g. \
             \"AddSource_Type_Android\""
        ),
    })
}

/// A friend group name: non-empty, at most 30 bytes.
#[inline]
pub fn group_name(name: &str, at: &FieldPath<'_>) -> Result<(), ValidationError> {
    if name.is_empty() {
        return Err(ValidationError::Invalid {
            field: at.to_string(),
            reason: "a friend group name must not be empty".to_owned(),
        });
    }
    check::max_bytes(name, MAX_GROUP_NAME_BYTES, at)
}

/// A list of group names written by a request: at most 32, each valid.
pub fn group_names(names: &[String], at: &FieldPath<'_>) -> Result<(), ValidationError> {
    check::items(names.len(), 0, MAX_GROUPS, at)?;
    for (index, name) in names.iter().enumerate() {
        group_name(name, &at.index(index))?;
    }
    Ok(())
}

/// A custom friend field written by a request: a `Tag_SNS_Custom_*` tag with a string of at most
/// 500 bytes or an integer.
pub fn custom_item(item: &TagValue, at: &FieldPath<'_>) -> Result<(), ValidationError> {
    if item.tag.custom_name().is_none() {
        return Err(ValidationError::Invalid {
            field: at.field("Tag").to_string(),
            reason: format!(
                "{:?} is not a custom friend field: use `Tag_SNS_Custom_` followed by 1 to 8 \
                 letters (Tag::custom builds one)",
                item.tag.as_str()
            ),
        });
    }
    match &item.value {
        FriendValue::String(text) => {
            check::max_bytes(text, MAX_CUSTOM_VALUE_BYTES, &at.field("Value"))
        }
        FriendValue::Integer(_) => Ok(()),
        FriendValue::Strings(_) => Err(ValidationError::Invalid {
            field: at.field("Value").to_string(),
            reason: "a custom friend field holds a string or an integer, not a list".to_owned(),
        }),
    }
}

/// A friend field written by friend_update: the remark (a string of at most 96 bytes), the groups
/// (a list of valid group names) or a custom field.
pub fn updated_field(item: &TagValue, at: &FieldPath<'_>) -> Result<(), ValidationError> {
    let value = at.field("Value");
    let not_a = |reason: &str| ValidationError::Invalid {
        field: value.to_string(),
        reason: reason.to_owned(),
    };
    if item.tag == Tag::REMARK {
        let remark = item
            .value
            .as_str()
            .ok_or_else(|| not_a("a remark is a string"))?;
        check::max_bytes(remark, MAX_REMARK_BYTES, &value)
    } else if item.tag == Tag::GROUP {
        let groups =
            (item.value.as_strings()).ok_or_else(|| not_a("groups are an array of strings"))?;
        group_names(groups, &value)
    } else if item.tag.custom_name().is_some() {
        custom_item(item, at)
    } else {
        Err(ValidationError::Invalid {
            field: at.field("Tag").to_string(),
            reason: format!(
                "{:?} cannot be updated: only Tag_SNS_IM_Remark, Tag_SNS_IM_Group and \
                 Tag_SNS_Custom_* can",
                item.tag.as_str()
            ),
        })
    }
}

/// The prefixes of the tags friend_get_list can ask for.
const READABLE_TAG_PREFIXES: [&str; 4] = [
    "Tag_Profile_IM_",
    "Tag_Profile_Custom_",
    "Tag_SNS_IM_",
    "Tag_SNS_Custom_",
];

/// A profile or friend tag to read: a known prefix, then letters, digits and `_`.
pub fn readable_tag(tag: &Tag, at: &FieldPath<'_>) -> Result<(), ValidationError> {
    let name = tag.as_str();
    let valid = READABLE_TAG_PREFIXES
        .iter()
        .any(|p| name.len() > p.len() && name.starts_with(p))
        && name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_');
    if valid {
        return Ok(());
    }
    Err(ValidationError::Invalid {
        field: at.to_string(),
        reason: format!(
            "{name:?} is not a profile or friend tag: it must start with one of \
             Tag_Profile_IM_, Tag_Profile_Custom_, Tag_SNS_IM_, Tag_SNS_Custom_ and use \
             only letters, digits and '_'"
        ),
    })
}

/// A page size: at least 1.
pub fn page_size(size: &u64, at: &FieldPath<'_>) -> Result<(), ValidationError> {
    if *size == 0 {
        return Err(ValidationError::Invalid {
            field: at.to_string(),
            reason: "the page size must be at least 1".to_owned(),
        });
    }
    Ok(())
}

/// A tag name of a custom field: 1 to 8 ASCII letters.
pub(crate) fn is_custom_name(name: &str) -> bool {
    !name.is_empty()
        && name.len() <= MAX_CUSTOM_NAME_BYTES
        && name.bytes().all(|b| b.is_ascii_alphabetic())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn add_source_format() {
        let items = FieldPath::ROOT.field("AddFriendItem");
        let first = items.index(0);
        let at = first.field("AddSource");
        for ok in [
            "AddSource_Type_Android",
            "AddSource_Type_XXXXXXXX",
            "AddSource_Type_a",
        ] {
            assert!(add_source(ok, &at).is_ok(), "{ok}");
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
            let err = add_source(bad, &at).unwrap_err();
            assert_eq!(err.field(), "AddFriendItem[0].AddSource", "{bad}");
        }
    }

    #[test]
    fn group_names_are_checked_one_by_one() {
        let at = FieldPath::ROOT.field("GroupName");
        assert!(group_names(&["Friends".into()], &at).is_ok());
        assert_eq!(
            group_names(&["ok".into(), String::new()], &at)
                .unwrap_err()
                .field(),
            "GroupName[1]"
        );
        assert!(group_names(&["x".repeat(31)], &at).is_err());
        let many: Vec<String> = (0..33).map(|i| format!("g{i}")).collect();
        assert!(matches!(
            group_names(&many, &at),
            Err(ValidationError::TooManyItems { max: 32, .. })
        ));
    }
}
