//! Parsing of the container arguments: `#[im_api(path = "...", rate = N, response = Type,
//! check = path, crate = path)]`, `#[im_item(check = path, crate = path)]`, `#[im_response(crate =
//! path)]`.

use proc_macro2::Span;
use syn::meta::ParseNestedMeta;
use syn::spanned::Spanned;
use syn::{Expr, ExprLit, Lit, LitStr, Type};

use crate::errors::Errors;

/// Which attribute is being expanded.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    /// `#[im_api]`: a request, the endpoint's declaration.
    Request,
    /// `#[im_response]`: what a call answers.
    Response,
    /// `#[im_item]`: an object nested in a request or a response.
    Item,
}

impl Kind {
    pub(crate) fn attribute(self) -> &'static str {
        match self {
            Kind::Request => "#[im_api]",
            Kind::Response => "#[im_response]",
            Kind::Item => "#[im_item]",
        }
    }

    fn keys(self) -> &'static str {
        match self {
            Kind::Request => "expected one of: `path`, `rate`, `response`, `check`, `crate`",
            Kind::Response => "expected: `crate`",
            Kind::Item => "expected one of: `check`, `crate`",
        }
    }
}

/// The container arguments, each present once at most. Missing required ones are reported by
/// [`Args::finish`].
#[derive(Default)]
pub(crate) struct Args {
    pub path: Option<LitStr>,
    pub rate: Option<u32>,
    pub response: Option<Type>,
    pub check: Option<syn::Path>,
    pub krate: Option<syn::Path>,
    /// Keys given, valid or not: a key with a bad value is reported once, not also as missing.
    pub given: Vec<String>,
}

impl Args {
    /// Parses every argument, recording each mistake in `errors` and going on with the next.
    pub(crate) fn parse(kind: Kind, tokens: proc_macro2::TokenStream, errors: &mut Errors) -> Args {
        let mut args = Args::default();
        let parser = syn::meta::parser(|meta| {
            if let Err(err) = args.accept(kind, &meta) {
                errors.push(err);
                skip_value(&meta);
            }
            Ok(())
        });
        if let Err(err) = syn::parse::Parser::parse2(parser, tokens) {
            errors.push(err);
        }
        args
    }

    /// Reports the required arguments that are missing.
    pub(crate) fn finish(&self, kind: Kind, errors: &mut Errors) {
        if kind != Kind::Request {
            return;
        }
        if self.path.is_none() && !self.given.iter().any(|k| k == "path") {
            errors.push(syn::Error::new(
                Span::call_site(),
                "missing `path`: add `path = \"v4/service/command\"` to #[im_api(...)]",
            ));
        }
        if self.rate.is_none() && !self.given.iter().any(|k| k == "rate") {
            errors.push(syn::Error::new(
                Span::call_site(),
                "missing `rate`: add the documented calls per second, e.g. `rate = 200`",
            ));
        }
    }

    fn accept(&mut self, kind: Kind, meta: &ParseNestedMeta<'_>) -> syn::Result<()> {
        let key = &meta.path;
        let name = key.get_ident().map(ToString::to_string).unwrap_or_default();
        self.given.push(name.clone());
        let allowed = matches!(
            (kind, name.as_str()),
            (Kind::Request, "path" | "rate" | "response" | "check")
                | (Kind::Item, "check")
                | (_, "crate")
        );
        if !allowed {
            let shown = if name.is_empty() {
                "this key".to_owned()
            } else {
                format!("`{name}`")
            };
            return Err(syn::Error::new(
                key.span(),
                format!(
                    "unknown key {shown} in {}; {}",
                    kind.attribute(),
                    kind.keys()
                ),
            ));
        }
        match name.as_str() {
            "path" => {
                let lit: LitStr = meta.value()?.parse()?;
                check_path(&lit)?;
                set(&mut self.path, lit, key, "path")
            }
            "rate" => {
                let expr: Expr = meta.value()?.parse()?;
                let rate = check_rate(expr)?;
                set(&mut self.rate, rate, key, "rate")
            }
            "response" => {
                let ty: Type = meta.value()?.parse()?;
                set(&mut self.response, ty, key, "response")
            }
            "check" => {
                let path: syn::Path = meta.value()?.parse()?;
                set(&mut self.check, path, key, "check")
            }
            _ => {
                let path: syn::Path = meta.value()?.parse()?;
                set(&mut self.krate, path, key, "crate")
            }
        }
    }
}

