//! HTTP front of the emulator: query and UserSig checks, body decoding, dispatch, envelope.

use std::num::NonZeroU32;
use std::sync::{Arc, Mutex, PoisonError};

use axum::body::Bytes;
use axum::http::{header, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use axum::Router;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use tencent_im_core::envelope::Envelope;
use tencent_im_core::rate::PathLimiters;
use tencent_im_core::usersig::{self, UserSigError, UserSigSigner};
use tencent_im_core::{Clock, Endpoint, ErrorCode};

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

impl std::fmt::Debug for App {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("App")
            .field("admin", &self.admin)
            .finish_non_exhaustive()
    }
}

/// The documented rate of every path the emulator serves, from the SDK's own endpoint types.
fn documented_rate(path: &str) -> Option<(&'static str, NonZeroU32)> {
    use tencent_im_accounts::*;
    use tencent_im_friends::*;
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
        // One light pass checks the JSON and reads what the log and the account checks need;
        // the typed request is then decoded straight from the bytes.
        if body.iter().find(|b| !b.is_ascii_whitespace()) != Some(&b'{') {
            return Err(Refusal::new(
                ErrorCode::JSON_PARSE_ERROR,
                "Err_Json_Parse: the body must be a JSON object",
            ));
        }
        let peek: Peek = serde_json::from_slice(body).map_err(|err| {
            Refusal::new(
                ErrorCode::JSON_PARSE_ERROR,
                format!("Err_Json_Parse: the body is not a JSON object ({err})"),
            )
        })?;
        self.log
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .push(peek.record(path));
        let value = body;
        let now = self.clock.unix_now() as i64;
        match path {
            "v4/im_open_login_svc/account_import" => {
                self.apply(value, |world, request| world.account_import(request))
            }
            "v4/im_open_login_svc/multiaccount_import" => {
                self.apply(value, |world, request| world.multiaccount_import(request))
            }
            "v4/im_open_login_svc/account_check" => {
                self.apply(value, |world, request| world.account_check(request))
            }
            "v4/im_open_login_svc/account_delete" => {
                self.apply(value, |world, request| world.account_delete(request))
            }
            "v4/sns/friend_import" => {
                peek.require_from_account()?;
                self.apply(value, |world, request| world.friend_import(request, now))
            }
            "v4/sns/friend_add" => {
                peek.require_from_account()?;
                self.apply(value, |world, request| world.friend_add(request, now))
            }
            "v4/sns/friend_get" => {
                peek.require_from_account()?;
                self.apply(value, |world, request| world.friend_get(request))
            }
            "v4/sns/friend_update" => {
                peek.require_from_account()?;
                self.apply(value, |world, request| world.friend_update(request))
            }
            "v4/sns/friend_delete" => {
                peek.require_from_account()?;
                self.apply(value, |world, request| world.friend_delete(request))
            }
            "v4/sns/friend_delete_all" => {
                peek.require_from_account()?;
                self.apply(value, |world, request| world.friend_delete_all(request))
            }
            "v4/sns/friend_check" => {
                peek.require_from_account()?;
                self.apply(value, |world, request| world.friend_check(request))
            }
            "v4/sns/friend_get_list" => {
                peek.require_from_account()?;
                self.apply(value, |world, request| world.friend_get_list(request))
            }
            "v4/sns/black_list_add" => {
                peek.require_from_account()?;
                self.apply(value, |world, request| world.black_list_add(request, now))
            }
            "v4/sns/black_list_delete" => {
                peek.require_from_account()?;
                self.apply(value, |world, request| world.black_list_delete(request))
            }
            "v4/sns/black_list_get" => {
                peek.require_from_account()?;
                self.apply(value, |world, request| world.black_list_get(request))
            }
            "v4/sns/black_list_check" => {
                peek.require_from_account()?;
                self.apply(value, |world, request| world.black_list_check(request))
            }
            "v4/sns/group_add" => {
                peek.require_from_account()?;
                self.apply(value, |world, request| world.group_add(request))
            }
            "v4/sns/group_delete" => {
                peek.require_from_account()?;
                self.apply(value, |world, request| world.group_delete(request))
            }
            "v4/sns/group_get" => {
                peek.require_from_account()?;
                self.apply(value, |world, request| world.group_get(request))
            }
            "v4/profile/portrait_set" => {
                peek.require_from_account()?;
                self.apply(value, |world, request: state::profile::PortraitSet| {
                    world.portrait_set(request)
                })
            }
            "v4/profile/portrait_get" => self
                .apply(value, |world, request: state::profile::PortraitGet| {
                    world.portrait_get(request)
                }),
            _ => Err(Refusal::new(
                ErrorCode::BAD_RESOURCE_URL,
                format!("Err_Bad_Resource_Url: {path} is not served by this emulator"),
            )),
        }
    }

    /// Decodes the typed request outside the lock, applies it under the lock, and encodes the
    /// answer outside it again, so that concurrent requests overlap everywhere but on the state.
    fn apply<Req: DeserializeOwned, Resp: Serialize>(
        &self,
        body: &[u8],
        operation: impl FnOnce(&mut World, Req) -> Result<Resp, Refusal>,
    ) -> Result<Vec<u8>, Refusal> {
        let request: Req = decode(body)?;
        let outcome = {
            let mut world = self.world.lock().unwrap_or_else(PoisonError::into_inner);
            operation(&mut world, request)
        };
        reply(outcome)
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

fn decode<T: DeserializeOwned>(body: &[u8]) -> Result<T, Refusal> {
    serde_json::from_slice(body).map_err(|err| {
        Refusal::new(
            ErrorCode::SNS_BAD_PARAMETER,
            format!("Err_Param: the body does not match the call ({err})"),
        )
    })
}

/// What the first pass over a body reads: `From_Account`, and the length of the item list.
#[derive(Deserialize)]
struct Peek {
    #[serde(rename = "From_Account", default)]
    from_account: Option<AnyValue>,
    #[serde(rename = "AddFriendItem", default)]
    add_friend_item: Option<Count>,
    #[serde(rename = "UpdateItem", default)]
    update_item: Option<Count>,
    #[serde(rename = "To_Account", default)]
    to_account: Option<Count>,
    #[serde(rename = "Accounts", default)]
    accounts: Option<Count>,
    #[serde(rename = "CheckItem", default)]
    check_item: Option<Count>,
    #[serde(rename = "DeleteItem", default)]
    delete_item: Option<Count>,
    #[serde(rename = "GroupName", default)]
    group_name: Option<Count>,
}

impl Peek {
    fn record(&self, path: &str) -> RequestRecord {
        let items = [
            &self.add_friend_item,
            &self.update_item,
            &self.to_account,
            &self.accounts,
            &self.check_item,
            &self.delete_item,
            &self.group_name,
        ]
        .into_iter()
        .find_map(|count| count.as_ref().map(|c| c.0))
        .unwrap_or(0);
        RequestRecord {
            path: path.to_owned(),
            from_account: match &self.from_account {
                Some(AnyValue::Text(from)) => Some(from.clone()),
                _ => None,
            },
            items,
        }
    }

    fn require_from_account(&self) -> Result<(), Refusal> {
        match &self.from_account {
            Some(AnyValue::Text(_)) => Ok(()),
            Some(AnyValue::Other) => Err(Refusal::new(
                ErrorCode::ACCOUNT_NOT_STRING,
                "Err_Account_Not_String: From_Account must be a string",
            )),
            None => Err(Refusal::new(
                ErrorCode::SNS_BAD_PARAMETER,
                "Err_SNS_Param: From_Account is required",
            )),
        }
    }
}

/// A value that is a string or anything else (not kept).
enum AnyValue {
    Text(String),
    Other,
}

impl<'de> Deserialize<'de> for AnyValue {
    fn deserialize<D: serde::Deserializer<'de>>(de: D) -> Result<Self, D::Error> {
        struct AnyVisitor;
        impl<'de> serde::de::Visitor<'de> for AnyVisitor {
            type Value = AnyValue;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("any value")
            }
            fn visit_str<E>(self, v: &str) -> Result<AnyValue, E> {
                Ok(AnyValue::Text(v.to_owned()))
            }
            fn visit_bool<E>(self, _: bool) -> Result<AnyValue, E> {
                Ok(AnyValue::Other)
            }
            fn visit_i64<E>(self, _: i64) -> Result<AnyValue, E> {
                Ok(AnyValue::Other)
            }
            fn visit_u64<E>(self, _: u64) -> Result<AnyValue, E> {
                Ok(AnyValue::Other)
            }
            fn visit_f64<E>(self, _: f64) -> Result<AnyValue, E> {
                Ok(AnyValue::Other)
            }
            fn visit_unit<E>(self) -> Result<AnyValue, E> {
                Ok(AnyValue::Other)
            }
            fn visit_seq<A: serde::de::SeqAccess<'de>>(
                self,
                mut seq: A,
            ) -> Result<AnyValue, A::Error> {
                while seq.next_element::<serde::de::IgnoredAny>()?.is_some() {}
                Ok(AnyValue::Other)
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                mut map: A,
            ) -> Result<AnyValue, A::Error> {
                while map
                    .next_entry::<serde::de::IgnoredAny, serde::de::IgnoredAny>()?
                    .is_some()
                {}
                Ok(AnyValue::Other)
            }
        }
        de.deserialize_any(AnyVisitor)
    }
}

