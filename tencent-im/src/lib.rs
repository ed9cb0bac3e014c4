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
//! ```no_run
//! # async fn demo() -> Result<(), tencent_im::Error> {
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
