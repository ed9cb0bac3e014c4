//! The client against hostile or broken HTTP peers: each outcome is a typed error, never a panic,
//! and no error or `Debug` output shows the secret key or the UserSig.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

mod common;

use common::log_capture::capture;
use tencent_im_core::{im_api, CallOptions, Client, Error, ErrorCode, RetryPolicy};
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
    #[serde(rename = "FriendNum")]
    pub friend_num: u64,
}

/// Serves each connection with `reply` (raw bytes, then close), and returns the base URL.
async fn serve(reply: &'static [u8]) -> String {
    serve_fn(move |_| reply.to_vec()).await.0
}

/// Serves each connection with what `reply` makes of the request head (request line and
/// headers), then closes it. Returns the base URL and the number of requests served.
async fn serve_fn(
    reply: impl Fn(&str) -> Vec<u8> + Send + Sync + 'static,
) -> (String, Arc<AtomicUsize>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let reply = Arc::new(reply);
    let served = Arc::new(AtomicUsize::new(0));
    let counter = Arc::clone(&served);
    tokio::spawn(async move {
        loop {
            let (mut socket, _) = listener.accept().await.unwrap();
            let reply = Arc::clone(&reply);
            let counter = Arc::clone(&counter);
            tokio::spawn(async move {
                let mut buf = vec![0u8; 64 * 1024];
                let mut seen = Vec::new();
                // Read the headers and the (small) body, then answer.
                let head = loop {
                    let n = socket.read(&mut buf).await.unwrap_or(0);
                    if n == 0 {
                        return;
                    }
                    seen.extend_from_slice(&buf[..n]);
                    if let Some(end) = seen.windows(4).position(|w| w == b"\r\n\r\n") {
                        let head = String::from_utf8_lossy(&seen[..end]).into_owned();
                        let len = head
                            .to_lowercase()
                            .lines()
                            .find_map(|l| l.strip_prefix("content-length:"))
                            .and_then(|v| v.trim().parse::<usize>().ok())
                            .unwrap_or(0);
                        if seen.len() >= end + 4 + len {
                            break head;
                        }
                    }
                };
                counter.fetch_add(1, Ordering::SeqCst);
                let _ = socket.write_all(&reply(&head)).await;
                let _ = socket.shutdown().await;
            });
        }
    });
    (format!("http://{addr}"), served)
}

/// A complete response with a correct content-length, owned.
fn response_owned(status_line: &str, content_type: &str, body: &str) -> Vec<u8> {
    format!(
        "HTTP/1.1 {status_line}\r\ncontent-type: {content_type}\r\ncontent-length: {}\r\n\r\n{body}",
        body.len()
    )
    .into_bytes()
}

/// A complete response with a correct content-length.
fn response(status_line: &str, body: &str) -> &'static [u8] {
    let text = format!(
        "HTTP/1.1 {status_line}\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\r\n{body}",
        body.len()
    );
    Box::leak(text.into_bytes().into_boxed_slice())
}

fn client(base_url: &str) -> Client {
    Client::builder(1400000000, KEY, "administrator")
        .base_url(base_url)
        .timeout(Duration::from_secs(5))
        .retry(RetryPolicy::none())
        .build()
        .unwrap()
}

async fn call(reply: &'static [u8]) -> Result<ProbeResponse, Error> {
    let base = serve(reply).await;
    client(&base)
        .call(&Probe {
            from_account: "a".into(),
        })
        .await
}

fn assert_no_secrets(text: &str) {
    assert!(!text.contains(KEY), "secret key leaked: {text}");
    assert!(!text.contains("usersig="), "UserSig leaked: {text}");
    assert!(
        !text.contains("eJ"),
        "something like a UserSig leaked: {text}"
    );
}

#[tokio::test]
async fn success_decodes() {
    let ok = call(response(
        "200 OK",
        r#"{"ActionStatus":"OK","ErrorCode":0,"ErrorInfo":"0","FriendNum":3}"#,
    ))
    .await;
    assert_eq!(ok.unwrap().friend_num, 3);
}

#[tokio::test]
async fn bad_gateway_html_is_an_http_status_error() {
    let err = call(response(
        "502 Bad Gateway",
        "<html><h1>502 Bad Gateway</h1>\n\n</html>",
    ))
    .await
    .unwrap_err();
    match &err {
        Error::HttpStatus {
            status,
            excerpt,
            path,
            ..
        } => {
            assert_eq!(*path, Some("v4/sns/friend_get"));
            assert_eq!(*status, 502);
            assert!(excerpt.contains("Bad Gateway"));
        }
        other => panic!("{other:?}"),
    }
    assert!(err.is_retryable());
    assert_no_secrets(&format!("{err} {err:?}"));
}

