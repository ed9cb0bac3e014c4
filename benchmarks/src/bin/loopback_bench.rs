//! Calls per second through the SDK against the in-process emulator (rate limits off), at
//! concurrency 1, 16 and 64, and the same through the hand-written client of
//! `im_benchmarks`:
//!
//!     cargo run --release -p im-benchmarks --bin loopback_bench [-- SECONDS_PER_RUN]
//!
//! The held share of the documented rate (friend_get, 200/s) against the emulator enforcing
//! the rates, retries off so that every refusal (60007) is counted: one process at 16 and 64
//! tasks, or PROCESSES child processes of this binary sharing one Redis budget
//! (`IM_RATE_REDIS_URL`, else a `redis-server` this bench starts on a free loopback port):
//!
//!     cargo run --release -p im-benchmarks --bin loopback_bench -- rate [SECONDS]
//!     cargo run --release -p im-benchmarks --bin loopback_bench -- rate-shared [SECONDS [PROCESSES [TASKS]]]

use std::process::{Command, Stdio};

const USAGE: &str = "\
Calls per second of the SDK and of a hand-written client against the in-process emulator.

Usage:
  loopback_bench [SECONDS_PER_RUN]                         throughput, rate limits off
  loopback_bench rate [SECONDS]                            held share of the documented rate
  loopback_bench rate-shared [SECONDS [PROCESSES [TASKS]]] the same, processes sharing Redis";
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use im_benchmarks as baseline;
use tencent_im::emulator::{Emulator, RunningEmulator};
use tencent_im::friends::{FriendGet, FriendImport, FriendImportItem};
use tencent_im::usersig::UserSigSigner;
use tencent_im::{Client, ClientBuilder, Error, ErrorCode, RateLimit, RetryPolicy};

#[derive(Clone, Copy, Debug)]
enum Side {
    Sdk,
    Hand,
}

/// Runs `concurrency` tasks making friend_get calls for `seconds`; returns calls per second.
async fn measure(
    side: Side,
    emulator: &RunningEmulator,
    concurrency: usize,
    seconds: f64,
) -> Result<f64, String> {
    let sdk = emulator
        .client_builder()
        .rate_limit(RateLimit::Off)
        .build()
        .map_err(|e| e.to_string())?;
    let http = reqwest::Client::new();
    let sig = UserSigSigner::new(emulator.sdkappid(), emulator.secret_key().clone())
        .generate(emulator.admin(), 86_400)
        .into_secret();
    let base = emulator.base_url();
    let admin = emulator.admin().to_owned();
    let sdkappid = emulator.sdkappid();
    let calls = Arc::new(AtomicU64::new(0));
    let deadline = Instant::now() + Duration::from_secs_f64(seconds);
    let started = Instant::now();
    let tasks: Vec<_> = (0..concurrency)
        .map(|_| {
            let (sdk, http, sig, base, admin, calls) = (
                sdk.clone(),
                http.clone(),
                sig.clone(),
                base.clone(),
                admin.clone(),
                Arc::clone(&calls),
            );
            tokio::spawn(async move {
                while Instant::now() < deadline {
                    match side {
                        Side::Sdk => {
                            let page = sdk
                                .call(&FriendGet::new("bench"))
                                .await
                                .map_err(|e| e.to_string())?;
                            assert_eq!(page.friends.len(), 10);
                        }
                        Side::Hand => {
                            let url =
                                baseline::url(&base, "v4/sns/friend_get", sdkappid, &admin, &sig);
                            let body = serde_json::to_vec(&baseline::Get {
                                from: "bench",
                                start: 0,
                            })
                            .map_err(|e| e.to_string())?;
                            let bytes = http
                                .post(url)
                                .header("content-type", "application/json")
                                .body(body)
                                .send()
                                .await
                                .map_err(|e| e.to_string())?
                                .bytes()
                                .await
                                .map_err(|e| e.to_string())?;
                            let page: baseline::GetAnswer =
                                serde_json::from_slice(&bytes).map_err(|e| e.to_string())?;
                            if page.code != 0 {
                                return Err(page.info);
                            }
                            assert_eq!(page.friends.len(), 10);
                        }
                    }
                    calls.fetch_add(1, Ordering::Relaxed);
                }
                Ok::<_, String>(())
            })
        })
        .collect();
    for task in tasks {
        task.await.map_err(|e| e.to_string())??;
    }
    Ok(calls.load(Ordering::Relaxed) as f64 / started.elapsed().as_secs_f64())
}

