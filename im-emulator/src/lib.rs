//! A local, in-memory emulator of the Tencent Cloud Chat REST API's account and relationship
//! calls, for development and tests. It speaks the wire protocol, so any client can use it.
//!
//! ```
//! use tencent_im_accounts::AccountImport;
//! use tencent_im_emulator::Emulator;
//! use tencent_im_friends::{FriendAdd, FriendAddItem, FriendGet};
//!
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let emulator = Emulator::builder().start().await?; // on a free loopback port
//! let client = emulator.client()?; // a tencent_im_core::Client signed for the emulator
//! println!("serving on {}", emulator.base_url());
//!
//! for user in ["alice", "bob"] {
//!     client.call(&AccountImport::new(user)).await?;
//! }
//! let add = FriendAdd::new("alice", vec![FriendAddItem::new("bob", "AddSource_Type_Web")])
//!     .force_add(true); // whatever bob's AllowType
//! let answer = client.call(&add).await?;
//! assert_eq!(answer.failed().count(), 0);
//! let page = client.call(&FriendGet::new("alice")).await?;
//! assert_eq!(page.friends[0].to_account, "bob");
//! # Ok(()) }
//! ```
//!
//! # What it checks, as the service does
//!
//! - The query: `sdkappid` (missing: 60012; another app: 70020), `usersig` (empty: 70002;
//!   malformed: 70003; SDKAppID mismatch: 70014; identifier mismatch: 70013; expired: 70001;
//!   HMAC mismatch: 70009), then that `identifier` is the app admin (30004 on `v4/sns/*`, 70403
//!   on the account calls, 60010 elsewhere). `random` must be a u32 when present.
//! - The path: one that no call is registered for (see [`EmulatorBuilder::serve`]) is answered
//!   60009.
//! - Each path's documented rate (`E::RATE` of its endpoint: 200 calls per second for the sns
//!   calls, 100 for most account calls) is enforced with a one-second burst, counting only
//!   authenticated calls: past it the answer is 60007. Turn it off with
//!   [`EmulatorBuilder::rate_limit`] or `--no-rate-limit`.
//! - The body, decoded into the endpoint's request type: not a JSON object: 60003; an account
//!   (`From_Account`, `To_Account`, ...) that is not a string: 60015; a missing field or one of
//!   the wrong type: 30001 on `v4/sns/*`, 70402 elsewhere; more than 1000 items (100 for the
//!   account calls): the whole request fails with 30001 (70402).
//! - Faults can be injected at chosen rates, reproducibly: see [`FaultPlan`].
//! - Every answer is HTTP 200 with the envelope (`ActionStatus`, `ErrorCode`, `ErrorInfo`,
//!   `ErrorDisplay`) after the call's own fields, except the refusals below, made at the HTTP
//!   level before a call is looked at.
//! - Repeated bad signatures: after 10 failed verifications (malformed, wrong key, another
//!   app or identifier) from one source address for one identifier, each within a minute of
//!   the last, that identifier is refused from there with 70050 for a minute, whatever the
//!   signature. See [`SigLockout`] and [`EmulatorBuilder::sig_lockout`].
//!
//! # Facing a network
//!
//! What a client may cost is bounded (see [`ServerLimits`] for the defaults): connections
//! over the cap wait in the kernel's backlog; a request head (and a kept-alive connection's
//! wait for the next one) has 10 s, a body 10 s; a body may have 4 MiB, and the bodies being
//! received 64 MiB together; the request log keeps at most 10,000 requests and 64 MiB. A
//! shutdown ([`RunningEmulator::shutdown`], or SIGTERM/SIGINT for the binary) stops
//! accepting, lets requests in flight finish for 5 s, then closes what is left.
//!
//! Refusals at the HTTP level carry the envelope too, with their HTTP status:
//!
//! | status | when | `ErrorCode` |
//! |---|---|---|
//! | 400 | not well-formed HTTP/1.1 | 60008 (bad HTTP format) |
//! | 405 | a method other than POST (`Allow: POST`) | 60008 |
//! | 408 | the body did not arrive in time | 60008 |
//! | 413 | the body is over the size limit | 60008 |
//! | 414 | the request target is over 8 KiB | 60002 (URL parse error) |
//! | 431 | the head is over 16 KiB or has over 100 fields | 60008 |
//! | 503 | the body memory budget is spent; retry | 60018 (too many requests) |
//!
//! An unknown path is answered as the service does: HTTP 200 with 60009.
//!
//! # The web page and the state
//!
//! A running emulator serves a page at `/` (see [`EmulatorBuilder::ui`] and
//! [`RunningEmulator::ui_url`]): its accounts and their relations, the request log, each path's
//! rate and use, the fault plan (which it can change), and the whole state, which it can export,
//! import and reset. It is served on a loopback address only unless
//! [`EmulatorBuilder::ui_on_any_address`]; it answers only to loopback host names and takes
//! changes only as POSTs with a per-process token from its own origin.
//!
//! The state is a versioned JSON document ([`Snapshot`]): start from one with
//! [`EmulatorBuilder::import_state`] (`--import FILE`), replace the state with
//! [`RunningEmulator::import_state`], read it with [`RunningEmulator::export_state`]
//! (`--export-on-exit FILE`).
//!
//! # Semantics
//!
//! Each account starts with `AllowType_Type_NeedConfirm`, as on the service. Limits: 3000
//! friends, 32 friend groups, 1000 blocklist entries, 1000 items per sns request and 100 per
//! account request. Per-item failures are listed in `Fail_Account`; an unknown `From_Account`
//! fails the whole request with 30003.
//!
//! - Accounts: `account_import` is idempotent; `multiaccount_import` takes either form:
//!   `Accounts` (UserIDs only) creates the accounts that do not exist and leaves existing ones
//!   as they are, profile included; `AccountList` (`UserID` with optional `Nick` and `FaceUrl`)
//!   does the same and sets the nickname and avatar URL given, on new and existing accounts
//!   alike (a field left out is kept). UserIDs that are empty or over 32 bytes, and in
//!   `AccountList` values over 500 bytes, are listed in `FailAccounts`; `account_check`
//!   answers `Imported` / `NotImported`; `account_delete` removes the account and every
//!   relation other accounts hold with it (70107 per item when unknown).
//! - `friend_import`: one way; per item: unknown account 30003, self or already a friend 30001,
//!   3000 friends 30010, more than 32 groups 30011.
//! - `friend_add`: `Add_Type_Both` (default) makes both sides, `Add_Type_Single` one. Without
//!   `ForceAddFlags: 1` the target's AllowType applies: NeedConfirm answers 30539 (pending, no
//!   friendship; the request waits for the target's client, see [`control`]), DenyAny 30516.
//!   Already a friend (both sides for Both): 30001; target in my blocklist: 30515; I am in the
//!   target's blocklist: 30525 (forced or not); 3000 friends: 30010 (mine) or 30014 (the
//!   target's). An item without `AddSource` is accepted.
//! - `friend_get`: pages of [`DEFAULT_FRIEND_PAGE_SIZE`] in the order the friendships were made,
//!   with `NextStartIndex` / `CompleteFlag` / `FriendNum`. `StandardSequence` grows on every
//!   change of standard fields (friends made or lost, remark, groups), `CustomSequence` on custom
//!   ones; a request carrying the current value of either gets that category left out.
//! - `friend_update`: only `Tag_SNS_IM_Remark`, `Tag_SNS_IM_Group` and `Tag_SNS_Custom_*`; any
//!   other tag or a bad value fails the item (30001) and nothing of it is applied; a non-friend
//!   fails with 31704; new groups count towards the 32 (30011).
//! - `friend_delete`: `Delete_Type_Single` (default) removes one side, `Delete_Type_Both` both; a
//!   non-friend fails with 31704. `friend_delete_all` does the same for every friend.
//! - `friend_check`: Single answers `AWithB` / `NoRelation`; Both also `BothWay` / `BWithA`. An
//!   unknown account fails (30003) with `NoRelation`.
//! - `friend_get_list`: exactly the requested tags, in request order: the standard friend fields
//!   always (empty values when unset), custom fields and `Tag_Profile_IM_Nick` /
//!   `Tag_Profile_IM_AllowType` / `Tag_Profile_IM_Image` of the friend when set; a non-friend
//!   fails with 31704.
//! - `black_list_add`: removes the friendship both ways; self 30001, unknown 30003, already
//!   blocked 30001, full 30013. `black_list_delete` fails per item (30001) for an account not
//!   in the list. `black_list_get` pages by `MaxLimited` in the order entries were added, with
//!   `AddBlackTimeStamp`, the next `StartIndex` (0 on the last page) and `CurruentSequence`,
//!   which grows on every change. `black_list_check`: `AWithB` / `BWithA` / `BothWay` /
//!   `BlackCheckResult_Type_NO`.
//! - `group_add`: creates groups (an existing name or passing 32 fails the request with 30001 /
//!   30011) and puts the given friends in them (a non-friend fails with 32216); `group_delete`
//!   removes groups (an unknown name fails the request with 30001) and takes them off every
//!   friend; `group_get` lists groups with `FriendNumber` and, with `NeedFriend`, members.
//!   `CurrentSequence` grows on every change of the group set.
//! - `portrait_set` / `portrait_get` keep every standard profile field and any valid
//!   `Tag_Profile_Custom_*` field per account (an unknown standard tag or a bad value: 40001,
//!   nothing applied; unknown account: 40003). portrait_get answers a standard field always (its
//!   default when never set), a custom one when set. `AllowType_Type_*` decides friend_add as
//!   above; `AdminForbid_Type_SendOut` fails every friend_add item of that user with 30009,
//!   forced or not.
//! - Follows: `follow_add` / `follow_delete` (at most 20); `follow_get` lists fans, followings
//!   or mutual follows (a mutual follow dates from the later side) in the order of follow time
//!   then account, `WantNum` (1 to 1000) per page, with a `NextCursor` that keeps its place
//!   while the list changes (a cursor it never gave: 30001); `follow_check` (at most 100)
//!   answers `FollowType` 0 none, 1 fan, 2 following, 3 mutual; `follow_get_info` (at most 20)
//!   counts fans, followings and mutual follows; in these two an unknown account fails its
//!   item with 30003.
//!
//! # Webhooks
//!
//! With [`EmulatorBuilder::webhook`] (`--webhook-url` and a token for the binary) the emulator
//! sends Tencent's webhooks to the app's URL, signed as the console does, by the service's
//! trigger rules: which call sends which callback is listed there. Each event is queued without
//! holding up the call, sent in order within 2 s and never retried. The outcome of the latest
//! deliveries and the counts (delivered, failed, dropped) are read with
//! [`RunningEmulator::webhook_status`] or `GET /emulator/webhooks`, authenticated like a REST
//! call and answered with the envelope:
//!
//! ```text
//! {"Url":"http://127.0.0.1:8080/cb","Signed":true,"Delivered":3,"Failed":0,"Dropped":0,
//!  "Recent":[{"Command":"Sns.CallbackFriendAdd","Url":"...&RequestTime=1700000000",
//!             "Delivered":true,"Status":200,"Error":null,"LatencyMs":1,"Answer":"{...}",
//!             "Refusals":[]}],
//!  "ActionStatus":"OK","ErrorCode":0,"ErrorInfo":""}
//! ```
//!
//! Neither the token nor a `Sign` ever appears there, in `Debug`, or in a log.
//!
//! REST calls never trigger the "before" callbacks. The [`control`] calls
//! (`POST /emulator/client/friend_add` and `/emulator/client/friend_response`) act as a user's
//! client instead: they send `Sns.CallbackPrevFriendAdd` / `Sns.CallbackPrevFriendResponse`,
//! wait for the app's verdicts and refuse the items it refuses.
#![deny(missing_docs)]
#![warn(clippy::unwrap_used, clippy::expect_used)]

