//! The web page's handlers over HTTP, without a browser: escaping, paging, the guard (token,
//! origin, host, loopback-only), the state forms, and the request log's bound.

use std::net::SocketAddr;

use reqwest::header;
use reqwest::redirect::Policy;
use tencent_im_accounts::AccountImport;
use tencent_im_core::{Endpoint, ErrorCode};
use tencent_im_emulator::{
    Emulator, Fault, FaultPlan, RunningEmulator, Snapshot, SnapshotAccount, SnapshotEntry,
    SnapshotFriend, DEFAULT_SECRET_KEY,
};
use tencent_im_friends::FriendGet;

const HOSTILE: &str = "<script>alert(1)</script>";

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

#[tokio::test]
async fn no_page_holds_the_secret_key_or_a_usersig() {
    let emulator = start().await;
    let client = emulator.client().unwrap();
    client.call(&AccountImport::new("someone")).await.unwrap();
    let url = client.request_url(AccountImport::PATH).unwrap();
    let usersig = url
        .split(['?', '&'])
        .find_map(|pair| pair.strip_prefix("usersig="))
        .unwrap()
        .to_owned();
    for path in [
        "/",
        "/accounts",
        "/account?id=alice",
        "/requests",
        "/request?id=1",
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
    }
    let (_, html) = get(&emulator, "/request?id=1").await;
    assert!(html.contains("v4/im_open_login_svc/account_import"));
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
