//! `im-bulk` killed mid-run and resumed: the emulator ends with exactly the input's
//! relations, and no relation or account was sent twice.

use std::collections::{BTreeSet, HashMap};
use std::process::{Command, Stdio};
use std::time::Duration;

use tencent_im_emulator::{Emulator, RunningEmulator};

fn command(emulator: &RunningEmulator, args: &[&str]) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_im-bulk"));
    cmd.args(args)
        .env("IM_SDKAPPID", emulator.sdkappid().to_string())
        .env("IM_SECRET_KEY", emulator.secret_key().expose_secret())
        .env("IM_ADMIN", emulator.admin())
        .env("IM_BASE_URL", emulator.base_url())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    cmd
}

fn sent_items(emulator: &RunningEmulator, path: &str) -> usize {
    emulator
        .requests()
        .iter()
        .filter(|r| r.path() == path)
        .map(|r| r.items())
        .sum()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn killed_and_resumed_import_sends_nothing_twice() {
    let dir = std::env::temp_dir().join(format!("bulk-resume-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let input = dir.join("relations.csv");
    let report = dir.join("failures.jsonl");

    // 400 users with 10 friends each, plus one unreadable row and one invalid add source.
    let mut expected: HashMap<String, BTreeSet<String>> = HashMap::new();
    let mut csv = String::from("from,to,remark,group,add_source\n");
    for u in 0..400 {
        for k in 1..=10 {
            let (from, to) = (format!("p{u:04}"), format!("p{:04}", (u + k * 7) % 400));
            csv.push_str(&format!("{from},{to},r{k},G{},\n", k % 3));
            expected.entry(from).or_default().insert(to);
        }
    }
    csv.push_str("p0000,,no friend,,\n");
    csv.push_str("p0001,p0399,bad,,Android\n");
    std::fs::write(&input, csv).unwrap();
    let input_arg = input.to_str().unwrap();
    let report_arg = report.to_str().unwrap();

    let emulator = Emulator::builder().start().await.unwrap();
    let mut first = command(&emulator, &["--input", input_arg, "--report", report_arg])
        .spawn()
        .unwrap();
    // Kill it once part of the friends are in.
    let mut waited = 0;
    while sent_items(&emulator, "v4/sns/friend_import") < 1000 {
        tokio::time::sleep(Duration::from_millis(5)).await;
        waited += 1;
        assert!(waited < 6000, "the import did not start");
    }
    first.kill().unwrap();
    first.wait().unwrap();
    let before = sent_items(&emulator, "v4/sns/friend_import");
    assert!(
        before < 4000,
        "killed too late to test resuming ({before} sent)"
    );

    let second = command(
        &emulator,
        &["--input", input_arg, "--report", report_arg, "--resume"],
    )
    .output()
    .unwrap();
    let stdout = String::from_utf8_lossy(&second.stdout);
    // The two bad rows count whichever run met them: the resumed run does not pass them off
    // as done.
    assert_eq!(
        second.status.code(),
        Some(3),
        "{stdout}\n{}",
        String::from_utf8_lossy(&second.stderr)
    );
    assert!(stdout.contains("invalid    2"), "{stdout}");
    assert!(stdout.contains("failed     0"), "{stdout}");

    for (user, friends) in &expected {
        let actual: BTreeSet<String> = emulator.friends_of(user).into_iter().collect();
        assert_eq!(&actual, friends, "{user}");
    }
    assert_eq!(
        sent_items(&emulator, "v4/sns/friend_import"),
        4000,
        "a relation was sent twice"
    );
    assert_eq!(
        sent_items(&emulator, "v4/im_open_login_svc/multiaccount_import"),
        400,
        "an account was sent twice"
    );

    // The two bad rows are reported once each, with what was wrong, whichever run met them.
    let failures = std::fs::read_to_string(&report).unwrap();
    assert_eq!(failures.lines().count(), 2, "{failures}");
    assert!(failures.contains("\"line\":4002"), "{failures}");
    assert!(failures.contains("AddSource"), "{failures}");
    assert!(stdout.contains("skipped"), "{stdout}");
    let _ = std::fs::remove_dir_all(&dir);
}
