//! `im-bulk --shard K/N`: N processes together import exactly the input, each its own part,
//! with its own checkpoint; bad shard specs are refused before anything is written.

use std::collections::{BTreeSet, HashMap};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use tencent_im_bulk::{Checkpoint, Shard};
use tencent_im_emulator::{Emulator, RunningEmulator};

fn im_bulk(emulator: &RunningEmulator, args: &[&str]) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_im-bulk"));
    cmd.args(args)
        .env_remove("IM_REGION")
        .env_remove("IM_RATE_REDIS_URL")
        .env("IM_SDKAPPID", emulator.sdkappid().to_string())
        .env("IM_SECRET_KEY", emulator.secret_key().expose_secret())
        .env("IM_ADMIN", emulator.admin())
        .env("IM_BASE_URL", emulator.base_url());
    cmd
}

fn text(out: &Output) -> String {
    format!(
        "{}\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("im-bulk-shards-{name}-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn path(p: &Path) -> &str {
    p.to_str().unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn three_shards_import_exactly_the_input_once() {
    let emulator = Emulator::builder().rate_limit(false).start().await.unwrap();
    let dir = temp_dir("three");
    let input = dir.join("relations.csv");
    let mut expected: HashMap<String, BTreeSet<String>> = HashMap::new();
    let mut csv = String::from("from,to\n");
    for u in 0..60 {
        for k in 1..=5 {
            let (from, to) = (format!("s{u:02}"), format!("s{:02}", (u + k * 7) % 60));
            csv.push_str(&format!("{from},{to}\n"));
            expected.entry(from).or_default().insert(to);
        }
    }
    csv.push_str("s00,,no friend\n");
    std::fs::write(&input, csv).unwrap();

    let runs: Vec<_> = (1..=3)
        .map(|k| {
            let report = dir.join(format!("failures-{k}.jsonl"));
            let shard = format!("{k}/3");
            let child = im_bulk(
                &emulator,
                &[
                    "--input",
                    path(&input),
                    "--shard",
                    &shard,
                    "--report",
                    path(&report),
                ],
            )
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap();
            (k, report, child)
        })
        .collect();
    let mut imported = 0;
    for (k, report, child) in runs {
        let out = child.wait_with_output().unwrap();
        let all = text(&out);
        assert!(all.contains(&format!("Summary of shard {k}/3")), "{all}");
        let failures = std::fs::read_to_string(&report).unwrap();
        // The unreadable line is shard 1's, and only shard 1's.
        if k == 1 {
            assert_eq!(out.status.code(), Some(3), "{all}");
            assert_eq!(failures.lines().count(), 1, "{failures}");
            assert!(failures.contains("\"line\":302"), "{failures}");
        } else {
            assert_eq!(out.status.code(), Some(0), "{all}");
            assert_eq!(failures, "", "shard {k}");
        }
        let shard = Shard::new(k, 3).unwrap();
        let log = std::fs::read_to_string(Checkpoint::default_path_for(&input, shard)).unwrap();
        assert!(log.starts_with(&format!("S {k}/3\n")), "{log}");
        let stdout = String::from_utf8_lossy(&out.stdout);
        imported += stdout
            .lines()
            .find_map(|l| l.trim().strip_prefix("imported"))
            .and_then(|n| n.split_whitespace().next())
            .and_then(|n| n.parse::<usize>().ok())
            .unwrap();
    }
    assert_eq!(imported, 300);
    for (user, friends) in &expected {
        let actual: BTreeSet<String> = emulator.friends_of(user).into_iter().collect();
        assert_eq!(&actual, friends, "{user}");
    }
    // Every relation went out once, in the shard of its From_Account.
    let mut sent = 0;
    for record in emulator.requests() {
        if record.path() == "v4/sns/friend_import" {
            sent += record.items();
        }
    }
    assert_eq!(sent, 300, "a relation was sent twice or not at all");
    let _ = std::fs::remove_dir_all(&dir);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_bad_shard_is_refused_and_another_shards_checkpoint_is_not_resumed() {
    let emulator = Emulator::builder().rate_limit(false).start().await.unwrap();
    let dir = temp_dir("bad");
    let input = dir.join("relations.csv");
    std::fs::write(&input, "from,to\nalice,bob\n").unwrap();
    for spec in ["0/2", "3/2", "1/0", "two"] {
        let out = im_bulk(&emulator, &["--input", path(&input), "--shard", spec])
            .output()
            .unwrap();
        let all = text(&out);
        assert_eq!(out.status.code(), Some(2), "{spec}: {all}");
        assert!(all.contains("1 <= K <= N"), "{spec}: {all}");
    }
    assert!(
        std::fs::read_dir(&dir).unwrap().count() == 1,
        "something was written"
    );

    let log = dir.join("run.checkpoint");
    let out = im_bulk(
        &emulator,
        &[
            "--input",
            path(&input),
            "--shard",
            "1/2",
            "--checkpoint",
            path(&log),
        ],
    )
    .output()
    .unwrap();
    assert!(out.status.code() == Some(0), "{}", text(&out));
    let out = im_bulk(
        &emulator,
        &[
            "--input",
            path(&input),
            "--shard",
            "2/2",
            "--checkpoint",
            path(&log),
            "--resume",
        ],
    )
    .output()
    .unwrap();
    let all = text(&out);
    assert_eq!(out.status.code(), Some(1), "{all}");
    assert!(all.contains("written for shard 1/2, not 2/2"), "{all}");
    let _ = std::fs::remove_dir_all(&dir);
}
