//! HTTP front of the emulator: query and UserSig checks, body decoding, dispatch, envelope.

use std::num::NonZeroU32;
use std::sync::{Arc, Mutex, PoisonError};

use axum::body::Bytes;
use axum::http::{header, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use axum::Router;
use im_core::envelope::Envelope;
use im_core::rate::PathLimiters;
use im_core::usersig::{self, UserSigError, UserSigSigner};
use im_core::{Clock, Endpoint, ErrorCode};
use serde::de::DeserializeOwned;
use serde::Serialize;

use crate::faults::{Fault, FaultInjector};
use crate::state::{self, Refusal, World};

/// What every request handler shares.
pub(crate) struct App {
    pub signer: UserSigSigner,
    pub admin: String,
    pub clock: Arc<dyn Clock>,
    pub world: Mutex<World>,
    pub log: Mutex<Vec<RequestRecord>>,
    /// `None` when rate limiting is off.
    pub limiters: Option<PathLimiters>,
    pub faults: FaultInjector,
}

/// The documented rate of every path the emulator serves, from the SDK's own endpoint types.
fn documented_rate(path: &str) -> Option<(&'static str, NonZeroU32)> {
    use im_accounts::*;
    use im_friends::*;
    fn entry<E: Endpoint>() -> (&'static str, NonZeroU32) {
        (E::PATH, E::RATE)
    }
    const PROFILE_RATE: NonZeroU32 = match NonZeroU32::new(200) {
        Some(rate) => rate,
        None => unreachable!(),
    };
    [
        entry::<AccountImport>(),
        entry::<MultiaccountImport>(),
        entry::<AccountCheck>(),
        entry::<AccountDelete>(),
        entry::<FriendImport>(),
        entry::<FriendAdd>(),
        entry::<FriendGet>(),
        entry::<FriendUpdate>(),
        entry::<FriendDelete>(),
        entry::<FriendDeleteAll>(),
        entry::<FriendCheck>(),
        entry::<FriendGetList>(),
        entry::<BlackListAdd>(),
        entry::<BlackListDelete>(),
        entry::<BlackListGet>(),
        entry::<BlackListCheck>(),
        entry::<GroupAdd>(),
        entry::<GroupDelete>(),
        entry::<GroupGet>(),
        ("v4/profile/portrait_set", PROFILE_RATE),
        ("v4/profile/portrait_get", PROFILE_RATE),
    ]
    .into_iter()
    .find(|(known, _)| *known == path)
}

/// One authenticated request with a JSON body, as the emulator saw it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RequestRecord {
    /// The API path, e.g. `v4/sns/friend_import`.
    pub path: String,
    /// `From_Account`, when the body has one.
    pub from_account: Option<String>,
    /// The length of the body's item list (`AddFriendItem`, `To_Account`, `Accounts`, ...).
    pub items: usize,
}

/// The list fields whose length a [`RequestRecord`] keeps.
const ITEM_FIELDS: [&str; 7] = [
    "AddFriendItem",
    "UpdateItem",
    "To_Account",
    "Accounts",
    "CheckItem",
    "DeleteItem",
    "GroupName",
];

fn record(path: &str, body: &serde_json::Value) -> RequestRecord {
    RequestRecord {
        path: path.to_owned(),
        from_account: body
            .get("From_Account")
            .and_then(serde_json::Value::as_str)
            .map(str::to_owned),
        items: ITEM_FIELDS
            .iter()
            .find_map(|key| body.get(*key).and_then(serde_json::Value::as_array))
            .map_or(0, Vec::len),
    }
}

pub(crate) fn router(app: Arc<App>) -> Router {
    Router::new()
        .route("/{*path}", post(handle))
        .fallback(not_found)
        .with_state(app)
}

async fn not_found() -> Response {
    reply_refusal(Refusal::new(
        ErrorCode::BAD_RESOURCE_URL,
        "Err_Bad_Resource_Url: POST v4/{service}/{command}",
    ))
}

