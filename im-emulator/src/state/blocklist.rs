//! black_list_add, black_list_delete, black_list_get, black_list_check.

use tencent_im_core::{ErrorCode, ResultItem};
use tencent_im_friends::limits::MAX_BLOCKLIST;
use tencent_im_friends::{
    BlackCheckType, BlackListAdd, BlackListCheck, BlackListCheckResponse, BlackListDelete,
    BlackListGet, BlackListGetResponse, BlackRelation, ItemResults,
};

use tencent_im_webhooks::{Event, Pair};

use super::{answers, Outcome, World};

impl World {
    pub(crate) fn black_list_add(&mut self, req: BlackListAdd, now: i64) -> Outcome<ItemResults> {
        self.check_sns_request(&req.from_account, "To_Account", req.to_accounts.len())?;
        let from = req.from_account.as_str();
        let mut results = Vec::with_capacity(req.to_accounts.len());
        let mut blocked = Vec::new();
        for to in &req.to_accounts {
            let failure = if to == from {
                Some((ErrorCode::SNS_BAD_PARAMETER, "Err_SNS_BlackListAdd_Self"))
            } else if !self.accounts.contains_key(to) {
                Some((
                    ErrorCode::SNS_ACCOUNT_NOT_FOUND,
                    "Err_SNS_BlackListAdd_Account_Not_Exist",
                ))
            } else {
                let me = self.account_mut(from)?;
                if me.blocklist.contains_key(to) {
                    Some((
                        ErrorCode::SNS_BAD_PARAMETER,
                        "Err_SNS_BlackListAdd_Already_In_List",
                    ))
                } else if me.blocklist.len() >= MAX_BLOCKLIST {
                    Some((
                        ErrorCode::SNS_BLOCKLIST_FULL,
                        "Err_SNS_BlackListAdd_Black_Num_Exceed_Threshold",
                    ))
                } else {
                    me.blocklist.insert(to.clone(), now);
                    me.blocklist_sequence += 1;
                    None
                }
            };
            match failure {
                Some((code, info)) => results.push(ResultItem::failed(to, code, info)),
                None => {
                    // Blocking ends the friendship both ways.
                    self.unfriend(from, to);
                    self.unfriend(to, from);
                    blocked.push(Pair::new(from, to));
                    results.push(ResultItem::ok(to.as_str()));
                }
            }
        }
        self.emit_pairs(blocked, Event::BlackListAdd);
        Ok(answers::item_results(results))
    }

    pub(crate) fn black_list_delete(&mut self, req: BlackListDelete) -> Outcome<ItemResults> {
        self.check_sns_request(&req.from_account, "To_Account", req.to_accounts.len())?;
        let me = self.account_mut(&req.from_account)?;
        let mut unblocked = Vec::new();
        let results = req
            .to_accounts
            .iter()
            .map(|to| {
                if me.blocklist.shift_remove(to).is_some() {
                    me.blocklist_sequence += 1;
                    unblocked.push(Pair::new(&req.from_account, to));
                    ResultItem::ok(to.as_str())
                } else {
                    ResultItem::failed(
                        to,
                        ErrorCode::SNS_BAD_PARAMETER,
                        "Err_SNS_BlackListDelete_Not_In_List",
                    )
                }
            })
            .collect();
        self.emit_pairs(unblocked, Event::BlackListDelete);
        Ok(answers::item_results(results))
    }

    pub(crate) fn black_list_get(&self, req: BlackListGet) -> Outcome<BlackListGetResponse> {
        self.check_from(&req.from_account)?;
        let me = self.existing(&req.from_account)?;
        let total = me.blocklist.len();
        let start = usize::try_from(req.start_index)
            .unwrap_or(usize::MAX)
            .min(total);
        let page = usize::try_from(req.max_limited)
            .unwrap_or(usize::MAX)
            .max(1);
        let end = start.saturating_add(page).min(total);
        let items = me
            .blocklist
            .get_range(start..end)
            .into_iter()
            .flat_map(|slice| slice.iter())
            .map(|(to, at)| answers::blocked(to, *at))
            .collect();
        let next = if end < total { end as u64 } else { 0 };
        Ok(answers::black_list_get(items, next, me.blocklist_sequence))
    }

    pub(crate) fn black_list_check(&self, req: BlackListCheck) -> Outcome<BlackListCheckResponse> {
        let two_way = req.check_type == BlackCheckType::Both;
        let held = self.relations(
            &req.from_account,
            &req.to_accounts,
            two_way,
            |account, id| account.blocklist.contains_key(id),
        )?;
        let items = held
            .into_iter()
            .map(|(to, held)| {
                use BlackRelation::*;
                match held {
                    Some(held) => {
                        let relation = held.relation(BothWay, AWithB, BWithA, No);
                        answers::black_check_info(to, relation, ErrorCode::OK, "")
                    }
                    None => answers::black_check_info(
                        to,
                        No,
                        ErrorCode::SNS_ACCOUNT_NOT_FOUND,
                        "Err_SNS_BlackListCheck_Account_Not_Exist",
                    ),
                }
            })
            .collect();
        Ok(answers::black_list_check(items))
    }
}
