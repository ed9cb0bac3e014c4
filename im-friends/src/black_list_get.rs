//! POST v4/sns/black_list_get
//!
//! Pulls one page of a blocklist. Start at `StartIndex` 0; the answer's `StartIndex` is where the
//! next page starts, and 0 after the last page.

use tencent_im_core::{im_api, im_item, im_response};

/// Pulls a page of `From_Account`'s blocklist.
#[im_api(path = "v4/sns/black_list_get", rate = 200)]
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct BlackListGet {
    /// Whose blocklist.
    #[im(user_id)]
    pub from_account: String,
    /// Where the page starts.
    pub start_index: u64,
    /// Page size.
    #[im(check = crate::limits::page_size)]
    pub max_limited: u64,
    /// Sequence of a previous pull; 0 pulls everything.
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

/// One blocked account (`BlackListItem`).
#[im_item]
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BlockedAccount {
    /// The blocked account.
    pub to_account: String,
    /// When it was blocked, Unix seconds.
    #[im(rename = "AddBlackTimeStamp")]
    #[serde(default)]
    pub added_at: i64,
}

/// One page of a blocklist.
#[im_response]
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct BlackListGetResponse {
    /// The entries (`BlackListItem`).
    #[im(rename = "BlackListItem")]
    pub items: Vec<BlockedAccount>,
    /// Where the next page starts; 0 after the last page.
    #[serde(default)]
    pub start_index: u64,
    /// The blocklist's sequence. The service spells it `CurruentSequence`; `CurrentSequence` is
    /// accepted too, and this is what is sent.
    #[im(rename = "CurruentSequence")]
    #[serde(alias = "CurrentSequence", default)]
    pub current_sequence: u64,
}

impl BlackListGetResponse {
    /// The request for the next page, or `None` after the last one.
    pub fn next_page(&self, request: &BlackListGet) -> Option<BlackListGet> {
        (self.start_index != 0 && !self.items.is_empty())
            .then(|| request.clone().start_index(self.start_index))
    }
}
