//! The follow listing stream against hostile servers that never finish: the stream ends with a
//! typed error after a bounded number of requests.

use std::sync::atomic::Ordering;

use futures::TryStreamExt;
use im_testkit::serve_json;
use serde_json::{json, Value};
use tencent_im_core::{Client, Error, PagingError, RateLimit, RetryPolicy};
use tencent_im_follow::{paging, FollowType};

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
    let (base, served) = serve_json(reply).await;
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
    let (base, served) = serve_json(|request| {
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
