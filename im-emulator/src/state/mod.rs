//! The in-memory model of one app: accounts, their friends, blocklists and friend groups, and the
//! semantics of each call on it. Pure: no I/O, the time comes from the caller.

use std::collections::{BTreeMap, HashMap};

use indexmap::IndexMap;
use tencent_im_accounts::{
    AccountCheck, AccountCheckResponse, AccountDelete, AccountDeleteResponse, AccountImport,
    AccountStatus, AccountsToImport, MultiaccountImport, MultiaccountImportResponse,
    MAX_ACCOUNTS_PER_REQUEST,
};
use tencent_im_core::{check, Empty, ErrorCode, FieldPath, ResultItem, Validate};
use tencent_im_friends::limits::{MAX_FRIENDS, MAX_GROUPS, MAX_ITEMS_PER_REQUEST};
use tencent_im_friends::{
    AddType, ForceAddFlag, Friend, FriendAdd, FriendAddResponse, FriendGet, FriendGetResponse,
    FriendImport, FriendImportResponse, FriendValue, Tag, TagValue,
};

/// Third-party clients send `""` for an optional text they do not have (a published Python
/// client puts `"GroupName": ""` in every friend_add item): it means "none", as an absent field
/// does, not a group, remark or wording with an empty name.
fn none_if_empty(value: &mut Option<String>) {
    if value.as_deref() == Some("") {
        *value = None;
    }
}

/// A whole-request failure, the answer of a handler that refuses a call: the envelope's
/// `ErrorCode` and `ErrorInfo`, with no fields of the call.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refusal {
    /// `ErrorCode`.
    pub code: ErrorCode,
    /// `ErrorInfo`.
    pub info: String,
}

impl Refusal {
    /// A refusal with `code` and `info`.
    pub fn new(code: ErrorCode, info: impl Into<String>) -> Self {
        Self {
            code,
            info: info.into(),
        }
    }
}

type Outcome<T> = Result<T, Refusal>;

/// `Tag_Profile_IM_AllowType`: how an account takes friend requests.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum AllowType {
    /// `AllowType_Type_NeedConfirm`, the service's default: requests wait for confirmation.
    #[default]
    NeedConfirm,
    /// `AllowType_Type_AllowAny`: requests are accepted.
    AllowAny,
    /// `AllowType_Type_DenyAny`: requests are refused.
    DenyAny,
}

impl AllowType {
    /// The wire value.
    pub fn as_str(self) -> &'static str {
        match self {
            AllowType::NeedConfirm => "AllowType_Type_NeedConfirm",
            AllowType::AllowAny => "AllowType_Type_AllowAny",
            AllowType::DenyAny => "AllowType_Type_DenyAny",
        }
    }

    /// Parses a wire value.
    pub fn parse(value: &str) -> Option<AllowType> {
        match value {
            "AllowType_Type_NeedConfirm" => Some(AllowType::NeedConfirm),
            "AllowType_Type_AllowAny" => Some(AllowType::AllowAny),
            "AllowType_Type_DenyAny" => Some(AllowType::DenyAny),
            _ => None,
        }
    }
}

/// One side of a friendship: what `owner` keeps about one friend.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct FriendRecord {
    pub add_source: String,
    pub remark: Option<String>,
    pub groups: Vec<String>,
    pub add_time: i64,
    pub add_wording: Option<String>,
    pub custom: BTreeMap<String, FriendValue>,
}

impl FriendRecord {
    fn new(add_source: &str, now: i64) -> Self {
        Self {
            add_source: add_source.to_owned(),
            remark: None,
            groups: Vec::new(),
            add_time: now,
            add_wording: None,
            custom: BTreeMap::new(),
        }
    }

