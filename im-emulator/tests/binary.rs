//! The `im-emulator` binary: announces its address on the first stdout line and the `IM_*`
//! lines a client needs after it, takes its secret key from a flag, a file or the environment,
//! serves, and exits cleanly on SIGTERM even while a client stalls.

use std::io::{BufRead, BufReader, Read};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use tencent_im_accounts::AccountImport;
use tencent_im_core::Client;

#[tokio::test]
async fn binary_serves_until_sigterm() {
    let mut child = Command::new(env!("CARGO_BIN_EXE_im-emulator"))
        .args([
            "--listen",
            "127.0.0.1:0",
            "--sdkappid",
            "1400000123",
            "--secret-key",
            "binary-test-key",
            "--admin",
            "boss",
        ])
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut first = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut first)
        .unwrap();
    let base_url = first
        .trim()
        .strip_prefix("listening on ")
        .unwrap_or_else(|| panic!("unexpected first line {first:?}"))
        .to_owned();
    assert!(base_url.starts_with("http://127.0.0.1:"), "{base_url}");

    let client = Client::builder(1400000123, "binary-test-key", "boss")
        .base_url(&base_url)
        .build()
        .unwrap();
    client.call(&AccountImport::new("someone")).await.unwrap();

    let status = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
    let exit = tokio::task::spawn_blocking(move || child.wait())
        .await
        .unwrap()
        .unwrap();
    assert!(exit.success(), "{exit:?}");
}

/// Starts the binary with `args` and `env`, and reads its startup lines: everything it prints
/// up to the `IM_BASE_URL` line.
fn start(args: &[&str], env: &[(&str, &str)]) -> (Child, Vec<String>) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_im-emulator"))
        .args(args)
        .envs(env.iter().copied())
        .env_remove(if env.iter().any(|(k, _)| *k == "IM_SECRET_KEY") {
            "IM_UNUSED"
        } else {
            "IM_SECRET_KEY"
        })
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    // Read on a thread, so that a binary printing less than expected fails the test instead
    // of blocking it.
    let out = BufReader::new(child.stdout.take().unwrap());
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for line in out.lines().map_while(Result::ok) {
            if tx.send(line).is_err() {
                break;
            }
        }
    });
    let mut lines = Vec::new();
    while let Ok(line) = rx.recv_timeout(Duration::from_secs(30)) {
        let last = line.starts_with("IM_BASE_URL=");
        lines.push(line.trim_end().to_owned());
        if last {
            break;
        }
    }
    (child, lines)
}

fn value<'a>(lines: &'a [String], name: &str) -> Option<&'a str> {
    lines
        .iter()
        .find_map(|line| line.strip_prefix(name)?.strip_prefix('='))
}

fn terminate(child: &mut Child) {
    let status = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
}

/// Waits for `child` to exit, at most `bound`.
fn wait_at_most(child: &mut Child, bound: Duration) -> std::process::ExitStatus {
    let started = Instant::now();
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            return status;
        }
        if started.elapsed() > bound {
            let _ = child.kill();
            panic!("still running {bound:?} after SIGTERM");
        }
        std::thread::sleep(Duration::from_millis(50));
    }
}

#[tokio::test]
async fn startup_prints_what_a_client_needs_and_never_a_given_secret() {
    let (mut child, lines) = start(&["--admin", "boss"], &[]);
    assert!(
        lines[0].starts_with("listening on http://127.0.0.1:"),
        "{lines:?}"
    );
    let base_url = lines[0].strip_prefix("listening on ").unwrap();
    assert_eq!(value(&lines, "IM_BASE_URL"), Some(base_url));
    assert_eq!(value(&lines, "IM_ADMIN"), Some("boss"));
    assert_eq!(value(&lines, "IM_SDKAPPID"), Some("1400000000"));
    // The built-in key is no secret: it is printed, so that the lines are all a client needs.
    assert_eq!(
        value(&lines, "IM_SECRET_KEY"),
        Some(tencent_im_emulator::DEFAULT_SECRET_KEY)
    );
    terminate(&mut child);
    assert!(wait_at_most(&mut child, Duration::from_secs(60)).success());

    let (mut child, lines) = start(&[], &[("IM_SECRET_KEY", "from-the-environment")]);
    assert_eq!(value(&lines, "IM_SECRET_KEY"), None, "{lines:?}");
    assert!(!lines.join("\n").contains("from-the-environment"));
    let client = Client::builder(1400000000, "from-the-environment", "administrator")
        .base_url(value(&lines, "IM_BASE_URL").unwrap())
        .build()
        .unwrap();
    client.call(&AccountImport::new("someone")).await.unwrap();
    terminate(&mut child);
    assert!(wait_at_most(&mut child, Duration::from_secs(60)).success());
}

