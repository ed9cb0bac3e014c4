//! Per-path rate limiting from each endpoint's documented rate.
//!
//! One GCRA limiter (governor) per API path, created on first use and shared by every clone of
//! a [`crate::Client`]. A call waits for a permit instead of failing. The limiters read tokio's
//! clock, so tests with paused time see exact schedules.
//!
//! The limiters themselves (`PathLimiters`, `Burst`, `TokioClock`) are public only with the
//! `server` feature, for servers such as the emulator that enforce the documented rates.

#[cfg_attr(not(feature = "server"), allow(dead_code))]
mod limiters;

#[cfg(not(feature = "server"))]
pub(crate) use limiters::{Burst, PathLimiters};
#[cfg(feature = "server")]
pub use limiters::{Burst, PathLimiters, TokioClock};

/// How a client limits its own call rate.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub enum RateLimit {
    /// Each path at its documented rate (`rate = N` of its endpoint). The default.
    #[default]
    Documented,
    /// Each path at this fraction (0 < f ≤ 1) of its documented rate, for several processes
    /// sharing one app: e.g. 0.25 for each of four workers. At least one call per second.
    Fraction(f64),
    /// No limit: the caller takes care of the rate.
    Off,
}
