//! POST v4/im_open_login_svc/account_import
//!
//! Imports one account, optionally with a nickname and an avatar URL.

use tencent_im_core::im_api;

/// Imports one account.
#[im_api(path = "v4/im_open_login_svc/account_import", rate = 200)]
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct AccountImport {
    /// The account's UserID.
    #[im(user_id)]
    // Older documents and third-party clients name it `Identifier`.
    #[serde(alias = "Identifier")]
    pub user_id: String,
    /// Nickname.
    pub nick: Option<String>,
    /// Avatar URL.
    pub face_url: Option<String>,
}

/// account_import returns only the envelope.
pub type AccountImportResponse = tencent_im_core::Empty;

impl AccountImport {
    /// Imports `user_id`.
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
}
