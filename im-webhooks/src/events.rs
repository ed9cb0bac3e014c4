//! The typed callbacks: one struct per command, the [`Event`] that holds any of them.
//!
//! Field names are Tencent's by the `#[im_item]` rule (`from_account` → `From_Account`). Lists
//! absent from a body decode as empty and optional fields as `None`, so a body with fewer fields
//! than the documented sample still decodes; unknown fields are ignored.

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::Value;
use tencent_im_core::im_item;

use crate::error::WebhookError;
use crate::query::CallbackQuery;

/// The `CallbackCommand` of each typed event.
pub mod commands {
    /// Before a client's friend request is processed ("before": can refuse per item).
    pub const PREV_FRIEND_ADD: &str = "Sns.CallbackPrevFriendAdd";
    /// Before a client's answer to a friend request is processed ("before").
    pub const PREV_FRIEND_RESPONSE: &str = "Sns.CallbackPrevFriendResponse";
    /// After friendships were made.
    pub const FRIEND_ADD: &str = "Sns.CallbackFriendAdd";
    /// After friends were deleted.
    pub const FRIEND_DELETE: &str = "Sns.CallbackFriendDelete";
    /// After accounts were added to a blocklist.
    pub const BLACK_LIST_ADD: &str = "Sns.CallbackBlackListAdd";
    /// After accounts were removed from a blocklist.
    pub const BLACK_LIST_DELETE: &str = "Sns.CallbackBlackListDelete";
    /// After a profile was set.
    pub const PORTRAIT_SET: &str = "Profile.CallbackPortraitSet";
    /// After accounts were followed.
    pub const FOLLOW_ADD: &str = "Follow.CallbackAfterFollowAdd";
    /// After accounts were unfollowed.
    pub const FOLLOW_DELETE: &str = "Follow.CallbackAfterFollowDelete";
    /// A REST API passed 80 % of its per-second limit.
    pub const REQUEST_OVER_LIMIT: &str = "Alert.RequestOverLimit";
}

/// How much of the JSON decoder's message an error keeps.
const REASON_CHARS: usize = 200;

/// A verified callback: the facts of its query and its event.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct Callback {
    /// `SdkAppid`, `CallbackCommand`, `ClientIP`, `OptPlatform`, ...
    pub query: CallbackQuery,
    /// The decoded body.
    pub event: Event,
}

/// A callback's body, by command.
///
/// Serialises as the body's fields (Tencent's names) after a `"command"` key; an unknown command
/// as `{"command": ..., "body": ...}`.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum Event {
    /// `Sns.CallbackPrevFriendAdd`: answer with a [`crate::PrevAnswer`].
    PrevFriendAdd(PrevFriendAdd),
    /// `Sns.CallbackPrevFriendResponse`: answer with a [`crate::PrevAnswer`].
    PrevFriendResponse(PrevFriendResponse),
    /// `Sns.CallbackFriendAdd`.
    FriendAdd(FriendAdd),
    /// `Sns.CallbackFriendDelete`.
    FriendDelete(FriendDelete),
    /// `Sns.CallbackBlackListAdd`.
    BlackListAdd(BlackListAdd),
    /// `Sns.CallbackBlackListDelete`.
    BlackListDelete(BlackListDelete),
    /// `Profile.CallbackPortraitSet`.
    PortraitSet(PortraitSet),
    /// `Follow.CallbackAfterFollowAdd`.
    FollowAdd(FollowAdd),
    /// `Follow.CallbackAfterFollowDelete`.
    FollowDelete(FollowDelete),
    /// `Alert.RequestOverLimit`.
    RequestOverLimit(RequestOverLimit),
    /// Any other command (group, message, state callbacks, future ones), kept whole.
    Unknown(UnknownEvent),
}

/// A callback of a command this crate does not type.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct UnknownEvent {
    /// Its `CallbackCommand`.
    pub command: String,
    /// Its body, as received.
    pub body: Value,
}

