//! Receiving the webhooks (callbacks) that Tencent Cloud Chat sends to your server.
//!
//! Tencent POSTs a JSON body to your URL with the query
//! `?SdkAppid=N&CallbackCommand=C&contenttype=json&ClientIP=IP&OptPlatform=P`, and, when
//! authentication is turned on in the console, `&Sign=S&RequestTime=T` with
//! `S = hex(SHA-256(token + T))`. This crate:
//!
//! - checks a callback ([`Verifier`]): `SdkAppid` is yours, `Sign` matches (compared in constant
//!   time), `RequestTime` is within a window of your clock (60 s by default, see
//!   [`DEFAULT_WINDOW`]), the body is bounded ([`DEFAULT_BODY_LIMIT`]);
//! - decodes it into a typed [`Event`]; a command this crate does not know is
//!   [`Event::Unknown`], carrying its name and body, not an error;
//! - builds the answer: [`Ack`] for "after" callbacks, [`PrevAnswer`] for the "before" ones,
//!   whose per-item [`Verdict`] can only be 0 or a refusal code in [38000, 39000];
//! - with the `axum` feature (on by default), serves all of it as a [`Webhooks`] router that
//!   dispatches to your async handlers and answers within Tencent's 2 s.
//!
//! Framework-free:
//!
//! ```
//! use tencent_im_webhooks::{sign, Event, Verifier, WebhookToken};
//! # use tencent_im_core::ManualClock;
//!
//! let token = WebhookToken::new("xxxxyyyy")?;
//! let verifier = Verifier::new(1400000000, token.clone())
//! #   .clock(ManualClock::new(1669872112))
//!     ;
//! let query = format!(
//!     "SdkAppid=1400000000&CallbackCommand=Sns.CallbackFriendDelete&contenttype=json\
//!      &ClientIP=127.0.0.1&OptPlatform=RESTAPI&RequestTime=1669872112&Sign={}",
//!     sign(&token, "1669872112"),
//! );
//! let body = br#"{"CallbackCommand":"Sns.CallbackFriendDelete",
//!                 "PairList":[{"From_Account":"alice","To_Account":"bob"}]}"#;
//! match verifier.parse(&query, body)? {
//!     Event::FriendDelete(deleted) => assert_eq!(deleted.pair_list[0].to_account, "bob"),
//!     other => panic!("{other:?}"),
//! }
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
#![deny(missing_docs)]
#![warn(clippy::unwrap_used, clippy::expect_used)]

mod answer;
mod error;
mod events;
mod platform;
mod query;
#[cfg(feature = "axum")]
mod serve;
#[cfg(feature = "axum")]
mod service;
mod verify;

pub use answer::{Ack, ItemVerdict, PrevAnswer, Verdict, VerdictError};
pub use error::WebhookError;
pub use events::{
    commands, BlackListAdd, BlackListDelete, FollowAdd, FollowDelete, FollowItem, FriendAdd,
    FriendDelete, FriendPair, Pair, PairEvent, PortraitSet, PrevFriendAdd, PrevFriendAddItem,
    PrevFriendResponse, ProfileItem, RequestOverLimit, ResponseAction, ResponseFriendItem,
    UnknownEvent,
};
pub use events::{Callback, Event};
pub use platform::OptPlatform;
pub use query::CallbackQuery;
#[cfg(feature = "axum")]
pub use serve::{serve, ServeLimits, DEFAULT_HEADER_TIMEOUT, DEFAULT_MAX_CONNECTIONS};
#[cfg(feature = "axum")]
pub use service::{Webhooks, DEFAULT_HANDLER_TIMEOUT};
pub use verify::{
    sign, InvalidToken, Verifier, WebhookToken, DEFAULT_BODY_LIMIT, DEFAULT_WINDOW, MAX_TOKEN_CHARS,
};

/// The axum version the [`Webhooks`] router is built with, for `axum::serve` and for merging the
/// router into your own app without a second copy of axum.
#[cfg(feature = "axum")]
pub use axum;
