//! Hostile clients on loopback: stalled uploads, slowloris headers, idle and surplus
//! connections, oversized or malformed requests, floods of bad signatures, a request log fed
//! large bodies, and a shutdown while clients stall. Time-dependent cases run on tokio's paused
//! clock (it jumps to the next timer whenever every task waits), so they take no real time and
//! do not depend on the machine's speed.

mod common;

use std::net::SocketAddr;
use std::time::Duration;

use common::*;
use tencent_im_accounts::AccountImport;
use tencent_im_core::usersig::UserSigSigner;
use tencent_im_core::{im_api, Client, Empty, ErrorCode, ManualClock, RateLimit, RetryPolicy};
use tencent_im_emulator::{
    Emulator, RunningEmulator, ServerLimits, SigLockout, DEFAULT_MAX_CONNECTIONS,
    DEFAULT_REQUEST_LOG_BYTES, DEFAULT_SIG_LOCKOUT_FAILURES,
};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio::time::timeout;

/// Longer than any of the emulator's own timeouts: when a wait reaches it, the emulator never
/// acted.
const NEVER: Duration = Duration::from_secs(600);

/// A call whose body is as large as the test wants.
#[im_api(path = "v4/test_svc/blob", rate = 100000, response = Empty)]
#[derive(Debug, Clone)]
pub struct Blob {
    pub data: String,
}

/// The signed query of a request to `emulator`.
fn query(emulator: &RunningEmulator) -> String {
    let sig = UserSigSigner::new(emulator.sdkappid(), emulator.secret_key().clone())
        .generate(emulator.admin(), 86_400);
    format!(
        "sdkappid={}&identifier={}&usersig={}&random=7&contenttype=json",
        emulator.sdkappid(),
        emulator.admin(),
        sig.expose_secret()
    )
}

fn post(emulator: &RunningEmulator, path: &str, body: &str) -> Vec<u8> {
    format!(
        "POST /{path}?{} HTTP/1.1\r\nHost: emulator\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}",
        query(emulator),
        body.len()
    )
    .into_bytes()
}

/// Reads one response: its status and its body as JSON (`Null` when the body is not JSON).
/// `None` when the connection ends before a whole head arrives.
async fn read_response(stream: &mut TcpStream) -> Option<(u16, serde_json::Value)> {
    let mut buf = Vec::new();
    let head_end = loop {
        if let Some(end) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            break end + 4;
        }
        let mut chunk = [0u8; 4096];
        match stream.read(&mut chunk).await {
            Ok(0) | Err(_) => return None,
            Ok(n) => buf.extend_from_slice(&chunk[..n]),
        }
    };
    let head = String::from_utf8_lossy(&buf[..head_end]).to_ascii_lowercase();
    let status: u16 = head.split(' ').nth(1)?.parse().ok()?;
    let length: usize = head
        .lines()
        .find_map(|line| line.strip_prefix("content-length:"))
        .and_then(|v| v.trim().parse().ok())
        .unwrap_or(0);
    while buf.len() < head_end + length {
        let mut chunk = [0u8; 4096];
        match stream.read(&mut chunk).await {
            Ok(0) | Err(_) => break,
            Ok(n) => buf.extend_from_slice(&chunk[..n]),
        }
    }
    let body = serde_json::from_slice(&buf[head_end..]).unwrap_or(serde_json::Value::Null);
    Some((status, body))
}

/// Waits until the server closes `stream` (reads return 0 or fail).
async fn closed(stream: &mut TcpStream) {
    let mut sink = [0u8; 1024];
    loop {
        match stream.read(&mut sink).await {
            Ok(0) | Err(_) => return,
            Ok(_) => {}
        }
    }
}

async fn connect(addr: SocketAddr) -> TcpStream {
    TcpStream::connect(addr).await.unwrap()
}

fn assert_envelope(body: &serde_json::Value, code: ErrorCode, context: &str) {
    assert_eq!(body["ActionStatus"], "FAIL", "{context}: {body}");
    assert_eq!(body["ErrorCode"], code.get(), "{context}: {body}");
    assert!(body["ErrorInfo"].is_string(), "{context}: {body}");
}