impl Event {
    /// The `CallbackCommand`.
    pub fn command(&self) -> &str {
        match self {
            Event::PrevFriendAdd(_) => commands::PREV_FRIEND_ADD,
            Event::PrevFriendResponse(_) => commands::PREV_FRIEND_RESPONSE,
            Event::FriendAdd(_) => commands::FRIEND_ADD,
            Event::FriendDelete(_) => commands::FRIEND_DELETE,
            Event::BlackListAdd(_) => commands::BLACK_LIST_ADD,
            Event::BlackListDelete(_) => commands::BLACK_LIST_DELETE,
            Event::PortraitSet(_) => commands::PORTRAIT_SET,
            Event::FollowAdd(_) => commands::FOLLOW_ADD,
            Event::FollowDelete(_) => commands::FOLLOW_DELETE,
            Event::RequestOverLimit(_) => commands::REQUEST_OVER_LIMIT,
            Event::Unknown(unknown) => &unknown.command,
        }
    }

    /// Decodes a body; `query_command` is the query's `CallbackCommand`, which the body's must
    /// equal when both are present.
    pub fn decode(query_command: Option<&str>, body: &[u8]) -> Result<Event, WebhookError> {
        let what = query_command.unwrap_or("the callback");
        let value: Value = serde_json::from_slice(body).map_err(|e| malformed(what, &e))?;
        let Value::Object(map) = value else {
            return Err(malformed(what, &"expected a JSON object"));
        };
        let body_command = match map.get("CallbackCommand") {
            None => None,
            Some(Value::String(command)) => Some(command.as_str()),
            Some(_) => return Err(malformed(what, &"`CallbackCommand` is not a string")),
        };
        let command = match (query_command, body_command) {
            (Some(query), Some(body)) if query != body => {
                return Err(WebhookError::CommandMismatch {
                    query: query.to_owned(),
                    body: body.to_owned(),
                })
            }
            (Some(command), _) | (None, Some(command)) => command.to_owned(),
            (None, None) => {
                return Err(WebhookError::MissingParameter {
                    name: "CallbackCommand",
                })
            }
        };
        let body = Value::Object(map);
        Ok(match command.as_str() {
            commands::PREV_FRIEND_ADD => Event::PrevFriendAdd(typed(&command, body)?),
            commands::PREV_FRIEND_RESPONSE => Event::PrevFriendResponse(typed(&command, body)?),
            commands::FRIEND_ADD => Event::FriendAdd(typed(&command, body)?),
            commands::FRIEND_DELETE => Event::FriendDelete(typed(&command, body)?),
            commands::BLACK_LIST_ADD => Event::BlackListAdd(typed(&command, body)?),
            commands::BLACK_LIST_DELETE => Event::BlackListDelete(typed(&command, body)?),
            commands::PORTRAIT_SET => Event::PortraitSet(typed(&command, body)?),
            commands::FOLLOW_ADD => Event::FollowAdd(typed(&command, body)?),
            commands::FOLLOW_DELETE => Event::FollowDelete(typed(&command, body)?),
            commands::REQUEST_OVER_LIMIT => Event::RequestOverLimit(typed(&command, body)?),
            _ => Event::Unknown(UnknownEvent { command, body }),
        })
    }
}

fn typed<T: serde::de::DeserializeOwned>(command: &str, body: Value) -> Result<T, WebhookError> {
    serde_json::from_value(body).map_err(|e| malformed(command, &e))
}

fn malformed(command: &str, reason: &dyn std::fmt::Display) -> WebhookError {
    let reason = reason.to_string();
    let mut chars = reason.chars();
    let mut kept: String = chars.by_ref().take(REASON_CHARS).collect();
    if chars.next().is_some() {
        kept.push('…');
    }
    WebhookError::MalformedBody {
        command: command.chars().take(REASON_CHARS).collect(),
        reason: kept,
    }
}