pub mod control;
mod faults;
mod lockout;
mod net;
mod request_log;
mod routes;
mod server;
mod state;
mod ui;
mod webhooks;
mod world;

use std::net::SocketAddr;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::Duration;

use serde::de::DeserializeOwned;
use serde::Serialize;
use tencent_im_core::{Client, Clock, Endpoint, SecretKey, SystemClock};
use tokio::net::TcpListener;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

pub use faults::{Fault, FaultPlan, FaultSpecError};
pub use lockout::{SigLockout, DEFAULT_SIG_LOCKOUT_FAILURES, DEFAULT_SIG_LOCKOUT_WINDOW};
pub use net::{
    ServerLimits, DEFAULT_BODY_MEMORY_BYTES, DEFAULT_BODY_TIMEOUT, DEFAULT_HEADER_TIMEOUT,
    DEFAULT_MAX_BODY_BYTES, DEFAULT_MAX_CONNECTIONS, DEFAULT_SHUTDOWN_TIMEOUT,
};
pub use request_log::{RequestRecord, DEFAULT_REQUEST_LOG_BYTES, DEFAULT_REQUEST_LOG_CAPACITY};
pub use routes::CallContext;
pub use state::snapshot::{
    Sequences, Snapshot, SnapshotAccount, SnapshotEntry, SnapshotError, SnapshotFriend,
    SnapshotRequest, SNAPSHOT_FORMAT, SNAPSHOT_VERSION,
};
pub use state::{AllowType, Refusal, World};
pub use tencent_im_webhooks::WebhookToken;
/// The URL type of [`EmulatorBuilder::webhook`].
pub use url::Url;
pub use webhooks::{
    DeliveryRecord, WebhookStatus, DEFAULT_WEBHOOK_QUEUE, DEFAULT_WEBHOOK_TIMEOUT,
    MAX_WEBHOOK_ANSWER_BYTES, WEBHOOK_HISTORY,
};

