//! The report under faults tells the truth: a relation is reported failed only when the service
//! does not hold it, and nothing is labelled with a refusal code the service did not give.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use tencent_im_bulk::{Checkpoint, Counts, Format, Importer, Options, Report};
use tencent_im_core::{Client, RetryPolicy};
use tencent_im_emulator::{Emulator, Fault, FaultPlan, RunningEmulator};

fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("im-bulk-faults-{name}-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// A client that gives up quickly, so that faults reach the importer instead of being retried
/// away (the delays are the client's backoff, a few milliseconds, not the test's).
fn impatient_client(emulator: &RunningEmulator, attempts: u32) -> Client {
    emulator
        .client_builder()
        .retry(
            RetryPolicy::default()
                .max_attempts(attempts)
                .min_delay(Duration::from_millis(1))
                .max_delay(Duration::from_millis(2)),
        )
        .build()
        .unwrap()
}

async fn run(client: &Client, input: &Path, report: &Path, concurrency: usize) -> Counts {
    let (checkpoint, progress) = Checkpoint::open(&Checkpoint::default_path(input), false).unwrap();
    let report = Report::open(Some(report), false).unwrap();
    let options = Options {
        concurrency,
        ..Options::default()
    };
    let importer = Arc::new(Importer::new(
        client.clone(),
        checkpoint,
        report,
        progress,
        options,
    ));
    let format = Format::detect(input).unwrap();
    importer.import_accounts(input, format).await.unwrap();
    importer.import_friends(input, format).await.unwrap();
    importer.stats().snapshot()
}

/// The report's lines as JSON values.
fn report_lines(report: &Path) -> Vec<serde_json::Value> {
    std::fs::read_to_string(report)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

fn relation(line: &serde_json::Value) -> (String, String) {
    (
        line["from"].as_str().unwrap_or_default().to_owned(),
        line["To_Account"].as_str().unwrap_or_default().to_owned(),
    )
}

/// The follow-up friend_check of an "already a friend" answer fails: the relation is on the
/// service, and must not be reported as refused with a code friend_import did not give it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_failed_follow_up_check_is_not_a_refusal() {
    let emulator = Emulator::builder().rate_limit(false).start().await.unwrap();
    let client = impatient_client(&emulator, 1);
    let dir = temp_dir("follow-up");
    let input = dir.join("relations.csv");
    let report = dir.join("failures.jsonl");
    std::fs::write(&input, "from,to\nalice,bob\nalice,carol\n").unwrap();
    // alice -> bob is there before the run: friend_import answers "already a friend".
    run(&client, &input, &report, 1).await;
    std::fs::write(&input, "from,to\nalice,bob\nalice,dave\n").unwrap();

    // multiaccount_import and friend_import meet no fault; every friend_check after them does.
    emulator.inject(Fault::Delay(Duration::ZERO));
    emulator.inject(Fault::Delay(Duration::ZERO));
    for _ in 0..20 {
        emulator.inject(Fault::Http502);
    }
    let counts = run(&client, &input, &report, 1).await;
    assert_eq!(counts.imported, 1, "{counts:?}");
    assert_eq!(counts.failed, 0, "{counts:?}");
    assert_eq!(counts.unknown, 1, "{counts:?}");
    let lines = report_lines(&report);
    assert_eq!(lines.len(), 1, "{lines:?}");
    let bob = &lines[0];
    assert_eq!(relation(bob), ("alice".into(), "bob".into()));
    assert_eq!(bob["outcome"], "unknown", "{bob}");
    assert!(bob["code"].is_null(), "{bob}");
    let info = bob["info"].as_str().unwrap();
    assert!(info.contains("friend_check"), "{info}");
    assert!(!info.contains("refused"), "{info}");
    assert_eq!(emulator.friends_of("alice"), ["bob", "carol", "dave"]);
    let _ = std::fs::remove_dir_all(&dir);
}

/// The same, but the re-check gets through after one failure: the relation is confirmed present.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_follow_up_check_is_tried_again() {
    let emulator = Emulator::builder().rate_limit(false).start().await.unwrap();
    let client = impatient_client(&emulator, 1);
    let dir = temp_dir("recheck");
    let input = dir.join("relations.csv");
    let report = dir.join("failures.jsonl");
    std::fs::write(&input, "from,to\nalice,bob\n").unwrap();
    run(&client, &input, &report, 1).await;

    emulator.inject(Fault::Delay(Duration::ZERO));
    emulator.inject(Fault::Delay(Duration::ZERO));
    emulator.inject(Fault::Lost);
    let counts = run(&client, &input, &report, 1).await;
    assert_eq!(
        (
            counts.imported,
            counts.present,
            counts.failed,
            counts.unknown
        ),
        (0, 1, 0, 0),
        "{counts:?}"
    );
    assert_eq!(std::fs::read_to_string(&report).unwrap(), "");
    let _ = std::fs::remove_dir_all(&dir);
}