/// The documented rate of friend_get.
const DOCUMENTED: f64 = 200.0;

/// Successful calls and refusals (60007) of one rate run.
#[derive(Debug, Default, Clone, Copy)]
struct Held {
    calls: u64,
    refused: u64,
}

/// `tasks` tasks of `client` making friend_get calls from `start` for `seconds`; counts the
/// calls answered within that window, and the refusals.
async fn hold(client: Client, tasks: usize, start: Instant, seconds: f64) -> Result<Held, String> {
    let end = start + Duration::from_secs_f64(seconds);
    let calls = Arc::new(AtomicU64::new(0));
    let refused = Arc::new(AtomicU64::new(0));
    tokio::time::sleep_until(start.into()).await;
    let tasks: Vec<_> = (0..tasks)
        .map(|_| {
            let (client, calls, refused) =
                (client.clone(), Arc::clone(&calls), Arc::clone(&refused));
            tokio::spawn(async move {
                while Instant::now() < end {
                    match client.call(&FriendGet::new("bench")).await {
                        Ok(_) if Instant::now() <= end => {
                            calls.fetch_add(1, Ordering::Relaxed);
                        }
                        Ok(_) => {}
                        Err(Error::Api { code, .. }) if code == ErrorCode::REST_RATE_LIMITED => {
                            refused.fetch_add(1, Ordering::Relaxed);
                        }
                        Err(err) => return Err(err.to_string()),
                    }
                }
                Ok::<_, String>(())
            })
        })
        .collect();
    for task in tasks {
        task.await.map_err(|e| e.to_string())??;
    }
    Ok(Held {
        calls: calls.load(Ordering::Relaxed),
        refused: refused.load(Ordering::Relaxed),
    })
}

fn print_held(label: &str, tasks: usize, processes: usize, held: Held, seconds: f64) {
    let per_second = held.calls as f64 / seconds;
    println!(
        "{label:>12} {processes:>9} {tasks:>6} {:>7} {per_second:>8.1} {:>6.3} {:>8}",
        held.calls,
        per_second / DOCUMENTED,
        held.refused
    );
}

fn print_held_header(seconds: f64) {
    println!(
        "friend_get (documented {DOCUMENTED}/s) against the emulator enforcing rates, retries off, \
         {seconds} s"
    );
    println!(
        "{:>12} {:>9} {:>6} {:>7} {:>8} {:>6} {:>8}",
        "limiter", "processes", "tasks", "calls", "calls/s", "share", "refused"
    );
}

/// An emulator enforcing the documented rates, with the `bench` account and its 10 friends.
async fn seeded_emulator(enforce_rates: bool) -> Result<RunningEmulator, String> {
    let emulator = Emulator::builder()
        .rate_limit(enforce_rates)
        .start()
        .await
        .map_err(|e| e.to_string())?;
    let client: Client = emulator.client().map_err(|e| e.to_string())?;
    let ids: Vec<String> = (0..10)
        .map(|i| format!("friend_{i}"))
        .chain(["bench".to_owned()])
        .collect();
    client
        .call_batched(tencent_im::accounts::MultiaccountImport::new(ids.clone()))
        .await
        .map_err(|e| e.error.to_string())?;
    let items = ids[..10]
        .iter()
        .map(|id| FriendImportItem::new(id, "AddSource_Type_Bench"))
        .collect();
    client
        .call(&FriendImport::new("bench", items))
        .await
        .map_err(|e| e.to_string())?;
    Ok(emulator)
}

/// One process, the local limiter, 16 and 64 tasks.
async fn rate_local(seconds: f64) -> Result<(), String> {
    let emulator = seeded_emulator(true).await?;
    print_held_header(seconds);
    for tasks in [16, 64] {
        // A second apart, so the emulator's counting starts each run from rest.
        tokio::time::sleep(Duration::from_secs(1)).await;
        let client = emulator
            .client_builder()
            .retry(RetryPolicy::none())
            .build()
            .map_err(|e| e.to_string())?;
        let held = hold(client, tasks, Instant::now(), seconds).await?;
        print_held("local", tasks, 1, held, seconds);
    }
    Ok(())
}

fn unix_ms() -> u128 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_millis())
}

