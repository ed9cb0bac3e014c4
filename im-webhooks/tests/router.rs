//! The `Webhooks` router driven in-process with `tower::ServiceExt::oneshot`: dispatch, answers,
//! the handler deadline (on tokio's paused clock: nothing sleeps for real), and hostile requests.
#![cfg(feature = "axum")]

use std::sync::{Arc, Mutex};
use std::time::Duration;

use serde_json::{json, Value};
use tencent_im_core::ManualClock;
use tencent_im_webhooks::axum::body::{Body, Bytes};
use tencent_im_webhooks::axum::http::{Request, StatusCode};
use tencent_im_webhooks::axum::Router;
use tencent_im_webhooks::{sign, Event, PrevAnswer, Verdict, Verifier, WebhookToken, Webhooks};
use tower::ServiceExt;

const APP: u64 = 1_400_000_000;
const NOW: u64 = 1_669_872_112;
const FRIEND_DELETE: &str = r#"{"CallbackCommand":"Sns.CallbackFriendDelete","PairList":[{"From_Account":"a","To_Account":"b"}]}"#;
const PREV_ADD: &str = r#"{"CallbackCommand":"Sns.CallbackPrevFriendAdd","Requester_Account":"a","From_Account":"a",
    "FriendItem":[{"To_Account":"friend","AddSource":"AddSource_Type_Web"},
                  {"To_Account":"spammer","AddSource":"AddSource_Type_Web","AddWording":"buy now"}],
    "AddType":"Add_Type_Both","ForceAddFlags":0,"EventTime":1669872112000}"#;

fn token() -> WebhookToken {
    WebhookToken::new("xxxxyyyy").unwrap()
}

fn verifier() -> Verifier {
    Verifier::new(APP, token()).clock(ManualClock::new(NOW))
}

fn signed_uri(command: &str) -> String {
    format!(
        "/callback?SdkAppid={APP}&CallbackCommand={command}&contenttype=json&ClientIP=10.0.0.1\
         &OptPlatform=IOS&Sign={}&RequestTime={NOW}",
        sign(&token(), &NOW.to_string())
    )
}

async fn send(
    router: &Router,
    method: &str,
    uri: &str,
    body: impl Into<Body>,
) -> (StatusCode, Value) {
    let request = Request::builder()
        .method(method)
        .uri(uri)
        .header("content-type", "application/json")
        .body(body.into())
        .unwrap();
    let response = router.clone().oneshot(request).await.unwrap();
    let status = response.status();
    assert_eq!(
        response.headers()["content-type"],
        "application/json; charset=utf-8"
    );
    let bytes = tencent_im_webhooks::axum::body::to_bytes(response.into_body(), 1 << 20)
        .await
        .unwrap();
    let json = serde_json::from_slice(&bytes)
        .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&bytes)));
    (status, json)
}

/// POSTs `body` as Tencent would deliver `command`: to a correctly signed URL.
async fn post_signed(router: &Router, command: &str, body: impl Into<Body>) -> (StatusCode, Value) {
    send(router, "POST", &signed_uri(command), body).await
}

/// A router whose `on_event` records every event it sees.
fn recording() -> (Router, Arc<Mutex<Vec<Event>>>) {
    let seen = Arc::new(Mutex::new(Vec::new()));
    let log = seen.clone();
    let router = Webhooks::new(verifier())
        .on_event(move |callback| {
            let log = log.clone();
            async move { log.lock().unwrap().push(callback.event) }
        })
        .router();
    (router, seen)
}

#[tokio::test]
async fn an_after_callback_reaches_on_event_and_gets_the_plain_envelope() {
    let (router, seen) = recording();
    let (status, answer) = post_signed(&router, "Sns.CallbackFriendDelete", FRIEND_DELETE).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        answer,
        json!({"ActionStatus": "OK", "ErrorCode": 0, "ErrorInfo": ""})
    );
    let seen = seen.lock().unwrap();
    assert!(matches!(&seen[..], [Event::FriendDelete(d)] if d.pair_list[0].to_account == "b"));
}

