//! Response shapes shared by several calls.

use tencent_im_core::{ErrorCode, ResultItem};
use serde::{Deserialize, Serialize};

/// `ResultItem[]` plus `Fail_Account[]`: the answer of friend_update, friend_delete,
/// black_list_add and black_list_delete.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct ItemResults {
    /// Per-account results.
    #[serde(rename = "ResultItem", default)]
    pub results: Vec<ResultItem>,
    /// Accounts that failed; present only when one did.
    #[serde(
        rename = "Fail_Account",
        default,
        skip_serializing_if = "Vec::is_empty"
    )]
    pub fail_accounts: Vec<String>,
}

impl ItemResults {
    /// Results, with `Fail_Account` derived from them (used by servers and tests).
    pub fn new(results: Vec<ResultItem>) -> Self {
        let fail_accounts = failed_accounts(&results);
        Self {
            results,
            fail_accounts,
        }
    }

    /// Items with `ResultCode == 0`.
    pub fn succeeded(&self) -> impl Iterator<Item = &ResultItem> {
        self.results.iter().filter(|item| item.is_ok())
    }

    /// Items with a non-zero `ResultCode`.
    pub fn failed(&self) -> impl Iterator<Item = &ResultItem> {
        self.results.iter().filter(|item| !item.is_ok())
    }
}

/// The accounts of the failed items, in order.
pub fn failed_accounts(results: &[ResultItem]) -> Vec<String> {
    failed_by(results, |item| (item.result_code, &item.to_account))
}

/// The accounts of the items whose code is not 0, in order, for any item type.
pub(crate) fn failed_by<T>(
    items: &[T],
    outcome: impl Fn(&T) -> (ErrorCode, &String),
) -> Vec<String> {
    items
        .iter()
        .map(outcome)
        .filter(|(code, _)| !code.is_ok())
        .map(|(_, account)| account.clone())
        .collect()
}