#[tokio::test]
async fn the_secret_key_can_come_from_a_file() {
    let path = std::env::temp_dir().join(format!("im-emulator-key-{}", std::process::id()));
    std::fs::write(&path, "from-a-file\n").unwrap();
    let (mut child, lines) = start(
        &["--secret-key-file", path.to_str().unwrap()],
        &[("IM_SECRET_KEY", "ignored-when-a-file-is-given")],
    );
    let _ = std::fs::remove_file(&path);
    assert!(!lines.join("\n").contains("from-a-file"), "{lines:?}");
    let client = Client::builder(1400000000, "from-a-file", "administrator")
        .base_url(value(&lines, "IM_BASE_URL").unwrap())
        .build()
        .unwrap();
    client.call(&AccountImport::new("someone")).await.unwrap();
    terminate(&mut child);
    assert!(wait_at_most(&mut child, Duration::from_secs(60)).success());

    // A missing file is an error naming it, not a silent fallback to another key.
    let out = Command::new(env!("CARGO_BIN_EXE_im-emulator"))
        .args(["--secret-key-file", "/nonexistent/im-key"])
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("/nonexistent/im-key"));
}

#[test]
fn help_prints_and_exits() {
    let mut child = Command::new(env!("CARGO_BIN_EXE_im-emulator"))
        .arg("--help")
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut help = String::new();
    child
        .stdout
        .take()
        .unwrap()
        .read_to_string(&mut help)
        .unwrap();
    assert!(wait_at_most(&mut child, Duration::from_secs(60)).success());
    for needle in ["Usage", "--secret-key-file", "IM_SECRET_KEY", "ps"] {
        assert!(help.contains(needle), "{needle} missing from\n{help}");
    }
}

#[tokio::test]
async fn sigterm_exits_even_while_a_client_stalls_mid_request() {
    use tokio::io::AsyncWriteExt;
    let (mut child, lines) = start(&["--shutdown-timeout", "1"], &[]);
    let addr = value(&lines, "IM_BASE_URL")
        .unwrap()
        .strip_prefix("http://")
        .unwrap()
        .to_owned();
    let mut stalled = tokio::net::TcpStream::connect(&addr).await.unwrap();
    stalled
        .write_all(b"POST /v4/sns/friend_get HTTP/1.1\r\nHost: e\r\nContent-Length: 100\r\n\r\n{")
        .await
        .unwrap();
    tokio::time::sleep(Duration::from_millis(200)).await;
    terminate(&mut child);
    // The drain deadline is 1 s; the bound only tells a hang from an exit.
    let status =
        tokio::task::spawn_blocking(move || wait_at_most(&mut child, Duration::from_secs(60)))
            .await
            .unwrap();
    assert!(status.success(), "{status:?}");
    drop(stalled);
}

#[tokio::test]
async fn webhooks_go_to_the_url_signed_with_the_token_from_the_environment() {
    use tencent_im_webhooks::{axum, Event, Verifier, WebhookToken, Webhooks};
    const TOKEN: &str = "binary-webhook-token-Kp2";
    let verifier = Verifier::new(1400000000, WebhookToken::new(TOKEN).unwrap());
    let (sent, mut events) = tokio::sync::mpsc::unbounded_channel();
    let router = Webhooks::new(verifier)
        .on_event(move |callback| {
            let _ = sent.send(callback.event);
            async {}
        })
        .router();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/callback", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, router).await });

    let (mut child, lines) = start(&["--webhook-url", &url], &[("IM_WEBHOOK_TOKEN", TOKEN)]);
    assert!(!lines.join("\n").contains(TOKEN), "{lines:?}");
    let client = Client::builder(
        1400000000,
        tencent_im_emulator::DEFAULT_SECRET_KEY,
        "administrator",
    )
    .base_url(value(&lines, "IM_BASE_URL").unwrap())
    .build()
    .unwrap();
    client
        .call(&tencent_im_accounts::MultiaccountImport::new(["a", "b"]))
        .await
        .unwrap();
    client
        .call(&tencent_im_friends::BlackListAdd::new("a", ["b"]))
        .await
        .unwrap();
    // Only a delivery whose Sign the token verifies reaches the handler.
    let event = tokio::time::timeout(Duration::from_secs(30), events.recv())
        .await
        .unwrap()
        .unwrap();
    assert!(matches!(event, Event::BlackListAdd(_)), "{event:?}");
    terminate(&mut child);
    assert!(wait_at_most(&mut child, Duration::from_secs(60)).success());

    // A token the console would refuse is an error that does not show it.
    let path = std::env::temp_dir().join(format!("im-emulator-token-{}", std::process::id()));
    let long = "t".repeat(129);
    std::fs::write(&path, &long).unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_im-emulator"))
        .args(["--webhook-url", &url, "--webhook-token-file"])
        .arg(&path)
        .output()
        .unwrap();
    let _ = std::fs::remove_file(&path);
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("1 to 128 characters"), "{stderr}");
    assert!(!stderr.contains(&long));
    // A token without a URL is refused by the flags.
    let out = Command::new(env!("CARGO_BIN_EXE_im-emulator"))
        .args(["--webhook-token", "x"])
        .output()
        .unwrap();
    assert!(!out.status.success());
}
