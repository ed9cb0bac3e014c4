//! What is emitted beside the errors, so that one mistake gives one error: the item without the
//! attribute's own field attributes, still deriving serde (its `#[serde]` attributes stay
//! meaningful), and stub impls for the traits the rest of the crate expects.

use proc_macro2::TokenStream;
use quote::quote;
use syn::{Data, DeriveInput};

use crate::attr::{Args, Kind};
use crate::errors::Errors;
use crate::expand::endpoint_impl;

/// A struct with named fields whose declaration has mistakes. `item` is already wired for serde.
pub(crate) fn declared_struct(
    kind: Kind,
    item: &DeriveInput,
    args: &Args,
    krate: &TokenStream,
    errors: Errors,
) -> TokenStream {
    let errors = errors.into_compile_errors();
    let stub_validate = || {
        let ident = &item.ident;
        let (impl_generics, ty_generics, where_clause) = item.generics.split_for_impl();
        quote! {
            impl #impl_generics #krate::Validate for #ident #ty_generics #where_clause {
                fn validate_at(
                    &self,
                    _: &#krate::FieldPath<'_>,
                ) -> ::core::result::Result<(), #krate::ValidationError> {
                    ::core::result::Result::Ok(())
                }
            }
        }
    };
    let stubs = match kind {
        Kind::Request => {
            // The declared response type is kept (not a placeholder), so that code using the
            // answer's fields does not report follow-on errors.
            let endpoint = endpoint_impl(item, args, krate);
            let validate = stub_validate();
            quote!(#endpoint #validate)
        }
        Kind::Item => stub_validate(),
        Kind::Response => TokenStream::new(),
    };
    quote! {
        #errors
        #item
        #stubs
    }
}

/// An enum, a union or a struct without named fields: reported, and emitted with the `#[im]` and
/// `#[serde]` attributes removed (nothing derives serde for it, so they would not resolve).
pub(crate) fn other_item(item: &DeriveInput, errors: Errors) -> TokenStream {
    let errors = errors.into_compile_errors();
    let mut item = item.clone();
    let ours = |attr: &syn::Attribute| attr.path().is_ident("im") || attr.path().is_ident("serde");
    let strip = |fields: &mut syn::Fields| {
        for field in fields.iter_mut() {
            field.attrs.retain(|attr| !ours(attr));
        }
    };
    item.attrs.retain(|attr| !ours(attr));
    match &mut item.data {
        Data::Struct(data) => strip(&mut data.fields),
        Data::Enum(data) => {
            for variant in data.variants.iter_mut() {
                variant.attrs.retain(|attr| !ours(attr));
                strip(&mut variant.fields);
            }
        }
        Data::Union(data) => {
            for field in data.fields.named.iter_mut() {
                field.attrs.retain(|attr| !ours(attr));
            }
        }
    }
    quote! {
        #errors
        #item
    }
}
