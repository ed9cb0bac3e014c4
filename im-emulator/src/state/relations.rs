//! friend_update, friend_delete, friend_delete_all, friend_check, friend_get_list.

use tencent_im_core::{check, Empty, ErrorCode, FieldPath, ResultItem, Validate};
use tencent_im_friends::{
    CheckType, DeleteType, FriendCheck, FriendCheckResponse, FriendDelete, FriendDeleteAll,
    FriendGetList, FriendGetListResponse, FriendRelation, FriendUpdate, FriendUpdateItem,
    FriendValue, ItemResults, Tag, TagValue,
};
use tencent_im_webhooks::{Event, Pair};

use super::{answers, Account, FriendRecord, Outcome, World};

/// What one friend_update item changes, checked before anything is applied.
enum Change {
    Remark(String),
    Groups(Vec<String>),
    Custom(String, FriendValue),
}

/// The changes of a valid item; any invalid or non-updatable field fails the whole item.
fn plan(item: &FriendUpdateItem, index: usize) -> Result<Vec<Change>, (ErrorCode, &'static str)> {
    let items = FieldPath::ROOT.field("UpdateItem");
    item.validate_at(&items.index(index)).map_err(|_| {
        (
            ErrorCode::SNS_BAD_PARAMETER,
            "Err_SNS_FriendUpdate_Bad_Or_Not_Updatable_Field",
        )
    })?;
    Ok(item
        .fields
        .iter()
        .map(|field| {
            if field.tag == Tag::REMARK {
                Change::Remark(field.value.as_str().unwrap_or_default().to_owned())
            } else if field.tag == Tag::GROUP {
                Change::Groups(field.value.as_strings().unwrap_or_default().to_vec())
            } else {
                Change::Custom(field.tag.as_str().to_owned(), field.value.clone())
            }
        })
        .collect())
}

fn not_a_friend(to: &str) -> ResultItem {
    ResultItem::failed(to, ErrorCode::SNS_NOT_A_FRIEND, "Err_SNS_Not_Friend")
}

impl World {
    pub(crate) fn friend_update(&mut self, req: FriendUpdate) -> Outcome<ItemResults> {
        self.check_sns_request(&req.from_account, "UpdateItem", req.items.len())?;
        let account = self.account_mut(&req.from_account)?;
        let mut results = Vec::with_capacity(req.items.len());
        for (index, item) in req.items.iter().enumerate() {
            let to = item.to_account.as_str();
            if !account.friends.contains_key(to) {
                results.push(not_a_friend(to));
                continue;
            }
            let changes = match plan(item, index) {
                Ok(changes) => changes,
                Err((code, info)) => {
                    results.push(ResultItem::failed(to, code, info));
                    continue;
                }
            };
            let new_groups: Vec<String> = changes
                .iter()
                .filter_map(|c| match c {
                    Change::Groups(groups) => Some(groups.clone()),
                    _ => None,
                })
                .flatten()
                .collect();
            if account.ensure_groups(&new_groups).is_err() {
                results.push(ResultItem::failed(
                    to,
                    ErrorCode::SNS_GROUP_LIMIT,
                    "Err_SNS_FriendUpdate_Group_Num_Exceed_Threshold",
                ));
                continue;
            }
            let (mut standard, mut custom) = (false, false);
            if let Some(record) = account.friends.get_mut(to) {
                for change in changes {
                    match change {
                        Change::Remark(remark) => {
                            record.remark = Some(remark);
                            standard = true;
                        }
                        Change::Groups(groups) => {
                            record.groups = groups;
                            standard = true;
                        }
                        Change::Custom(tag, value) => {
                            record.custom.insert(tag, value);
                            custom = true;
                        }
                    }
                }
            }
            account.standard_sequence += u64::from(standard);
            account.custom_sequence += u64::from(custom);
            results.push(ResultItem::ok(to));
        }
        Ok(answers::item_results(results))
    }

    pub(crate) fn friend_delete(&mut self, req: FriendDelete) -> Outcome<ItemResults> {
        self.check_sns_request(&req.from_account, "To_Account", req.to_accounts.len())?;
        let both = req.delete_type.unwrap_or_default() == DeleteType::Both;
        let from = req.from_account.as_str();
        let mut results = Vec::with_capacity(req.to_accounts.len());
        let mut deleted = Vec::new();
        for to in &req.to_accounts {
            let account = self.account_mut(from)?;
            if account.friends.shift_remove(to).is_none() {
                results.push(not_a_friend(to));
                continue;
            }
            account.standard_sequence += 1;
            deleted.push(Pair::new(from, to));
            if both && self.unfriend(to, from) {
                deleted.push(Pair::new(to, from));
            }
            results.push(ResultItem::ok(to.as_str()));
        }
        self.emit_pairs(deleted, Event::FriendDelete);
        Ok(answers::item_results(results))
    }