/// SDKAppID the emulator uses unless told otherwise.
pub const DEFAULT_SDKAPPID: u64 = 1_400_000_000;
/// Secret key the emulator uses unless told otherwise.
pub const DEFAULT_SECRET_KEY: &str = "emulator-secret-key-not-for-production";
/// Admin identifier the emulator uses unless told otherwise.
pub const DEFAULT_ADMIN: &str = "administrator";
/// Friends per friend_get page unless told otherwise.
pub const DEFAULT_FRIEND_PAGE_SIZE: usize = 100;

/// Entry point: see [`Emulator::builder`].
#[derive(Debug)]
pub struct Emulator;

impl Emulator {
    /// A builder with the default app (see the `DEFAULT_*` constants), serving every call the
    /// SDK ships.
    pub fn builder() -> EmulatorBuilder {
        routes::sdk_calls(EmulatorBuilder {
            sdkappid: DEFAULT_SDKAPPID,
            secret_key: SecretKey::new(DEFAULT_SECRET_KEY),
            admin: DEFAULT_ADMIN.to_owned(),
            friend_page_size: DEFAULT_FRIEND_PAGE_SIZE,
            clock: Arc::new(SystemClock),
            listen: SocketAddr::from(([127, 0, 0, 1], 0)),
            rate_limit: true,
            faults: FaultPlan::none(),
            fault_seed: None,
            routes: routes::Routes::default(),
            request_log_capacity: DEFAULT_REQUEST_LOG_CAPACITY,
            request_log_bytes: DEFAULT_REQUEST_LOG_BYTES,
            limits: ServerLimits::default(),
            sig_lockout: Some(SigLockout::default()),
            webhook: None,
            webhook_timeout: DEFAULT_WEBHOOK_TIMEOUT,
            webhook_queue: DEFAULT_WEBHOOK_QUEUE,
            ui: true,
            ui_on_any_address: false,
            initial_state: None,
        })
    }
}

