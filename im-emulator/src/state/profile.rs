//! The two profile calls the emulator serves so that `AllowType` and nicknames can be changed:
//! `v4/profile/portrait_set` and `v4/profile/portrait_get`, for `Tag_Profile_IM_AllowType` and
//! `Tag_Profile_IM_Nick` only. The SDK does not ship these calls; the emulator has its own types.

use std::num::NonZeroU32;

use serde::{Deserialize, Serialize};
use tencent_im_core::{Empty, Endpoint, ErrorCode};

use super::{AllowType, Outcome, Refusal, World};

const ALLOW_TYPE: &str = "Tag_Profile_IM_AllowType";
const NICK: &str = "Tag_Profile_IM_Nick";

/// A profile field.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct ProfileItem {
    #[serde(rename = "Tag")]
    tag: String,
    #[serde(rename = "Value")]
    value: serde_json::Value,
}

/// `portrait_set` body.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct PortraitSet {
    #[serde(rename = "From_Account")]
    from_account: String,
    #[serde(rename = "ProfileItem")]
    items: Vec<ProfileItem>,
}

/// `portrait_get` body.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct PortraitGet {
    #[serde(rename = "To_Account")]
    to_accounts: Vec<String>,
    #[serde(rename = "TagList")]
    tags: Vec<String>,
}

#[derive(Debug, Serialize, Deserialize)]
pub(crate) struct UserProfile {
    #[serde(rename = "To_Account")]
    to_account: String,
    #[serde(rename = "ProfileItem")]
    items: Vec<ProfileItem>,
    #[serde(rename = "ResultCode")]
    result_code: ErrorCode,
    #[serde(rename = "ResultInfo")]
    result_info: String,
}

#[derive(Debug, Serialize, Deserialize)]
pub(crate) struct PortraitGetResponse {
    #[serde(rename = "UserProfileItem")]
    profiles: Vec<UserProfile>,
    #[serde(
        rename = "Fail_Account",
        default,
        skip_serializing_if = "Vec::is_empty"
    )]
    fail_accounts: Vec<String>,
}

/// The profile calls' documented rate.
const PROFILE_RATE: NonZeroU32 = match NonZeroU32::new(200) {
    Some(rate) => rate,
    None => unreachable!(),
};

impl Endpoint for PortraitSet {
    const PATH: &'static str = "v4/profile/portrait_set";
    const RATE: NonZeroU32 = PROFILE_RATE;
    type Response = Empty;
}

impl Endpoint for PortraitGet {
    const PATH: &'static str = "v4/profile/portrait_get";
    const RATE: NonZeroU32 = PROFILE_RATE;
    type Response = PortraitGetResponse;
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