    pub(crate) fn friend_delete_all(&mut self, req: FriendDeleteAll) -> Outcome<Empty> {
        self.check_from(&req.from_account)?;
        let from = req.from_account.as_str();
        let account = self.account_mut(from)?;
        let friends: Vec<String> = account.friends.drain(..).map(|(to, _)| to).collect();
        if !friends.is_empty() {
            account.standard_sequence += 1;
        }
        let both = req.delete_type.unwrap_or_default() == DeleteType::Both;
        let mut deleted = Vec::new();
        for to in &friends {
            deleted.push(Pair::new(from, to));
            if both && self.unfriend(to, from) {
                deleted.push(Pair::new(to, from));
            }
        }
        self.emit_pairs(deleted, Event::FriendDelete);
        Ok(Empty {})
    }

    /// Removes `friend` from `owner`'s list; whether it was there.
    pub(crate) fn unfriend(&mut self, owner: &str, friend: &str) -> bool {
        let removed = self
            .accounts
            .get_mut(owner)
            .is_some_and(|account| account.friends.shift_remove(friend).is_some());
        if removed {
            if let Some(account) = self.accounts.get_mut(owner) {
                account.standard_sequence += 1;
            }
        }
        removed
    }

    pub(crate) fn friend_check(&self, req: FriendCheck) -> Outcome<FriendCheckResponse> {
        let two_way = req.check_type == CheckType::Both;
        let held = self.relations(
            &req.from_account,
            &req.to_accounts,
            two_way,
            |account, id| account.friends.contains_key(id),
        )?;
        let items = held
            .into_iter()
            .map(|(to, held)| {
                use FriendRelation::*;
                match held {
                    Some(held) => {
                        let relation = held.relation(BothWay, AWithB, BWithA, NoRelation);
                        answers::friend_check_info(to, relation, ErrorCode::OK, "")
                    }
                    None => answers::friend_check_info(
                        to,
                        NoRelation,
                        ErrorCode::SNS_ACCOUNT_NOT_FOUND,
                        "Err_SNS_FriendCheck_Account_Not_Exist",
                    ),
                }
            })
            .collect();
        Ok(answers::friend_check(items))
    }

    pub(crate) fn friend_get_list(&self, req: FriendGetList) -> Outcome<FriendGetListResponse> {
        self.check_from(&req.from_account)?;
        check::items(
            req.tags.len(),
            1,
            usize::MAX,
            &FieldPath::ROOT.field("TagList"),
        )
        .map_err(|err| super::Refusal::new(ErrorCode::SNS_BAD_PARAMETER, err.to_string()))?;
        let me = self.existing(&req.from_account)?;
        let items = req
            .to_accounts
            .iter()
            .map(|to| match (me.friends.get(to), self.accounts.get(to)) {
                (Some(record), Some(peer)) => {
                    let fields = req
                        .tags
                        .iter()
                        .filter_map(|tag| field_of(record, peer, tag))
                        .collect();
                    answers::friend_info(to, fields, ErrorCode::OK, "")
                }
                _ => answers::friend_info(
                    to,
                    Vec::new(),
                    ErrorCode::SNS_NOT_A_FRIEND,
                    "Err_SNS_FriendGetList_Not_Friend",
                ),
            })
            .collect();
        Ok(answers::friend_get_list(items))
    }
}

/// The value friend_get_list returns for one requested tag: standard friend fields always (with
/// their empty values), custom friend fields and profile fields when set.
fn field_of(record: &FriendRecord, peer: &Account, tag: &Tag) -> Option<TagValue> {
    let value: FriendValue = match tag.as_str() {
        "Tag_SNS_IM_Remark" => record.remark.clone().unwrap_or_default().into(),
        "Tag_SNS_IM_Group" => record.groups.clone().into(),
        "Tag_SNS_IM_AddSource" => record.add_source.clone().into(),
        "Tag_SNS_IM_AddWording" => record.add_wording.clone().unwrap_or_default().into(),
        "Tag_SNS_IM_AddTime" => record.add_time.into(),
        "Tag_Profile_IM_Nick" => peer.nick.clone().unwrap_or_default().into(),
        "Tag_Profile_IM_AllowType" => peer.allow_type.as_str().into(),
        "Tag_Profile_IM_Image" => peer.face_url.clone()?.into(),
        name => record.custom.get(name)?.clone(),
    };
    Some(TagValue::new(tag.clone(), value))
}
