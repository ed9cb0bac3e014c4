//! Parsing of `#[im_api(path = "...", rate = N, response = Type)]`.

use proc_macro::TokenStream;
use syn::meta::ParseNestedMeta;
use syn::spanned::Spanned;
use syn::{Expr, ExprLit, Lit, LitStr, Type};

const KEYS: &str = "expected one of: `path`, `rate`, `response`";

/// The validated arguments of one `#[im_api]` attribute.
pub(crate) struct Args {
    pub path: LitStr,
    pub rate: u32,
    pub response: Option<Type>,
}

#[derive(Default)]
struct Partial {
    path: Option<LitStr>,
    rate: Option<u32>,
    response: Option<Type>,
}

pub(crate) fn parse(args: TokenStream) -> syn::Result<Args> {
    let mut partial = Partial::default();
    let parser = syn::meta::parser(|meta| partial.accept(meta));
    syn::parse::Parser::parse(parser, args)?;

    let Partial {
        path,
        rate,
        response,
    } = partial;
    let path = path.ok_or_else(|| {
        syn::Error::new(
            proc_macro2::Span::call_site(),
            "missing `path`: add `path = \"v4/service/command\"` to #[im_api(...)]",
        )
    })?;
    let rate = rate.ok_or_else(|| {
        syn::Error::new(
            proc_macro2::Span::call_site(),
            "missing `rate`: add the documented calls per second, e.g. `rate = 200`",
        )
    })?;
    Ok(Args {
        path,
        rate,
        response,
    })
}

impl Partial {
    fn accept(&mut self, meta: ParseNestedMeta<'_>) -> syn::Result<()> {
        let key = meta.path.clone();
        let name = match key.get_ident() {
            Some(ident) => ident.to_string(),
            None => return Err(meta.error(format!("unknown key; {KEYS}"))),
        };
        match name.as_str() {
            "path" => {
                let lit: LitStr = meta.value()?.parse()?;
                check_path(&lit)?;
                set(&mut self.path, lit, &key, "path")
            }
            "rate" => {
                let expr: Expr = meta.value()?.parse()?;
                let lit = check_rate(expr)?;
                set(&mut self.rate, lit, &key, "rate")
            }
            "response" => {
                let ty: Type = meta.value()?.parse()?;
                set(&mut self.response, ty, &key, "response")
            }
            other => Err(syn::Error::new(
                key.span(),
                format!("unknown key `{other}`; {KEYS}"),
            )),
        }
    }
}

fn set<T>(slot: &mut Option<T>, value: T, key: &syn::Path, name: &str) -> syn::Result<()> {
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
