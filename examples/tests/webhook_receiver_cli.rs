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
        let mut child = Command::new(receiver_bin())
            .args([
                "--listen",
                "127.0.0.1:0",
                "--sdkappid",
                &APP.to_string(),
                "--token",
                TOKEN,
            ])
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
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
}
