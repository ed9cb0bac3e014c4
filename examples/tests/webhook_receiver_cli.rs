//! The `webhook_receiver` example as a process: its first line, one JSON line per accepted
//! callback, nothing for a refused one, and the HTTP answers.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc::{self, Receiver};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use tencent_im::webhooks::{sign, WebhookToken};

const APP: u64 = 1_400_000_000;
const TOKEN: &str = "receiver-test-token";

/// `cargo test` builds the examples next to the test binaries' directory.
fn receiver_bin() -> PathBuf {
    let exe = std::env::current_exe().unwrap();
    let dir = exe.parent().and_then(|deps| deps.parent()).unwrap();
    let bin = dir
        .join("examples")
        .join(format!("webhook_receiver{}", std::env::consts::EXE_SUFFIX));
    assert!(bin.exists(), "{} is not built", bin.display());
    bin
}

/// The running receiver; killed when dropped, so a failed assertion leaves no process behind.
struct RunningReceiver {
    child: Child,
    lines: Receiver<String>,
}

impl Drop for RunningReceiver {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl RunningReceiver {
    fn start() -> Self {
        Self::start_with(&["--token", TOKEN], None)
    }

    /// The receiver with `args` after the listen address and app, and `IM_WEBHOOK_TOKEN` set
    /// to `env_token` (or unset).
    fn start_with(args: &[&str], env_token: Option<&str>) -> Self {
        let mut command = Command::new(receiver_bin());
        command
            .args(["--listen", "127.0.0.1:0", "--sdkappid", &APP.to_string()])
            .args(args)
            .env_remove("IM_WEBHOOK_TOKEN")
            .stdout(Stdio::piped())
            .stderr(Stdio::null());
        if let Some(token) = env_token {
            command.env("IM_WEBHOOK_TOKEN", token);
        }
        let mut child = command.spawn().unwrap();
        let stdout = child.stdout.take().unwrap();
        let (tx, lines) = mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines() {
                let Ok(line) = line else { break };
                if tx.send(line).is_err() {
                    break;
                }
            }
        });
        Self { child, lines }
    }

    fn next_line(&self) -> String {
        self.lines
            .recv_timeout(Duration::from_secs(30))
            .expect("a line on stdout")
    }

    /// The address of the first line, `listening on http://ADDR`.
    fn addr(&self) -> String {
        let first = self.next_line();
        first
            .strip_prefix("listening on http://")
            .unwrap_or_else(|| panic!("first line: {first}"))
            .to_owned()
    }
}

/// POSTs `body` to `/?{query}` and returns the status code and the body of the answer.
fn post(addr: &str, query: &str, body: &str) -> (u16, serde_json::Value) {
    let mut stream = TcpStream::connect(addr).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(30)))
        .unwrap();
    write!(
        stream,
        "POST /?{query} HTTP/1.1\r\nHost: {addr}\r\nContent-Type: application/json\r\n\
         Content-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    )
    .unwrap();
    let mut answer = String::new();
    stream.read_to_string(&mut answer).unwrap();
    let status = answer
        .split(' ')
        .nth(1)
        .and_then(|code| code.parse().ok())
        .unwrap_or_else(|| panic!("no status line: {answer}"));
    let (_, body) = answer.split_once("\r\n\r\n").unwrap();
    (status, serde_json::from_str(body).unwrap())
}

fn signed_query(command: &str) -> String {
    signed_query_with(TOKEN, command)
}

fn signed_query_with(token: &str, command: &str) -> String {
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs()
        .to_string();
    let sign = sign(&WebhookToken::new(token).unwrap(), &now);
    format!(
        "SdkAppid={APP}&CallbackCommand={command}&contenttype=json&ClientIP=127.0.0.1\
         &OptPlatform=RESTAPI&Sign={sign}&RequestTime={now}"
    )
}

