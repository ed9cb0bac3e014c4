//! What a user's client does, for the control endpoints that act as one: send friend requests
//! and answer them. Each is two pure steps around the app's "before" callback: `plan_*` checks
//! the request and builds the callback; `apply_*` makes the change with the app's verdicts.
//! The callback is awaited between them, outside the lock on the world.

use std::collections::HashMap;

use tencent_im_core::{check, ErrorCode, FieldPath, ResultItem};
use tencent_im_friends::limits::{self, MAX_FRIENDS, MAX_REMARK_BYTES};
use tencent_im_friends::{ForceAddFlag, FriendAdd, ItemResults};
use tencent_im_webhooks::{
    PrevAnswer, PrevFriendAdd, PrevFriendAddItem, PrevFriendResponse, ResponseAction,
};

use super::outbox::{AddCause, MadePairs};
use super::{answers, FriendRecord, Outcome, World};

use crate::control::{ClientFriendAdd, ClientFriendResponse};

/// 30614: there is no pending request from that account to answer.
const NO_SUCH_REQUEST: ErrorCode = ErrorCode(30614);

/// The app's refusals of a "before" callback's items, by account. An item the answer does not
/// mention, or every item when the callback failed or timed out, goes through: Tencent proceeds
/// then.
#[derive(Debug, Default)]
pub(crate) struct Verdicts(HashMap<String, (ErrorCode, String)>);

impl Verdicts {
    /// The refusals of `answer`; none when there is no answer.
    pub(crate) fn from_answer(answer: Option<&PrevAnswer>) -> Self {
        let refused = answer
            .into_iter()
            .flat_map(|answer| answer.items.iter())
            .filter(|item| !item.result_code.is_allowed())
            .map(|item| {
                let code = ErrorCode(i64::from(item.result_code.code()));
                (item.to_account.clone(), (code, item.result_info.clone()))
            })
            .collect();
        Self(refused)
    }

    /// The failed item of `to` when the app refused it.
    pub(crate) fn refusal(&self, to: &str) -> Option<ResultItem> {
        self.0
            .get(to)
            .map(|(code, info)| answers::item(to, *code, info))
    }
}

impl ClientFriendAdd {
    fn as_friend_add(&self) -> FriendAdd {
        let mut req = FriendAdd::new(&self.from_account, self.items.clone());
        req.add_type = self.add_type;
        req.force_add_flags = self.force_add_flags;
        req
    }
}

impl World {
    /// The checks of a client's friend request, and its `Sns.CallbackPrevFriendAdd`.
    pub(crate) fn plan_client_add(
        &self,
        req: &ClientFriendAdd,
        now_ms: u64,
    ) -> Outcome<PrevFriendAdd> {
        self.check_sns_request(&req.from_account, "AddFriendItem", req.items.len())?;
        let items = req
            .items
            .iter()
            .map(|item| {
                // As friend_add reads them: "" is no remark, group or wording.
                let mut prev = PrevFriendAddItem::new(&item.to_account);
                prev.remark = item.remark.clone();
                prev.group_name = item.group.clone();
                prev.add_source = Some(item.add_source.clone());
                prev.add_wording = item.add_wording.clone();
                super::none_if_empty(&mut prev.remark);
                super::none_if_empty(&mut prev.group_name);
                super::none_if_empty(&mut prev.add_wording);
                prev
            })
            .collect();
        let mut event = PrevFriendAdd::new(&req.from_account, &req.from_account, items);
        // The wire name from the type's own serde name, written once in im-friends.
        event.add_type = serde_json::to_value(req.add_type.unwrap_or_default())
            .ok()
            .and_then(|name| name.as_str().map(str::to_owned));
        event.force_add_flags = Some(i64::from(req.force_add_flags == Some(ForceAddFlag::Force)));
        event.event_time = Some(now_ms);
        Ok(event)
    }

    /// A client's friend request with the app's verdicts: friend_add's rules for the items let
    /// through, `Sns.CallbackFriendAdd` (`ClientCmd` `FriendAdd`) for the friendships made.
    pub(crate) fn apply_client_add(
        &mut self,
        req: ClientFriendAdd,
        verdicts: &Verdicts,
        now: i64,
    ) -> Outcome<ItemResults> {
        // The world may have changed while the app was asked.
        self.check_sns_request(&req.from_account, "AddFriendItem", req.items.len())?;
        let cause = AddCause {
            client_cmd: "FriendAdd",
            admin: "",
            forced: req.force_add_flags == Some(ForceAddFlag::Force),
        };
        Ok(self.add_friends(req.as_friend_add(), now, cause, verdicts))
    }

