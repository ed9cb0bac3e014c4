//! Calls per second through the SDK against the in-process emulator (rate limits off), at
//! concurrency 1, 16 and 64, and the same through the hand-written client of
//! `im_benchmarks`.
//!
//!     cargo run --release -p im-examples --example loopback_bench [-- SECONDS_PER_RUN]

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use im_benchmarks as baseline;
use tencent_im::emulator::{Emulator, RunningEmulator};
use tencent_im::friends::{FriendGet, FriendImport, FriendImportItem};
use tencent_im::usersig::UserSigSigner;
use tencent_im::{Client, RateLimit};

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

#[tokio::main]
async fn main() -> Result<(), String> {
    let seconds: f64 = std::env::args()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(3.0);
    let emulator = Emulator::builder()
        .rate_limit(false)
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
