//! The path the generated code reaches `tencent-im-core` by.

use proc_macro2::TokenStream;
use proc_macro_crate::{crate_name, FoundCrate};
use quote::{format_ident, quote};

/// `crate = path` when given; otherwise `tencent-im-core` as the calling crate's manifest names
/// it (renamed dependencies included), or the facade `tencent-im`'s re-export of it.
pub(crate) fn core_path(explicit: Option<&syn::Path>) -> TokenStream {
    if let Some(path) = explicit {
        return quote!(#path);
    }
    match crate_name("tencent-im-core") {
        // `tencent-im-core` declares `extern crate self as tencent_im_core`, so the absolute
        // path works inside it as well as in its tests and doctests.
        Ok(FoundCrate::Itself) => return quote!(::tencent_im_core),
        Ok(FoundCrate::Name(name)) => {
            let name = format_ident!("{}", name);
            return quote!(::#name);
        }
        Err(_) => {}
    }
    match crate_name("tencent-im") {
        Ok(FoundCrate::Itself) => quote!(::tencent_im::core),
        Ok(FoundCrate::Name(name)) => {
            let name = format_ident!("{}", name);
            quote!(::#name::core)
        }
        Err(_) => quote!(::tencent_im_core),
    }
}