fn bare_client(emulator: &RunningEmulator) -> Client {
    emulator
        .client_builder()
        .rate_limit(RateLimit::Off)
        .retry(RetryPolicy::none())
        .build()
        .unwrap()
}

#[tokio::test(start_paused = true)]
async fn a_stalled_upload_is_cut_off() {
    let emulator = Emulator::builder().start().await.unwrap();
    let mut stream = connect(emulator.addr()).await;
    let head = format!(
        "POST /v4/im_open_login_svc/account_import?{} HTTP/1.1\r\nHost: e\r\nContent-Length: 2000000\r\n\r\n{{\"UserID\":",
        query(&emulator)
    );
    stream.write_all(head.as_bytes()).await.unwrap();
    // The rest of the body never comes.
    let answer = timeout(NEVER, read_response(&mut stream))
        .await
        .expect("the emulator waits forever for a stalled body");
    if let Some((status, body)) = answer {
        assert_eq!(status, 408);
        assert_envelope(&body, ErrorCode::SERVICE_TIMEOUT, "stalled body");
    }
    timeout(NEVER, closed(&mut stream)).await.unwrap();
}

#[tokio::test(start_paused = true)]
async fn slowloris_headers_and_idle_connections_are_closed() {
    let emulator = Emulator::builder().start().await.unwrap();
    let mut slow = connect(emulator.addr()).await;
    slow.write_all(b"POST /v4/sns/friend_get HTTP/1.1\r\nHost: e\r\nX-Slow: ")
        .await
        .unwrap();
    let mut idle = connect(emulator.addr()).await;
    timeout(NEVER, closed(&mut slow))
        .await
        .expect("a connection may trickle its headers forever");
    timeout(NEVER, closed(&mut idle))
        .await
        .expect("an idle connection is kept forever");

    // A kept-alive connection that goes quiet after an answer is closed too.
    let mut kept = connect(emulator.addr()).await;
    kept.write_all(&post(
        &emulator,
        "v4/im_open_login_svc/account_import",
        r#"{"UserID":"a"}"#,
    ))
    .await
    .unwrap();
    let (status, body) = read_response(&mut kept).await.unwrap();
    assert_eq!((status, &body["ErrorCode"]), (200, &serde_json::json!(0)));
    timeout(NEVER, closed(&mut kept))
        .await
        .expect("a quiet keep-alive connection is kept forever");
}

#[tokio::test(start_paused = true)]
async fn connections_over_the_cap_wait_in_the_backlog() {
    let emulator = Emulator::builder().start().await.unwrap();
    // Fill the default cap with idle connections.
    let mut idle = Vec::new();
    for _ in 0..DEFAULT_MAX_CONNECTIONS {
        idle.push(connect(emulator.addr()).await);
    }
    let mut late = connect(emulator.addr()).await;
    late.write_all(&post(
        &emulator,
        "v4/im_open_login_svc/account_import",
        r#"{"UserID":"late"}"#,
    ))
    .await
    .unwrap();
    // No slot is free until the idle connections time out.
    assert!(
        timeout(Duration::from_secs(1), read_response(&mut late))
            .await
            .is_err(),
        "a connection over the cap was served while the cap was full"
    );
    let (status, body) = timeout(NEVER, read_response(&mut late))
        .await
        .unwrap()
        .unwrap();
    assert_eq!((status, &body["ErrorCode"]), (200, &serde_json::json!(0)));
    assert!(emulator.has_account("late"));
}

