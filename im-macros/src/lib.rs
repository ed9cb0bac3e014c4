//! Procedural macros of the Tencent Cloud Chat REST SDK: the whole declaration of an endpoint.
//!
//! Use them through `tencent-im` or `tencent-im-core` (`tencent_im_core::im_api`, ...), which
//! provide the items the generated code refers to.
//!
//! - [`macro@im_api`] declares a request: path, documented rate, response type, wire names,
//!   client-side checks and batch splitting.
//! - [`macro@im_response`] declares what a call answers, and how chunk answers merge.
//! - [`macro@im_item`] declares an object nested in a request or a response.
//!
//! # Wire names
//!
//! A field's JSON key comes from its Rust name by one rule: each `_`-separated word is
//! capitalised and the words are joined (`start_index` → `StartIndex`, `add_friend_item` →
//! `AddFriendItem`), `id` becomes `ID` (`user_id` → `UserID`), and the singular word `account`
//! after another word keeps its underscore (`from_account` → `From_Account`, `fail_accounts` →
//! `FailAccounts`). `#[im(rename = "CurruentSequence")]` names the exceptions; `#[serde(rename)]`
//! is refused so that the name is declared once.
//!
//! # Field attributes: `#[im(...)]`
//!
//! | key | on | meaning |
//! |---|---|---|
//! | `rename = "Key"` | any | the wire name, when the rule does not give it |
//! | `user_id` | `String` | 1 to 32 bytes |
//! | `max_bytes = N` | `String` | at most N bytes |
//! | `check = path` | any | calls `path(&value, &FieldPath)` (`fn(&T, &FieldPath<'_>) -> Result<(), ValidationError>`) |
//! | `nested` | a type implementing `Validate` | checks it, its errors named under this field |
//! | `max_items = N`, `min_items = M` | `Vec` | M (default 1) to N items |
//! | `each(user_id, max_bytes = N, check = path, nested)` | `Vec` | the checks, on every element |
//! | `batch` | the request's `Vec` of items | `call_batched` splits it at `max_items` |
//! | `merge` | a response's `Vec` | chunk answers of a batch are concatenated here |
//!
//! On an `Option`, the checks apply to the value when it is present; a `None` is left out of the
//! JSON. Errors name the field the way Tencent spells it, with indices: `AddFriendItem[3].To_Account`.
#![deny(missing_docs)]

mod attr;
mod errors;
mod expand;
mod fallback;
mod field;
mod krate;
mod wire;

use proc_macro::TokenStream;

use attr::Kind;

/// Declares a REST endpoint on a request struct with named fields.
///
/// ```text
/// #[im_api(path = "v4/sns/friend_delete", rate = 200)]
/// pub struct FriendDelete {
///     #[im(user_id)]
///     pub from_account: String,
///     #[im(batch, max_items = 1000, each(user_id))]
///     pub to_account: Vec<String>,
///     pub delete_type: Option<DeleteType>,
/// }
/// ```
///
/// Keys:
/// - `path` (required): the API path without a leading `/` or a query, ASCII only.
/// - `rate` (required): the documented calls per second, a positive integer.
/// - `response` (optional): the response type; defaults to the struct's name followed by
///   `Response`.
/// - `check` (optional): a function `fn(&Self, &FieldPath<'_>) -> Result<(), ValidationError>`
///   for a rule the field attributes cannot say, run after them.
/// - `crate` (optional): the path of `tencent_im_core` when it cannot be found in the calling
///   crate's manifest (found by default, renamed or through the `tencent-im` facade).
///
/// Generates `Serialize` and `Deserialize` (through tencent-im-core's serde: the calling crate
/// needs no serde dependency), `Endpoint`, `Validate` from the field checks and, with a `batch`
/// field, `batch::Chunked`.
#[proc_macro_attribute]
pub fn im_api(args: TokenStream, input: TokenStream) -> TokenStream {
    expand::expand(Kind::Request, args.into(), input.into()).into()
}

/// Declares the response of an endpoint: serde with the wire names, `Default` (so that servers
/// and tests build answers field by field), absent lists and options decoded as empty, and, when
/// fields are marked `#[im(merge)]`, `batch::Merge` concatenating them over the chunks of a batch.
/// The only key is `crate`.
#[proc_macro_attribute]
pub fn im_response(args: TokenStream, input: TokenStream) -> TokenStream {
    expand::expand(Kind::Response, args.into(), input.into()).into()
}

/// Declares an object nested in a request or a response (an `AddFriendItem`, a `ResultItem`):
/// serde with the wire names, and `Validate` from the field checks, so that a request checks it
/// with `#[im(each(nested))]`. Keys: `check`, `crate`.
#[proc_macro_attribute]
pub fn im_item(args: TokenStream, input: TokenStream) -> TokenStream {
    expand::expand(Kind::Item, args.into(), input.into()).into()
}
