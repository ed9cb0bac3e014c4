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

/// Checks shared by the endpoint crates. Each takes the field name lazily so that the happy path
/// allocates nothing.
pub mod check {
    use super::*;

    /// A UserID: non-empty and at most [`MAX_USER_ID_BYTES`] bytes. The server judges the
    /// characters (sources disagree on the allowed set).
    #[inline]
    pub fn user_id<F: fmt::Display>(
        field: impl FnOnce() -> F,
        id: &str,
    ) -> Result<(), ValidationError> {
        if id.is_empty() {
            return Err(ValidationError::EmptyUserId {
                field: field().to_string(),
            });
        }
        if id.len() > MAX_USER_ID_BYTES {
            return Err(ValidationError::UserIdTooLong {
                field: field().to_string(),
                len: id.len(),
                max: MAX_USER_ID_BYTES,
            });
        }
        Ok(())
    }

    /// A list of at least one and at most `max` items.
    pub fn count(field: &str, len: usize, max: usize) -> Result<(), ValidationError> {
        if len == 0 {
            return Err(ValidationError::EmptyList {
                field: field.to_owned(),
            });
        }
        if len > max {
            return Err(ValidationError::TooManyItems {
                field: field.to_owned(),
                len,
                max,
            });
        }
        Ok(())
    }

    /// A string of at most `max` bytes.
    #[inline]
    pub fn max_bytes<F: fmt::Display>(
        field: impl FnOnce() -> F,
        value: &str,
        max: usize,
    ) -> Result<(), ValidationError> {
        if value.len() > max {
            return Err(ValidationError::TooLong {
                field: field().to_string(),
                len: value.len(),
                max,
            });
        }
        Ok(())
    }

    /// A list of UserIDs: 1..=`max` items, each a valid UserID.
    pub fn user_ids(field: &str, ids: &[String], max: usize) -> Result<(), ValidationError> {
        count(field, ids.len(), max)?;
        for (index, id) in ids.iter().enumerate() {
            user_id(|| format!("{field}[{index}]"), id)?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn user_id_limits() {
        assert!(check::user_id(|| "From_Account", "a").is_ok());
        assert!(check::user_id(|| "From_Account", &"x".repeat(32)).is_ok());
        assert_eq!(
            check::user_id(|| "From_Account", ""),
            Err(ValidationError::EmptyUserId {
                field: "From_Account".into()
            })
        );
        let err = check::user_id(|| "To_Account", &"é".repeat(17)).unwrap_err();
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
        let err = check::count("AddFriendItem", 1001, 1000).unwrap_err();
        assert_eq!(err.field(), "AddFriendItem");
        assert!(err.to_string().contains("at most 1000"), "{err}");
        assert!(matches!(
            check::count("To_Account", 0, 1000),
            Err(ValidationError::EmptyList { .. })
        ));
        let ids = vec!["a".to_owned(), String::new()];
        assert_eq!(
            check::user_ids("To_Account", &ids, 1000)
                .unwrap_err()
                .field(),
            "To_Account[1]"
        );
    }
}
