//! Per-path rate limiting from each endpoint's documented rate.
//!
//! Each call reserves an absolute slot on its path's schedule, at the documented spacing
//! (5 ms at 200 calls/s), and waits for it instead of failing. A caller that wakes late does
//! not move the slots after its own, so a path with callers waiting holds its rate exactly.
//! The schedule is either local, one per path shared by every clone of a [`crate::Client`]
//! ([`RateLimit::Documented`], [`RateLimit::Fraction`]), or, with the `redis` feature, kept in
//! Redis and shared by every process of the app (`RateLimit::Shared`). Local schedules read
//! tokio's clock, so tests with paused time see exact schedules.
//!
//! The local limiters themselves (`PathLimiters`, `Burst`, `TokioClock`) are public only with
//! the `server` feature, for servers such as the emulator that enforce the documented rates.

#[cfg_attr(not(feature = "server"), allow(dead_code))]
mod limiters;
#[cfg(feature = "redis")]
mod shared;

use std::num::NonZeroU32;

#[cfg(not(feature = "server"))]
pub(crate) use limiters::{Burst, PathLimiters};
#[cfg(feature = "server")]
pub use limiters::{Burst, PathLimiters, TokioClock};
#[cfg(feature = "redis")]
pub use shared::SharedBudget;

use crate::Error;

/// How a client limits its own call rate.
#[derive(Debug, Clone, PartialEq, Default)]
#[non_exhaustive]
pub enum RateLimit {
    /// Each path at its documented rate (`rate = N` of its endpoint), in this process. The
    /// default.
    #[default]
    Documented,
    /// Each path at this fraction (0 < f ≤ 1) of its documented rate, for a fixed number of
    /// processes sharing one app without a shared budget: e.g. 0.25 for each of four workers.
    /// At least one call per second.
    Fraction(f64),
    /// No limit: the caller takes care of the rate.
    Off,
    /// Each path at its documented rate for all processes of the app together, reserved in
    /// Redis (feature `redis`): see [`SharedBudget`]. `ClientBuilder::from_env` picks it
    /// from `IM_RATE_REDIS_URL`.
    #[cfg(feature = "redis")]
    Shared(SharedBudget),
}

/// The limiter of a client: local schedules, or the shared budget.
#[derive(Debug)]
pub(crate) struct CallLimiter {
    local: PathLimiters,
    #[cfg(feature = "redis")]
    shared: Option<SharedBudget>,
    #[cfg_attr(not(feature = "redis"), allow(dead_code))]
    sdkappid: u64,
}

impl CallLimiter {
    /// The limiter of a client of `sdkappid` in `mode`.
    pub(crate) fn new(mode: RateLimit, sdkappid: u64) -> Self {
        Self {
            #[cfg(feature = "redis")]
            shared: match &mode {
                RateLimit::Shared(budget) => Some(budget.clone()),
                _ => None,
            },
            local: PathLimiters::new(mode, Burst::Single),
            sdkappid,
        }
    }

    /// Waits for `path`'s next slot. Fails only with a shared budget that cannot be reached
    /// ([`Error::RateBudget`]); nothing has been sent then.
    pub(crate) async fn acquire(&self, path: &'static str, rate: NonZeroU32) -> Result<(), Error> {
        #[cfg(feature = "redis")]
        if let Some(shared) = &self.shared {
            return shared.acquire(self.sdkappid, path, rate).await;
        }
        self.local.acquire(path, rate).await;
        Ok(())
    }
}
