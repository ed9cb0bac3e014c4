//! The webhooks the emulator sends, end to end: emulator → a real receiver (im-webhooks' router on
//! a loopback port, which verifies every delivery's `Sign` with the token before a handler sees
//! it). Deliveries leave in order, so "nothing was sent for X" is shown by the next event that
//! arrives being the one of the call made after X.

use std::time::Duration;

use tencent_im_core::usersig::UserSigSigner;
use tencent_im_core::{
    im_api, Client, Clock, Empty, Endpoint, ErrorCode, ManualClock, SystemClock,
};
use tencent_im_emulator::control::{ClientFriendAdd, ClientFriendResponse};
use tencent_im_emulator::{AllowType, Emulator, RunningEmulator, WebhookStatus, WebhookToken};
use tencent_im_follow::{FollowAdd, FollowDelete};
use tencent_im_friends::{
    AddType, BlackListAdd, BlackListDelete, CheckType, DeleteType, FriendAdd, FriendAddItem,
    FriendCheck, FriendDelete, FriendDeleteAll, FriendImport, FriendImportItem, Tag, TagValue,
};
use tencent_im_webhooks::{
    axum, CallbackQuery, Event, FriendPair, OptPlatform, Pair, PrevAnswer, ResponseAction,
    ResponseFriendItem, Verdict, Verifier, Webhooks,
};
use tokio::io::AsyncReadExt;
use tokio::net::TcpListener;
use tokio::sync::mpsc;
use url::Url;

const TOKEN: &str = "emulator-webhook-token-Zq7";
const SOURCE: &str = "AddSource_Type_Test";
/// How long a test waits for something that must happen; only a hang reaches it.
const PATIENCE: Duration = Duration::from_secs(30);

/// Declared here the way a user adds a call the SDK does not ship.
#[im_api(path = "v4/profile/portrait_set", rate = 200, response = Empty)]
#[derive(Debug)]
pub struct PortraitSet {
    pub from_account: String,
    #[im(rename = "ProfileItem")]
    pub items: Vec<TagValue>,
}

/// A receiver on a loopback port: every verified callback arrives on `events` with its query.
/// The "before" callbacks refuse the accounts whose name starts with `refused` (38001).
struct Receiver {
    url: Url,
    events: mpsc::UnboundedReceiver<(CallbackQuery, Event)>,
}

impl Receiver {
    async fn start(sdkappid: u64, clock: impl Clock) -> Self {
        let verifier = Verifier::new(sdkappid, WebhookToken::new(TOKEN).unwrap()).clock(clock);
        let (sent, events) = mpsc::unbounded_channel();
        let (on_add, on_response) = (sent.clone(), sent.clone());
        let router = Webhooks::new(verifier)
            .on_event(move |callback| {
                let _ = sent.send((callback.query, callback.event));
                async {}
            })
            .on_prev_friend_add(move |query, request| {
                let answer = verdicts(request.to_accounts());
                let _ = on_add.send((query, Event::PrevFriendAdd(request)));
                async move { answer }
            })
            .on_prev_friend_response(move |query, request| {
                let answer = verdicts(request.to_accounts());
                let _ = on_response.send((query, Event::PrevFriendResponse(request)));
                async move { answer }
            })
            .router();
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = Url::parse(&format!(
            "http://{}/im/callback",
            listener.local_addr().unwrap()
        ))
        .unwrap();
        tokio::spawn(async move { axum::serve(listener, router).await });
        Self { url, events }
    }

    /// The next callback.
    async fn next(&mut self) -> (CallbackQuery, Event) {
        tokio::time::timeout(PATIENCE, self.events.recv())
            .await
            .expect("no callback arrived")
            .expect("the receiver stopped")
    }
}

fn verdicts<'a>(accounts: impl Iterator<Item = &'a str>) -> PrevAnswer {
    accounts.fold(PrevAnswer::new(), |answer, account| {
        if account.starts_with("refused") {
            answer.refuse(account, Verdict::refuse(38001).unwrap(), "not on this app")
        } else {
            answer.allow(account)
        }
    })
}

fn token() -> Option<WebhookToken> {
    Some(WebhookToken::new(TOKEN).unwrap())
}