async fn handle(
    axum::extract::State(app): axum::extract::State<Arc<App>>,
    uri: Uri,
    body: Bytes,
) -> Response {
    let path = uri.path().trim_start_matches('/');
    if let (Some(limiters), Some((path, rate))) = (&app.limiters, documented_rate(path)) {
        if limiters.try_acquire(path, rate).is_err() {
            return reply_refusal(Refusal::new(
                ErrorCode::REST_RATE_LIMITED,
                format!("Err_Rest_Frequency_Limit: more than {rate} calls per second to {path}"),
            ));
        }
    }
    let fault = app.faults.next();
    match fault {
        Some(Fault::Http502) => {
            return (
                StatusCode::BAD_GATEWAY,
                [(header::CONTENT_TYPE, "text/html")],
                "<html><head><title>502 Bad Gateway</title></head><body><center><h1>502 Bad Gateway</h1></center></body></html>",
            )
                .into_response()
        }
        Some(Fault::Code(code)) => {
            return reply_refusal(Refusal::new(code, "Err_Injected_Fault"));
        }
        Some(Fault::Reset) => return cut_off(Vec::new()),
        Some(Fault::Delay(delay)) => tokio::time::sleep(delay).await,
        Some(Fault::Truncate | Fault::Lost) | None => {}
    }
    let json = match app.serve(path, uri.query().unwrap_or(""), &body) {
        Ok(json) => json,
        Err(refusal) => refusal_json(refusal),
    };
    match fault {
        Some(Fault::Truncate) => {
            let half = json.len() / 2;
            cut_off(json[..half].to_vec())
        }
        Some(Fault::Lost) => cut_off(Vec::new()),
        _ => json_response(json),
    }
}

/// A 200 answer whose body stops after `head` with a broken connection.
fn cut_off(head: Vec<u8>) -> Response {
    let chunks: Vec<Result<Bytes, std::io::Error>> = vec![
        Ok(Bytes::from(head)),
        Err(std::io::Error::new(
            std::io::ErrorKind::ConnectionReset,
            "injected fault: connection cut",
        )),
    ];
    (
        StatusCode::OK,
        [(header::CONTENT_TYPE, "application/json")],
        axum::body::Body::from_stream(futures::stream::iter(chunks)),
    )
        .into_response()
}

/// The service family of a path decides the code of an admin-only refusal.
fn admin_code(path: &str) -> ErrorCode {
    if path.starts_with("v4/sns/") {
        ErrorCode::SNS_ADMIN_REQUIRED
    } else if path.starts_with("v4/im_open_login_svc/") {
        ErrorCode::ACCOUNT_ADMIN_REQUIRED
    } else {
        ErrorCode::ADMIN_REQUIRED
    }
}

