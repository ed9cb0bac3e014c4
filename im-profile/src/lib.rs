//! The profile calls (`v4/profile/*`) of the Tencent Cloud Chat REST API: [`PortraitSet`] and
//! [`PortraitGet`], with the profile fields typed as [`ProfileItem`].
//!
//! The standard fields have their documented types: [`AllowType`] (which decides what
//! friend_add does), [`AdminForbidType`] (whether the account may send friend requests),
//! [`Gender`], and the nickname, birthday, location, status line, avatar, language, message
//! settings, level and role. Custom fields (`Tag_Profile_Custom_*`, set up in the console) carry
//! strings. Writes are checked before they are sent (see [`limits`]); fields this SDK does not
//! know decode into [`ProfileItem::Raw`] instead of failing the answer.
//!
//! ```
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> Result<(), Box<dyn std::error::Error>> {
//! # let emulator = tencent_im_emulator::Emulator::builder().start().await?;
//! # let client = emulator.client()?;
//! # client.call(&tencent_im_accounts::MultiaccountImport::new(["alice", "bob", "carol"])).await?;
//! use tencent_im_profile::{AllowType, PortraitGet, PortraitSet, ProfileItem, ProfileTag};
//!
//! client
//!     .call(&PortraitSet::new(
//!         "alice",
//!         [ProfileItem::Nick("Alice".into()), ProfileItem::AllowType(AllowType::AllowAny)],
//!     ))
//!     .await?;
//! let answer = client
//!     .call(&PortraitGet::new(["alice"], [ProfileTag::NICK, ProfileTag::ALLOW_TYPE]))
//!     .await?;
//! assert_eq!(
//!     answer.user_profile_item[0].get(&ProfileTag::ALLOW_TYPE),
//!     Some(&ProfileItem::AllowType(AllowType::AllowAny))
//! );
//! # Ok(()) }
//! ```
#![deny(missing_docs)]
#![warn(clippy::unwrap_used, clippy::expect_used)]

pub mod item;
pub mod limits;
pub mod portrait_get;
pub mod portrait_set;

pub use item::{AdminForbidType, AllowType, Gender, ProfileItem, ProfileTag};
pub use portrait_get::{PortraitGet, PortraitGetResponse, UserProfile};
pub use portrait_set::PortraitSet;