impl Serialize for Event {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        #[derive(Serialize)]
        struct Tagged<'a, T> {
            command: &'a str,
            #[serde(flatten)]
            event: &'a T,
        }
        #[derive(Serialize)]
        struct Body<'a> {
            body: &'a Value,
        }
        let command = self.command();
        match self {
            Event::PrevFriendAdd(event) => Tagged { command, event }.serialize(serializer),
            Event::PrevFriendResponse(event) => Tagged { command, event }.serialize(serializer),
            Event::FriendAdd(event) => Tagged { command, event }.serialize(serializer),
            Event::FriendDelete(event) => Tagged { command, event }.serialize(serializer),
            Event::BlackListAdd(event) => Tagged { command, event }.serialize(serializer),
            Event::BlackListDelete(event) => Tagged { command, event }.serialize(serializer),
            Event::PortraitSet(event) => Tagged { command, event }.serialize(serializer),
            Event::FollowAdd(event) => Tagged { command, event }.serialize(serializer),
            Event::FollowDelete(event) => Tagged { command, event }.serialize(serializer),
            Event::RequestOverLimit(event) => Tagged { command, event }.serialize(serializer),
            Event::Unknown(unknown) => Tagged {
                command,
                event: &Body {
                    body: &unknown.body,
                },
            }
            .serialize(serializer),
        }
    }
}

/// `Sns.CallbackPrevFriendAdd`: a client sent friend requests (REST calls never trigger it).
#[im_item]
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct PrevFriendAdd {
    /// The user whose client sent the request.
    pub requester_account: String,
    /// The user adding friends.
    pub from_account: String,
    /// The friends requested, one answer each.
    #[serde(default)]
    pub friend_item: Vec<PrevFriendAddItem>,
    /// `Add_Type_Both` or `Add_Type_Single`.
    pub add_type: Option<String>,
    /// 1 when the add skips the target's confirmation.
    pub force_add_flags: Option<i64>,
    /// When it happened, in Unix milliseconds.
    pub event_time: Option<u64>,
}

/// One requested friend of [`PrevFriendAdd`] (`FriendItem`).
#[im_item]
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct PrevFriendAddItem {
    /// The user asked to be a friend.
    pub to_account: String,
    /// The remark the requester gives them.
    pub remark: Option<String>,
    /// The friend group (one string here).
    pub group_name: Option<String>,
    /// `AddSource_Type_*`.
    pub add_source: Option<String>,
    /// The requester's message.
    pub add_wording: Option<String>,
}

/// `Sns.CallbackPrevFriendResponse`: a client answered friend requests (REST never triggers it).
#[im_item]
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct PrevFriendResponse {
    /// The user whose client answered.
    pub requester_account: String,
    /// The user answering the requests.
    pub from_account: String,
    /// The answers, one verdict each.
    #[serde(default)]
    pub response_friend_item: Vec<ResponseFriendItem>,
    /// When it happened, in Unix milliseconds.
    pub event_time: Option<u64>,
}

/// One answer of [`PrevFriendResponse`] (`ResponseFriendItem`).
#[im_item]
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct ResponseFriendItem {
    /// The user who made the request.
    pub to_account: String,
    /// The remark the answering user gives them.
    pub remark: Option<String>,
    /// The friend group the answering user puts them in.
    pub tag_name: Option<String>,
    /// Agree, agree and add back, or reject.
    pub response_action: ResponseAction,
}

/// `ResponseAction` of a [`ResponseFriendItem`].
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ResponseAction {
    /// `Response_Action_AgreeAndAdd`: accept and add the requester back.
    AgreeAndAdd,
    /// `Response_Action_Agree`: accept (one way).
    Agree,
    /// `Response_Action_Reject`: reject.
    Reject,
    /// Any other value, as sent.
    Other(String),
}

impl ResponseAction {
    /// Tencent's spelling.
    pub fn as_str(&self) -> &str {
        match self {
            ResponseAction::AgreeAndAdd => "Response_Action_AgreeAndAdd",
            ResponseAction::Agree => "Response_Action_Agree",
            ResponseAction::Reject => "Response_Action_Reject",
            ResponseAction::Other(text) => text,
        }
    }
}

impl Serialize for ResponseAction {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for ResponseAction {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        Ok(match text.as_str() {
            "Response_Action_AgreeAndAdd" => ResponseAction::AgreeAndAdd,
            "Response_Action_Agree" => ResponseAction::Agree,
            "Response_Action_Reject" => ResponseAction::Reject,
            _ => ResponseAction::Other(text),
        })
    }
}

