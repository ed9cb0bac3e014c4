//! `im-bulk --accounts`: accounts with a nickname or an avatar are imported in
//! multiaccount_import's `AccountList` form and end up with them, the others in the `Accounts`
//! form; a short-form import of an existing account keeps its profile; bad lines are reported
//! with their text; resuming neither loses nor repeats a profile update; each shard sets the
//! profiles of its own accounts, once.

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::sync::Arc;
use std::time::Duration;

use tencent_im_accounts::{AccountsToImport, ImportedAccount, MultiaccountImport};
use tencent_im_bulk::{Checkpoint, Counts, Format, Importer, Options, Report};
use tencent_im_core::{Client, RetryPolicy};
use tencent_im_emulator::{Emulator, Fault, RunningEmulator};
use tencent_im_profile::{PortraitGet, ProfileItem, ProfileTag};

const PATH: &str = "v4/im_open_login_svc/multiaccount_import";

fn im_bulk(emulator: &RunningEmulator, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_im-bulk"))
        .args(args)
        .env_remove("IM_REGION")
        .env_remove("IM_RATE_REDIS_URL")
        .env("IM_SDKAPPID", emulator.sdkappid().to_string())
        .env("IM_SECRET_KEY", emulator.secret_key().expose_secret())
        .env("IM_ADMIN", emulator.admin())
        .env("IM_BASE_URL", emulator.base_url())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .output()
        .unwrap()
}

