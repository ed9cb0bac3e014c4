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
