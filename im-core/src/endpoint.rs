//! The [`Endpoint`] trait: everything the client needs to know about one REST call.

use core::num::NonZeroU32;

use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

use crate::{FieldPath, ValidationError};

/// One REST call: its path, its documented rate and the type of its response.
///
/// The request value itself is the JSON body. [`macro@crate::im_api`] writes this impl for you;
/// writing it by hand is equally supported:
///
/// ```
/// use core::num::NonZeroU32;
/// use serde::Serialize;
///
/// #[derive(Serialize)]
/// struct DeleteAll {
///     #[serde(rename = "From_Account")]
///     from_account: String,
/// }
///
/// impl tencent_im_core::Endpoint for DeleteAll {
///     const PATH: &'static str = "v4/sns/friend_delete_all";
///     const RATE: NonZeroU32 = match NonZeroU32::new(200) {
///         Some(rate) => rate,
///         None => unreachable!(),
///     };
///     type Response = tencent_im_core::Empty;
/// }
/// ```
pub trait Endpoint: Serialize {
    /// API path without a leading `/`, e.g. `v4/sns/friend_get`.
    const PATH: &'static str;
    /// Documented maximum calls per second for this path.
    const RATE: NonZeroU32;
    /// What a successful call returns: the call's own fields (the client consumes the envelope
    /// fields `ActionStatus`, `ErrorCode`, `ErrorInfo` and `ErrorDisplay` while decoding it).
    type Response: DeserializeOwned + Send;

    /// Checks the request before anything is sent. The default accepts everything.
    fn validate(&self) -> Result<(), ValidationError> {
        Ok(())
    }
}

/// Client-side checks of a request or of an object nested in one.
///
/// [`macro@crate::im_api`] and [`macro@crate::im_item`] generate it from the field attributes, and
/// the generated [`Endpoint::validate`] calls it. Writing it by hand is equally supported.
pub trait Validate {
    /// Returns the first problem found in the value at `at`, naming the field the way Tencent
    /// spells it (`AddFriendItem[3].To_Account`) and the limit it breaks.
    fn validate_at(&self, at: &FieldPath<'_>) -> Result<(), ValidationError>;

    /// Checks the value as a whole request.
    #[inline]
    fn validate(&self) -> Result<(), ValidationError> {
        self.validate_at(&FieldPath::ROOT)
    }
}

/// The response of calls that return nothing beyond the envelope.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Empty {}
