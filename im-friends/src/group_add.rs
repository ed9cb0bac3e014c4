//! POST v4/sns/group_add
//!
//! Creates friend groups, optionally putting friends into them. At most 32 groups per user
//! (30011); an account that is not a friend fails per item with 32216.

use tencent_im_core::{check, im_api, ResultItem, Validate, ValidationError};
use serde::{Deserialize, Serialize};

use crate::limits::{self, MAX_GROUPS};

/// Creates groups of `From_Account`.
#[im_api(path = "v4/sns/group_add", rate = 200)]
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct GroupAdd {
    /// Whose groups.
    #[serde(rename = "From_Account")]
    pub from_account: String,
    /// The new groups.
    #[serde(rename = "GroupName")]
    pub group_names: Vec<String>,
    /// Friends to put into every new group.
    #[serde(rename = "To_Account", default, skip_serializing_if = "Vec::is_empty")]
    pub to_accounts: Vec<String>,
}

impl GroupAdd {
    /// Creates `group_names` for `from_account`.
    pub fn new<I, S>(from_account: impl Into<String>, group_names: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        Self {
            from_account: from_account.into(),
            group_names: group_names.into_iter().map(Into::into).collect(),
            to_accounts: Vec::new(),
        }
    }

    /// Puts these friends into the new groups.
    pub fn with_friends<I, S>(mut self, to_accounts: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.to_accounts = to_accounts.into_iter().map(Into::into).collect();
        self
    }
}

impl Validate for GroupAdd {
    fn validate(&self) -> Result<(), ValidationError> {
        check::user_id(|| "From_Account", &self.from_account)?;
        check::count("GroupName", self.group_names.len(), MAX_GROUPS)?;
        limits::check_group_names(|| "GroupName", &self.group_names)?;
        for (index, id) in self.to_accounts.iter().enumerate() {
            check::user_id(|| format!("To_Account[{index}]"), id)?;
        }
        Ok(())
    }
}

/// The answer of group_add.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct GroupAddResponse {
    /// Per-friend results of putting friends into the groups.
    #[serde(rename = "ResultItem", default, skip_serializing_if = "Vec::is_empty")]
    pub results: Vec<ResultItem>,
    /// Friends that could not be put in.
    #[serde(
        rename = "Fail_Account",
        default,
        skip_serializing_if = "Vec::is_empty"
    )]
    pub fail_accounts: Vec<String>,
    /// The groups' sequence after the change.
    #[serde(rename = "CurrentSequence", default)]
    pub current_sequence: u64,
}

impl GroupAddResponse {
    /// A response (used by servers and tests); `Fail_Account` is derived from the results.
    pub fn new(results: Vec<ResultItem>, current_sequence: u64) -> Self {
        let fail_accounts = crate::results::failed_accounts(&results);
        Self {
            results,
            fail_accounts,
            current_sequence,
        }
    }
}