/// `Sns.CallbackFriendAdd`: friendships were made (REST friend_add, a client add, an accepted
/// request; never friend_import).
#[im_item]
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct FriendAdd {
    /// The friendships made.
    #[serde(default)]
    pub pair_list: Vec<FriendPair>,
    /// What caused it: `friend_add` / `FriendAdd` (a request) or `friend_response` /
    /// `FriendResponse` (an answer).
    pub client_cmd: Option<String>,
    /// The admin account of a REST call, empty otherwise.
    pub admin_account: Option<String>,
    /// 1 for a forced add.
    pub force_flag: Option<i64>,
    /// When it happened, in Unix milliseconds (absent from the documented sample).
    pub event_time: Option<u64>,
}

/// One friendship of [`FriendAdd`].
#[im_item]
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct FriendPair {
    /// The user who has a new friend.
    pub from_account: String,
    /// The new friend.
    pub to_account: String,
    /// The user who started it.
    pub initiator_account: Option<String>,
}

/// Two accounts of a deletion or a blocklist change.
#[im_item]
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Pair {
    /// The user who acted.
    pub from_account: String,
    /// The user acted upon.
    pub to_account: String,
}

/// The body of the pair-list callbacks: which pairs of accounts changed, and when.
#[im_item]
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct PairEvent {
    /// `From_Account` acted upon `To_Account`.
    #[serde(default)]
    pub pair_list: Vec<Pair>,
    /// When it happened, in Unix milliseconds.
    pub event_time: Option<u64>,
}

/// `Sns.CallbackFriendDelete`: `To_Account` was deleted from `From_Account`'s friends (client or
/// REST).
pub type FriendDelete = PairEvent;

/// `Sns.CallbackBlackListAdd`: `From_Account` blocked `To_Account` (client or REST).
pub type BlackListAdd = PairEvent;

/// `Sns.CallbackBlackListDelete`: `From_Account` unblocked `To_Account` (client or REST).
pub type BlackListDelete = PairEvent;

/// `Profile.CallbackPortraitSet`: a profile was set (client or REST portrait_set).
#[im_item]
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct PortraitSet {
    /// Who set it (the user, or the REST admin).
    pub operator_account: Option<String>,
    /// Whose profile.
    pub from_account: String,
    /// The fields set.
    #[serde(default)]
    pub profile_item: Vec<ProfileItem>,
    /// When it happened, in Unix milliseconds.
    pub event_time: Option<u64>,
}

/// One profile field of [`PortraitSet`]: `Tag_Profile_IM_*` or `Tag_Profile_Custom_*`.
#[im_item]
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct ProfileItem {
    /// The field, e.g. `Tag_Profile_IM_Nick`.
    pub tag: String,
    /// Its value: a string for most fields, a number for some (`Tag_Profile_IM_Level`).
    pub value: Value,
}

/// `Follow.CallbackAfterFollowAdd`: a user followed accounts.
#[im_item]
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct FollowAdd {
    /// The follower.
    pub from_account: String,
    /// The accounts followed.
    #[serde(default)]
    pub follow_list: Vec<FollowItem>,
    /// When it happened, in Unix milliseconds.
    pub event_time: Option<u64>,
}

/// One followed account of [`FollowAdd`].
#[im_item]
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct FollowItem {
    /// The account followed.
    pub to_account: String,
}

/// `Follow.CallbackAfterFollowDelete`: a user unfollowed accounts.
#[im_item]
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct FollowDelete {
    /// The former follower.
    pub from_account: String,
    /// The accounts unfollowed.
    #[serde(default)]
    pub to_account: Vec<String>,
    /// When it happened, in Unix milliseconds.
    pub event_time: Option<u64>,
}

/// `Alert.RequestOverLimit`: a REST API passed 80 % of its per-second limit.
#[im_item]
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct RequestOverLimit {
    /// The API's service, e.g. `sns`.
    #[serde(default)]
    pub service_name: String,
    /// The API's command, e.g. `friend_add`.
    #[serde(default)]
    pub command: String,
    /// Calls in the last second (a number, or a numeric string).
    #[serde(default, deserialize_with = "lenient_u64")]
    pub request: u64,
    /// The API's per-second limit (a number, or a numeric string).
    #[serde(default, deserialize_with = "lenient_u64")]
    pub limit: u64,
    /// When it happened, in Unix milliseconds.
    pub event_time: Option<u64>,
}

