//! Procedural macros for the Tencent Cloud Chat REST SDK.
//!
//! Use them through `tencent_im_core` (`tencent_im_core::im_api`), which provides the items the generated code
//! refers to. See [`macro@im_api`].
#![deny(missing_docs)]

mod attr;
mod expand;

use proc_macro::TokenStream;

/// Declares a REST endpoint on a request struct with named fields.
///
/// ```text
/// #[im_api(path = "v4/sns/friend_get", rate = 200, response = FriendGetResponse)]
/// pub struct FriendGet {
///     #[serde(rename = "From_Account")]
///     pub from_account: String,
/// }
/// ```
///
/// Keys:
/// - `path` (required): the API path without a leading `/` or a query, ASCII only.
/// - `rate` (required): the documented calls per second, a positive integer.
/// - `response` (optional): the response type; defaults to the struct's name followed by `Response`.
///
/// The struct gets `Serialize` and `Deserialize` (reached through `tencent_im_core`, so the crate using the
/// attribute needs no serde import), `Option` fields are left out of the JSON when `None`, and an
/// `tencent_im_core::Endpoint` implementation that calls `tencent_im_core::Validate` first when the struct
/// implements it.
#[proc_macro_attribute]
pub fn im_api(args: TokenStream, input: TokenStream) -> TokenStream {
    let original = proc_macro2::TokenStream::from(input.clone());
    let result = attr::parse(args).and_then(|args| {
        let item = syn::parse::<syn::DeriveInput>(input)?;
        expand::endpoint(args, item)
    });
    match result {
        Ok(tokens) => tokens.into(),
        // Emit the error next to the untouched item so the rest of the crate keeps type-checking.
        Err(err) => {
            let mut tokens = err.to_compile_error();
            tokens.extend(original);
            tokens.into()
        }
    }
}