#[test]
fn prints_accepted_events_and_nothing_for_refused_ones() {
    let receiver = RunningReceiver::start();
    let first = receiver.next_line();
    let addr = first
        .strip_prefix("listening on http://")
        .unwrap_or_else(|| panic!("first line: {first}"))
        .to_owned();
    assert!(!addr.ends_with(":0"), "{addr}");

    let delete = r#"{"CallbackCommand":"Sns.CallbackFriendDelete","PairList":[{"From_Account":"alice","To_Account":"bob"}]}"#;
    let (status, answer) = post(&addr, &signed_query("Sns.CallbackFriendDelete"), delete);
    assert_eq!(status, 200);
    assert_eq!(
        answer,
        serde_json::json!({"ActionStatus": "OK", "ErrorCode": 0, "ErrorInfo": ""})
    );
    let line: serde_json::Value = serde_json::from_str(&receiver.next_line()).unwrap();
    assert_eq!(
        line,
        serde_json::json!({
            "command": "Sns.CallbackFriendDelete",
            "PairList": [{"From_Account": "alice", "To_Account": "bob"}]
        })
    );

    // Unsigned, then signed with another token: refused, nothing printed.
    let unsigned = format!("SdkAppid={APP}&CallbackCommand=Sns.CallbackFriendDelete");
    let (status, answer) = post(&addr, &unsigned, delete);
    assert_eq!(status, 401);
    assert_eq!(answer["ActionStatus"], "FAIL");
    let forged = signed_query_with("another-token", "Sns.CallbackFriendDelete");
    let (status, _) = post(&addr, &forged, delete);
    assert_eq!(status, 401);

    // The next line printed is the next accepted event: the refused ones printed nothing.
    let follow = r#"{"CallbackCommand":"Follow.CallbackAfterFollowAdd","From_Account":"alice","FollowList":[{"To_Account":"carol"}],"EventTime":1}"#;
    let (status, _) = post(
        &addr,
        &signed_query("Follow.CallbackAfterFollowAdd"),
        follow,
    );
    assert_eq!(status, 200);
    let line: serde_json::Value = serde_json::from_str(&receiver.next_line()).unwrap();
    assert_eq!(line["command"], "Follow.CallbackAfterFollowAdd");
    assert_eq!(line["FollowList"][0]["To_Account"], "carol");
}

#[test]
fn help_prints_usage_and_exits() {
    let out = Command::new(receiver_bin()).arg("--help").output().unwrap();
    assert!(out.status.success());
    let help = String::from_utf8(out.stdout).unwrap();
    for flag in ["--listen", "--sdkappid", "--token"] {
        assert!(help.contains(flag), "{help}");
    }
}

#[test]
fn an_invalid_token_is_refused_at_start() {
    let out = Command::new(receiver_bin())
        .args(["--sdkappid", "1", "--token", ""])
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(out.stdout.is_empty());
    assert!(String::from_utf8(out.stderr).unwrap().contains("1 to 128"));
    // No token anywhere.
    let out = Command::new(receiver_bin())
        .args(["--sdkappid", "1"])
        .env_remove("IM_WEBHOOK_TOKEN")
        .output()
        .unwrap();
    assert!(!out.status.success());
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(stderr.contains("IM_WEBHOOK_TOKEN"), "{stderr}");
}

/// A signed friend_delete is accepted (200) by the receiver at `addr`: it holds `TOKEN`.
fn accepts_the_token(addr: &str) {
    let delete = r#"{"CallbackCommand":"Sns.CallbackFriendDelete","PairList":[]}"#;
    let (status, _) = post(addr, &signed_query("Sns.CallbackFriendDelete"), delete);
    assert_eq!(status, 200);
}

#[test]
fn the_token_can_come_from_a_file_or_the_environment() {
    let receiver = RunningReceiver::start_with(&[], Some(TOKEN));
    accepts_the_token(&receiver.addr());

    let file = std::env::temp_dir().join(format!("receiver-token-{}.txt", std::process::id()));
    std::fs::write(&file, format!("{TOKEN}\n")).unwrap();
    let receiver = RunningReceiver::start_with(
        &["--token-file", file.to_str().unwrap()],
        Some("another-token"),
    );
    accepts_the_token(&receiver.addr());
    drop(receiver);
    let _ = std::fs::remove_file(&file);
}

#[test]
fn an_idle_connection_is_closed_after_the_header_timeout() {
    let receiver =
        RunningReceiver::start_with(&["--token", TOKEN, "--header-timeout-secs", "1"], None);
    let addr = receiver.addr();
    let mut idle = TcpStream::connect(&addr).unwrap();
    // Far above the 1 s timeout: only a receiver that never closes idle connections fails.
    idle.set_read_timeout(Some(Duration::from_secs(60)))
        .unwrap();
    let mut buf = [0u8; 64];
    let read = idle.read(&mut buf);
    assert!(
        matches!(read, Ok(0))
            || matches!(&read, Err(e) if e.kind() == std::io::ErrorKind::ConnectionReset),
        "{read:?}"
    );
    // The receiver still serves others.
    accepts_the_token(&addr);
}
