//! The follow / fans calls (`v4/follow/*`) of the Tencent Cloud Chat REST API. They need a Pro,
//! Pro-plus or Enterprise edition with following enabled in the console.
//!
//! ```
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> Result<(), Box<dyn std::error::Error>> {
//! # let emulator = tencent_im_emulator::Emulator::builder().start().await?;
//! # let client = emulator.client()?;
//! # client.call(&tencent_im_accounts::MultiaccountImport::new(["alice", "bob", "carol"])).await?;
//! use tencent_im_follow::{FollowAdd, FollowCheck, FollowDelete, FollowGet, FollowGetInfo, FollowType};
//!
//! client.call(&FollowAdd::new("alice", ["bob", "carol"])).await?;
//! let answer = client.call(&FollowDelete::new("alice", ["carol"])).await?;
//! assert!(answer.result_item.iter().all(|item| item.is_ok()));
//!
//! let counts = client.call(&FollowGetInfo::new("alice", ["alice", "bob"])).await?;
//! println!("alice has {} fans", counts.follow_info[0].follower_count);
//! let check = client.call(&FollowCheck::new("alice", ["bob"])).await?;
//! assert!(check.result_item[0].follow_type.follows());
//! let page = client.call(&FollowGet::new("alice", FollowType::Following)).await?;
//! for entry in &page.follow_item {
//!     println!("{} since {}", entry.to_account, entry.follow_time);
//! }
//! # Ok(()) }
//! ```
//!
//! [`paging::follows`] streams a whole list, page after page.
#![deny(missing_docs)]
#![warn(clippy::unwrap_used, clippy::expect_used)]

pub mod follow_add;
pub mod follow_check;
pub mod follow_delete;
pub mod follow_get;
pub mod follow_get_info;
pub mod paging;

pub use follow_add::{FollowAdd, FollowItem};
pub use follow_check::{FollowCheck, FollowCheckItem, FollowCheckResponse, FollowRelation};
pub use follow_delete::FollowDelete;
pub use follow_get::{FollowEntry, FollowGet, FollowGetResponse, FollowType};
pub use follow_get_info::{FollowGetInfo, FollowGetInfoResponse, FollowInfo};

use tencent_im_core::{im_response, ResultItem};

/// Accounts in one follow_add / follow_delete / follow_get_info request.
pub const MAX_ACCOUNTS_PER_REQUEST: usize = 20;

/// The per-account outcome of a follow write.
#[im_response]
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct FollowResults {
    /// One result per account, in request order.
    #[im(merge)]
    pub result_item: Vec<ResultItem>,
}
