//! 70050: after repeated failed UserSig verifications from one source for one identifier, the
//! service refuses that identifier from there for a while ("retry after 1 minute"), whatever
//! the signature, so that a key cannot be guessed at the speed of the network.

use std::collections::HashMap;
use std::hash::BuildHasher;
use std::net::IpAddr;
use std::sync::{Mutex, PoisonError};
use std::time::Duration;

use tencent_im_core::ErrorCode;

use crate::state::Refusal;

/// Failed verifications tolerated within the window unless told otherwise.
pub const DEFAULT_SIG_LOCKOUT_FAILURES: u32 = 10;
/// The lockout window unless told otherwise: the service says to retry after one minute.
pub const DEFAULT_SIG_LOCKOUT_WINDOW: Duration = Duration::from_secs(60);

/// Sources and identifiers tracked at once, so that a flood of made-up identifiers cannot grow
/// the table without bound. See [`Lockouts::failed`] for what gives way when it is full.
const MAX_TRACKED: usize = 10_000;

/// When repeated bad signatures lock an identifier out (see
/// [`EmulatorBuilder::sig_lockout`](crate::EmulatorBuilder::sig_lockout)).
///
/// Failures are counted per source address and identifier: a UserSig that is malformed, for
/// another app or identifier, or whose HMAC does not match (70003, 70009, 70013, 70014). An
/// expired or empty one is not a guess and does not count. Once `max_failures` have been
/// counted, each within `window` of the previous one, every request from that source for that
/// identifier is answered 70050 until `window` has passed since the last failure; a good
/// signature before that clears the count.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SigLockout {
    /// Failures tolerated ([`DEFAULT_SIG_LOCKOUT_FAILURES`]); the next request is refused.
    pub max_failures: u32,
    /// How long failures are remembered and the lockout lasts ([`DEFAULT_SIG_LOCKOUT_WINDOW`];
    /// whole seconds of the emulator's clock, at least one).
    pub window: Duration,
}

impl Default for SigLockout {
    fn default() -> Self {
        Self {
            max_failures: DEFAULT_SIG_LOCKOUT_FAILURES,
            window: DEFAULT_SIG_LOCKOUT_WINDOW,
        }
    }
}

#[derive(Debug, Clone, Copy)]
struct Failures {
    count: u32,
    /// The emulator clock's Unix time of the last failure.
    last: u64,
}

/// The failures counted so far, by source and (hashed) identifier.
#[derive(Debug)]
pub(crate) struct Lockouts {
    policy: Option<SigLockout>,
    /// Identifiers are hashed so that an entry has a fixed size however long the identifier.
    hasher: std::collections::hash_map::RandomState,
    failures: Mutex<HashMap<(IpAddr, u64), Failures>>,
}

impl Lockouts {
    /// `None` turns the lockout off.
    pub(crate) fn new(policy: Option<SigLockout>) -> Self {
        Self {
            policy,
            hasher: Default::default(),
            failures: Mutex::new(HashMap::new()),
        }
    }

    fn key(&self, source: IpAddr, identifier: &str) -> (IpAddr, u64) {
        (source, self.hasher.hash_one(identifier))
    }

    fn window(policy: &SigLockout) -> u64 {
        policy.window.as_secs().max(1)
    }

    /// 70050 when `identifier` is locked out from `source` at `now`.
    pub(crate) fn check(&self, source: IpAddr, identifier: &str, now: u64) -> Result<(), Refusal> {
        let Some(policy) = &self.policy else {
            return Ok(());
        };
        let failures = self.lock().get(&self.key(source, identifier)).copied();
        match failures {
            Some(f)
                if f.count >= policy.max_failures
                    && now < f.last.saturating_add(Self::window(policy)) =>
            {
                let left = f.last.saturating_add(Self::window(policy)) - now;
                Err(Refusal::new(
                    ErrorCode::TOO_MANY_SIG_FAILURES,
                    format!(
                        "Err_Too_Many_Sig_Failures: {} failed UserSig verifications; retry in {left} s",
                        f.count
                    ),
                ))
            }
            _ => Ok(()),
        }
    }

    /// Counts a failed verification.
    ///
    /// A full table makes room for a new source and identifier by dropping, in this order:
    /// entries whose window has passed (they neither lock nor count any more), then the entry
    /// still counting with the fewest failures (the oldest among equals). An active lockout is
    /// never dropped: otherwise spraying made-up identifiers would lift it. When every entry is
    /// an active lockout the new failure is not tracked. That fails open for that one pair (it
    /// is not locked out, as it never was) and only after the sprayer has earned
    /// `MAX_TRACKED` lockouts of its own; the lockouts already in force all stay.
    pub(crate) fn failed(&self, source: IpAddr, identifier: &str, now: u64) {
        let Some(policy) = &self.policy else {
            return;
        };
        let window = Self::window(policy);
        let key = self.key(source, identifier);
        let mut table = self.lock();
        if table.len() >= MAX_TRACKED && !table.contains_key(&key) {
            table.retain(|_, f| now < f.last.saturating_add(window));
            if table.len() >= MAX_TRACKED {
                // Counting, not locking: fewest failures first, so a sprayer's own one-failure
                // entries go before a count that is close to a lockout.
                let weakest = table
                    .iter()
                    .filter(|(_, f)| f.count < policy.max_failures)
                    .min_by_key(|(_, f)| (f.count, f.last))
                    .map(|(k, _)| *k);
                match weakest {
                    Some(weakest) => {
                        table.remove(&weakest);
                    }
                    None => return,
                }
            }
        }
        let entry = table.entry(key).or_insert(Failures {
            count: 0,
            last: now,
        });
        // A failure long after the previous one starts a new count.
        if now >= entry.last.saturating_add(window) {
            entry.count = 0;
        }
        entry.count = entry.count.saturating_add(1);
        entry.last = now;
    }

