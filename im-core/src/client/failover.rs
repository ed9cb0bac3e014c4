//! Failover between a primary and a backup host.
//!
//! Every region has a backup host (`*.my-imcloud.com`, [`crate::Region::backup_host`]),
//! documented for use when the primary cannot be reached. When an attempt on the primary cannot
//! connect — refused, DNS, TLS handshake, connect timeout — or gets no response within the
//! timeout, calls go to the backup for a cool-down, then to the primary again. An HTTP status or
//! an envelope error is an answer, not an unreachable host, and never moves calls; nor does a
//! connection reset or closed under a request (typically a pooled keep-alive connection the
//! server closed), which is retried on a new connection.
//!
//! The state is one atomic shared by the clones of a client: while on the primary, picking a host is
//! one atomic load and no clock read.

use std::fmt;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use tokio::time::Instant;

use super::config::without_userinfo;

/// How long calls stay on the backup host after the primary failed, unless configured with
/// [`crate::ClientBuilder::failover_cool_down`].
pub const DEFAULT_FAILOVER_COOL_DOWN: Duration = Duration::from_secs(60);

/// The timer resolution of tokio: a timeout may fire up to this much before its deadline as
/// measured by a later `Instant::now()`.
const TIMER_RESOLUTION: Duration = Duration::from_millis(1);

/// Which host an attempt went to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Host {
    Primary,
    Backup,
}

/// The primary and backup base URLs and which one calls go to.
pub(super) struct Hosts {
    primary: String,
    backup: Option<String>,
    /// `primary` and `backup` without any `user:password@` (a proxy's credentials): the forms
    /// log lines and Debug output show.
    primary_shown: String,
    backup_shown: Option<String>,
    cool_down: Duration,
    /// The origin of `back_at`; tokio's clock, so tests can pause and advance it.
    epoch: Instant,
    /// 0 while calls go to the primary; otherwise when they return to it, in nanoseconds since
    /// `epoch` plus one.
    back_at: AtomicU64,
}

impl Hosts {
    pub(super) fn new(primary: String, backup: Option<String>, cool_down: Duration) -> Self {
        Self {
            primary_shown: without_userinfo(&primary),
            backup_shown: backup.as_deref().map(without_userinfo),
            primary,
            backup,
            cool_down,
            epoch: Instant::now(),
            back_at: AtomicU64::new(0),
        }
    }

    pub(super) fn primary(&self) -> &str {
        &self.primary
    }

    pub(super) fn backup(&self) -> Option<&str> {
        self.backup.as_deref()
    }

    /// The primary base URL with any userinfo redacted.
    pub(super) fn primary_shown(&self) -> &str {
        &self.primary_shown
    }

    /// The backup base URL with any userinfo redacted.
    pub(super) fn backup_shown(&self) -> Option<&str> {
        self.backup_shown.as_deref()
    }

    /// The host the next attempt goes to, and its base URL.
    pub(super) fn current(&self) -> (Host, &str) {
        let back_at = self.back_at.load(Ordering::Acquire);
        let Some(backup) = self.backup.as_deref().filter(|_| back_at != 0) else {
            return (Host::Primary, &self.primary);
        };
        if self.now() < back_at {
            return (Host::Backup, backup);
        }
        // Only the caller that ends the failover logs it.
        if self
            .back_at
            .compare_exchange(back_at, 0, Ordering::AcqRel, Ordering::Acquire)
            .is_ok()
        {
            tracing::info!(
                primary = %self.primary_shown,
                "failover cool-down over: calls go to the primary host again"
            );
        }
        (Host::Primary, &self.primary)
    }

    /// An attempt on `host` failed before any response. A failed primary sends calls to the
    /// backup for the cool-down (starting it again if they are there already); a failed backup
    /// sends them back to the primary at once, since neither is known to be better then.
    pub(super) fn unreachable(&self, host: Host, error: &dyn fmt::Display) {
        let Some(backup) = self.backup_shown.as_deref() else {
            return;
        };
        match host {
            Host::Primary => {
                let back_at = self.now().saturating_add(nanos(self.cool_down));
                if self.back_at.swap(back_at, Ordering::AcqRel) == 0 {
                    tracing::warn!(
                        primary = %self.primary_shown,
                        backup,
                        cool_down_s = self.cool_down.as_secs(),
                        %error,
                        "primary host unreachable: calls go to the backup host"
                    );
                }
            }
            Host::Backup => {
                if self.back_at.swap(0, Ordering::AcqRel) != 0 {
                    tracing::warn!(
                        primary = %self.primary_shown,
                        backup,
                        %error,
                        "backup host unreachable: calls go to the primary host again"
                    );
                }
            }
        }
    }

