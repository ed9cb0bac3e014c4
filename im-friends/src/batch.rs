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

use tencent_im_core::{ErrorCode, ResultItem};

use crate::{FriendImportResponse, ItemResults};

impl FriendImportResponse {
    /// Succeeded, failed (with code and text) and invalid accounts.
    pub fn report(&self) -> BatchReport {
        BatchReport::from_results(&self.results, &self.invalid_accounts)
    }
}

impl ItemResults {
    /// Succeeded, pending (30539, friend_add only) and failed (with code and text) accounts.
    pub fn report(&self) -> BatchReport {
        BatchReport::from_results(&self.results, &[])
    }
}

/// One failed item of a batch.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FailedItem {
    /// The account.
    pub account: String,
    /// `ResultCode`.
    pub code: ErrorCode,
    /// `ResultInfo`.
    pub info: String,
}

/// The merged outcome of a batch write.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct BatchReport {
    /// Accounts whose item succeeded.
    pub succeeded: Vec<String>,
    /// Accounts whose friend request awaits confirmation (30539; not a failure).
    pub pending: Vec<String>,
    /// Items that failed, with the service's code and text.
    pub failed: Vec<FailedItem>,
    /// Accounts of another SDKAppID (`Invalid_Account`).
    pub invalid: Vec<String>,
}

impl BatchReport {
    /// Classifies per-item results.
    pub fn from_results(results: &[ResultItem], invalid: &[String]) -> Self {
        let mut report = BatchReport {
            invalid: invalid.to_vec(),
            ..BatchReport::default()
        };
        for item in results {
            if item.is_ok() {
                report.succeeded.push(item.to_account.clone());
            } else if item.result_code == ErrorCode::SNS_PENDING_CONFIRMATION {
                report.pending.push(item.to_account.clone());
            } else {
                report.failed.push(FailedItem {
                    account: item.to_account.clone(),
                    code: item.result_code,
                    info: item.result_info.clone(),
                });
            }
        }
        report
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn item(to: &str, code: ErrorCode) -> ResultItem {
        ResultItem {
            to_account: to.into(),
            result_code: code,
            result_info: String::new(),
        }
    }

    #[test]
    fn report_classifies_items() {
        let results = [
            item("a", ErrorCode::OK),
            item("b", ErrorCode::SNS_PENDING_CONFIRMATION),
            item("c", ErrorCode::SNS_NOT_A_FRIEND),
        ];
        let report = BatchReport::from_results(&results, &["d".to_owned()]);
        assert_eq!(report.succeeded, ["a"]);
        assert_eq!(report.pending, ["b"]);
        assert_eq!(report.failed[0].account, "c");
        assert_eq!(report.failed[0].code, ErrorCode::SNS_NOT_A_FRIEND);
        assert_eq!(report.invalid, ["d"]);
    }
}
