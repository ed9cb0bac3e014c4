//! The local limiters, one per API path, created on first use: for a client a schedule of
//! slots ([`Burst::Single`]), for a server a GCRA counter with a one-second burst
//! ([`Burst::OneSecond`], with the `server` feature).

use std::collections::HashMap;
use std::num::NonZeroU32;
use std::sync::{Arc, Mutex, PoisonError, RwLock};
use std::time::Duration;

use tokio::time::Instant;

use super::RateLimit;

/// How many calls may go out at once before the rate applies.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Burst {
    /// Evenly spaced calls, each in a slot of its own: never more than the rate in any
    /// one-second window. Used by clients.
    Single,
    /// Up to one second's worth at once (GCRA, governor). Used by servers, which tolerate
    /// jitter in arrivals: see [`PathLimiters`].
    #[cfg(feature = "server")]
    OneSecond,
}

/// A clock for governor that reads tokio's time (paused in tests), as a duration since its
/// first reading. Clones share the origin; separate clocks (one per [`PathLimiters`]) do not, so
/// runtimes with different time bases never meet.
#[cfg(feature = "server")]
#[derive(Debug, Clone, Default)]
pub struct TokioClock {
    origin: Arc<std::sync::OnceLock<Instant>>,
}

#[cfg(feature = "server")]
impl governor::clock::Clock for TokioClock {
    type Instant = Duration;

    fn now(&self) -> Duration {
        let now = Instant::now();
        now.saturating_duration_since(*self.origin.get_or_init(|| now))
    }
}

#[cfg(feature = "server")]
type Gcra = governor::RateLimiter<
    governor::state::NotKeyed,
    governor::state::InMemoryState,
    TokioClock,
    governor::middleware::NoOpMiddleware<Duration>,
>;

/// One path's limiter.
#[derive(Debug)]
enum Limiter {
    Slots(Slots),
    #[cfg(feature = "server")]
    Gcra(Gcra),
}

/// One limiter per path.
///
/// A client's ([`Burst::Single`]) hands out absolute slots: each call reserves the next free
/// one, `max(now, previous + spacing)`, under a lock held for a few nanoseconds, and sleeps
/// until it. A caller that wakes late (timer granularity, a busy runtime) sends late, but the
/// slots after its own stay where they are, so the path holds its rate exactly whenever
/// callers are waiting. A check-then-sleep GCRA (governor's `check` + `sleep`, the previous
/// design) cannot do that: a permit exists only when `check` is called, so every late wake-up
/// moves the whole schedule back (0.83 of the rate with wake-ups 1 ms late at 200/s, see the
/// test `late_wake_ups_lose_no_slot`). Governor has no way to reserve a future permit, hence
/// the slots here.
///
/// A server's ([`Burst::OneSecond`]) is governor's GCRA with a burst of one second's calls.
/// It never refuses a client that reserves slots at the documented spacing, as long as no
/// call arrives more than one second behind its slot: after `i` calls whose slots are
/// `t0 + i·T` and that arrive late by at most `D`, the counter's theoretical arrival time is at
/// most `t0 + D + (i+1)·T`, and call `i + 1` arriving at or after its slot `t0 + (i+1)·T` is
/// admitted while `D` ≤ the tolerance (one second). A per-second window would instead refuse
/// a client at the full rate whenever one call slips across a second boundary.
///
/// Both read tokio's clock, so tests with paused time see exact schedules.
#[derive(Debug)]
pub struct PathLimiters {
    mode: RateLimit,
    burst: Burst,
    #[cfg(feature = "server")]
    clock: TokioClock,
    limiters: RwLock<HashMap<&'static str, Arc<Limiter>>>,
}

impl PathLimiters {
    /// Limiters in `mode`, allowing `burst`. A shared mode (`RateLimit::Shared`) is a client
    /// setting whose budget lives elsewhere; local limiters treat it as
    /// [`RateLimit::Documented`].
    pub fn new(mode: RateLimit, burst: Burst) -> Self {
        Self {
            mode,
            burst,
            #[cfg(feature = "server")]
            clock: TokioClock::default(),
            limiters: RwLock::new(HashMap::new()),
        }
    }

