//! The checks of `Verifier`: the documented signature vector, the `RequestTime` window on an
//! injected clock, `SdkAppid`, unsigned mode, and the token never showing.

use std::time::Duration;

use tencent_im_core::ManualClock;
use tencent_im_webhooks::{sign, Verifier, WebhookError, WebhookToken, DEFAULT_WINDOW};

const APP: u64 = 1_400_000_000;
const VECTOR_TIME: u64 = 1_669_872_112;
const VECTOR_SIGN: &str = "17773bc39a671d7b9aa835458704d2a6db81360a5940292b587d6d760d484061";
const BODY: &[u8] = br#"{"CallbackCommand":"Sns.CallbackFriendDelete","PairList":[]}"#;

fn token() -> WebhookToken {
    WebhookToken::new("xxxxyyyy").unwrap()
}

fn query(app: u64, sign: &str, time: &str) -> String {
    format!(
        "SdkAppid={app}&CallbackCommand=Sns.CallbackFriendDelete&contenttype=json\
         &ClientIP=127.0.0.1&OptPlatform=RESTAPI&Sign={sign}&RequestTime={time}"
    )
}

#[test]
fn the_documented_vector_signs_and_verifies() {
    assert_eq!(sign(&token(), "1669872112"), VECTOR_SIGN);
    let verifier = Verifier::new(APP, token()).clock(ManualClock::new(VECTOR_TIME));
    verifier
        .parse(&query(APP, VECTOR_SIGN, "1669872112"), BODY)
        .unwrap();
    // Hex digits in upper case are the same signature.
    verifier
        .parse(
            &query(APP, &VECTOR_SIGN.to_ascii_uppercase(), "1669872112"),
            BODY,
        )
        .unwrap();
}

#[test]
fn a_wrong_signature_is_refused() {
    let verifier = Verifier::new(APP, token()).clock(ManualClock::new(VECTOR_TIME));
    let mut flipped = VECTOR_SIGN.to_owned();
    flipped.replace_range(63.., "0");
    let other_token = sign(&WebhookToken::new("xxxxyyyz").unwrap(), "1669872112");
    for bad in [
        flipped.as_str(),
        &VECTOR_SIGN[..63],
        "",
        "zz",
        &other_token,
        // Right digest of another time: the signature binds RequestTime.
        &sign(&token(), "1669872113"),
    ] {
        assert_eq!(
            verifier.parse(&query(APP, bad, "1669872112"), BODY),
            Err(WebhookError::BadSignature),
            "{bad}"
        );
    }
}

#[test]
fn request_time_must_be_within_the_window_either_way() {
    let clock = ManualClock::new(VECTOR_TIME);
    let verifier = Verifier::new(APP, token()).clock(clock.clone());
    let signed = query(APP, VECTOR_SIGN, "1669872112");
    assert_eq!(DEFAULT_WINDOW, Duration::from_secs(60));

    clock.set(VECTOR_TIME + 60);
    verifier.parse(&signed, BODY).unwrap();
    clock.set(VECTOR_TIME - 60);
    verifier.parse(&signed, BODY).unwrap();

    clock.set(VECTOR_TIME + 61);
    let stale = verifier.parse(&signed, BODY).unwrap_err();
    assert_eq!(
        stale,
        WebhookError::StaleRequestTime {
            request_time: VECTOR_TIME,
            now: VECTOR_TIME + 61,
            window_secs: 60
        }
    );
    assert_eq!(stale.status(), 401);
    clock.set(VECTOR_TIME - 61);
    assert!(matches!(
        verifier.parse(&signed, BODY),
        Err(WebhookError::StaleRequestTime { .. })
    ));

    // A wider window, configured.
    let wide = Verifier::new(APP, token())
        .clock(ManualClock::new(VECTOR_TIME + 300))
        .window(Duration::from_secs(300));
    wide.parse(&signed, BODY).unwrap();
}

