//! The follow calls: who follows whom, with the time it started. Fans are derived (an
//! account's fans are the accounts whose `following` holds it); a mutual follow is one the
//! other account returns, dated from the later of the two.
//!
//! follow_get lists in the order of (follow time, account) and its cursor is the position of
//! the last entry given, so a cursor keeps its place while the list changes.

use tencent_im_core::{ErrorCode, FieldPath, ResultItem};
use tencent_im_follow::follow_check::MAX_CHECK_ACCOUNTS;
use tencent_im_follow::{
    follow_get, FollowAdd, FollowCheck, FollowCheckItem, FollowCheckResponse, FollowDelete,
    FollowEntry, FollowGet, FollowGetInfo, FollowGetInfoResponse, FollowGetResponse, FollowInfo,
    FollowRelation, FollowResults, FollowType, MAX_ACCOUNTS_PER_REQUEST,
};

use super::{answers, profile, Outcome, Refusal, World};

impl World {
    pub(crate) fn follow_add(&mut self, req: FollowAdd, now: i64) -> Outcome<FollowResults> {
        self.check_follow_request(&req.from_account, "FollowItem", req.follow_item.len())?;
        let mut results = Vec::with_capacity(req.follow_item.len());
        for item in &req.follow_item {
            let to = item.to_account.as_str();
            results.push(if to == req.from_account {
                answers::item(to, ErrorCode::SNS_BAD_PARAMETER, "Err_Follow_Self")
            } else if !self.accounts.contains_key(to) {
                answers::item(
                    to,
                    ErrorCode::USER_NOT_IMPORTED,
                    "Err_Follow_Account_Not_Exist",
                )
            } else {
                let me = self.account_mut(&req.from_account)?;
                me.following.entry(to.to_owned()).or_insert(now);
                answers::item(to, ErrorCode::OK, "")
            });
        }
        self.emit_follow_add(&req.from_account, &results);
        Ok(follow_results(results))
    }

    pub(crate) fn follow_delete(&mut self, req: FollowDelete) -> Outcome<FollowResults> {
        self.check_follow_request(&req.from_account, "To_Account", req.to_account.len())?;
        let me = self.account_mut(&req.from_account)?;
        let results = req
            .to_account
            .iter()
            .map(|to| match me.following.shift_remove(to) {
                Some(_) => answers::item(to, ErrorCode::OK, ""),
                None => answers::item(to, ErrorCode::SNS_BAD_PARAMETER, "Err_Follow_Not_Following"),
            })
            .collect();
        self.emit_follow_delete(&req.from_account, &results);
        Ok(follow_results(results))
    }

    pub(crate) fn follow_get(&self, req: FollowGet) -> Outcome<FollowGetResponse> {
        self.check_from(&req.from_account)?;
        follow_get::want_num(&req.want_num, &FieldPath::ROOT.field("WantNum"))
            .map_err(|err| Refusal::new(ErrorCode::SNS_BAD_PARAMETER, err.to_string()))?;
        let after = match req.start_cursor.as_str() {
            "" => None,
            cursor => Some(parse_cursor(cursor).ok_or_else(|| {
                Refusal::new(
                    ErrorCode::SNS_BAD_PARAMETER,
                    format!("Err_Follow_Bad_Cursor: {cursor:?} is not a NextCursor of follow_get"),
                )
            })?),
        };
        let mut list = self.follow_list(&req.from_account, req.follow_type);
        list.sort_unstable_by(|a, b| (a.1, a.0).cmp(&(b.1, b.0)));
        let start = match &after {
            Some((time, id)) => list.partition_point(|(other, at)| (*at, *other) <= (*time, id)),
            None => 0,
        };
        let want = usize::try_from(req.want_num).unwrap_or(usize::MAX);
        let end = start.saturating_add(want).min(list.len());
        let page = &list[start..end];
        let mut answer = FollowGetResponse::default();
        if end < list.len() {
            if let Some((id, time)) = page.last() {
                answer.next_cursor = format!("{time}.{id}");
            }
        }
        answer.follow_item = page
            .iter()
            .map(|(id, time)| {
                let shown = self
                    .accounts
                    .get(*id)
                    .map(profile::shown_in_lists)
                    .unwrap_or_default();
                FollowEntry::new(*id, *time, shown)
            })
            .collect();
        Ok(answer)
    }