    /// The configured mode.
    pub fn mode(&self) -> &RateLimit {
        &self.mode
    }

    /// Calls per second actually allowed on a path documented at `rate`, or `None` when off.
    pub fn effective_rate(&self, rate: NonZeroU32) -> Option<NonZeroU32> {
        match self.mode {
            RateLimit::Off => None,
            RateLimit::Fraction(fraction) => {
                let scaled = (f64::from(rate.get()) * fraction.clamp(0.0, 1.0)).floor() as u32;
                Some(NonZeroU32::new(scaled).unwrap_or(NonZeroU32::MIN))
            }
            _ => Some(rate),
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
            Arc::new(match self.burst {
                Burst::Single => Limiter::Slots(Slots::new(rate)),
                #[cfg(feature = "server")]
                Burst::OneSecond => Limiter::Gcra(governor::RateLimiter::direct_with_clock(
                    governor::Quota::per_second(rate),
                    self.clock.clone(),
                )),
            })
        });
        Some(Arc::clone(limiter))
    }

    /// Takes a permit for `path` if one is free now; otherwise says how long until one is.
    /// This is how a server counts calls: it refuses instead of waiting.
    pub fn try_acquire(&self, path: &'static str, rate: NonZeroU32) -> Result<(), Duration> {
        match self.limiter(path, rate).as_deref() {
            None => Ok(()),
            Some(Limiter::Slots(slots)) => slots.try_take(),
            #[cfg(feature = "server")]
            Some(Limiter::Gcra(gcra)) => gcra.check().map_err(|not_until| {
                not_until.wait_time_from(governor::clock::Clock::now(&self.clock))
            }),
        }
    }

    /// Waits until a permit for `path` is free and takes it: with [`Burst::Single`], reserves
    /// the path's next free slot and sleeps until it. If this future is dropped before its slot
    /// and no later slot was reserved meanwhile, the slot is handed back.
    pub async fn acquire(&self, path: &'static str, rate: NonZeroU32) {
        match self.limiter(path, rate).as_deref() {
            None => {}
            Some(Limiter::Slots(slots)) => slots.take(path).await,
            #[cfg(feature = "server")]
            Some(Limiter::Gcra(gcra)) => {
                while let Err(not_until) = gcra.check() {
                    let now = governor::clock::Clock::now(&self.clock);
                    tokio::time::sleep(not_until.wait_time_from(now)).await;
                }
            }
        }
    }
}

/// A path's calls at one spacing, each in its own slot.
#[derive(Debug)]
struct Slots {
    spacing: Duration,
    /// The next free slot; `None` before the first call.
    next: Mutex<Option<Instant>>,
}

impl Slots {
    fn new(rate: NonZeroU32) -> Self {
        // Rounded up, so that the spacing never allows more than `rate` calls per second.
        let nanos = 1_000_000_000_u64.div_ceil(u64::from(rate.get()));
        Self {
            spacing: Duration::from_nanos(nanos),
            next: Mutex::new(None),
        }
    }

    /// Reserves the next free slot: now if the schedule has fallen behind (idle time leaves no
    /// burst behind it), else the one after the last reserved.
    fn reserve(&self) -> Instant {
        let now = Instant::now();
        let mut next = self.next.lock().unwrap_or_else(PoisonError::into_inner);
        let slot = next.map_or(now, |next| next.max(now));
        *next = Some(slot + self.spacing);
        slot
    }

    /// Takes the next slot only if it is due now.
    fn try_take(&self) -> Result<(), Duration> {
        let now = Instant::now();
        let mut next = self.next.lock().unwrap_or_else(PoisonError::into_inner);
        match *next {
            Some(slot) if slot > now => Err(slot - now),
            _ => {
                *next = Some(now + self.spacing);
                Ok(())
            }
        }
    }

    /// Hands `slot` back if it is still the last one reserved: a cancelled wait at the end of
    /// the queue then costs nothing. A slot with later ones behind it stays used.
    fn release(&self, slot: Instant) {
        let mut next = self.next.lock().unwrap_or_else(PoisonError::into_inner);
        if *next == Some(slot + self.spacing) {
            *next = Some(slot);
        }
    }

