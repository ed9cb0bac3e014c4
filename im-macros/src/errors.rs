//! Every mistake of one attribute, reported together.

/// Collects errors so that one compile shows all of them, each once, at its own token.
#[derive(Default)]
pub(crate) struct Errors(Option<syn::Error>);

impl Errors {
    pub(crate) fn push(&mut self, err: syn::Error) {
        match &mut self.0 {
            Some(all) => all.combine(err),
            None => self.0 = Some(err),
        }
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.0.is_none()
    }

    pub(crate) fn into_compile_errors(self) -> proc_macro2::TokenStream {
        self.0.map(|err| err.to_compile_error()).unwrap_or_default()
    }
}
