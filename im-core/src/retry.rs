//! Which failures are retried, how long to wait, and for how long at most.

use std::time::Duration;

use backon::{BackoffBuilder, ExponentialBuilder};

use crate::{Error, ErrorCode};

/// The retry policy of a [`crate::Client`].
///
/// Retried: connection failures and resets, timeouts, bodies cut off mid-way, HTTP 502/503/504,
/// and the transient codes 30006, 30007, 30008, 40006, 60008, 60014, 70169, 70202, 70500. The rate-limit
/// codes 60007, 60011, 60018 and 60019 are retried after at least
/// [`RetryPolicy::rate_limited_delay`]; 70050 (too many failed signature checks) after
/// [`RetryPolicy::sig_lockout_wait`], one minute as documented. Nothing else is retried: in
/// particular not 90992 (the app's own webhook receiver is unhealthy; the app must fix it, and
/// quick retries only add load to it), nor any HTTP answer other than 502/503/504. On `70001`
/// the client signs a new UserSig and retries once, whatever the policy.
///
/// Delays grow exponentially with full jitter from [`RetryPolicy::min_delay`] to
/// [`RetryPolicy::max_delay`]; a call gives up after [`RetryPolicy::max_attempts`] attempts or
/// when the next wait would pass [`RetryPolicy::max_elapsed`] since the first attempt.
#[derive(Debug, Clone, PartialEq)]
pub struct RetryPolicy {
    max_attempts: u32,
    max_elapsed: Duration,
    min_delay: Duration,
    max_delay: Duration,
    rate_limited_delay: Duration,
    sig_lockout_wait: Duration,
}

impl Default for RetryPolicy {
    /// 5 attempts within 2 minutes, delays from 200 ms to 10 s, 1 s after a rate-limit code,
    /// 60 s after 70050.
    fn default() -> Self {
        Self {
            max_attempts: 5,
            max_elapsed: Duration::from_secs(120),
            min_delay: Duration::from_millis(200),
            max_delay: Duration::from_secs(10),
            rate_limited_delay: Duration::from_secs(1),
            sig_lockout_wait: Duration::from_secs(60),
        }
    }
}

impl RetryPolicy {
    /// No retries: every failure is returned at once.
    pub fn none() -> Self {
        Self {
            max_attempts: 1,
            ..Self::default()
        }
    }

    /// Attempts per call, the first included (at least 1).
    pub fn max_attempts(mut self, attempts: u32) -> Self {
        self.max_attempts = attempts.max(1);
        self
    }

    /// Total time a call may spend, waits included, before it gives up.
    pub fn max_elapsed(mut self, limit: Duration) -> Self {
        self.max_elapsed = limit;
        self
    }

    /// The first delay, before jitter.
    pub fn min_delay(mut self, delay: Duration) -> Self {
        self.min_delay = delay;
        self
    }

    /// The largest delay.
    pub fn max_delay(mut self, delay: Duration) -> Self {
        self.max_delay = delay;
        self
    }

    /// The least wait after a rate-limit code (60007, 60011, 60018, 60019).
    pub fn rate_limited_delay(mut self, delay: Duration) -> Self {
        self.rate_limited_delay = delay;
        self
    }

    /// The wait after 70050 (documented: one minute).
    pub fn sig_lockout_wait(mut self, wait: Duration) -> Self {
        self.sig_lockout_wait = wait;
        self
    }

    /// The configured attempts per call.
    pub fn attempts(&self) -> u32 {
        self.max_attempts
    }

    pub(crate) fn schedule(&self) -> Schedule<'_> {
        Schedule {
            policy: self,
            backoff: ExponentialBuilder::default()
                .with_min_delay(self.min_delay)
                .with_max_delay(self.max_delay)
                .with_factor(2.0)
                .with_jitter()
                .without_max_times()
                .build(),
            attempts: 1,
            waited: Duration::ZERO,
        }
    }
}