    async fn take(&self, path: &'static str) {
        let slot = self.reserve();
        let wait = slot.saturating_duration_since(Instant::now());
        if wait.is_zero() {
            return;
        }
        tracing::trace!(
            path,
            wait_us = wait.as_micros() as u64,
            "waiting for a rate slot"
        );
        let release = ReleaseOnDrop {
            slots: self,
            slot: Some(slot),
        };
        tokio::time::sleep_until(slot).await;
        release.disarm();
    }
}

/// Gives a reserved slot back if the wait for it is dropped.
struct ReleaseOnDrop<'a> {
    slots: &'a Slots,
    slot: Option<Instant>,
}

impl ReleaseOnDrop<'_> {
    fn disarm(mut self) {
        self.slot = None;
    }
}

impl Drop for ReleaseOnDrop<'_> {
    fn drop(&mut self) {
        if let Some(slot) = self.slot {
            self.slots.release(slot);
        }
    }
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicUsize, Ordering};

    use super::*;

    const RATE: NonZeroU32 = match NonZeroU32::new(200) {
        Some(rate) => rate,
        None => unreachable!(),
    };

    #[tokio::test(start_paused = true)]
    async fn client_limiter_spaces_calls_evenly() {
        let limiters = PathLimiters::new(RateLimit::Documented, Burst::Single);
        let start = Instant::now();
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
    async fn spacing_is_rounded_up() {
        // 1 s / 3 is not a whole number of nanoseconds: 4 calls take at least one second.
        let limiters = PathLimiters::new(RateLimit::Documented, Burst::Single);
        let three = NonZeroU32::new(3).unwrap();
        let start = Instant::now();
        for _ in 0..4 {
            limiters.acquire("p", three).await;
        }
        assert!(start.elapsed() >= Duration::from_secs(1));
    }

    #[tokio::test(start_paused = true)]
    async fn fraction_and_off() {
        let quarter = PathLimiters::new(RateLimit::Fraction(0.25), Burst::Single);
        assert_eq!(quarter.effective_rate(RATE).map(NonZeroU32::get), Some(50));
        let start = Instant::now();
        for _ in 0..51 {
            quarter.acquire("p", RATE).await;
        }
        assert_eq!(start.elapsed(), Duration::from_secs(1));
        let tiny = PathLimiters::new(RateLimit::Fraction(0.0001), Burst::Single);
        assert_eq!(tiny.effective_rate(RATE).map(NonZeroU32::get), Some(1));

        let off = PathLimiters::new(RateLimit::Off, Burst::Single);
        let start = Instant::now();
        for _ in 0..10_000 {
            off.acquire("p", RATE).await;
        }
        assert_eq!(start.elapsed(), Duration::ZERO);
    }

    #[tokio::test(start_paused = true)]
    async fn idle_time_leaves_no_burst() {
        let limiters = PathLimiters::new(RateLimit::Documented, Burst::Single);
        limiters.acquire("p", RATE).await;
        tokio::time::sleep(Duration::from_secs(5)).await;
        let start = Instant::now();
        for _ in 0..3 {
            limiters.acquire("p", RATE).await;
        }
        assert_eq!(start.elapsed(), Duration::from_millis(10));
    }

    /// Calls `acquire` from `tasks` tasks for 10 s while time moves only in 3 ms ticks (timers
    /// fire late, as on a busy runtime or with a coarse timer: a waiter due at 5 ms wakes at
    /// 6 ms), each call then arriving `delay(i)` after it returns; `admit` sees each arrival.
    /// Returns the calls made within the 10 s.
    async fn late_traffic(
        limiters: Arc<PathLimiters>,
        tasks: usize,
        delay: fn(usize) -> Duration,
        admit: Arc<dyn Fn() + Send + Sync>,
    ) -> usize {
        let end = Instant::now() + Duration::from_secs(10);
        let done = Arc::new(AtomicUsize::new(0));
        let tasks: Vec<_> = (0..tasks)
            .map(|task| {
                let (limiters, done, admit) =
                    (Arc::clone(&limiters), Arc::clone(&done), Arc::clone(&admit));
                tokio::spawn(async move {
                    for call in 0.. {
                        limiters.acquire("p", RATE).await;
                        if Instant::now() >= end {
                            break;
                        }
                        done.fetch_add(1, Ordering::Relaxed);
                        tokio::time::sleep(delay(task * 7919 + call)).await;
                        admit();
                    }
                })
            })
            .collect();
        // Always runnable, so the runtime never idles and time never jumps to the next timer.
        while Instant::now() < end + Duration::from_secs(1) {
            tokio::time::advance(Duration::from_millis(3)).await;
            tokio::task::yield_now().await;
        }
        for task in tasks {
            task.await.unwrap();
        }
        done.load(Ordering::Relaxed)
    }

    /// Late wake-ups shift nothing after them: 16 tasks take all 2000 slots of 10 s at 200/s.
    /// (The check-then-sleep GCRA it replaces made 1667 calls here: 0.83 of the rate.)
    #[tokio::test(start_paused = true)]
    async fn late_wake_ups_lose_no_slot() {
        let limiters = Arc::new(PathLimiters::new(RateLimit::Documented, Burst::Single));
        let done = late_traffic(limiters, 16, |_| Duration::ZERO, Arc::new(|| {})).await;
        assert_eq!(done, 2000, "slots taken in 10 s at 200/s");
    }

    /// A slow consumer (one task whose calls take 700 ms) costs the others nothing: with it,
    /// 8 tasks still take all 2000 slots.
    #[tokio::test(start_paused = true)]
    async fn a_slow_consumer_costs_the_others_nothing() {
        let limiters = Arc::new(PathLimiters::new(RateLimit::Documented, Burst::Single));
        // Task 0's calls are numbered below 7919.
        let slow = |i: usize| Duration::from_millis(if i < 7919 { 700 } else { 1 });
        let done = late_traffic(limiters, 8, slow, Arc::new(|| {})).await;
        assert_eq!(done, 2000);
    }

    /// A wait dropped before its slot hands it back when nothing was reserved after it, so a
    /// timed-out caller at the end of the queue costs no slot.
    #[tokio::test(start_paused = true)]
    async fn a_cancelled_wait_at_the_end_hands_its_slot_back() {
        let limiters = PathLimiters::new(RateLimit::Documented, Burst::Single);
        limiters.acquire("p", RATE).await;
        let cancelled =
            tokio::time::timeout(Duration::from_millis(1), limiters.acquire("p", RATE)).await;
        assert!(cancelled.is_err());
        // The slot at 5 ms is free again: the next caller gets it.
        let start = Instant::now();
        limiters.acquire("p", RATE).await;
        assert_eq!(start.elapsed(), Duration::from_millis(4));
    }

    #[cfg(feature = "server")]
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

    /// The emulator's counting (GCRA, one-second burst) never refuses a client at the full
    /// rate, even with late wake-ups and each call arriving up to 250 ms after its slot; the
    /// same arrivals counted without the burst (the control) are refused.
    #[cfg(feature = "server")]
    #[tokio::test(start_paused = true)]
    async fn the_emulators_counting_never_refuses_a_client_at_the_full_rate() {
        fn network(i: usize) -> Duration {
            Duration::from_millis((i * 37 % 251) as u64)
        }
        async fn refused(burst: Burst) -> (usize, usize) {
            let service = Arc::new(PathLimiters::new(RateLimit::Documented, burst));
            let refused = Arc::new(AtomicUsize::new(0));
            let admit = {
                let (service, refused) = (Arc::clone(&service), Arc::clone(&refused));
                Arc::new(move || {
                    if service.try_acquire("p", RATE).is_err() {
                        refused.fetch_add(1, Ordering::Relaxed);
                    }
                })
            };
            let client = Arc::new(PathLimiters::new(RateLimit::Documented, Burst::Single));
            let done = late_traffic(client, 64, network, admit).await;
            (done, refused.load(Ordering::Relaxed))
        }
        assert_eq!(refused(Burst::OneSecond).await, (2000, 0));
        let (_, strict) = refused(Burst::Single).await;
        assert!(strict > 100, "{strict} refused without the burst");
    }
}