    /// The standard fields, in the order the service lists them.
    pub(crate) fn standard_values(&self, out: &mut Vec<TagValue>) {
        out.push(TagValue::new(Tag::ADD_SOURCE, self.add_source.as_str()));
        if let Some(remark) = &self.remark {
            out.push(TagValue::new(Tag::REMARK, remark.as_str()));
        }
        if !self.groups.is_empty() {
            out.push(TagValue::new(Tag::GROUP, self.groups.clone()));
        }
        out.push(TagValue::new(Tag::ADD_TIME, self.add_time));
        if let Some(wording) = &self.add_wording {
            out.push(TagValue::new(Tag::ADD_WORDING, wording.as_str()));
        }
    }

    pub(crate) fn custom_values(&self, out: &mut Vec<TagValue>) {
        for (tag, value) in &self.custom {
            out.push(TagValue::new(Tag::new(tag.clone()), value.clone()));
        }
    }
}

/// A friend request waiting for its target's answer: what the requester asked for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct FriendRequest {
    pub add_source: String,
    /// The requester's remark for the target.
    pub remark: Option<String>,
    /// The requester's friend group for the target.
    pub group: Option<String>,
    pub add_wording: Option<String>,
    /// When it was sent.
    pub at: i64,
}

/// One account and everything it owns.
#[derive(Debug, Clone, Default)]
pub(crate) struct Account {
    pub nick: Option<String>,
    pub face_url: Option<String>,
    pub allow_type: AllowType,
    /// The other profile fields (portrait_set / portrait_get).
    pub profile: profile::Profile,
    /// Friends in the order they were made.
    pub friends: IndexMap<String, FriendRecord>,
    /// Blocked accounts with the time they were blocked.
    pub blocklist: IndexMap<String, i64>,
    /// Followed accounts with the time they were followed.
    pub following: IndexMap<String, i64>,
    /// Friend requests waiting for this account's answer, by requester, oldest first.
    pub requests: IndexMap<String, FriendRequest>,
    /// Friend groups in the order they were made.
    pub groups: Vec<String>,
    pub standard_sequence: u64,
    pub custom_sequence: u64,
    pub group_sequence: u64,
    pub blocklist_sequence: u64,
}

impl Account {
    /// Adds the groups `names` that are new; `Err` when that would pass the group limit.
    pub(crate) fn ensure_groups(&mut self, names: &[String]) -> Result<bool, ()> {
        let new: Vec<&String> = {
            let mut new: Vec<&String> = Vec::new();
            for name in names {
                if !self.groups.contains(name) && !new.contains(&name) {
                    new.push(name);
                }
            }
            new
        };
        if self.groups.len() + new.len() > MAX_GROUPS {
            return Err(());
        }
        let changed = !new.is_empty();
        self.groups.extend(new.into_iter().cloned());
        if changed {
            self.group_sequence += 1;
        }
        Ok(changed)
    }
}

/// Who holds whom in a list (friends or blocklist), as the check calls report it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Held {
    /// Neither holds the other.
    Neither,
    /// Only `from` holds `to`.
    FromOnly,
    /// Only `to` holds `from` (two-way checks only).
    ToOnly,
    /// Each holds the other (two-way checks only).
    Both,
}

impl Held {
    /// The check's relation value for this case.
    pub(crate) fn relation<R>(self, both: R, from_only: R, to_only: R, neither: R) -> R {
        match self {
            Held::Both => both,
            Held::FromOnly => from_only,
            Held::ToOnly => to_only,
            Held::Neither => neither,
        }
    }
}

/// Settings of the model.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Limits {
    pub friend_page_size: usize,
}

/// Every account of the app: the state that handlers read and change (see
/// [`EmulatorBuilder::serve`](crate::EmulatorBuilder::serve)), one call at a time.
#[derive(Debug)]
pub struct World {
    pub(crate) accounts: HashMap<String, Account>,
    pub(crate) limits: Limits,
    /// The app admin: the caller of every REST call.
    pub(crate) admin: String,
    pub(crate) outbox: Outbox,
}

fn item_failure(to: &str, code: ErrorCode, info: &str) -> ResultItem {
    answers::item(to, code, info)
}

mod answers;
mod blocklist;
mod clients;
mod follows;
mod groups;
mod outbox;
pub(crate) mod profile;
mod relations;
pub(crate) mod snapshot;