    /// The checks of a client's answers to friend requests, and its
    /// `Sns.CallbackPrevFriendResponse`.
    pub(crate) fn plan_friend_response(
        &self,
        req: &ClientFriendResponse,
        now_ms: u64,
    ) -> Outcome<PrevFriendResponse> {
        self.check_sns_request(
            &req.from_account,
            "ResponseFriendItem",
            req.response_friend_item.len(),
        )?;
        let mut event = PrevFriendResponse::new(
            &req.from_account,
            &req.from_account,
            req.response_friend_item.clone(),
        );
        event.event_time = Some(now_ms);
        Ok(event)
    }

    /// A client's answers with the app's verdicts: each agreed request makes the requester's
    /// friendship (and, with `AgreeAndAdd`, the answerer's), a rejected one is dropped;
    /// `Sns.CallbackFriendAdd` (`ClientCmd` `FriendResponse`) for the friendships made.
    pub(crate) fn apply_friend_response(
        &mut self,
        req: ClientFriendResponse,
        verdicts: &Verdicts,
        now: i64,
    ) -> Outcome<ItemResults> {
        self.check_sns_request(
            &req.from_account,
            "ResponseFriendItem",
            req.response_friend_item.len(),
        )?;
        let me = req.from_account.as_str();
        let mut results = Vec::with_capacity(req.response_friend_item.len());
        let mut made = MadePairs::default();
        for (index, item) in req.response_friend_item.iter().enumerate() {
            let requester = item.to_account.as_str();
            if let Some(refusal) = verdicts.refusal(requester) {
                results.push(refusal);
                continue;
            }
            results.push(match self.answer_one(me, item, index, now, &mut made) {
                Ok(()) => ResultItem::ok(requester),
                Err((code, info)) => answers::item(requester, code, info),
            });
        }
        self.emit_friends_made(
            made,
            AddCause {
                client_cmd: "FriendResponse",
                admin: "",
                forced: false,
            },
        );
        Ok(answers::item_results(results))
    }

