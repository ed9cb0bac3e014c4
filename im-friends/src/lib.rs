//! The relationship-chain ("sns") calls of the Tencent Cloud Chat REST API.
//!
//! One module per call, each a request type declared with [`tencent_im_core::im_api`] and its response
//! type. Requests are checked before they are sent (see [`limits`]); a request over a cap is a
//! typed error, never silently split or cut. [`paging`] turns friend_get and black_list_get into
//! streams; [`tencent_im_core::Client::call_batched`] (see [`batch`]) splits any number of items into
//! requests at the documented cap.
//!
//! ```
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> Result<(), Box<dyn std::error::Error>> {
//! # let emulator = tencent_im_emulator::Emulator::builder().start().await?;
//! # let client = emulator.client()?;
//! # client.call(&tencent_im_accounts::MultiaccountImport::new(["alice", "bob"])).await?;
//! use tencent_im_friends::{FriendAdd, FriendAddItem, FriendGet};
//!
//! client
//!     .call(&FriendAdd::new("alice", vec![FriendAddItem::new("bob", "AddSource_Type_Web")]).force_add(true))
//!     .await?;
//! let page = client.call(&FriendGet::new("alice")).await?;
//! for friend in &page.friends {
//!     println!("{} {:?}", friend.to_account, friend.remark());
//! }
//! assert_eq!(page.friends[0].to_account, "bob");
//! # Ok(()) }
//! ```
#![deny(missing_docs)]
#![warn(clippy::unwrap_used, clippy::expect_used)]

pub mod batch;
pub mod black_list_add;
pub mod black_list_check;
pub mod black_list_delete;
pub mod black_list_get;
pub mod friend_add;
pub mod friend_check;
pub mod friend_delete;
pub mod friend_delete_all;
pub mod friend_get;
pub mod friend_get_list;
pub mod friend_import;
pub mod friend_update;
pub mod group_add;
pub mod group_delete;
pub mod group_get;
pub mod limits;
pub mod paging;
mod results;
mod types;

pub use batch::{BatchReport, FailedItem};
pub use black_list_add::{BlackListAdd, BlackListAddResponse};
pub use black_list_check::{
    BlackCheckInfo, BlackCheckType, BlackListCheck, BlackListCheckResponse, BlackRelation,
};
pub use black_list_delete::{BlackListDelete, BlackListDeleteResponse};
pub use black_list_get::{BlackListGet, BlackListGetResponse, BlockedAccount};
pub use friend_add::{AddType, ForceAddFlag, FriendAdd, FriendAddItem, FriendAddResponse};
pub use friend_check::{
    CheckType, FriendCheck, FriendCheckInfo, FriendCheckResponse, FriendRelation,
};
pub use friend_delete::{DeleteType, FriendDelete, FriendDeleteResponse};
pub use friend_delete_all::{FriendDeleteAll, FriendDeleteAllResponse};
pub use friend_get::{FriendGet, FriendGetResponse};
pub use friend_get_list::{FriendGetList, FriendGetListResponse, FriendInfo};
pub use friend_import::{FriendImport, FriendImportItem, FriendImportResponse};
pub use friend_update::{FriendUpdate, FriendUpdateItem, FriendUpdateResponse};
pub use group_add::{GroupAdd, GroupAddResponse};
pub use group_delete::{GroupDelete, GroupDeleteResponse};
pub use group_get::{GroupGet, GroupGetResponse, GroupInfo, NeedFriend};
pub use results::ItemResults;
pub use types::{Friend, FriendValue, Tag, TagValue};