/// What to do after a failed attempt: the one place where retry decisions are made (as
/// smithy-rs's `ClassifyRetry`). [`Error::is_retryable`] and the client's retry loop both read
/// it; the per-code data comes from [`ErrorCode::is_retryable`] and
/// [`ErrorCode::is_rate_limit`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum RetryAction {
    /// Sending again will not help.
    Stop,
    /// The UserSig expired (70001): sign a new one, then send again (once).
    Resign,
    /// Send again after a wait of this kind.
    Retry(Backoff),
}

/// How long to wait before a retry.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Backoff {
    /// Exponential with jitter.
    Transient,
    /// Exponential, but at least [`RetryPolicy::rate_limited_delay`].
    RateLimited,
    /// [`RetryPolicy::sig_lockout_wait`] (70050).
    SigLockout,
}

/// Classifies the outcome of one attempt.
pub(crate) fn classify(error: &Error) -> RetryAction {
    use RetryAction::{Resign, Retry, Stop};
    match error {
        Error::Api { code, .. } => match *code {
            ErrorCode::USERSIG_EXPIRED => Resign,
            ErrorCode::TOO_MANY_SIG_FAILURES => Retry(Backoff::SigLockout),
            code if code.is_rate_limit() => Retry(Backoff::RateLimited),
            code if code.is_retryable() => Retry(Backoff::Transient),
            _ => Stop,
        },
        Error::Timeout { .. } => Retry(Backoff::Transient),
        Error::Transport(err) if err.is_retryable() => Retry(Backoff::Transient),
        Error::HttpStatus {
            status: 502..=504, ..
        } => Retry(Backoff::Transient),
        // A body cut off on the way; a complete body that is not the expected JSON would be the
        // same next time.
        Error::Decode { source, .. } if source.is_truncated() => Retry(Backoff::Transient),
        _ => Stop,
    }
}

/// The retries of one call.
pub(crate) struct Schedule<'a> {
    policy: &'a RetryPolicy,
    backoff: backon::ExponentialBackoff,
    attempts: u32,
    waited: Duration,
}