    /// Answers the request of `item.to_account` to `me`.
    fn answer_one(
        &mut self,
        me: &str,
        item: &tencent_im_webhooks::ResponseFriendItem,
        index: usize,
        now: i64,
        made: &mut MadePairs,
    ) -> Result<(), (ErrorCode, &'static str)> {
        let requester = item.to_account.as_str();
        let bad = (
            ErrorCode::SNS_BAD_PARAMETER,
            "Err_SNS_FriendResponse_Bad_Item",
        );
        let at = FieldPath::ROOT.field("ResponseFriendItem");
        let at = at.index(index);
        check::user_id(requester, &at.field("To_Account")).map_err(|_| bad)?;
        if item
            .remark
            .as_ref()
            .is_some_and(|remark| remark.len() > MAX_REMARK_BYTES)
        {
            return Err(bad);
        }
        if let Some(group) = &item.tag_name {
            limits::group_name(group, &at.field("TagName")).map_err(|_| bad)?;
        }
        let add_back = match item.response_action {
            ResponseAction::AgreeAndAdd => true,
            ResponseAction::Agree | ResponseAction::Reject => false,
            _ => {
                return Err((
                    ErrorCode::SNS_BAD_PARAMETER,
                    "Err_SNS_FriendResponse_Bad_ResponseAction",
                ))
            }
        };
        let Some(account) = self.accounts.get_mut(me) else {
            return Err((
                ErrorCode::SNS_ACCOUNT_NOT_FOUND,
                "Err_SNS_Account_Not_Exist",
            ));
        };
        if !account.requests.contains_key(requester) {
            return Err((NO_SUCH_REQUEST, "Err_SNS_FriendResponse_No_Such_Request"));
        }
        if item.response_action == ResponseAction::Reject {
            account.requests.shift_remove(requester);
            return Ok(());
        }
        let Some(peer) = self.accounts.get(requester) else {
            return Err((
                ErrorCode::SNS_ACCOUNT_NOT_FOUND,
                "Err_SNS_FriendResponse_Account_Not_Exist",
            ));
        };
        let mine = self.existing(me).map_err(|_| bad)?;
        if mine.blocklist.contains_key(requester) {
            return Err((
                ErrorCode::SNS_PEER_IN_MY_BLOCKLIST,
                "Err_SNS_FriendResponse_Peer_In_My_Black_List",
            ));
        }
        if peer.blocklist.contains_key(me) {
            return Err((
                ErrorCode::SNS_IN_PEER_BLOCKLIST,
                "Err_SNS_FriendResponse_I_Am_In_Peer_Black_List",
            ));
        }
        let peer_has = peer.friends.contains_key(me);
        let i_have = mine.friends.contains_key(requester);
        if !peer_has && peer.friends.len() >= MAX_FRIENDS {
            return Err((
                ErrorCode::SNS_PEER_FRIEND_LIST_FULL,
                "Err_SNS_FriendResponse_Peer_Friend_Num_Exceed_Threshold",
            ));
        }
        if add_back && !i_have && mine.friends.len() >= MAX_FRIENDS {
            return Err((
                ErrorCode::SNS_FRIEND_LIST_FULL,
                "Err_SNS_FriendResponse_My_Friend_Num_Exceed_Threshold",
            ));
        }
        let mut my_groups = Vec::new();
        if add_back && !i_have {
            my_groups.extend(item.tag_name.iter().cloned());
            let account = self.accounts.get_mut(me).ok_or(bad)?;
            if account.ensure_groups(&my_groups).is_err() {
                return Err((
                    ErrorCode::SNS_GROUP_LIMIT,
                    "Err_SNS_FriendResponse_Group_Num_Exceed_Threshold",
                ));
            }
        }
        let account = self.accounts.get_mut(me).ok_or(bad)?;
        let Some(request) = account.requests.shift_remove(requester) else {
            return Err((NO_SUCH_REQUEST, "Err_SNS_FriendResponse_No_Such_Request"));
        };
        if add_back && !i_have {
            let mut record = FriendRecord::new(&request.add_source, now);
            record.remark = item.remark.clone();
            record.groups = my_groups;
            account.friends.insert(requester.to_owned(), record);
            account.standard_sequence += 1;
        }
        if !peer_has {
            let peer = self.accounts.get_mut(requester).ok_or(bad)?;
            let groups: Vec<String> = request.group.iter().cloned().collect();
            // A group that no longer fits is left out rather than failing an agreed request.
            let groups = if peer.ensure_groups(&groups).is_ok() {
                groups
            } else {
                Vec::new()
            };
            let mut record = FriendRecord::new(&request.add_source, now);
            record.remark = request.remark;
            record.groups = groups;
            record.add_wording = request.add_wording;
            peer.friends.insert(me.to_owned(), record);
            peer.standard_sequence += 1;
            made.push(requester, me, requester);
        }
        if add_back && !i_have {
            made.push(me, requester, requester);
        }
        Ok(())
    }

    /// The accounts whose friend requests to `account` wait for an answer, oldest first.
    pub fn friend_requests_to(&self, account: &str) -> Vec<String> {
        self.accounts
            .get(account)
            .map(|a| a.requests.keys().cloned().collect())
            .unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::state::Limits;

    #[test]
    fn empty_texts_reach_the_prev_callback_as_none_as_friend_add_reads_them() {
        let mut world = World::new(
            Limits {
                friend_page_size: 100,
            },
            "administrator".to_owned(),
        );
        for id in ["u", "v"] {
            world.import_account(id.to_owned(), None, None);
        }
        // What a third-party client sends for a group, remark and wording it does not have.
        let request: ClientFriendAdd = serde_json::from_str(
            r#"{"From_Account":"u","AddFriendItem":[{"To_Account":"v",
                "AddSource":"AddSource_Type_Web","GroupName":"","Remark":"","AddWording":""}]}"#,
        )
        .unwrap();
        let event = world.plan_client_add(&request, 0).unwrap();
        let item = &event.friend_item[0];
        assert_eq!(
            (&item.group_name, &item.remark, &item.add_wording),
            (&None, &None, &None)
        );
    }
}
