//! POST v4/sns/black_list_get
//!
//! Pulls one page of a blocklist. Start at `StartIndex` 0; the answer's `StartIndex` is where the
//! next page starts, and 0 after the last page.

use tencent_im_core::{check, im_api, Validate, ValidationError};
use serde::{Deserialize, Serialize};

/// Pulls a page of `From_Account`'s blocklist.
#[im_api(path = "v4/sns/black_list_get", rate = 200)]
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct BlackListGet {
    /// Whose blocklist.
    #[serde(rename = "From_Account")]
    pub from_account: String,
    /// Where the page starts.
    #[serde(rename = "StartIndex")]
    pub start_index: u64,
    /// Page size.
    #[serde(rename = "MaxLimited")]
    pub max_limited: u64,
    /// Sequence of a previous pull; 0 pulls everything.
    #[serde(rename = "LastSequence")]
    pub last_sequence: u64,
}

impl BlackListGet {
    /// The first page of `from_account`'s blocklist, `page_size` entries at most.
    pub fn new(from_account: impl Into<String>, page_size: u64) -> Self {
        Self {
            from_account: from_account.into(),
            start_index: 0,
            max_limited: page_size,
            last_sequence: 0,
        }
    }

    /// Starts the page at `start_index`.
    pub fn start_index(mut self, start_index: u64) -> Self {
        self.start_index = start_index;
        self
    }

    /// Sends `LastSequence`.
    pub fn last_sequence(mut self, sequence: u64) -> Self {
        self.last_sequence = sequence;
        self
    }
}

impl Validate for BlackListGet {
    fn validate(&self) -> Result<(), ValidationError> {
        check::user_id(|| "From_Account", &self.from_account)?;
        if self.max_limited == 0 {
            return Err(ValidationError::Invalid {
                field: "MaxLimited".to_owned(),
                reason: "the page size must be at least 1".to_owned(),
            });
        }
        Ok(())
    }
}

/// One blocked account (`BlackListItem`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct BlockedAccount {
    /// The blocked account.
    #[serde(rename = "To_Account")]
    pub to_account: String,
    /// When it was blocked, Unix seconds.
    #[serde(rename = "AddBlackTimeStamp", default)]
    pub added_at: i64,
}

impl BlockedAccount {
    /// An entry (used by servers and tests).
    pub fn new(to_account: impl Into<String>, added_at: i64) -> Self {
        Self {
            to_account: to_account.into(),
            added_at,
        }
    }
}

/// One page of a blocklist.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct BlackListGetResponse {
    /// The entries (`BlackListItem`).
    #[serde(rename = "BlackListItem", default)]
    pub items: Vec<BlockedAccount>,
    /// Where the next page starts; 0 after the last page.
    #[serde(rename = "StartIndex", default)]
    pub start_index: u64,
    /// The blocklist's sequence. The service spells it `CurruentSequence`; `CurrentSequence` is
    /// accepted too, and this is what is sent.
    #[serde(rename = "CurruentSequence", alias = "CurrentSequence", default)]
    pub current_sequence: u64,
}

impl BlackListGetResponse {
    /// A page (used by servers and tests).
    pub fn new(items: Vec<BlockedAccount>, next_start_index: u64, current_sequence: u64) -> Self {
        Self {
            items,
            start_index: next_start_index,
            current_sequence,
        }
    }

    /// The request for the next page, or `None` after the last one.
    pub fn next_page(&self, request: &BlackListGet) -> Option<BlackListGet> {
        (self.start_index != 0 && !self.items.is_empty())
            .then(|| request.clone().start_index(self.start_index))
    }
}
