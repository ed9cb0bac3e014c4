//! Splitting of the relationship calls over their 1000-item cap, for
//! [`tencent_im_core::Client::call_batched`].
//!
//! ```no_run
//! # async fn demo(client: tencent_im_core::Client, items: Vec<tencent_im_friends::FriendImportItem>) -> Result<(), tencent_im_core::Error> {
//! use tencent_im_friends::FriendImport;
//!
//! // 2500 items: three requests, in order, one merged answer.
//! let merged = client.call_batched(FriendImport::new("alice", items)).await?;
//! let report = merged.report();
//! println!("{} imported, {} failed", report.succeeded.len(), report.failed.len());
//! # Ok(()) }
//! ```

use tencent_im_core::batch::{split, BatchReport, Chunked, Merge};

use crate::limits::MAX_ITEMS_PER_REQUEST;
use crate::{
    BlackListAdd, BlackListCheck, BlackListCheckResponse, BlackListDelete, FriendAdd,
    FriendAddResponse, FriendCheck, FriendCheckResponse, FriendDelete, FriendImport,
    FriendImportResponse, ItemResults,
};

macro_rules! chunked {
    ($($request:ty => $items:ident),* $(,)?) => {$(
        impl Chunked for $request {
            const MAX_ITEMS: usize = MAX_ITEMS_PER_REQUEST;

            fn item_count(&self) -> usize {
                self.$items.len()
            }

            fn into_chunks(mut self, max: usize) -> Vec<Self> {
                let items = std::mem::take(&mut self.$items);
                split(items, max, |part| Self {
                    $items: part,
                    ..self.clone()
                })
            }
        }
    )*};
}

chunked! {
    FriendImport => items,
    FriendAdd => items,
    FriendDelete => to_accounts,
    FriendCheck => to_accounts,
    BlackListAdd => to_accounts,
    BlackListDelete => to_accounts,
    BlackListCheck => to_accounts,
}

impl Merge for FriendImportResponse {
    fn merge(&mut self, next: Self) {
        self.results.extend(next.results);
        self.fail_accounts.extend(next.fail_accounts);
        self.invalid_accounts.extend(next.invalid_accounts);
    }
}

impl Merge for FriendAddResponse {
    fn merge(&mut self, next: Self) {
        self.results.extend(next.results);
        self.fail_accounts.extend(next.fail_accounts);
    }
}

impl Merge for ItemResults {
    fn merge(&mut self, next: Self) {
        self.results.extend(next.results);
        self.fail_accounts.extend(next.fail_accounts);
    }
}

impl Merge for FriendCheckResponse {
    fn merge(&mut self, next: Self) {
        self.items.extend(next.items);
        self.fail_accounts.extend(next.fail_accounts);
    }
}

impl Merge for BlackListCheckResponse {
    fn merge(&mut self, next: Self) {
        self.items.extend(next.items);
        self.fail_accounts.extend(next.fail_accounts);
    }
}

impl FriendImportResponse {
    /// Succeeded, failed (with code and text) and invalid accounts.
    pub fn report(&self) -> BatchReport {
        BatchReport::from_results(&self.results, &self.invalid_accounts)
    }
}

impl FriendAddResponse {
    /// Succeeded, pending (30539), failed (with code and text) accounts.
    pub fn report(&self) -> BatchReport {
        BatchReport::from_results(&self.results, &[])
    }
}

impl ItemResults {
    /// Succeeded and failed (with code and text) accounts.
    pub fn report(&self) -> BatchReport {
        BatchReport::from_results(&self.results, &[])
    }
}
