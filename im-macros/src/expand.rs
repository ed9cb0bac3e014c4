//! Code generation for `#[im_api]`, `#[im_response]` and `#[im_item]`.

use proc_macro2::{Span, TokenStream};
use quote::{format_ident, quote, quote_spanned};
use syn::spanned::Spanned;
use syn::{Data, DeriveInput, Fields};

use crate::attr::{Args, Kind};
use crate::errors::Errors;
use crate::fallback;
use crate::field::{self, Checks, Field};
use crate::krate::core_path;

pub(crate) fn expand(kind: Kind, args: TokenStream, input: TokenStream) -> TokenStream {
    let mut item: DeriveInput = match syn::parse2(input.clone()) {
        Ok(item) => item,
        // Not an item the attribute understands: report it and leave the tokens as they were.
        Err(err) => {
            let mut tokens = err.to_compile_error();
            tokens.extend(input);
            return tokens;
        }
    };
    let mut errors = Errors::default();
    let args = Args::parse(kind, args, &mut errors);
    args.finish(kind, &mut errors);
    let krate = core_path(args.krate.as_ref());
    let adds_default = kind == Kind::Response && !derives(&item, "Default");
    for name in ["Serialize", "Deserialize"] {
        if let Some(span) = derive_span(&item, name) {
            errors.push(syn::Error::new(
                span,
                format!(
                    "{} derives `{name}` itself (through tencent-im-core's serde): remove it \
                     from this derive",
                    kind.attribute()
                ),
            ));
        }
    }

    let fields = match named_fields(kind, &mut item) {
        Ok(fields) => fields,
        Err(err) => {
            errors.push(err);
            return fallback::other_item(&item, errors);
        }
    };
    let fields: Vec<Field> = fields
        .iter_mut()
        .filter_map(|field| field::parse(kind, field, &mut errors))
        .collect();
    let batches: Vec<&Field> = fields.iter().filter(|f| f.batch.is_some()).collect();
    for extra in batches.iter().skip(1) {
        if let Some(span) = extra.batch {
            errors.push(syn::Error::new(
                span,
                "only one field of a request can be its `batch`",
            ));
        }
    }

    serde_wiring(kind, &mut item, &fields, &krate, adds_default);
    if !errors.is_empty() {
        return fallback::declared_struct(kind, &item, &args, &krate, errors);
    }

    let impls = match kind {
        Kind::Request => {
            let endpoint = endpoint_impl(&item, &args, &krate);
            let validate = validate_impl(&item, &fields, args.check.as_ref(), &krate);
            let chunked = batches
                .first()
                .map(|batch| chunked_impl(&item, &fields, batch, &krate));
            quote!(#endpoint #validate #chunked)
        }
        Kind::Item => validate_impl(&item, &fields, args.check.as_ref(), &krate),
        Kind::Response => merge_impl(&item, &fields, &krate),
    };
    quote! {
        #item
        #impls
    }
}

fn named_fields(
    kind: Kind,
    item: &mut DeriveInput,
) -> syn::Result<&mut syn::punctuated::Punctuated<syn::Field, syn::token::Comma>> {
    let attribute = kind.attribute();
    match &mut item.data {
        Data::Struct(data) => match &mut data.fields {
            Fields::Named(fields) => Ok(&mut fields.named),
            Fields::Unnamed(fields) => Err(syn::Error::new(
                fields.span(),
                format!(
                    "{attribute} needs a struct with named fields: the field names become JSON keys"
                ),
            )),
            Fields::Unit => Err(syn::Error::new(
                item.ident.span(),
                format!(
                    "{attribute} needs a struct with named fields; for an empty body write \
                     `struct Name {{}}`"
                ),
            )),
        },
        Data::Enum(data) => Err(syn::Error::new(
            data.enum_token.span,
            format!("{attribute} goes on a struct with named fields, not on an enum"),
        )),
        Data::Union(data) => Err(syn::Error::new(
            data.union_token.span,
            format!("{attribute} goes on a struct with named fields, not on a union"),
        )),
    }
}

/// The serde derives (through tencent-im-core's re-export) and the attributes that carry the
/// wire names and the optional-field conventions.
fn serde_wiring(
    kind: Kind,
    item: &mut DeriveInput,
    fields: &[Field],
    krate: &TokenStream,
    adds_default: bool,
) {
    let serde_path = quote!(#krate::__private::serde)
        .to_string()
        .replace(' ', "");
    // A derive the user wrote is reported as an error; not deriving it twice keeps that error
    // the only one.
    let mut derives = Vec::new();
    if !self::derives(item, "Serialize") {
        derives.push(quote!(#krate::__private::serde::Serialize));
    }
    if !self::derives(item, "Deserialize") {
        derives.push(quote!(#krate::__private::serde::Deserialize));
    }
    if adds_default {
        derives.push(quote!(::core::default::Default));
    }
    item.attrs
        .insert(0, syn::parse_quote!(#[derive(#(#derives),*)]));
    item.attrs
        .insert(1, syn::parse_quote!(#[serde(crate = #serde_path)]));
    let Data::Struct(data) = &mut item.data else {
        return;
    };
    for (field, declared) in data.fields.iter_mut().zip(fields) {
        let wire = &declared.wire;
        if !declared.has_serde_rename {
            field
                .attrs
                .push(syn::parse_quote!(#[serde(rename = #wire)]));
        }
        if declared.is_option() && !declared.has_skip {
            field.attrs.push(syn::parse_quote! {
                #[serde(skip_serializing_if = "::core::option::Option::is_none")]
            });
        }
        // The service leaves out empty lists and absent values in its answers.
        if kind == Kind::Response
            && (declared.is_list() || declared.is_option())
            && !declared.has_default
        {
            field.attrs.push(syn::parse_quote!(#[serde(default)]));
        }
    }
}

pub(crate) fn endpoint_impl(item: &DeriveInput, args: &Args, krate: &TokenStream) -> TokenStream {
    let ident = &item.ident;
    let mut generics = item.generics.clone();
    if !generics.params.is_empty() {
        let predicates = &mut generics.make_where_clause().predicates;
        predicates.push(syn::parse_quote!(Self: #krate::__private::serde::Serialize));
        predicates.push(syn::parse_quote!(Self: #krate::Validate));
    }
    let (impl_generics, ty_generics, where_clause) = generics.split_for_impl();
    let path = args
        .path
        .as_ref()
        .map(|lit| quote!(#lit))
        .unwrap_or_else(|| quote!(""));
    let rate = proc_macro2::Literal::u32_unsuffixed(args.rate.unwrap_or(1));
    let response = response_type(item, args);
    quote! {
        #[automatically_derived]
        impl #impl_generics #krate::Endpoint for #ident #ty_generics #where_clause {
            const PATH: &'static str = #path;
            const RATE: ::core::num::NonZeroU32 = #krate::__private::rate(#rate);
            type Response = #response;

            #[inline]
            fn validate(&self) -> ::core::result::Result<(), #krate::ValidationError> {
                #krate::Validate::validate(self)
            }
        }
    }
}

fn response_type(item: &DeriveInput, args: &Args) -> TokenStream {
    match &args.response {
        Some(ty) => quote!(#ty),
        None => {
            let name = format_ident!("{}Response", item.ident);
            quote!(#name)
        }
    }
}

fn validate_impl(
    item: &DeriveInput,
    fields: &[Field],
    check: Option<&syn::Path>,
    krate: &TokenStream,
) -> TokenStream {
    let ident = &item.ident;
    let mut generics = item.generics.clone();
    if !generics.params.is_empty() {
        // A generic field checked as `nested` must itself be checkable.
        let predicates = &mut generics.make_where_clause().predicates;
        for field in fields {
            if field.checks.nested.is_some() {
                let ty = &field.value_ty;
                predicates.push(syn::parse_quote!(#ty: #krate::Validate));
            }
            if let (Some(_), Some(element)) = (field.each.nested, &field.element) {
                predicates.push(syn::parse_quote!(#element: #krate::Validate));
            }
        }
    }
    let (impl_generics, ty_generics, where_clause) = generics.split_for_impl();
    let field_checks = fields.iter().filter(|f| f.has_checks()).map(|field| {
        let name = &field.ident;
        let wire = &field.wire;
        let value_checks = checks(&field.checks, &quote!(__value), krate);
        let list_checks = field.is_list().then(|| list_checks(field, krate));
        let body = quote! {
            let __at = at.field(#wire);
            #value_checks
            #list_checks
        };
        if field.is_option() {
            quote! {
                if let ::core::option::Option::Some(__value) = &self.#name {
                    #body
                }
            }
        } else {
            quote! {
                {
                    let __value = &self.#name;
                    #body
                }
            }
        }
    });
    let whole = check.map(|path| quote_spanned!(path.span()=> #path(self, at)?;));
    let at = if fields.iter().any(Field::has_checks) || whole.is_some() {
        quote!(at)
    } else {
        quote!(_at)
    };
    quote! {
        #[automatically_derived]
        impl #impl_generics #krate::Validate for #ident #ty_generics #where_clause {
            #[inline]
            fn validate_at(
                &self,
                #at: &#krate::FieldPath<'_>,
            ) -> ::core::result::Result<(), #krate::ValidationError> {
                #(#field_checks)*
                #whole
                ::core::result::Result::Ok(())
            }
        }
    }
}

/// Checks of one value bound to `value`, named by `__at`.
fn checks(checks: &Checks, value: &TokenStream, krate: &TokenStream) -> TokenStream {
    let user_id = checks
        .user_id
        .map(|span| quote_spanned!(span=> #krate::check::user_id(#value, &__at)?;));
    let max_bytes = checks
        .max_bytes
        .as_ref()
        .map(|max| quote!(#krate::check::max_bytes(#value, #max, &__at)?;));
    let custom = checks
        .custom
        .iter()
        .map(|path| quote_spanned!(path.span()=> #path(#value, &__at)?;));
    let nested = checks
        .nested
        .map(|span| quote_spanned!(span=> #krate::Validate::validate_at(#value, &__at)?;));
    quote!(#user_id #max_bytes #(#custom)* #nested)
}

fn list_checks(field: &Field, krate: &TokenStream) -> TokenStream {
    let count = match (&field.min_items, &field.max_items) {
        (None, None) => None,
        (min, max) => {
            let (min, max) = (min.as_ref(), max.as_ref());
            // A declared cap implies a non-empty list unless a minimum says otherwise.
            let min = match min {
                Some(min) => quote!(#min),
                None => quote!(1),
            };
            let max = match max {
                Some(max) => quote!(#max),
                None => quote!(::core::primitive::usize::MAX),
            };
            Some(quote!(#krate::check::items(__value.len(), #min, #max, &__at)?;))
        }
    };
    let each = (!field.each.is_empty()).then(|| {
        let element_checks = checks(&field.each, &quote!(__element), krate);
        quote! {
            for (__index, __element) in __value.iter().enumerate() {
                let __at = __at.index(__index);
                #element_checks
            }
        }
    });
    quote!(#count #each)
}

fn chunked_impl(
    item: &DeriveInput,
    fields: &[Field],
    batch: &Field,
    krate: &TokenStream,
) -> TokenStream {
    let ident = &item.ident;
    let mut generics = item.generics.clone();
    let others: Vec<&Field> = fields.iter().filter(|f| f.ident != batch.ident).collect();
    if !generics.params.is_empty() {
        let predicates = &mut generics.make_where_clause().predicates;
        for field in &others {
            let ty = &field.ty;
            predicates.push(syn::parse_quote!(#ty: ::core::clone::Clone));
        }
    }
    let (impl_generics, ty_generics, where_clause) = generics.split_for_impl();
    let items = &batch.ident;
    let max = match &batch.max_items {
        Some(max) => quote!(#max),
        None => quote!(1),
    };
    let other_names = others.iter().map(|f| &f.ident);
    quote! {
        #[automatically_derived]
        impl #impl_generics #krate::batch::Chunked for #ident #ty_generics #where_clause {
            const MAX_ITEMS: usize = #max;

            #[inline]
            fn item_count(&self) -> usize {
                self.#items.len()
            }

            fn into_chunks(mut self, max: usize) -> ::std::vec::Vec<Self> {
                let items = ::core::mem::take(&mut self.#items);
                #krate::batch::split(items, max, |part| Self {
                    #items: part,
                    #(#other_names: ::core::clone::Clone::clone(&self.#other_names),)*
                })
            }
        }
    }
}

fn merge_impl(item: &DeriveInput, fields: &[Field], krate: &TokenStream) -> TokenStream {
    let merged: Vec<&syn::Ident> = fields
        .iter()
        .filter(|f| f.merge.is_some())
        .map(|f| &f.ident)
        .collect();
    if merged.is_empty() {
        return TokenStream::new();
    }
    let ident = &item.ident;
    let (impl_generics, ty_generics, where_clause) = item.generics.split_for_impl();
    quote! {
        #[automatically_derived]
        impl #impl_generics #krate::batch::Merge for #ident #ty_generics #where_clause {
            #[inline]
            fn merge(&mut self, next: Self) {
                #(self.#merged.extend(next.#merged);)*
            }
        }
    }
}

/// Whether the item derives `name` itself.
pub(crate) fn derives(item: &DeriveInput, name: &str) -> bool {
    derive_span(item, name).is_some()
}

fn derive_span(item: &DeriveInput, name: &str) -> Option<Span> {
    let mut found = None;
    for attr in item.attrs.iter().filter(|a| a.path().is_ident("derive")) {
        let _ = attr.parse_nested_meta(|meta| {
            if meta.path.segments.last().is_some_and(|s| s.ident == name) {
                found = Some(meta.path.span());
            }
            Ok(())
        });
    }
    found
}
