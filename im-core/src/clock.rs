//! Time source for UserSig issue times and expiry, injectable for tests.

use std::fmt::Debug;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{SystemTime, UNIX_EPOCH};

/// A source of the current Unix time in seconds.
pub trait Clock: Debug + Send + Sync + 'static {
    /// Seconds since the Unix epoch.
    fn unix_now(&self) -> u64;
}

/// The system's wall clock.
#[derive(Debug, Clone, Copy, Default)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn unix_now(&self) -> u64 {
        // A clock set before 1970 reads as the epoch rather than failing.
        SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |elapsed| elapsed.as_secs())
    }
}

/// A clock that only moves when told to; clones share the same time.
#[derive(Debug, Clone, Default)]
pub struct ManualClock {
    now: Arc<AtomicU64>,
}

impl ManualClock {
    /// A clock reading `unix_seconds`.
    pub fn new(unix_seconds: u64) -> Self {
        Self {
            now: Arc::new(AtomicU64::new(unix_seconds)),
        }
    }

    /// Sets the time.
    pub fn set(&self, unix_seconds: u64) {
        self.now.store(unix_seconds, Ordering::SeqCst);
    }

    /// Moves the time forward by `seconds`.
    pub fn advance(&self, seconds: u64) {
        self.now.fetch_add(seconds, Ordering::SeqCst);
    }
}

impl Clock for ManualClock {
    fn unix_now(&self) -> u64 {
        self.now.load(Ordering::SeqCst)
    }
}