/// Consumes `= value` after a rejected key so that parsing goes on with the next key.
fn skip_value(meta: &ParseNestedMeta<'_>) {
    if meta.input.peek(syn::Token![=]) {
        if let Ok(value) = meta.value() {
            let _ = value.parse::<Expr>();
        }
    } else if meta.input.peek(syn::token::Paren) {
        let _ = meta.parse_nested_meta(|inner| {
            skip_value(&inner);
            Ok(())
        });
    }
}

pub(crate) fn set<T>(
    slot: &mut Option<T>,
    value: T,
    key: &syn::Path,
    name: &str,
) -> syn::Result<()> {
    if slot.is_some() {
        return Err(syn::Error::new(
            key.span(),
            format!("duplicate key `{name}`: give it once"),
        ));
    }
    *slot = Some(value);
    Ok(())
}

fn check_path(lit: &LitStr) -> syn::Result<()> {
    let path = lit.value();
    let problem = if path.is_empty() {
        Some("`path` is empty: give the API path, e.g. \"v4/sns/friend_get\"")
    } else if path.starts_with('/') {
        Some("`path` must not start with '/': write \"v4/...\", the base URL supplies the slash")
    } else if path.contains('?') {
        Some("`path` must not contain a query ('?'): the client adds the query parameters")
    } else if !path.is_ascii() {
        Some("`path` must be ASCII")
    } else if path
        .chars()
        .any(|c| c.is_ascii_whitespace() || c.is_ascii_control())
    {
        Some("`path` must not contain whitespace or control characters")
    } else {
        None
    };
    match problem {
        Some(message) => Err(syn::Error::new(lit.span(), message)),
        None => Ok(()),
    }
}

fn check_rate(expr: Expr) -> syn::Result<u32> {
    const HINT: &str = "`rate` must be a positive integer (calls per second), e.g. `rate = 200`";
    match expr {
        Expr::Lit(ExprLit {
            lit: Lit::Int(lit), ..
        }) => match lit.base10_parse::<u32>() {
            Ok(0) => Err(syn::Error::new(lit.span(), HINT)),
            Ok(rate) => Ok(rate),
            Err(_) => Err(syn::Error::new(
                lit.span(),
                "`rate` is too large: it must fit in a u32 (calls per second)",
            )),
        },
        other => Err(syn::Error::new_spanned(other, HINT)),
    }
}

/// A count or a size for `max_bytes`, `max_items` and `min_items`: an integer literal (checked
/// here) or a constant expression of type `usize` (checked by the compiler).
pub(crate) fn parse_size(meta: &ParseNestedMeta<'_>, name: &str, min: usize) -> syn::Result<Expr> {
    let expr: Expr = meta.value()?.parse()?;
    if let Expr::Lit(ExprLit {
        lit: Lit::Int(lit), ..
    }) = &expr
    {
        let value = lit.base10_parse::<usize>()?;
        if value < min {
            return Err(syn::Error::new(
                lit.span(),
                format!("`{name}` must be at least {min}"),
            ));
        }
    } else if matches!(expr, Expr::Lit(_)) {
        return Err(syn::Error::new(
            expr.span(),
            format!("`{name}` takes an integer or a `usize` constant, e.g. `{name} = 1000`"),
        ));
    }
    Ok(expr)
}

/// The value of an integer literal, when `expr` is one.
pub(crate) fn literal_usize(expr: &Expr) -> Option<usize> {
    match expr {
        Expr::Lit(ExprLit {
            lit: Lit::Int(lit), ..
        }) => lit.base10_parse().ok(),
        _ => None,
    }
}