    /// `account`'s list of `kind`: each other account with the time the relation started.
    fn follow_list(&self, account: &str, kind: FollowType) -> Vec<(&str, i64)> {
        let Some(me) = self.accounts.get(account) else {
            return Vec::new();
        };
        match kind {
            FollowType::Fans => self
                .accounts
                .iter()
                .filter_map(|(id, other)| Some((id.as_str(), *other.following.get(account)?)))
                .collect(),
            FollowType::Following => me
                .following
                .iter()
                .map(|(id, time)| (id.as_str(), *time))
                .collect(),
            FollowType::Mutual => me
                .following
                .iter()
                .filter_map(|(id, mine)| {
                    let theirs = self.accounts.get(id)?.following.get(account)?;
                    Some((id.as_str(), (*mine).max(*theirs)))
                })
                .collect(),
        }
    }

    pub(crate) fn follow_check(&self, req: FollowCheck) -> Outcome<FollowCheckResponse> {
        self.check_from(&req.from_account)?;
        Self::check_item_count(
            "To_Account",
            req.to_account.len(),
            MAX_CHECK_ACCOUNTS,
            ErrorCode::SNS_BAD_PARAMETER,
        )?;
        let from = req.from_account.as_str();
        let me = self.existing(from)?;
        let mut answer = FollowCheckResponse::default();
        answer.result_item = req
            .to_account
            .iter()
            .map(|to| match self.accounts.get(to) {
                Some(peer) => FollowCheckItem::new(
                    to,
                    FollowRelation::of(
                        me.following.contains_key(to),
                        peer.following.contains_key(from),
                    ),
                ),
                None => FollowCheckItem::failed(
                    to,
                    ErrorCode::SNS_ACCOUNT_NOT_FOUND,
                    "Err_Follow_Account_Not_Exist",
                ),
            })
            .collect();
        Ok(answer)
    }

    pub(crate) fn follow_get_info(&self, req: FollowGetInfo) -> Outcome<FollowGetInfoResponse> {
        self.check_follow_request(&req.from_account, "To_Account", req.to_account.len())?;
        let mut answer = FollowGetInfoResponse::default();
        answer.follow_info = req
            .to_account
            .iter()
            .map(|to| match self.accounts.get(to) {
                Some(account) => {
                    let count = |kind| self.follow_list(to, kind).len() as u64;
                    let following = account.following.len() as u64;
                    let counts = (
                        count(FollowType::Fans),
                        following,
                        count(FollowType::Mutual),
                    );
                    FollowInfo::new(to, counts)
                }
                None => FollowInfo::failed(
                    to,
                    ErrorCode::SNS_ACCOUNT_NOT_FOUND,
                    "Err_Follow_Account_Not_Exist",
                ),
            })
            .collect();
        Ok(answer)
    }

    /// A valid, imported `From_Account` and 1 to 20 accounts.
    fn check_follow_request(&self, from: &str, field: &'static str, items: usize) -> Outcome<()> {
        self.check_from(from)?;
        Self::check_item_count(
            field,
            items,
            MAX_ACCOUNTS_PER_REQUEST,
            ErrorCode::SNS_BAD_PARAMETER,
        )
    }

    /// Who follows `account`, in no particular order.
    pub fn fans_of(&self, account: &str) -> Vec<String> {
        let mut fans: Vec<String> = self
            .accounts
            .iter()
            .filter(|(_, other)| other.following.contains_key(account))
            .map(|(id, _)| id.clone())
            .collect();
        fans.sort();
        fans
    }
}

/// A `NextCursor` of [`World::follow_get`]: `{follow time}.{account}` of the last entry given.
fn parse_cursor(cursor: &str) -> Option<(i64, &str)> {
    let (time, id) = cursor.split_once('.')?;
    Some((time.parse().ok()?, id))
}

fn follow_results(results: Vec<ResultItem>) -> FollowResults {
    let mut answer = FollowResults::default();
    answer.result_item = results;
    answer
}