/// The state an emulator starts from. Its `Debug` gives the size only: a snapshot can hold
/// millions of entries.
#[derive(Clone)]
struct InitialState(Snapshot);

impl std::fmt::Debug for InitialState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Snapshot({} accounts)", self.0.accounts.len())
    }
}

/// Configures and starts an emulator.
#[derive(Debug, Clone)]
pub struct EmulatorBuilder {
    sdkappid: u64,
    secret_key: SecretKey,
    admin: String,
    friend_page_size: usize,
    clock: Arc<dyn Clock>,
    listen: SocketAddr,
    rate_limit: bool,
    faults: FaultPlan,
    fault_seed: Option<u64>,
    routes: routes::Routes,
    request_log_capacity: usize,
    request_log_bytes: usize,
    limits: ServerLimits,
    sig_lockout: Option<SigLockout>,
    webhook: Option<webhooks::WebhookTarget>,
    webhook_timeout: Duration,
    webhook_queue: usize,
    ui: bool,
    ui_on_any_address: bool,
    initial_state: Option<InitialState>,
}

impl EmulatorBuilder {
    /// Sends Tencent's webhooks to `url`, as the console's callback URL does: a POST with the
    /// query `SdkAppid`, `CallbackCommand`, `contenttype=json`, `ClientIP` (the caller's
    /// address), `OptPlatform` (`RESTAPI` for REST calls, `Web` for the [`control`] calls),
    /// then, with a `token` (authentication on in the console), `Sign` and `RequestTime` from
    /// the emulator's [`clock`](Self::clock). `https` needs a TLS feature of `tencent-im-core`
    /// (the facade turns `rustls` on by default).
    ///
    /// What sends what, as on the service:
    ///
    /// - friend_add: `Sns.CallbackFriendAdd` for the friendships made (`ClientCmd`
    ///   `friend_add`, `Admin_Account` the admin, `ForceFlag` from `ForceAddFlags`; one
    ///   `PairList` entry per friend list that gained a friend); nothing for pending or failed
    ///   items, nothing at all for friend_import.
    /// - friend_delete, friend_delete_all: `Sns.CallbackFriendDelete` for the pairs deleted;
    ///   black_list_add / black_list_delete: `Sns.CallbackBlackListAdd` / `Delete` for the
    ///   items that succeeded; portrait_set: `Profile.CallbackPortraitSet`; follow_add /
    ///   follow_delete: `Follow.CallbackAfterFollowAdd` / `Delete` for the items that
    ///   succeeded.
    /// - `Alert.RequestOverLimit` once per path and second (of the emulator's clock) when the
    ///   path's calls in that second pass 80 % of its documented rate.
    /// - REST calls never send the "before" callbacks; the [`control`] calls do.
    ///
    /// Events are queued without holding up the call ([`webhook_queue`](Self::webhook_queue)),
    /// sent one at a time in order, each within [`webhook_timeout`](Self::webhook_timeout), and
    /// never retried; [`RunningEmulator::webhook_status`] and `GET /emulator/webhooks` show
    /// the outcome of each.
    pub fn webhook(mut self, url: Url, token: Option<WebhookToken>) -> Self {
        self.webhook = Some(webhooks::WebhookTarget { url, token });
        self
    }