#[tokio::test]
async fn html_with_200_empty_and_truncated_bodies_are_typed() {
    let err = call(response("200 OK", "<html>hi</html>"))
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Decode { status: 200, .. }), "{err:?}");

    let err = call(response("200 OK", "")).await.unwrap_err();
    assert!(
        matches!(
            err,
            Error::EmptyBody {
                status: 200,
                path: Some("v4/sns/friend_get"),
                ..
            }
        ),
        "{err:?}"
    );

    // Connection closed before content-length bytes arrived.
    let err = call(b"HTTP/1.1 200 OK\r\ncontent-length: 100\r\n\r\n{\"ActionStatus\":\"OK\",\"Err")
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Transport(_)), "{err:?}");
    assert_no_secrets(&format!("{err} {err:?}"));

    // No content-length: the body ends with the connection, cut mid-JSON.
    let err = call(b"HTTP/1.1 200 OK\r\nconnection: close\r\n\r\n{\"ActionStatus\":\"OK\",\"ErrorCode\":0,\"Frie").await.unwrap_err();
    assert!(matches!(err, Error::Decode { .. }), "{err:?}");
}

#[tokio::test]
async fn api_errors_carry_code_info_and_display() {
    let err = call(response(
        "200 OK",
        r#"{"ActionStatus":"FAIL","ErrorCode":30003,"ErrorInfo":"no such user","ErrorDisplay":"x"}"#,
    )).await.unwrap_err();
    match &err {
        Error::Api {
            code,
            info,
            display,
            path,
            ..
        } => {
            assert_eq!(*path, Some("v4/sns/friend_get"));
            assert_eq!(*code, ErrorCode::SNS_ACCOUNT_NOT_FOUND);
            assert_eq!(info, "no such user");
            assert_eq!(display, "x");
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(err.code(), Some(ErrorCode(30003)));
    assert!(err.to_string().contains("30003"));
}

#[tokio::test]
async fn oversized_bodies_are_refused() {
    let base = serve(response(
        "200 OK",
        r#"{"ActionStatus":"OK","ErrorCode":0,"FriendNum":3}"#,
    ))
    .await;
    let client = Client::builder(1400000000, KEY, "administrator")
        .base_url(&base)
        .max_response_bytes(10)
        .retry(RetryPolicy::none())
        .build()
        .unwrap();
    let err = client
        .call(&Probe {
            from_account: "a".into(),
        })
        .await
        .unwrap_err();
    assert!(
        matches!(
            err,
            Error::BodyTooLarge {
                limit: 10,
                path: Some("v4/sns/friend_get"),
                ..
            }
        ),
        "{err:?}"
    );
}

#[tokio::test]
async fn connection_refused_is_a_transport_error_without_the_url() {
    // Bind then drop to get a port nobody listens on.
    let port = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().port()
    };
    let client = client(&format!("http://127.0.0.1:{port}"));
    let err = client
        .call(&Probe {
            from_account: "a".into(),
        })
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Transport(_)), "{err:?}");
    assert_eq!(err.path(), Some("v4/sns/friend_get"));
    assert!(err.to_string().contains("v4/sns/friend_get"), "{err}");
    assert!(
        std::error::Error::source(&err).is_some(),
        "the cause is reachable"
    );
    assert!(err.is_retryable());
    assert!(
        err.to_string().to_lowercase().contains("refused"),
        "the cause is shown: {err}"
    );
    assert_no_secrets(&format!("{err} {err:?}"));
}

#[test]
fn debug_output_never_shows_secrets() {
    let builder = Client::builder(1400000000, KEY, "administrator");
    assert_no_secrets(&format!("{builder:?}"));
    let client = builder.base_url("http://127.0.0.1:1").build().unwrap();
    assert_no_secrets(&format!("{client:?}"));
    let url = client.request_url("v4/sns/friend_get").unwrap();
    let sig = url
        .split("usersig=")
        .nth(1)
        .unwrap()
        .split('&')
        .next()
        .unwrap();
    assert!(!format!("{client:?}").contains(sig));

    let signer = tencent_im_core::usersig::UserSigSigner::new(1, KEY);
    assert_no_secrets(&format!("{signer:?}"));
    let usersig = signer.generate("administrator", 60);
    assert_eq!(format!("{usersig:?}"), "UserSig(<redacted>)");
    assert_eq!(format!("{usersig}"), "<redacted UserSig>");
    assert_eq!(
        format!("{:?}", tencent_im_core::SecretKey::new(KEY)),
        "SecretKey(<redacted>)"
    );
}

