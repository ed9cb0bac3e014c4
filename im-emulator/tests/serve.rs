//! Serving by endpoint type: a user's own endpoint is served and rate limited like the SDK's,
//! a registration overrides a built-in call, authentication comes before the rate, and the
//! request log keeps the latest decoded requests.

mod common;

use common::*;
use tencent_im_accounts::AccountImport;
use tencent_im_core::{
    im_api, im_response, Client, Empty, Endpoint, ErrorCode, RateLimit, RetryPolicy,
};
use tencent_im_emulator::{Emulator, Refusal, RunningEmulator};
use tencent_im_friends::{FriendDeleteAll, FriendGet, FriendImport, FriendImportItem};

/// A call the SDK does not ship, declared the way a user declares one.
#[im_api(path = "v4/test_svc/count_friends", rate = 50)]
#[derive(Debug, Clone)]
pub struct CountFriends {
    pub from_account: String,
    #[im(rename = "To_Account")]
    #[serde(default)]
    pub also: Vec<String>,
}

#[im_response]
#[derive(Debug)]
pub struct CountFriendsResponse {
    pub friend_num: usize,
}

/// A call with a rate low enough to meet within a test: one call per second.
#[im_api(path = "v4/test_svc/ping", rate = 1, response = Empty)]
#[derive(Debug, Clone)]
pub struct Ping {
    pub from_account: String,
}

fn ping() -> Ping {
    Ping {
        from_account: "a".into(),
    }
}

/// A client that neither limits its own rate nor retries, so that the emulator's answers show.
fn bare_client(emulator: &RunningEmulator) -> Client {
    emulator
        .client_builder()
        .rate_limit(RateLimit::Off)
        .retry(RetryPolicy::none())
        .build()
        .unwrap()
}

async fn start_with_user_calls() -> (RunningEmulator, Client) {
    let emulator = Emulator::builder()
        .serve::<CountFriends>(|world, req, _| {
            if !world.has_account(&req.from_account) {
                return Err(Refusal::new(
                    ErrorCode::SNS_ACCOUNT_NOT_FOUND,
                    "no such account",
                ));
            }
            Ok(CountFriendsResponse {
                friend_num: world.friends_of(&req.from_account).count(),
            })
        })
        .serve::<Ping>(|_, _, _| Ok(Empty {}))
        .start()
        .await
        .unwrap();
    let client = bare_client(&emulator);
    import_accounts(&client, &users("u", 3)).await;
    (emulator, client)
}

#[tokio::test]
async fn a_user_declared_endpoint_is_served_and_called() {
    let (emulator, client) = start_with_user_calls().await;
    client
        .call(&FriendImport::new(
            "u0000",
            vec![
                FriendImportItem::new("u0001", SOURCE),
                FriendImportItem::new("u0002", SOURCE),
            ],
        ))
        .await
        .unwrap();

    let request = CountFriends {
        from_account: "u0000".into(),
        also: vec!["u0001".into()],
    };
    let answer = client.call(&request).await.unwrap();
    assert_eq!(answer.friend_num, 2);
    let refused = client
        .call(&CountFriends {
            from_account: "nobody".into(),
            also: Vec::new(),
        })
        .await;
    assert_eq!(api_code(refused), ErrorCode::SNS_ACCOUNT_NOT_FOUND);

    // The log keeps the decoded request, as its own type.
    let records = emulator.requests();
    let logged = records
        .iter()
        .filter_map(|r| r.request::<CountFriends>())
        .next()
        .unwrap();
    assert_eq!(logged.from_account, "u0000");
    assert_eq!(logged.also, ["u0001"]);
    let record = records
        .iter()
        .find(|r| r.path() == "v4/test_svc/count_friends")
        .unwrap();
    assert_eq!(record.from_account().as_deref(), Some("u0000"));
    assert_eq!(record.items(), 1);
    assert_eq!(
        record.to_json().unwrap(),
        serde_json::json!({"From_Account": "u0000", "To_Account": ["u0001"]})
    );
    assert!(record.request::<FriendGet>().is_none());
}

