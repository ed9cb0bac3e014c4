//! Every example answers `--help` without doing anything, and none writes to a remote app without
//! `--yes`.

use std::path::PathBuf;
use std::process::Command;

/// `cargo test` builds the examples next to the test binaries' directory.
fn example(name: &str) -> PathBuf {
    let exe = std::env::current_exe().unwrap();
    let dir = exe.parent().and_then(|deps| deps.parent()).unwrap();
    let bin = dir
        .join("examples")
        .join(format!("{name}{}", std::env::consts::EXE_SUFFIX));
    assert!(bin.exists(), "{} is not built", bin.display());
    bin
}

#[test]
fn help_prints_usage_and_runs_nothing() {
    for name in [
        "quickstart",
        "custom_endpoint",
        "usersig",
        "bulk_import",
        "webhook_receiver",
        "webhooks",
    ] {
        let out = Command::new(example(name)).arg("--help").output().unwrap();
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert!(out.status.success(), "{name}: {out:?}");
        assert!(stdout.contains("Usage:"), "{name}: {stdout}");
        assert!(
            !stdout.contains("Talking to") && !stdout.contains("Emulator serving"),
            "{name}"
        );
    }
}

#[test]
fn a_remote_app_needs_yes() {
    // Nothing listens at this address: were the guard missing, the example would fail on the
    // connection instead, with another message.
    let out = Command::new(example("quickstart"))
        .env("IM_SDKAPPID", "1400000000")
        .env("IM_SECRET_KEY", "not-a-real-key")
        .env("IM_ADMIN", "administrator")
        .env("IM_BASE_URL", "https://192.0.2.1:9")
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("Pass --yes"), "{stderr}");
}