fn probe() -> Probe {
    Probe {
        from_account: "a".into(),
    }
}

/// The UserSig the client sends, as it appears in its request URLs.
fn usersig_of(client: &Client) -> String {
    let url = client.request_url("v4/sns/friend_get").unwrap();
    url.split("usersig=")
        .nth(1)
        .unwrap()
        .split('&')
        .next()
        .unwrap()
        .to_owned()
}

fn assert_scrubbed(text: &str, sig: &str) {
    assert!(!text.contains(sig), "UserSig leaked: {text}");
    assert!(
        !text.contains(&sig[..24]),
        "part of the UserSig leaked: {text}"
    );
    assert!(!text.contains(KEY), "secret key leaked: {text}");
}

#[tokio::test]
async fn redirects_to_another_origin_are_not_followed() {
    // The other origin records what reaches it.
    let stolen = Arc::new(Mutex::new(Vec::<String>::new()));
    let record = Arc::clone(&stolen);
    let (elsewhere, reached) = serve_fn(move |head| {
        record.lock().unwrap().push(head.to_owned());
        response_owned(
            "200 OK",
            "application/json",
            r#"{"ActionStatus":"OK","ErrorCode":0,"FriendNum":666}"#,
        )
    })
    .await;
    for status in [
        "302 Found",
        "307 Temporary Redirect",
        "308 Permanent Redirect",
    ] {
        let location = format!("{elsewhere}/steal");
        let (base, served) = serve_fn(move |_| {
            format!("HTTP/1.1 {status}\r\nlocation: {location}\r\ncontent-length: 0\r\n\r\n")
                .into_bytes()
        })
        .await;
        let err = client(&base).call(&probe()).await.unwrap_err();
        assert!(
            matches!(
                err,
                Error::HttpStatus {
                    status: 300..=399,
                    ..
                }
            ),
            "{status}: {err:?}"
        );
        assert_eq!(served.load(Ordering::SeqCst), 1);
    }
    assert_eq!(
        reached.load(Ordering::SeqCst),
        0,
        "the other origin was reached: {:?}",
        stolen.lock().unwrap()
    );
}

#[tokio::test]
async fn server_text_is_scrubbed_of_the_usersig_and_the_key() {
    // A hostile server quotes the request line (with the signed query) and the secret key in
    // every place server text can reach an error.
    let echo = |head: &str| head.lines().next().unwrap_or("").replace('"', "'");
    type Reply = Box<dyn Fn(&str) -> Vec<u8> + Send + Sync>;
    let cases: Vec<(&str, Reply)> = vec![
        (
            "ErrorInfo and ErrorDisplay",
            Box::new(move |head| {
                let line = echo(head);
                let body = format!(
                    r#"{{"ActionStatus":"FAIL","ErrorCode":30001,"ErrorInfo":"bad request {line} key {KEY}","ErrorDisplay":"{line}"}}"#
                );
                response_owned("200 OK", "application/json", &body)
            }),
        ),
        (
            "a non-200 HTML body",
            Box::new(move |head| {
                // The URL sits past the excerpt's start, so a cut could split the UserSig.
                let body = format!(
                    "<html><body>{}<pre>{}</pre> {KEY}</body></html>",
                    " ".repeat(60),
                    echo(head)
                );
                response_owned("403 Forbidden", "text/html", &body)
            }),
        ),
        (
            "the JSON decoder's message",
            Box::new(move |head| {
                let body = format!(
                    r#"{{"ActionStatus":"OK","ErrorCode":0,"FriendNum":"{} {KEY}"}}"#,
                    echo(head)
                );
                response_owned("200 OK", "application/json", &body)
            }),
        ),
    ];
    for (what, reply) in cases {
        let (base, served) = serve_fn(reply).await;
        let client = client(&base);
        let sig = usersig_of(&client);
        let err = client.call(&probe()).await.unwrap_err();
        assert_eq!(served.load(Ordering::SeqCst), 1, "{what}");
        let text = format!("{err} {err:?}");
        assert!(
            text.contains("<redacted>"),
            "{what}: nothing was quoted? {text}"
        );
        assert_scrubbed(&text, &sig);
        assert_scrubbed(&format!("{:?}", std::error::Error::source(&err)), &sig);
    }
}

