//! portrait_set and portrait_get: every standard profile field and custom
//! `Tag_Profile_Custom_*` fields, per account. The nickname, avatar and `AllowType` live on the
//! account itself (account_import and friend_add read them); the rest lives in [`Profile`].

use std::collections::BTreeMap;

use tencent_im_core::{Empty, ErrorCode, Validate};
use tencent_im_profile::{
    AdminForbidType, AllowType as WireAllowType, Gender, PortraitGet, PortraitGetResponse,
    PortraitSet, ProfileItem, ProfileTag, UserProfile,
};

use super::{Account, AllowType, Outcome, Refusal, World};

/// The profile service's "bad parameter" code.
const PROFILE_BAD_PARAMETER: ErrorCode = ErrorCode(40001);
/// The profile service's "account not found" code.
const PROFILE_NO_ACCOUNT: ErrorCode = ErrorCode(40003);

/// The profile fields of an account besides those kept on [`Account`].
#[derive(Debug, Clone, Default)]
pub(crate) struct Profile {
    /// `Tag_Profile_IM_AdminForbidType`.
    pub(crate) admin_forbid: AdminForbidType,
    /// The other standard fields and the custom ones, by tag.
    pub(crate) fields: BTreeMap<String, ProfileItem>,
}

impl Profile {
    /// Whether the admin forbids this account to send friend requests.
    pub(crate) fn forbids_friend_requests(&self) -> bool {
        self.admin_forbid == AdminForbidType::SendOut
    }
}

impl AllowType {
    fn to_wire(self) -> WireAllowType {
        match self {
            AllowType::NeedConfirm => WireAllowType::NeedConfirm,
            AllowType::AllowAny => WireAllowType::AllowAny,
            AllowType::DenyAny => WireAllowType::DenyAny,
        }
    }

    fn from_wire(value: &WireAllowType) -> Option<AllowType> {
        match value {
            WireAllowType::NeedConfirm => Some(AllowType::NeedConfirm),
            WireAllowType::AllowAny => Some(AllowType::AllowAny),
            WireAllowType::DenyAny => Some(AllowType::DenyAny),
            WireAllowType::Other(_) => None,
        }
    }
}

fn bad_parameter(info: impl Into<String>) -> Refusal {
    Refusal::new(PROFILE_BAD_PARAMETER, info)
}

impl World {
    pub(crate) fn portrait_set(&mut self, req: PortraitSet) -> Outcome<Empty> {
        req.validate()
            .map_err(|err| bad_parameter(format!("Err_Profile_Param: {err}")))?;
        // Check every field first, then apply them all.
        let mut allow_type = None;
        for item in &req.profile_item {
            match item {
                ProfileItem::AllowType(value) => {
                    allow_type = Some(AllowType::from_wire(value).ok_or_else(|| {
                        bad_parameter(format!("Err_Profile_Bad_AllowType: {value}"))
                    })?);
                }
                ProfileItem::Raw { tag, .. } if !tag.starts_with(ProfileTag::CUSTOM_PREFIX) => {
                    return Err(bad_parameter(format!(
                        "Err_Profile_Unknown_Tag: {tag:?} is neither a standard nor a custom \
                         profile field"
                    )));
                }
                _ => {}
            }
        }
        // The callback carries the fields as they were sent, taken before they are stored.
        let sent: Vec<(String, serde_json::Value)> = req
            .profile_item
            .iter()
            .map(|item| (item.tag().as_str().to_owned(), item.value()))
            .collect();
        let account = self
            .accounts
            .get_mut(&req.from_account)
            .ok_or_else(|| Refusal::new(PROFILE_NO_ACCOUNT, "Err_Profile_Account_Not_Exist"))?;
        for item in req.profile_item {
            match item {
                ProfileItem::Nick(nick) => account.nick = Some(nick),
                ProfileItem::Image(url) => account.face_url = Some(url),
                ProfileItem::AllowType(_) => {}
                ProfileItem::AdminForbidType(value) => account.profile.admin_forbid = value,
                other => {
                    account
                        .profile
                        .fields
                        .insert(other.tag().as_str().to_owned(), other);
                }
            }
        }
        if let Some(allow_type) = allow_type {
            account.allow_type = allow_type;
        }
        self.emit_portrait_set(&req.from_account, sent);
        Ok(Empty {})
    }

    pub(crate) fn portrait_get(&self, req: PortraitGet) -> Outcome<PortraitGetResponse> {
        req.validate()
            .map_err(|err| bad_parameter(format!("Err_Profile_Param: {err}")))?;
        let mut answer = PortraitGetResponse::default();
        for to in req.to_account {
            match self.accounts.get(&to) {
                Some(account) => {
                    let items = req
                        .tag_list
                        .iter()
                        .filter_map(|tag| field_of(account, tag))
                        .collect();
                    answer.user_profile_item.push(UserProfile::new(to, items));
                }
                None => {
                    answer.fail_account.push(to.clone());
                    answer.user_profile_item.push(UserProfile::failed(
                        to,
                        PROFILE_NO_ACCOUNT,
                        "Err_Profile_Account_Not_Exist",
                    ));
                }
            }
        }
        Ok(answer)
    }
}

/// The value portrait_get answers for `tag`: a standard field always (its default when never
/// set), a custom field when set, nothing for an unknown tag.
fn field_of(account: &Account, tag: &ProfileTag) -> Option<ProfileItem> {
    if let Some(set) = account.profile.fields.get(tag.as_str()) {
        return Some(set.clone());
    }
    Some(match tag.as_str() {
        "Tag_Profile_IM_Nick" => ProfileItem::Nick(account.nick.clone().unwrap_or_default()),
        "Tag_Profile_IM_Image" => ProfileItem::Image(account.face_url.clone().unwrap_or_default()),
        "Tag_Profile_IM_AllowType" => ProfileItem::AllowType(account.allow_type.to_wire()),
        "Tag_Profile_IM_AdminForbidType" => {
            ProfileItem::AdminForbidType(account.profile.admin_forbid.clone())
        }
        "Tag_Profile_IM_Gender" => ProfileItem::Gender(Gender::Unknown),
        "Tag_Profile_IM_Location" => ProfileItem::Location(String::new()),
        "Tag_Profile_IM_SelfSignature" => ProfileItem::SelfSignature(String::new()),
        "Tag_Profile_IM_BirthDay" => ProfileItem::BirthDay(0),
        "Tag_Profile_IM_Language" => ProfileItem::Language(0),
        "Tag_Profile_IM_MsgSettings" => ProfileItem::MsgSettings(0),
        "Tag_Profile_IM_Level" => ProfileItem::Level(0),
        "Tag_Profile_IM_Role" => ProfileItem::Role(0),
        _ => return None,
    })
}

/// The profile fields follow_get shows of an account: the nickname and avatar when set, its
/// `AllowType`, and every other field it has set, custom ones included.
pub(crate) fn shown_in_lists(account: &Account) -> Vec<ProfileItem> {
    let mut items = Vec::with_capacity(account.profile.fields.len() + 3);
    if let Some(nick) = &account.nick {
        items.push(ProfileItem::Nick(nick.clone()));
    }
    if let Some(url) = &account.face_url {
        items.push(ProfileItem::Image(url.clone()));
    }
    items.push(ProfileItem::AllowType(account.allow_type.to_wire()));
    items.extend(account.profile.fields.values().cloned());
    items
}