/// A count that may come as a number or as a string of digits (the alert's field types are not
/// documented).
fn lenient_u64<'de, D: Deserializer<'de>>(deserializer: D) -> Result<u64, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Count {
        Number(u64),
        Text(String),
    }
    match Count::deserialize(deserializer)? {
        Count::Number(n) => Ok(n),
        Count::Text(text) => text
            .trim()
            .parse()
            .map_err(|_| serde::de::Error::custom(format!("{text:?} is not a count"))),
    }
}

impl PrevFriendAdd {
    /// The accounts to answer for, in order.
    pub fn to_accounts(&self) -> impl Iterator<Item = &str> {
        self.friend_item.iter().map(|item| item.to_account.as_str())
    }
}

impl PrevFriendResponse {
    /// The accounts to answer for, in order.
    pub fn to_accounts(&self) -> impl Iterator<Item = &str> {
        self.response_friend_item
            .iter()
            .map(|item| item.to_account.as_str())
    }
}

impl Event {
    /// The body as Tencent sends it: `CallbackCommand`, then the event's fields. The inverse of
    /// [`Event::decode`], for a sender (an emulator, a test); an [`Event::Unknown`] is its body
    /// as received.
    pub fn encode(&self) -> Result<Vec<u8>, serde_json::Error> {
        #[derive(Serialize)]
        struct Body<'a, T> {
            #[serde(rename = "CallbackCommand")]
            command: &'a str,
            #[serde(flatten)]
            event: &'a T,
        }
        let command = self.command();
        match self {
            Event::PrevFriendAdd(event) => serde_json::to_vec(&Body { command, event }),
            Event::PrevFriendResponse(event) => serde_json::to_vec(&Body { command, event }),
            Event::FriendAdd(event) => serde_json::to_vec(&Body { command, event }),
            Event::FriendDelete(event) => serde_json::to_vec(&Body { command, event }),
            Event::BlackListAdd(event) => serde_json::to_vec(&Body { command, event }),
            Event::BlackListDelete(event) => serde_json::to_vec(&Body { command, event }),
            Event::PortraitSet(event) => serde_json::to_vec(&Body { command, event }),
            Event::FollowAdd(event) => serde_json::to_vec(&Body { command, event }),
            Event::FollowDelete(event) => serde_json::to_vec(&Body { command, event }),
            Event::RequestOverLimit(event) => serde_json::to_vec(&Body { command, event }),
            Event::Unknown(unknown) => serde_json::to_vec(&unknown.body),
        }
    }
}

// Constructors for a sender: the required fields; the optional ones are public and start empty.

impl PrevFriendAdd {
    /// `requester` sent requests to become friends of each of `friend_item` for `from_account`.
    pub fn new(
        requester_account: impl Into<String>,
        from_account: impl Into<String>,
        friend_item: Vec<PrevFriendAddItem>,
    ) -> Self {
        Self {
            requester_account: requester_account.into(),
            from_account: from_account.into(),
            friend_item,
            add_type: None,
            force_add_flags: None,
            event_time: None,
        }
    }
}

impl PrevFriendAddItem {
    /// A request to `to_account`.
    pub fn new(to_account: impl Into<String>) -> Self {
        Self {
            to_account: to_account.into(),
            remark: None,
            group_name: None,
            add_source: None,
            add_wording: None,
        }
    }
}

impl PrevFriendResponse {
    /// `requester` answered, for `from_account`, the requests of `response_friend_item`.
    pub fn new(
        requester_account: impl Into<String>,
        from_account: impl Into<String>,
        response_friend_item: Vec<ResponseFriendItem>,
    ) -> Self {
        Self {
            requester_account: requester_account.into(),
            from_account: from_account.into(),
            response_friend_item,
            event_time: None,
        }
    }
}

impl ResponseFriendItem {
    /// The answer `response_action` to the request of `to_account`.
    pub fn new(to_account: impl Into<String>, response_action: ResponseAction) -> Self {
        Self {
            to_account: to_account.into(),
            remark: None,
            tag_name: None,
            response_action,
        }
    }
}

impl FriendAdd {
    /// The friendships of `pair_list` were made.
    pub fn new(pair_list: Vec<FriendPair>) -> Self {
        Self {
            pair_list,
            client_cmd: None,
            admin_account: None,
            force_flag: None,
            event_time: None,
        }
    }
}