impl App {
    fn serve(&self, path: &str, query: &str, body: &[u8]) -> Result<Vec<u8>, Refusal> {
        self.authenticate(path, query)?;
        let value: serde_json::Value = serde_json::from_slice(body).map_err(|err| {
            Refusal::new(
                ErrorCode::JSON_PARSE_ERROR,
                format!("Err_Json_Parse: the body is not JSON ({err})"),
            )
        })?;
        if !value.is_object() {
            return Err(Refusal::new(
                ErrorCode::JSON_PARSE_ERROR,
                "Err_Json_Parse: the body must be a JSON object",
            ));
        }
        self.log
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .push(record(path, &value));
        let now = self.clock.unix_now() as i64;
        let mut world = self.world.lock().unwrap_or_else(PoisonError::into_inner);
        match path {
            "v4/im_open_login_svc/account_import" => reply(world.account_import(decode(value)?)),
            "v4/im_open_login_svc/multiaccount_import" => {
                reply(world.multiaccount_import(decode(value)?))
            }
            "v4/im_open_login_svc/account_check" => reply(world.account_check(decode(value)?)),
            "v4/im_open_login_svc/account_delete" => reply(world.account_delete(decode(value)?)),
            "v4/sns/friend_import" => {
                require_from_account(&value)?;
                reply(world.friend_import(decode(value)?, now))
            }
            "v4/sns/friend_add" => {
                require_from_account(&value)?;
                reply(world.friend_add(decode(value)?, now))
            }
            "v4/sns/friend_get" => {
                require_from_account(&value)?;
                reply(world.friend_get(decode(value)?))
            }
            "v4/sns/friend_update" => {
                require_from_account(&value)?;
                reply(world.friend_update(decode(value)?))
            }
            "v4/sns/friend_delete" => {
                require_from_account(&value)?;
                reply(world.friend_delete(decode(value)?))
            }
            "v4/sns/friend_delete_all" => {
                require_from_account(&value)?;
                reply(world.friend_delete_all(decode(value)?))
            }
            "v4/sns/friend_check" => {
                require_from_account(&value)?;
                reply(world.friend_check(decode(value)?))
            }
            "v4/sns/friend_get_list" => {
                require_from_account(&value)?;
                reply(world.friend_get_list(decode(value)?))
            }
            "v4/sns/black_list_add" => {
                require_from_account(&value)?;
                reply(world.black_list_add(decode(value)?, now))
            }
            "v4/sns/black_list_delete" => {
                require_from_account(&value)?;
                reply(world.black_list_delete(decode(value)?))
            }
            "v4/sns/black_list_get" => {
                require_from_account(&value)?;
                reply(world.black_list_get(decode(value)?))
            }
            "v4/sns/black_list_check" => {
                require_from_account(&value)?;
                reply(world.black_list_check(decode(value)?))
            }
            "v4/sns/group_add" => {
                require_from_account(&value)?;
                reply(world.group_add(decode(value)?))
            }
            "v4/sns/group_delete" => {
                require_from_account(&value)?;
                reply(world.group_delete(decode(value)?))
            }
            "v4/sns/group_get" => {
                require_from_account(&value)?;
                reply(world.group_get(decode(value)?))
            }
            "v4/profile/portrait_set" => {
                require_from_account(&value)?;
                reply(world.portrait_set(decode::<state::profile::PortraitSet>(value)?))
            }
            "v4/profile/portrait_get" => {
                reply(world.portrait_get(decode::<state::profile::PortraitGet>(value)?))
            }
            _ => Err(Refusal::new(
                ErrorCode::BAD_RESOURCE_URL,
                format!("Err_Bad_Resource_Url: {path} is not served by this emulator"),
            )),
        }
    }

    /// Checks the query string and the admin UserSig the way the service does.
    fn authenticate(&self, path: &str, query: &str) -> Result<(), Refusal> {
        let mut sdkappid = None;
        let mut identifier = None;
        let mut sig = None;
        for (name, value) in url::form_urlencoded::parse(query.as_bytes()) {
            match &*name {
                "sdkappid" => sdkappid = Some(value.into_owned()),
                "identifier" => identifier = Some(value.into_owned()),
                "usersig" => sig = Some(value.into_owned()),
                "random" if value.parse::<u32>().is_err() => {
                    return Err(Refusal::new(
                        ErrorCode::URL_PARSE_ERROR,
                        "Err_Url_Parse: random must be an unsigned 32-bit integer",
                    ));
                }
                _ => {}
            }
        }
        let sdkappid = sdkappid.ok_or_else(|| {
            Refusal::new(
                ErrorCode::SDKAPPID_MISSING,
                "Err_Sdkappid_Missing: sdkappid is required",
            )
        })?;
        let sdkappid: u64 = sdkappid.parse().map_err(|_| {
            Refusal::new(
                ErrorCode::URL_PARSE_ERROR,
                "Err_Url_Parse: sdkappid must be an integer",
            )
        })?;
        if sdkappid != self.signer.sdkappid() {
            return Err(Refusal::new(
                ErrorCode::SDKAPPID_NOT_FOUND,
                format!("Err_Sdkappid_Not_Found: {sdkappid} is not this emulator's SDKAppID"),
            ));
        }
        let identifier = identifier.unwrap_or_default();
        let sig = sig.unwrap_or_default();
        if sig.is_empty() {
            return Err(Refusal::new(ErrorCode::USERSIG_EMPTY, "Err_UserSig_Empty"));
        }
        // A userbuf in the admin sig is accepted as long as the HMAC covers it.
        let userbuf = usersig::decode(&sig)
            .map_err(sig_refusal)?
            .userbuf
            .map(|b64| {
                use base64::Engine as _;
                base64::engine::general_purpose::STANDARD.decode(b64)
            })
            .transpose()
            .map_err(|_| Refusal::new(ErrorCode::USERSIG_MALFORMED, "Err_UserSig_Bad_UserBuf"))?;
        self.signer
            .verify(&sig, &identifier, self.clock.unix_now(), userbuf.as_deref())
            .map_err(sig_refusal)?;
        if identifier != self.admin {
            return Err(Refusal::new(
                admin_code(path),
                format!("Err_Admin_Required: {identifier:?} is not the app admin"),
            ));
        }
        Ok(())
    }
}

