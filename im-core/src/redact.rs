//! Scrubbing of server text: whatever a server or a proxy answers may quote the request URL (and
//! with it the admin UserSig) or, if it is hostile, anything else it was told. Every piece of
//! server text goes through [`Scrubber::scrub`] before it is stored in an [`crate::Error`], so it
//! cannot reach a `Display`, a `Debug` or a log line.

use std::borrow::Cow;

/// What replaces a secret in scrubbed text.
pub(crate) const REDACTED: &str = "<redacted>";

/// The secrets of one client: the secret key, and the signed query strings (which carry the
/// UserSig) a call used or may have used. Borrowed and cheap to make: the forms to look for are
/// only worked out when there is text to scrub, which is on the error path.
#[derive(Clone, Copy, Default)]
pub(crate) struct Scrubber<'a> {
    secret_key: &'a str,
    queries: [&'a str; 2],
}

impl<'a> Scrubber<'a> {
    /// A scrubber that removes nothing but `usersig=` values (for text from callers of the public
    /// decoding functions, who hold the secrets themselves).
    pub(crate) fn none() -> Self {
        Self::default()
    }

    /// A scrubber for `secret_key` and up to two signed query strings
    /// (`sdkappid=..&identifier=..&usersig=..`).
    pub(crate) fn new(secret_key: &'a str, queries: [&'a str; 2]) -> Self {
        Self {
            secret_key,
            queries,
        }
    }

    /// Every form of every secret, longest first so that a secret containing another is
    /// replaced whole.
    fn secrets(&self) -> Vec<String> {
        let mut secrets = Vec::new();
        let mut add = |secret: &str| {
            if secret.is_empty() {
                return;
            }
            // A server may echo a value as sent, or percent-encoded with either hex case.
            for form in [
                secret.to_owned(),
                percent_encode(secret, false),
                percent_encode(secret, true),
            ] {
                if !secrets.contains(&form) {
                    secrets.push(form);
                }
            }
        };
        add(self.secret_key);
        for query in self.queries {
            add(query);
            for pair in query.split('&') {
                if let Some(sig) = pair.strip_prefix("usersig=") {
                    add(sig);
                }
            }
        }
        secrets.sort_by_key(|secret| std::cmp::Reverse(secret.len()));
        secrets
    }

    /// `text` without the secrets, and without the value of any `usersig=` parameter (an older
    /// UserSig a server may still quote).
    pub(crate) fn scrub<'t>(&self, text: &'t str) -> Cow<'t, str> {
        let mut out = Cow::Borrowed(text);
        for secret in self.secrets() {
            if out.contains(secret.as_str()) {
                out = Cow::Owned(out.replace(secret.as_str(), REDACTED));
            }
        }
        match redact_usersig_params(&out) {
            Some(redacted) => Cow::Owned(redacted),
            None => out,
        }
    }

    /// [`Scrubber::scrub`] into an owned string.
    pub(crate) fn scrub_owned(&self, text: String) -> String {
        match self.scrub(&text) {
            Cow::Borrowed(_) => text,
            Cow::Owned(scrubbed) => scrubbed,
        }
    }
}

/// Every byte but ASCII letters and digits as `%XX`.
fn percent_encode(text: &str, lower: bool) -> String {
    let mut out = String::with_capacity(text.len() * 3);
    for byte in text.bytes() {
        if byte.is_ascii_alphanumeric() {
            out.push(char::from(byte));
        } else if lower {
            out.push_str(&format!("%{byte:02x}"));
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

/// Replaces the value after each `usersig=` (any case, `=` possibly percent-encoded) up to the
/// next delimiter; `None` when there is none.
fn redact_usersig_params(text: &str) -> Option<String> {
    const KEY: &str = "usersig";
    let lower = text.to_ascii_lowercase();
    if !lower.contains(KEY) {
        return None;
    }
    let mut out = String::with_capacity(text.len());
    let mut rest = 0;
    let mut changed = false;
    let mut search = 0;
    while let Some(found) = lower[search..].find(KEY) {
        let key_end = search + found + KEY.len();
        let value_start = if lower[key_end..].starts_with('=') {
            key_end + 1
        } else if lower[key_end..].starts_with("%3d") {
            key_end + 3
        } else {
            search = key_end;
            continue;
        };
        let value_len = text[value_start..]
            .find(|c: char| {
                c == '&' || c.is_whitespace() || matches!(c, '"' | '\'' | '<' | '>' | ',' | ';')
            })
            .unwrap_or(text.len() - value_start);
        if value_len > 0 && &text[value_start..value_start + value_len] != REDACTED {
            out.push_str(&text[rest..value_start]);
            out.push_str(REDACTED);
            rest = value_start + value_len;
            changed = true;
        }
        search = value_start + value_len;
    }
    changed.then(|| {
        out.push_str(&text[rest..]);
        out
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const QUERY: &str = "sdkappid=1400000000&identifier=admin&usersig=eJw1jF*sig-value_x";

    #[test]
    fn secrets_are_replaced_in_every_form() {
        let scrubber = Scrubber::new("the-secret-key", [QUERY, ""]);
        let sig = "eJw1jF*sig-value_x";
        for text in [
            format!("GET /v4/sns/friend_get?{QUERY}&random=1 HTTP/1.1"),
            format!("sig {sig} alone"),
            format!("encoded {}", percent_encode(sig, false)),
            format!("encoded {}", percent_encode(sig, true)),
            "key the-secret-key here".to_owned(),
            "USERSIG=eJwOldSignature&x=1".to_owned(),
            "usersig%3DeJwOther%26random".to_owned(),
        ] {
            let scrubbed = scrubber.scrub(&text);
            assert!(!scrubbed.contains("sig-value"), "{scrubbed}");
            assert!(!scrubbed.contains("the-secret-key"), "{scrubbed}");
            assert!(!scrubbed.contains("eJwOld"), "{scrubbed}");
            assert!(!scrubbed.contains("eJwOther"), "{scrubbed}");
            assert!(scrubbed.contains(REDACTED), "{scrubbed}");
        }
    }

    #[test]
    fn other_text_is_left_alone() {
        let scrubber = Scrubber::new("key", [QUERY, QUERY]);
        assert!(matches!(
            scrubber.scrub("no such user: alice"),
            Cow::Borrowed("no such user: alice")
        ));
        assert_eq!(
            Scrubber::none().scrub("the usersig parameter is missing"),
            "the usersig parameter is missing"
        );
        assert_eq!(Scrubber::none().scrub("usersig="), "usersig=");
    }
}