/// `processes` children sharing one Redis budget, `tasks` tasks each.
async fn rate_shared(seconds: f64, processes: usize, tasks: usize) -> Result<(), String> {
    let emulator = seeded_emulator(true).await?;
    let (_redis, url) = match std::env::var("IM_RATE_REDIS_URL") {
        Ok(url) if !url.trim().is_empty() => (None, url),
        _ => {
            let (server, url) = baseline::redis_server::start().await?;
            (Some(server), url)
        }
    };
    let exe = std::env::current_exe().map_err(|e| e.to_string())?;
    // All children start at one wall-clock instant, once they are surely up.
    let start_ms = unix_ms() + 2_000;
    let children = (0..processes)
        .map(|_| {
            Command::new(&exe)
                .args(["rate-child", &seconds.to_string(), &tasks.to_string()])
                .arg(start_ms.to_string())
                .env("IM_SDKAPPID", emulator.sdkappid().to_string())
                .env("IM_SECRET_KEY", emulator.secret_key().expose_secret())
                .env("IM_ADMIN", emulator.admin())
                .env("IM_BASE_URL", emulator.base_url())
                .env("IM_RATE_REDIS_URL", &url)
                .stdout(Stdio::piped())
                .spawn()
                .map_err(|e| e.to_string())
        })
        .collect::<Result<Vec<_>, _>>()?;
    let outputs = tokio::task::spawn_blocking(move || {
        children
            .into_iter()
            .map(|child| child.wait_with_output())
            .collect::<Result<Vec<_>, _>>()
    })
    .await
    .map_err(|e| e.to_string())?
    .map_err(|e| e.to_string())?;
    print_held_header(seconds);
    let mut total = Held::default();
    for output in outputs {
        let text = String::from_utf8_lossy(&output.stdout);
        let numbers: Vec<u64> = text
            .split_whitespace()
            .filter_map(|word| word.parse().ok())
            .collect();
        let [calls, refused] = numbers[..] else {
            return Err(format!("a child failed ({}): {text}", output.status));
        };
        let held = Held { calls, refused };
        print_held("redis child", tasks, 1, held, seconds);
        total.calls += calls;
        total.refused += refused;
    }
    print_held("redis total", tasks, processes, total, seconds);
    Ok(())
}

/// A child of `rate-shared`: the client from the environment (its shared budget from
/// `IM_RATE_REDIS_URL`), retries off; prints `calls refused`.
async fn rate_child(seconds: f64, tasks: usize, start_unix_ms: u128) -> Result<(), String> {
    let client = ClientBuilder::from_env()
        .map_err(|e| e.to_string())?
        .retry(RetryPolicy::none())
        .build()
        .map_err(|e| e.to_string())?;
    let wait = start_unix_ms.saturating_sub(unix_ms());
    let start = Instant::now() + Duration::from_millis(u64::try_from(wait).unwrap_or(0));
    let held = hold(client, tasks, start, seconds).await?;
    println!("{} {}", held.calls, held.refused);
    Ok(())
}

fn arg<T: std::str::FromStr>(n: usize, default: T) -> T {
    std::env::args()
        .nth(n)
        .and_then(|s| s.parse().ok())
        .unwrap_or(default)
}

#[tokio::main]
async fn main() -> Result<(), String> {
    match std::env::args().nth(1).as_deref() {
        Some("-h" | "--help") => {
            println!("{USAGE}");
            return Ok(());
        }
        Some("rate") => return rate_local(arg(2, 10.0)).await,
        Some("rate-shared") => return rate_shared(arg(2, 10.0), arg(3, 4), arg(4, 16)).await,
        Some("rate-child") => return rate_child(arg(2, 10.0), arg(3, 16), arg(4, 0)).await,
        _ => {}
    }
    let seconds: f64 = arg(1, 3.0);
    let emulator = seeded_emulator(false).await?;

    println!("friend_get (10 friends) against the in-process emulator, {seconds} s per run");
    println!(
        "{:>11} {:>14} {:>14} {:>8}",
        "concurrency", "sdk calls/s", "hand calls/s", "sdk/hand"
    );
    for concurrency in [1, 16, 64] {
        // Alternate the order so that neither side always runs on a warmer machine.
        let hand_first = measure(Side::Hand, &emulator, concurrency, seconds).await?;
        let sdk = measure(Side::Sdk, &emulator, concurrency, seconds).await?;
        let hand_second = measure(Side::Hand, &emulator, concurrency, seconds).await?;
        let hand = (hand_first + hand_second) / 2.0;
        println!(
            "{concurrency:>11} {sdk:>14.0} {hand:>14.0} {:>8.3}",
            sdk / hand
        );
    }
    Ok(())
}