fn text(out: &Output) -> String {
    format!(
        "{}\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("im-bulk-profiles-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn path(p: &Path) -> &str {
    p.to_str().unwrap()
}

/// Every multiaccount_import the emulator received, in order: the list's wire key and the
/// accounts.
fn imports(emulator: &RunningEmulator) -> Vec<(&'static str, Vec<ImportedAccount>)> {
    emulator
        .requests()
        .iter()
        .filter(|r| r.path() == PATH)
        .map(|r| {
            let request: MultiaccountImport = r.request().unwrap();
            let key = request.accounts.key();
            let accounts = match request.accounts {
                AccountsToImport::UserIds(ids) => {
                    ids.into_iter().map(ImportedAccount::new).collect()
                }
                AccountsToImport::WithProfiles(accounts) => accounts,
                other => panic!("unexpected form {other:?}"),
            };
            (key, accounts)
        })
        .collect()
}

/// How often each UserID was sent in each form.
fn mentions(emulator: &RunningEmulator) -> HashMap<(&'static str, String), usize> {
    let mut counts = HashMap::new();
    for (key, accounts) in imports(emulator) {
        for account in accounts {
            *counts.entry((key, account.user_id)).or_default() += 1;
        }
    }
    counts
}

/// The nickname and avatar URL portrait_get reads back (an empty value as `None`).
async fn profile(client: &Client, id: &str) -> (Option<String>, Option<String>) {
    let answer = client
        .call(&PortraitGet::new(
            [id],
            [ProfileTag::NICK, ProfileTag::IMAGE],
        ))
        .await
        .unwrap();
    let user = &answer.user_profile_item[0];
    let value = |tag| match user.get(&tag) {
        Some(ProfileItem::Nick(v) | ProfileItem::Image(v)) if !v.is_empty() => Some(v.clone()),
        _ => None,
    };
    (value(ProfileTag::NICK), value(ProfileTag::IMAGE))
}

fn some(v: &str) -> Option<String> {
    Some(v.to_owned())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn accounts_file_sets_profiles_in_the_account_list_form_only_where_given() {
    let emulator = Emulator::builder().rate_limit(false).start().await.unwrap();
    let client = emulator.client().unwrap();
    // dave exists with a profile; im-bulk meets him only in the relations.
    client
        .call(&MultiaccountImport::with_profiles([ImportedAccount::new(
            "dave",
        )
        .nick("Dave")
        .face_url("https://x/d.png")]))
        .await
        .unwrap();
    emulator.clear_requests();

    let dir = temp_dir("cli");
    let accounts = dir.join("accounts.csv");
    let long_nick = "n".repeat(501);
    let long_id = "u".repeat(33);
    std::fs::write(
        &accounts,
        format!(
            "UserID,Nick,FaceUrl\n\
             alice,Alice,https://x/a.png\n\
             bob,\"Bob, B.\",\n\
             carol,,\n\
             erin,{long_nick},\n\
             {long_id},Long,\n\
             ,Nobody,\n\
             bob,Bobby,\n"
        ),
    )
    .unwrap();
    let input = dir.join("relations.csv");
    std::fs::write(
        &input,
        "from,to\nalice,bob\nbob,carol\ncarol,dave\ndave,alice\n",
    )
    .unwrap();
    let report = dir.join("failures.jsonl");

    let out = im_bulk(
        &emulator,
        &[
            "--input",
            path(&input),
            "--accounts",
            path(&accounts),
            "--report",
            path(&report),
        ],
    );
    let all = text(&out);
    // The relations are in; four lines of the accounts file are invalid.
    assert_eq!(out.status.code(), Some(3), "{all}");
    assert!(
        all.contains("accounts file: 3 imported, 0 failed, 4 invalid"),
        "{all}"
    );
    assert_eq!(emulator.friends_of("dave"), ["alice"]);

    assert_eq!(
        profile(&client, "alice").await,
        (some("Alice"), some("https://x/a.png"))
    );
    assert_eq!(profile(&client, "bob").await, (some("Bob, B."), None));
    assert_eq!(profile(&client, "carol").await, (None, None));
    // The short form left dave's profile as it was.
    assert_eq!(
        profile(&client, "dave").await,
        (some("Dave"), some("https://x/d.png"))
    );
    assert!(!emulator.has_account("erin"));

    // AccountList for the accounts with a profile, Accounts for the others; the accounts of
    // the accounts file are not imported again for the relations.
    let sent = mentions(&emulator);
    let expected: HashMap<(&str, String), usize> = [
        (("AccountList", "alice".to_owned()), 1),
        (("AccountList", "bob".to_owned()), 1),
        (("Accounts", "carol".to_owned()), 1),
        (("Accounts", "dave".to_owned()), 1),
    ]
    .into_iter()
    .collect();
    assert_eq!(sent, expected);

    // The bad lines, in full, in the accounts report (the relations' report has none).
    assert_eq!(std::fs::read_to_string(&report).unwrap(), "");
    let accounts_report = dir.join("failures.accounts.jsonl");
    let reported: BTreeMap<u64, serde_json::Value> = std::fs::read_to_string(&accounts_report)
        .unwrap()
        .lines()
        .map(|l| {
            let v: serde_json::Value = serde_json::from_str(l).unwrap();
            (v["line"].as_u64().unwrap(), v)
        })
        .collect();
    assert_eq!(reported.keys().copied().collect::<Vec<_>>(), [5, 6, 7, 8]);
    assert_eq!(reported[&5]["Nick"], long_nick.as_str());
    assert!(
        reported[&5]["info"].as_str().unwrap().contains("501 bytes"),
        "{:?}",
        reported[&5]
    );
    assert_eq!(reported[&6]["UserID"], long_id.as_str());
    assert_eq!(reported[&7]["input"], ",Nobody,");
    assert_eq!(reported[&8]["Nick"], "Bobby");
    for line in reported.values() {
        assert_eq!(line["outcome"], "invalid");
        assert!(line["code"].is_null());
    }

    // Fed back as --accounts, the report reports the same bad lines again; the line that was
    // a second line of bob is bob's only one there, and imports.
    let again = im_bulk(
        &emulator,
        &[
            "--input",
            path(&input),
            "--accounts",
            path(&accounts_report),
            "--accounts-report",
            path(&dir.join("again.jsonl")),
        ],
    );
    assert_eq!(again.status.code(), Some(3), "{}", text(&again));
    let again = std::fs::read_to_string(dir.join("again.jsonl")).unwrap();
    assert_eq!(again.lines().count(), 3, "{again}");
    assert!(
        again.contains(&long_nick) && again.contains(&long_id) && again.contains(",Nobody,"),
        "{again}"
    );
    assert_eq!(profile(&client, "bob").await, (some("Bobby"), None));
    let _ = std::fs::remove_dir_all(&dir);
}

/// A client that gives up at once, so that an injected fault fails the call.
fn impatient_client(emulator: &RunningEmulator) -> Client {
    emulator
        .client_builder()
        .retry(RetryPolicy::none().min_delay(Duration::from_millis(1)))
        .build()
        .unwrap()
}

async fn import(client: &Client, dir: &Path, resume: bool) -> Counts {
    let input = dir.join("relations.jsonl");
    let accounts = dir.join("accounts.jsonl");
    let (checkpoint, progress) = Checkpoint::open_with_accounts(
        &Checkpoint::default_path(&input),
        resume,
        &input,
        Some(&accounts),
        Default::default(),
    )
    .unwrap();
    let report = Report::open(None, resume).unwrap();
    let options = Options {
        concurrency: 1,
        ..Options::default()
    };
    let importer = Arc::new(
        Importer::new(client.clone(), checkpoint, report, progress, options).with_accounts_report(
            Report::open(Some(&dir.join("accounts.report")), resume).unwrap(),
        ),
    );
    importer
        .import_accounts_file(&accounts, Format::Jsonl)
        .await
        .unwrap();
    importer
        .import_accounts(&input, Format::Jsonl)
        .await
        .unwrap();
    importer.stats().snapshot()
}

/// 250 accounts with nicknames: three AccountList chunks of 100, 100 and 50.
fn write_accounts(dir: &Path) {
    let accounts: String = (0..250)
        .map(|i| format!("{{\"UserID\":\"p{i:03}\",\"Nick\":\"Nick {i}\"}}\n"))
        .collect();
    std::fs::write(dir.join("accounts.jsonl"), accounts).unwrap();
    std::fs::write(
        dir.join("relations.jsonl"),
        "{\"from\":\"p000\",\"To_Account\":\"p249\"}\n",
    )
    .unwrap();
}

#[tokio::test]
async fn resume_after_a_failure_sends_the_failed_lines_only() {
    let emulator = Emulator::builder().rate_limit(false).start().await.unwrap();
    let client = impatient_client(&emulator);
    let dir = temp_dir("failure");
    write_accounts(&dir);

    // The first chunk's call fails, not applied; the others go through.
    emulator.inject(Fault::Http502);
    let first = import(&client, &dir, false).await;
    // Its 100 lines failed and are left to be sent again.
    assert_eq!(
        (first.account_lines.imported, first.account_lines.failed),
        (150, 100)
    );
    let report = std::fs::read_to_string(dir.join("accounts.report")).unwrap();
    assert_eq!(report.lines().count(), 100, "{report}");
    assert!(report.contains("\"outcome\":\"failed\""), "{report}");

    emulator.clear_requests();
    let second = import(&client, &dir, true).await;
    assert_eq!(
        (second.account_lines.imported, second.account_lines.skipped),
        (100, 150)
    );
    assert_eq!(second.account_lines.failed, 0);
    // Only the failed lines went out again, each once.
    let sent = mentions(&emulator);
    assert_eq!(sent.len(), 100, "{sent:?}");
    assert!(sent.values().all(|n| *n == 1), "{sent:?}");
    assert!(sent
        .keys()
        .all(|(key, id)| *key == "AccountList" && id.as_str() < "p100"));
    for i in [0, 99, 100, 249] {
        let id = format!("p{i:03}");
        assert_eq!(
            profile(&client, &id).await.0,
            Some(format!("Nick {i}")),
            "{id}"
        );
    }
    let _ = std::fs::remove_dir_all(&dir);
}

#[tokio::test]
async fn resume_after_a_kill_sends_again_only_what_had_no_answer() {
    let emulator = Emulator::builder().rate_limit(false).start().await.unwrap();
    let client = emulator.client().unwrap();
    let dir = temp_dir("kill");
    write_accounts(&dir);
    import(&client, &dir, false).await;
    let log_path = Checkpoint::default_path(&dir.join("relations.jsonl"));
    let log = std::fs::read_to_string(&log_path).unwrap();
    // A kill after the last chunk of the accounts file went out, before its answer was
    // recorded: the log ends at its `u`.
    let cut = log
        .find("U 201-250\n")
        .unwrap_or_else(|| panic!("no answer recorded for the last chunk: {log}"));
    std::fs::write(&log_path, &log[..cut]).unwrap();
    assert!(log[..cut].ends_with("u 201-250\n"), "{log}");

    emulator.clear_requests();
    let resumed = import(&client, &dir, true).await;
    assert_eq!(
        (
            resumed.account_lines.imported,
            resumed.account_lines.skipped
        ),
        (50, 200)
    );
    let sent = mentions(&emulator);
    assert_eq!(sent.len(), 50, "{sent:?}");
    assert!(sent
        .keys()
        .all(|(key, id)| *key == "AccountList" && id.as_str() >= "p200"));
    assert_eq!(profile(&client, "p249").await.0, some("Nick 249"));
    let _ = std::fs::remove_dir_all(&dir);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn each_shard_sets_the_profiles_of_its_own_accounts_once() {
    let emulator = Emulator::builder().rate_limit(false).start().await.unwrap();
    let dir = temp_dir("shards");
    let accounts = dir.join("accounts.csv");
    let input = dir.join("relations.csv");
    let mut listed = String::from("UserID,Nick,FaceUrl\n");
    let mut relations = String::from("from,to\n");
    for u in 0..60 {
        listed.push_str(&format!("s{u:02},Nick {u},https://x/{u}.png\n"));
        for k in 1..=3 {
            relations.push_str(&format!("s{u:02},s{:02}\n", (u + k * 7) % 60));
        }
    }
    std::fs::write(&accounts, listed).unwrap();
    std::fs::write(&input, relations).unwrap();

    // One after another: the later shards' short-form imports meet accounts whose profiles
    // the earlier shards set, and their AccountList imports meet accounts the earlier shards
    // created in the short form.
    for k in 1..=3 {
        let shard = format!("{k}/3");
        let out = im_bulk(
            &emulator,
            &[
                "--input",
                path(&input),
                "--accounts",
                path(&accounts),
                "--shard",
                &shard,
            ],
        );
        assert_eq!(out.status.code(), Some(0), "shard {k}: {}", text(&out));
    }
    // Every profile was sent once, by one shard, in the AccountList form; the short form
    // carried the accounts other shards' relations needed, and cleared nothing.
    let sent = mentions(&emulator);
    let client = emulator.client().unwrap();
    for u in 0..60 {
        let id = format!("s{u:02}");
        assert_eq!(sent.get(&("AccountList", id.clone())), Some(&1), "{id}");
        assert_eq!(
            profile(&client, &id).await,
            (
                Some(format!("Nick {u}")),
                Some(format!("https://x/{u}.png"))
            ),
            "{id}"
        );
    }
    let list_requests = imports(&emulator)
        .into_iter()
        .filter(|(key, _)| *key == "AccountList")
        .count();
    assert_eq!(list_requests, 3, "one AccountList request per shard");
    let _ = std::fs::remove_dir_all(&dir);
}
