//! POST v4/sns/group_delete
//!
//! Deletes friend groups (the friends stay friends).

use tencent_im_core::{check, im_api, Validate, ValidationError};
use serde::{Deserialize, Serialize};

use crate::limits::{self, MAX_GROUPS};

/// Deletes groups of `From_Account`.
#[im_api(path = "v4/sns/group_delete", rate = 200)]
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct GroupDelete {
    /// Whose groups.
    #[serde(rename = "From_Account")]
    pub from_account: String,
    /// The groups to delete.
    #[serde(rename = "GroupName")]
    pub group_names: Vec<String>,
}

impl GroupDelete {
    /// Deletes `group_names` of `from_account`.
    pub fn new<I, S>(from_account: impl Into<String>, group_names: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        Self {
            from_account: from_account.into(),
            group_names: group_names.into_iter().map(Into::into).collect(),
        }
    }
}

impl Validate for GroupDelete {
    fn validate(&self) -> Result<(), ValidationError> {
        check::user_id(|| "From_Account", &self.from_account)?;
        check::count("GroupName", self.group_names.len(), MAX_GROUPS)?;
        limits::check_group_names(|| "GroupName", &self.group_names)
    }
}

/// The answer of group_delete.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct GroupDeleteResponse {
    /// The groups' sequence after the change.
    #[serde(rename = "CurrentSequence", default)]
    pub current_sequence: u64,
}

impl GroupDeleteResponse {
    /// A response (used by servers and tests).
    pub fn new(current_sequence: u64) -> Self {
        Self { current_sequence }
    }
}
