//! Client-side request checks and their typed error.

use std::fmt;

/// The most bytes a UserID may have.
pub const MAX_USER_ID_BYTES: usize = 32;

/// A request that would be refused, found before anything was sent.
///
/// `field` names the offending JSON field the way Tencent spells it, with the item's index when
/// it sits in a list, e.g. `AddFriendItem[3].To_Account`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ValidationError {
    /// A UserID is empty.
    #[error("`{field}` is empty: a UserID must have 1 to 32 bytes")]
    EmptyUserId {
        /// The field.
        field: String,
    },
    /// A UserID is longer than [`MAX_USER_ID_BYTES`].
    #[error("`{field}` is {len} bytes long: a UserID may have at most {max} bytes")]
    UserIdTooLong {
        /// The field.
        field: String,
        /// Its length in bytes.
        len: usize,
        /// The limit.
        max: usize,
    },
    /// A list holds more items than one request may carry.
    #[error(
        "`{field}` has {len} items but one request takes at most {max}: split it into several \
         requests, or use the batch helper, which does that for you"
    )]
    TooManyItems {
        /// The field.
        field: String,
        /// Items given.
        len: usize,
        /// The per-request cap.
        max: usize,
    },
    /// A list that must hold at least one item is empty.
    #[error("`{field}` is empty: give at least one item")]
    EmptyList {
        /// The field.
        field: String,
    },
    /// A string is longer than its documented limit.
    #[error("`{field}` is {len} bytes long: at most {max} bytes are allowed")]
    TooLong {
        /// The field.
        field: String,
        /// Its length in bytes.
        len: usize,
        /// The limit.
        max: usize,
    },
    /// A value breaks a documented format rule.
    #[error("`{field}` is invalid: {reason}")]
    Invalid {
        /// The field.
        field: String,
        /// What is wrong and what is expected.
        reason: String,
    },
}

impl ValidationError {
    /// The offending field.
    pub fn field(&self) -> &str {
        match self {
            ValidationError::EmptyUserId { field }
            | ValidationError::UserIdTooLong { field, .. }
            | ValidationError::TooManyItems { field, .. }
            | ValidationError::EmptyList { field }
            | ValidationError::TooLong { field, .. }
            | ValidationError::Invalid { field, .. } => field,
        }
    }
}

/// Where a value sits in a request, the way Tencent names it: `AddFriendItem[3].To_Account`.
///
/// Built on the stack as checks descend into a request (nothing is allocated unless a check
/// fails and the path is formatted into its error).
#[derive(Clone, Copy)]
pub struct FieldPath<'a> {
    parent: Option<&'a FieldPath<'a>>,
    segment: Segment,
}

#[derive(Clone, Copy)]
enum Segment {
    Root,
    Field(&'static str),
    Index(usize),
}

impl FieldPath<'static> {
    /// The request itself.
    pub const ROOT: FieldPath<'static> = FieldPath {
        parent: None,
        segment: Segment::Root,
    };
}

impl<'a> FieldPath<'a> {
    /// The field `name` (its wire name) of the value at this path.
    #[inline]
    pub fn field(&'a self, name: &'static str) -> FieldPath<'a> {
        FieldPath {
            parent: Some(self),
            segment: Segment::Field(name),
        }
    }

    /// The element `index` of the list at this path.
    #[inline]
    pub fn index(&'a self, index: usize) -> FieldPath<'a> {
        FieldPath {
            parent: Some(self),
            segment: Segment::Index(index),
        }
    }
}

impl fmt::Display for FieldPath<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(parent) = self.parent {
            parent.fmt(f)?;
        }
        match self.segment {
            Segment::Root => Ok(()),
            Segment::Field(name) => match self.parent {
                Some(FieldPath {
                    segment: Segment::Root,
                    ..
                })
                | None => f.write_str(name),
                Some(_) => write!(f, ".{name}"),
            },
            Segment::Index(index) => write!(f, "[{index}]"),
        }
    }
}

impl fmt::Debug for FieldPath<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "FieldPath({self})")
    }
}

/// The checks the field attributes of [`macro@crate::im_api`] and [`macro@crate::im_item`] call,
/// usable in hand-written checks too. Each takes the value first and where it sits second, and
/// formats the path only when the check fails.
pub mod check {
    use super::*;

    /// A UserID: non-empty and at most [`MAX_USER_ID_BYTES`] bytes. The server judges the
    /// characters (sources disagree on the allowed set).
    #[inline]
    pub fn user_id(id: &str, at: &FieldPath<'_>) -> Result<(), ValidationError> {
        if id.is_empty() {
            return Err(ValidationError::EmptyUserId {
                field: at.to_string(),
            });
        }
        if id.len() > MAX_USER_ID_BYTES {
            return Err(ValidationError::UserIdTooLong {
                field: at.to_string(),
                len: id.len(),
                max: MAX_USER_ID_BYTES,
            });
        }
        Ok(())
    }

    /// A list of `min..=max` items.
    #[inline]
    pub fn items(
        len: usize,
        min: usize,
        max: usize,
        at: &FieldPath<'_>,
    ) -> Result<(), ValidationError> {
        if len < min {
            return Err(if len == 0 {
                ValidationError::EmptyList {
                    field: at.to_string(),
                }
            } else {
                ValidationError::Invalid {
                    field: at.to_string(),
                    reason: format!("{len} items given, at least {min} needed"),
                }
            });
        }
        if len > max {
            return Err(ValidationError::TooManyItems {
                field: at.to_string(),
                len,
                max,
            });
        }
        Ok(())
    }

    /// A string of at most `max` bytes.
    #[inline]
    pub fn max_bytes(value: &str, max: usize, at: &FieldPath<'_>) -> Result<(), ValidationError> {
        if value.len() > max {
            return Err(ValidationError::TooLong {
                field: at.to_string(),
                len: value.len(),
                max,
            });
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_read_like_tencents_field_names() {
        let root = FieldPath::ROOT;
        let items = root.field("AddFriendItem");
        let third = items.index(3);
        assert_eq!(
            third.field("To_Account").to_string(),
            "AddFriendItem[3].To_Account"
        );
        assert_eq!(root.field("From_Account").to_string(), "From_Account");
        assert_eq!(root.to_string(), "");
    }

    #[test]
    fn user_id_limits() {
        let at = FieldPath::ROOT;
        let from = at.field("From_Account");
        assert!(check::user_id("a", &from).is_ok());
        assert!(check::user_id(&"x".repeat(32), &from).is_ok());
        assert_eq!(
            check::user_id("", &from),
            Err(ValidationError::EmptyUserId {
                field: "From_Account".into()
            })
        );
        let err = check::user_id(&"é".repeat(17), &at.field("To_Account")).unwrap_err();
        assert_eq!(
            err,
            ValidationError::UserIdTooLong {
                field: "To_Account".into(),
                len: 34,
                max: 32
            }
        );
        assert!(err.to_string().contains("at most 32 bytes"));
    }

    #[test]
    fn list_limits_name_the_field_and_the_cap() {
        let at = FieldPath::ROOT.field("AddFriendItem");
        let err = check::items(1001, 1, 1000, &at).unwrap_err();
        assert_eq!(err.field(), "AddFriendItem");
        assert!(err.to_string().contains("at most 1000"), "{err}");
        assert!(matches!(
            check::items(0, 1, 1000, &at),
            Err(ValidationError::EmptyList { .. })
        ));
        assert!(check::items(0, 0, 1000, &at).is_ok());
        assert!(matches!(
            check::items(1, 2, 1000, &at),
            Err(ValidationError::Invalid { .. })
        ));
    }
}
