//! [`SharedBudget`]: the slot schedules of an app's paths kept in Redis, so that every process
//! and machine of the app holds the documented rate together.

use std::fmt;
use std::num::NonZeroU32;
use std::sync::Arc;
use std::time::Duration;

use redis::aio::{ConnectionManager, ConnectionManagerConfig};

use crate::{Attempts, Error};

/// Reserves the next free slot of one path, atomically (a script runs alone on the server).
///
/// KEYS[1]: the path's next free slot, in microseconds of the Redis server's clock, so that
/// the machines' own clocks never meet. ARGV[1]: the spacing in microseconds. Returns how many
/// microseconds from now the reserved slot is. The key expires as soon as the slot after the
/// reserved one has passed: by then an empty key means the same thing ("now"), so a process
/// that dies leaves at most its own waiters' slots behind, and nothing once they have passed.
/// Numbers go back to Redis through `%.0f`: Lua's own conversion would round a 16-digit
/// microsecond count to 14 significant digits.
const RESERVE: &str = r"
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000000 + tonumber(time[2])
local spacing = tonumber(ARGV[1])
local slot = math.max(now, tonumber(redis.call('GET', KEYS[1]) or '0'))
local ttl_ms = math.ceil((slot + spacing - now) / 1000) + 1
redis.call('SET', KEYS[1], string.format('%.0f', slot + spacing), 'PX', string.format('%.0f', ttl_ms))
return slot - now
";

/// How long connecting to Redis, and each reservation, may take before the call fails with
/// [`Error::RateBudget`]. Generous for a server on the same network, short beside the
/// service's own 3 s.
const REDIS_TIMEOUT: Duration = Duration::from_secs(1);

/// A rate budget shared by every process of an app through Redis (feature `redis`), for
/// [`crate::RateLimit::Shared`].
///
/// Each call reserves the next free slot of its path at the documented spacing with one Lua
/// script keyed by SDKAppID and path (`tencent-im:rate:{sdkappid}:{path}`), on the Redis
/// server's clock, and sleeps until it: any number of processes together hold each path's
/// documented rate, and none loses a slot to a late wake-up. A process that dies leaves only
/// the slots its waiters had reserved, a few hundred milliseconds at most, and the key expires
/// right after the last reserved slot. Needs Redis 5 or later (`TIME` in scripts).
///
/// When Redis cannot be reached or does not answer within 1 s, the call fails with
/// [`Error::RateBudget`] before anything is sent: never an unlimited call. The connection
/// is made on the first call and re-made in the background after a failure, so later calls
/// succeed again once Redis is back. A call cancelled while it waits for its slot leaves the
/// slot unused.
///
/// Clones share one connection. Plain `redis://` and `unix://` URLs are supported, not TLS.
/// The URL's password is never shown: `Debug` and errors show the URL without credentials.
///
/// ```no_run
/// # fn demo() -> Result<(), tencent_im_core::Error> {
/// use tencent_im_core::rate::SharedBudget;
/// use tencent_im_core::{Client, RateLimit};
///
/// let budget = SharedBudget::redis("redis://127.0.0.1:6379/0")?;
/// let client = Client::builder(1400000000, "secret key from the console", "administrator")
///     .rate_limit(RateLimit::Shared(budget))
///     .build()?;
/// # let _ = client; Ok(()) }
/// ```
#[derive(Clone)]
pub struct SharedBudget {
    inner: Arc<Inner>,
}

struct Inner {
    client: redis::Client,
    /// The URL without credentials, for `Debug` and errors.
    shown: String,
    /// Texts that must never appear in an error: the password, raw and decoded.
    secrets: Vec<String>,
    connection: tokio::sync::OnceCell<ConnectionManager>,
    script: redis::Script,
}

impl fmt::Debug for SharedBudget {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SharedBudget")
            .field("redis", &self.inner.shown)
            .finish_non_exhaustive()
    }
}

/// Two budgets are equal when they are the same handle (clones of one another).
impl PartialEq for SharedBudget {
    fn eq(&self, other: &Self) -> bool {
        Arc::ptr_eq(&self.inner, &other.inner)
    }
}

