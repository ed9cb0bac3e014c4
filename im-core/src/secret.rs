//! Secret values that never show in `Debug` or `Display`.

use std::fmt;

/// The app's secret key as shown in the console. Redacted in `Debug`.
#[derive(Clone, PartialEq, Eq)]
pub struct SecretKey(String);

impl SecretKey {
    /// Wraps a key.
    pub fn new(key: impl Into<String>) -> Self {
        Self(key.into())
    }

    /// The key itself, for signing. Do not log it.
    pub fn expose_secret(&self) -> &str {
        &self.0
    }
}

impl From<String> for SecretKey {
    fn from(key: String) -> Self {
        Self(key)
    }
}

impl From<&str> for SecretKey {
    fn from(key: &str) -> Self {
        Self(key.to_owned())
    }
}

impl fmt::Debug for SecretKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("SecretKey(<redacted>)")
    }
}

/// A UserSig: a bearer credential. Redacted in `Debug` and `Display`.
#[derive(Clone, PartialEq, Eq)]
pub struct UserSig(String);

impl UserSig {
    /// Wraps a UserSig string.
    pub fn new(sig: impl Into<String>) -> Self {
        Self(sig.into())
    }

    /// The UserSig itself, for a request URL or a client login. Do not log it.
    pub fn expose_secret(&self) -> &str {
        &self.0
    }

    /// Unwraps the string.
    pub fn into_secret(self) -> String {
        self.0
    }
}

impl fmt::Debug for UserSig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("UserSig(<redacted>)")
    }
}

impl fmt::Display for UserSig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("<redacted UserSig>")
    }
}