pub(crate) use clients::Verdicts;
pub(crate) use outbox::Outbox;
use outbox::{AddCause, MadePairs};

impl World {
    pub(crate) fn new(limits: Limits, admin: String) -> Self {
        Self {
            accounts: HashMap::new(),
            limits,
            admin,
            outbox: Outbox::default(),
        }
    }

    /// Whether `from` (whose account is `me`) and `to` hold each other in the list `holds`
    /// reads; `to`'s side only for a two-way check. `None` when `to` is not imported.
    pub(crate) fn held(
        &self,
        me: &Account,
        from: &str,
        to: &str,
        two_way: bool,
        holds: impl Fn(&Account, &str) -> bool,
    ) -> Option<Held> {
        let peer = self.accounts.get(to)?;
        Some(match (holds(me, to), two_way && holds(peer, from)) {
            (true, true) => Held::Both,
            (true, false) => Held::FromOnly,
            (false, true) => Held::ToOnly,
            (false, false) => Held::Neither,
        })
    }

    pub(crate) fn account_mut(&mut self, from: &str) -> Outcome<&mut Account> {
        self.accounts.get_mut(from).ok_or_else(|| {
            Refusal::new(
                ErrorCode::SNS_ACCOUNT_NOT_FOUND,
                format!("Err_SNS_Account_Not_Exist: From_Account {from:?} is not imported"),
            )
        })
    }

    pub(crate) fn existing(&self, from: &str) -> Outcome<&Account> {
        self.accounts.get(from).ok_or_else(|| {
            Refusal::new(
                ErrorCode::SNS_ACCOUNT_NOT_FOUND,
                format!("Err_SNS_Account_Not_Exist: From_Account {from:?} is not imported"),
            )
        })
    }

    pub(crate) fn check_from(&self, from: &str) -> Outcome<()> {
        check::user_id(from, &FieldPath::ROOT.field("From_Account"))
            .map_err(|err| Refusal::new(ErrorCode::SNS_BAD_PARAMETER, err.to_string()))?;
        self.existing(from).map(|_| ())
    }

    /// The whole-request checks of an sns write: a valid, imported `From_Account` and 1 to 1000
    /// items in `field`.
    pub(crate) fn check_sns_request(
        &self,
        from: &str,
        field: &'static str,
        items: usize,
    ) -> Outcome<()> {
        self.check_from(from)?;
        Self::check_item_count(
            field,
            items,
            MAX_ITEMS_PER_REQUEST,
            ErrorCode::SNS_BAD_PARAMETER,
        )
    }