impl SharedBudget {
    /// A budget kept in the Redis at `url`, such as `redis://:password@10.0.0.5:6379/0`. Only
    /// checks the URL: the connection is made by the first call.
    pub fn redis(url: &str) -> Result<SharedBudget, Error> {
        let (shown, secrets) = match url::Url::parse(url) {
            Ok(mut parsed) => {
                let mut secrets = Vec::new();
                if let Some(password) = parsed.password().filter(|p| !p.is_empty()) {
                    secrets.push(password.to_owned());
                    if let Ok(decoded) = percent_decode(password) {
                        secrets.push(decoded);
                    }
                }
                // Unix-socket URLs carry their credentials in the query (`?user=..&pass=..`).
                for (key, value) in parsed.query_pairs() {
                    if key == "pass" && !value.is_empty() {
                        secrets.push(value.into_owned());
                    }
                }
                if let Some(query) = parsed.query().filter(|q| q.contains("pass=")) {
                    for part in query.split('&').filter(|p| p.starts_with("pass=")) {
                        secrets.push(part["pass=".len()..].to_owned());
                    }
                }
                // Failures only for URLs that cannot have credentials, which have none to hide.
                let _ = parsed.set_password(None);
                let _ = parsed.set_username("");
                // The query is left out of what is shown: it may hold the password.
                parsed.set_query(None);
                (parsed.to_string(), secrets)
            }
            Err(_) => ("<not a URL>".to_owned(), Vec::new()),
        };
        let client = redis::Client::open(url).map_err(|err| Error::RateBudget {
            budget: shown.clone(),
            // The crate's text may quote the URL; the kind says what is wrong without it.
            reason: format!(
                "not a Redis URL ({:?}): use redis://[:password@]host[:port][/db]",
                err.kind()
            ),
            path: None,
            attempts: Attempts::NONE,
        })?;
        Ok(SharedBudget {
            inner: Arc::new(Inner {
                client,
                shown,
                secrets,
                connection: tokio::sync::OnceCell::new(),
                script: redis::Script::new(RESERVE),
            }),
        })
    }

    /// The Redis key of a path's schedule.
    fn key(sdkappid: u64, path: &str) -> String {
        format!("tencent-im:rate:{sdkappid}:{path}")
    }

    /// Reserves `path`'s next free slot and sleeps until it.
    pub(crate) async fn acquire(
        &self,
        sdkappid: u64,
        path: &'static str,
        rate: NonZeroU32,
    ) -> Result<(), Error> {
        let wait = self.reserve(sdkappid, path, rate).await?;
        if !wait.is_zero() {
            tracing::trace!(
                path,
                wait_us = wait.as_micros() as u64,
                "waiting for a shared rate slot"
            );
            tokio::time::sleep(wait).await;
        }
        Ok(())
    }

    /// Reserves `path`'s next free slot; answers how far from now it is.
    async fn reserve(
        &self,
        sdkappid: u64,
        path: &'static str,
        rate: NonZeroU32,
    ) -> Result<Duration, Error> {
        // Rounded up, so that the spacing never allows more than `rate` calls per second.
        let spacing_us = 1_000_000_u64.div_ceil(u64::from(rate.get()));
        let mut connection = self.connection(path).await?;
        let wait_us: i64 = self
            .inner
            .script
            .key(Self::key(sdkappid, path))
            .arg(spacing_us)
            .invoke_async(&mut connection)
            .await
            .map_err(|err| self.error(path, &err))?;
        Ok(Duration::from_micros(u64::try_from(wait_us).unwrap_or(0)))
    }

    async fn connection(&self, path: &'static str) -> Result<ConnectionManager, Error> {
        let inner = &*self.inner;
        let config = ConnectionManagerConfig::new()
            .set_connection_timeout(REDIS_TIMEOUT)
            .set_response_timeout(REDIS_TIMEOUT)
            // A failed first connection fails the call at once rather than after several
            // retries; the next call tries again.
            .set_number_of_retries(0);
        inner
            .connection
            .get_or_try_init(|| ConnectionManager::new_with_config(inner.client.clone(), config))
            .await
            .cloned()
            .map_err(|err| self.error(path, &err))
    }

