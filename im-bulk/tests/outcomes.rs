//! What a run records of relations that did not make it, and what a resumed run does with
//! them: relations missing after a failed call are sent again, refused ones are counted again
//! (not passed off as done), and the report quotes the server without the client's secrets.

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tencent_im_bulk::{Checkpoint, Counts, Format, Importer, Options, Report};
use tencent_im_core::{Client, ErrorCode, ResultItem, RetryPolicy};
use tencent_im_emulator::{Emulator, Fault, RunningEmulator};
use tencent_im_friends::{FriendImport, FriendImportResponse};

fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("im-bulk-outcomes-{name}-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// A client that does not retry, so that an injected fault reaches the importer.
fn impatient_client(emulator: &RunningEmulator) -> Client {
    emulator
        .client_builder()
        .retry(RetryPolicy::default().max_attempts(1))
        .build()
        .unwrap()
}

async fn run(client: &Client, input: &Path, report: &Path, resume: bool) -> Counts {
    let (checkpoint, progress) =
        Checkpoint::open(&Checkpoint::default_path(input), resume).unwrap();
    let report = Report::open(Some(report), resume).unwrap();
    let options = Options {
        concurrency: 1,
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

/// A run whose friend_import failed (a transient code, the client's retries spent) leaves the
/// relations missing; resuming it must send them again, not count them as done. The refusal
/// the resumed run then meets must be counted by every later resume, too.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_resumed_run_retries_what_failed_and_still_counts_what_was_refused() {
    let emulator = Emulator::builder().rate_limit(false).start().await.unwrap();
    let client = impatient_client(&emulator);
    let dir = temp_dir("resume");
    let input = dir.join("relations.csv");
    let report = dir.join("failures.jsonl");
    // One request: two friends, and alice herself, which the service refuses (30001).
    std::fs::write(&input, "from,to\nalice,bob\nalice,carol\nalice,alice\n").unwrap();

    // multiaccount_import goes through; friend_import meets an internal error (30006): nothing
    // applied, and friend_check finds all three missing.
    emulator.inject(Fault::Delay(Duration::ZERO));
    emulator.inject(Fault::Code(ErrorCode::from(30006)));
    let first = run(&client, &input, &report, false).await;
    assert_eq!((first.imported, first.failed), (0, 3), "{first:?}");
    assert!(emulator.friends_of("alice").is_empty());

    let second = run(&client, &input, &report, true).await;
    assert_eq!(
        (second.imported, second.failed, second.skipped),
        (2, 1, 0),
        "the relations missing after the failed call were not sent again: {second:?}"
    );
    assert_eq!(emulator.friends_of("alice"), ["bob", "carol"]);
    assert!(!second.all_done());

    // Nothing left to send; the refusal still counts, and the run is not "all done".
    let third = run(&client, &input, &report, true).await;
    assert_eq!(
        (
            third.skipped,
            third.failed,
            third.reported_before,
            third.calls
        ),
        (2, 1, 1, 0),
        "{third:?}"
    );
    assert!(
        !third.all_done(),
        "a refused relation was passed off as done"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

/// friend_import's per-item `ResultInfo` quoting the secret key and the UserSig (as a proxy or
/// a hostile server may) reaches the report without them.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_report_quotes_the_server_without_the_secrets() {
    const KEY: &str = "report-scrub-secret-key-0123456789";
    let usersig: Arc<Mutex<String>> = Arc::default();
    let quoted = Arc::clone(&usersig);
    let emulator = Emulator::builder()
        .rate_limit(false)
        .secret_key(KEY)
        .serve::<FriendImport>(move |_, req, _| {
            let sig = quoted.lock().unwrap().clone();
            let mut answer = FriendImportResponse::default();
            answer.results = req
                .items
                .iter()
                .map(|item| {
                    ResultItem::failed(
                        &item.to_account,
                        ErrorCode::from(30010),
                        format!(
                            "full: key={KEY} GET /v4/sns/friend_import?usersig={sig} sig {sig}"
                        ),
                    )
                })
                .collect();
            Ok(answer)
        })
        .start()
        .await
        .unwrap();
    let client = emulator.client().unwrap();
    let url = client.request_url("v4/sns/friend_import").unwrap();
    let sig = url
        .split_once("usersig=")
        .and_then(|(_, rest)| rest.split('&').next())
        .unwrap()
        .to_owned();
    *usersig.lock().unwrap() = sig.clone();

    let dir = temp_dir("scrub");
    let input = dir.join("relations.csv");
    let report = dir.join("failures.jsonl");
    std::fs::write(&input, "from,to\nalice,bob\n").unwrap();
    let counts = run(&client, &input, &report, false).await;
    assert_eq!(counts.failed, 1, "{counts:?}");
    let text = std::fs::read_to_string(&report).unwrap();
    assert!(text.contains("\"code\":30010"), "{text}");
    assert!(text.contains("<redacted>"), "{text}");
    assert!(
        !text.contains(KEY),
        "the secret key reached the report: {text}"
    );
    assert!(
        !text.contains(&sig),
        "the UserSig reached the report: {text}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}
