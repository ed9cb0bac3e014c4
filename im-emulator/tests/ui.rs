//! The web page's handlers over HTTP, without a browser: escaping, paging, the guard (token,
//! origin, host, loopback-only), the state forms, the webhook deliveries, pending friend
//! requests and profiles, and the request log's bound.

use std::net::SocketAddr;
use std::time::Duration;

use reqwest::header;
use reqwest::redirect::Policy;
use tencent_im_accounts::AccountImport;
use tencent_im_core::{Endpoint, ErrorCode};
use tencent_im_emulator::control::ClientFriendAdd;
use tencent_im_emulator::{
    Emulator, Fault, FaultPlan, RunningEmulator, Snapshot, SnapshotAccount, SnapshotEntry,
    SnapshotFriend, WebhookStatus, WebhookToken, DEFAULT_SDKAPPID, DEFAULT_SECRET_KEY,
};
use tencent_im_friends::{FriendAdd, FriendAddItem, FriendGet};
use tencent_im_profile::{AdminForbidType, Gender, PortraitSet, ProfileItem};
use tencent_im_webhooks::{axum, sign, PrevAnswer, Verdict, Verifier, Webhooks};
use tokio::net::TcpListener;
use url::Url;

const HOSTILE: &str = "<script>alert(1)</script>";
const WEBHOOK_TOKEN: &str = "ui-test-webhook-token-Kq9";
/// How long a test waits for a delivery; only a hang reaches it.
const PATIENCE: Duration = Duration::from_secs(30);

/// A small graph with a hostile account, and a hub with 3000 friends.
fn seed() -> Snapshot {
    let friend = |id: &str, remark: Option<&str>| SnapshotFriend {
        id: id.to_owned(),
        add_source: "AddSource_Type_Web".to_owned(),
        remark: remark.map(str::to_owned),
        groups: Vec::new(),
        add_time: 1_700_000_000,
        add_wording: None,
        custom: Default::default(),
    };
    let mut snapshot = Snapshot::empty();
    snapshot.accounts.push(SnapshotAccount {
        id: "alice".to_owned(),
        nick: Some("Alice \"A\" <b>".to_owned()),
        allow_type: Some("AllowType_Type_AllowAny".to_owned()),
        groups: vec!["work".to_owned()],
        friends: vec![
            SnapshotFriend {
                groups: vec!["work".to_owned()],
                ..friend("bob", Some("Bobby"))
            },
            friend(HOSTILE, Some("<img src=x onerror=alert(2)>")),
        ],
        blocklist: vec![SnapshotEntry {
            id: "mallory".to_owned(),
            time: 1_700_000_100,
        }],
        following: vec![SnapshotEntry {
            id: "bob".to_owned(),
            time: 1_700_000_200,
        }],
        ..SnapshotAccount::default()
    });
    snapshot.accounts.push(SnapshotAccount {
        id: "bob".to_owned(),
        friends: vec![friend("alice", None)],
        following: vec![SnapshotEntry {
            id: "alice".to_owned(),
            time: 1_700_000_300,
        }],
        ..SnapshotAccount::default()
    });
    for id in ["mallory", HOSTILE] {
        snapshot.accounts.push(SnapshotAccount {
            id: id.to_owned(),
            ..SnapshotAccount::default()
        });
    }
    snapshot.accounts.push(SnapshotAccount {
        id: "hub".to_owned(),
        friends: (0..3000)
            .map(|i| friend(&format!("member{i:04}"), None))
            .collect(),
        ..SnapshotAccount::default()
    });
    snapshot.accounts.extend((0..3000).map(|i| SnapshotAccount {
        id: format!("member{i:04}"),
        ..SnapshotAccount::default()
    }));
    snapshot
}

async fn start() -> RunningEmulator {
    Emulator::builder()
        .import_state(seed())
        .unwrap()
        .start()
        .await
        .unwrap()
}

fn http() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(Policy::none())
        .build()
        .unwrap()
}

async fn get(emulator: &RunningEmulator, path: &str) -> (u16, String) {
    let answer = http()
        .get(format!("{}{path}", emulator.base_url()))
        .send()
        .await
        .unwrap();
    (answer.status().as_u16(), answer.text().await.unwrap())
}

