//! The admin UserSig cache: the signed part of the query string, signed once and reused until
//! three quarters of its validity have passed (or the service says 70001).

use std::sync::{Arc, PoisonError, RwLock};

use crate::redact::Scrubber;
use crate::usersig::UserSigSigner;
use crate::{Clock, Error, SecretKey};

/// Signs the admin's query string and keeps it.
pub(super) struct Auth {
    signer: UserSigSigner,
    /// Kept apart from the signer to scrub it from server text.
    secret_key: SecretKey,
    admin: String,
    /// Validity of each UserSig, seconds.
    ttl: u64,
    clock: Arc<dyn Clock>,
    cached: RwLock<Option<CachedAuth>>,
    /// Makes [`Auth::query`] fail with this error, to test what a call does when signing fails.
    #[cfg(test)]
    refuse_signing: std::sync::Mutex<Option<fn() -> Error>>,
}

/// The signed part of the query string, reused until `renew_at`.
struct CachedAuth {
    query: Arc<str>,
    renew_at: u64,
}

impl Auth {
    pub(super) fn new(
        sdkappid: u64,
        secret_key: SecretKey,
        admin: String,
        ttl: u64,
        clock: Arc<dyn Clock>,
    ) -> Self {
        Self {
            signer: UserSigSigner::new(sdkappid, secret_key.clone()),
            secret_key,
            admin,
            ttl,
            clock,
            cached: RwLock::new(None),
            #[cfg(test)]
            refuse_signing: std::sync::Mutex::new(None),
        }
    }

    pub(super) fn sdkappid(&self) -> u64 {
        self.signer.sdkappid()
    }

    pub(super) fn admin(&self) -> &str {
        &self.admin
    }

    /// `sdkappid=..&identifier=..&usersig=..`, signed once and reused until it nears expiry.
    pub(super) fn query(&self) -> Result<Arc<str>, Error> {
        #[cfg(test)]
        if let Some(error) = *self
            .refuse_signing
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
        {
            return Err(error());
        }
        let now = self.clock.unix_now();
        {
            let cached = self.cached.read().unwrap_or_else(PoisonError::into_inner);
            if let Some(auth) = cached.as_ref().filter(|auth| now < auth.renew_at) {
                return Ok(Arc::clone(&auth.query));
            }
        }
        let mut cached = self.cached.write().unwrap_or_else(PoisonError::into_inner);
        if let Some(auth) = cached.as_ref().filter(|auth| now < auth.renew_at) {
            return Ok(Arc::clone(&auth.query));
        }
        let sig = self.signer.generate_at(&self.admin, self.ttl, now, None);
        let identifier: String =
            url::form_urlencoded::byte_serialize(self.admin.as_bytes()).collect();
        let query: Arc<str> = format!(
            "sdkappid={}&identifier={}&usersig={}",
            self.signer.sdkappid(),
            identifier,
            sig.expose_secret()
        )
        .into();
        tracing::debug!(
            issued_at = now,
            ttl = self.ttl,
            "signed a new admin UserSig"
        );
        *cached = Some(CachedAuth {
            query: Arc::clone(&query),
            renew_at: now.saturating_add(self.ttl / 4 * 3),
        });
        Ok(query)
    }

    /// The signed query cached now, or `used` when there is none. Another call may have
    /// renewed the UserSig since `used` was signed; a server may quote either.
    pub(super) fn current_or(&self, used: &Arc<str>) -> Arc<str> {
        self.cached
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .as_ref()
            .map_or_else(|| Arc::clone(used), |auth| Arc::clone(&auth.query))
    }

    /// Makes every later [`Auth::query`] fail with `error()`.
    #[cfg(test)]
    pub(super) fn refuse_signing(&self, error: fn() -> Error) {
        *self
            .refuse_signing
            .lock()
            .unwrap_or_else(PoisonError::into_inner) = Some(error);
    }

    /// Forgets the cached UserSig, so the next call signs a new one.
    pub(super) fn invalidate(&self) {
        *self.cached.write().unwrap_or_else(PoisonError::into_inner) = None;
    }

    /// A scrubber for the secret key and the signed queries `used` and `current`.
    pub(super) fn scrubber<'a>(&'a self, used: &'a str, current: &'a str) -> Scrubber<'a> {
        Scrubber::new(self.secret_key.expose_secret(), [used, current])
    }
}

#[cfg(test)]
mod tests {
    use crate::client::DEFAULT_USERSIG_TTL;
    use crate::usersig::UserSigSigner;
    use crate::{Client, Clock, ManualClock};

    fn client(clock: ManualClock) -> Client {
        Client::builder(1400000000, "k3y", "admin user")
            .base_url("http://127.0.0.1:9/")
            .clock(clock)
            .build()
            .unwrap()
    }

    fn query_param(url: &str, name: &str) -> String {
        let url = url::Url::parse(url).unwrap();
        url.query_pairs()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.into_owned())
            .unwrap()
    }

    #[test]
    fn url_has_the_exact_query_in_order() {
        let client = client(ManualClock::new(1_700_000_000));
        let url = client.request_url("v4/sns/friend_get").unwrap();
        assert!(url.starts_with("http://127.0.0.1:9/v4/sns/friend_get?sdkappid=1400000000&identifier=admin+user&usersig="), "{url}");
        let names: Vec<String> = url::Url::parse(&url)
            .unwrap()
            .query_pairs()
            .map(|(k, _)| k.into_owned())
            .collect();
        assert_eq!(
            names,
            ["sdkappid", "identifier", "usersig", "random", "contenttype"]
        );
        assert_eq!(query_param(&url, "contenttype"), "json");
        assert_eq!(query_param(&url, "identifier"), "admin user");
        query_param(&url, "random").parse::<u32>().unwrap();
    }

    #[test]
    fn random_is_fresh_and_usersig_is_cached_until_renewal() {
        let clock = ManualClock::new(1_700_000_000);
        let client = client(clock.clone());
        let urls: Vec<String> = (0..8)
            .map(|_| client.request_url("v4/sns/friend_get").unwrap())
            .collect();
        let randoms: std::collections::HashSet<String> =
            urls.iter().map(|u| query_param(u, "random")).collect();
        assert!(randoms.len() > 1, "random must change between requests");
        let sigs: std::collections::HashSet<String> =
            urls.iter().map(|u| query_param(u, "usersig")).collect();
        assert_eq!(sigs.len(), 1, "one UserSig for many calls");
        let first = sigs.into_iter().next().unwrap();

        // Still inside three quarters of the day: same sig.
        clock.advance(DEFAULT_USERSIG_TTL.as_secs() / 2);
        assert_eq!(
            query_param(&client.request_url("p").unwrap(), "usersig"),
            first
        );
        // Past it: renewed, and the new one verifies at the new time.
        clock.advance(DEFAULT_USERSIG_TTL.as_secs() / 4 + 1);
        let renewed = query_param(&client.request_url("p").unwrap(), "usersig");
        assert_ne!(renewed, first);
        let doc = UserSigSigner::new(1400000000, "k3y")
            .verify(&renewed, "admin user", clock.unix_now(), None)
            .unwrap();
        assert_eq!(doc.time, clock.unix_now());
    }
}