/// The length of a list, read without keeping its elements (0 for a non-list).
struct Count(usize);

impl<'de> Deserialize<'de> for Count {
    fn deserialize<D: serde::Deserializer<'de>>(de: D) -> Result<Self, D::Error> {
        struct CountVisitor;
        impl<'de> serde::de::Visitor<'de> for CountVisitor {
            type Value = Count;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("any value")
            }
            fn visit_seq<A: serde::de::SeqAccess<'de>>(
                self,
                mut seq: A,
            ) -> Result<Count, A::Error> {
                let mut n = 0;
                while seq.next_element::<serde::de::IgnoredAny>()?.is_some() {
                    n += 1;
                }
                Ok(Count(n))
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                mut map: A,
            ) -> Result<Count, A::Error> {
                while map
                    .next_entry::<serde::de::IgnoredAny, serde::de::IgnoredAny>()?
                    .is_some()
                {}
                Ok(Count(0))
            }
            fn visit_str<E>(self, _: &str) -> Result<Count, E> {
                Ok(Count(0))
            }
            fn visit_bool<E>(self, _: bool) -> Result<Count, E> {
                Ok(Count(0))
            }
            fn visit_i64<E>(self, _: i64) -> Result<Count, E> {
                Ok(Count(0))
            }
            fn visit_u64<E>(self, _: u64) -> Result<Count, E> {
                Ok(Count(0))
            }
            fn visit_f64<E>(self, _: f64) -> Result<Count, E> {
                Ok(Count(0))
            }
            fn visit_unit<E>(self) -> Result<Count, E> {
                Ok(Count(0))
            }
        }
        de.deserialize_any(CountVisitor)
    }
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