    /// How long a delivery may take, connecting included (default
    /// [`DEFAULT_WEBHOOK_TIMEOUT`], Tencent's 2 s); past it the delivery fails and a "before"
    /// callback's action proceeds.
    pub fn webhook_timeout(mut self, timeout: Duration) -> Self {
        self.webhook_timeout = timeout;
        self
    }

    /// How many events may wait to be sent (default [`DEFAULT_WEBHOOK_QUEUE`], at least 1);
    /// an event that does not fit is dropped and counted as a failed delivery.
    pub fn webhook_queue(mut self, events: usize) -> Self {
        self.webhook_queue = events.max(1);
        self
    }

    /// Serves `E::PATH` with `handler`, at `E::RATE`: each request is authenticated, counted
    /// against the rate, decoded into `E`, handed to `handler` with the [`World`] (under the
    /// emulator's lock, so calls apply one at a time) and answered with `E::Response` followed by
    /// the envelope, or with the [`Refusal`] it returns.
    ///
    /// This is how the SDK's own calls are served, and how a call the SDK does not ship is
    /// added. Registering a path again replaces its handler (the last registration wins), which
    /// overrides a built-in call.
    ///
    /// A body that does not decode is refused as the service does: 60003 when it is not a JSON
    /// object, 60015 for an account (`From_Account`, `To_Account`, ...) that is not a string,
    /// 30001 on `v4/sns/*` and 70402 elsewhere for any other mismatch.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// use tencent_im_emulator::{Emulator, Refusal};
    /// use tencent_im_core::ErrorCode;
    /// use tencent_im_friends::FriendDeleteAll;
    ///
    /// let emulator = Emulator::builder()
    ///     // Overrides a built-in call: this app may not empty friend lists.
    ///     .serve::<FriendDeleteAll>(|world, req, _call| {
    ///         let code = match world.has_account(&req.from_account) {
    ///             true => ErrorCode::SNS_BAD_PARAMETER,
    ///             false => ErrorCode::SNS_ACCOUNT_NOT_FOUND,
    ///         };
    ///         Err(Refusal::new(code, "friend_delete_all is disabled here"))
    ///     })
    ///     .start()
    ///     .await?;
    /// let err = emulator.client()?.call(&FriendDeleteAll::new("alice")).await.unwrap_err();
    /// assert_eq!(err.code(), Some(ErrorCode::SNS_ACCOUNT_NOT_FOUND));
    /// # Ok(()) }
    /// ```
    pub fn serve<E>(
        mut self,
        handler: impl Fn(&mut World, E, &CallContext) -> Result<E::Response, Refusal>
            + Send
            + Sync
            + 'static,
    ) -> Self
    where
        E: Endpoint + DeserializeOwned + Send + Sync + 'static,
        E::Response: Serialize,
    {
        self.routes.insert::<E, _>(handler);
        self
    }

    /// How many of the latest requests [`RunningEmulator::requests`] keeps (default
    /// [`DEFAULT_REQUEST_LOG_CAPACITY`]); older ones are dropped. 0 keeps none.
    pub fn request_log_capacity(mut self, capacity: usize) -> Self {
        self.request_log_capacity = capacity;
        self
    }

