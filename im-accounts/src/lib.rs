//! The account calls (`v4/im_open_login_svc/*`) the relationship chain depends on: accounts must
//! be imported before friends can be imported for them.
//!
//! ```
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> Result<(), Box<dyn std::error::Error>> {
//! # let emulator = tencent_im_emulator::Emulator::builder().start().await?;
//! # let client = emulator.client()?;
//! use tencent_im_accounts::{AccountCheck, AccountStatus, ImportedAccount, MultiaccountImport};
//!
//! // Any number of accounts: `call_batched` sends them 100 to a request. Accounts with a
//! // nickname or an avatar go in the `AccountList` form, which sets them.
//! let accounts = (0..250).map(|n| ImportedAccount::new(format!("user_{n}")));
//! let imported = client
//!     .call_batched(MultiaccountImport::from_accounts(accounts.chain([
//!         ImportedAccount::new("alice").nick("Alice"),
//!     ])))
//!     .await?;
//! assert!(imported.fail_accounts.is_empty());
//!
//! let check = client.call(&AccountCheck::new(["alice", "nobody"])).await?;
//! assert_eq!(check.results[0].status, Some(AccountStatus::Imported));
//! assert_eq!(check.results[1].status, Some(AccountStatus::NotImported));
//! # Ok(()) }
//! ```
#![deny(missing_docs)]
#![warn(clippy::unwrap_used, clippy::expect_used)]

pub mod account_check;
pub mod account_delete;
pub mod account_import;
pub mod multiaccount_import;

pub use account_check::{AccountCheck, AccountCheckResponse, AccountCheckResult, AccountStatus};
pub use account_delete::{AccountDelete, AccountDeleteResponse, AccountResult};
pub use account_import::{AccountImport, AccountImportResponse};
pub use multiaccount_import::{
    AccountsToImport, ImportedAccount, MultiaccountImport, MultiaccountImportResponse,
    MAX_PROFILE_VALUE_BYTES,
};

/// UserIDs in one multiaccount_import / account_check / account_delete request.
pub const MAX_ACCOUNTS_PER_REQUEST: usize = 100;

/// `{"UserID": ...}`, the item of account_check and account_delete requests.
#[tencent_im_core::im_item]
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UserIdItem {
    /// The account.
    #[im(user_id)]
    // Older documents and third-party clients name it `Identifier`.
    #[serde(alias = "Identifier")]
    pub user_id: String,
}

impl UserIdItem {
    /// An item for `user_id`.
    pub fn new(user_id: impl Into<String>) -> Self {
        Self {
            user_id: user_id.into(),
        }
    }
}
