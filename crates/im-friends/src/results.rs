//! Response shapes shared by several calls.

use im_core::ResultItem;
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
    results
        .iter()
        .filter(|item| !item.is_ok())
        .map(|item| item.to_account.clone())
        .collect()
}