    /// friend_check's and black_list_check's common part: whether `from` and each account hold
    /// each other in the list `holds` reads (`None`: the account is not imported).
    pub(crate) fn relations<'r>(
        &self,
        from: &str,
        to_accounts: &'r [String],
        two_way: bool,
        holds: impl Fn(&Account, &str) -> bool,
    ) -> Outcome<Vec<(&'r str, Option<Held>)>> {
        self.check_sns_request(from, "To_Account", to_accounts.len())?;
        let me = self.existing(from)?;
        Ok(to_accounts
            .iter()
            .map(|to| (to.as_str(), self.held(me, from, to, two_way, &holds)))
            .collect())
    }

    pub(crate) fn check_item_count(
        field: &'static str,
        len: usize,
        max: usize,
        code: ErrorCode,
    ) -> Outcome<()> {
        check::items(len, 1, max, &FieldPath::ROOT.field(field))
            .map_err(|err| Refusal::new(code, err.to_string()))
    }

    // ----- accounts -------------------------------------------------------------------------

    /// Creates the account if it does not exist, and sets the nickname and the avatar URL that
    /// are given (an absent one is left as it was): what account_import and both forms of
    /// multiaccount_import do to one account.
    pub(crate) fn import_account(
        &mut self,
        user_id: String,
        nick: Option<String>,
        face_url: Option<String>,
    ) {
        let account = self.accounts.entry(user_id).or_default();
        if nick.is_some() {
            account.nick = nick;
        }
        if face_url.is_some() {
            account.face_url = face_url;
        }
    }

    pub(crate) fn account_import(&mut self, req: AccountImport) -> Outcome<Empty> {
        req.validate()
            .map_err(|err| Refusal::new(ErrorCode::INVALID_PARAMETER, err.to_string()))?;
        self.import_account(req.user_id, req.nick, req.face_url);
        Ok(Empty {})
    }

    /// Either form: `Accounts` (UserIDs) or `AccountList` (UserIDs with a nickname and an
    /// avatar URL, updating existing accounts). An account that fails its checks is listed in
    /// `FailAccounts`; the others are imported.
    pub(crate) fn multiaccount_import(
        &mut self,
        req: MultiaccountImport,
    ) -> Outcome<MultiaccountImportResponse> {
        Self::check_item_count(
            req.accounts.key(),
            req.accounts.len(),
            MAX_ACCOUNTS_PER_REQUEST,
            ErrorCode::INVALID_PARAMETER,
        )?;
        let mut failed = Vec::new();
        match req.accounts {
            AccountsToImport::UserIds(ids) => {
                for id in ids {
                    if check::user_id(&id, &FieldPath::ROOT.field("Accounts")).is_err() {
                        failed.push(id);
                    } else {
                        self.import_account(id, None, None);
                    }
                }
            }
            AccountsToImport::WithProfiles(accounts) => {
                for account in accounts {
                    if account.validate().is_err() {
                        failed.push(account.user_id);
                    } else {
                        self.import_account(account.user_id, account.nick, account.face_url);
                    }
                }
            }
            // A form added to the SDK later is refused rather than half-understood.
            other => {
                return Err(Refusal::new(
                    ErrorCode::INVALID_PARAMETER,
                    format!(
                        "multiaccount_import: the form {:?} is not served",
                        other.key()
                    ),
                ))
            }
        }
        Ok(answers::multiaccount_import(failed))
    }

    pub(crate) fn account_check(&self, req: AccountCheck) -> Outcome<AccountCheckResponse> {
        Self::check_item_count(
            "CheckItem",
            req.items.len(),
            MAX_ACCOUNTS_PER_REQUEST,
            ErrorCode::INVALID_PARAMETER,
        )?;
        let results = req
            .items
            .into_iter()
            .map(|item| {
                let status = if self.accounts.contains_key(&item.user_id) {
                    AccountStatus::Imported
                } else {
                    AccountStatus::NotImported
                };
                answers::account_checked(item.user_id, status)
            })
            .collect();
        Ok(answers::account_check(results))
    }

    pub(crate) fn account_delete(&mut self, req: AccountDelete) -> Outcome<AccountDeleteResponse> {
        Self::check_item_count(
            "DeleteItem",
            req.items.len(),
            MAX_ACCOUNTS_PER_REQUEST,
            ErrorCode::INVALID_PARAMETER,
        )?;
        let mut results = Vec::with_capacity(req.items.len());
        for item in req.items {
            if self.accounts.remove(&item.user_id).is_some() {
                self.forget(&item.user_id);
                results.push(answers::account_result(item.user_id, ErrorCode::OK, ""));
            } else {
                results.push(answers::account_result(
                    item.user_id,
                    ErrorCode::USER_NOT_IMPORTED,
                    "Err_TLS_Account_Not_Imported",
                ));
            }
        }
        Ok(answers::account_delete(results))
    }

    /// Removes every relation other accounts hold with `gone`.
    fn forget(&mut self, gone: &str) {
        for account in self.accounts.values_mut() {
            if account.friends.shift_remove(gone).is_some() {
                account.standard_sequence += 1;
            }
            if account.blocklist.shift_remove(gone).is_some() {
                account.blocklist_sequence += 1;
            }
            account.following.shift_remove(gone);
            account.requests.shift_remove(gone);
        }
    }

    // ----- friends --------------------------------------------------------------------------

    pub(crate) fn friend_import(
        &mut self,
        req: FriendImport,
        now: i64,
    ) -> Outcome<FriendImportResponse> {
        self.check_sns_request(&req.from_account, "AddFriendItem", req.items.len())?;
        let from = req.from_account;
        let mut results = Vec::with_capacity(req.items.len());
        for (index, mut item) in req.items.into_iter().enumerate() {
            let to = item.to_account.clone();
            none_if_empty(&mut item.remark);
            none_if_empty(&mut item.add_wording);
            item.groups.retain(|name| !name.is_empty());
            let outcome = (|| {
                let items = FieldPath::ROOT.field("AddFriendItem");
                if let Err(err) = item.validate_at(&items.index(index)) {
                    return Err((ErrorCode::SNS_BAD_PARAMETER, err.to_string()));
                }
                if to == from {
                    return Err((
                        ErrorCode::SNS_BAD_PARAMETER,
                        "Err_SNS_FriendImport_Self".into(),
                    ));
                }
                if !self.accounts.contains_key(&to) {
                    return Err((
                        ErrorCode::SNS_ACCOUNT_NOT_FOUND,
                        "Err_SNS_FriendImport_Account_Not_Exist".into(),
                    ));
                }
                let account = self.accounts.get_mut(&from).ok_or((
                    ErrorCode::SNS_ACCOUNT_NOT_FOUND,
                    "Err_SNS_Account_Not_Exist".to_owned(),
                ))?;
                if account.friends.contains_key(&to) {
                    return Err((
                        ErrorCode::SNS_BAD_PARAMETER,
                        "Err_SNS_FriendImport_Already_Friend".into(),
                    ));
                }
                if account.friends.len() >= MAX_FRIENDS {
                    return Err((
                        ErrorCode::SNS_FRIEND_LIST_FULL,
                        "Err_SNS_FriendImport_My_Friend_Num_Exceed_Threshold".into(),
                    ));
                }
                if account.ensure_groups(&item.groups).is_err() {
                    return Err((
                        ErrorCode::SNS_GROUP_LIMIT,
                        "Err_SNS_FriendImport_Group_Num_Exceed_Threshold".into(),
                    ));
                }
                let mut record = FriendRecord::new(&item.add_source, item.add_time.unwrap_or(now));
                record.remark = item.remark;
                record.groups = item.groups;
                record.add_wording = item.add_wording;
                let has_custom = !item.custom.is_empty();
                record.custom = item
                    .custom
                    .into_iter()
                    .map(|tv| (tv.tag.as_str().to_owned(), tv.value))
                    .collect();
                account.friends.insert(to.clone(), record);
                account.standard_sequence += 1;
                if has_custom {
                    account.custom_sequence += 1;
                }
                Ok(())
            })();
            results.push(match outcome {
                Ok(()) => {
                    self.settle_requests(&from, &to);
                    ResultItem::ok(&to)
                }
                Err((code, info)) => item_failure(&to, code, &info),
            });
        }
        Ok(answers::friend_import(results))
    }

    pub(crate) fn friend_add(&mut self, req: FriendAdd, now: i64) -> Outcome<FriendAddResponse> {
        self.check_sns_request(&req.from_account, "AddFriendItem", req.items.len())?;
        let admin = self.admin.clone();
        let cause = AddCause {
            client_cmd: "friend_add",
            admin: &admin,
            forced: req.force_add_flags == Some(ForceAddFlag::Force),
        };
        Ok(self.add_friends(req, now, cause, &Verdicts::default()))
    }

    /// friend_add's items, REST or client: each refused by the app (`verdicts`) fails with its
    /// code; the others follow the friend_add rules. The friendships made are one
    /// `Sns.CallbackFriendAdd` caused by `cause`.
    pub(crate) fn add_friends(
        &mut self,
        req: FriendAdd,
        now: i64,
        cause: AddCause<'_>,
        verdicts: &Verdicts,
    ) -> FriendAddResponse {
        let both = req.add_type.unwrap_or_default() == AddType::Both;
        let forced = req.force_add_flags == Some(ForceAddFlag::Force);
        let from = req.from_account;
        let mut results = Vec::with_capacity(req.items.len());
        let mut made = MadePairs::default();
        for (index, item) in req.items.into_iter().enumerate() {
            let to = item.to_account.clone();
            if let Some(refusal) = verdicts.refusal(&to) {
                results.push(refusal);
                continue;
            }
            let outcome = self.add_one(&from, item, index, both, forced, now);
            results.push(match outcome {
                Ok((mine, theirs)) => {
                    if mine {
                        made.push(&from, &to, &from);
                    }
                    if theirs {
                        made.push(&to, &from, &from);
                    }
                    ResultItem::ok(&to)
                }
                Err((code, info)) => item_failure(&to, code, info),
            });
        }
        self.emit_friends_made(made, cause);
        answers::item_results(results)
    }

    /// Adds one friend; `Ok((mine, theirs))` tells which friend lists gained a friend. A target
    /// that confirms requests keeps the request, to be answered by its client.
    fn add_one(
        &mut self,
        from: &str,
        mut item: tencent_im_friends::FriendAddItem,
        index: usize,
        both: bool,
        forced: bool,
        now: i64,
    ) -> Result<(bool, bool), (ErrorCode, &'static str)> {
        none_if_empty(&mut item.group);
        none_if_empty(&mut item.remark);
        none_if_empty(&mut item.add_wording);
        let to = item.to_account.as_str();
        // An item without AddSource is accepted (one document marks it optional).
        let valid = if item.add_source.is_empty() {
            check::user_id(to, &FieldPath::ROOT.field("To_Account"))
        } else {
            let items = FieldPath::ROOT.field("AddFriendItem");
            item.validate_at(&items.index(index))
        };
        if valid.is_err() {
            return Err((ErrorCode::SNS_BAD_PARAMETER, "Err_SNS_FriendAdd_Bad_Item"));
        }
        if to == from {
            return Err((ErrorCode::SNS_BAD_PARAMETER, "Err_SNS_FriendAdd_Self"));
        }
        let (Some(me), Some(peer)) = (self.accounts.get(from), self.accounts.get(to)) else {
            return Err((
                ErrorCode::SNS_ACCOUNT_NOT_FOUND,
                "Err_SNS_FriendAdd_Account_Not_Exist",
            ));
        };
        if me.profile.forbids_friend_requests() {
            return Err((
                ErrorCode::SNS_ADD_FRIEND_BANNED,
                "Err_SNS_FriendAdd_Admin_Forbid_Send_Out",
            ));
        }
        if me.blocklist.contains_key(to) {
            return Err((
                ErrorCode::SNS_PEER_IN_MY_BLOCKLIST,
                "Err_SNS_FriendAdd_Peer_In_My_Black_List",
            ));
        }
        if peer.blocklist.contains_key(from) {
            return Err((
                ErrorCode::SNS_IN_PEER_BLOCKLIST,
                "Err_SNS_FriendAdd_I_Am_In_Peer_Black_List",
            ));
        }
        let i_have = me.friends.contains_key(to);
        let peer_has = peer.friends.contains_key(from);
        if i_have && (!both || peer_has) {
            return Err((
                ErrorCode::SNS_BAD_PARAMETER,
                "Err_SNS_FriendAdd_Already_Friend",
            ));
        }
        if !forced {
            match peer.allow_type {
                AllowType::AllowAny => {}
                AllowType::NeedConfirm => {
                    let request = FriendRequest {
                        add_source: item.add_source,
                        remark: item.remark,
                        group: item.group,
                        add_wording: item.add_wording,
                        at: now,
                    };
                    if let Some(peer) = self.accounts.get_mut(to) {
                        // A new request replaces the requester's earlier one.
                        peer.requests.shift_remove(from);
                        peer.requests.insert(from.to_owned(), request);
                    }
                    return Err((
                        ErrorCode::SNS_PENDING_CONFIRMATION,
                        "Err_SNS_FriendAdd_Friend_Add_Need_Confirm",
                    ));
                }
                AllowType::DenyAny => {
                    return Err((
                        ErrorCode::SNS_PEER_REFUSES_ALL,
                        "Err_SNS_FriendAdd_Peer_Deny_Any",
                    ))
                }
            }
        }
        if !i_have && me.friends.len() >= MAX_FRIENDS {
            return Err((
                ErrorCode::SNS_FRIEND_LIST_FULL,
                "Err_SNS_FriendAdd_My_Friend_Num_Exceed_Threshold",
            ));
        }
        if both && !peer_has && peer.friends.len() >= MAX_FRIENDS {
            return Err((
                ErrorCode::SNS_PEER_FRIEND_LIST_FULL,
                "Err_SNS_FriendAdd_Peer_Friend_Num_Exceed_Threshold",
            ));
        }
        let groups: Vec<String> = item.group.iter().cloned().collect();
        if !i_have {
            let me = self.accounts.get_mut(from).ok_or((
                ErrorCode::SNS_ACCOUNT_NOT_FOUND,
                "Err_SNS_FriendAdd_Account_Not_Exist",
            ))?;
            if me.ensure_groups(&groups).is_err() {
                return Err((
                    ErrorCode::SNS_GROUP_LIMIT,
                    "Err_SNS_FriendAdd_Group_Num_Exceed_Threshold",
                ));
            }
            let mut record = FriendRecord::new(&item.add_source, now);
            record.remark = item.remark;
            record.groups = groups;
            record.add_wording = item.add_wording;
            me.friends.insert(to.to_owned(), record);
            me.standard_sequence += 1;
        }
        if both && !peer_has {
            let peer = self.accounts.get_mut(to).ok_or((
                ErrorCode::SNS_ACCOUNT_NOT_FOUND,
                "Err_SNS_FriendAdd_Account_Not_Exist",
            ))?;
            peer.friends
                .insert(from.to_owned(), FriendRecord::new(&item.add_source, now));
            peer.standard_sequence += 1;
        }
        self.settle_requests(from, to);
        Ok((!i_have, both && !peer_has))
    }

    /// Drops the friend requests between `a` and `b` once each has the other as a friend,
    /// however that came about (an import, a forced add): such a request asks for nothing.
    fn settle_requests(&mut self, a: &str, b: &str) {
        let has = |owner: &str, friend: &str| {
            self.accounts
                .get(owner)
                .is_some_and(|account| account.friends.contains_key(friend))
        };
        if !(has(a, b) && has(b, a)) {
            return;
        }
        for (owner, requester) in [(a, b), (b, a)] {
            if let Some(account) = self.accounts.get_mut(owner) {
                account.requests.shift_remove(requester);
            }
        }
    }

    pub(crate) fn friend_get(&self, req: FriendGet) -> Outcome<FriendGetResponse> {
        self.check_from(&req.from_account)?;
        let account = self.existing(&req.from_account)?;
        let total = account.friends.len();
        let start = usize::try_from(req.start_index)
            .unwrap_or(usize::MAX)
            .min(total);
        let end = start
            .saturating_add(self.limits.friend_page_size)
            .min(total);
        let with_standard = req.standard_sequence != Some(account.standard_sequence);
        let with_custom = req.custom_sequence != Some(account.custom_sequence);
        let friends = account
            .friends
            .get_range(start..end)
            .into_iter()
            .flat_map(|slice| slice.iter())
            .map(|(to, record)| {
                let mut values = Vec::with_capacity(6);
                if with_standard {
                    record.standard_values(&mut values);
                }
                if with_custom {
                    record.custom_values(&mut values);
                }
                Friend {
                    to_account: to.clone(),
                    values,
                }
            })
            .collect();
        let next = (end < total).then_some(end as u64);
        Ok(answers::friend_get(
            friends,
            (account.standard_sequence, account.custom_sequence),
            total as u64,
            next,
        ))
    }
}
