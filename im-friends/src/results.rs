//! Response shapes shared by several calls.

use tencent_im_core::{im_response, ErrorCode, ResultItem};

/// `ResultItem[]` plus `Fail_Account[]`: the answer of friend_add, friend_update, friend_delete,
/// black_list_add and black_list_delete.
#[im_response]
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct ItemResults {
    /// Per-account results.
    #[im(rename = "ResultItem", merge)]
    pub results: Vec<ResultItem>,
    /// Accounts that failed; present only when one did.
    #[im(rename = "Fail_Account", merge)]
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub fail_accounts: Vec<String>,
}

impl ItemResults {
    /// Items with `ResultCode == 0`.
    pub fn succeeded(&self) -> impl Iterator<Item = &ResultItem> {
        self.results.iter().filter(|item| item.is_ok())
    }

    /// Items that made a friend (friend_add's name for [`succeeded`](Self::succeeded)).
    pub fn added(&self) -> impl Iterator<Item = &ResultItem> {
        self.succeeded()
    }

    /// Friend requests waiting for the target's confirmation (30539): not failures.
    pub fn pending(&self) -> impl Iterator<Item = &ResultItem> {
        self.results.iter().filter(|item| is_pending(item))
    }

    /// Items that failed (neither succeeded nor pending).
    pub fn failed(&self) -> impl Iterator<Item = &ResultItem> {
        self.results
            .iter()
            .filter(|item| !item.is_ok() && !is_pending(item))
    }
}

fn is_pending(item: &ResultItem) -> bool {
    item.result_code == ErrorCode::SNS_PENDING_CONFIRMATION
}