    /// How many bytes the requests [`RunningEmulator::requests`] keeps may take together
    /// (default [`DEFAULT_REQUEST_LOG_BYTES`]): each costs its body's length and a few dozen
    /// bytes; older ones are dropped to make room, and a single body larger than this is not
    /// kept.
    pub fn request_log_bytes(mut self, bytes: usize) -> Self {
        self.request_log_bytes = bytes;
        self
    }

    /// What a client may cost the emulator: connections, header/idle and body timeouts, body
    /// sizes and the shutdown deadline (default [`ServerLimits::default`]).
    pub fn server_limits(mut self, limits: ServerLimits) -> Self {
        self.limits = limits;
        self
    }

    /// When repeated bad signatures lock an identifier out with 70050 (default
    /// [`SigLockout::default`]: 10 failures, one minute); `None` turns it off.
    pub fn sig_lockout(mut self, lockout: impl Into<Option<SigLockout>>) -> Self {
        self.sig_lockout = lockout.into();
        self
    }

    /// Whether each path's documented rate is enforced (answering 60007 past it). Default on.
    pub fn rate_limit(mut self, enforce: bool) -> Self {
        self.rate_limit = enforce;
        self
    }

    /// Faults to inject (see [`FaultPlan`]; parse one from the CLI syntax with `str::parse`).
    pub fn faults(mut self, plan: FaultPlan) -> Self {
        self.faults = plan;
        self
    }

    /// The seed of the fault rolls, for reproducible runs (default: random).
    pub fn fault_seed(mut self, seed: u64) -> Self {
        self.fault_seed = Some(seed);
        self
    }

    /// The app's SDKAppID.
    pub fn sdkappid(mut self, sdkappid: u64) -> Self {
        self.sdkappid = sdkappid;
        self
    }

    /// The app's secret key, used to verify UserSigs.
    pub fn secret_key(mut self, key: impl Into<SecretKey>) -> Self {
        self.secret_key = key.into();
        self
    }

    /// The app admin identifier.
    pub fn admin(mut self, admin: impl Into<String>) -> Self {
        self.admin = admin.into();
        self
    }

    /// Friends per friend_get page (at least 1).
    pub fn friend_page_size(mut self, size: usize) -> Self {
        self.friend_page_size = size.max(1);
        self
    }

    /// The clock for UserSig expiry and add times.
    pub fn clock(mut self, clock: impl Clock) -> Self {
        self.clock = Arc::new(clock);
        self
    }

    /// The address to listen on (default `127.0.0.1:0`, a free port).
    pub fn listen(mut self, addr: SocketAddr) -> Self {
        self.listen = addr;
        self
    }

    /// Whether the emulator serves its web page at `/` (default on): views of the accounts
    /// and their relations, the request log, the rates and faults (which it can change) and
    /// the whole state (export, import, reset). It is served only on a loopback address unless
    /// [`ui_on_any_address`](Self::ui_on_any_address) says otherwise; see
    /// [`RunningEmulator::ui_url`].
    pub fn ui(mut self, serve: bool) -> Self {
        self.ui = serve;
        self
    }

    /// Whether the web page is served when the emulator listens on an address other than
    /// loopback (default off). The page has no login: anyone who reaches the address can read
    /// the state and the request log and change them (its forms still refuse other sites).
    pub fn ui_on_any_address(mut self, serve: bool) -> Self {
        self.ui_on_any_address = serve;
        self
    }

    /// Starts from `snapshot` instead of no accounts. It is checked whole here (see
    /// [`Snapshot`]); the error says what is wrong and where.
    pub fn import_state(mut self, snapshot: Snapshot) -> Result<Self, SnapshotError> {
        let mut world = state::World::new(
            state::Limits {
                friend_page_size: self.friend_page_size,
            },
            self.admin.clone(),
        );
        world.import_snapshot(snapshot.clone())?;
        self.initial_state = Some(InitialState(snapshot));
        Ok(self)
    }

