//! Failover: a primary host that cannot be reached sends calls to the backup host for the
//! cool-down, and they return to the primary after it. Two loopback servers play the hosts;
//! tokio's paused clock plays the cool-down.

use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

mod common;

use common::log_capture::capture;
use tencent_im_core::{im_api, Client, Error, RetryPolicy};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

const KEY: &str = "super-secret-key-value";

#[im_api(path = "v4/sns/friend_get", rate = 200)]
#[derive(Debug)]
pub struct Probe {
    pub from_account: String,
}

#[derive(Debug, serde::Deserialize)]
pub struct ProbeResponse {
    /// Which server answered.
    #[serde(rename = "FriendNum")]
    pub friend_num: u64,
}

fn probe() -> Probe {
    Probe {
        from_account: "alice".into(),
    }
}

/// A loopback HTTP server answering `{"FriendNum": id}` while `healthy`, and holding each
/// connection unanswered otherwise. Counts the requests it answered.
struct Server {
    base_url: String,
    healthy: Arc<AtomicBool>,
    answered: Arc<AtomicUsize>,
}

async fn server(id: u64, healthy: bool) -> Server {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base_url = format!("http://{}", listener.local_addr().unwrap());
    let healthy = Arc::new(AtomicBool::new(healthy));
    let answered = Arc::new(AtomicUsize::new(0));
    let (is_healthy, counter) = (Arc::clone(&healthy), Arc::clone(&answered));
    tokio::spawn(async move {
        let mut held = Vec::new();
        loop {
            let (mut socket, _) = listener.accept().await.unwrap();
            if !is_healthy.load(Ordering::SeqCst) {
                // Never answered: the client's attempt times out.
                held.push(socket);
                continue;
            }
            let counter = Arc::clone(&counter);
            tokio::spawn(async move {
                let mut seen = Vec::new();
                let mut buf = [0u8; 4096];
                // The head and the small body; the body ends the JSON object.
                while !(seen.windows(4).any(|w| w == b"\r\n\r\n") && seen.ends_with(b"}")) {
                    let n = socket.read(&mut buf).await.unwrap_or(0);
                    if n == 0 {
                        return;
                    }
                    seen.extend_from_slice(&buf[..n]);
                }
                let body = format!(r#"{{"ActionStatus":"OK","ErrorCode":0,"FriendNum":{id}}}"#);
                let answer = format!(
                    "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\
                     connection: close\r\n\r\n{body}",
                    body.len()
                );
                counter.fetch_add(1, Ordering::SeqCst);
                let _ = socket.write_all(answer.as_bytes()).await;
            });
        }
    });
    Server {
        base_url,
        healthy,
        answered,
    }
}

fn client(primary: &str, backup: &str) -> Client {
    Client::builder(1400000000, KEY, "administrator")
        .base_url(primary)
        .backup_base_url(backup)
        .failover_cool_down(Duration::from_secs(60))
        .retry(
            RetryPolicy::default()
                .max_attempts(3)
                .min_delay(Duration::from_millis(1))
                .max_delay(Duration::from_millis(2)),
        )
        .build()
        .unwrap()
}

#[tokio::test(start_paused = true)]
async fn calls_go_to_the_backup_for_the_cool_down_then_back_to_the_primary() {
    let (capture, _guard) = capture();
    let primary = server(1, false).await;
    let backup = server(2, true).await;
    let client = client(&primary.base_url, &backup.base_url);
    let sig = usersig_of(&client);
    assert_eq!(client.current_base_url(), primary.base_url);

    // The first attempt gets no answer from the primary within the timeout; its retry goes to
    // the backup.
    let answer = client.call(&probe()).await.unwrap();
    assert_eq!(answer.friend_num, 2, "answered by the backup");
    assert_eq!(client.current_base_url(), backup.base_url);

    // The primary recovers, but calls stay on the backup for the cool-down, clones included.
    primary.healthy.store(true, Ordering::SeqCst);
    tokio::time::advance(Duration::from_secs(59)).await;
    let clone = client.clone();
    assert_eq!(clone.call(&probe()).await.unwrap().friend_num, 2);
    assert_eq!(primary.answered.load(Ordering::SeqCst), 0);
    assert_eq!(backup.answered.load(Ordering::SeqCst), 2);

    // After it, back to the primary.
    tokio::time::advance(Duration::from_secs(1)).await;
    assert_eq!(client.call(&probe()).await.unwrap().friend_num, 1);
    assert_eq!(clone.current_base_url(), primary.base_url);
    assert_eq!(primary.answered.load(Ordering::SeqCst), 1);
    assert_eq!(backup.answered.load(Ordering::SeqCst), 2);

    let lines = capture.lines.lock().unwrap().join("\n");
    assert!(
        lines.contains("primary host unreachable: calls go to the backup host"),
        "{lines}"
    );
    assert!(lines.contains(&backup.base_url), "{lines}");
    assert!(
        lines.contains("calls go to the primary host again"),
        "{lines}"
    );
    assert!(
        !lines.contains(&sig),
        "the UserSig leaked into a log line: {lines}"
    );
    assert!(!lines.contains(KEY), "{lines}");
}

#[tokio::test(start_paused = true)]
async fn a_closed_port_fails_over_at_once() {
    // Bound, then closed: connections to it are refused.
    let closed = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let closed_url = format!("http://{}", closed.local_addr().unwrap());
    drop(closed);
    let backup = server(2, true).await;
    let client = client(&closed_url, &backup.base_url);
    assert_eq!(client.call(&probe()).await.unwrap().friend_num, 2);
    assert_eq!(client.current_base_url(), backup.base_url);
}

#[tokio::test(start_paused = true)]
async fn proxy_credentials_in_base_urls_stay_out_of_logs_and_debug() {
    const PASSWORD: &str = "pr0xy-pass";
    let (capture, _guard) = capture();
    let closed = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let primary = format!(
        "http://proxyuser:{PASSWORD}@{}",
        closed.local_addr().unwrap()
    );
    drop(closed);
    let backup = server(2, true).await;
    let backup_url = backup
        .base_url
        .replace("http://", &format!("http://backupuser:{PASSWORD}@"));
    let client = client(&primary, &backup_url);
    let debug = format!("{client:?}");
    assert!(!debug.contains(PASSWORD), "{debug}");
    assert!(debug.contains("<redacted>@127.0.0.1"), "{debug}");

    // The refused primary sends calls to the backup (a warning), and the end of the
    // cool-down brings them back (a notice), each naming both hosts.
    assert_eq!(client.call(&probe()).await.unwrap().friend_num, 2);
    tokio::time::advance(Duration::from_secs(60)).await;
    assert_eq!(client.call(&probe()).await.unwrap().friend_num, 2);

    let lines = capture.lines.lock().unwrap().join("\n");
    assert!(
        lines.contains("primary host unreachable: calls go to the backup host"),
        "{lines}"
    );
    assert!(lines.contains("failover cool-down over"), "{lines}");
    assert!(lines.contains("<redacted>@127.0.0.1"), "{lines}");
    assert!(
        !lines.contains(PASSWORD),
        "a proxy password leaked: {lines}"
    );
    // The URLs the client sends to keep their credentials.
    assert_eq!(client.base_url(), primary);
}

#[tokio::test(start_paused = true)]
async fn a_kept_alive_connection_closed_by_the_server_is_retried_without_failing_over() {
    // Answers the first request of each connection and keeps it alive, then closes it when
    // the next request arrives on it: a stale pooled connection.
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let primary = format!("http://{}", listener.local_addr().unwrap());
    let answered = Arc::new(AtomicUsize::new(0));
    let counter = Arc::clone(&answered);
    tokio::spawn(async move {
        while let Ok((mut socket, _)) = listener.accept().await {
            let counter = Arc::clone(&counter);
            tokio::spawn(async move {
                for request in 0.. {
                    let mut seen = Vec::new();
                    let mut buf = [0u8; 4096];
                    while !(seen.windows(4).any(|w| w == b"\r\n\r\n") && seen.ends_with(b"}")) {
                        let n = socket.read(&mut buf).await.unwrap_or(0);
                        if n == 0 {
                            return;
                        }
                        seen.extend_from_slice(&buf[..n]);
                    }
                    if request > 0 {
                        return;
                    }
                    let body = r#"{"ActionStatus":"OK","ErrorCode":0,"FriendNum":1}"#;
                    let answer = format!(
                        "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\n\
                         content-length: {}\r\n\r\n{body}",
                        body.len()
                    );
                    counter.fetch_add(1, Ordering::SeqCst);
                    let _ = socket.write_all(answer.as_bytes()).await;
                }
            });
        }
    });
    let backup = server(2, true).await;
    let client = client(&primary, &backup.base_url);
    assert_eq!(client.call(&probe()).await.unwrap().friend_num, 1);
    // Sent on the kept-alive connection, which the server closes; the retry opens a new one.
    assert_eq!(client.call(&probe()).await.unwrap().friend_num, 1);
    assert_eq!(answered.load(Ordering::SeqCst), 2);
    assert_eq!(client.current_base_url(), primary);
    assert_eq!(backup.answered.load(Ordering::SeqCst), 0);
}

#[tokio::test(start_paused = true)]
async fn a_primary_that_never_answers_fails_over_after_the_timeout() {
    // Accepts and holds every connection without a word.
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let silent = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move {
        let mut held = Vec::new();
        while let Ok((socket, _)) = listener.accept().await {
            held.push(socket);
        }
    });
    let backup = server(2, true).await;
    let client = Client::builder(1400000000, KEY, "administrator")
        .base_url(&silent)
        .backup_base_url(&backup.base_url)
        .timeout(Duration::from_secs(5))
        .retry(RetryPolicy::none())
        .build()
        .unwrap();
    let err = client.call(&probe()).await.unwrap_err();
    assert!(matches!(err, Error::Timeout { .. }), "{err:?}");
    assert_eq!(client.current_base_url(), backup.base_url);
    assert_eq!(client.call(&probe()).await.unwrap().friend_num, 2);
}