#[tokio::test]
async fn every_refusal_is_an_envelope() {
    let emulator = Emulator::builder().start().await.unwrap();
    let q = query(&emulator);
    let long_uri = format!(
        "POST /v4/sns/friend_get?{q}&pad={} HTTP/1.1\r\nHost: e\r\nContent-Length: 2\r\n\r\n{{}}",
        "a".repeat(12 * 1024)
    );
    let big_headers = format!(
        "POST /v4/sns/friend_get?{q} HTTP/1.1\r\nHost: e\r\nX-Big: {}\r\nContent-Length: 2\r\n\r\n{{}}",
        "a".repeat(64 * 1024)
    );
    let many_headers = format!(
        "POST /v4/sns/friend_get?{q} HTTP/1.1\r\nHost: e\r\n{}Content-Length: 2\r\n\r\n{{}}",
        (0..200)
            .map(|i| format!("X-H{i}: v\r\n"))
            .collect::<String>()
    );
    let too_large = format!(
        "POST /v4/sns/friend_get?{q} HTTP/1.1\r\nHost: e\r\nContent-Length: 100000000\r\n\r\n{{"
    );
    let get = format!("GET /v4/sns/friend_get?{q} HTTP/1.1\r\nHost: e\r\n\r\n");
    let unknown =
        format!("POST /v4/nope/nothing?{q} HTTP/1.1\r\nHost: e\r\nContent-Length: 2\r\n\r\n{{}}");
    let cases: [(&str, Vec<u8>, u16, ErrorCode); 7] = [
        (
            "URI too long",
            long_uri.into_bytes(),
            414,
            ErrorCode::URL_PARSE_ERROR,
        ),
        (
            "headers too large",
            big_headers.into_bytes(),
            431,
            ErrorCode::SERVICE_TIMEOUT,
        ),
        (
            "too many headers",
            many_headers.into_bytes(),
            431,
            ErrorCode::SERVICE_TIMEOUT,
        ),
        (
            "body too large",
            too_large.into_bytes(),
            413,
            ErrorCode::SERVICE_TIMEOUT,
        ),
        (
            "wrong method",
            get.into_bytes(),
            405,
            ErrorCode::SERVICE_TIMEOUT,
        ),
        (
            "malformed",
            b"HELLO WORLD\r\n\r\n".to_vec(),
            400,
            ErrorCode::SERVICE_TIMEOUT,
        ),
        (
            "unknown path",
            unknown.into_bytes(),
            200,
            ErrorCode::BAD_RESOURCE_URL,
        ),
    ];
    for (case, request, status, code) in cases {
        let mut stream = connect(emulator.addr()).await;
        stream.write_all(&request).await.unwrap();
        let (got, body) = timeout(Duration::from_secs(30), read_response(&mut stream))
            .await
            .unwrap_or_else(|_| panic!("{case}: no answer"))
            .unwrap_or_else(|| panic!("{case}: closed without an answer"));
        assert_eq!(got, status, "{case}: {body}");
        assert_envelope(&body, code, case);
    }
}

#[tokio::test]
async fn the_request_log_is_bounded_in_bytes() {
    let emulator = Emulator::builder()
        .serve::<Blob>(|_, _, _| Ok(Empty {}))
        .start()
        .await
        .unwrap();
    let client = bare_client(&emulator);
    let megabyte = "x".repeat(1 << 20);
    for _ in 0..100 {
        client
            .call(&Blob {
                data: megabyte.clone(),
            })
            .await
            .unwrap();
    }
    let kept = emulator.requests().len();
    let fit = DEFAULT_REQUEST_LOG_BYTES >> 20;
    assert!(
        (1..fit).contains(&kept),
        "{kept} one-megabyte requests are kept"
    );
    assert!(emulator.logged_bytes() <= DEFAULT_REQUEST_LOG_BYTES);
    emulator.clear_requests();
    assert!(emulator.requests().is_empty());
}

#[tokio::test]
async fn repeated_bad_signatures_lock_the_identifier_out_for_a_minute() {
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs();
    let clock = ManualClock::new(now);
    let emulator = Emulator::builder()
        .clock(clock.clone())
        .start()
        .await
        .unwrap();
    let good = bare_client(&emulator);
    let forger = Client::builder(emulator.sdkappid(), "a-guessed-key", emulator.admin())
        .base_url(emulator.base_url())
        .rate_limit(RateLimit::Off)
        .retry(RetryPolicy::none())
        .build()
        .unwrap();
    for _ in 0..DEFAULT_SIG_LOCKOUT_FAILURES {
        assert_eq!(
            api_code(forger.call(&AccountImport::new("a")).await),
            ErrorCode::USERSIG_HMAC_MISMATCH
        );
    }
    assert_eq!(
        api_code(forger.call(&AccountImport::new("a")).await),
        ErrorCode::TOO_MANY_SIG_FAILURES
    );
    // The identifier is locked from this source, whatever the signature.
    assert_eq!(
        api_code(good.call(&AccountImport::new("a")).await),
        ErrorCode::TOO_MANY_SIG_FAILURES
    );
    clock.advance(59);
    assert_eq!(
        api_code(good.call(&AccountImport::new("a")).await),
        ErrorCode::TOO_MANY_SIG_FAILURES
    );
    clock.advance(1);
    good.call(&AccountImport::new("a")).await.unwrap();
    assert!(emulator.has_account("a"));
}

