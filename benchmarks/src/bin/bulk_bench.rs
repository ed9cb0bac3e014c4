//! `im-bulk` against the `im-emulator` binary enforcing the documented rates, each a separate
//! release process on this machine, `/usr/bin/time -v` around every `im-bulk`:
//!
//!     cargo build --release -p tencent-im-emulator -p tencent-im-bulk --features tencent-im-bulk/redis -p im-benchmarks
//!     target/release/bulk_bench shards [USERS FRIENDS PROCESSES]   # 2000 100 4
//!     target/release/bulk_bench single [USERS FRIENDS ACCOUNTS]    # 1000 1000 21000
//!     target/release/bulk_bench memory [USERS FRIENDS ACCOUNTS]    # 10000 1000 1000000
//!
//! - `shards`: PROCESSES `im-bulk --shard K/PROCESSES` at once, one Redis budget
//!   (`IM_RATE_REDIS_URL`, a `redis-server` started on a free loopback port); then friend_get
//!   for every user checks that the emulator holds exactly the input. Prints each shard and the
//!   aggregate friend_import rate against the documented 200/s.
//! - `single`, `memory`: one `im-bulk`; prints each phase against its ideal (calls / documented
//!   rate) and the peak RSS.
//!
//! The input is USERS users with FRIENDS friends each among ACCOUNTS accounts (`u0000000`...),
//! CSV `from,to`, the same on every run. `im-bulk` and `im-emulator` are taken from the
//! directory of this binary.

