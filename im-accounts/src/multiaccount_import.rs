//! POST v4/im_open_login_svc/multiaccount_import
//!
//! Imports up to 100 accounts in one request, in either of the two documented forms:
//!
//! - `{"Accounts": ["id1", "id2"]}`, the older form: UserIDs only;
//! - `{"AccountList": [{"UserID": "id1", "Nick": "...", "FaceUrl": "..."}]}`, the newer one:
//!   each account with an optional nickname and avatar URL, and an account that exists already
//!   is updated with the values given.
//!
//! Both go to one path, share the cap of 100 and the answer (`FailAccounts`). They are one
//! request type, [`MultiaccountImport`], whose body is the enum [`AccountsToImport`]: a request
//! carries exactly one of the two lists by construction, a server (the emulator) decodes either
//! form into the same type, the path, rate and answer are declared once, and `call_batched`
//! splits either list at 100. Two request types on one path would have needed two
//! registrations for one route and two code paths in every caller that imports accounts from
//! data which may or may not carry profiles.

use serde::{Deserialize, Serialize};
use tencent_im_core::batch::{self, Chunked};
use tencent_im_core::{check, FieldPath, Validate, ValidationError};
use tencent_im_core::{im_api, im_item, im_response};

use crate::MAX_ACCOUNTS_PER_REQUEST;

/// The most bytes of a profile value such as `Nick` or `FaceUrl` (a longer one is refused with
/// 40601).
pub const MAX_PROFILE_VALUE_BYTES: usize = 500;

/// Imports up to 100 accounts.
#[im_api(
    path = "v4/im_open_login_svc/multiaccount_import",
    rate = 100,
    check = MultiaccountImport::check_accounts
)]
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct MultiaccountImport {
    /// The accounts, in one of the two forms; the list's own key (`Accounts` or `AccountList`)
    /// is the request's only field.
    #[serde(flatten)]
    pub accounts: AccountsToImport,
}

/// The accounts of a [`MultiaccountImport`], 1 to 100.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub enum AccountsToImport {
    /// `Accounts`: UserIDs only, the older form.
    #[serde(rename = "Accounts")]
    UserIds(Vec<String>),
    /// `AccountList`: accounts with an optional nickname and avatar URL; an account that exists
    /// is updated with the values given.
    #[serde(rename = "AccountList")]
    WithProfiles(Vec<ImportedAccount>),
}

impl AccountsToImport {
    /// How many accounts.
    pub fn len(&self) -> usize {
        match self {
            AccountsToImport::UserIds(ids) => ids.len(),
            AccountsToImport::WithProfiles(accounts) => accounts.len(),
        }
    }

    /// No accounts.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The UserIDs, in order.
    pub fn user_ids(&self) -> impl Iterator<Item = &str> {
        let (ids, accounts) = match self {
            AccountsToImport::UserIds(ids) => (&ids[..], &[][..]),
            AccountsToImport::WithProfiles(accounts) => (&[][..], &accounts[..]),
        };
        ids.iter()
            .map(String::as_str)
            .chain(accounts.iter().map(|account| account.user_id.as_str()))
    }

    /// The wire name of the list.
    pub fn key(&self) -> &'static str {
        match self {
            AccountsToImport::UserIds(_) => "Accounts",
            AccountsToImport::WithProfiles(_) => "AccountList",
        }
    }
}

/// One account of the `AccountList` form.
#[im_item]
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportedAccount {
    /// The account's UserID.
    #[im(user_id)]
    // Older documents and third-party clients name it `Identifier`.
    #[serde(alias = "Identifier")]
    pub user_id: String,
    /// Nickname (`Tag_Profile_IM_Nick`); left out when `None`.
    #[im(max_bytes = MAX_PROFILE_VALUE_BYTES)]
    pub nick: Option<String>,
    /// Avatar URL (`Tag_Profile_IM_Image`); left out when `None`.
    #[im(max_bytes = MAX_PROFILE_VALUE_BYTES)]
    pub face_url: Option<String>,
}

impl ImportedAccount {
    /// `user_id` without a nickname or an avatar URL.
    pub fn new(user_id: impl Into<String>) -> Self {
        Self {
            user_id: user_id.into(),
            nick: None,
            face_url: None,
        }
    }

    /// Sets the nickname.
    pub fn nick(mut self, nick: impl Into<String>) -> Self {
        self.nick = Some(nick.into());
        self
    }

    /// Sets the avatar URL.
    pub fn face_url(mut self, url: impl Into<String>) -> Self {
        self.face_url = Some(url.into());
        self
    }

    /// Whether it carries a nickname or an avatar URL.
    pub fn has_profile(&self) -> bool {
        self.nick.is_some() || self.face_url.is_some()
    }
}

impl MultiaccountImport {
    /// Imports `user_ids` in the older form, `{"Accounts": [...]}`.
    pub fn new<I, S>(user_ids: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        Self {
            accounts: AccountsToImport::UserIds(user_ids.into_iter().map(Into::into).collect()),
        }
    }

    /// Imports `accounts` in the newer form, `{"AccountList": [...]}`, updating those that
    /// exist with the nicknames and avatar URLs given.
    pub fn with_profiles(accounts: impl IntoIterator<Item = ImportedAccount>) -> Self {
        Self {
            accounts: AccountsToImport::WithProfiles(accounts.into_iter().collect()),
        }
    }

    /// Imports `accounts` in the form they need: `AccountList` when one of them carries a
    /// nickname or an avatar URL, the older `Accounts` (which every app accepts) otherwise.
    pub fn from_accounts(accounts: impl IntoIterator<Item = ImportedAccount>) -> Self {
        let accounts: Vec<ImportedAccount> = accounts.into_iter().collect();
        if accounts.iter().any(ImportedAccount::has_profile) {
            Self::with_profiles(accounts)
        } else {
            Self::new(accounts.into_iter().map(|account| account.user_id))
        }
    }

    /// 1 to 100 accounts, each UserID 1 to 32 bytes, each profile value at most 500 bytes;
    /// errors name the list by its wire key (`AccountList[3].Nick`).
    fn check_accounts(&self, at: &FieldPath<'_>) -> Result<(), ValidationError> {
        let list = at.field(self.accounts.key());
        check::items(self.accounts.len(), 1, MAX_ACCOUNTS_PER_REQUEST, &list)?;
        match &self.accounts {
            AccountsToImport::UserIds(ids) => ids
                .iter()
                .enumerate()
                .try_for_each(|(i, id)| check::user_id(id, &list.index(i))),
            AccountsToImport::WithProfiles(accounts) => accounts
                .iter()
                .enumerate()
                .try_for_each(|(i, account)| account.validate_at(&list.index(i))),
        }
    }
}

impl Chunked for MultiaccountImport {
    const MAX_ITEMS: usize = MAX_ACCOUNTS_PER_REQUEST;

    fn item_count(&self) -> usize {
        self.accounts.len()
    }

    fn into_chunks(self, max: usize) -> Vec<Self> {
        match self.accounts {
            AccountsToImport::UserIds(ids) => batch::split(ids, max, |ids| Self {
                accounts: AccountsToImport::UserIds(ids),
            }),
            AccountsToImport::WithProfiles(accounts) => {
                batch::split(accounts, max, |accounts| Self {
                    accounts: AccountsToImport::WithProfiles(accounts),
                })
            }
        }
    }
}

/// The accounts that could not be imported; the same for both forms.
#[im_response]
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct MultiaccountImportResponse {
    /// UserIDs that failed; empty when all were imported.
    #[im(merge)]
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub fail_accounts: Vec<String>,
}
