//! The web page in a real browser: headless Chromium driven over WebDriver by a chromedriver
//! this test starts on a free loopback port. Needs the `chromium` and `chromium-driver`
//! packages (`CHROMEDRIVER` / `CHROMIUM` name other binaries); run with
//! `cargo test -p tencent-im-emulator --test browser -- --ignored`.
//!
//! Screenshots of the main views are written to `target/ui-screenshots/`.

use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use fantoccini::{Client, ClientBuilder, Locator};
use tencent_im_core::ErrorCode;
use tencent_im_emulator::{
    Emulator, FaultPlan, RunningEmulator, Snapshot, SnapshotAccount, SnapshotEntry, SnapshotFriend,
};
use tencent_im_friends::{FriendAdd, FriendAddItem, FriendGet};
use tencent_im_webhooks::axum;

const HOSTILE: &str = "<script>alert(1)</script>";

/// A chromedriver on a free loopback port, stopped when dropped.
struct Chromedriver {
    child: Child,
    port: u16,
}

impl Chromedriver {
    fn start() -> Chromedriver {
        let port = TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .unwrap()
            .port();
        let binary = std::env::var("CHROMEDRIVER").unwrap_or_else(|_| "chromedriver".to_owned());
        let child = Command::new(&binary)
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap_or_else(|err| panic!("cannot start {binary}: {err}"));
        Chromedriver { child, port }
    }