#[test]
fn a_signed_but_unreadable_request_time_is_refused() {
    let verifier = Verifier::new(APP, token()).clock(ManualClock::new(VECTOR_TIME));
    for time in ["-5", "1e9", " 1669872112"] {
        let good_sign = sign(&token(), time);
        let query = query(APP, &good_sign, &time.replace(' ', "%20"));
        assert_eq!(
            verifier.parse(&query, BODY),
            Err(WebhookError::BadRequestTime),
            "{time}"
        );
    }
}

#[test]
fn sdk_app_id_must_be_this_apps() {
    let verifier = Verifier::new(APP, token()).clock(ManualClock::new(VECTOR_TIME));
    let error = verifier
        .parse(&query(APP + 1, VECTOR_SIGN, "1669872112"), BODY)
        .unwrap_err();
    assert_eq!(error, WebhookError::WrongSdkAppId { got: APP + 1 });
    assert_eq!(error.status(), 401);
}

#[test]
fn a_token_requires_sign_and_request_time() {
    let verifier = Verifier::new(APP, token()).clock(ManualClock::new(VECTOR_TIME));
    for query in [
        format!("SdkAppid={APP}&CallbackCommand=Sns.CallbackFriendDelete"),
        format!("SdkAppid={APP}&CallbackCommand=Sns.CallbackFriendDelete&Sign={VECTOR_SIGN}"),
        format!("SdkAppid={APP}&CallbackCommand=Sns.CallbackFriendDelete&RequestTime=1669872112"),
    ] {
        assert_eq!(
            verifier.parse(&query, BODY),
            Err(WebhookError::MissingSignature)
        );
    }
}

#[test]
fn unsigned_mode_checks_only_sdk_app_id() {
    let verifier = Verifier::unsigned(APP);
    verifier
        .parse(
            &format!("SdkAppid={APP}&CallbackCommand=Sns.CallbackFriendDelete"),
            BODY,
        )
        .unwrap();
    assert_eq!(
        verifier.parse("SdkAppid=1&CallbackCommand=Sns.CallbackFriendDelete", BODY),
        Err(WebhookError::WrongSdkAppId { got: 1 })
    );
}

#[test]
fn the_body_is_bounded() {
    let verifier = Verifier::new(APP, token())
        .clock(ManualClock::new(VECTOR_TIME))
        .body_limit(BODY.len());
    verifier
        .parse(&query(APP, VECTOR_SIGN, "1669872112"), BODY)
        .unwrap();
    let mut bigger = BODY.to_vec();
    bigger.push(b' ');
    let error = verifier
        .parse(&query(APP, VECTOR_SIGN, "1669872112"), &bigger)
        .unwrap_err();
    assert_eq!(error, WebhookError::BodyTooLarge { limit: BODY.len() });
    assert_eq!(error.status(), 413);
}

#[test]
fn the_token_never_shows() {
    let secret = "s3cr3t-token-value";
    let token = WebhookToken::new(secret).unwrap();
    let verifier = Verifier::new(APP, token.clone()).clock(ManualClock::new(VECTOR_TIME));
    let mut shown = vec![
        format!("{token:?}"),
        format!("{token}"),
        format!("{verifier:?}"),
    ];
    let expected = sign(&token, "1669872112");
    for query in [
        query(APP, "00", "1669872112"),
        query(APP, &expected, "1"),
        query(APP + 1, &expected, "1669872112"),
    ] {
        let error = verifier.parse(&query, BODY).unwrap_err();
        shown.push(error.to_string());
        shown.push(format!("{error:?}"));
        shown.push(String::from_utf8(error.envelope_json()).unwrap());
    }
    for text in shown {
        assert!(!text.contains(secret), "{text}");
        assert!(!text.contains(&expected), "{text}");
    }
    assert!(WebhookToken::new("")
        .unwrap_err()
        .to_string()
        .contains("1 to 128"));
}