#[tokio::test]
async fn a_user_endpoint_body_is_refused_by_its_family_and_type() {
    let (emulator, client) = start_with_user_calls().await;
    let http = reqwest::Client::new();
    let url = client.request_url(CountFriends::PATH).unwrap();
    let code = |body: &'static str| {
        let (http, url) = (http.clone(), url.clone());
        async move {
            let answer = http.post(url).body(body).send().await.unwrap();
            let value: serde_json::Value =
                serde_json::from_slice(&answer.bytes().await.unwrap()).unwrap();
            value["ErrorCode"].as_i64().unwrap()
        }
    };
    assert_eq!(code("[]").await, 60003);
    assert_eq!(
        code(r#"{"From_Account":"u0000","To_Account":["u1"],}"#).await,
        60003
    );
    // A type error early and a syntax error later: the syntax error wins, as on the service.
    assert_eq!(code(r#"{"From_Account":5,"To_Account":[}"#).await, 60003);
    assert_eq!(code(r#"{"From_Account":5}"#).await, 60015);
    assert_eq!(
        code(r#"{"From_Account":"u0000","To_Account":["u1",7]}"#).await,
        60015
    );
    // Missing or mistyped fields outside v4/sns: the generic invalid parameter.
    assert_eq!(code(r#"{"To_Account":[]}"#).await, 70402);
    assert_eq!(
        code(r#"{"From_Account":"u0000","To_Account":"u1"}"#).await,
        70402
    );
    // Each is logged with its refusal, and none reads back as the call.
    let refused: Vec<_> = emulator
        .requests()
        .into_iter()
        .filter(|r| r.path() == CountFriends::PATH)
        .collect();
    assert_eq!(refused.len(), 7);
    assert!(refused
        .iter()
        .all(|r| r.failed() && r.request::<CountFriends>().is_none()));
}

#[tokio::test]
async fn a_rate_declared_on_a_user_endpoint_is_enforced() {
    let (_emulator, client) = start_with_user_calls().await;
    client.call(&ping()).await.unwrap();
    // `rate = 1`: a second call in the same second is over the documented rate.
    assert_eq!(
        api_code(client.call(&ping()).await),
        ErrorCode::REST_RATE_LIMITED
    );

    // Without rate limits, the same calls all pass.
    let unlimited = Emulator::builder()
        .serve::<Ping>(|_, _, _| Ok(Empty {}))
        .rate_limit(false)
        .start()
        .await
        .unwrap();
    let client = bare_client(&unlimited);
    for _ in 0..5 {
        client.call(&ping()).await.unwrap();
    }
}

#[tokio::test]
async fn unsigned_requests_do_not_spend_the_rate_budget() {
    let (emulator, client) = start_with_user_calls().await;
    let http = reqwest::Client::new();
    let unsigned = format!(
        "{}/{}?sdkappid={}&identifier={}&random=1&contenttype=json",
        emulator.base_url(),
        Ping::PATH,
        emulator.sdkappid(),
        emulator.admin()
    );
    // A flood far over the path's budget of one call: each is refused for its signature.
    for _ in 0..50 {
        let answer = http
            .post(&unsigned)
            .body(r#"{"From_Account":"a"}"#)
            .send()
            .await
            .unwrap();
        let value: serde_json::Value =
            serde_json::from_slice(&answer.bytes().await.unwrap()).unwrap();
        assert_eq!(
            value["ErrorCode"],
            ErrorCode::USERSIG_EMPTY.get(),
            "{value}"
        );
    }
    // The signed client still has the whole budget, and only that.
    client.call(&ping()).await.unwrap();
    assert_eq!(
        api_code(client.call(&ping()).await),
        ErrorCode::REST_RATE_LIMITED
    );
}

#[tokio::test]
async fn registering_a_built_in_path_again_overrides_it() {
    // Here friend lists cannot be emptied: friend_delete_all is a no-op, and refused for "b".
    let emulator = Emulator::builder()
        .serve::<FriendDeleteAll>(|_, req, _| match req.from_account.as_str() {
            "b" => Err(Refusal::new(ErrorCode::SNS_DELETE_FILTERED, "not b")),
            _ => Ok(Empty {}),
        })
        .start()
        .await
        .unwrap();
    let client = bare_client(&emulator);
    import_accounts(&client, &["a".to_owned(), "b".to_owned()]).await;
    client
        .call(&FriendImport::new(
            "a",
            vec![FriendImportItem::new("b", SOURCE)],
        ))
        .await
        .unwrap();
    client.call(&FriendDeleteAll::new("a")).await.unwrap();
    assert_eq!(emulator.friends_of("a"), ["b"]);
    assert_eq!(
        api_code(client.call(&FriendDeleteAll::new("b")).await),
        ErrorCode::SNS_DELETE_FILTERED
    );
}

#[tokio::test]
async fn the_request_log_keeps_the_latest_requests_only() {
    let emulator = Emulator::builder()
        .request_log_capacity(3)
        .start()
        .await
        .unwrap();
    let client = bare_client(&emulator);
    for id in ["a", "b", "c", "d", "e"] {
        client.call(&AccountImport::new(id)).await.unwrap();
    }
    let kept: Vec<String> = emulator
        .requests()
        .iter()
        .map(|r| r.request::<AccountImport>().unwrap().user_id.clone())
        .collect();
    assert_eq!(kept, ["c", "d", "e"]);
    emulator.clear_requests();
    assert!(emulator.requests().is_empty());

    let silent = Emulator::builder()
        .request_log_capacity(0)
        .start()
        .await
        .unwrap();
    bare_client(&silent)
        .call(&AccountImport::new("a"))
        .await
        .unwrap();
    assert!(silent.requests().is_empty());
    assert!(silent.has_account("a"));
}
