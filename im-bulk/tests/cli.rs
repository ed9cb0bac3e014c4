//! The `im-bulk` binary as a user runs it: help, configuration and input errors, and a small
//! import against an in-process emulator.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use tencent_im_emulator::{Emulator, RunningEmulator};

const IM_VARS: [&str; 5] = [
    "IM_SDKAPPID",
    "IM_SECRET_KEY",
    "IM_ADMIN",
    "IM_REGION",
    "IM_BASE_URL",
];

fn im_bulk() -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_im-bulk"));
    for name in IM_VARS {
        cmd.env_remove(name);
    }
    cmd
}

fn against(emulator: &RunningEmulator, args: &[&Path]) -> Output {
    let mut cmd = im_bulk();
    cmd.args(args)
        .env("IM_SDKAPPID", emulator.sdkappid().to_string())
        .env("IM_SECRET_KEY", emulator.secret_key().expose_secret())
        .env("IM_ADMIN", emulator.admin())
        .env("IM_BASE_URL", emulator.base_url());
    cmd.output().unwrap()
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("im-bulk-cli-{name}-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

#[test]
fn help_lists_every_flag_and_touches_nothing() {
    let out = im_bulk().arg("--help").output().unwrap();
    assert!(out.status.success());
    let help = text(&out.stdout);
    for flag in [
        "--input",
        "--report",
        "--resume",
        "--checkpoint",
        "--concurrency",
        "--progress-every",
        "--yes",
    ] {
        assert!(help.contains(flag), "{flag} missing from:\n{help}");
    }
    assert!(help.contains("Usage: im-bulk"), "{help}");
    for code in [
        "Exit status",
        "  0  ",
        "  1  ",
        "  2  ",
        "  3  ",
        "RUST_LOG",
    ] {
        assert!(help.contains(code), "{code:?} missing from:\n{help}");
    }
}

#[test]
fn a_remote_app_is_not_written_without_yes() {
    let dir = temp_dir("remote");
    let input = dir.join("relations.csv");
    let report = dir.join("failures.jsonl");
    std::fs::write(&input, "from,to\nalice,bob\n").unwrap();
    // TEST-NET-1 (RFC 5737): never routed, so nothing could be written even by mistake.
    let out = im_bulk()
        .arg("--input")
        .arg(&input)
        .arg("--report")
        .arg(&report)
        .env("IM_SDKAPPID", "1400000000")
        .env("IM_SECRET_KEY", "not-a-real-key")
        .env("IM_ADMIN", "administrator")
        .env("IM_BASE_URL", "https://192.0.2.1:9")
        .output()
        .unwrap();
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("--yes"), "{stderr}");
    assert!(stderr.contains("https://192.0.2.1:9"), "{stderr}");
    assert!(!tencent_im_bulk::Checkpoint::default_path(&input).exists());
    assert!(!report.exists());
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn without_configuration_it_says_which_variable_is_missing() {
    let dir = temp_dir("unconfigured");
    let input = dir.join("relations.csv");
    std::fs::write(&input, "from,to\nalice,bob\n").unwrap();
    let out = im_bulk().arg("--input").arg(&input).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text(&out.stderr).contains("IM_SDKAPPID"),
        "{}",
        text(&out.stderr)
    );
    assert!(
        !tencent_im_bulk::Checkpoint::default_path(&input).exists(),
        "a checkpoint was written"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn input_errors_name_the_file_and_exit_1() {
    let emulator = Emulator::builder().start().await.unwrap();
    let dir = temp_dir("input-errors");

    let missing = dir.join("missing.jsonl");
    let report = dir.join("failures.jsonl");
    let out = against(
        &emulator,
        &[
            Path::new("--input"),
            &missing,
            Path::new("--report"),
            &report,
        ],
    );
    assert_eq!(out.status.code(), Some(1));
    let stderr = text(&out.stderr);
    assert!(stderr.contains("cannot read the input"), "{stderr}");
    assert!(stderr.contains(&*missing.to_string_lossy()), "{stderr}");
    // A run that never started leaves nothing behind.
    assert!(
        !tencent_im_bulk::Checkpoint::default_path(&missing).exists(),
        "a checkpoint was left for a run that never started"
    );
    assert!(
        !report.exists(),
        "a report was left for a run that never started"
    );

    // A directory is not an input, and reading it fails once, not forever.
    let directory = dir.join("folder.jsonl");
    std::fs::create_dir_all(&directory).unwrap();
    let out = against(&emulator, &[Path::new("--input"), &directory]);
    assert_eq!(out.status.code(), Some(1));
    let stderr = text(&out.stderr);
    assert!(stderr.contains(&*directory.to_string_lossy()), "{stderr}");

    let headless = dir.join("headless.csv");
    std::fs::write(&headless, "alice,bob\n").unwrap();
    let out = against(&emulator, &[Path::new("--input"), &headless]);
    assert_eq!(out.status.code(), Some(1));
    let stderr = text(&out.stderr);
    assert!(stderr.contains(&*headless.to_string_lossy()), "{stderr}");
    assert!(stderr.contains("`from` and `to`"), "{stderr}");
    let _ = std::fs::remove_dir_all(&dir);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_small_import_prints_its_summary_and_reports_failures() {
    let emulator = Emulator::builder().start().await.unwrap();
    let dir = temp_dir("small");
    let input = dir.join("relations.jsonl");
    let report = dir.join("failures.jsonl");
    let checkpoint = dir.join("run.checkpoint");
    std::fs::write(
        &input,
        concat!(
            "{\"from\":\"alice\",\"To_Account\":\"bob\",\"AddSource\":\"AddSource_Type_Web\",\"Remark\":\"Bob\"}\n",
            "{\"from\":\"bob\",\"To_Account\":\"alice\",\"AddSource\":\"AddSource_Type_Web\"}\n",
            "{\"from\":\"bob\",\"To_Account\":\"carol\",\"AddSource\":\"Android\"}\n",
            "not json\n",
        ),
    )
    .unwrap();
    let out = against(
        &emulator,
        &[
            Path::new("--input"),
            &input,
            Path::new("--report"),
            &report,
            Path::new("--checkpoint"),
            &checkpoint,
            Path::new("--concurrency"),
            Path::new("2"),
        ],
    );
    let (stdout, stderr) = (text(&out.stdout), text(&out.stderr));
    // Two relations never sent: the run finished, but not everything is on the service.
    assert_eq!(out.status.code(), Some(3), "{stdout}\n{stderr}");
    assert!(stdout.contains("imported   2"), "{stdout}");
    assert!(stdout.contains("failed     0"), "{stdout}");
    assert!(stdout.contains("invalid    2"), "{stdout}");
    assert!(
        stdout.contains(&format!("report     {}", report.display())),
        "{stdout}"
    );
    assert!(
        stderr.contains("4 relations in") && stderr.contains("accounts: 3 of 3 imported"),
        "{stderr}"
    );
    assert_eq!(emulator.friends_of("alice"), ["bob"]);
    assert_eq!(emulator.friends_of("bob"), ["alice"]);

    let failures = std::fs::read_to_string(&report).unwrap();
    let lines: Vec<serde_json::Value> = failures
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 2, "{failures}");
    let carol = lines.iter().find(|l| l["line"] == 3).unwrap();
    assert_eq!(carol["from"], "bob");
    assert_eq!(carol["outcome"], "invalid");
    assert_eq!(carol["To_Account"], "carol");
    assert!(
        carol["info"].as_str().unwrap().contains("AddSource"),
        "{carol}"
    );
    let unreadable = lines.iter().find(|l| l["line"] == 4).unwrap();
    assert_eq!(unreadable["input"], "not json", "{unreadable}");

    let log = std::fs::read_to_string(&checkpoint).unwrap();
    assert!(log.lines().any(|l| l.starts_with("A ")), "{log}");
    assert!(log.lines().any(|l| l.starts_with("D ")), "{log}");
    let _ = std::fs::remove_dir_all(&dir);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_lost_answer_is_reported_as_applied_and_rust_log_is_honoured() {
    let emulator = Emulator::builder().start().await.unwrap();
    let dir = temp_dir("lost");
    let input = dir.join("relations.csv");
    std::fs::write(&input, "from,to\nalice,bob\n").unwrap();
    // multiaccount_import goes through; friend_import is applied and its answer lost, so the
    // client sends it again and hears "already a friend".
    emulator.inject(tencent_im_emulator::Fault::Delay(std::time::Duration::ZERO));
    emulator.inject(tencent_im_emulator::Fault::Lost);
    let mut cmd = im_bulk();
    cmd.arg("--input")
        .arg(&input)
        .env("RUST_LOG", "tencent_im_core=debug")
        .env("IM_SDKAPPID", emulator.sdkappid().to_string())
        .env("IM_SECRET_KEY", emulator.secret_key().expose_secret())
        .env("IM_ADMIN", emulator.admin())
        .env("IM_BASE_URL", emulator.base_url());
    let out = cmd.output().unwrap();
    let (stdout, stderr) = (text(&out.stdout), text(&out.stderr));
    assert_eq!(out.status.code(), Some(0), "{stdout}\n{stderr}");
    assert!(stdout.contains("present    1"), "{stdout}");
    assert!(stdout.contains("failed     0"), "{stdout}");
    assert_eq!(emulator.friends_of("alice"), ["bob"]);
    // The retry shows in the log, at the level RUST_LOG asked for.
    assert!(stderr.contains("retrying"), "{stderr}");
    assert!(stderr.contains("call succeeded"), "{stderr}");
    let _ = std::fs::remove_dir_all(&dir);
}
