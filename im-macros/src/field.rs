//! Parsing of the field attribute `#[im(...)]`.

use proc_macro2::Span;
use syn::meta::ParseNestedMeta;
use syn::spanned::Spanned;
use syn::{Expr, GenericArgument, Ident, LitStr, PathArguments, Type};

use crate::attr::{literal_usize, parse_size, set, Kind};
use crate::errors::Errors;
use crate::wire::wire_name;

const FIELD_KEYS: &str = "expected one of: `rename`, `user_id`, `max_bytes`, `check`, `nested`, \
                          `max_items`, `min_items`, `each`, `batch`, `merge`";
const EACH_KEYS: &str = "expected one of: `user_id`, `max_bytes`, `check`, `nested`";

/// How a field's type is built, as far as the checks care.
pub(crate) enum Shape {
    Plain,
    Option,
    Vec,
    OptionVec,
}

/// Checks of one value (the field's, or each element's).
#[derive(Default)]
pub(crate) struct Checks {
    pub user_id: Option<Span>,
    pub max_bytes: Option<Expr>,
    pub custom: Vec<syn::Path>,
    pub nested: Option<Span>,
}

impl Checks {
    pub(crate) fn is_empty(&self) -> bool {
        self.user_id.is_none()
            && self.max_bytes.is_none()
            && self.custom.is_empty()
            && self.nested.is_none()
    }
}

/// One named field and what `#[im(...)]` says about it.
pub(crate) struct Field {
    pub ident: Ident,
    pub ty: Type,
    pub wire: String,
    pub shape: Shape,
    /// The element type of a `Vec` or `Option<Vec>` field.
    pub element: Option<Type>,
    /// The type the value checks see: the field's, or `T` of an `Option<T>`.
    pub value_ty: Type,
    pub checks: Checks,
    pub min_items: Option<Expr>,
    pub max_items: Option<Expr>,
    pub each: Checks,
    pub batch: Option<Span>,
    pub merge: Option<Span>,
    /// The field has a `#[serde(skip...)]` of its own.
    pub has_skip: bool,
    /// The field has a (refused) `#[serde(rename)]`.
    pub has_serde_rename: bool,
    /// The field has a `#[serde(default)]` of its own.
    pub has_default: bool,
}

impl Field {
    pub(crate) fn is_list(&self) -> bool {
        matches!(self.shape, Shape::Vec | Shape::OptionVec)
    }

    pub(crate) fn is_option(&self) -> bool {
        matches!(self.shape, Shape::Option | Shape::OptionVec)
    }

    pub(crate) fn has_checks(&self) -> bool {
        !self.checks.is_empty()
            || !self.each.is_empty()
            || self.min_items.is_some()
            || self.max_items.is_some()
    }
}

/// Reads the field's `#[im]` attributes (removing them) and judges them against its type.
pub(crate) fn parse(kind: Kind, field: &mut syn::Field, errors: &mut Errors) -> Option<Field> {
    let ident = field.ident.clone()?;
    let (shape, element) = shape_of(&field.ty);
    let value_ty = single_argument(&field.ty, "Option")
        .unwrap_or(&field.ty)
        .clone();
    let mut out = Field {
        value_ty,
        wire: wire_name(&ident.to_string()),
        ident,
        ty: field.ty.clone(),
        shape,
        element,
        checks: Checks::default(),
        min_items: None,
        max_items: None,
        each: Checks::default(),
        batch: None,
        merge: None,
        has_skip: false,
        has_serde_rename: false,
        has_default: false,
    };
    let mut rename: Option<LitStr> = None;
    let mut item_span = None;
    for attr in &field.attrs {
        if attr.path().is_ident("serde") {
            inspect_serde(attr, &mut out, errors);
            continue;
        }
        if !attr.path().is_ident("im") {
            continue;
        }
        let result = attr.parse_nested_meta(|meta| {
            if let Err(err) = accept(kind, &meta, &mut out, &mut rename, &mut item_span) {
                errors.push(err);
            }
            Ok(())
        });
        if let Err(err) = result {
            errors.push(err);
        }
    }
    field.attrs.retain(|attr| !attr.path().is_ident("im"));
    if let Some(rename) = rename {
        out.wire = rename.value();
    }
    judge(&out, item_span, errors);
    Some(out)
}

