//! Test doubles for the SDK's own tests. Not published: the published crates name it as a
//! path-only dev-dependency, which `cargo package` leaves out.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use serde_json::{json, Value};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

/// Requests after which the server stops answering, so that a looping client ends anyway.
pub const MAX_REQUESTS: usize = 2000;

/// A server that answers every request with `reply(request body)` as a 200 JSON answer with
/// `ActionStatus` OK and `ErrorCode` 0 added, up to
/// [`MAX_REQUESTS`]. Returns the base URL and the number of requests answered.
pub async fn serve_json(
    reply: impl Fn(&Value) -> Value + Send + Sync + 'static,
) -> (String, Arc<AtomicUsize>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let served = Arc::new(AtomicUsize::new(0));
    let counter = Arc::clone(&served);
    let reply = Arc::new(reply);
    tokio::spawn(async move {
        while let Ok((mut socket, _)) = listener.accept().await {
            let counter = Arc::clone(&counter);
            let reply = Arc::clone(&reply);
            tokio::spawn(async move {
                let mut buf = vec![0u8; 16 * 1024];
                let mut seen = Vec::new();
                loop {
                    let (head_end, len) = loop {
                        if let Some(end) = seen.windows(4).position(|w| w == b"\r\n\r\n") {
                            let head = String::from_utf8_lossy(&seen[..end]).to_lowercase();
                            let len = head
                                .lines()
                                .find_map(|l| l.strip_prefix("content-length:"))
                                .and_then(|v| v.trim().parse::<usize>().ok())
                                .unwrap_or(0);
                            if seen.len() >= end + 4 + len {
                                break (end, len);
                            }
                        }
                        let n = socket.read(&mut buf).await.unwrap_or(0);
                        if n == 0 {
                            return;
                        }
                        seen.extend_from_slice(&buf[..n]);
                    };
                    let request: Value =
                        serde_json::from_slice(&seen[head_end + 4..head_end + 4 + len]).unwrap();
                    seen.drain(..head_end + 4 + len);
                    if counter.fetch_add(1, Ordering::SeqCst) >= MAX_REQUESTS {
                        return;
                    }
                    let mut body = reply(&request);
                    body["ActionStatus"] = json!("OK");
                    body["ErrorCode"] = json!(0);
                    let body = body.to_string();
                    let answer = format!(
                        "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\r\n{body}",
                        body.len()
                    );
                    if socket.write_all(answer.as_bytes()).await.is_err() {
                        return;
                    }
                }
            });
        }
    });
    (base, served)
}