/// The page's token, read from a form as a browser would.
fn token(html: &str) -> String {
    let at = html.find("csrf=").expect("a form with a token") + 5;
    html[at..at + 64].to_owned()
}

async fn post_form(
    emulator: &RunningEmulator,
    path: &str,
    token: Option<&str>,
    origin: Option<&str>,
    body: &str,
) -> reqwest::Response {
    let url = match token {
        Some(token) => format!("{}{path}?csrf={token}", emulator.base_url()),
        None => format!("{}{path}", emulator.base_url()),
    };
    let mut request = http()
        .post(url)
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(body.to_owned());
    if let Some(origin) = origin {
        request = request.header(header::ORIGIN, origin);
    }
    request.send().await.unwrap()
}

fn rows(html: &str, table: &str) -> usize {
    let start = html
        .find(&format!("id=\"{table}\""))
        .unwrap_or_else(|| panic!("no table {table}"));
    let end = html[start..].find("</table>").unwrap() + start;
    html[start..end].matches("<tr>").count() - 1
}

#[tokio::test]
async fn every_user_string_is_escaped() {
    let emulator = start().await;
    for path in [
        "/accounts?q=%3Cscript",
        "/account?id=alice",
        "/account?id=%3Cscript%3Ealert(1)%3C%2Fscript%3E",
    ] {
        let (status, html) = get(&emulator, path).await;
        assert_eq!(status, 200, "{path}");
        assert!(
            html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"),
            "{path}: {html}"
        );
        assert!(!html.contains(HOSTILE), "{path}");
        assert!(!html.contains("<img src=x"), "{path}");
    }
    let (_, html) = get(&emulator, "/account?id=alice").await;
    assert!(html.contains("Alice &quot;A&quot; &lt;b&gt;"), "{html}");
    // Links carry ids percent-encoded.
    assert!(html.contains("/account?id=%3Cscript%3Ealert%281%29%3C%2Fscript%3E"));
    // A search for a hostile string is shown back as text.
    let (_, html) = get(&emulator, "/accounts?q=%22%3E%3Cb%3Ex").await;
    assert!(html.contains("&quot;&gt;&lt;b&gt;x"), "{html}");
    assert!(!html.contains("\"><b>x"));
}

#[tokio::test]
async fn the_lists_are_paged() {
    let emulator = start().await;
    let (_, html) = get(&emulator, "/accounts").await;
    assert_eq!(rows(&html, "accounts"), 50);
    assert!(html.contains("3005 accounts in all"));
    let (_, html) = get(&emulator, "/account?id=hub").await;
    assert_eq!(rows(&html, "entries"), 100);
    assert!(html.contains("1–100 of 3000 (page 1 of 30)"), "{html}");
    assert!(html.contains("member0000") && !html.contains("member0100"));
    let (_, html) = get(&emulator, "/account?id=hub&tab=friends&page=30").await;
    assert_eq!(rows(&html, "entries"), 100);
    assert!(html.contains("member2999") && !html.contains("member2899<"));
    assert!(!html.contains("rel=\"next\""));
    let (_, html) = get(&emulator, "/account?id=hub&per_page=3000").await;
    assert_eq!(rows(&html, "entries"), 3000);
    // Follows: bob and alice follow each other.
    let (_, html) = get(&emulator, "/account?id=alice&tab=mutual").await;
    assert_eq!(rows(&html, "entries"), 1);
    assert!(html.contains(">bob</a>"));
    let (_, html) = get(&emulator, "/account?id=alice&tab=blocklist").await;
    assert!(html.contains(">mallory</a>"));
    let (status, _) = get(&emulator, "/account?id=nobody").await;
    assert_eq!(status, 404);
    let (status, _) = get(&emulator, "/account?id=hub&page=abc").await;
    assert_eq!(status, 400);
}

