//! The paging streams against hostile servers that never finish: each stream ends with a typed
//! error after a bounded number of requests.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use futures::TryStreamExt;
use im_testkit::serve_json;
use serde_json::{json, Value};
use tencent_im_core::{Client, Error, PagingError, RateLimit, RetryPolicy};
use tencent_im_friends::paging;

fn client(base: &str) -> Client {
    Client::builder(1400000000, "paging-test-key", "administrator")
        .base_url(base)
        .rate_limit(RateLimit::Off)
        .retry(RetryPolicy::none())
        .build()
        .unwrap()
}

fn start_index(request: &Value) -> u64 {
    request["StartIndex"].as_u64().unwrap()
}

fn friends(from: u64, count: u64) -> Value {
    (from..from + count)
        .map(|i| json!({"To_Account": format!("f{i}"), "ValueItem": []}))
        .collect()
}

/// Runs `stream` to its end, within a bound that only a looping client reaches.
async fn collect<T>(
    stream: impl futures::Stream<Item = Result<T, Error>>,
) -> Result<Vec<T>, Error> {
    tokio::time::timeout(Duration::from_secs(60), stream.try_collect())
        .await
        .expect("the stream did not end")
}

/// How a listing that the paging guard stopped ended: the call the error names, the problem,
/// and how many requests the server answered until then.
type Stopped = (&'static str, PagingError, usize);

/// Lists alice's friends from a server answering `reply`, expecting the listing to be stopped.
async fn friends_stopped(reply: impl Fn(&Value) -> Value + Send + Sync + 'static) -> Stopped {
    let (base, served) = serve_json(reply).await;
    let err = collect(paging::friends(&client(&base), "alice"))
        .await
        .unwrap_err();
    stopped(err, &served)
}

/// Lists alice's blocklist in pages of `page_size` from a server answering `reply`, expecting
/// the listing to be stopped.
async fn blocklist_stopped(
    page_size: u64,
    reply: impl Fn(&Value) -> Value + Send + Sync + 'static,
) -> Stopped {
    let (base, served) = serve_json(reply).await;
    let err = collect(paging::blocklist(&client(&base), "alice", page_size))
        .await
        .unwrap_err();
    stopped(err, &served)
}

fn stopped(err: Error, served: &AtomicUsize) -> Stopped {
    match err {
        Error::Paging { path, problem } => (path, problem, served.load(Ordering::SeqCst)),
        other => panic!("expected a paging error, got {other:?}"),
    }
}

#[tokio::test]
async fn friends_stop_when_a_page_does_not_advance() {
    // The server: CompleteFlag 0, NextStartIndex 1, forever.
    let (path, problem, requests) =
        friends_stopped(|_| json!({"CompleteFlag": 0, "NextStartIndex": 1, "FriendNum": 10})).await;
    assert_eq!(path, "v4/sns/friend_get");
    assert_eq!(
        problem,
        PagingError::NotAdvancing {
            start: 0,
            next: 1,
            items: 0
        }
    );
    assert_eq!(requests, 1);

    // Pages with friends whose next index stays put.
    let (_, problem, requests) = friends_stopped(|request| {
        json!({"UserDataItem": friends(start_index(request), 1), "CompleteFlag": 0, "NextStartIndex": 1, "FriendNum": 10})
    })
    .await;
    assert_eq!(
        problem,
        PagingError::NotAdvancing {
            start: 1,
            next: 1,
            items: 1
        }
    );
    assert_eq!(requests, 2);
}

#[tokio::test]
async fn friends_stop_when_more_arrive_than_friend_num() {
    let (_, problem, requests) = friends_stopped(|request| {
        let start = start_index(request);
        json!({"UserDataItem": friends(start, 2), "CompleteFlag": 0, "NextStartIndex": start + 2, "FriendNum": 5})
    })
    .await;
    assert_eq!(
        problem,
        PagingError::TooManyItems {
            received: 6,
            limit: 5
        }
    );
    assert_eq!(requests, 3);

    // A total that keeps growing is capped by the documented maximum of 3000 friends.
    let (_, problem, requests) = friends_stopped(|request| {
        let start = start_index(request);
        json!({"UserDataItem": friends(start, 500), "CompleteFlag": 0, "NextStartIndex": start + 500, "FriendNum": start + 10_000})
    })
    .await;
    assert_eq!(
        problem,
        PagingError::TooManyItems {
            received: 3500,
            limit: 3000
        }
    );
    assert_eq!(requests, 7);
}

#[tokio::test]
async fn honest_pages_are_all_read() {
    let (base, served) = serve_json(|request| {
        let start = start_index(request);
        let done = start + 2 >= 5;
        json!({
            "UserDataItem": friends(start, if done { 5 - start } else { 2 }),
            "CompleteFlag": u32::from(done),
            "NextStartIndex": if done { 0 } else { start + 2 },
            "FriendNum": 5,
        })
    })
    .await;
    let all = collect(paging::friends(&client(&base), "alice"))
        .await
        .unwrap();
    assert_eq!(all.len(), 5);
    assert_eq!(served.load(Ordering::SeqCst), 3);
}

#[tokio::test]
async fn blocklist_stops_when_a_page_does_not_advance() {
    let (path, problem, requests) = blocklist_stopped(
        10,
        |_| json!({"BlackListItem": [{"To_Account": "b"}], "StartIndex": 1}),
    )
    .await;
    assert_eq!(path, "v4/sns/black_list_get");
    assert!(
        matches!(
            problem,
            PagingError::NotAdvancing {
                start: 1,
                next: 1,
                ..
            }
        ),
        "{problem:?}"
    );
    assert_eq!(requests, 2);
}

#[tokio::test]
async fn blocklist_stops_past_the_documented_maximum() {
    let (_, problem, requests) = blocklist_stopped(100, |request| {
        let start = start_index(request);
        let items: Value = (start..start + 100)
            .map(|i| json!({"To_Account": format!("b{i}")}))
            .collect();
        json!({"BlackListItem": items, "StartIndex": start + 100})
    })
    .await;
    assert_eq!(
        problem,
        PagingError::TooManyItems {
            received: 1100,
            limit: 1000
        }
    );
    assert_eq!(requests, 11);
}