impl FriendPair {
    /// `to_account` joined `from_account`'s friends; `initiator_account` asked for it.
    pub fn new(
        from_account: impl Into<String>,
        to_account: impl Into<String>,
        initiator_account: impl Into<String>,
    ) -> Self {
        Self {
            from_account: from_account.into(),
            to_account: to_account.into(),
            initiator_account: Some(initiator_account.into()),
        }
    }
}

impl Pair {
    /// `from_account` acted upon `to_account`.
    pub fn new(from_account: impl Into<String>, to_account: impl Into<String>) -> Self {
        Self {
            from_account: from_account.into(),
            to_account: to_account.into(),
        }
    }
}

impl PairEvent {
    /// The pairs of `pair_list` changed.
    pub fn new(pair_list: Vec<Pair>) -> Self {
        Self {
            pair_list,
            event_time: None,
        }
    }
}

impl PortraitSet {
    /// The fields of `profile_item` of `from_account`'s profile were set.
    pub fn new(from_account: impl Into<String>, profile_item: Vec<ProfileItem>) -> Self {
        Self {
            operator_account: None,
            from_account: from_account.into(),
            profile_item,
            event_time: None,
        }
    }
}

impl ProfileItem {
    /// The field `tag` with `value`.
    pub fn new(tag: impl Into<String>, value: impl Into<Value>) -> Self {
        Self {
            tag: tag.into(),
            value: value.into(),
        }
    }
}

impl FollowAdd {
    /// `from_account` followed the accounts of `follow_list`.
    pub fn new(from_account: impl Into<String>, follow_list: Vec<FollowItem>) -> Self {
        Self {
            from_account: from_account.into(),
            follow_list,
            event_time: None,
        }
    }
}

impl FollowItem {
    /// `to_account` was followed.
    pub fn new(to_account: impl Into<String>) -> Self {
        Self {
            to_account: to_account.into(),
        }
    }
}

impl FollowDelete {
    /// `from_account` unfollowed the accounts of `to_account`.
    pub fn new(from_account: impl Into<String>, to_account: Vec<String>) -> Self {
        Self {
            from_account: from_account.into(),
            to_account,
            event_time: None,
        }
    }
}

impl RequestOverLimit {
    /// `request` calls to `service_name`/`command` in one second, whose limit is `limit`.
    pub fn new(
        service_name: impl Into<String>,
        command: impl Into<String>,
        request: u64,
        limit: u64,
    ) -> Self {
        Self {
            service_name: service_name.into(),
            command: command.into(),
            request,
            limit,
            event_time: None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_encoded_event_decodes_to_itself() {
        let mut added = FriendAdd::new(vec![
            FriendPair::new("a", "b", "a"),
            FriendPair::new("b", "a", "a"),
        ]);
        added.client_cmd = Some("friend_add".to_owned());
        added.admin_account = Some("admin".to_owned());
        added.force_flag = Some(0);
        let mut portrait = PortraitSet::new("a", vec![ProfileItem::new("Tag_Profile_IM_Level", 3)]);
        portrait.event_time = Some(1_000);
        for event in [
            Event::FriendAdd(added),
            Event::FriendDelete(PairEvent::new(vec![Pair::new("a", "b")])),
            Event::PortraitSet(portrait),
            Event::FollowDelete(FollowDelete::new("a", vec!["b".to_owned()])),
            Event::RequestOverLimit(RequestOverLimit::new("sns", "friend_add", 161, 200)),
        ] {
            let body = event.encode().unwrap();
            let json: Value = serde_json::from_slice(&body).unwrap();
            assert_eq!(json["CallbackCommand"], event.command());
            assert_eq!(Event::decode(Some(event.command()), &body).unwrap(), event);
        }
        let body = Event::FriendDelete(PairEvent::new(vec![Pair::new("a", "b")]))
            .encode()
            .unwrap();
        assert_eq!(
            serde_json::from_slice::<Value>(&body).unwrap(),
            serde_json::json!({
                "CallbackCommand": "Sns.CallbackFriendDelete",
                "PairList": [{"From_Account": "a", "To_Account": "b"}]
            })
        );
    }
}
