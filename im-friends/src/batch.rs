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

use tencent_im_core::batch::BatchReport;

use crate::{FriendAddResponse, FriendImportResponse, ItemResults};

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
