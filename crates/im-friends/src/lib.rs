//! The relationship-chain ("sns") calls of the Tencent Cloud Chat REST API.
//!
//! One module per call, each a request type declared with [`im_core::im_api`] and its response
//! type. Requests are checked before they are sent (see [`limits`]); a request over a cap is a
//! typed error, never silently split or cut.
//!
//! ```no_run
//! # async fn demo(client: im_core::Client) -> Result<(), im_core::Error> {
//! use im_friends::{FriendAdd, FriendAddItem, FriendGet};
//!
//! client
//!     .call(&FriendAdd::new("alice", vec![FriendAddItem::new("bob", "AddSource_Type_Web")]).force_add(true))
//!     .await?;
//! let page = client.call(&FriendGet::new("alice")).await?;
//! for friend in &page.friends {
//!     println!("{} {:?}", friend.to_account, friend.remark());
//! }
//! # Ok(()) }
//! ```
#![deny(missing_docs)]
#![warn(clippy::unwrap_used, clippy::expect_used)]

pub mod friend_add;
pub mod friend_get;
pub mod friend_import;
pub mod limits;
mod types;

pub use friend_add::{AddType, ForceAddFlag, FriendAdd, FriendAddItem, FriendAddResponse};
pub use friend_get::{FriendGet, FriendGetResponse};
pub use friend_import::{FriendImport, FriendImportItem, FriendImportResponse};
pub use types::{Friend, FriendValue, Tag, TagValue};