#[tokio::test]
async fn changes_need_the_token_and_the_page_s_origin() {
    let emulator = start().await;
    let (_, html) = get(&emulator, "/limits").await;
    let token = token(&html);
    let own = emulator.base_url();
    let body = "faults=code%3A30006%3D1";
    for (token, origin) in [
        (None, Some(own.as_str())),
        (Some("0".repeat(64)), Some(own.as_str())),
        (Some(token.clone()), Some("http://evil.example")),
        (Some(token.clone()), Some("null")),
    ] {
        let answer = post_form(&emulator, "/limits/faults", token.as_deref(), origin, body).await;
        assert_eq!(answer.status(), 403, "{token:?} {origin:?}");
    }
    assert_eq!(emulator.faults(), FaultPlan::none());

    // A bad plan is told and changes nothing.
    let answer = post_form(
        &emulator,
        "/limits/faults",
        Some(&token),
        Some(&own),
        "faults=boom%3D1",
    )
    .await;
    assert_eq!(answer.status(), 400);
    assert!(answer.text().await.unwrap().contains("unknown kind"));
    assert_eq!(emulator.faults(), FaultPlan::none());

    let answer = post_form(&emulator, "/limits/faults", Some(&token), Some(&own), body).await;
    assert_eq!(answer.status(), 303);
    assert_eq!(
        emulator.faults(),
        FaultPlan::none().with(Fault::Code(ErrorCode(30006)), 1.0)
    );
    // The next call meets it, and the log says so.
    let client = emulator.client().unwrap();
    let err = client.call(&FriendGet::new("alice")).await.unwrap_err();
    assert!(err.to_string().contains("30006"), "{err}");
    let (_, html) = get(&emulator, "/requests?failed=1").await;
    assert!(html.contains("code:30006"), "{html}");

    // Bodies are bounded.
    let big = format!("faults={}", "x".repeat(100 * 1024));
    let answer = post_form(&emulator, "/limits/faults", Some(&token), None, &big).await;
    assert_eq!(answer.status(), 413);
}

#[tokio::test]
async fn only_the_loopback_host_is_answered() {
    let emulator = start().await;
    let port = emulator.addr().port();
    for (host, status) in [
        (format!("127.0.0.1:{port}"), 200),
        (format!("localhost:{port}"), 200),
        (format!("attacker.example:{port}"), 403),
        ("127.0.0.1".to_owned(), 403),
    ] {
        let answer = http()
            .get(format!("{}/accounts", emulator.base_url()))
            .header(header::HOST, host.as_str())
            .send()
            .await
            .unwrap();
        assert_eq!(answer.status(), status, "{host}");
    }
}

#[tokio::test]
async fn the_page_is_served_on_loopback_only_unless_asked() {
    let any = SocketAddr::from(([0, 0, 0, 0], 0));
    let emulator = Emulator::builder().listen(any).start().await.unwrap();
    assert_eq!(emulator.ui_url(), None);
    let url = format!("http://127.0.0.1:{}/accounts", emulator.addr().port());
    let answer = http().get(&url).send().await.unwrap();
    // The calls' own answer to a GET: no page.
    assert_eq!(answer.status(), 405);
    assert!(answer.text().await.unwrap().contains("ErrorCode"));

    let emulator = Emulator::builder()
        .listen(any)
        .ui_on_any_address(true)
        .start()
        .await
        .unwrap();
    assert!(emulator.ui_url().is_some());
    let url = format!("http://127.0.0.1:{}/accounts", emulator.addr().port());
    assert_eq!(http().get(&url).send().await.unwrap().status(), 200);

    let emulator = Emulator::builder().ui(false).start().await.unwrap();
    assert_eq!(emulator.ui_url(), None);
    let (status, _) = get(&emulator, "/accounts").await;
    assert_eq!(status, 405);
}

/// A receiver on a loopback port that verifies every delivery's `Sign` with
/// [`WEBHOOK_TOKEN`]; its "before" callbacks refuse the accounts whose name starts with
/// `refused`, giving [`HOSTILE`] as the reason.
async fn receiver() -> Url {
    let verifier = Verifier::new(DEFAULT_SDKAPPID, WebhookToken::new(WEBHOOK_TOKEN).unwrap());
    let router = Webhooks::new(verifier)
        .on_event(|_| async {})
        .on_prev_friend_add(|_, request| {
            let answer = request
                .to_accounts()
                .fold(PrevAnswer::new(), |answer, account| {
                    if account.starts_with("refused") {
                        answer.refuse(account, Verdict::refuse(38001).unwrap(), HOSTILE)
                    } else {
                        answer.allow(account)
                    }
                });
            async move { answer }
        })
        .router();
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/im/callback", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, router).await });
    Url::parse(&url).unwrap()
}

