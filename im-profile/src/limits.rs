//! Documented limits of the profile calls and fields.

/// Accounts in one portrait_get request. The service documents it as the most to ask for at
/// once, so that the answer does not grow too large.
pub const MAX_ACCOUNTS_PER_GET: usize = 100;
/// Bytes of `Tag_Profile_IM_Nick`.
pub const MAX_NICK_BYTES: usize = 500;
/// Bytes of `Tag_Profile_IM_Location`.
pub const MAX_LOCATION_BYTES: usize = 16;
/// Bytes of `Tag_Profile_IM_SelfSignature`.
pub const MAX_SELF_SIGNATURE_BYTES: usize = 500;
/// Bytes of `Tag_Profile_IM_Image`.
pub const MAX_IMAGE_BYTES: usize = 500;
/// Bytes of any string profile value, custom fields included.
pub const MAX_STRING_BYTES: usize = 500;
/// Bytes of a custom field's name after `Tag_Profile_Custom_`.
pub const MAX_CUSTOM_NAME_BYTES: usize = 8;