#[tokio::test(start_paused = true)]
async fn answers_that_are_errors_do_not_fail_over() {
    // HTTP 503, then an envelope error: the host is reachable.
    let envelope = r#"{"ActionStatus":"FAIL","ErrorCode":30006,"ErrorInfo":""}"#;
    for answer in [
        "HTTP/1.1 503 Service Unavailable\r\ncontent-length: 0\r\nconnection: close\r\n\r\n"
            .to_owned(),
        format!(
            "HTTP/1.1 200 OK\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{envelope}",
            envelope.len()
        ),
    ] {
        let reply = answer.clone();
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        tokio::spawn(async move {
            while let Ok((mut socket, _)) = listener.accept().await {
                let reply = reply.clone();
                tokio::spawn(async move {
                    let mut buf = [0u8; 4096];
                    let _ = socket.read(&mut buf).await;
                    let _ = socket.write_all(reply.as_bytes()).await;
                });
            }
        });
        let backup = server(2, true).await;
        let client = Client::builder(1400000000, KEY, "administrator")
            .base_url(&base)
            .backup_base_url(&backup.base_url)
            .retry(RetryPolicy::none())
            .build()
            .unwrap();
        client.call(&probe()).await.unwrap_err();
        assert_eq!(client.current_base_url(), base, "{answer}");
        assert_eq!(backup.answered.load(Ordering::SeqCst), 0);
    }
}

fn usersig_of(client: &Client) -> String {
    let url = client.request_url("v4/sns/friend_get").unwrap();
    url.split("usersig=")
        .nth(1)
        .and_then(|rest| rest.split('&').next())
        .unwrap()
        .to_owned()
}