    /// Nanoseconds since `epoch`, plus one so that it is never 0.
    fn now(&self) -> u64 {
        nanos(self.epoch.elapsed()).saturating_add(1)
    }
}

fn nanos(duration: Duration) -> u64 {
    u64::try_from(duration.as_nanos()).unwrap_or(u64::MAX)
}

/// Watches one attempt until its response head arrives. Dropped before that — the caller's
/// timeout took the attempt away — once the timeout has run out, it reports the host
/// unreachable: a host that accepts connections but never answers is as unusable as one that
/// refuses them. Dropped earlier (the caller gave up on the call), it reports nothing.
pub(super) struct AwaitingResponse<'a> {
    hosts: &'a Hosts,
    host: Host,
    started: Instant,
    timeout: Duration,
    settled: bool,
}

impl<'a> AwaitingResponse<'a> {
    pub(super) fn new(hosts: &'a Hosts, host: Host, timeout: Duration) -> Self {
        Self {
            hosts,
            host,
            started: Instant::now(),
            timeout,
            settled: false,
        }
    }

    /// A response head arrived: the host is reachable.
    pub(super) fn answered(mut self) {
        self.settled = true;
    }

    /// The attempt failed before any response, but not for want of a reachable host (a reset
    /// on a reused connection): nothing moves.
    pub(super) fn inconclusive(mut self) {
        self.settled = true;
    }

    /// The attempt failed before any response: the host is unreachable.
    pub(super) fn unreachable(mut self, error: &dyn fmt::Display) {
        self.settled = true;
        self.hosts.unreachable(self.host, error);
    }
}

impl Drop for AwaitingResponse<'_> {
    fn drop(&mut self) {
        if !self.settled && self.started.elapsed() + TIMER_RESOLUTION >= self.timeout {
            self.hosts.unreachable(
                self.host,
                &format_args!("no response within {:?}", self.timeout),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hosts(cool_down: u64) -> Hosts {
        Hosts::new(
            "http://primary".into(),
            Some("http://backup".into()),
            Duration::from_secs(cool_down),
        )
    }

    #[tokio::test(start_paused = true)]
    async fn a_failed_primary_sends_calls_to_the_backup_for_the_cool_down() {
        let hosts = hosts(60);
        assert_eq!(hosts.current(), (Host::Primary, "http://primary"));
        hosts.unreachable(Host::Primary, &"refused");
        assert_eq!(hosts.current(), (Host::Backup, "http://backup"));
        tokio::time::advance(Duration::from_secs(59)).await;
        assert_eq!(hosts.current().0, Host::Backup);
        tokio::time::advance(Duration::from_secs(1)).await;
        assert_eq!(hosts.current(), (Host::Primary, "http://primary"));
        assert_eq!(hosts.current().0, Host::Primary);
    }

    #[tokio::test(start_paused = true)]
    async fn another_primary_failure_restarts_the_cool_down_and_a_failed_backup_ends_it() {
        let hosts = hosts(60);
        hosts.unreachable(Host::Primary, &"refused");
        tokio::time::advance(Duration::from_secs(50)).await;
        // A call that started on the primary before the switch fails late.
        hosts.unreachable(Host::Primary, &"reset");
        tokio::time::advance(Duration::from_secs(50)).await;
        assert_eq!(hosts.current().0, Host::Backup);
        hosts.unreachable(Host::Backup, &"refused");
        assert_eq!(hosts.current().0, Host::Primary);
    }

    #[tokio::test(start_paused = true)]
    async fn without_a_backup_nothing_moves() {
        let hosts = Hosts::new("http://only".into(), None, Duration::from_secs(60));
        hosts.unreachable(Host::Primary, &"refused");
        assert_eq!(hosts.current(), (Host::Primary, "http://only"));
    }

    #[tokio::test(start_paused = true)]
    async fn only_an_attempt_dropped_at_its_timeout_counts_as_unreachable() {
        let hosts = hosts(60);
        let timeout = Duration::from_secs(10);
        // The caller gave up early: not the host's fault.
        drop(AwaitingResponse::new(&hosts, Host::Primary, timeout));
        tokio::time::advance(Duration::from_secs(9)).await;
        assert_eq!(hosts.current().0, Host::Primary);
        // Answered: reachable, however late.
        let watch = AwaitingResponse::new(&hosts, Host::Primary, timeout);
        tokio::time::advance(timeout).await;
        watch.answered();
        assert_eq!(hosts.current().0, Host::Primary);
        // Taken away by the timeout.
        let watch = AwaitingResponse::new(&hosts, Host::Primary, timeout);
        tokio::time::advance(timeout).await;
        drop(watch);
        assert_eq!(hosts.current().0, Host::Backup);
    }
}
