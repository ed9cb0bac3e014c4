//! Code generation for `#[im_api]`.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};
use syn::spanned::Spanned;
use syn::{Data, DeriveInput, Fields, Type};

use crate::attr::Args;

pub(crate) fn endpoint(args: Args, mut item: DeriveInput) -> syn::Result<TokenStream> {
    let fields = match &mut item.data {
        Data::Struct(data) => match &mut data.fields {
            Fields::Named(fields) => fields,
            Fields::Unnamed(fields) => {
                return Err(syn::Error::new(
                    fields.span(),
                    "#[im_api] needs a struct with named fields: the field names become JSON keys",
                ))
            }
            Fields::Unit => {
                return Err(syn::Error::new(
                    item.ident.span(),
                    "#[im_api] needs a struct with named fields; for an empty body write `struct Name {}`",
                ))
            }
        },
        Data::Enum(data) => {
            return Err(syn::Error::new(
                data.enum_token.span,
                "#[im_api] goes on a struct with named fields, not on an enum",
            ))
        }
        Data::Union(data) => {
            return Err(syn::Error::new(
                data.union_token.span,
                "#[im_api] goes on a struct with named fields, not on a union",
            ))
        }
    };

    // `None` is left out of the body instead of being sent as `null`.
    for field in fields.named.iter_mut() {
        if is_option(&field.ty) && !has_skip_attr(&field.attrs) {
            field.attrs.push(syn::parse_quote! {
                #[serde(skip_serializing_if = "::core::option::Option::is_none")]
            });
        }
    }

    let ident = &item.ident;
    let (impl_generics, ty_generics, where_clause) = item.generics.split_for_impl();
    let path = &args.path;
    let rate = proc_macro2::Literal::u32_unsuffixed(args.rate);
    let response = match &args.response {
        Some(ty) => quote!(#ty),
        None => {
            let name = format_ident!("{}Response", ident);
            quote!(#name)
        }
    };

    Ok(quote! {
        #[derive(
            ::tencent_im_core::__private::serde::Serialize,
            ::tencent_im_core::__private::serde::Deserialize,
        )]
        #[serde(crate = "::tencent_im_core::__private::serde")]
        #item

        #[automatically_derived]
        impl #impl_generics ::tencent_im_core::Endpoint for #ident #ty_generics #where_clause {
            const PATH: &'static str = #path;
            const RATE: ::core::num::NonZeroU32 = ::tencent_im_core::__private::rate(#rate);
            type Response = #response;

            fn validate(&self) -> ::core::result::Result<(), ::tencent_im_core::ValidationError> {
                #[allow(unused_imports)]
                use ::tencent_im_core::__private::{ValidateNothing as _, ValidateVia as _};
                (&::tencent_im_core::__private::ValidateProbe(self)).__im_validate()
            }
        }
    })
}

fn is_option(ty: &Type) -> bool {
    match ty {
        Type::Path(path) if path.qself.is_none() => path
            .path
            .segments
            .last()
            .is_some_and(|segment| segment.ident == "Option"),
        _ => false,
    }
}

fn has_skip_attr(attrs: &[syn::Attribute]) -> bool {
    attrs.iter().any(|attr| {
        if !attr.path().is_ident("serde") {
            return false;
        }
        let mut found = false;
        // A parse failure is left for serde's own derive to report.
        let _ = attr.parse_nested_meta(|meta| {
            if meta.path.is_ident("skip_serializing_if")
                || meta.path.is_ident("skip")
                || meta.path.is_ident("skip_serializing")
            {
                found = true;
            }
            if meta.input.peek(syn::Token![=]) {
                let _: syn::Expr = meta.value()?.parse()?;
            }
            Ok(())
        });
        found
    })
}