impl Schedule<'_> {
    /// How long to wait before the next attempt after `error`, or `None` to give up: when
    /// [`classify`] does not say [`RetryAction::Retry`], or the attempts or the time are spent.
    /// `elapsed` is the time spent on the call so far.
    pub(crate) fn next_delay(&mut self, error: &Error, elapsed: Duration) -> Option<Duration> {
        let RetryAction::Retry(kind) = classify(error) else {
            return None;
        };
        if self.attempts >= self.policy.max_attempts {
            return None;
        }
        let backoff = self.backoff.next().unwrap_or(self.policy.max_delay);
        let delay = match kind {
            Backoff::SigLockout => self.policy.sig_lockout_wait,
            Backoff::RateLimited => backoff.max(self.policy.rate_limited_delay),
            Backoff::Transient => backoff,
        };
        if elapsed.max(self.waited) + delay > self.policy.max_elapsed {
            return None;
        }
        self.attempts += 1;
        self.waited += delay;
        Some(delay)
    }

    /// Attempts made so far.
    pub(crate) fn attempts(&self) -> u32 {
        self.attempts
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn api(code: i64) -> Error {
        Error::Api {
            code: ErrorCode(code),
            info: String::new(),
            display: String::new(),
            path: None,
            attempts: crate::Attempts::NONE,
        }
    }

    #[test]
    fn transient_codes_are_retried_with_growing_bounded_delays() {
        let policy = RetryPolicy::default()
            .max_attempts(6)
            .min_delay(Duration::from_millis(100))
            .max_delay(Duration::from_millis(800));
        let mut schedule = policy.schedule();
        let mut delays = Vec::new();
        while let Some(delay) = schedule.next_delay(&api(30006), Duration::ZERO) {
            delays.push(delay);
        }
        assert_eq!(delays.len(), 5, "6 attempts = 5 retries");
        assert_eq!(schedule.attempts(), 6);
        // Full jitter adds at most the delay itself on top of the exponential step.
        let steps = [100, 200, 400, 800, 800];
        for (delay, step) in delays.iter().zip(steps) {
            // The backoff computes in f32: allow a rounding hair below the step.
            assert!(*delay >= Duration::from_micros(step * 999), "{delays:?}");
            assert!(*delay <= Duration::from_millis(2 * step), "{delays:?}");
        }
    }

    #[test]
    fn permanent_errors_are_not_retried() {
        let policy = RetryPolicy::default();
        for code in [
            30001, 30003, 30614, 31804, 40001, 40003, 40601, 60003, 70001, 70009, 70013, 70402,
            71000, 90992,
        ] {
            assert_eq!(
                policy.schedule().next_delay(&api(code), Duration::ZERO),
                None,
                "{code}"
            );
        }
        let validation = Error::Validation(crate::ValidationError::EmptyList { field: "x".into() });
        assert_eq!(
            policy.schedule().next_delay(&validation, Duration::ZERO),
            None
        );
        assert_eq!(
            RetryPolicy::none()
                .schedule()
                .next_delay(&api(30006), Duration::ZERO),
            None
        );
    }

    #[test]
    fn rate_limits_back_off_longer_and_70050_waits_a_minute() {
        let policy = RetryPolicy::default();
        for code in [60007, 60011, 60018, 60019] {
            let delay = policy
                .schedule()
                .next_delay(&api(code), Duration::ZERO)
                .unwrap();
            assert!(delay >= Duration::from_secs(1), "{code}: {delay:?}");
        }
        assert_eq!(
            policy.schedule().next_delay(&api(70050), Duration::ZERO),
            Some(Duration::from_secs(60))
        );
        let short = RetryPolicy::default().sig_lockout_wait(Duration::from_millis(5));
        assert_eq!(
            short.schedule().next_delay(&api(70050), Duration::ZERO),
            Some(Duration::from_millis(5))
        );
    }

    #[test]
    fn one_classifier_decides() {
        assert_eq!(classify(&api(70001)), RetryAction::Resign);
        assert_eq!(
            classify(&api(70050)),
            RetryAction::Retry(Backoff::SigLockout)
        );
        assert_eq!(
            classify(&api(60007)),
            RetryAction::Retry(Backoff::RateLimited)
        );
        assert_eq!(
            classify(&api(30006)),
            RetryAction::Retry(Backoff::Transient)
        );
        assert_eq!(classify(&api(30001)), RetryAction::Stop);
        assert_eq!(classify(&api(90992)), RetryAction::Stop);
        assert_eq!(
            classify(&api(40006)),
            RetryAction::Retry(Backoff::Transient)
        );
        let timeout = Error::Timeout {
            timeout: Duration::from_secs(1),
            path: None,
            attempts: crate::Attempts::NONE,
        };
        assert_eq!(classify(&timeout), RetryAction::Retry(Backoff::Transient));
        for status in [500, 501, 505, 302, 404] {
            let err = Error::HttpStatus {
                status,
                excerpt: String::new(),
                path: None,
                attempts: crate::Attempts::NONE,
            };
            assert_eq!(classify(&err), RetryAction::Stop, "{status}");
        }
        // Error::is_retryable says the same; 70001 is not "the same request again".
        assert!(api(30006).is_retryable());
        assert!(!api(70001).is_retryable());
    }

    #[test]
    fn total_time_is_bounded() {
        let policy = RetryPolicy::default().max_elapsed(Duration::from_secs(30));
        // 70050 would wait 60 s: past the bound, so give up.
        assert_eq!(
            policy.schedule().next_delay(&api(70050), Duration::ZERO),
            None
        );
        // Already 29.9 s in: no room for another 200 ms+ wait.
        assert_eq!(
            policy
                .schedule()
                .next_delay(&api(30006), Duration::from_millis(29_900)),
            None
        );
    }
}
