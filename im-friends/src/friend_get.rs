//! POST v4/sns/friend_get
//!
//! Pulls one page of a user's friends with their standard and custom friend fields. Start at
//! `StartIndex` 0 and continue at `NextStartIndex` until `CompleteFlag` is non-zero.

use tencent_im_core::{im_api, im_response};

use crate::Friend;

/// Pulls one page of `From_Account`'s friends.
#[im_api(path = "v4/sns/friend_get", rate = 200)]
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct FriendGet {
    /// Whose friends.
    #[im(user_id)]
    pub from_account: String,
    /// Where the page starts: 0, then the previous page's `NextStartIndex`.
    pub start_index: u64,
    /// The `StandardSequence` of a previous pull; when current, standard fields are left out.
    pub standard_sequence: Option<u64>,
    /// The `CustomSequence` of a previous pull; when current, custom fields are left out.
    pub custom_sequence: Option<u64>,
}

impl FriendGet {
    /// The first page of `from_account`'s friends.
    pub fn new(from_account: impl Into<String>) -> Self {
        Self {
            from_account: from_account.into(),
            start_index: 0,
            standard_sequence: None,
            custom_sequence: None,
        }
    }

    /// Starts the page at `start_index`.
    pub fn start_index(mut self, start_index: u64) -> Self {
        self.start_index = start_index;
        self
    }

    /// Sends a known `StandardSequence`.
    pub fn standard_sequence(mut self, sequence: u64) -> Self {
        self.standard_sequence = Some(sequence);
        self
    }

    /// Sends a known `CustomSequence`.
    pub fn custom_sequence(mut self, sequence: u64) -> Self {
        self.custom_sequence = Some(sequence);
        self
    }
}

/// One page of friends.
#[im_response]
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct FriendGetResponse {
    /// The friends of this page (`UserDataItem`).
    #[im(rename = "UserDataItem")]
    pub friends: Vec<Friend>,
    /// The current sequence of standard friend fields.
    #[serde(default)]
    pub standard_sequence: u64,
    /// The current sequence of custom friend fields.
    #[serde(default)]
    pub custom_sequence: u64,
    /// The total number of friends.
    #[serde(default)]
    pub friend_num: u64,
    /// Non-zero on the last page.
    #[serde(default)]
    pub complete_flag: u32,
    /// Where the next page starts; 0 on the last page.
    #[serde(default)]
    pub next_start_index: u64,
}

impl FriendGetResponse {
    /// Whether this is the last page.
    pub fn is_complete(&self) -> bool {
        self.complete_flag != 0
    }

    /// The request for the next page, or `None` after the last one.
    pub fn next_page(&self, request: &FriendGet) -> Option<FriendGet> {
        (!self.is_complete() && self.next_start_index != 0)
            .then(|| request.clone().start_index(self.next_start_index))
    }
}
