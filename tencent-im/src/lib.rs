//! Server-side SDK for the Tencent Cloud Chat (IM) REST API: one crate to add, the call families
//! behind features.
//!
//! | feature | module | what it holds |
//! |---|---|---|
//! | (always) | [`core`] and the root | `Client`, `Endpoint`, `#[im_api]`, UserSig, `Region`, `Error` |
//! | `friends` (default) | [`friends`] | every `v4/sns/*` call, paging streams |
//! | `accounts` (default) | [`accounts`] | the `v4/im_open_login_svc/*` account calls |
//! | `follow` | [`follow`] | the `v4/follow/*` follow / fans calls, the follow listing stream |
//! | `profile` | [`profile`] | the `v4/profile/*` profile calls, typed profile fields |
//! | `webhooks` | [`webhooks`] | receiving Tencent's callbacks: verification, typed events, an axum router |
//! | `emulator` | [`emulator`] | a local, in-memory server of all of it |
//!
//! ```
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> Result<(), Box<dyn std::error::Error>> {
//! # // The embedded emulator stands in for the app: `from_env` reads what it would read.
//! # let emulator = tencent_im_emulator::Emulator::builder().start().await?;
//! # std::env::set_var("IM_SDKAPPID", emulator.sdkappid().to_string());
//! # std::env::set_var("IM_SECRET_KEY", tencent_im_emulator::DEFAULT_SECRET_KEY);
//! # std::env::set_var("IM_ADMIN", emulator.admin());
//! # std::env::set_var("IM_BASE_URL", emulator.base_url());
//! # std::env::remove_var("IM_RATE_REDIS_URL");
//! # emulator.client()?.call(&tencent_im_accounts::MultiaccountImport::new(["alice"])).await?;
//! use tencent_im::friends::FriendGet;
//! use tencent_im::Client;
//!
//! let client = Client::from_env()?;
//! let page = client.call(&FriendGet::new("alice")).await?;
//! println!("{} friends", page.friend_num);
//! # Ok(()) }
//! ```
#![deny(missing_docs)]

pub use tencent_im_core as core;
pub use tencent_im_core::*;

#[cfg(feature = "accounts")]
#[doc(inline)]
pub use tencent_im_accounts as accounts;
#[cfg(feature = "emulator")]
#[doc(inline)]
pub use tencent_im_emulator as emulator;
#[cfg(feature = "follow")]
#[doc(inline)]
pub use tencent_im_follow as follow;
#[cfg(feature = "friends")]
#[doc(inline)]
pub use tencent_im_friends as friends;
#[cfg(feature = "profile")]
#[doc(inline)]
pub use tencent_im_profile as profile;
#[cfg(feature = "webhooks")]
#[doc(inline)]
pub use tencent_im_webhooks as webhooks;

/// The README's Rust snippets, compiled and run as doctests (with the features they use).
#[cfg(all(
    doctest,
    feature = "emulator",
    feature = "webhooks",
    feature = "follow",
    feature = "profile"
))]
#[doc = include_str!("../../README.md")]
struct ReadmeSnippets;