use std::collections::BTreeSet;
use std::io::{BufRead, BufReader, BufWriter, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::Instant;

use tencent_im::emulator::{DEFAULT_ADMIN, DEFAULT_SDKAPPID, DEFAULT_SECRET_KEY};
use tencent_im::friends::FriendGet;
use tencent_im::Client;

const USAGE: &str = "\
im-bulk against the im-emulator binary enforcing the documented rates.

Usage:
  bulk_bench shards [USERS FRIENDS PROCESSES]   sharded import, one Redis budget (2000 100 4)
  bulk_bench single [USERS FRIENDS ACCOUNTS]    one process: time and peak RSS (1000 1000 21000)
  bulk_bench memory [USERS FRIENDS ACCOUNTS]    one process: peak RSS (10000 1000 1000000)";

/// Documented rates: multiaccount_import and friend_import, calls per second.
const ACCOUNTS_RATE: f64 = 100.0;
const FRIENDS_RATE: f64 = 200.0;

/// The graph: `users` users with `friends` friends each among `accounts` accounts.
#[derive(Debug, Clone, Copy)]
struct Graph {
    users: usize,
    friends: usize,
    accounts: usize,
}

impl Graph {
    fn id(n: usize) -> String {
        format!("u{n:07}")
    }

    /// The account of user `u`: spread over the accounts.
    fn from(&self, u: usize) -> usize {
        u * (self.accounts / self.users)
    }

    /// User `u`'s friends: a block of `friends` numbers multiplied by a number prime to
    /// `accounts` (so distinct and spread), skipping the user itself.
    fn friends_of(&self, u: usize) -> Vec<usize> {
        let multiplier = [7919, 7927, 7933, 7937]
            .into_iter()
            .find(|p| !self.accounts.is_multiple_of(*p))
            .unwrap_or(1);
        let from = self.from(u);
        let mut seen = BTreeSet::new();
        let mut out = Vec::with_capacity(self.friends);
        let mut k = u * self.friends;
        while out.len() < self.friends {
            let to = (k * multiplier) % self.accounts;
            k += 1;
            if to != from && seen.insert(to) {
                out.push(to);
            }
        }
        out
    }

    fn relations(&self) -> u64 {
        (self.users * self.friends) as u64
    }

    fn write(&self, path: &Path) -> Result<(), String> {
        let file = std::fs::File::create(path).map_err(|e| format!("{}: {e}", path.display()))?;
        let mut out = BufWriter::new(file);
        let mut write = || -> std::io::Result<()> {
            writeln!(out, "from,to")?;
            for u in 0..self.users {
                let from = Graph::id(self.from(u));
                for to in self.friends_of(u) {
                    writeln!(out, "{from},{}", Graph::id(to))?;
                }
            }
            out.flush()
        };
        write().map_err(|e| format!("{}: {e}", path.display()))
    }

    /// Distinct accounts the relations of `users` name.
    fn accounts_of(&self, users: impl Iterator<Item = usize>) -> usize {
        let mut ids = BTreeSet::new();
        for u in users {
            ids.insert(self.from(u));
            ids.extend(self.friends_of(u));
        }
        ids.len()
    }
}

/// The emulator binary, stopped when dropped.
struct EmulatorProcess {
    child: Child,
    base_url: String,
}

impl Drop for EmulatorProcess {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn sibling(name: &str) -> Result<PathBuf, String> {
    let exe = std::env::current_exe().map_err(|e| e.to_string())?;
    let path = exe.with_file_name(name);
    if path.exists() {
        Ok(path)
    } else {
        Err(format!(
            "{} is missing: cargo build --release -p tencent-im-emulator -p tencent-im-bulk \
             --features tencent-im-bulk/redis",
            path.display()
        ))
    }
}

fn start_emulator() -> Result<EmulatorProcess, String> {
    let mut child = Command::new(sibling("im-emulator")?)
        .args(["--listen", "127.0.0.1:0"])
        .env_remove("IM_SECRET_KEY")
        .stdout(Stdio::piped())
        .spawn()
        .map_err(|e| e.to_string())?;
    let stdout = child.stdout.take().ok_or("no stdout")?;
    let mut first = String::new();
    BufReader::new(stdout)
        .read_line(&mut first)
        .map_err(|e| e.to_string())?;
    let base_url = first
        .trim()
        .strip_prefix("listening on ")
        .ok_or_else(|| format!("unexpected first line of im-emulator: {first:?}"))?
        .to_owned();
    Ok(EmulatorProcess { child, base_url })
}

fn client(base_url: &str) -> Result<Client, String> {
    Client::builder(DEFAULT_SDKAPPID, DEFAULT_SECRET_KEY, DEFAULT_ADMIN)
        .base_url(base_url)
        .build()
        .map_err(|e| e.to_string())
}

/// What one `im-bulk` run printed, with the instants its phases ended at.
#[derive(Debug, Default)]
struct Run {
    label: String,
    code: Option<i32>,
    imported: u64,
    failed: u64,
    calls: u64,
    /// The end of the accounts phase (start of friends) and of the friends phase.
    accounts_done: Option<Instant>,
    friends_done: Option<Instant>,
    started: Option<Instant>,
    ended: Option<Instant>,
    peak_rss_kib: u64,
    stdout: String,
}

impl Run {
    fn seconds(from: Option<Instant>, to: Option<Instant>) -> f64 {
        match (from, to) {
            (Some(from), Some(to)) => to.saturating_duration_since(from).as_secs_f64(),
            _ => f64::NAN,
        }
    }
}

/// Starts `im-bulk ARGS` under `/usr/bin/time -v`.
fn spawn_bulk(base_url: &str, redis: Option<&str>, args: &[String]) -> Result<Child, String> {
    let mut cmd = Command::new("/usr/bin/time");
    cmd.arg("-v")
        .arg(sibling("im-bulk")?)
        .args(args)
        .args(["--progress-every", "3600"])
        .env("IM_SDKAPPID", DEFAULT_SDKAPPID.to_string())
        .env("IM_SECRET_KEY", DEFAULT_SECRET_KEY)
        .env("IM_ADMIN", DEFAULT_ADMIN)
        .env("IM_BASE_URL", base_url)
        .env_remove("IM_REGION")
        .env_remove("RUST_LOG")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    match redis {
        Some(url) => cmd.env("IM_RATE_REDIS_URL", url),
        None => cmd.env_remove("IM_RATE_REDIS_URL"),
    };
    cmd.spawn()
        .map_err(|e| format!("/usr/bin/time (Debian package time): {e}"))
}

/// Waits for `child`, stamping the lines that end its phases as they arrive.
fn collect(label: String, mut child: Child, started: Instant) -> Result<Run, String> {
    let stderr = child.stderr.take().ok_or("no stderr")?;
    let stdout = child.stdout.take().ok_or("no stdout")?;
    let out_reader = std::thread::spawn(move || {
        let mut text = String::new();
        let _ = std::io::Read::read_to_string(&mut BufReader::new(stdout), &mut text);
        text
    });
    let mut run = Run {
        label,
        started: Some(started),
        ..Run::default()
    };
    let mut errors = String::new();
    for line in BufReader::new(stderr).lines() {
        let line = line.map_err(|e| e.to_string())?;
        if line.contains(" relations in ") && line.contains("accounts:") {
            run.accounts_done = Some(Instant::now());
        } else if line.starts_with("Friends: done") {
            run.friends_done = Some(Instant::now());
        } else if let Some(kib) = line
            .trim()
            .strip_prefix("Maximum resident set size (kbytes): ")
        {
            run.peak_rss_kib = kib.trim().parse().unwrap_or(0);
        } else if line.starts_with("im-bulk:") || line.starts_with("  account ") {
            errors.push_str(&line);
            errors.push('\n');
        }
    }
    let status = child.wait().map_err(|e| e.to_string())?;
    run.ended = Some(Instant::now());
    run.code = status.code();
    run.stdout = out_reader.join().unwrap_or_default();
    let number = |name: &str| -> u64 {
        run.stdout
            .lines()
            .find_map(|l| l.trim().strip_prefix(name))
            .and_then(|rest| rest.split_whitespace().next())
            .and_then(|n| n.parse().ok())
            .unwrap_or(0)
    };
    run.imported = number("imported ");
    run.failed = number("failed ");
    run.calls = number("calls ");
    if !errors.is_empty() {
        eprint!("{}: {errors}", run.label);
    }
    Ok(run)
}

fn mib(kib: u64) -> f64 {
    kib as f64 / 1024.0
}

async fn shards(graph: Graph, processes: u32) -> Result<(), String> {
    let dir = std::env::temp_dir().join(format!("bulk-bench-shards-{}", std::process::id()));
    std::fs::create_dir_all(&dir).map_err(|e| e.to_string())?;
    let input = dir.join("relations.csv");
    graph.write(&input)?;
    let emulator = start_emulator()?;
    let (_redis, redis_url) = match std::env::var("IM_RATE_REDIS_URL") {
        Ok(url) if !url.trim().is_empty() => (None, url),
        _ => {
            let (server, url) = im_benchmarks::redis_server::start().await?;
            (Some(server), url)
        }
    };
    println!(
        "{} relations ({} users x {} friends among {} accounts), {processes} im-bulk processes, \
         one Redis budget, emulator enforcing the rates",
        graph.relations(),
        graph.users,
        graph.friends,
        graph.accounts
    );
    let started = Instant::now();
    let mut children = Vec::new();
    for k in 1..=processes {
        let args = [
            "--input".to_owned(),
            input.display().to_string(),
            "--shard".to_owned(),
            format!("{k}/{processes}"),
            "--report".to_owned(),
            dir.join(format!("failures-{k}.jsonl"))
                .display()
                .to_string(),
        ];
        children.push((k, spawn_bulk(&emulator.base_url, Some(&redis_url), &args)?));
    }
    let handles: Vec<_> = children
        .into_iter()
        .map(|(k, child)| {
            std::thread::spawn(move || collect(format!("{k}/{processes}"), child, started))
        })
        .collect();
    let mut runs = Vec::new();
    for handle in handles {
        runs.push(handle.join().map_err(|_| "a collector panicked")??);
    }
    let wall = started.elapsed().as_secs_f64();

    println!(
        "{:>6} {:>5} {:>10} {:>8} {:>7} {:>11} {:>10} {:>9}",
        "shard", "exit", "imported", "failed", "calls", "accounts s", "friends s", "peak MiB"
    );
    for run in &runs {
        println!(
            "{:>6} {:>5} {:>10} {:>8} {:>7} {:>11.2} {:>10.2} {:>9.1}",
            run.label,
            run.code.map_or("-".to_owned(), |c| c.to_string()),
            run.imported,
            run.failed,
            run.calls,
            Run::seconds(run.started, run.accounts_done),
            Run::seconds(run.accounts_done, run.friends_done),
            mib(run.peak_rss_kib)
        );
    }
    // The friends phase of all shards together: from the first shard starting it to the last
    // finishing it. Each user has ceil(friends / 1000) friend_import calls.
    let first = runs.iter().filter_map(|r| r.accounts_done).min();
    let last = runs.iter().filter_map(|r| r.friends_done).max();
    let window = Run::seconds(first, last);
    let friend_calls = (graph.users * graph.friends.div_ceil(1000)) as f64;
    let imported: u64 = runs.iter().map(|r| r.imported).sum();
    println!(
        "total: {imported} imported of {}, wall {wall:.2} s; friend_import: {friend_calls} calls \
         in {window:.2} s = {:.1}/s, {:.3} of the documented {FRIENDS_RATE}/s",
        graph.relations(),
        friend_calls / window,
        friend_calls / window / FRIENDS_RATE
    );

    // What the emulator holds, user by user.
    let client = client(&emulator.base_url)?;
    let checked = Instant::now();
    let mut wrong = 0usize;
    let mut held = 0usize;
    for u in 0..graph.users {
        let from = Graph::id(graph.from(u));
        let mut friends = BTreeSet::new();
        let mut request = Some(FriendGet::new(from.clone()));
        while let Some(page_request) = request {
            let page = client
                .call(&page_request)
                .await
                .map_err(|e| format!("friend_get {from}: {e}"))?;
            friends.extend(page.friends.iter().map(|f| f.to_account.clone()));
            request = page.next_page(&page_request);
        }
        let expected: BTreeSet<String> = graph.friends_of(u).into_iter().map(Graph::id).collect();
        held += friends.len();
        if friends != expected {
            wrong += 1;
            if wrong <= 5 {
                eprintln!(
                    "{from}: holds {} friends, {} expected, {} missing, {} extra",
                    friends.len(),
                    expected.len(),
                    expected.difference(&friends).count(),
                    friends.difference(&expected).count()
                );
            }
        }
    }
    println!(
        "verified with friend_get in {:.1} s: {held} relations held, {} of {} users exactly as \
         the input",
        checked.elapsed().as_secs_f64(),
        graph.users - wrong,
        graph.users
    );
    let all_zero = runs.iter().all(|r| r.code == Some(0));
    let _ = std::fs::remove_dir_all(&dir);
    if wrong > 0 || !all_zero {
        return Err("the emulator does not hold exactly the input".into());
    }
    Ok(())
}

async fn single(graph: Graph) -> Result<(), String> {
    let dir = std::env::temp_dir().join(format!("bulk-bench-single-{}", std::process::id()));
    std::fs::create_dir_all(&dir).map_err(|e| e.to_string())?;
    let input = dir.join("relations.csv");
    graph.write(&input)?;
    let input_bytes = std::fs::metadata(&input).map_or(0, |m| m.len());
    let accounts = graph.accounts_of(0..graph.users);
    let emulator = start_emulator()?;
    println!(
        "{} relations ({} users x {} friends among {accounts} accounts, {:.0} MiB of CSV), one \
         im-bulk, emulator enforcing the rates",
        graph.relations(),
        graph.users,
        graph.friends,
        input_bytes as f64 / 1048576.0
    );
    let args = [
        "--input".to_owned(),
        input.display().to_string(),
        "--report".to_owned(),
        dir.join("failures.jsonl").display().to_string(),
    ];
    let started = Instant::now();
    let child = spawn_bulk(&emulator.base_url, None, &args)?;
    let run = collect("single".into(), child, started)?;
    let account_calls = accounts.div_ceil(100) as f64;
    let friend_calls = (graph.users * graph.friends.div_ceil(1000)) as f64;
    let (ideal_accounts, ideal_friends) =
        (account_calls / ACCOUNTS_RATE, friend_calls / FRIENDS_RATE);
    let accounts_s = Run::seconds(run.started, run.accounts_done);
    let friends_s = Run::seconds(run.accounts_done, run.friends_done);
    let wall = Run::seconds(run.started, run.ended);
    println!(
        "{:>28} {:>10} {:>10} {:>7}",
        "", "measured", "ideal", "ratio"
    );
    for (what, measured, ideal) in [
        (
            format!("accounts ({account_calls} calls)"),
            accounts_s,
            ideal_accounts,
        ),
        (
            format!("friends ({friend_calls} calls)"),
            friends_s,
            ideal_friends,
        ),
        ("wall time".to_owned(), wall, ideal_accounts + ideal_friends),
    ] {
        println!(
            "{what:>28} {measured:>9.2}s {ideal:>9.2}s {:>7.3}",
            measured / ideal
        );
    }
    println!(
        "exit {}, imported {} of {}, failed {}, calls {}, peak RSS of im-bulk {:.1} MiB",
        run.code.map_or("-".to_owned(), |c| c.to_string()),
        run.imported,
        graph.relations(),
        run.failed,
        run.calls,
        mib(run.peak_rss_kib)
    );
    let _ = std::fs::remove_dir_all(&dir);
    if run.code != Some(0) || run.imported != graph.relations() {
        return Err(format!("the import did not complete:\n{}", run.stdout));
    }
    Ok(())
}

fn arg(n: usize, default: usize) -> usize {
    std::env::args()
        .nth(n)
        .and_then(|s| s.parse().ok())
        .unwrap_or(default)
}

#[tokio::main]
async fn main() -> Result<(), String> {
    let graph = |users, friends, accounts| Graph {
        users: arg(2, users),
        friends: arg(3, friends),
        accounts: arg(4, accounts).max(arg(3, friends) + 1),
    };
    match std::env::args().nth(1).as_deref() {
        Some("shards") => {
            let users = arg(2, 2000);
            let graph = Graph {
                users,
                friends: arg(3, 100),
                accounts: users.max(arg(3, 100) + 1),
            };
            shards(graph, arg(4, 4).max(1) as u32).await
        }
        Some("single") => single(graph(1000, 1000, 21_000)).await,
        Some("memory") => single(graph(10_000, 1000, 1_000_000)).await,
        _ => {
            println!("{USAGE}");
            Ok(())
        }
    }
}
