//! POST v4/profile/portrait_set — sets some of an account's profile fields.

use tencent_im_core::{im_api, Empty};

use crate::ProfileItem;

/// Sets the fields of `profile_item` on `from_account`'s profile; fields not given are kept.
#[im_api(path = "v4/profile/portrait_set", rate = 200, response = Empty)]
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct PortraitSet {
    /// Whose profile.
    #[im(user_id)]
    pub from_account: String,
    /// The fields to set, at least one; each is checked (byte limits, documented values, custom
    /// names) by [`crate::item::check_item`].
    #[im(min_items = 1, each(check = crate::item::check_item))]
    pub profile_item: Vec<ProfileItem>,
}

impl PortraitSet {
    /// Sets `items` on `from`'s profile.
    pub fn new(from: impl Into<String>, items: impl IntoIterator<Item = ProfileItem>) -> Self {
        Self {
            from_account: from.into(),
            profile_item: items.into_iter().collect(),
        }
    }

    /// Adds a field to set.
    pub fn item(mut self, item: ProfileItem) -> Self {
        self.profile_item.push(item);
        self
    }
}
