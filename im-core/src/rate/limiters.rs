//! The limiters: one GCRA limiter (governor) per API path, created on first use.

use std::collections::HashMap;
use std::num::NonZeroU32;
use std::sync::{Arc, OnceLock, PoisonError, RwLock};
use std::time::Duration;

use governor::clock::Clock as GovernorClock;
use governor::middleware::NoOpMiddleware;
use governor::state::{InMemoryState, NotKeyed};
use governor::{Quota, RateLimiter};

use super::RateLimit;

/// How many calls may go out at once before the rate applies.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Burst {
    /// Evenly spaced calls: never more than the rate in any one-second window. Used by clients.
    Single,
    /// Up to one second's worth at once. Used by servers, which tolerate jitter in arrivals.
    OneSecond,
}

/// A clock for governor that reads tokio's time (paused in tests), as a duration since its
/// first reading. Clones share the origin; separate clocks (one per [`PathLimiters`]) do not, so
/// runtimes with different time bases never meet.
#[derive(Debug, Clone, Default)]
pub struct TokioClock {
    origin: Arc<OnceLock<tokio::time::Instant>>,
}

impl GovernorClock for TokioClock {
    type Instant = Duration;

    fn now(&self) -> Duration {
        let now = tokio::time::Instant::now();
        now.saturating_duration_since(*self.origin.get_or_init(|| now))
    }
}

type Limiter = RateLimiter<NotKeyed, InMemoryState, TokioClock, NoOpMiddleware<Duration>>;

/// One limiter per path.
#[derive(Debug)]
pub struct PathLimiters {
    mode: RateLimit,
    burst: Burst,
    clock: TokioClock,
    limiters: RwLock<HashMap<&'static str, Arc<Limiter>>>,
}

impl PathLimiters {
    /// Limiters in `mode`, allowing `burst`.
    pub fn new(mode: RateLimit, burst: Burst) -> Self {
        Self {
            mode,
            burst,
            clock: TokioClock::default(),
            limiters: RwLock::new(HashMap::new()),
        }
    }

    /// The configured mode.
    pub fn mode(&self) -> RateLimit {
        self.mode
    }

    /// Calls per second actually allowed on a path documented at `rate`, or `None` when off.
    pub fn effective_rate(&self, rate: NonZeroU32) -> Option<NonZeroU32> {
        match self.mode {
            RateLimit::Documented => Some(rate),
            RateLimit::Off => None,
            RateLimit::Fraction(fraction) => {
                let scaled = (f64::from(rate.get()) * fraction.clamp(0.0, 1.0)).floor() as u32;
                Some(NonZeroU32::new(scaled).unwrap_or(NonZeroU32::MIN))
            }
        }
    }

    fn limiter(&self, path: &'static str, rate: NonZeroU32) -> Option<Arc<Limiter>> {
        let rate = self.effective_rate(rate)?;
        if let Some(limiter) = self
            .limiters
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .get(path)
        {
            return Some(Arc::clone(limiter));
        }
        let mut limiters = self
            .limiters
            .write()
            .unwrap_or_else(PoisonError::into_inner);
        let limiter = limiters.entry(path).or_insert_with(|| {
            let quota = match self.burst {
                Burst::OneSecond => Quota::per_second(rate),
                Burst::Single => Quota::with_period(Duration::from_secs(1) / rate.get())
                    .unwrap_or_else(|| Quota::per_second(rate))
                    .allow_burst(NonZeroU32::MIN),
            };
            Arc::new(RateLimiter::direct_with_clock(quota, self.clock.clone()))
        });
        Some(Arc::clone(limiter))
    }

    /// Takes a permit for `path` if one is free now; otherwise says how long until one is.
    pub fn try_acquire(&self, path: &'static str, rate: NonZeroU32) -> Result<(), Duration> {
        match self.limiter(path, rate) {
            None => Ok(()),
            Some(limiter) => limiter
                .check()
                .map_err(|not_until| not_until.wait_time_from(self.clock.now())),
        }
    }

    /// Waits until a permit for `path` is free and takes it.
    pub async fn acquire(&self, path: &'static str, rate: NonZeroU32) {
        let Some(limiter) = self.limiter(path, rate) else {
            return;
        };
        while let Err(not_until) = limiter.check() {
            let wait = not_until.wait_time_from(self.clock.now());
            tracing::trace!(
                path,
                wait_ms = wait.as_millis() as u64,
                "waiting for a rate permit"
            );
            tokio::time::sleep(wait).await;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const RATE: NonZeroU32 = match NonZeroU32::new(200) {
        Some(rate) => rate,
        None => unreachable!(),
    };

    #[tokio::test(start_paused = true)]
    async fn client_limiter_spaces_calls_evenly() {
        let limiters = PathLimiters::new(RateLimit::Documented, Burst::Single);
        let start = tokio::time::Instant::now();
        for _ in 0..401 {
            limiters.acquire("v4/sns/friend_get", RATE).await;
        }
        // 401 calls at 200/s: the last one goes out exactly 2 s after the first.
        assert_eq!(start.elapsed(), Duration::from_secs(2));
        // Another path has its own limiter.
        assert!(limiters.try_acquire("v4/sns/friend_add", RATE).is_ok());
        assert_eq!(
            limiters.try_acquire("v4/sns/friend_get", RATE),
            Err(Duration::from_millis(5))
        );
    }

    #[tokio::test(start_paused = true)]
    async fn fraction_and_off() {
        let quarter = PathLimiters::new(RateLimit::Fraction(0.25), Burst::Single);
        assert_eq!(quarter.effective_rate(RATE).map(NonZeroU32::get), Some(50));
        let start = tokio::time::Instant::now();
        for _ in 0..51 {
            quarter.acquire("p", RATE).await;
        }
        assert_eq!(start.elapsed(), Duration::from_secs(1));
        let tiny = PathLimiters::new(RateLimit::Fraction(0.0001), Burst::Single);
        assert_eq!(tiny.effective_rate(RATE).map(NonZeroU32::get), Some(1));

        let off = PathLimiters::new(RateLimit::Off, Burst::Single);
        let start = tokio::time::Instant::now();
        for _ in 0..10_000 {
            off.acquire("p", RATE).await;
        }
        assert_eq!(start.elapsed(), Duration::ZERO);
    }

    #[tokio::test(start_paused = true)]
    async fn server_limiter_allows_one_second_burst_then_refuses() {
        let limiters = PathLimiters::new(RateLimit::Documented, Burst::OneSecond);
        for _ in 0..200 {
            assert!(limiters.try_acquire("p", RATE).is_ok());
        }
        assert!(limiters.try_acquire("p", RATE).is_err());
        tokio::time::advance(Duration::from_millis(5)).await;
        assert!(limiters.try_acquire("p", RATE).is_ok());
    }
}