fn sig_refusal(err: UserSigError) -> Refusal {
    let code = match err {
        UserSigError::Empty => ErrorCode::USERSIG_EMPTY,
        UserSigError::SdkAppIdMismatch { .. } => ErrorCode::USERSIG_SDKAPPID_MISMATCH,
        UserSigError::IdentifierMismatch { .. } => ErrorCode::USERSIG_IDENTIFIER_MISMATCH,
        UserSigError::Expired { .. } => ErrorCode::USERSIG_EXPIRED,
        UserSigError::SignatureMismatch | UserSigError::UserBufMismatch => {
            ErrorCode::USERSIG_HMAC_MISMATCH
        }
        _ => ErrorCode::USERSIG_MALFORMED,
    };
    Refusal::new(code, err.to_string())
}

fn require_from_account(value: &serde_json::Value) -> Result<(), Refusal> {
    match value.get("From_Account") {
        Some(serde_json::Value::String(_)) => Ok(()),
        Some(_) => Err(Refusal::new(
            ErrorCode::ACCOUNT_NOT_STRING,
            "Err_Account_Not_String: From_Account must be a string",
        )),
        None => Err(Refusal::new(
            ErrorCode::SNS_BAD_PARAMETER,
            "Err_SNS_Param: From_Account is required",
        )),
    }
}

fn decode<T: DeserializeOwned>(value: serde_json::Value) -> Result<T, Refusal> {
    serde_json::from_value(value).map_err(|err| {
        Refusal::new(
            ErrorCode::SNS_BAD_PARAMETER,
            format!("Err_Param: the body does not match the call ({err})"),
        )
    })
}

/// A success: the call's fields, then the envelope, as the service orders them.
#[derive(Serialize)]
struct Reply<'a, R> {
    #[serde(flatten)]
    body: &'a R,
    #[serde(flatten)]
    envelope: Envelope,
}

fn reply<R: Serialize>(outcome: Result<R, Refusal>) -> Result<Vec<u8>, Refusal> {
    let body = outcome?;
    serde_json::to_vec(&Reply {
        body: &body,
        envelope: Envelope::ok(),
    })
    .map_err(|err| Refusal::new(ErrorCode::RESPONSE_JSON_ERROR, err.to_string()))
}

fn refusal_json(refusal: Refusal) -> Vec<u8> {
    serde_json::to_vec(&Envelope::fail(refusal.code, refusal.info)).unwrap_or_default()
}

pub(crate) fn reply_refusal(refusal: Refusal) -> Response {
    json_response(refusal_json(refusal))
}

fn json_response(json: Vec<u8>) -> Response {
    (
        StatusCode::OK,
        [(header::CONTENT_TYPE, "application/json")],
        json,
    )
        .into_response()
}
