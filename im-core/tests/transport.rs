//! The client against hostile or broken HTTP peers: each outcome is a typed error, never a panic,
//! and no error or `Debug` output shows the secret key or the UserSig.

use std::time::Duration;

use tencent_im_core::{im_api, Client, Error, ErrorCode, RetryPolicy};
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
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        loop {
            let (mut socket, _) = listener.accept().await.unwrap();
            tokio::spawn(async move {
                let mut buf = vec![0u8; 64 * 1024];
                let mut seen = Vec::new();
                // Read the headers and the (small) body, then answer.
                loop {
                    let n = socket.read(&mut buf).await.unwrap_or(0);
                    if n == 0 {
                        return;
                    }
                    seen.extend_from_slice(&buf[..n]);
                    if let Some(end) = seen.windows(4).position(|w| w == b"\r\n\r\n") {
                        let head = String::from_utf8_lossy(&seen[..end]).to_lowercase();
                        let len = head
                            .lines()
                            .find_map(|l| l.strip_prefix("content-length:"))
                            .and_then(|v| v.trim().parse::<usize>().ok())
                            .unwrap_or(0);
                        if seen.len() >= end + 4 + len {
                            break;
                        }
                    }
                }
                let _ = socket.write_all(reply).await;
                let _ = socket.shutdown().await;
            });
        }
    });
    format!("http://{addr}")
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
        Error::HttpStatus { status, excerpt } => {
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
    assert!(matches!(err, Error::EmptyBody { status: 200 }), "{err:?}");

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
        } => {
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
    assert!(matches!(err, Error::BodyTooLarge { limit: 10 }), "{err:?}");
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
