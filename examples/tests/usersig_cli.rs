//! The `usersig` example as a command: output and exit codes.

use std::path::PathBuf;
use std::process::Command;

/// `cargo test` builds the examples next to the test binaries' directory.
fn usersig_bin() -> PathBuf {
    let exe = std::env::current_exe().unwrap();
    let dir = exe.parent().and_then(|deps| deps.parent()).unwrap();
    let bin = dir
        .join("examples")
        .join(format!("usersig{}", std::env::consts::EXE_SUFFIX));
    assert!(bin.exists(), "{} is not built", bin.display());
    bin
}

const KEY: &str = "5bd2850fff3ecb11d7c805251c51ee463a25727bddc2385f3fa8bfee1bb93b5e";
const OFFICIAL: &str = "eJyrVgrxCdYrSy1SslJQMtIzUNJRAItkpqTmlWSmZUIkKjIT87NK82CSxSnZiQUFmSlAKUMTAyiAyqVWFGQWpYJkTE1NjRDiJZm5YFFzY1MzC0szuHhpcWpRUmkayJbIcK8suBWZ6SAh-4Bsbz8DZ88i0wqTELMkU*8k7yRHbX3D9LKUPPcy7zSDHDe-gqqkrEjndFulWgDk0Dn3";

fn run(args: &[&str]) -> (bool, String, String) {
    let out = Command::new(usersig_bin()).args(args).output().unwrap();
    (
        out.status.success(),
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8(out.stderr).unwrap(),
    )
}

/// `usersig verify` of `usersig` for xiaojun of app 1400000000 with userbuf `abc`, signed with
/// `key`, at Unix time `now`.
fn verify(key: &str, usersig: &str, now: &str) -> (bool, String, String) {
    run(&[
        "verify",
        "--sdkappid",
        "1400000000",
        "--key",
        key,
        "--identifier",
        "xiaojun",
        "--usersig",
        usersig,
        "--now",
        now,
        "--userbuf-b64",
        "YWJj",
    ])
}

#[test]
fn verify_prints_the_document_of_an_official_sig() {
    let (ok, stdout, _) = verify(KEY, OFFICIAL, "1735689601");
    assert!(ok);
    let doc: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(
        doc["TLS.sig"],
        "OPkKN0CIr5x4T6b5KbKbA+/1gvdnGvKf0lFNpzbjYCg="
    );
    assert_eq!(doc["TLS.userbuf"], "YWJj");
}

#[test]
fn gen_prints_only_the_sig_and_it_verifies() {
    let (ok, stdout, _) = run(&[
        "gen",
        "--sdkappid",
        "1400000000",
        "--key",
        KEY,
        "--identifier",
        "xiaojun",
        "--expire",
        "15552000",
        "--time",
        "1735689600",
        "--userbuf-b64",
        "YWJj",
    ]);
    assert!(ok);
    let sig = stdout.trim_end();
    assert_eq!(stdout.lines().count(), 1);
    let (ok, stdout, _) = verify(KEY, sig, "1735689600");
    assert!(ok);
    assert!(stdout.contains("OPkKN0CIr5x4T6b5KbKbA+/1gvdnGvKf0lFNpzbjYCg="));
}

#[test]
fn verify_failures_exit_1_with_the_reason() {
    let (ok, stdout, stderr) = verify(KEY, OFFICIAL, "1900000000");
    assert!(!ok);
    assert!(stdout.is_empty());
    assert!(stderr.contains("expired"), "{stderr}");
    let (ok, _, stderr) = verify("wrong", OFFICIAL, "1735689601");
    assert!(!ok);
    assert!(stderr.contains("signature does not match"), "{stderr}");
    assert!(!stderr.contains("wrong"), "the key is not echoed: {stderr}");
}

/// `usersig gen` of the official vector's document, with the key given by `key_args` and the
/// environment variable `IM_SECRET_KEY` set to `env_key` (or unset).
fn gen_with(key_args: &[&str], env_key: Option<&str>) -> (bool, String, String) {
    let mut command = Command::new(usersig_bin());
    command.args([
        "gen",
        "--sdkappid",
        "1400000000",
        "--identifier",
        "xiaojun",
        "--expire",
        "15552000",
        "--time",
        "1735689600",
        "--userbuf-b64",
        "YWJj",
    ]);
    command.args(key_args).env_remove("IM_SECRET_KEY");
    if let Some(key) = env_key {
        command.env("IM_SECRET_KEY", key);
    }
    let out = command.output().unwrap();
    (
        out.status.success(),
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8(out.stderr).unwrap(),
    )
}

#[test]
fn the_key_can_come_from_a_file_or_the_environment_instead_of_the_command_line() {
    let (ok, from_flag, _) = gen_with(&["--key", KEY], None);
    assert!(ok);
    let (ok, from_env, stderr) = gen_with(&[], Some(KEY));
    assert!(ok, "{stderr}");
    assert_eq!(from_env, from_flag);

    let file = std::env::temp_dir().join(format!("usersig-key-{}.txt", std::process::id()));
    std::fs::write(&file, format!("{KEY}\n")).unwrap();
    let path = file.to_str().unwrap();
    let (ok, from_file, stderr) = gen_with(&["--key-file", path], Some("ignored-env-key"));
    assert!(ok, "{stderr}");
    assert_eq!(from_file, from_flag, "the file wins over the environment");
    // Both flags at once are refused, without echoing the key.
    let (ok, _, stderr) = gen_with(&["--key-file", path, "--key", "shown-key"], None);
    assert!(!ok);
    assert!(stderr.contains("--key-file"), "{stderr}");
    let _ = std::fs::remove_file(&file);

    let (ok, stdout, stderr) = gen_with(&["--key-file", "/nonexistent/key.txt"], None);
    assert!(!ok && stdout.is_empty());
    assert!(stderr.contains("cannot read the key file"), "{stderr}");
    let (ok, _, stderr) = gen_with(&[], None);
    assert!(!ok);
    assert!(stderr.contains("IM_SECRET_KEY"), "{stderr}");
    let (ok, _, stderr) = gen_with(&[], Some(""));
    assert!(!ok);
    assert!(stderr.contains("empty"), "{stderr}");
}