async fn start_with(receiver: &Receiver, clock: impl Clock) -> (RunningEmulator, Client) {
    let emulator = Emulator::builder()
        .clock(clock)
        .webhook(receiver.url.clone(), token())
        .start()
        .await
        .unwrap();
    let client = emulator.client().unwrap();
    (emulator, client)
}

async fn import(client: &Client, ids: &[&str]) {
    let ids: Vec<String> = ids.iter().map(|id| id.to_string()).collect();
    let report = client
        .call(&tencent_im_accounts::MultiaccountImport::new(ids))
        .await
        .unwrap();
    assert!(report.fail_accounts.is_empty());
}

fn items(to: &[&str]) -> Vec<FriendAddItem> {
    to.iter()
        .map(|to| FriendAddItem::new(*to, SOURCE))
        .collect()
}

fn pair(from: &str, to: &str, initiator: &str) -> FriendPair {
    FriendPair::new(from, to, initiator)
}

fn codes(results: &tencent_im_friends::ItemResults) -> Vec<(String, ErrorCode)> {
    results
        .results
        .iter()
        .map(|item| (item.to_account.clone(), item.result_code))
        .collect()
}

/// Sends a blocklist add and expects its callback next: everything before it was delivered.
async fn sentinel(client: &Client, receiver: &mut Receiver, from: &str, to: &str) {
    client.call(&BlackListAdd::new(from, [to])).await.unwrap();
    match receiver.next().await.1 {
        Event::BlackListAdd(added) => assert_eq!(added.pair_list, [Pair::new(from, to)]),
        other => panic!("expected the sentinel, got {other:?}"),
    }
}

