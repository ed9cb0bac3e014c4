//! The emulator's control calls, outside `v4/`: a user's *client* sending friend requests and
//! answering them, so that the app's "before" callbacks (`Sns.CallbackPrevFriendAdd`,
//! `Sns.CallbackPrevFriendResponse`) can be exercised; REST calls never trigger those.
//!
//! They are endpoints like any other: [`tencent_im_core::Client::call`] sends them signed as the
//! admin, and the emulator authenticates them exactly as a REST call (the same `sdkappid`,
//! `identifier` and `usersig` query, the same 70050 lockout, the rate of the REST call they
//! mirror). `From_Account` is the user whose client acts.
//!
//! ```no_run
//! # async fn demo(client: tencent_im_core::Client) -> Result<(), tencent_im_core::Error> {
//! use tencent_im_emulator::control::{ClientFriendAdd, ClientFriendResponse};
//! use tencent_im_friends::FriendAddItem;
//! use tencent_im_webhooks::{ResponseAction, ResponseFriendItem};
//!
//! // alice's client asks bob; the app's Prev callback may refuse the item.
//! let sent = client
//!     .call(&ClientFriendAdd::new("alice", vec![FriendAddItem::new("bob", "AddSource_Type_Web")]))
//!     .await?;
//! // bob's client agrees and adds alice back.
//! let answered = client
//!     .call(&ClientFriendResponse::new(
//!         "bob",
//!         vec![ResponseFriendItem::new("alice", ResponseAction::AgreeAndAdd)],
//!     ))
//!     .await?;
//! # Ok(()) }
//! ```

use tencent_im_core::im_api;
use tencent_im_friends::limits::MAX_ITEMS_PER_REQUEST;
use tencent_im_friends::{AddType, ForceAddFlag, FriendAddItem, ItemResults};
use tencent_im_webhooks::ResponseFriendItem;

/// `POST emulator/client/friend_add`: `From_Account`'s client sends friend requests.
///
/// The body is friend_add's (`From_Account`, `AddFriendItem[]` with `To_Account`, `Remark`,
/// `GroupName`, `AddSource`, `AddWording`; `AddType`, `ForceAddFlags`). The emulator first
/// sends `Sns.CallbackPrevFriendAdd` and waits for the answer (at most the webhook timeout, 2 s;
/// on a timeout or a failure every item goes through, as on the service). An item the app
/// refuses (`ResultCode` in [38000, 39000]) fails with that code and its `ResultInfo`; the
/// others follow friend_add's rules (`AllowType`: a target that confirms requests answers 30539
/// and keeps the request for [`ClientFriendResponse`]). The friendships made are then one
/// `Sns.CallbackFriendAdd` with `ClientCmd` `FriendAdd` and an empty `Admin_Account`.
#[im_api(path = "emulator/client/friend_add", rate = 200, response = ItemResults)]
#[derive(Debug, Clone)]
pub struct ClientFriendAdd {
    /// The user whose client sends the requests.
    #[im(user_id)]
    pub from_account: String,
    /// The friends asked for.
    #[im(rename = "AddFriendItem", max_items = MAX_ITEMS_PER_REQUEST, each(nested))]
    pub items: Vec<FriendAddItem>,
    /// One way or both ways (both by default).
    pub add_type: Option<AddType>,
    /// 1 skips the targets' confirmation.
    pub force_add_flags: Option<ForceAddFlag>,
}

impl ClientFriendAdd {
    /// `from_account`'s client asks for `items`, both ways, not forced.
    pub fn new(from_account: impl Into<String>, items: Vec<FriendAddItem>) -> Self {
        Self {
            from_account: from_account.into(),
            items,
            add_type: None,
            force_add_flags: None,
        }
    }

    /// Sets `AddType`.
    pub fn add_type(mut self, add_type: AddType) -> Self {
        self.add_type = Some(add_type);
        self
    }
}

/// `POST emulator/client/friend_response`: `From_Account`'s client answers friend requests it
/// received.
///
/// The body: `From_Account`, `ResponseFriendItem[]` with `To_Account` (the requester),
/// `ResponseAction` (`Response_Action_AgreeAndAdd`, `Response_Action_Agree`,
/// `Response_Action_Reject`), `Remark` and `TagName` (the answerer's remark and friend group for
/// the requester, with `AgreeAndAdd`). The emulator first sends
/// `Sns.CallbackPrevFriendResponse` and waits as for [`ClientFriendAdd`]; a refused item fails
/// with the app's code and its request stays pending. `Agree` puts the answerer among the
/// requester's friends, `AgreeAndAdd` also the requester among the answerer's, `Reject` drops the
/// request; an account with no pending request fails with 30614. The friendships made are one
/// `Sns.CallbackFriendAdd` with `ClientCmd` `FriendResponse`.
#[im_api(path = "emulator/client/friend_response", rate = 200, response = ItemResults)]
#[derive(Debug, Clone)]
pub struct ClientFriendResponse {
    /// The user whose client answers.
    #[im(user_id)]
    pub from_account: String,
    /// The answers.
    #[im(max_items = MAX_ITEMS_PER_REQUEST)]
    pub response_friend_item: Vec<ResponseFriendItem>,
}

impl ClientFriendResponse {
    /// `from_account`'s client gives `answers`.
    pub fn new(from_account: impl Into<String>, answers: Vec<ResponseFriendItem>) -> Self {
        Self {
            from_account: from_account.into(),
            response_friend_item: answers,
        }
    }
}