fn accept(
    kind: Kind,
    meta: &ParseNestedMeta<'_>,
    out: &mut Field,
    rename: &mut Option<LitStr>,
    item_span: &mut Option<Span>,
) -> syn::Result<()> {
    let key = &meta.path;
    let name = key.get_ident().map(ToString::to_string).unwrap_or_default();
    let checks_allowed = kind != Kind::Response;
    match name.as_str() {
        "rename" => {
            let lit: LitStr = meta.value()?.parse()?;
            if lit.value().is_empty() {
                return Err(syn::Error::new(lit.span(), "`rename` needs the wire name"));
            }
            set(rename, lit, key, "rename")
        }
        "batch" if kind == Kind::Request => set(&mut out.batch, key.span(), key, "batch"),
        "merge" if kind == Kind::Response => set(&mut out.merge, key.span(), key, "merge"),
        "max_items" if checks_allowed => {
            *item_span = Some(key.span());
            let max = parse_size(meta, "max_items", 1)?;
            set(&mut out.max_items, max, key, "max_items")
        }
        "min_items" if checks_allowed => {
            *item_span = Some(key.span());
            let min = parse_size(meta, "min_items", 0)?;
            set(&mut out.min_items, min, key, "min_items")
        }
        "each" if checks_allowed => {
            *item_span = Some(key.span());
            meta.parse_nested_meta(|inner| accept_check(&inner, &mut out.each, true))
        }
        "user_id" | "max_bytes" | "check" | "nested" if checks_allowed => {
            accept_check(meta, &mut out.checks, false)
        }
        "batch" => Err(syn::Error::new(
            key.span(),
            "`batch` marks the item list of a request: use it inside #[im_api]",
        )),
        "merge" => Err(syn::Error::new(
            key.span(),
            "`merge` marks a list of a response that chunk answers concatenate: use it inside \
             #[im_response]",
        )),
        "user_id" | "max_bytes" | "check" | "nested" | "max_items" | "min_items" | "each" => {
            Err(syn::Error::new(
                key.span(),
                format!(
                    "`{name}` is a request check; {} fields are decoded, not checked",
                    kind.attribute()
                ),
            ))
        }
        _ => Err(syn::Error::new(
            key.span(),
            format!("unknown key in #[im(...)]; {FIELD_KEYS}"),
        )),
    }
}

fn accept_check(meta: &ParseNestedMeta<'_>, checks: &mut Checks, each: bool) -> syn::Result<()> {
    let key = &meta.path;
    let name = key.get_ident().map(ToString::to_string).unwrap_or_default();
    match name.as_str() {
        "user_id" => set(&mut checks.user_id, key.span(), key, "user_id"),
        "nested" => set(&mut checks.nested, key.span(), key, "nested"),
        "max_bytes" => {
            let max = parse_size(meta, "max_bytes", 1)?;
            set(&mut checks.max_bytes, max, key, "max_bytes")
        }
        "check" => {
            let path: syn::Path = meta.value()?.parse()?;
            checks.custom.push(path);
            Ok(())
        }
        _ if each => Err(syn::Error::new(
            key.span(),
            format!("unknown key in each(...); {EACH_KEYS}"),
        )),
        _ => Err(syn::Error::new(
            key.span(),
            format!("unknown key in #[im(...)]; {FIELD_KEYS}"),
        )),
    }
}

