//! The follow / fans calls (`v4/follow/*`) of the Tencent Cloud Chat REST API. They need a Pro,
//! Pro-plus or Enterprise edition with following enabled in the console.
//!
//! ```no_run
//! # async fn demo(client: tencent_im_core::Client) -> Result<(), tencent_im_core::Error> {
//! use tencent_im_follow::{FollowAdd, FollowDelete};
//!
//! client.call(&FollowAdd::new("alice", ["bob", "carol"])).await?;
//! let answer = client.call(&FollowDelete::new("alice", ["carol"])).await?;
//! assert!(answer.result_item.iter().all(|item| item.is_ok()));
//! # Ok(()) }
//! ```
#![deny(missing_docs)]
#![warn(clippy::unwrap_used, clippy::expect_used)]

pub mod follow_add;
pub mod follow_delete;

pub use follow_add::{FollowAdd, FollowItem};
pub use follow_delete::FollowDelete;

use tencent_im_core::{im_response, ResultItem};

/// Accounts in one follow_add / follow_delete request.
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
