//! How the service fills in its answers. The derived fields (`Fail_Account` from the items,
//! `CompleteFlag` from the next page) are server semantics, so they live here; the SDK's response
//! types are filled field by field from their `Default`.

use tencent_im_accounts::{
    AccountCheckResponse, AccountCheckResult, AccountDeleteResponse, AccountResult,
    MultiaccountImportResponse,
};
use tencent_im_core::{ErrorCode, ResultItem};
use tencent_im_friends::{
    BlackCheckInfo, BlackListCheckResponse, BlackListGetResponse, BlockedAccount, Friend,
    FriendCheckInfo, FriendCheckResponse, FriendGetListResponse, FriendGetResponse,
    FriendImportResponse, FriendInfo, GroupAddResponse, GroupDeleteResponse, GroupGetResponse,
    GroupInfo, ItemResults,
};

/// One item's outcome.
pub(crate) fn item(to: &str, code: ErrorCode, info: &str) -> ResultItem {
    ResultItem {
        to_account: to.to_owned(),
        result_code: code,
        result_info: info.to_owned(),
    }
}

pub(crate) fn item_results(results: Vec<ResultItem>) -> ItemResults {
    let mut answer = ItemResults::default();
    answer.fail_accounts = failed_accounts(&results);
    answer.results = results;
    answer
}

pub(crate) fn friend_import(results: Vec<ResultItem>) -> FriendImportResponse {
    let mut answer = FriendImportResponse::default();
    answer.fail_accounts = failed_accounts(&results);
    answer.results = results;
    answer
}

/// A friend_get page; `next` is where the next page starts, `None` after the last one.
pub(crate) fn friend_get(
    friends: Vec<Friend>,
    sequences: (u64, u64),
    friend_num: u64,
    next: Option<u64>,
) -> FriendGetResponse {
    let mut answer = FriendGetResponse::default();
    answer.friends = friends;
    (answer.standard_sequence, answer.custom_sequence) = sequences;
    answer.friend_num = friend_num;
    answer.complete_flag = u32::from(next.is_none());
    answer.next_start_index = next.unwrap_or(0);
    answer
}

pub(crate) fn friend_check_info(
    to: &str,
    relation: tencent_im_friends::FriendRelation,
    code: ErrorCode,
    info: &str,
) -> FriendCheckInfo {
    FriendCheckInfo {
        to_account: to.to_owned(),
        relation,
        result_code: code,
        result_info: info.to_owned(),
    }
}

pub(crate) fn friend_check(items: Vec<FriendCheckInfo>) -> FriendCheckResponse {
    let mut answer = FriendCheckResponse::default();
    answer.fail_accounts = failed_by(&items, |i| (i.result_code, &i.to_account));
    answer.items = items;
    answer
}

pub(crate) fn friend_info(
    to: &str,
    fields: Vec<tencent_im_friends::TagValue>,
    code: ErrorCode,
    info: &str,
) -> FriendInfo {
    FriendInfo {
        to_account: to.to_owned(),
        fields,
        result_code: code,
        result_info: info.to_owned(),
    }
}

pub(crate) fn friend_get_list(items: Vec<FriendInfo>) -> FriendGetListResponse {
    let mut answer = FriendGetListResponse::default();
    answer.fail_accounts = failed_by(&items, |i| (i.result_code, &i.to_account));
    answer.items = items;
    answer
}

pub(crate) fn blocked(to: &str, added_at: i64) -> BlockedAccount {
    BlockedAccount {
        to_account: to.to_owned(),
        added_at,
    }
}

pub(crate) fn black_list_get(
    items: Vec<BlockedAccount>,
    next: u64,
    sequence: u64,
) -> BlackListGetResponse {
    let mut answer = BlackListGetResponse::default();
    answer.items = items;
    answer.start_index = next;
    answer.current_sequence = sequence;
    answer
}

pub(crate) fn black_check_info(
    to: &str,
    relation: tencent_im_friends::BlackRelation,
    code: ErrorCode,
    info: &str,
) -> BlackCheckInfo {
    BlackCheckInfo {
        to_account: to.to_owned(),
        relation,
        result_code: code,
        result_info: info.to_owned(),
    }
}

pub(crate) fn black_list_check(items: Vec<BlackCheckInfo>) -> BlackListCheckResponse {
    let mut answer = BlackListCheckResponse::default();
    answer.fail_accounts = failed_by(&items, |i| (i.result_code, &i.to_account));
    answer.items = items;
    answer
}

pub(crate) fn group_add(results: Vec<ResultItem>, sequence: u64) -> GroupAddResponse {
    let mut answer = GroupAddResponse::default();
    answer.fail_accounts = failed_accounts(&results);
    answer.results = results;
    answer.current_sequence = sequence;
    answer
}

pub(crate) fn group_delete(sequence: u64) -> GroupDeleteResponse {
    let mut answer = GroupDeleteResponse::default();
    answer.current_sequence = sequence;
    answer
}

pub(crate) fn group_info(
    name: &str,
    friend_number: u64,
    members: Option<Vec<String>>,
) -> GroupInfo {
    GroupInfo {
        name: name.to_owned(),
        friend_number,
        to_accounts: members,
    }
}

pub(crate) fn group_get(groups: Vec<GroupInfo>, sequence: u64) -> GroupGetResponse {
    let mut answer = GroupGetResponse::default();
    answer.groups = groups;
    answer.current_sequence = sequence;
    answer
}

pub(crate) fn multiaccount_import(failed: Vec<String>) -> MultiaccountImportResponse {
    let mut answer = MultiaccountImportResponse::default();
    answer.fail_accounts = failed;
    answer
}

pub(crate) fn account_checked(
    user_id: String,
    status: tencent_im_accounts::AccountStatus,
) -> AccountCheckResult {
    AccountCheckResult {
        user_id,
        result_code: ErrorCode::OK,
        result_info: String::new(),
        status: Some(status),
    }
}

pub(crate) fn account_check(results: Vec<AccountCheckResult>) -> AccountCheckResponse {
    let mut answer = AccountCheckResponse::default();
    answer.results = results;
    answer
}

pub(crate) fn account_result(user_id: String, code: ErrorCode, info: &str) -> AccountResult {
    AccountResult {
        result_code: code,
        result_info: info.to_owned(),
        user_id,
    }
}

pub(crate) fn account_delete(results: Vec<AccountResult>) -> AccountDeleteResponse {
    let mut answer = AccountDeleteResponse::default();
    answer.results = results;
    answer
}

/// The accounts of the failed items, in order: what the service puts in `Fail_Account`.
fn failed_accounts(results: &[ResultItem]) -> Vec<String> {
    failed_by(results, |item| (item.result_code, &item.to_account))
}

/// The accounts of the items whose code is not 0, in order, for any item type.
fn failed_by<T>(items: &[T], outcome: impl Fn(&T) -> (ErrorCode, &String)) -> Vec<String> {
    items
        .iter()
        .map(outcome)
        .filter(|(code, _)| !code.is_ok())
        .map(|(_, account)| account.clone())
        .collect()
}