    fn error(&self, path: &'static str, err: &redis::RedisError) -> Error {
        let mut reason = err.to_string();
        for secret in &self.inner.secrets {
            reason = reason.replace(secret.as_str(), "<redacted>");
        }
        tracing::warn!(path, redis = %self.inner.shown, reason, "shared rate budget unavailable");
        Error::RateBudget {
            budget: self.inner.shown.clone(),
            reason,
            path: Some(path),
            attempts: Attempts::NONE,
        }
    }
}

/// `%XX` sequences decoded, if the result is UTF-8.
fn percent_decode(text: &str) -> Result<String, std::string::FromUtf8Error> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = bytes
            .get(i + 1..i + 3)
            .and_then(|h| std::str::from_utf8(h).ok())
            .and_then(|h| u8::from_str_radix(h, 16).ok());
        match (bytes[i], hex) {
            (b'%', Some(byte)) => {
                out.push(byte);
                i += 3;
            }
            (byte, _) => {
                out.push(byte);
                i += 1;
            }
        }
    }
    String::from_utf8(out)
}

#[cfg(test)]
mod tests {
    use std::net::TcpListener;
    use std::process::{Child, Command, Stdio};
    use std::sync::atomic::{AtomicUsize, Ordering};

    use super::*;

    const RATE: NonZeroU32 = match NonZeroU32::new(50) {
        Some(rate) => rate,
        None => unreachable!(),
    };

    /// A `redis-server` of the test's own on a free loopback port, stopped when dropped.
    struct RedisServer {
        child: Child,
        port: u16,
    }

    impl RedisServer {
        async fn start() -> RedisServer {
            let port = free_port();
            let child = Command::new("redis-server")
                .args(["--bind", "127.0.0.1", "--port", &port.to_string()])
                .args(["--save", "", "--appendonly", "no"])
                .stdout(Stdio::null())
                .spawn()
                .expect("redis-server is installed (Debian package redis-server)");
            let server = RedisServer { child, port };
            for _ in 0..100 {
                if tokio::net::TcpStream::connect(("127.0.0.1", port))
                    .await
                    .is_ok()
                {
                    return server;
                }
                tokio::time::sleep(Duration::from_millis(20)).await;
            }
            panic!("redis-server did not listen on port {port}");
        }

        fn url(&self) -> String {
            format!("redis://127.0.0.1:{}/0", self.port)
        }
    }

    impl Drop for RedisServer {
        fn drop(&mut self) {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }

    fn free_port() -> u16 {
        TcpListener::bind("127.0.0.1:0")
            .and_then(|listener| listener.local_addr())
            .map(|addr| addr.port())
            .unwrap()
    }

    #[test]
    fn urls_are_checked_and_shown_without_credentials() {
        let budget = SharedBudget::redis("redis://:hunter%212@127.0.0.1:6379/2").unwrap();
        let shown = format!("{budget:?}");
        assert!(shown.contains("127.0.0.1:6379/2"), "{shown}");
        assert!(!shown.contains("hunter"), "{shown}");
        assert_eq!(budget, budget.clone());
        assert_ne!(budget, SharedBudget::redis("redis://127.0.0.1").unwrap());
        let err = SharedBudget::redis("http://:hunter2@host/").unwrap_err();
        assert!(matches!(err, Error::RateBudget { path: None, .. }), "{err}");
        assert!(!err.to_string().contains("hunter2"), "{err}");
        // A Unix-socket URL carries its password in the query.
        let socket = SharedBudget::redis("redis+unix:///tmp/r.sock?user=u&pass=s3cret%21").unwrap();
        let shown = format!("{socket:?}");
        assert!(
            shown.contains("/tmp/r.sock") && !shown.contains("s3cret"),
            "{shown}"
        );
        assert!(
            socket.inner.secrets.iter().any(|s| s == "s3cret!"),
            "{:?}",
            socket.inner.secrets.len()
        );
    }

