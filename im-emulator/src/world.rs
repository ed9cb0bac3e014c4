//! What a handler may read and change of the model directly: the public face of [`World`].
//! The calls themselves change it through their requests.

use crate::state::{AllowType, World};

impl World {
    /// Whether `account` is imported.
    pub fn has_account(&self, account: &str) -> bool {
        self.accounts.contains_key(account)
    }

    /// The friends of `account` in friend_get order (none for an unknown account).
    pub fn friends_of(&self, account: &str) -> impl Iterator<Item = &str> + '_ {
        self.accounts
            .get(account)
            .into_iter()
            .flat_map(|a| a.friends.keys().map(String::as_str))
    }

    /// The `AllowType` of `account`, `None` when it is not imported.
    pub fn allow_type(&self, account: &str) -> Option<AllowType> {
        self.accounts.get(account).map(|a| a.allow_type)
    }

    /// Sets the `AllowType` of `account`; `false` when it is not imported.
    pub fn set_allow_type(&mut self, account: &str, allow_type: AllowType) -> bool {
        match self.accounts.get_mut(account) {
            Some(a) => {
                a.allow_type = allow_type;
                true
            }
            None => false,
        }
    }
}