#[tokio::test]
async fn retry_log_lines_are_scrubbed() {
    let (capture, _installed) = capture();
    let (base, served) = serve_fn(|head| {
        let line = head.lines().next().unwrap_or("").replace('"', "'");
        let body =
            format!(r#"{{"ActionStatus":"FAIL","ErrorCode":30006,"ErrorInfo":"busy: {line}"}}"#);
        response_owned("200 OK", "application/json", &body)
    })
    .await;
    let client = Client::builder(1400000000, KEY, "administrator")
        .base_url(&base)
        .retry(
            RetryPolicy::default()
                .max_attempts(3)
                .min_delay(Duration::from_millis(1))
                .max_delay(Duration::from_millis(2)),
        )
        .build()
        .unwrap();
    let sig = usersig_of(&client);
    let err = client.call(&probe()).await.unwrap_err();
    assert_eq!(err.code(), Some(ErrorCode::SNS_INTERNAL_ERROR));
    assert_eq!(served.load(Ordering::SeqCst), 3);
    let lines = capture.lines.lock().unwrap().join("\n");
    assert!(lines.contains("retrying"), "{lines}");
    assert!(lines.contains("<redacted>"), "{lines}");
    assert_scrubbed(&lines, &sig);
}

#[tokio::test(start_paused = true)]
async fn a_call_can_have_its_own_timeout() {
    // A server that accepts and never answers.
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move {
        let mut held = Vec::new();
        while let Ok((socket, _)) = listener.accept().await {
            held.push(socket);
        }
    });
    let client = Client::builder(1400000000, KEY, "administrator")
        .base_url(&base)
        .timeout(Duration::from_secs(30))
        .retry(RetryPolicy::none())
        .build()
        .unwrap();
    let short = Duration::from_millis(250);
    let started = tokio::time::Instant::now();
    let err = client
        .call_with(&probe(), CallOptions::new().timeout(short))
        .await
        .unwrap_err();
    assert!(
        matches!(err, Error::Timeout { timeout, .. } if timeout == short),
        "{err:?}"
    );
    assert_eq!(
        started.elapsed(),
        short,
        "paused time: exactly the call's timeout"
    );

    let err = client
        .call_with(&probe(), CallOptions::new().timeout(Duration::ZERO))
        .await
        .unwrap_err();
    assert!(matches!(err, Error::ZeroTimeout { .. }), "{err:?}");
}

#[test]
fn zero_timeouts_are_refused_by_the_builder() {
    let builder =
        || Client::builder(1400000000, KEY, "administrator").base_url("http://127.0.0.1:1");
    let err = builder().timeout(Duration::ZERO).build().unwrap_err();
    assert!(
        matches!(err, Error::ZeroTimeout { setting } if setting.contains("timeout")),
        "{err:?}"
    );
    let err = builder()
        .connect_timeout(Duration::ZERO)
        .build()
        .unwrap_err();
    assert!(
        matches!(err, Error::ZeroTimeout { setting } if setting.contains("connect_timeout")),
        "{err:?}"
    );
    assert!(builder().timeout(Duration::from_millis(1)).build().is_ok());
}

/// A client whose retries wait exactly `wait` (the 70050 wait has no jitter).
fn retrying_client(base: &str, attempts: u32, wait: Duration) -> Client {
    Client::builder(1400000000, KEY, "administrator")
        .base_url(base)
        .retry(
            RetryPolicy::default()
                .max_attempts(attempts)
                .sig_lockout_wait(wait),
        )
        .build()
        .unwrap()
}