#[tokio::test]
async fn a_before_callback_is_decided_item_by_item_by_its_handler() {
    let router = Webhooks::new(verifier())
        .on_prev_friend_add(|query, request| async move {
            assert_eq!(query.client_ip.as_deref(), Some("10.0.0.1"));
            request
                .friend_item
                .iter()
                .fold(PrevAnswer::new(), |answer, item| {
                    if item.add_wording.is_some() {
                        answer.refuse(&item.to_account, Verdict::refuse(38005).unwrap(), "spam")
                    } else {
                        answer.allow(&item.to_account)
                    }
                })
        })
        .router();
    let (status, answer) = post_signed(&router, "Sns.CallbackPrevFriendAdd", PREV_ADD).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        answer,
        json!({
            "ActionStatus": "OK", "ErrorCode": 0, "ErrorInfo": "",
            "ResultItem": [
                {"To_Account": "friend", "ResultCode": 0, "ResultInfo": ""},
                {"To_Account": "spammer", "ResultCode": 38005, "ResultInfo": "spam"}
            ]
        })
    );
}

#[tokio::test]
async fn a_before_callback_without_its_handler_is_seen_and_let_through() {
    let (router, seen) = recording();
    let (status, answer) = post_signed(&router, "Sns.CallbackPrevFriendAdd", PREV_ADD).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(answer["ResultItem"][0]["ResultCode"], 0);
    assert_eq!(answer["ResultItem"][1]["To_Account"], "spammer");
    assert_eq!(answer["ResultItem"][1]["ResultCode"], 0);
    assert!(matches!(
        &seen.lock().unwrap()[..],
        [Event::PrevFriendAdd(_)]
    ));
}

#[tokio::test]
async fn an_unknown_command_is_delivered_and_acknowledged() {
    let (router, seen) = recording();
    let (status, _) = post_signed(
        &router,
        "State.StateChange",
        r#"{"CallbackCommand":"State.StateChange","Info":{"Action":"Login","To_Account":"a"}}"#,
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        matches!(&seen.lock().unwrap()[..], [Event::Unknown(u)] if u.command == "State.StateChange")
    );
}

#[tokio::test(start_paused = true)]
async fn a_handler_that_overruns_gets_a_timeout_answer() {
    let router = Webhooks::new(verifier())
        .timeout(Duration::from_millis(1500))
        .on_event(|_| async { tokio::time::sleep(Duration::from_secs(10)).await })
        .router();
    // The paused clock jumps to the deadline as soon as every task is idle.
    let (status, answer) = post_signed(&router, "Sns.CallbackFriendDelete", FRIEND_DELETE).await;
    assert_eq!(status, StatusCode::GATEWAY_TIMEOUT);
    assert_eq!(answer["ActionStatus"], "FAIL");
    assert_eq!(answer["ErrorCode"], 504);
    assert!(answer["ErrorInfo"].as_str().unwrap().contains("1500 ms"));
}

#[tokio::test]
async fn a_handler_that_panics_gets_a_500_answer() {
    let router = Webhooks::new(verifier())
        .on_event(|_| async { panic!("handler bug") })
        .router();
    let (status, answer) = post_signed(&router, "Sns.CallbackFriendDelete", FRIEND_DELETE).await;
    assert_eq!(status, StatusCode::INTERNAL_SERVER_ERROR);
    assert_eq!(answer["ActionStatus"], "FAIL");
}

