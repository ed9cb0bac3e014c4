//! Serving by endpoint type. A registered [`Endpoint`] brings its path, its documented rate,
//! the type its body decodes into and the type of its answer, so none of them can be paired
//! with another call's. The SDK's own calls are registered here, the way a user registers one.

use std::any::TypeId;
use std::collections::HashMap;
use std::fmt;
use std::net::IpAddr;
use std::num::NonZeroU32;
use std::sync::Arc;

use axum::body::Bytes;
use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::error::Category;
use serde_path_to_error::Segment;
use tencent_im_accounts::{AccountCheck, AccountDelete, AccountImport, MultiaccountImport};
use tencent_im_core::envelope::Envelope;
use tencent_im_core::{Endpoint, ErrorCode};
use tencent_im_follow::{FollowAdd, FollowCheck, FollowDelete, FollowGet, FollowGetInfo};
use tencent_im_friends::{
    BlackListAdd, BlackListCheck, BlackListDelete, BlackListGet, FriendAdd, FriendCheck,
    FriendDelete, FriendDeleteAll, FriendGet, FriendGetList, FriendImport, FriendUpdate, GroupAdd,
    GroupDelete, GroupGet,
};
use tencent_im_profile::{PortraitGet, PortraitSet};

use crate::server::{App, Family};
use crate::state::{Refusal, World};
use crate::webhooks::Origin;
use crate::EmulatorBuilder;

/// Registers every call the SDK ships.
pub(crate) fn sdk_calls(builder: EmulatorBuilder) -> EmulatorBuilder {
    builder
        .serve::<AccountImport>(|world, req, _| world.account_import(req))
        .serve::<MultiaccountImport>(|world, req, _| world.multiaccount_import(req))
        .serve::<AccountCheck>(|world, req, _| world.account_check(req))
        .serve::<AccountDelete>(|world, req, _| world.account_delete(req))
        .serve::<FriendImport>(|world, req, call| world.friend_import(req, call.now()))
        .serve::<FriendAdd>(|world, req, call| world.friend_add(req, call.now()))
        .serve::<FriendGet>(|world, req, _| world.friend_get(req))
        .serve::<FriendUpdate>(|world, req, _| world.friend_update(req))
        .serve::<FriendDelete>(|world, req, _| world.friend_delete(req))
        .serve::<FriendDeleteAll>(|world, req, _| world.friend_delete_all(req))
        .serve::<FriendCheck>(|world, req, _| world.friend_check(req))
        .serve::<FriendGetList>(|world, req, _| world.friend_get_list(req))
        .serve::<BlackListAdd>(|world, req, call| world.black_list_add(req, call.now()))
        .serve::<BlackListDelete>(|world, req, _| world.black_list_delete(req))
        .serve::<BlackListGet>(|world, req, _| world.black_list_get(req))
        .serve::<BlackListCheck>(|world, req, _| world.black_list_check(req))
        .serve::<GroupAdd>(|world, req, _| world.group_add(req))
        .serve::<GroupDelete>(|world, req, _| world.group_delete(req))
        .serve::<GroupGet>(|world, req, _| world.group_get(req))
        .serve::<PortraitSet>(|world, req, _| world.portrait_set(req))
        .serve::<PortraitGet>(|world, req, _| world.portrait_get(req))
        .serve::<FollowAdd>(|world, req, call| world.follow_add(req, call.now()))
        .serve::<FollowDelete>(|world, req, _| world.follow_delete(req))
        .serve::<FollowGet>(|world, req, _| world.follow_get(req))
        .serve::<FollowCheck>(|world, req, _| world.follow_check(req))
        .serve::<FollowGetInfo>(|world, req, _| world.follow_get_info(req))
}

/// What a handler knows about a call besides its request.
#[derive(Debug, Clone)]
pub struct CallContext {
    now: i64,
}

impl CallContext {
    /// The emulator clock's time (see [`EmulatorBuilder::clock`]) when the call arrived, in
    /// seconds since the Unix epoch: for add times and other timestamps the call records.
    pub fn now(&self) -> i64 {
        self.now
    }
}

/// A registered call with its types erased: the body's bytes and the caller's address in, the
/// reply's bytes out.
type Serve = dyn Fn(&App, &Bytes, IpAddr) -> Result<Vec<u8>, Refusal> + Send + Sync;

