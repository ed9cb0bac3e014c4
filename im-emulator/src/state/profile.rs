//! The two profile calls the emulator serves so that `AllowType` and nicknames can be changed:
//! `v4/profile/portrait_set` and `v4/profile/portrait_get`, for `Tag_Profile_IM_AllowType` and
//! `Tag_Profile_IM_Nick` only. The SDK does not ship these calls; the emulator has its own types.

use tencent_im_core::{im_api, im_item, im_response, Empty, ErrorCode};

use super::{AllowType, Outcome, Refusal, World};

const ALLOW_TYPE: &str = "Tag_Profile_IM_AllowType";
const NICK: &str = "Tag_Profile_IM_Nick";

/// A profile field.
#[im_item]
#[derive(Debug, Clone)]
pub(crate) struct ProfileItem {
    tag: String,
    value: serde_json::Value,
}

/// `portrait_set` body.
#[im_api(path = "v4/profile/portrait_set", rate = 200, response = Empty)]
#[derive(Debug, Clone)]
pub(crate) struct PortraitSet {
    from_account: String,
    #[im(rename = "ProfileItem")]
    items: Vec<ProfileItem>,
}

/// `portrait_get` body.
#[im_api(path = "v4/profile/portrait_get", rate = 200)]
#[derive(Debug, Clone)]
pub(crate) struct PortraitGet {
    #[im(rename = "To_Account")]
    to_accounts: Vec<String>,
    #[im(rename = "TagList")]
    tags: Vec<String>,
}

#[im_item]
#[derive(Debug)]
pub(crate) struct UserProfile {
    to_account: String,
    #[im(rename = "ProfileItem")]
    items: Vec<ProfileItem>,
    result_code: ErrorCode,
    result_info: String,
}

#[im_response]
#[derive(Debug)]
pub(crate) struct PortraitGetResponse {
    #[im(rename = "UserProfileItem")]
    profiles: Vec<UserProfile>,
    #[im(rename = "Fail_Account")]
    #[serde(skip_serializing_if = "Vec::is_empty")]
    fail_accounts: Vec<String>,
}

/// The profile service's "bad parameter" code.
const PROFILE_BAD_PARAMETER: ErrorCode = ErrorCode(40001);
/// The profile service's "account not found" code.
const PROFILE_NO_ACCOUNT: ErrorCode = ErrorCode(40003);

impl World {
    pub(crate) fn portrait_set(&mut self, req: PortraitSet) -> Outcome<Empty> {
        let account = self
            .accounts
            .get_mut(&req.from_account)
            .ok_or_else(|| Refusal::new(PROFILE_NO_ACCOUNT, "Err_Profile_Account_Not_Exist"))?;
        // Check everything first, then apply.
        let mut allow = None;
        let mut nick = None;
        for item in &req.items {
            match (item.tag.as_str(), item.value.as_str()) {
                (ALLOW_TYPE, Some(value)) => {
                    allow = Some(AllowType::parse(value).ok_or_else(|| {
                        Refusal::new(
                            PROFILE_BAD_PARAMETER,
                            format!("Err_Profile_Bad_AllowType: {value:?}"),
                        )
                    })?);
                }
                (NICK, Some(value)) => nick = Some(value.to_owned()),
                (tag, _) => {
                    return Err(Refusal::new(
                        PROFILE_BAD_PARAMETER,
                        format!(
                            "Err_Profile_Unsupported: the emulator sets {ALLOW_TYPE} and {NICK} \
                             (strings), not {tag:?}"
                        ),
                    ))
                }
            }
        }
        if let Some(allow) = allow {
            account.allow_type = allow;
        }
        if nick.is_some() {
            account.nick = nick;
        }
        self.emit_portrait_set(
            &req.from_account,
            req.items.iter().map(|i| (i.tag.as_str(), &i.value)),
        );
        Ok(Empty {})
    }

    pub(crate) fn portrait_get(&self, req: PortraitGet) -> Outcome<PortraitGetResponse> {
        let mut fail_accounts = Vec::new();
        let profiles = req
            .to_accounts
            .into_iter()
            .map(|to| match self.accounts.get(&to) {
                Some(account) => {
                    let items = req
                        .tags
                        .iter()
                        .filter_map(|tag| {
                            let value = match tag.as_str() {
                                ALLOW_TYPE => account.allow_type.as_str().to_owned(),
                                NICK => account.nick.clone().unwrap_or_default(),
                                _ => return None,
                            };
                            Some(ProfileItem {
                                tag: tag.clone(),
                                value: value.into(),
                            })
                        })
                        .collect();
                    UserProfile {
                        to_account: to,
                        items,
                        result_code: ErrorCode::OK,
                        result_info: String::new(),
                    }
                }
                None => {
                    fail_accounts.push(to.clone());
                    UserProfile {
                        to_account: to,
                        items: Vec::new(),
                        result_code: PROFILE_NO_ACCOUNT,
                        result_info: "Err_Profile_Account_Not_Exist".to_owned(),
                    }
                }
            })
            .collect();
        Ok(PortraitGetResponse {
            profiles,
            fail_accounts,
        })
    }
}
