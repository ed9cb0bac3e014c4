//! How long the emulator's web page takes to answer an account with 3000 friends, over HTTP on
//! loopback: the default page of 100 friends and one page holding all 3000, plus the accounts
//! list of 3001 accounts. Prints the median and the slowest of N requests each, and the
//! process's resident memory before and after, to show that viewing keeps nothing:
//!
//!     cargo run --release -p im-benchmarks --bin ui_page [-- REQUESTS]

use std::time::{Duration, Instant};

use tencent_im::emulator::{Emulator, Snapshot, SnapshotAccount, SnapshotFriend};

fn resident_kib() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .unwrap_or_default()
        .lines()
        .find_map(|line| line.strip_prefix("VmRSS:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap_or(0)
}

fn seed() -> Snapshot {
    let mut snapshot = Snapshot::empty();
    snapshot.accounts.push(SnapshotAccount {
        id: "hub".to_owned(),
        nick: Some("Hub".to_owned()),
        friends: (0..3000)
            .map(|i| SnapshotFriend {
                id: format!("member{i:04}"),
                add_source: "AddSource_Type_Bench".to_owned(),
                remark: Some(format!("remark of member {i}")),
                groups: Vec::new(),
                add_time: 1_700_000_000 + i,
                add_wording: None,
                custom: Default::default(),
            })
            .collect(),
        ..SnapshotAccount::default()
    });
    snapshot.accounts.extend((0..3000).map(|i| SnapshotAccount {
        id: format!("member{i:04}"),
        ..SnapshotAccount::default()
    }));
    snapshot
}

async fn measure(
    http: &reqwest::Client,
    url: &str,
    requests: usize,
) -> (Duration, Duration, usize) {
    let mut times = Vec::with_capacity(requests);
    let mut size = 0;
    for _ in 0..requests {
        let started = Instant::now();
        let answer = http.get(url).send().await.expect("the page answers");
        assert!(answer.status().is_success(), "{url}: {}", answer.status());
        size = answer.bytes().await.expect("a body").len();
        times.push(started.elapsed());
    }
    times.sort_unstable();
    (times[times.len() / 2], times[times.len() - 1], size)
}

#[tokio::main]
async fn main() -> std::process::ExitCode {
    let arg = std::env::args().nth(1);
    if arg.as_deref().is_some_and(|a| a == "-h" || a == "--help") {
        println!("usage: ui_page [REQUESTS]  (default 50 per view)");
        return std::process::ExitCode::SUCCESS;
    }
    let requests = match arg.map(|a| a.parse::<usize>()) {
        None => 50,
        Some(Ok(n)) if n > 0 => n,
        Some(_) => {
            eprintln!("usage: ui_page [REQUESTS]  (a positive number)");
            return std::process::ExitCode::FAILURE;
        }
    };
    let emulator = Emulator::builder()
        .import_state(seed())
        .expect("a valid seed")
        .start()
        .await
        .expect("the emulator starts");
    let ui = emulator.ui_url().expect("the page is served on loopback");
    let http = reqwest::Client::new();
    // One warm-up of each, so that the first connection is not counted.
    let views = [
        (
            "account, 100 friends (default page)",
            format!("{ui}account?id=hub"),
        ),
        (
            "account, all 3000 friends on one page",
            format!("{ui}account?id=hub&per_page=3000"),
        ),
        ("accounts list of 3001 accounts", format!("{ui}accounts")),
    ];
    for (_, url) in &views {
        measure(&http, url, 1).await;
    }
    let before = resident_kib();
    for (name, url) in &views {
        let (median, slowest, size) = measure(&http, url, requests).await;
        println!(
            "{name}: median {:.2} ms, slowest {:.2} ms of {requests}, {} KiB of HTML",
            median.as_secs_f64() * 1000.0,
            slowest.as_secs_f64() * 1000.0,
            size / 1024
        );
    }
    println!(
        "resident memory: {} KiB after warm-up, {} KiB after {} page views",
        before,
        resident_kib(),
        requests * views.len()
    );
    std::process::ExitCode::SUCCESS
}