/// One registered call.
#[derive(Clone)]
pub(crate) struct Route {
    /// `E::RATE`, from which the emulator makes the path's limiter when it starts.
    pub(crate) rate: NonZeroU32,
    /// `E` and its name, with which the request log reads a body back as its request.
    pub(crate) endpoint: (TypeId, &'static str),
    pub(crate) serve: Arc<Serve>,
}

/// The registered calls by path.
#[derive(Clone, Default)]
pub(crate) struct Routes(HashMap<&'static str, Route>);

impl fmt::Debug for Routes {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut paths: Vec<&str> = self.0.keys().copied().collect();
        paths.sort_unstable();
        f.debug_set().entries(paths).finish()
    }
}

impl Routes {
    /// Serves `E::PATH` with `handler`, replacing what was registered there before.
    pub(crate) fn insert<E, H>(&mut self, handler: H)
    where
        E: Endpoint + DeserializeOwned + Send + Sync + 'static,
        E::Response: Serialize,
        H: Fn(&mut World, E, &CallContext) -> Result<E::Response, Refusal> + Send + Sync + 'static,
    {
        // Decoding and encoding happen outside the lock on the world, so that concurrent
        // requests overlap everywhere but on the state.
        let serve = move |app: &App, body: &Bytes, caller: IpAddr| {
            let request: E = decode(E::PATH, body)?;
            let now = app.clock.unix_now();
            let call = CallContext { now: now as i64 };
            let answer = app.apply(now, &Origin::rest(caller), |world| {
                handler(world, request, &call)
            })?;
            encode(&answer)
        };
        self.0.insert(
            E::PATH,
            Route {
                rate: E::RATE,
                endpoint: (TypeId::of::<E>(), std::any::type_name::<E>()),
                serve: Arc::new(serve),
            },
        );
    }

    pub(crate) fn into_inner(self) -> HashMap<&'static str, Route> {
        self.0
    }
}

/// Reads the body as `E`, answering as the service does when it cannot: 60003 for anything but
/// one well-formed JSON object, 60015 for an account that is not a string, and the family's
/// bad-parameter code for any other mismatch (a missing field, a value of the wrong type).
pub(crate) fn decode<E: DeserializeOwned>(path: &str, body: &[u8]) -> Result<E, Refusal> {
    if body.iter().find(|b| !b.is_ascii_whitespace()) != Some(&b'{') {
        return Err(not_json("the body must be a JSON object"));
    }
    serde_json::from_slice(body).map_err(|err| match err.classify() {
        Category::Data => mismatch::<E>(path, body, err),
        Category::Syntax | Category::Eof | Category::Io => not_json(err),
    })
}

fn not_json(reason: impl fmt::Display) -> Refusal {
    Refusal::new(
        ErrorCode::JSON_PARSE_ERROR,
        format!("Err_Json_Parse: {reason}"),
    )
}

/// The refusal of a body that is JSON but not an `E`. Only failing requests come here, so the
/// cost of finding where the body went wrong is not paid by the others.
fn mismatch<E: DeserializeOwned>(path: &str, body: &[u8], err: serde_json::Error) -> Refusal {
    // The typed decode stops at the first mismatch; the service reads the whole body first,
    // so a syntax error further on is still 60003.
    let json: serde_json::Value = match serde_json::from_slice(body) {
        Ok(json) => json,
        Err(err) => return not_json(err),
    };
    let Err(tracked) = serde_path_to_error::deserialize::<_, E>(&json) else {
        return Refusal::new(
            Family::of(path).bad_parameter_code(),
            format!("Err_Param: the body does not match the call ({err})"),
        );
    };
    let field = tracked.path();
    if holds_a_non_string_account(field.iter(), &json) {
        return Refusal::new(
            ErrorCode::ACCOUNT_NOT_STRING,
            format!("Err_Account_Not_String: {field} must be a string"),
        );
    }
    let problem = tracked.inner();
    let info = match field.iter().next() {
        None => format!("Err_Param: {problem}"),
        Some(_) => format!("Err_Param: {field}: {problem}"),
    };
    Refusal::new(Family::of(path).bad_parameter_code(), info)
}

/// Whether the value at `field` is an account (a member named `*_Account`, or an element of one)
/// that is not a string.
fn holds_a_non_string_account<'a>(
    field: impl Iterator<Item = &'a Segment>,
    json: &serde_json::Value,
) -> bool {
    let mut value = json;
    let mut account = false;
    for segment in field {
        let next = match segment {
            Segment::Map { key } => {
                account = key.ends_with("_Account");
                value.get(key)
            }
            // An element of an account list is an account too.
            Segment::Seq { index } => value.get(index),
            _ => None,
        };
        match next {
            Some(next) => value = next,
            None => return false,
        }
    }
    account && !value.is_string()
}

/// A success: the call's fields, then the envelope, as the service orders them.
#[derive(Serialize)]
struct Reply<'a, R> {
    #[serde(flatten)]
    body: &'a R,
    #[serde(flatten)]
    envelope: Envelope,
}

pub(crate) fn encode<R: Serialize>(answer: &R) -> Result<Vec<u8>, Refusal> {
    serde_json::to_vec(&Reply {
        body: answer,
        envelope: Envelope::ok(),
    })
    .map_err(|err| Refusal::new(ErrorCode::RESPONSE_JSON_ERROR, err.to_string()))
}

impl App {
    /// Runs `handler` on the world, then queues the webhooks it caused, within one hold of the
    /// lock: events leave in the order the world changed, and no I/O happens under the lock.
    pub(crate) fn apply<T>(
        &self,
        now: u64,
        origin: &Origin,
        handler: impl FnOnce(&mut World) -> T,
    ) -> T {
        let mut world = self.world();
        world.outbox.begin(now);
        let answer = handler(&mut world);
        if let Some(sender) = &self.webhooks {
            sender.enqueue(world.outbox.drain(), origin);
        }
        answer
    }
}