    /// Binds and starts serving on the current tokio runtime.
    pub async fn start(self) -> std::io::Result<RunningEmulator> {
        let webhooks = match self.webhook.map(|target| (target.url, target.token)) {
            Some((url, token)) => Some(webhooks::Sender::new(
                webhooks::WebhookConfig {
                    url,
                    token,
                    timeout: self.webhook_timeout,
                    queue: self.webhook_queue,
                },
                self.sdkappid,
                Arc::clone(&self.clock),
            )?),
            None => None,
        };
        let (webhooks, deliveries) = match webhooks {
            Some((sender, deliveries)) => (Some(Arc::new(sender)), Some(deliveries)),
            None => (None, None),
        };
        let listener = TcpListener::bind(self.listen).await?;
        let addr = listener.local_addr()?;
        let mut world = state::World::new(
            state::Limits {
                friend_page_size: self.friend_page_size,
            },
            self.admin.clone(),
        );
        if let Some(InitialState(snapshot)) = self.initial_state {
            world
                .import_snapshot(snapshot)
                .map_err(|err| std::io::Error::new(std::io::ErrorKind::InvalidData, err))?;
        }
        world.outbox.enabled = webhooks.is_some();
        let page = (self.ui && (addr.ip().is_loopback() || self.ui_on_any_address))
            .then(|| ui::Guard::new(addr, !addr.ip().is_loopback()))
            .flatten();
        let app = Arc::new(server::App {
            signer: tencent_im_core::usersig::UserSigSigner::new(
                self.sdkappid,
                self.secret_key.clone(),
            ),
            admin: self.admin.clone(),
            clock: self.clock,
            world: Mutex::new(world),
            log: request_log::RequestLog::new(self.request_log_capacity, self.request_log_bytes),
            routes: server::served_routes(self.routes, self.rate_limit),
            control_limits: webhooks::http::ControlLimits::new(self.rate_limit),
            webhooks: webhooks.clone(),
            faults: faults::FaultInjector::new(
                self.faults,
                self.fault_seed.unwrap_or_else(|| fastrand::u64(..)),
            ),
            lockouts: lockout::Lockouts::new(self.sig_lockout),
            bodies: net::BodyBudget::new(self.limits.body_memory_bytes),
            limits: self.limits.clone(),
        });
        let (stop, stopped) = oneshot::channel::<()>();
        let ui = page.is_some();
        let router = server::router(Arc::clone(&app), page);
        let limits = self.limits;
        let task = tokio::spawn(async move {
            // A dropped sender stops the server as a sent signal does.
            let stop = async {
                let _ = stopped.await;
            };
            net::serve(listener, router, &limits, stop).await;
        });
        let delivery = match (webhooks, deliveries) {
            (Some(sender), Some(deliveries)) => {
                let (stop, stopped) = oneshot::channel::<()>();
                let task = tokio::spawn(webhooks::deliver(sender, deliveries, stopped));
                Some((stop, task))
            }
            _ => None,
        };
        Ok(RunningEmulator {
            addr,
            sdkappid: self.sdkappid,
            secret_key: self.secret_key,
            admin: self.admin,
            ui,
            app,
            stop: Some(stop),
            task: Some(task),
            delivery,
        })
    }
}

/// A running emulator. Dropping it stops the server.
#[derive(Debug)]
pub struct RunningEmulator {
    addr: SocketAddr,
    sdkappid: u64,
    secret_key: SecretKey,
    admin: String,
    ui: bool,
    app: Arc<server::App>,
    stop: Option<oneshot::Sender<()>>,
    task: Option<JoinHandle<()>>,
    /// The webhook delivery task and its stop signal.
    delivery: Option<(oneshot::Sender<()>, JoinHandle<()>)>,
}

impl RunningEmulator {
    /// The webhook sender's counts and latest deliveries (see [`EmulatorBuilder::webhook`]);
    /// what `GET /emulator/webhooks` answers. Neither the token nor a `Sign` is in it.
    pub fn webhook_status(&self) -> WebhookStatus {
        self.app
            .webhooks
            .as_ref()
            .map_or_else(WebhookStatus::off, |sender| sender.status())
    }

    /// The accounts whose friend requests to `account` wait for its answer, oldest first
    /// (answer them with [`control::ClientFriendResponse`]).
    pub fn friend_requests_to(&self, account: &str) -> Vec<String> {
        self.world().friend_requests_to(account)
    }

    /// The address it listens on.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// `http://127.0.0.1:PORT`, for `IM_BASE_URL` or `ClientBuilder::base_url`.
    pub fn base_url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// The web page's address, `http://127.0.0.1:PORT/`, when it is served (see
    /// [`EmulatorBuilder::ui`]).
    pub fn ui_url(&self) -> Option<String> {
        self.ui.then(|| format!("http://{}/", self.addr))
    }