/// Rejects attributes that do not fit the field's type.
fn judge(field: &Field, item_span: Option<Span>, errors: &mut Errors) {
    if !field.is_list() {
        if let Some(span) = item_span {
            errors.push(syn::Error::new(
                span,
                "`max_items`, `min_items` and `each` apply to a list: the field must be a `Vec<_>` \
                 or an `Option<Vec<_>>`",
            ));
        }
        if let Some(span) = field.batch {
            errors.push(syn::Error::new(
                span,
                "`batch` goes on the request's `Vec<_>` of items",
            ));
        }
    } else {
        if let Some(span) = field.checks.user_id {
            errors.push(syn::Error::new(
                span,
                "this field is a list: write `each(user_id)` to check every element",
            ));
        }
        if field.checks.max_bytes.is_some() {
            errors.push(syn::Error::new(
                field.ident.span(),
                "this field is a list: write `each(max_bytes = N)` to check every element",
            ));
        }
    }
    if let Some(span) = field.batch {
        if field.max_items.is_none() {
            errors.push(syn::Error::new(
                span,
                "`batch` needs the documented cap: add `max_items = N` to split at N items",
            ));
        }
        if matches!(field.shape, Shape::OptionVec) {
            errors.push(syn::Error::new(
                span,
                "`batch` needs a `Vec<_>`, not an `Option<Vec<_>>`",
            ));
        }
    }
    if let Some(span) = field.merge {
        if !matches!(field.shape, Shape::Vec) {
            errors.push(syn::Error::new(
                span,
                "`merge` concatenates lists: the field must be a `Vec<_>`",
            ));
        }
    }
    let literal = |expr: &Option<Expr>| expr.as_ref().and_then(literal_usize);
    if let (Some(min), Some(max)) = (literal(&field.min_items), literal(&field.max_items)) {
        if min > max {
            errors.push(syn::Error::new(
                field.ident.span(),
                format!("`min_items = {min}` is above `max_items = {max}`"),
            ));
        }
    }
}

/// Notes a `#[serde(skip...)]` of the field's own, and refuses `#[serde(rename)]`: the wire name
/// is declared once, by the naming rule or `#[im(rename)]`.
fn inspect_serde(attr: &syn::Attribute, out: &mut Field, errors: &mut Errors) {
    // A serde attribute that does not parse is left for serde's own derive to report.
    let _ = attr.parse_nested_meta(|meta| {
        if meta.path.is_ident("rename") {
            out.has_serde_rename = true;
            errors.push(syn::Error::new(
                meta.path.span(),
                "the wire name is declared with #[im(rename = \"...\")], not #[serde(rename)]: \
                 fields get Tencent's names by rule (`from_account` → `From_Account`)",
            ));
        }
        if meta.path.is_ident("default") {
            out.has_default = true;
        }
        if meta.path.is_ident("skip_serializing_if")
            || meta.path.is_ident("skip")
            || meta.path.is_ident("skip_serializing")
        {
            out.has_skip = true;
        }
        if meta.input.peek(syn::Token![=]) {
            let _: syn::Expr = meta.value()?.parse()?;
        } else if meta.input.peek(syn::token::Paren) {
            let _ = meta.parse_nested_meta(|_| Ok(()));
        }
        Ok(())
    });
}

fn shape_of(ty: &Type) -> (Shape, Option<Type>) {
    match single_argument(ty, "Option") {
        Some(inner) => match single_argument(inner, "Vec") {
            Some(element) => (Shape::OptionVec, Some(element.clone())),
            None => (Shape::Option, None),
        },
        None => match single_argument(ty, "Vec") {
            Some(element) => (Shape::Vec, Some(element.clone())),
            None => (Shape::Plain, None),
        },
    }
}

/// `T` when `ty` is `Name<T>` (by its last path segment).
fn single_argument<'a>(ty: &'a Type, name: &str) -> Option<&'a Type> {
    let Type::Path(path) = ty else { return None };
    if path.qself.is_some() {
        return None;
    }
    let segment = path.path.segments.last()?;
    if segment.ident != name {
        return None;
    }
    let PathArguments::AngleBracketed(args) = &segment.arguments else {
        return None;
    };
    match args.args.first() {
        Some(GenericArgument::Type(inner)) if args.args.len() == 1 => Some(inner),
        _ => None,
    }
}