/// Heavy faults on every call, the client giving up after two attempts: the failed relations of
/// the report are exactly those the service does not hold, less those reported unknown.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn under_heavy_faults_failed_means_missing() {
    let plan: FaultPlan = "http502=0.1,lost=0.15,truncate=0.1,code:30006=0.05,reset=0.05"
        .parse()
        .unwrap();
    let emulator = Emulator::builder()
        .rate_limit(false)
        .faults(plan)
        .fault_seed(7)
        .start()
        .await
        .unwrap();
    let client = impatient_client(&emulator, 2);
    let dir = temp_dir("heavy");
    let input = dir.join("relations.csv");
    let report = dir.join("failures.jsonl");
    // 120 users with 10 friends each, one request per user: a lost answer leaves 10 relations
    // made and unanswered.
    let mut csv = String::from("from,to\n");
    let mut expected = BTreeSet::new();
    for u in 0..120 {
        for k in 1..=10 {
            let (from, to) = (format!("h{u:03}"), format!("h{:03}", (u + k * 11) % 120));
            csv.push_str(&format!("{from},{to}\n"));
            expected.insert((from, to));
        }
    }
    std::fs::write(&input, csv).unwrap();

    let counts = run(&client, &input, &report, 1).await;
    let held: BTreeSet<(String, String)> = expected
        .iter()
        .filter(|(from, to)| emulator.friends_of(from).contains(to))
        .cloned()
        .collect();
    let missing: BTreeSet<(String, String)> = expected.difference(&held).cloned().collect();
    let lines = report_lines(&report);
    let with = |outcome: &str| -> BTreeSet<(String, String)> {
        lines
            .iter()
            .filter(|l| l["outcome"] == outcome)
            .map(relation)
            .collect()
    };
    let (failed, unknown) = (with("failed"), with("unknown"));
    eprintln!(
        "{counts:?}; held {}, missing {}, reported failed {}, unknown {}, faults {}",
        held.len(),
        missing.len(),
        failed.len(),
        unknown.len(),
        emulator.faults_injected()
    );
    assert!(emulator.faults_injected() > 20, "too few faults to test");
    assert!(
        !missing.is_empty() && !held.is_empty(),
        "faults too light or too heavy"
    );
    let wrongly_failed: Vec<_> = failed.intersection(&held).collect();
    assert!(
        wrongly_failed.is_empty(),
        "{} relations reported failed are on the service: {wrongly_failed:?}",
        wrongly_failed.len()
    );
    let unreported: Vec<_> = missing
        .iter()
        .filter(|r| !failed.contains(*r) && !unknown.contains(*r))
        .collect();
    assert!(
        unreported.is_empty(),
        "missing, not reported: {unreported:?}"
    );
    assert_eq!(
        counts.failed as usize,
        missing.len() - missing.intersection(&unknown).count()
    );
    assert_eq!(counts.failed as usize, failed.len());
    assert_eq!(counts.unknown as usize, unknown.len());
    assert_eq!(counts.handled(), expected.len() as u64);
    let _ = std::fs::remove_dir_all(&dir);
}