    /// The SDKAppID it serves.
    pub fn sdkappid(&self) -> u64 {
        self.sdkappid
    }

    /// The admin identifier it accepts.
    pub fn admin(&self) -> &str {
        &self.admin
    }

    /// The secret key it verifies with.
    pub fn secret_key(&self) -> &SecretKey {
        &self.secret_key
    }

    /// A client builder already pointed at this emulator with its app and admin.
    pub fn client_builder(&self) -> tencent_im_core::ClientBuilder {
        Client::builder(self.sdkappid, self.secret_key.clone(), self.admin.clone())
            .base_url(self.base_url())
    }

    /// A client for this emulator.
    pub fn client(&self) -> Result<Client, tencent_im_core::Error> {
        self.client_builder().build()
    }

    /// The friends of `account` in friend_get order (empty for an unknown account).
    pub fn friends_of(&self, account: &str) -> Vec<String> {
        self.world()
            .friends_of(account)
            .map(str::to_owned)
            .collect()
    }

    /// The accounts that follow `account`, sorted.
    pub fn fans_of(&self, account: &str) -> Vec<String> {
        self.world().fans_of(account)
    }

    /// The latest authenticated requests that decoded (at most the builder's
    /// [`request_log_capacity`](EmulatorBuilder::request_log_capacity)), oldest first.
    pub fn requests(&self) -> Vec<RequestRecord> {
        self.app.log.records()
    }

    /// Makes the next request meet `fault`, ahead of the random plan (queued in order).
    pub fn inject(&self, fault: Fault) {
        self.app.faults.script(fault);
    }

    /// Replaces the fault plan: the next request rolls against `plan` (faults queued with
    /// [`inject`](Self::inject) still come first).
    pub fn set_faults(&self, plan: FaultPlan) {
        self.app.faults.set_plan(plan);
    }

    /// The fault plan requests roll against.
    pub fn faults(&self) -> FaultPlan {
        self.app.faults.plan()
    }

    /// The whole state (see [`Snapshot`]).
    pub fn export_state(&self) -> Snapshot {
        self.world().export_snapshot()
    }

    /// Replaces the whole state with `snapshot`, once all of it has been checked; on an error
    /// nothing changes.
    pub fn import_state(&self, snapshot: Snapshot) -> Result<(), SnapshotError> {
        self.world().import_snapshot(snapshot)
    }

    /// Forgets every account.
    pub fn reset_state(&self) {
        self.world().clear();
    }

    /// How many faults have been injected so far.
    pub fn faults_injected(&self) -> u64 {
        self.app.faults.injected()
    }

    /// Forgets the recorded requests.
    pub fn clear_requests(&self) {
        self.app.log.clear();
    }

    /// The bytes the recorded requests count against
    /// [`request_log_bytes`](EmulatorBuilder::request_log_bytes).
    pub fn logged_bytes(&self) -> usize {
        self.app.log.bytes()
    }

    /// Whether `account` is imported.
    pub fn has_account(&self, account: &str) -> bool {
        self.world().has_account(account)
    }

    /// Sets an account's `AllowType` directly (the service sets it through the profile calls).
    /// Returns `false` for an unknown account.
    pub fn set_allow_type(&self, account: &str, allow_type: AllowType) -> bool {
        self.world().set_allow_type(account, allow_type)
    }

    fn world(&self) -> MutexGuard<'_, World> {
        self.app
            .world
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
    }

    /// Stops accepting connections, lets the requests in flight finish for up to the
    /// [`shutdown_timeout`](ServerLimits::shutdown_timeout), closes the connections still open
    /// after it (a client stalled mid-request included), and returns.
    pub async fn shutdown(mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(task) = self.task.take() {
            let _ = task.await;
        }
        // Events still queued are not sent; one being sent is abandoned.
        if let Some((stop, task)) = self.delivery.take() {
            let _ = stop.send(());
            let _ = task.await;
        }
    }
}

impl RunningEmulator {
    /// [`shutdown`](Self::shutdown), then the state as the last requests left it.
    pub async fn shutdown_and_export(self) -> Snapshot {
        let app = Arc::clone(&self.app);
        self.shutdown().await;
        let world = app.world.lock().unwrap_or_else(PoisonError::into_inner);
        world.export_snapshot()
    }
}

impl Drop for RunningEmulator {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(task) = self.task.take() {
            task.abort();
        }
        if let Some((_, task)) = self.delivery.take() {
            task.abort();
        }
    }
}