    /// Forgets the failures of a source and identifier that just signed correctly.
    pub(crate) fn succeeded(&self, source: IpAddr, identifier: &str) {
        if self.policy.is_some() {
            let key = self.key(source, identifier);
            self.lock().remove(&key);
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<(IpAddr, u64), Failures>> {
        self.failures.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const T0: u64 = 1_800_000_000;

    fn ip(last: u8) -> IpAddr {
        IpAddr::from([10, 0, 0, last])
    }

    #[test]
    fn the_lockout_counts_per_source_and_identifier_and_ends_after_the_window() {
        let lockouts = Lockouts::new(Some(SigLockout {
            max_failures: 3,
            window: Duration::from_secs(60),
        }));
        for i in 0..3 {
            assert!(lockouts.check(ip(1), "admin", T0 + i).is_ok());
            lockouts.failed(ip(1), "admin", T0 + i);
        }
        let refusal = lockouts.check(ip(1), "admin", T0 + 3).unwrap_err();
        assert_eq!(refusal.code, ErrorCode::TOO_MANY_SIG_FAILURES);
        // Another source, or another identifier, is not locked.
        assert!(lockouts.check(ip(2), "admin", T0 + 3).is_ok());
        assert!(lockouts.check(ip(1), "other", T0 + 3).is_ok());
        // Locked until 60 s after the last failure.
        assert!(lockouts.check(ip(1), "admin", T0 + 2 + 59).is_err());
        assert!(lockouts.check(ip(1), "admin", T0 + 2 + 60).is_ok());
        // Failures spread wider than the window never add up.
        for i in 0..10 {
            lockouts.failed(ip(3), "admin", T0 + i * 61);
        }
        assert!(lockouts.check(ip(3), "admin", T0 + 9 * 61).is_ok());
        // A good signature clears the count.
        lockouts.failed(ip(4), "admin", T0);
        lockouts.failed(ip(4), "admin", T0);
        lockouts.succeeded(ip(4), "admin");
        lockouts.failed(ip(4), "admin", T0);
        assert!(lockouts.check(ip(4), "admin", T0).is_ok());
    }

    #[test]
    fn made_up_identifiers_cannot_grow_the_table_past_its_cap() {
        let lockouts = Lockouts::new(Some(SigLockout::default()));
        for i in 0..(MAX_TRACKED + 500) {
            lockouts.failed(ip(1), &format!("guess{i}"), T0);
        }
        assert_eq!(lockouts.lock().len(), MAX_TRACKED);
    }

    #[test]
    fn spraying_made_up_identifiers_never_lifts_an_active_lockout() {
        let lockouts = Lockouts::new(Some(SigLockout {
            max_failures: 3,
            window: Duration::from_secs(60),
        }));
        for _ in 0..3 {
            lockouts.failed(ip(1), "admin", T0);
        }
        // Two failures short of a lockout: closer to one than any sprayed entry.
        lockouts.failed(ip(1), "near", T0);
        lockouts.failed(ip(1), "near", T0);
        // Within the window, more made-up identifiers than the table holds.
        for i in 0..(MAX_TRACKED + 500) {
            lockouts.failed(ip(2), &format!("guess{i}"), T0 + 1);
        }
        assert_eq!(lockouts.lock().len(), MAX_TRACKED);
        assert!(lockouts.check(ip(1), "admin", T0 + 2).is_err());
        lockouts.failed(ip(1), "near", T0 + 2);
        assert!(lockouts.check(ip(1), "near", T0 + 2).is_err());
        // Once the window has passed, the lockout ends as usual.
        assert!(lockouts.check(ip(1), "admin", T0 + 60).is_ok());
    }

    #[test]
    fn a_table_full_of_lockouts_keeps_them_all_and_tracks_no_more() {
        let lockouts = Lockouts::new(Some(SigLockout {
            max_failures: 1,
            window: Duration::from_secs(60),
        }));
        for i in 0..MAX_TRACKED {
            lockouts.failed(ip(1), &format!("locked{i}"), T0);
        }
        lockouts.failed(ip(1), "newcomer", T0 + 1);
        assert_eq!(lockouts.lock().len(), MAX_TRACKED);
        assert!(lockouts.check(ip(1), "newcomer", T0 + 1).is_ok());
        for i in 0..MAX_TRACKED {
            assert!(lockouts
                .check(ip(1), &format!("locked{i}"), T0 + 1)
                .is_err());
        }
        // Expired lockouts make room again.
        lockouts.failed(ip(1), "newcomer", T0 + 60);
        assert!(lockouts.check(ip(1), "newcomer", T0 + 60).is_err());
        assert_eq!(lockouts.lock().len(), 1);
    }

    #[test]
    fn off_means_never_locked() {
        let lockouts = Lockouts::new(None);
        for _ in 0..100 {
            lockouts.failed(ip(1), "admin", T0);
        }
        assert!(lockouts.check(ip(1), "admin", T0).is_ok());
    }
}
