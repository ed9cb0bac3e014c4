//! The follow listing stream against hostile servers that never finish: the stream ends with a
//! typed error after a bounded number of requests.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use futures::TryStreamExt;
use serde_json::{json, Value};
use tencent_im_core::{Client, Error, PagingError, RateLimit, RetryPolicy};
use tencent_im_follow::{paging, FollowType};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

/// Requests after which the server stops answering, so that a looping client ends anyway.
const MAX_REQUESTS: usize = 2000;

/// Answers every request with `reply(request body)` as a 200 JSON answer, up to
/// [`MAX_REQUESTS`]. Returns the base URL and the number of requests answered.
async fn serve(
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

fn client(base: &str) -> Client {
    Client::builder(1400000000, "paging-test-key", "administrator")
        .base_url(base)
        .rate_limit(RateLimit::Off)
        .retry(RetryPolicy::none())
        .build()
        .unwrap()
}

fn entries(from: usize, count: usize) -> Value {
    (from..from + count)
        .map(|i| json!({"To_Account": format!("f{i}"), "FollowTime": 1702262118}))
        .collect()
}

fn cursor(request: &Value) -> String {
    request["StartCursor"].as_str().unwrap().to_owned()
}

/// Lists alice's `kind` list from a server answering `reply`, expecting the listing to be
/// stopped: the problem and the number of requests answered until then.
async fn stopped(
    kind: FollowType,
    reply: impl Fn(&Value) -> Value + Send + Sync + 'static,
) -> (PagingError, usize) {
    let (base, served) = serve(reply).await;
    let listing = paging::follows(&client(&base), "alice", kind).try_collect::<Vec<_>>();
    match listing.await {
        Err(Error::Paging { path, problem }) => {
            assert_eq!(path, "v4/follow/follow_get");
            (problem, served.load(Ordering::SeqCst))
        }
        other => panic!("expected a paging error, got {other:?}"),
    }
}

#[tokio::test]
async fn a_page_returning_its_own_cursor_ends_the_stream() {
    // Every page answers the same cursor it was asked with: the second request repeats it.
    let (problem, requests) = stopped(
        FollowType::Fans,
        |_| json!({"FollowItem": entries(0, 2), "NextCursor": "same"}),
    )
    .await;
    assert_eq!(
        problem,
        PagingError::NotAdvancing {
            start: 1,
            next: 1,
            items: 2
        }
    );
    assert_eq!(requests, 2);
}

#[tokio::test]
async fn a_cycle_of_cursors_ends_the_stream() {
    // "" -> a -> b -> a: the third page points back at the second page's cursor.
    let (problem, requests) = stopped(FollowType::Following, |request| {
        let next = if cursor(request) == "a" { "b" } else { "a" };
        json!({"FollowItem": entries(0, 1), "NextCursor": next})
    })
    .await;
    assert_eq!(
        problem,
        PagingError::NotAdvancing {
            start: 2,
            next: 1,
            items: 1
        }
    );
    assert_eq!(requests, 3);
}

#[tokio::test]
async fn an_empty_page_that_is_not_the_last_ends_the_stream() {
    let (problem, requests) = stopped(FollowType::Mutual, |request| {
        let next = format!("{}x", cursor(request));
        json!({"FollowItem": [], "NextCursor": next})
    })
    .await;
    assert_eq!(
        problem,
        PagingError::NotAdvancing {
            start: 0,
            next: 1,
            items: 0
        }
    );
    assert_eq!(requests, 1);
}

#[tokio::test]
async fn a_following_list_past_the_documented_maximum_ends_the_stream() {
    let (problem, requests) = stopped(FollowType::Following, |request| {
        let page = cursor(request).len();
        json!({"FollowItem": entries(page * 100, 100), "NextCursor": format!("{}x", cursor(request))})
    })
    .await;
    assert_eq!(
        problem,
        PagingError::TooManyItems {
            received: 5100,
            limit: 5000
        }
    );
    assert_eq!(requests, 51);
}

#[tokio::test]
async fn honest_pages_are_all_read() {
    let (base, served) = serve(|request| {
        let page = cursor(request).len();
        let last = page == 2;
        json!({
            "FollowItem": entries(page * 100, if last { 5 } else { 100 }),
            "NextCursor": if last { String::new() } else { format!("{}x", cursor(request)) },
        })
    })
    .await;
    let all: Vec<_> = paging::follows(&client(&base), "alice", FollowType::Fans)
        .try_collect()
        .await
        .unwrap();
    assert_eq!(all.len(), 205);
    assert_eq!(all[204].to_account, "f204");
    assert_eq!(served.load(Ordering::SeqCst), 3);
}