    /// Four processes' worth of budgets (each with its own connection), eight tasks each, on
    /// one 50/s path for 2 s: together they make 100 calls, one per slot, however the tasks
    /// and processes interleave.
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    #[ignore = "needs redis-server"]
    async fn redis_budget_is_held_together_by_many_processes() {
        let server = RedisServer::start().await;
        let start = tokio::time::Instant::now();
        let end = start + Duration::from_secs(2);
        let done = Arc::new(AtomicUsize::new(0));
        let mut tasks = Vec::new();
        for _ in 0..4 {
            let budget = SharedBudget::redis(&server.url()).unwrap();
            for _ in 0..8 {
                let (budget, done) = (budget.clone(), Arc::clone(&done));
                tasks.push(tokio::spawn(async move {
                    loop {
                        budget.acquire(1, "v4/test/path", RATE).await.unwrap();
                        if tokio::time::Instant::now() >= end {
                            break;
                        }
                        done.fetch_add(1, Ordering::Relaxed);
                    }
                }));
            }
        }
        for task in tasks {
            task.await.unwrap();
        }
        let done = done.load(Ordering::Relaxed);
        // 100 slots in 2 s (the first at 0); a wake-up late past the end may lose the last.
        assert!((99..=101).contains(&done), "{done} calls in 2 s at 50/s");
        // Another app's or path's schedule is its own.
        let budget = SharedBudget::redis(&server.url()).unwrap();
        assert_eq!(
            budget.reserve(2, "v4/test/path", RATE).await.unwrap(),
            Duration::ZERO
        );
    }

    /// A process that reserved a second's worth of slots and died: its key is gone right after
    /// the last of them, and the next caller waits for nothing.
    #[tokio::test]
    #[ignore = "needs redis-server"]
    async fn redis_a_dead_process_leaves_nothing_reserved_for_long() {
        let server = RedisServer::start().await;
        let budget = SharedBudget::redis(&server.url()).unwrap();
        let mut last = Duration::ZERO;
        for _ in 0..50 {
            last = budget.reserve(7, "v4/test/path", RATE).await.unwrap();
        }
        assert!(last >= Duration::from_millis(970), "{last:?}");
        let mut connection = budget.connection("p").await.unwrap();
        let ttl_ms: i64 = redis::cmd("PTTL")
            .arg(SharedBudget::key(7, "v4/test/path"))
            .query_async(&mut connection)
            .await
            .unwrap();
        assert!((990..=1_030).contains(&ttl_ms), "key lives {ttl_ms} ms");
        // The "process" dies; once its slots have passed, a newcomer waits for nothing.
        drop(budget);
        tokio::time::sleep(Duration::from_millis(1_050)).await;
        let exists: i64 = redis::cmd("EXISTS")
            .arg(SharedBudget::key(7, "v4/test/path"))
            .query_async(&mut connection)
            .await
            .unwrap();
        assert_eq!(exists, 0);
        let newcomer = SharedBudget::redis(&server.url()).unwrap();
        assert_eq!(
            newcomer.reserve(7, "v4/test/path", RATE).await.unwrap(),
            Duration::ZERO
        );
    }

    /// Unreachable Redis: the call fails with a typed error within the timeout, naming the
    /// path; once Redis is there, the same budget works.
    #[tokio::test]
    #[ignore = "needs redis-server"]
    async fn redis_unreachable_is_a_typed_error_then_recovers() {
        let port = free_port();
        let budget =
            SharedBudget::redis(&format!("redis://:pw-secret@127.0.0.1:{port}/0")).unwrap();
        let started = std::time::Instant::now();
        let err = budget.acquire(1, "v4/test/path", RATE).await.unwrap_err();
        assert!(started.elapsed() < Duration::from_secs(3));
        assert!(
            matches!(
                err,
                Error::RateBudget {
                    path: Some("v4/test/path"),
                    ..
                }
            ),
            "{err}"
        );
        assert_eq!(err.path(), Some("v4/test/path"));
        assert!(!err.is_retryable());
        assert!(!err.to_string().contains("pw-secret"), "{err}");

        let server = RedisServer::start().await;
        let budget = SharedBudget::redis(&server.url()).unwrap();
        budget.acquire(1, "v4/test/path", RATE).await.unwrap();
        // Redis goes away under an established connection: typed errors again, no calls let
        // through unlimited.
        drop(server);
        let err = budget.acquire(1, "v4/test/path", RATE).await.unwrap_err();
        assert!(matches!(err, Error::RateBudget { .. }), "{err}");
    }
}