/// Polls the status until `done` holds.
async fn status_until(
    emulator: &RunningEmulator,
    done: impl Fn(&WebhookStatus) -> bool,
) -> WebhookStatus {
    tokio::time::timeout(PATIENCE, async {
        loop {
            let status = emulator.webhook_status();
            if done(&status) {
                return status;
            }
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
    })
    .await
    .expect("the status never got there")
}

#[tokio::test]
async fn rest_calls_send_the_after_callbacks_by_tencents_rules() {
    let mut receiver = Receiver::start(tencent_im_emulator::DEFAULT_SDKAPPID, SystemClock).await;
    let (emulator, client) = start_with(&receiver, SystemClock).await;
    import(
        &client,
        &["a", "any", "confirm", "deny", "imported", "s1", "s2"],
    )
    .await;
    emulator.set_allow_type("any", AllowType::AllowAny);
    emulator.set_allow_type("deny", AllowType::DenyAny);

    // friend_add: only the friendship made, one entry per friend list that gained a friend;
    // nothing for the pending, refused and unknown items.
    let added = client
        .call(&FriendAdd::new(
            "a",
            items(&["any", "confirm", "deny", "nobody"]),
        ))
        .await
        .unwrap();
    assert_eq!(
        codes(&added),
        [
            ("any".to_owned(), ErrorCode::OK),
            ("confirm".to_owned(), ErrorCode::SNS_PENDING_CONFIRMATION),
            ("deny".to_owned(), ErrorCode::SNS_PEER_REFUSES_ALL),
            ("nobody".to_owned(), ErrorCode::SNS_ACCOUNT_NOT_FOUND),
        ]
    );
    let (query, event) = receiver.next().await;
    assert_eq!(query.sdk_app_id, emulator.sdkappid());
    assert_eq!(query.command.as_deref(), Some("Sns.CallbackFriendAdd"));
    assert_eq!(query.opt_platform, Some(OptPlatform::RestApi));
    assert_eq!(query.client_ip.as_deref(), Some("127.0.0.1"));
    assert!(query.sign.is_some() && query.request_time.is_some());
    let Event::FriendAdd(made) = event else {
        panic!("{event:?}")
    };
    assert_eq!(
        made.pair_list,
        [pair("a", "any", "a"), pair("any", "a", "a")]
    );
    assert_eq!(made.client_cmd.as_deref(), Some("friend_add"));
    assert_eq!(made.admin_account.as_deref(), Some(emulator.admin()));
    assert_eq!(made.force_flag, Some(0));
    assert_eq!(emulator.friend_requests_to("confirm"), ["a"]);

    // friend_import sends nothing: the next callback is the forced add's.
    client
        .call(&FriendImport::new(
            "a",
            vec![FriendImportItem::new("imported", SOURCE)],
        ))
        .await
        .unwrap();
    client
        .call(
            &FriendAdd::new("a", items(&["confirm"]))
                .add_type(AddType::Single)
                .force_add(true),
        )
        .await
        .unwrap();
    match receiver.next().await.1 {
        Event::FriendAdd(made) => {
            assert_eq!(made.pair_list, [pair("a", "confirm", "a")]);
            assert_eq!(made.force_flag, Some(1));
        }
        other => panic!("{other:?}"),
    }

    // friend_delete: the pairs deleted, both ways where both existed; not the non-friend.
    client
        .call(&FriendDelete::new("a", ["any", "imported", "deny"]).delete_type(DeleteType::Both))
        .await
        .unwrap();
    match receiver.next().await.1 {
        Event::FriendDelete(deleted) => assert_eq!(
            deleted.pair_list,
            [
                Pair::new("a", "any"),
                Pair::new("any", "a"),
                Pair::new("a", "imported")
            ]
        ),
        other => panic!("{other:?}"),
    }
    client.call(&FriendDeleteAll::new("a")).await.unwrap();
    match receiver.next().await.1 {
        Event::FriendDelete(deleted) => {
            assert_eq!(deleted.pair_list, [Pair::new("a", "confirm")]);
        }
        other => panic!("{other:?}"),
    }
    // Nothing left to delete: nothing sent.
    client.call(&FriendDeleteAll::new("a")).await.unwrap();

    // Blocklist: the items that succeeded.
    client
        .call(&BlackListAdd::new("a", ["s1", "a", "nobody"]))
        .await
        .unwrap();
    match receiver.next().await.1 {
        Event::BlackListAdd(added) => assert_eq!(added.pair_list, [Pair::new("a", "s1")]),
        other => panic!("{other:?}"),
    }
    client
        .call(&BlackListDelete::new("a", ["s1", "s2"]))
        .await
        .unwrap();
    match receiver.next().await.1 {
        Event::BlackListDelete(deleted) => {
            assert_eq!(deleted.pair_list, [Pair::new("a", "s1")]);
        }
        other => panic!("{other:?}"),
    }

    // portrait_set.
    client
        .call(&PortraitSet {
            from_account: "a".to_owned(),
            items: vec![TagValue::new(Tag::new("Tag_Profile_IM_Nick"), "Alice")],
        })
        .await
        .unwrap();
    match receiver.next().await.1 {
        Event::PortraitSet(set) => {
            assert_eq!(set.from_account, "a");
            assert_eq!(set.operator_account.as_deref(), Some(emulator.admin()));
            assert_eq!(set.profile_item.len(), 1);
            assert_eq!(set.profile_item[0].tag, "Tag_Profile_IM_Nick");
            assert_eq!(set.profile_item[0].value, "Alice");
            assert!(set.event_time.is_some());
        }
        other => panic!("{other:?}"),
    }

    // Follow: the items that succeeded.
    client
        .call(&FollowAdd::new("a", ["s1", "nobody"]))
        .await
        .unwrap();
    match receiver.next().await.1 {
        Event::FollowAdd(followed) => {
            assert_eq!(followed.from_account, "a");
            let to: Vec<&str> = followed
                .follow_list
                .iter()
                .map(|item| item.to_account.as_str())
                .collect();
            assert_eq!(to, ["s1"]);
        }
        other => panic!("{other:?}"),
    }
    client
        .call(&FollowDelete::new("a", ["s1", "s2"]))
        .await
        .unwrap();
    match receiver.next().await.1 {
        Event::FollowDelete(unfollowed) => assert_eq!(unfollowed.to_account, ["s1"]),
        other => panic!("{other:?}"),
    }

    // No "before" callback came in between: each of the above was the next to arrive.
    sentinel(&client, &mut receiver, "s1", "s2").await;
    // The receiver's handler runs before its answer reaches the emulator.
    let status = status_until(&emulator, |status| status.delivered == 10).await;
    assert_eq!((status.failed, status.dropped), (0, 0), "{status:?}");
    assert!(status
        .recent
        .iter()
        .all(|record| record.status == Some(200)));
}

#[tokio::test]
async fn the_client_calls_ask_the_app_first_and_honour_its_refusals() {
    let mut receiver = Receiver::start(tencent_im_emulator::DEFAULT_SDKAPPID, SystemClock).await;
    let (emulator, client) = start_with(&receiver, SystemClock).await;
    import(
        &client,
        &[
            "u",
            "any",
            "refused_any",
            "confirm",
            "refused_r",
            "r2",
            "s1",
            "s2",
        ],
    )
    .await;
    emulator.set_allow_type("any", AllowType::AllowAny);
    emulator.set_allow_type("refused_any", AllowType::AllowAny);

    // A client's add: Prev first, the refused item fails with the app's code, the pending one
    // waits, the friendship made is a CallbackFriendAdd with ClientCmd FriendAdd.
    let sent = client
        .call(&ClientFriendAdd::new(
            "u",
            items(&["any", "refused_any", "confirm"]),
        ))
        .await
        .unwrap();
    assert_eq!(
        codes(&sent),
        [
            ("any".to_owned(), ErrorCode::OK),
            ("refused_any".to_owned(), ErrorCode(38001)),
            ("confirm".to_owned(), ErrorCode::SNS_PENDING_CONFIRMATION),
        ]
    );
    assert_eq!(sent.results[1].result_info, "not on this app");
    let (query, event) = receiver.next().await;
    assert_eq!(query.opt_platform, Some(OptPlatform::Web));
    let Event::PrevFriendAdd(prev) = event else {
        panic!("{event:?}")
    };
    assert_eq!(
        (prev.requester_account.as_str(), prev.from_account.as_str()),
        ("u", "u")
    );
    assert_eq!(
        prev.to_accounts().collect::<Vec<_>>(),
        ["any", "refused_any", "confirm"]
    );
    assert_eq!(prev.friend_item[0].add_source.as_deref(), Some(SOURCE));
    assert_eq!(prev.add_type.as_deref(), Some("Add_Type_Both"));
    assert_eq!(prev.force_add_flags, Some(0));
    assert!(prev.event_time.is_some());
    let (query, event) = receiver.next().await;
    assert_eq!(query.opt_platform, Some(OptPlatform::Web));
    let Event::FriendAdd(made) = event else {
        panic!("{event:?}")
    };
    assert_eq!(
        made.pair_list,
        [pair("u", "any", "u"), pair("any", "u", "u")]
    );
    assert_eq!(made.client_cmd.as_deref(), Some("FriendAdd"));
    assert_eq!(made.admin_account.as_deref(), Some(""));
    assert_eq!(emulator.friends_of("u"), ["any"]);
    assert!(emulator.friends_of("refused_any").is_empty());
    assert_eq!(emulator.friend_requests_to("confirm"), ["u"]);

    // The target's client agrees and adds back; an account that asked nothing fails (30614).
    let answered = client
        .call(&ClientFriendResponse::new(
            "confirm",
            vec![
                ResponseFriendItem::new("u", ResponseAction::AgreeAndAdd),
                ResponseFriendItem::new("s1", ResponseAction::Agree),
            ],
        ))
        .await
        .unwrap();
    assert_eq!(
        codes(&answered),
        [
            ("u".to_owned(), ErrorCode::OK),
            ("s1".to_owned(), ErrorCode(30614))
        ]
    );
    match receiver.next().await.1 {
        Event::PrevFriendResponse(prev) => {
            assert_eq!(prev.from_account, "confirm");
            assert_eq!(prev.to_accounts().collect::<Vec<_>>(), ["u", "s1"]);
            assert_eq!(
                prev.response_friend_item[0].response_action,
                ResponseAction::AgreeAndAdd
            );
        }
        other => panic!("{other:?}"),
    }
    match receiver.next().await.1 {
        Event::FriendAdd(made) => {
            assert_eq!(
                made.pair_list,
                [pair("u", "confirm", "u"), pair("confirm", "u", "u")]
            );
            assert_eq!(made.client_cmd.as_deref(), Some("FriendResponse"));
            assert_eq!(made.admin_account.as_deref(), Some(""));
        }
        other => panic!("{other:?}"),
    }
    assert!(emulator.friend_requests_to("confirm").is_empty());
    assert_eq!(emulator.friends_of("confirm"), ["u"]);

    // An answer the app refuses: the request stays, nothing is made.
    client
        .call(&FriendAdd::new("refused_r", items(&["confirm"])))
        .await
        .unwrap();
    let refused = client
        .call(&ClientFriendResponse::new(
            "confirm",
            vec![ResponseFriendItem::new("refused_r", ResponseAction::Agree)],
        ))
        .await
        .unwrap();
    assert_eq!(
        codes(&refused),
        [("refused_r".to_owned(), ErrorCode(38001))]
    );
    assert!(matches!(
        receiver.next().await.1,
        Event::PrevFriendResponse(_)
    ));
    assert_eq!(emulator.friend_requests_to("confirm"), ["refused_r"]);
    // A rejection drops the request and makes nothing.
    client
        .call(&FriendAdd::new("r2", items(&["confirm"])))
        .await
        .unwrap();
    let rejected = client
        .call(&ClientFriendResponse::new(
            "confirm",
            vec![ResponseFriendItem::new("r2", ResponseAction::Reject)],
        ))
        .await
        .unwrap();
    assert_eq!(codes(&rejected), [("r2".to_owned(), ErrorCode::OK)]);
    assert!(matches!(
        receiver.next().await.1,
        Event::PrevFriendResponse(_)
    ));
    assert_eq!(emulator.friend_requests_to("confirm"), ["refused_r"]);
    assert!(emulator.friends_of("r2").is_empty());
    sentinel(&client, &mut receiver, "s1", "s2").await;

    let status = emulator.webhook_status();
    let refusals: Vec<(&str, u32)> = status
        .recent
        .iter()
        .flat_map(|record| record.refusals.iter())
        .map(|item| (item.to_account.as_str(), item.result_code.code()))
        .collect();
    assert_eq!(refusals, [("refused_any", 38001), ("refused_r", 38001)]);
    assert_eq!(status.failed, 0, "{status:?}");
}

#[tokio::test]
async fn a_rest_api_near_its_rate_sends_one_alert_per_second() {
    let clock = ManualClock::new(SystemClock.unix_now());
    let mut receiver = Receiver::start(tencent_im_emulator::DEFAULT_SDKAPPID, clock.clone()).await;
    // The emulator's own limiter runs on real time: off, so that 330 calls in a moment pass.
    let _emulator = Emulator::builder()
        .clock(clock.clone())
        .rate_limit(false)
        .webhook(receiver.url.clone(), token())
        .start()
        .await
        .unwrap();
    let client = _emulator.client().unwrap();
    import(&client, &["a", "s1", "s2"]).await;
    let check = FriendCheck::new("a", ["s1"], CheckType::Both);
    // 80 % of 200 is 160: the 161st call of the second sends the alert, the others nothing.
    for _ in 0..170 {
        client.call(&check).await.unwrap();
    }
    match receiver.next().await.1 {
        Event::RequestOverLimit(alert) => {
            assert_eq!(
                (alert.service_name.as_str(), alert.command.as_str()),
                ("sns", "friend_check")
            );
            assert_eq!((alert.request, alert.limit), (161, 200));
        }
        other => panic!("{other:?}"),
    }
    sentinel(&client, &mut receiver, "s1", "s2").await;
    // The next second counts anew.
    clock.advance(1);
    for _ in 0..160 {
        client.call(&check).await.unwrap();
    }
    sentinel(&client, &mut receiver, "s2", "s1").await;
    client.call(&check).await.unwrap();
    assert!(matches!(
        receiver.next().await.1,
        Event::RequestOverLimit(_)
    ));
}

/// A receiver that reads requests and never answers; `arrived` gets one message per request.
async fn silent_receiver() -> (Url, mpsc::UnboundedReceiver<()>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = Url::parse(&format!("http://{}/", listener.local_addr().unwrap())).unwrap();
    let (arrived, arrivals) = mpsc::unbounded_channel();
    tokio::spawn(async move {
        let mut held = Vec::new();
        while let Ok((mut stream, _)) = listener.accept().await {
            let arrived = arrived.clone();
            held.push(tokio::spawn(async move {
                let mut buf = [0u8; 4096];
                let _ = stream.read(&mut buf).await;
                let _ = arrived.send(());
                // Keeps the connection open, unanswered.
                let _ = stream.read(&mut buf).await;
                std::future::pending::<()>().await;
            }));
        }
    });
    (url, arrivals)
}

#[tokio::test]
async fn a_receiver_that_never_answers_fails_after_the_timeout_and_the_client_call_proceeds() {
    let (url, _arrivals) = silent_receiver().await;
    // An injected timeout, so that the test does not depend on 2 s of a loaded machine.
    let emulator = Emulator::builder()
        .webhook(url, token())
        .webhook_timeout(Duration::from_millis(200))
        .start()
        .await
        .unwrap();
    let client = emulator.client().unwrap();
    import(&client, &["a", "any", "s1"]).await;
    emulator.set_allow_type("any", AllowType::AllowAny);

    client.call(&BlackListAdd::new("a", ["s1"])).await.unwrap();
    let status = status_until(&emulator, |status| status.failed == 1).await;
    let record = &status.recent[0];
    assert_eq!(record.command, "Sns.CallbackBlackListAdd");
    assert!(!record.delivered);
    assert_eq!(record.status, None);
    assert_eq!(record.error.as_deref(), Some("no answer within 200 ms"));
    assert!(record
        .url
        .contains("CallbackCommand=Sns.CallbackBlackListAdd"));

    // The Prev callback times out too: the add goes through, as on the service.
    let sent = client
        .call(&ClientFriendAdd::new("a", items(&["any"])))
        .await
        .unwrap();
    assert_eq!(codes(&sent), [("any".to_owned(), ErrorCode::OK)]);
    assert_eq!(emulator.friends_of("a"), ["any"]);
    let status = status_until(&emulator, |status| status.failed == 3).await;
    assert_eq!(status.delivered, 0);
    let commands: Vec<&str> = status.recent.iter().map(|r| r.command.as_str()).collect();
    assert_eq!(
        commands,
        [
            "Sns.CallbackBlackListAdd",
            "Sns.CallbackPrevFriendAdd",
            "Sns.CallbackFriendAdd"
        ]
    );
}

#[tokio::test]
async fn a_full_queue_drops_and_counts_and_shutdown_stays_prompt() {
    let (url, mut arrivals) = silent_receiver().await;
    let emulator = Emulator::builder()
        .webhook(url, token())
        // Longer than the test: the first delivery is in flight until shutdown.
        .webhook_timeout(Duration::from_secs(3600))
        .webhook_queue(1)
        .start()
        .await
        .unwrap();
    let client = emulator.client().unwrap();
    import(&client, &["a", "b", "c", "d", "e"]).await;
    client.call(&BlackListAdd::new("a", ["b"])).await.unwrap();
    // The first event is being sent (the receiver has it); the second waits in the queue.
    tokio::time::timeout(PATIENCE, arrivals.recv())
        .await
        .unwrap();
    client.call(&BlackListAdd::new("a", ["c"])).await.unwrap();
    client.call(&BlackListAdd::new("a", ["d"])).await.unwrap();
    client.call(&BlackListAdd::new("a", ["e"])).await.unwrap();
    let status = emulator.webhook_status();
    assert_eq!((status.dropped, status.failed, status.delivered), (2, 2, 0));
    assert_eq!(status.recent.len(), 2);
    assert!(status.recent.iter().all(|record| record
        .error
        .as_deref()
        .is_some_and(|error| error.starts_with("dropped"))));
    // Shutdown abandons the delivery in flight instead of waiting the hour.
    tokio::time::timeout(PATIENCE, emulator.shutdown())
        .await
        .expect("shutdown waited for the delivery");
}

/// The signed query of a request to `emulator`.
fn signed_query(emulator: &RunningEmulator) -> String {
    let sig = UserSigSigner::new(emulator.sdkappid(), emulator.secret_key().clone())
        .generate(emulator.admin(), 86_400);
    format!(
        "sdkappid={}&identifier={}&usersig={}&random=7&contenttype=json",
        emulator.sdkappid(),
        emulator.admin(),
        sig.expose_secret()
    )
}

async fn get_status(emulator: &RunningEmulator, query: &str) -> serde_json::Value {
    let response = reqwest::get(format!("{}/emulator/webhooks?{query}", emulator.base_url()))
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    serde_json::from_slice(&response.bytes().await.unwrap()).unwrap()
}

#[tokio::test]
async fn the_token_stays_secret_and_unsigned_callers_are_refused_first() {
    let mut receiver = Receiver::start(tencent_im_emulator::DEFAULT_SDKAPPID, SystemClock).await;
    let builder = Emulator::builder().webhook(receiver.url.clone(), token());
    assert!(!format!("{builder:?}").contains(TOKEN));
    let emulator = builder.start().await.unwrap();
    assert!(!format!("{emulator:?}").contains(TOKEN));
    let client = emulator.client().unwrap();
    import(&client, &["a", "any", "s1", "s2"]).await;
    emulator.set_allow_type("any", AllowType::AllowAny);
    client.call(&BlackListAdd::new("a", ["s1"])).await.unwrap();
    receiver.next().await;
    let _ = status_until(&emulator, |status| status.delivered == 1).await;

    // The status, through the endpoint and the accessor: counts and URLs, no token, no Sign.
    let json = get_status(&emulator, &signed_query(&emulator)).await;
    assert_eq!(json["ErrorCode"], 0, "{json}");
    assert_eq!(json["Delivered"], 1);
    assert_eq!(json["Signed"], true);
    assert_eq!(json["Recent"][0]["Command"], "Sns.CallbackBlackListAdd");
    assert_eq!(json["Recent"][0]["Status"], 200);
    let text = json.to_string();
    let status = emulator.webhook_status();
    let debug = format!("{status:?}");
    for shown in [&text, &debug] {
        assert!(!shown.contains(TOKEN), "{shown}");
        assert!(!shown.contains("Sign="), "{shown}");
        assert!(shown.contains("RequestTime="), "{shown}");
    }

    // Unsigned or wrongly signed: refused before anything runs.
    let no_query = get_status(&emulator, "").await;
    assert_eq!(no_query["ErrorCode"], ErrorCode::SDKAPPID_MISSING.0);
    assert!(no_query.get("Recent").is_none());
    let bad_sig = get_status(
        &emulator,
        &format!(
            "sdkappid={}&identifier={}&usersig=not-a-sig",
            emulator.sdkappid(),
            emulator.admin()
        ),
    )
    .await;
    assert_eq!(bad_sig["ErrorCode"], ErrorCode::USERSIG_MALFORMED.0);
    let http = reqwest::Client::new();
    for path in [ClientFriendAdd::PATH, ClientFriendResponse::PATH] {
        let body = r#"{"From_Account":"a","AddFriendItem":[{"To_Account":"any","AddSource":"AddSource_Type_Test"}],
                       "ResponseFriendItem":[{"To_Account":"any","ResponseAction":"Response_Action_Agree"}]}"#;
        let answer = http
            .post(format!(
                "{}/{path}?sdkappid={}&identifier={}&usersig=forged",
                emulator.base_url(),
                emulator.sdkappid(),
                emulator.admin()
            ))
            .body(body)
            .send()
            .await
            .unwrap()
            .bytes()
            .await
            .unwrap();
        let answer: serde_json::Value = serde_json::from_slice(&answer).unwrap();
        assert_eq!(
            answer["ErrorCode"],
            ErrorCode::USERSIG_MALFORMED.0,
            "{answer}"
        );
    }
    assert!(emulator.friends_of("a").is_empty());
    // No Prev callback was sent for them: the next callback is the sentinel's.
    sentinel(&client, &mut receiver, "s1", "s2").await;
}

#[tokio::test]
async fn debug_shows_neither_the_url_password_nor_the_token() {
    let url = Url::parse("http://app:hunter2@127.0.0.1:9/callback").unwrap();
    let builder = Emulator::builder().webhook(url, token());
    let shown = format!("{builder:?}");
    assert!(shown.contains("127.0.0.1:9/callback"), "{shown}");
    assert!(
        !shown.contains("hunter2") && !shown.contains(TOKEN),
        "{shown}"
    );
    let emulator = builder.start().await.unwrap();
    let shown = format!("{emulator:?}");
    assert!(
        !shown.contains("hunter2") && !shown.contains(TOKEN),
        "{shown}"
    );
    emulator.shutdown().await;
}