#[tokio::test(start_paused = true)]
async fn shutdown_drains_in_flight_requests_then_gives_up_on_stalled_ones() {
    let emulator = Emulator::builder().start().await.unwrap();
    let addr = emulator.addr();
    // An in-flight request the drain lets finish: its answer comes 2 s late.
    emulator.inject(tencent_im_emulator::Fault::Delay(Duration::from_secs(2)));
    let mut slow = connect(addr).await;
    slow.write_all(&post(
        &emulator,
        "v4/im_open_login_svc/account_import",
        r#"{"UserID":"slow"}"#,
    ))
    .await
    .unwrap();
    // A client that stalls mid-body.
    let mut stalled = connect(addr).await;
    let head = format!(
        "POST /v4/im_open_login_svc/account_import?{} HTTP/1.1\r\nHost: e\r\nContent-Length: 1000\r\n\r\n{{",
        query(&emulator)
    );
    stalled.write_all(head.as_bytes()).await.unwrap();
    tokio::time::sleep(Duration::from_millis(100)).await;

    let started = tokio::time::Instant::now();
    timeout(NEVER, emulator.shutdown())
        .await
        .expect("shutdown waits forever for a stalled client");
    let took = started.elapsed();
    assert!(took <= Duration::from_secs(6), "shutdown took {took:?}");

    let (status, body) = read_response(&mut slow).await.unwrap();
    assert_eq!((status, &body["ErrorCode"]), (200, &serde_json::json!(0)));
    timeout(NEVER, closed(&mut stalled)).await.unwrap();
    assert!(TcpStream::connect(addr).await.is_err(), "still accepting");
}

#[tokio::test(start_paused = true)]
async fn configured_limits_apply() {
    let mut limits = ServerLimits::default();
    limits.max_connections = 2;
    limits.max_body_bytes = 1000;
    limits.body_memory_bytes = 1000;
    let emulator = Emulator::builder()
        .server_limits(limits)
        .sig_lockout(SigLockout {
            max_failures: 1,
            window: Duration::from_secs(60),
        })
        .start()
        .await
        .unwrap();
    let addr = emulator.addr();

    // Two uploads stalled at 700 bytes each: the first fits the body memory, the second does
    // not and is refused at once.
    let head = |len: usize| {
        format!(
            "POST /v4/im_open_login_svc/account_import?{} HTTP/1.1\r\nHost: e\r\nContent-Length: {len}\r\n\r\n{}",
            query(&emulator),
            " ".repeat(700)
        )
    };
    let mut first = connect(addr).await;
    first.write_all(head(900).as_bytes()).await.unwrap();
    tokio::time::sleep(Duration::from_millis(10)).await;
    let mut second = connect(addr).await;
    second.write_all(head(900).as_bytes()).await.unwrap();
    let (status, body) = read_response(&mut second).await.unwrap();
    assert_eq!(status, 503);
    assert_envelope(&body, ErrorCode::TOO_MANY_REQUESTS, "body memory spent");

    // With both slots taken (the stalled upload and the answered one until it closes), a
    // third connection waits.
    let mut third = connect(addr).await;
    third
        .write_all(&post(&emulator, "v4/sns/friend_get", "{}"))
        .await
        .unwrap();
    drop(second);
    let body_too_large = format!(
        "POST /v4/sns/friend_get?{} HTTP/1.1\r\nHost: e\r\nContent-Length: 1001\r\n\r\n",
        query(&emulator)
    );
    // The stalled upload is cut at the body timeout, which frees the slot for the third.
    let (status, _) = timeout(NEVER, read_response(&mut third))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(status, 200);
    let mut fourth = connect(addr).await;
    fourth.write_all(body_too_large.as_bytes()).await.unwrap();
    let (status, body) = read_response(&mut fourth).await.unwrap();
    assert_eq!(status, 413);
    assert_envelope(&body, ErrorCode::SERVICE_TIMEOUT, "over max_body_bytes");

    // One bad signature is all this lockout tolerates.
    let forger = Client::builder(emulator.sdkappid(), "guess", emulator.admin())
        .base_url(emulator.base_url())
        .retry(RetryPolicy::none())
        .build()
        .unwrap();
    assert_eq!(
        api_code(forger.call(&AccountImport::new("a")).await),
        ErrorCode::USERSIG_HMAC_MISMATCH
    );
    assert_eq!(
        api_code(forger.call(&AccountImport::new("a")).await),
        ErrorCode::TOO_MANY_SIG_FAILURES
    );
    drop(first);
}

