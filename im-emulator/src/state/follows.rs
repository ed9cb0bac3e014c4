//! follow_add and follow_delete: who follows whom, with the time it started. Fans are derived
//! (an account's fans are the accounts whose `following` holds it).

use tencent_im_core::{ErrorCode, ResultItem};
use tencent_im_follow::{FollowAdd, FollowDelete, FollowResults, MAX_ACCOUNTS_PER_REQUEST};

use super::{answers, Outcome, World};

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

fn follow_results(results: Vec<ResultItem>) -> FollowResults {
    let mut answer = FollowResults::default();
    answer.result_item = results;
    answer
}
