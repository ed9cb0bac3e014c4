//! group_add, group_delete, group_get.

use tencent_im_core::{ErrorCode, ResultItem};
use tencent_im_friends::limits::MAX_GROUPS;
use tencent_im_friends::{
    GroupAdd, GroupAddResponse, GroupDelete, GroupDeleteResponse, GroupGet, GroupGetResponse,
};

use super::{answers, Outcome, Refusal, World};

impl World {
    pub(crate) fn group_add(&mut self, req: GroupAdd) -> Outcome<GroupAddResponse> {
        self.check_from(&req.from_account)?;
        let me = self.account_mut(&req.from_account)?;
        if let Some(name) = req.group_names.iter().find(|n| me.groups.contains(n)) {
            return Err(Refusal::new(
                ErrorCode::SNS_BAD_PARAMETER,
                format!("Err_SNS_GroupAdd_Group_Exist: {name:?} already exists"),
            ));
        }
        if me.groups.len() + req.group_names.len() > MAX_GROUPS {
            return Err(Refusal::new(
                ErrorCode::SNS_GROUP_LIMIT,
                "Err_SNS_GroupAdd_Group_Num_Exceed_Threshold",
            ));
        }
        if me.ensure_groups(&req.group_names).is_err() {
            return Err(Refusal::new(
                ErrorCode::SNS_GROUP_LIMIT,
                "Err_SNS_GroupAdd_Group_Num_Exceed_Threshold",
            ));
        }
        let mut results = Vec::with_capacity(req.to_accounts.len());
        let mut moved = false;
        for to in &req.to_accounts {
            match me.friends.get_mut(to) {
                Some(record) => {
                    for name in &req.group_names {
                        if !record.groups.contains(name) {
                            record.groups.push(name.clone());
                        }
                    }
                    moved = true;
                    results.push(ResultItem::ok(to.as_str()));
                }
                None => results.push(ResultItem::failed(
                    to,
                    ErrorCode::SNS_GROUP_NOT_A_FRIEND,
                    "Err_SNS_GroupAdd_Not_Friend",
                )),
            }
        }
        if moved {
            me.standard_sequence += 1;
        }
        Ok(answers::group_add(results, me.group_sequence))
    }

    pub(crate) fn group_delete(&mut self, req: GroupDelete) -> Outcome<GroupDeleteResponse> {
        self.check_from(&req.from_account)?;
        let me = self.account_mut(&req.from_account)?;
        if let Some(name) = req.group_names.iter().find(|n| !me.groups.contains(n)) {
            return Err(Refusal::new(
                ErrorCode::SNS_BAD_PARAMETER,
                format!("Err_SNS_GroupDelete_Group_Not_Exist: {name:?} does not exist"),
            ));
        }
        me.groups.retain(|g| !req.group_names.contains(g));
        let mut touched = false;
        for record in me.friends.values_mut() {
            let before = record.groups.len();
            record.groups.retain(|g| !req.group_names.contains(g));
            touched |= record.groups.len() != before;
        }
        me.group_sequence += 1;
        if touched {
            me.standard_sequence += 1;
        }
        Ok(answers::group_delete(me.group_sequence))
    }

    pub(crate) fn group_get(&self, req: GroupGet) -> Outcome<GroupGetResponse> {
        self.check_from(&req.from_account)?;
        let me = self.existing(&req.from_account)?;
        let groups = me
            .groups
            .iter()
            .filter(|g| req.group_names.is_empty() || req.group_names.contains(g))
            .map(|name| {
                let members: Vec<String> = me
                    .friends
                    .iter()
                    .filter(|(_, record)| record.groups.contains(name))
                    .map(|(to, _)| to.clone())
                    .collect();
                let count = members.len() as u64;
                answers::group_info(name, count, req.need_friend.map(|_| members))
            })
            .collect();
        Ok(answers::group_get(groups, me.group_sequence))
    }
}
