//! `serve` against slow, idle and too many clients, on tokio's paused clock: the timeouts are
//! reached without sleeping for real.
#![cfg(feature = "axum")]

use std::time::Duration;

use tencent_im_core::ManualClock;
use tencent_im_webhooks::{serve, sign, ServeLimits, Verifier, WebhookToken, Webhooks};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::time::Instant;

const APP: u64 = 1_400_000_000;
const NOW: u64 = 1_669_872_112;
const TIMEOUT: Duration = Duration::from_secs(5);

/// A receiver of app `APP` served under `limits`; its address.
async fn start(limits: ServeLimits) -> String {
    let token = WebhookToken::new("xxxxyyyy").unwrap();
    let router = Webhooks::new(Verifier::new(APP, token).clock(ManualClock::new(NOW))).router();
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap().to_string();
    tokio::spawn(serve(listener, router, limits, std::future::pending()));
    addr
}

fn request(addr: &str) -> String {
    let token = WebhookToken::new("xxxxyyyy").unwrap();
    let body = r#"{"CallbackCommand":"Sns.CallbackFriendDelete","PairList":[]}"#;
    format!(
        "POST /?SdkAppid={APP}&CallbackCommand=Sns.CallbackFriendDelete&contenttype=json\
         &ClientIP=127.0.0.1&OptPlatform=RESTAPI&Sign={}&RequestTime={NOW} HTTP/1.1\r\n\
         Host: {addr}\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}",
        sign(&token, &NOW.to_string()),
        body.len()
    )
}

/// Reads until the server closes; what it sent.
async fn read_to_close(stream: &mut TcpStream) -> String {
    let mut answer = Vec::new();
    let _ = stream.read_to_end(&mut answer).await;
    String::from_utf8_lossy(&answer).into_owned()
}

fn limits() -> ServeLimits {
    ServeLimits::default().header_timeout(TIMEOUT)
}

#[tokio::test(start_paused = true)]
async fn a_kept_alive_connection_answers_then_closes_when_idle() {
    let addr = start(limits()).await;
    let mut client = TcpStream::connect(&addr).await.unwrap();
    client.write_all(request(&addr).as_bytes()).await.unwrap();
    let started = Instant::now();
    let answer = read_to_close(&mut client).await;
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
    // Kept alive after the answer, then closed for sitting idle.
    let closed_after = started.elapsed();
    assert!(
        closed_after >= TIMEOUT && closed_after < TIMEOUT * 2,
        "{closed_after:?}"
    );
}

#[tokio::test(start_paused = true)]
async fn a_client_that_sends_nothing_or_a_head_too_slowly_is_closed() {
    let addr = start(limits()).await;
    let started = Instant::now();
    let mut silent = TcpStream::connect(&addr).await.unwrap();
    let answer = read_to_close(&mut silent).await;
    assert!(!answer.contains("200"), "{answer}");
    let closed_after = started.elapsed();
    assert!(closed_after >= TIMEOUT, "{closed_after:?}");
    assert!(closed_after < TIMEOUT * 2, "{closed_after:?}");

    // A head dripped a byte a second never completes within the timeout.
    let started = Instant::now();
    let mut slow = TcpStream::connect(&addr).await.unwrap();
    let head = request(&addr);
    let mut closed = false;
    for byte in head.as_bytes().iter().take(60) {
        if slow.write_all(&[*byte]).await.is_err() {
            closed = true;
            break;
        }
        tokio::time::sleep(Duration::from_secs(1)).await;
    }
    let answer = read_to_close(&mut slow).await;
    assert!(closed || !answer.contains(" 200 "), "{answer}");
    assert!(
        started.elapsed() < Duration::from_secs(60),
        "{:?}",
        started.elapsed()
    );
}

#[tokio::test(start_paused = true)]
async fn connections_past_the_cap_wait_for_a_free_slot() {
    let addr = start(limits().max_connections(1)).await;
    let started = Instant::now();
    // Holds the only slot, sending nothing.
    let _idle = TcpStream::connect(&addr).await.unwrap();
    tokio::task::yield_now().await;
    let mut second = TcpStream::connect(&addr).await.unwrap();
    second.write_all(request(&addr).as_bytes()).await.unwrap();
    let mut first_bytes = [0u8; 12];
    second.read_exact(&mut first_bytes).await.unwrap();
    assert_eq!(&first_bytes, b"HTTP/1.1 200");
    // Answered only once the idle connection had been closed.
    let answered_after = started.elapsed();
    assert!(
        answered_after >= TIMEOUT && answered_after < TIMEOUT * 2,
        "{answered_after:?}"
    );
}