/// The webhook status once `deliveries` have ended, delivered or not.
async fn deliveries_ended(emulator: &RunningEmulator, deliveries: usize) -> WebhookStatus {
    let waited = tokio::time::timeout(PATIENCE, async {
        loop {
            let status = emulator.webhook_status();
            if status.recent.len() >= deliveries {
                return status;
            }
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
    });
    waited.await.expect("the deliveries did not end")
}

/// The `Sign` of every delivery in `status`, from the `RequestTime` its URL shows.
fn signs(status: &WebhookStatus) -> Vec<String> {
    let token = WebhookToken::new(WEBHOOK_TOKEN).unwrap();
    status
        .recent
        .iter()
        .map(|record| {
            let url = Url::parse(&record.url).unwrap();
            let time = url
                .query_pairs()
                .find(|(name, _)| name == "RequestTime")
                .map(|(_, value)| value.into_owned())
                .expect("a signed delivery shows its RequestTime");
            sign(&token, &time)
        })
        .collect()
}

/// alice's client asks bob (who accepts anyone), `refused-one` (whom the app refuses) and
/// carol (who confirms requests): a "before" callback, then the friendship made with bob.
async fn make_deliveries(emulator: &RunningEmulator) -> WebhookStatus {
    let client = emulator.client().unwrap();
    let items = ["bob", "refused-one", "carol"]
        .into_iter()
        .map(|to| {
            FriendAddItem::new(to, "AddSource_Type_Web")
                .remark("<i>remark</i>")
                .group("<b>school</b>")
                .add_wording(HOSTILE)
        })
        .collect();
    let results = client
        .call(&ClientFriendAdd::new("alice", items))
        .await
        .unwrap();
    let codes: Vec<i64> = results.results.iter().map(|r| r.result_code.0).collect();
    assert_eq!(codes, [0, 38001, 30539], "{results:?}");
    deliveries_ended(emulator, 2).await
}

/// A seed where bob accepts anyone and carol, refused-one and dave exist.
fn seed_with_requests() -> Snapshot {
    let mut snapshot = seed();
    let bob = snapshot
        .accounts
        .iter_mut()
        .find(|a| a.id == "bob")
        .unwrap();
    bob.allow_type = Some("AllowType_Type_AllowAny".to_owned());
    // bob's side only: alice's request can still make hers.
    let alice = snapshot
        .accounts
        .iter_mut()
        .find(|a| a.id == "alice")
        .unwrap();
    alice.friends.retain(|f| f.id != "bob");
    for id in ["carol", "refused-one", "dave"] {
        snapshot.accounts.push(SnapshotAccount {
            id: id.to_owned(),
            ..SnapshotAccount::default()
        });
    }
    snapshot
}

#[tokio::test]
async fn the_webhooks_view_shows_each_delivery_newest_first_escaped_and_unsigned() {
    let url = receiver().await;
    let emulator = Emulator::builder()
        .import_state(seed_with_requests())
        .unwrap()
        .webhook(url.clone(), Some(WebhookToken::new(WEBHOOK_TOKEN).unwrap()))
        .start()
        .await
        .unwrap();
    let status = make_deliveries(&emulator).await;
    assert_eq!(status.delivered, 2, "{status:?}");
    let (code, html) = get(&emulator, "/webhooks").await;
    assert_eq!(code, 200);
    assert!(
        html.contains("href=\"/webhooks\" class=\"active\""),
        "{html}"
    );
    assert_eq!(rows(&html, "deliveries"), 2);
    // Newest first: the friendship made comes before the "before" callback that allowed it.
    let made = html
        .find("<code>Sns.CallbackFriendAdd</code>")
        .expect("the after callback");
    let asked = html
        .find("<code>Sns.CallbackPrevFriendAdd</code>")
        .expect("the before callback");
    assert!(made < asked);
    assert!(html.contains(&format!(
        "{}:{}/im/callback",
        "127.0.0.1",
        url.port().unwrap()
    )));
    assert!(html.contains("CallbackCommand=Sns.CallbackPrevFriendAdd"));
    assert!(html.contains("<dd id=\"delivered\">2</dd>"), "{html}");
    assert!(html.contains("HTTP 200"));
    // The app's refusal, as its answer and as a refused item, escaped.
    assert!(
        html.contains("<code>refused-one</code>: 38001 &lt;script&gt;alert(1)&lt;/script&gt;"),
        "{html}"
    );
    assert!(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
    assert!(!html.contains(HOSTILE));
    // Neither the token nor a signature.
    assert!(!html.contains(WEBHOOK_TOKEN));
    assert!(!html.contains("Sign="));
    for signature in signs(&status) {
        assert!(!html.contains(&signature));
    }

    // A failed delivery shows its error: nothing listens on a port just let go.
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let nowhere = format!("http://{}/im/callback", closed.local_addr().unwrap());
    drop(closed);
    let emulator = Emulator::builder()
        .import_state(seed_with_requests())
        .unwrap()
        .webhook(Url::parse(&nowhere).unwrap(), None)
        .start()
        .await
        .unwrap();
    let client = emulator.client().unwrap();
    let add = FriendAdd::new(
        "alice",
        vec![FriendAddItem::new("bob", "AddSource_Type_Web")],
    );
    client.call(&add).await.unwrap();
    deliveries_ended(&emulator, 1).await;
    let (_, html) = get(&emulator, "/webhooks").await;
    assert!(html.contains("<dd id=\"failed\">1 "), "{html}");
    assert!(html.contains("cannot connect"), "{html}");
    assert!(html.contains("off: deliveries carry no"));
}

#[tokio::test]
async fn the_webhooks_view_says_how_to_turn_them_on() {
    let emulator = start().await;
    let (status, html) = get(&emulator, "/webhooks").await;
    assert_eq!(status, 200);
    assert!(html.contains("id=\"webhooks-off\""), "{html}");
    assert!(html.contains("--webhook-url URL"));
    assert!(!html.contains("id=\"deliveries\""));
}

#[tokio::test]
async fn the_account_page_shows_pending_requests_both_ways_and_the_profile() {
    let emulator = Emulator::builder()
        .import_state(seed_with_requests())
        .unwrap()
        .start()
        .await
        .unwrap();
    let client = emulator.client().unwrap();
    // carol confirms requests: alice's waits.
    let asked = FriendAddItem::new("carol", "AddSource_Type_Web")
        .remark("<i>remark</i>")
        .group("school")
        .add_wording(HOSTILE);
    client
        .call(&FriendAdd::new("alice", vec![asked]))
        .await
        .unwrap();
    for requester in (0..150).map(|i| format!("member{i:04}")) {
        let item = FriendAddItem::new("carol", "AddSource_Type_App");
        client
            .call(&FriendAdd::new(requester, vec![item]))
            .await
            .unwrap();
    }
    client
        .call(&PortraitSet::new(
            "carol",
            [
                ProfileItem::AdminForbidType(AdminForbidType::SendOut),
                ProfileItem::Gender(Gender::Female),
                ProfileItem::Level(7),
                ProfileItem::custom("Motto", "<b>carpe diem</b>"),
            ],
        ))
        .await
        .unwrap();

    let (_, html) = get(&emulator, "/account?id=carol").await;
    assert!(html.contains("151 received / 0 sent"), "{html}");
    assert!(
        html.contains("<code>AdminForbid_Type_SendOut</code>"),
        "{html}"
    );
    assert!(html.contains("<code>Tag_Profile_IM_Gender</code></dt><dd>Gender_Type_Female"));
    assert!(html.contains("<code>Tag_Profile_IM_Level</code></dt><dd>7"));
    assert!(
        html.contains(
            "<code>Tag_Profile_Custom_Motto</code></dt><dd>&lt;b&gt;carpe diem&lt;/b&gt;"
        ),
        "{html}"
    );
    assert!(!html.contains("<b>carpe"));

    // Received, oldest first and paged like the other lists.
    let (_, html) = get(&emulator, "/account?id=carol&tab=requests").await;
    assert_eq!(rows(&html, "entries"), 100);
    assert!(html.contains("1–100 of 151 (page 1 of 2)"), "{html}");
    let first = html.find(">alice</a>").expect("alice's request first");
    assert!(first < html.find(">member0000</a>").unwrap());
    assert!(html.contains("&lt;i&gt;remark&lt;/i&gt;"));
    assert!(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
    assert!(!html.contains(HOSTILE) && !html.contains("<i>remark"));
    let (_, html) = get(&emulator, "/account?id=carol&tab=requests&page=2").await;
    assert_eq!(rows(&html, "entries"), 51);
    assert!(html.contains(">member0149</a>"));

    // Sent, on the requester's page.
    let (_, html) = get(&emulator, "/account?id=alice").await;
    assert!(html.contains("0 received / 1 sent"), "{html}");
    let (_, html) = get(&emulator, "/account?id=alice&tab=sent").await;
    assert_eq!(rows(&html, "entries"), 1);
    assert!(
        html.contains(">carol</a>") && html.contains("<td>school</td>"),
        "{html}"
    );
    let (_, html) = get(&emulator, "/account?id=bob&tab=requests").await;
    assert_eq!(rows(&html, "entries"), 0);
    assert!(html.contains("No request waits for this account"));
}

#[tokio::test]
async fn no_page_holds_the_secret_key_a_usersig_or_the_webhook_token() {
    let url = receiver().await;
    let emulator = Emulator::builder()
        .import_state(seed_with_requests())
        .unwrap()
        .webhook(url, Some(WebhookToken::new(WEBHOOK_TOKEN).unwrap()))
        .start()
        .await
        .unwrap();
    let client = emulator.client().unwrap();
    client.call(&AccountImport::new("someone")).await.unwrap();
    let url = client.request_url(AccountImport::PATH).unwrap();
    let usersig = url
        .split(['?', '&'])
        .find_map(|pair| pair.strip_prefix("usersig="))
        .unwrap()
        .to_owned();
    let status = make_deliveries(&emulator).await;
    assert!(status.signed && status.delivered >= 2, "{status:?}");
    let signatures = signs(&status);
    for path in [
        "/",
        "/accounts",
        "/account?id=alice",
        "/account?id=alice&tab=sent",
        "/account?id=carol&tab=requests",
        "/requests",
        "/request?id=1",
        "/webhooks",
        "/limits",
        "/state",
        "/state/reset",
        "/state/export",
    ] {
        let (status, html) = get(&emulator, path).await;
        assert_eq!(status, 200, "{path}");
        assert!(!html.contains(DEFAULT_SECRET_KEY), "{path}");
        assert!(!html.contains(&usersig), "{path}");
        assert!(!html.contains("usersig"), "{path}");
        assert!(!html.contains(WEBHOOK_TOKEN), "{path}");
        assert!(!html.contains("Sign="), "{path}");
        for signature in &signatures {
            assert!(!html.contains(signature.as_str()), "{path}");
        }
    }
    let (_, html) = get(&emulator, "/request?id=1").await;
    assert!(html.contains("v4/im_open_login_svc/account_import"));
    let (_, html) = get(&emulator, "/webhooks").await;
    assert!(html.contains("Sns.CallbackPrevFriendAdd"), "{html}");
}

fn multipart(file: &[u8]) -> (String, Vec<u8>) {
    let boundary = "----emulator-test-boundary";
    let mut body = Vec::new();
    body.extend_from_slice(
        format!(
            "--{boundary}\r\nContent-Disposition: form-data; name=\"state\"; filename=\"s.json\"\r\nContent-Type: application/json\r\n\r\n"
        )
        .as_bytes(),
    );
    body.extend_from_slice(file);
    body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    (format!("multipart/form-data; boundary={boundary}"), body)
}

#[tokio::test]
async fn export_import_and_reset_through_the_page() {
    let emulator = start().await;
    let (_, html) = get(&emulator, "/state").await;
    let token = token(&html);
    let (status, exported) = get(&emulator, "/state/export").await;
    assert_eq!(status, 200);
    let exported = Snapshot::from_json(exported.as_bytes()).unwrap();
    assert_eq!(exported, emulator.export_state());

    // Reset asks first, then forgets everything.
    let (_, html) = get(&emulator, "/state/reset").await;
    assert!(html.contains("3005"), "{html}");
    let answer = post_form(&emulator, "/state/reset", Some(&token), None, "").await;
    assert_eq!(answer.status(), 303);
    assert!(emulator.has_account("alice"), "no confirmation, no reset");
    let answer = post_form(&emulator, "/state/reset", Some(&token), None, "confirm=yes").await;
    assert_eq!(answer.status(), 303);
    assert!(emulator.export_state().accounts.is_empty());

    // A bad file is refused whole, with the reason.
    let mut bad = exported.clone();
    let alice = bad.accounts.iter().position(|a| a.id == "alice").unwrap();
    bad.accounts[alice].friends[0].id = "ghost".to_owned();
    let import = |file: Vec<u8>| {
        let (content_type, body) = multipart(&file);
        let url = format!("{}/state/import?csrf={token}", emulator.base_url());
        async move {
            http()
                .post(url)
                .header(header::CONTENT_TYPE, content_type)
                .body(body)
                .send()
                .await
                .unwrap()
        }
    };
    let answer = import(bad.to_json_pretty()).await;
    assert_eq!(answer.status(), 400);
    let text = answer.text().await.unwrap();
    assert!(
        text.contains(&format!("accounts[{alice}].friends[0].id")),
        "{text}"
    );
    assert!(text.contains("&quot;ghost&quot; is not one of the accounts"));
    assert!(emulator.export_state().accounts.is_empty());

    let answer = import(exported.to_json_pretty()).await;
    assert_eq!(answer.status(), 303);
    assert_eq!(emulator.export_state(), exported);
}

#[tokio::test]
async fn the_request_log_stays_within_its_bytes_with_answers() {
    let budget = 256 * 1024;
    let emulator = Emulator::builder()
        .import_state(seed())
        .unwrap()
        .request_log_bytes(budget)
        .rate_limit(false)
        .start()
        .await
        .unwrap();
    let client = emulator.client().unwrap();
    // Each answer is a page of 100 friends: several KiB kept per request.
    for _ in 0..200 {
        client.call(&FriendGet::new("hub")).await.unwrap();
    }
    assert!(emulator.logged_bytes() <= budget);
    let kept = emulator.requests();
    assert!(kept.len() < 200, "{} kept", kept.len());
    assert!(kept.iter().all(|r| r.answer().len() > 1000));
    // Viewing pages keeps nothing more.
    let before = emulator.logged_bytes();
    for _ in 0..20 {
        get(&emulator, "/requests").await;
        get(&emulator, "/account?id=hub&per_page=3000").await;
    }
    assert_eq!(emulator.logged_bytes(), before);
}

#[test]
fn the_binary_starts_from_a_state_file_and_writes_it_back_on_exit() {
    use std::io::{BufRead, BufReader};
    use std::process::{Command, Stdio};

    let dir = std::env::temp_dir().join(format!("im-emulator-state-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let input = dir.join("in.json");
    let output = dir.join("out.json");
    let state = seed();
    std::fs::write(&input, state.to_json_pretty()).unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_im-emulator"))
        .args(["--import", input.to_str().unwrap()])
        .args(["--export-on-exit", output.to_str().unwrap()])
        .env_remove("IM_SECRET_KEY")
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let first = lines.next().unwrap().unwrap();
    assert!(first.starts_with("listening on "), "{first}");
    let page = lines
        .map_while(Result::ok)
        .find(|line| line.starts_with("# web page: http://127.0.0.1:"));
    assert!(page.is_some());
    let status = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
    assert!(child.wait().unwrap().success());
    let written = Snapshot::from_json(&std::fs::read(&output).unwrap()).unwrap();
    let mut expected = state;
    expected.accounts.sort_by(|a, b| a.id.cmp(&b.id));
    assert_eq!(written, expected);

    // A bad file stops the binary with the reason and where it is.
    std::fs::write(
        &input,
        br#"{"format": "tencent-im-emulator/state", "version": 9, "accounts": []}"#,
    )
    .unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_im-emulator"))
        .args(["--import", input.to_str().unwrap()])
        .output()
        .unwrap();
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("version 9 is not supported"), "{err}");
    let _ = std::fs::remove_dir_all(&dir);
}