    /// Waits until chromedriver accepts connections (a readiness poll with a bounded number of
    /// tries, not a timing assertion).
    async fn ready(&self) {
        for _ in 0..300 {
            if tokio::net::TcpStream::connect(("127.0.0.1", self.port))
                .await
                .is_ok()
            {
                return;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        panic!("chromedriver did not listen on port {}", self.port);
    }
}

impl Drop for Chromedriver {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn screenshots() -> PathBuf {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("..")
        .join("target")
        .join("ui-screenshots");
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

async fn browser(driver: &Chromedriver, downloads: &Path) -> Client {
    let mut options = serde_json::json!({
        "args": ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                 "--window-size=1200,760"],
        "prefs": {
            "download.default_directory": downloads.to_str().unwrap(),
            "download.prompt_for_download": false,
        },
    });
    if let Ok(binary) = std::env::var("CHROMIUM") {
        options["binary"] = binary.into();
    } else if Path::new("/usr/bin/chromium").exists() {
        options["binary"] = "/usr/bin/chromium".into();
    }
    let mut capabilities = serde_json::Map::new();
    capabilities.insert("goog:chromeOptions".to_owned(), options);
    ClientBuilder::new(hyper_util::client::legacy::connect::HttpConnector::new())
        .capabilities(capabilities)
        .connect(&format!("http://127.0.0.1:{}", driver.port))
        .await
        .expect("a WebDriver session with headless Chromium")
}

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
        nick: Some("Alice".to_owned()),
        allow_type: Some("AllowType_Type_AllowAny".to_owned()),
        groups: vec!["work".to_owned(), "family".to_owned()],
        friends: vec![
            SnapshotFriend {
                groups: vec!["work".to_owned()],
                ..friend("bob", Some("Bobby"))
            },
            friend("carol", Some("Carol from school")),
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
        nick: Some("Bob".to_owned()),
        friends: vec![friend("alice", None)],
        following: vec![SnapshotEntry {
            id: "alice".to_owned(),
            time: 1_700_000_300,
        }],
        ..SnapshotAccount::default()
    });
    snapshot.accounts.push(SnapshotAccount {
        id: "carol".to_owned(),
        allow_type: Some("AllowType_Type_DenyAny".to_owned()),
        ..SnapshotAccount::default()
    });
    snapshot.accounts.push(SnapshotAccount {
        id: "mallory".to_owned(),
        ..SnapshotAccount::default()
    });
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

/// The text of the element `css` selects. A click's navigation may replace the page between
/// finding the element and reading it: a stale element is looked up again, a bounded number of
/// times.
async fn text(browser: &Client, css: &str) -> String {
    for _ in 0..20 {
        let found = browser.find(Locator::Css(css)).await;
        let Ok(element) = found else {
            let url = browser
                .current_url()
                .await
                .map(|u| u.to_string())
                .unwrap_or_default();
            let source = browser.source().await.unwrap_or_default();
            panic!("{css} is not on {url}: {source}");
        };
        match element.text().await {
            Ok(text) => return text,
            Err(fantoccini::error::CmdError::Standard(err))
                if err.error == fantoccini::error::ErrorStatus::StaleElementReference =>
            {
                tokio::time::sleep(Duration::from_millis(50)).await;
            }
            Err(err) => panic!("cannot read {css}: {err}"),
        }
    }
    panic!("{css} kept being replaced");
}

/// Clicks a link or a form's button and returns once the answer has replaced the page:
/// WebDriver's click returns before the next page is there, and the old page's elements (the
/// same ids, other contents) would be read instead. Bounded: a page that never comes fails.
async fn click_through(browser: &Client, target: Locator<'_>) {
    let old = browser.find(Locator::Css("html")).await.unwrap();
    browser.find(target).await.unwrap().click().await.unwrap();
    for _ in 0..400 {
        match old.tag_name().await {
            Err(fantoccini::error::CmdError::Standard(err))
                if err.error == fantoccini::error::ErrorStatus::StaleElementReference =>
            {
                return;
            }
            _ => tokio::time::sleep(Duration::from_millis(25)).await,
        }
    }
    panic!("the click on {target:?} did not lead to another page");
}

async fn shoot(browser: &Client, name: &str) {
    let png = browser.screenshot().await.unwrap();
    std::fs::write(screenshots().join(format!("{name}.png")), png).unwrap();
}

/// Whether an alert is open (a script ran).
async fn alert_open(browser: &Client) -> bool {
    browser.get_alert_text().await.is_ok()
}

/// Waits for a file to appear in `dir` (a bounded poll while the browser writes it).
async fn downloaded(dir: &Path, name: &str) -> Vec<u8> {
    let path = dir.join(name);
    for _ in 0..300 {
        if let Ok(bytes) = std::fs::read(&path) {
            if !bytes.is_empty() {
                return bytes;
            }
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("{} was not downloaded", path.display());
}

async fn set_faults(browser: &Client, emulator: &RunningEmulator, spec: &str) {
    browser
        .goto(&format!("{}limits", emulator.ui_url().unwrap()))
        .await
        .unwrap();
    let input = browser.find(Locator::Id("faults")).await.unwrap();
    input.clear().await.unwrap();
    input.send_keys(spec).await.unwrap();
    click_through(browser, Locator::Id("set-faults")).await;
    // The click returns before the form's answer has loaded: wait (bounded) until the running
    // emulator has the plan and the page shown is the answer, not the form it came from.
    let shown = if spec.is_empty() { "none" } else { spec };
    for _ in 0..200 {
        if emulator.faults().to_string() == spec && text(browser, "#fault-plan").await == shown {
            return;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("the fault plan {spec:?} never took effect on the page");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs chromium"]
async fn the_page_in_a_real_browser() {
    let emulator = Emulator::builder()
        .import_state(seed())
        .unwrap()
        .start()
        .await
        .unwrap();
    let ui = emulator.ui_url().unwrap();
    let downloads = std::env::temp_dir().join(format!("im-emulator-ui-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&downloads);
    std::fs::create_dir_all(&downloads).unwrap();
    let driver = Chromedriver::start();
    driver.ready().await;
    let browser = browser(&driver, &downloads).await;

    // Accounts, and a link to one account's graph.
    browser.goto(&ui).await.unwrap();
    assert_eq!(browser.title().await.unwrap(), "Accounts · IM emulator");
    let list = text(&browser, "#accounts").await;
    assert!(
        list.contains("alice") && list.contains("AllowType_Type_AllowAny"),
        "{list}"
    );
    shoot(&browser, "accounts").await;
    click_through(&browser, Locator::LinkText("alice")).await;
    assert_eq!(text(&browser, "#friend-count").await, "2");
    let friends = text(&browser, "#entries").await;
    assert!(
        friends.contains("Bobby") && friends.contains("work"),
        "{friends}"
    );
    shoot(&browser, "account").await;
    click_through(&browser, Locator::LinkText("Mutual follows")).await;
    assert!(text(&browser, "#entries").await.contains("bob"));
    click_through(&browser, Locator::LinkText("Blocklist")).await;
    assert!(text(&browser, "#entries").await.contains("mallory"));

    // 3000 friends, a page at a time.
    browser.goto(&format!("{ui}account?id=hub")).await.unwrap();
    let rows = browser
        .find_all(Locator::Css("#entries tbody tr"))
        .await
        .unwrap();
    assert_eq!(rows.len(), 100);
    click_through(&browser, Locator::Css("a[rel=next]")).await;
    let page_two = text(&browser, "#entries").await;
    assert!(page_two.contains("member0100") && !page_two.contains("member0099"));

    // A fault set on the page meets the next call, and the log shows it.
    set_faults(&browser, &emulator, "code:30006=1").await;
    assert_eq!(text(&browser, "#fault-plan").await, "code:30006=1");
    let client = emulator.client().unwrap();
    let err = client.call(&FriendGet::new("alice")).await.unwrap_err();
    assert!(
        matches!(&err, tencent_im_core::Error::Api { code, .. } if *code == ErrorCode(30006)),
        "{err}"
    );
    shoot(&browser, "limits").await;
    browser.goto(&format!("{ui}requests")).await.unwrap();
    let log = text(&browser, "#requests").await;
    assert!(
        log.contains("v4/sns/friend_get") && log.contains("code:30006"),
        "{log}"
    );
    shoot(&browser, "requests").await;
    click_through(&browser, Locator::Css("#requests tbody tr a")).await;
    assert_eq!(text(&browser, "#fault").await, "code:30006");
    assert!(text(&browser, "#body")
        .await
        .contains("\"From_Account\": \"alice\""));
    set_faults(&browser, &emulator, "").await;
    assert_eq!(emulator.faults(), FaultPlan::none());
    client.call(&FriendGet::new("alice")).await.unwrap();

    // Export, reset (with its confirmation), import the export back.
    browser.goto(&format!("{ui}state")).await.unwrap();
    browser
        .find(Locator::Id("export"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    let exported = downloaded(&downloads, "emulator-state.json").await;
    let exported = Snapshot::from_json(&exported).unwrap();
    assert_eq!(exported, emulator.export_state());
    shoot(&browser, "state").await;
    click_through(&browser, Locator::Id("reset")).await;
    click_through(&browser, Locator::Id("confirm-reset")).await;
    assert_eq!(text(&browser, "#account-total").await, "0");
    assert!(emulator.export_state().accounts.is_empty());
    let file = downloads.join("emulator-state.json");
    browser
        .find(Locator::Id("import-file"))
        .await
        .unwrap()
        .send_keys(file.to_str().unwrap())
        .await
        .unwrap();
    click_through(&browser, Locator::Id("import")).await;
    assert_eq!(text(&browser, "#flash").await, "The state is imported.");
    assert_eq!(emulator.export_state(), exported);

    // An account named like a script is shown as text, and runs nothing.
    let mut hostile = exported.clone();
    hostile.accounts.push(SnapshotAccount {
        id: HOSTILE.to_owned(),
        nick: Some("<img src=x onerror=alert(2)>".to_owned()),
        ..SnapshotAccount::default()
    });
    let hostile_file = downloads.join("hostile.json");
    std::fs::write(&hostile_file, hostile.to_json_pretty()).unwrap();
    browser
        .find(Locator::Id("import-file"))
        .await
        .unwrap()
        .send_keys(hostile_file.to_str().unwrap())
        .await
        .unwrap();
    click_through(&browser, Locator::Id("import")).await;
    assert!(emulator.has_account(HOSTILE));
    browser
        .goto(&format!("{ui}accounts?q=script"))
        .await
        .unwrap();
    assert!(!alert_open(&browser).await, "a script ran");
    let link = browser
        .find(Locator::LinkText(HOSTILE))
        .await
        .expect("the account's name shown as text");
    assert_eq!(link.text().await.unwrap(), HOSTILE);
    assert!(text(&browser, "#accounts")
        .await
        .contains("<img src=x onerror=alert(2)>"));
    click_through(&browser, Locator::LinkText(HOSTILE)).await;
    assert!(!alert_open(&browser).await, "a script ran");
    assert!(browser.title().await.unwrap().contains(HOSTILE));

    webhooks_and_requests(&browser, &downloads).await;

    browser.close().await.unwrap();
    let _ = std::fs::remove_dir_all(&downloads);
}

/// A receiver on a loopback port that answers every callback with a hostile `ErrorInfo`.
async fn receiver() -> url::Url {
    let answer = format!(r#"{{"ActionStatus":"OK","ErrorCode":0,"ErrorInfo":"{HOSTILE}"}}"#);
    let router = axum::Router::new().route(
        "/im/callback",
        axum::routing::post(move || {
            let answer = answer.clone();
            async move { answer }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/im/callback", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, router).await });
    url::Url::parse(&url).unwrap()
}

/// The Webhooks view with a delivery, and an account's pending friend requests.
async fn webhooks_and_requests(browser: &Client, downloads: &Path) {
    let state = Snapshot::from_json(&std::fs::read(downloads.join("emulator-state.json")).unwrap())
        .unwrap();
    let emulator = Emulator::builder()
        .import_state(state)
        .unwrap()
        .webhook(receiver().await, None)
        .start()
        .await
        .unwrap();
    let ui = emulator.ui_url().unwrap();
    let client = emulator.client().unwrap();
    // alice accepts anyone (and has blocked mallory, not carol): a friendship, and its
    // callback.
    let to_alice = FriendAddItem::new("alice", "AddSource_Type_Web");
    client
        .call(&FriendAdd::new("carol", vec![to_alice]))
        .await
        .unwrap();
    // bob confirms requests: one waits for him.
    let to_bob = FriendAddItem::new("bob", "AddSource_Type_Web")
        .remark("Caz")
        .add_wording("let me in");
    client
        .call(&FriendAdd::new("carol", vec![to_bob]))
        .await
        .unwrap();
    for _ in 0..300 {
        if !emulator.webhook_status().recent.is_empty() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let status = emulator.webhook_status();
    assert_eq!(status.delivered, 1, "{status:?}");

    browser.goto(&ui).await.unwrap();
    click_through(browser, Locator::LinkText("Webhooks")).await;
    assert_eq!(browser.title().await.unwrap(), "Webhooks · IM emulator");
    assert!(!alert_open(browser).await, "a script ran");
    assert_eq!(text(browser, "#delivered").await, "1");
    let deliveries = text(browser, "#deliveries").await;
    assert!(
        deliveries.contains("Sns.CallbackFriendAdd")
            && deliveries.contains("HTTP 200")
            && deliveries.contains(HOSTILE),
        "{deliveries}"
    );
    shoot(browser, "webhooks").await;

    browser
        .goto(&format!("{ui}account?id=bob&tab=requests"))
        .await
        .unwrap();
    assert!(text(browser, "#request-counts")
        .await
        .starts_with("1 received"));
    let requests = text(browser, "#entries").await;
    assert!(
        requests.contains("carol") && requests.contains("let me in"),
        "{requests}"
    );
    shoot(browser, "account-requests").await;
    emulator.shutdown().await;
}