#[tokio::test]
async fn the_lockout_can_be_turned_off() {
    let emulator = Emulator::builder().sig_lockout(None).start().await.unwrap();
    let forger = Client::builder(emulator.sdkappid(), "guess", emulator.admin())
        .base_url(emulator.base_url())
        .rate_limit(RateLimit::Off)
        .retry(RetryPolicy::none())
        .build()
        .unwrap();
    for _ in 0..DEFAULT_SIG_LOCKOUT_FAILURES * 3 {
        assert_eq!(
            api_code(forger.call(&AccountImport::new("a")).await),
            ErrorCode::USERSIG_HMAC_MISMATCH
        );
    }
}

/// The figure of the issue: the process's resident memory after 400 requests of about 1.8 MB
/// each, with the default request log. Linux only; run with
/// `cargo test -p tencent-im-emulator --test hostile -- --ignored --nocapture`.
#[tokio::test]
#[ignore = "a measurement, not a check: prints resident memory"]
async fn measure_request_log_memory_after_400_large_requests() {
    fn rss_mb() -> u64 {
        let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
        status
            .lines()
            .find_map(|line| line.strip_prefix("VmRSS:"))
            .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<u64>().ok())
            .unwrap_or(0)
            / 1024
    }
    let emulator = Emulator::builder()
        .serve::<Blob>(|_, _, _| Ok(Empty {}))
        .start()
        .await
        .unwrap();
    let client = bare_client(&emulator);
    let before = rss_mb();
    let data = "x".repeat(1_800_000);
    for _ in 0..400 {
        client.call(&Blob { data: data.clone() }).await.unwrap();
    }
    println!(
        "request log: RSS {before} MB before, {} MB after 400 requests of 1.8 MB; {} kept",
        rss_mb(),
        emulator.requests().len()
    );
}

/// Unsigned uploads are refused before their bodies are kept: stalled ones hold none of the
/// memory for bodies, so a signed upload of the same size still fits afterwards.
#[tokio::test(start_paused = true)]
async fn unsigned_uploads_hold_no_body_memory() {
    let mut limits = ServerLimits::default();
    limits.max_body_bytes = 1000;
    limits.body_memory_bytes = 1000;
    let emulator = Emulator::builder()
        .server_limits(limits)
        .start()
        .await
        .unwrap();
    let addr = emulator.addr();
    let stalled = |query: &str| {
        format!(
            "POST /v4/im_open_login_svc/account_import?{query} HTTP/1.1\r\nHost: e\r\nContent-Length: 900\r\n\r\n{}",
            " ".repeat(700)
        )
    };
    // Three unsigned uploads stalled at 700 bytes: together more than the 1000 bytes of body
    // memory, were they kept.
    let mut unsigned = Vec::new();
    for _ in 0..3 {
        let mut stream = connect(addr).await;
        stream
            .write_all(stalled("sdkappid=1400000000&identifier=x").as_bytes())
            .await
            .unwrap();
        unsigned.push(stream);
    }
    tokio::time::sleep(Duration::from_millis(10)).await;
    // A signed upload of the same size is not refused for memory (503): it is still read.
    let mut signed = connect(addr).await;
    signed
        .write_all(stalled(&query(&emulator)).as_bytes())
        .await
        .unwrap();
    let answer = timeout(Duration::from_millis(500), read_response(&mut signed)).await;
    assert!(
        answer.is_err(),
        "the signed upload was answered at once: {answer:?}"
    );
    drop(unsigned);
}