#[tokio::test(start_paused = true)]
async fn a_final_error_says_how_many_attempts_and_how_long() {
    let (base, served) = serve_fn(|_| {
        let body = r#"{"ActionStatus":"FAIL","ErrorCode":70050,"ErrorInfo":"locked"}"#;
        response_owned("200 OK", "application/json", body)
    })
    .await;
    let err = retrying_client(&base, 3, Duration::from_millis(600))
        .call(&probe())
        .await
        .unwrap_err();
    assert_eq!(served.load(Ordering::SeqCst), 3);
    // Still the variant callers match on, with the record beside it.
    assert!(
        matches!(err, Error::Api { code, .. } if code == ErrorCode::TOO_MANY_SIG_FAILURES),
        "{err:?}"
    );
    assert_eq!(err.attempts(), 3);
    // Paused time: the two waits and nothing else.
    assert_eq!(err.elapsed(), Duration::from_millis(1200));
    let text = err.to_string();
    assert!(
        text.ends_with(": locked after 3 attempts in 1.2 s"),
        "{text}"
    );
    assert_eq!(err.path(), Some("v4/sns/friend_get"));

    // Below a second the time is in milliseconds.
    let err = retrying_client(&base, 2, Duration::from_millis(250))
        .call(&probe())
        .await
        .unwrap_err();
    assert!(
        err.to_string().ends_with(" after 2 attempts in 250 ms"),
        "{err}"
    );
}

#[tokio::test(start_paused = true)]
async fn network_and_status_errors_carry_their_attempts_too() {
    let (base, served) =
        serve_fn(|_| response_owned("502 Bad Gateway", "text/html", "<html>")).await;
    let err = Client::builder(1400000000, KEY, "administrator")
        .base_url(&base)
        .retry(
            RetryPolicy::default()
                .max_attempts(4)
                .min_delay(Duration::from_millis(10))
                .max_delay(Duration::from_millis(10)),
        )
        .build()
        .unwrap()
        .call(&probe())
        .await
        .unwrap_err();
    assert!(
        matches!(err, Error::HttpStatus { status: 502, .. }),
        "{err:?}"
    );
    assert_eq!(err.attempts(), 4);
    assert_eq!(served.load(Ordering::SeqCst), 4);
    // Three jittered waits of 10 to 20 ms.
    assert!(err.elapsed() >= Duration::from_millis(29), "{err:?}");
    assert!(err.elapsed() <= Duration::from_millis(60), "{err:?}");
    assert!(err.to_string().contains(" after 4 attempts in "), "{err}");

    // A port nobody listens on: refused at once, each time.
    let closed = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", closed.local_addr().unwrap());
    drop(closed);
    let err = retrying_client(&url, 2, Duration::from_secs(1))
        .call(&probe())
        .await
        .unwrap_err();
    let Error::Transport(_) = &err else {
        panic!("{err:?}")
    };
    // Transient network failures use the jittered backoff, not the 70050 wait.
    assert_eq!(err.attempts(), 2);
    assert!(err.to_string().contains(" after 2 attempts in "), "{err}");
}

#[tokio::test(start_paused = true)]
async fn one_attempt_adds_nothing_to_the_text_and_nothing_sent_counts_zero() {
    let body = r#"{"ActionStatus":"FAIL","ErrorCode":30001,"ErrorInfo":"bad"}"#;
    let (base, _) = serve_fn(move |_| response_owned("200 OK", "application/json", body)).await;
    // 30001 is not retried: one attempt, and the text is the service's answer alone.
    let err = retrying_client(&base, 5, Duration::from_secs(1))
        .call(&probe())
        .await
        .unwrap_err();
    assert_eq!(err.attempts(), 1);
    assert!(err.to_string().ends_with(": bad"), "{err}");
    assert!(!err.to_string().contains("attempt"), "{err}");

    // 70001 twice: the re-signed retry is an attempt too.
    let body = r#"{"ActionStatus":"FAIL","ErrorCode":70001,"ErrorInfo":"expired"}"#;
    let (base, served) =
        serve_fn(move |_| response_owned("200 OK", "application/json", body)).await;
    let err = retrying_client(&base, 1, Duration::from_secs(1))
        .call(&probe())
        .await
        .unwrap_err();
    assert_eq!(served.load(Ordering::SeqCst), 2);
    assert_eq!(err.attempts(), 2);
    // The second attempt waited for its slot on the path's rate schedule (200 per second).
    assert_eq!(err.elapsed(), Duration::from_millis(5));
    assert!(
        err.to_string()
            .ends_with(": expired after 2 attempts in 5 ms"),
        "{err}"
    );

    // Refused before sending: nothing to report.
    let err = retrying_client(&base, 5, Duration::from_secs(1))
        .call_with(&probe(), CallOptions::new().timeout(Duration::ZERO))
        .await
        .unwrap_err();
    assert!(matches!(err, Error::ZeroTimeout { .. }), "{err:?}");
    assert_eq!((err.attempts(), err.elapsed()), (0, Duration::ZERO));
}
