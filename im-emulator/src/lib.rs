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
//! # Semantics
//!
//! Each account starts with `AllowType_Type_NeedConfirm`, as on the service. Limits: 3000
//! friends, 32 friend groups, 1000 blocklist entries, 1000 items per sns request and 100 per
//! account request. Per-item failures are listed in `Fail_Account`; an unknown `From_Account`
//! fails the whole request with 30003.
//!
//! - Accounts: `account_import` is idempotent; `multiaccount_import` lists invalid UserIDs in
//!   `FailAccounts`; `account_check` answers `Imported` / `NotImported`; `account_delete` removes
//!   the account and every relation other accounts hold with it (70107 per item when unknown).
//! - `friend_import`: one way; per item: unknown account 30003, self or already a friend 30001,
//!   3000 friends 30010, more than 32 groups 30011.
//! - `friend_add`: `Add_Type_Both` (default) makes both sides, `Add_Type_Single` one. Without
//!   `ForceAddFlags: 1` the target's AllowType applies: NeedConfirm answers 30539 (pending, no
//!   friendship), DenyAny 30516. Already a friend (both sides for Both): 30001; target in my
//!   blocklist: 30515; I am in the target's blocklist: 30525 (forced or not); 3000 friends: 30010
//!   (mine) or 30014 (the target's). An item without `AddSource` is accepted.
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
//! - `v4/profile/portrait_set` / `portrait_get` handle `Tag_Profile_IM_AllowType` and
//!   `Tag_Profile_IM_Nick` (other tags: 40001; unknown account: 40003), so that AllowType can
//!   be changed over the wire.
#![deny(missing_docs)]
#![warn(clippy::unwrap_used, clippy::expect_used)]

mod faults;
mod lockout;
mod net;
mod request_log;
mod routes;
mod server;
mod state;
mod world;

use std::net::SocketAddr;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

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
pub use state::{AllowType, Refusal, World};

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
        })
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
}

impl EmulatorBuilder {
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

    /// Binds and starts serving on the current tokio runtime.
    pub async fn start(self) -> std::io::Result<RunningEmulator> {
        let listener = TcpListener::bind(self.listen).await?;
        let addr = listener.local_addr()?;
        let app = Arc::new(server::App {
            signer: tencent_im_core::usersig::UserSigSigner::new(
                self.sdkappid,
                self.secret_key.clone(),
            ),
            admin: self.admin.clone(),
            clock: self.clock,
            world: Mutex::new(state::World::new(state::Limits {
                friend_page_size: self.friend_page_size,
            })),
            log: request_log::RequestLog::new(self.request_log_capacity, self.request_log_bytes),
            routes: server::served_routes(self.routes, self.rate_limit),
            faults: faults::FaultInjector::new(
                self.faults,
                self.fault_seed.unwrap_or_else(|| fastrand::u64(..)),
            ),
            lockouts: lockout::Lockouts::new(self.sig_lockout),
            bodies: net::BodyBudget::new(self.limits.body_memory_bytes),
            limits: self.limits.clone(),
        });
        let (stop, stopped) = oneshot::channel::<()>();
        let router = server::router(Arc::clone(&app));
        let limits = self.limits;
        let task = tokio::spawn(async move {
            // A dropped sender stops the server as a sent signal does.
            let stop = async {
                let _ = stopped.await;
            };
            net::serve(listener, router, &limits, stop).await;
        });
        Ok(RunningEmulator {
            addr,
            sdkappid: self.sdkappid,
            secret_key: self.secret_key,
            admin: self.admin,
            app,
            stop: Some(stop),
            task: Some(task),
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
    app: Arc<server::App>,
    stop: Option<oneshot::Sender<()>>,
    task: Option<JoinHandle<()>>,
}

impl RunningEmulator {
    /// The address it listens on.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// `http://127.0.0.1:PORT`, for `IM_BASE_URL` or `ClientBuilder::base_url`.
    pub fn base_url(&self) -> String {
        format!("http://{}", self.addr)
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
    }
}