#[tokio::test]
async fn hostile_requests_are_refused_with_an_envelope_and_reach_no_handler() {
    let (router, seen) = recording();
    let good_sign = sign(&token(), &NOW.to_string());
    let stale_sign = sign(&token(), &(NOW - 3600).to_string());
    let cases: Vec<(String, String, StatusCode)> = vec![
        // No query at all.
        ("/".into(), FRIEND_DELETE.into(), StatusCode::BAD_REQUEST),
        // Unsigned.
        (
            format!("/?SdkAppid={APP}&CallbackCommand=Sns.CallbackFriendDelete"),
            FRIEND_DELETE.into(),
            StatusCode::UNAUTHORIZED,
        ),
        // Bad signature.
        (
            format!("/?SdkAppid={APP}&CallbackCommand=Sns.CallbackFriendDelete&Sign={}&RequestTime={NOW}", "0".repeat(64)),
            FRIEND_DELETE.into(),
            StatusCode::UNAUTHORIZED,
        ),
        // Stale RequestTime, correctly signed (a replay).
        (
            format!("/?SdkAppid={APP}&CallbackCommand=Sns.CallbackFriendDelete&Sign={stale_sign}&RequestTime={}", NOW - 3600),
            FRIEND_DELETE.into(),
            StatusCode::UNAUTHORIZED,
        ),
        // Another app.
        (
            format!("/?SdkAppid=1&CallbackCommand=Sns.CallbackFriendDelete&Sign={good_sign}&RequestTime={NOW}"),
            FRIEND_DELETE.into(),
            StatusCode::UNAUTHORIZED,
        ),
        // Two SdkAppids.
        (
            format!("/?SdkAppid={APP}&SdkAppid=1&CallbackCommand=Sns.CallbackFriendDelete&Sign={good_sign}&RequestTime={NOW}"),
            FRIEND_DELETE.into(),
            StatusCode::BAD_REQUEST,
        ),
        // Malformed bodies.
        (signed_uri("Sns.CallbackFriendDelete"), "{".into(), StatusCode::BAD_REQUEST),
        (signed_uri("Sns.CallbackFriendDelete"), "".into(), StatusCode::BAD_REQUEST),
        (
            signed_uri("Sns.CallbackFriendDelete"),
            r#"{"PairList":"nope"}"#.into(),
            StatusCode::BAD_REQUEST,
        ),
        // The body names another command than the query.
        (signed_uri("Sns.CallbackFriendAdd"), FRIEND_DELETE.into(), StatusCode::BAD_REQUEST),
    ];
    for (uri, body, expected) in cases {
        let (status, answer) = send(&router, "POST", &uri, body).await;
        assert_eq!(status, expected, "{uri}");
        assert_eq!(answer["ActionStatus"], "FAIL", "{uri}");
        assert_eq!(answer["ErrorCode"], expected.as_u16(), "{uri}");
        assert!(answer["ErrorInfo"].as_str().is_some_and(|i| !i.is_empty()));
    }
    let (status, _) = send(&router, "GET", &signed_uri("Sns.CallbackFriendDelete"), "").await;
    assert_eq!(status, StatusCode::METHOD_NOT_ALLOWED);
    assert!(seen.lock().unwrap().is_empty());
}

#[tokio::test]
async fn an_oversized_body_is_refused_without_decoding() {
    let router = Webhooks::new(verifier().body_limit(1024))
        .on_event(|_| async { panic!("must not be called") })
        .router();
    let huge = format!(
        r#"{{"CallbackCommand":"Sns.CallbackFriendDelete","PairList":[],"pad":"{}"}}"#,
        "x".repeat(4096)
    );
    let (status, answer) = post_signed(&router, "Sns.CallbackFriendDelete", huge).await;
    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(answer["ErrorCode"], 413);
    // A stream of unknown length over the limit too.
    let chunks = futures::stream::iter(
        (0..8).map(|_| Ok::<_, std::io::Error>(Bytes::from(vec![b' '; 512]))),
    );
    let (status, _) = post_signed(
        &router,
        "Sns.CallbackFriendDelete",
        Body::from_stream(chunks),
    )
    .await;
    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE);
}

/// A signed caller that never finishes its body is answered within the deadline, not held.
#[tokio::test(start_paused = true)]
async fn a_body_that_never_arrives_is_refused_within_the_deadline() {
    let (router, seen) = recording();
    let never = futures::stream::pending::<Result<Bytes, std::io::Error>>();
    let (status, answer) = post_signed(
        &router,
        "Sns.CallbackFriendDelete",
        Body::from_stream(never),
    )
    .await;
    assert_eq!(status, StatusCode::REQUEST_TIMEOUT);
    assert_eq!(answer["ActionStatus"], "FAIL");
    assert!(seen.lock().unwrap().is_empty());
}

#[test]
fn the_sign_stays_out_of_debug() {
    let uri = signed_uri("Sns.CallbackFriendDelete");
    let (_, query) = uri.split_once('?').unwrap();
    let query = tencent_im_webhooks::CallbackQuery::parse(query).unwrap();
    let sign = query.sign.clone().unwrap();
    let shown = format!("{query:?}");
    assert!(!shown.contains(&sign), "{shown}");
    assert!(shown.contains("<redacted>"), "{shown}");
}
