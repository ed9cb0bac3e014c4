//! The SDK client against the emulator on a loopback port: the three friend calls, paging,
//! partial failures, the account calls and every refusal of a bad request or UserSig.

mod common;

use std::collections::HashSet;

use common::*;

use tencent_im_accounts::{
    AccountCheck, AccountDelete, AccountImport, AccountStatus, MultiaccountImport,
};
use tencent_im_core::usersig::UserSigSigner;
use tencent_im_core::{Client, Error, ErrorCode, ManualClock};
use tencent_im_emulator::{AllowType, Emulator, RunningEmulator};
use tencent_im_friends::*;

#[tokio::test]
async fn import_then_page_through_1200_friends() {
    let (emulator, client) = start().await;
    let friends = users("f", 1200);
    import_accounts(&client, &friends).await;
    client.call(&AccountImport::new("owner")).await.unwrap();

    for chunk in friends.chunks(1000) {
        let items = chunk
            .iter()
            .map(|id| FriendImportItem::new(id, SOURCE).remark(format!("r-{id}")))
            .collect();
        let response = client
            .call(&FriendImport::new("owner", items))
            .await
            .unwrap();
        assert_eq!(response.results.len(), chunk.len());
        assert!(response.fail_accounts.is_empty());
        assert!(response.succeeded().count() == chunk.len());
    }

    let mut seen = Vec::new();
    let mut request = FriendGet::new("owner");
    let mut pages = 0;
    loop {
        let page = client.call(&request).await.unwrap();
        pages += 1;
        assert_eq!(page.friend_num, 1200);
        for friend in &page.friends {
            assert_eq!(
                friend.remark(),
                Some(format!("r-{}", friend.to_account).as_str())
            );
            assert_eq!(friend.add_source(), Some(SOURCE));
            assert!(friend.add_time().is_some());
        }
        seen.extend(page.friends.iter().map(|f| f.to_account.clone()));
        match page.next_page(&request) {
            Some(next) => {
                assert_eq!(page.complete_flag, 0);
                request = next;
            }
            None => {
                assert_eq!((page.complete_flag, page.next_start_index), (1, 0));
                break;
            }
        }
    }
    assert_eq!(pages, 12);
    assert_eq!(seen, friends, "every friend once, in the order imported");
    assert_eq!(emulator.friends_of("owner").len(), 1200);
    // One way: the imported friends do not have the owner.
    assert!(emulator.friends_of("f0000").is_empty());
}

#[tokio::test]
async fn friend_import_reports_partial_failures() {
    let (emulator, client) = start().await;
    import_accounts(&client, &["a".into(), "b".into(), "c".into()]).await;
    let request = FriendImport::new(
        "a",
        vec![
            FriendImportItem::new("b", SOURCE).group("Friends"),
            FriendImportItem::new("ghost", SOURCE),
            FriendImportItem::new("a", SOURCE),
            FriendImportItem::new("b", SOURCE),
            FriendImportItem::new("c", SOURCE)
                .custom(TagValue::new(Tag::custom("Level").unwrap(), 7)),
        ],
    );
    let response = client.call(&request).await.unwrap();
    let codes: Vec<(String, ErrorCode)> = response
        .results
        .iter()
        .map(|r| (r.to_account.clone(), r.result_code))
        .collect();
    assert_eq!(
        codes,
        [
            ("b".into(), ErrorCode::OK),
            ("ghost".into(), ErrorCode::SNS_ACCOUNT_NOT_FOUND),
            ("a".into(), ErrorCode::SNS_BAD_PARAMETER),
            ("b".into(), ErrorCode::SNS_BAD_PARAMETER),
            ("c".into(), ErrorCode::OK),
        ]
    );
    assert_eq!(response.fail_accounts, ["ghost", "a", "b"]);
    assert_eq!(emulator.friends_of("a"), ["b", "c"]);

    let page = client.call(&FriendGet::new("a")).await.unwrap();
    assert_eq!(page.friends[0].groups(), ["Friends"]);
    assert_eq!(
        page.friends[1].custom("Level"),
        Some(&FriendValue::Integer(7))
    );

    // Sequences: a request carrying the current values gets no fields back.
    let quiet = client
        .call(
            &FriendGet::new("a")
                .standard_sequence(page.standard_sequence)
                .custom_sequence(page.custom_sequence),
        )
        .await
        .unwrap();
    assert!(quiet.friends.iter().all(|f| f.values.is_empty()));
    assert_eq!(quiet.friends.len(), 2);
    let custom_only = client
        .call(&FriendGet::new("a").standard_sequence(page.standard_sequence))
        .await
        .unwrap();
    assert!(custom_only.friends[0].values.is_empty());
    assert_eq!(custom_only.friends[1].values.len(), 1);

    // An unknown From_Account fails the whole request.
    let unknown = FriendImport::new("nobody", vec![FriendImportItem::new("a", SOURCE)]);
    assert_eq!(
        api_code(client.call(&unknown).await),
        ErrorCode::SNS_ACCOUNT_NOT_FOUND
    );
}

#[tokio::test]
async fn friend_add_both_single_pending_and_conflicts() {
    let (emulator, client) = start().await;
    import_accounts(&client, &users("u", 4)).await;

    // Default AllowType is NeedConfirm: a normal add is pending, not a friendship.
    let pending = client
        .call(&FriendAdd::new(
            "u0000",
            vec![FriendAddItem::new("u0001", SOURCE)],
        ))
        .await
        .unwrap();
    assert_eq!(pending.pending().count(), 1);
    assert_eq!(pending.failed().count(), 0);
    assert!(emulator.friends_of("u0000").is_empty());

    // Forced, both ways.
    let added = client
        .call(
            &FriendAdd::new(
                "u0000",
                vec![FriendAddItem::new("u0001", SOURCE)
                    .remark("best")
                    .group("Classmates")
                    .add_wording("hi")],
            )
            .add_type(AddType::Both)
            .force_add(true),
        )
        .await
        .unwrap();
    assert_eq!(added.added().count(), 1);
    assert!(added.fail_accounts.is_empty());
    assert_eq!(emulator.friends_of("u0000"), ["u0001"]);
    assert_eq!(emulator.friends_of("u0001"), ["u0000"]);
    let page = client.call(&FriendGet::new("u0000")).await.unwrap();
    let friend = &page.friends[0];
    assert_eq!(friend.remark(), Some("best"));
    assert_eq!(friend.groups(), ["Classmates"]);
    assert_eq!(friend.add_wording(), Some("hi"));

    // Single: only one side; AllowAny needs no force.
    emulator.set_allow_type("u0003", AllowType::AllowAny);
    client
        .call(
            &FriendAdd::new("u0002", vec![FriendAddItem::new("u0003", SOURCE)])
                .add_type(AddType::Single),
        )
        .await
        .unwrap();
    assert_eq!(emulator.friends_of("u0002"), ["u0003"]);
    assert!(emulator.friends_of("u0003").is_empty());

    // Already a friend, unknown account, DenyAny: per-item failures in one request.
    emulator.set_allow_type("u0002", AllowType::DenyAny);
    let mixed = client
        .call(&FriendAdd::new(
            "u0000",
            vec![
                FriendAddItem::new("u0001", SOURCE),
                FriendAddItem::new("ghost", SOURCE),
                FriendAddItem::new("u0002", SOURCE),
            ],
        ))
        .await
        .unwrap();
    let codes: Vec<ErrorCode> = mixed.results.iter().map(|r| r.result_code).collect();
    assert_eq!(
        codes,
        [
            ErrorCode::SNS_BAD_PARAMETER,
            ErrorCode::SNS_ACCOUNT_NOT_FOUND,
            ErrorCode::SNS_PEER_REFUSES_ALL
        ]
    );
    assert_eq!(mixed.fail_accounts, ["u0001", "ghost", "u0002"]);
}

#[tokio::test]
async fn account_calls() {
    let (emulator, client) = start().await;
    client
        .call(&AccountImport::new("a").nick("A"))
        .await
        .unwrap();
    client.call(&AccountImport::new("a")).await.unwrap(); // idempotent
    let multi = client
        .call(&MultiaccountImport::new(["b", "c"]))
        .await
        .unwrap();
    assert!(multi.fail_accounts.is_empty());
    client
        .call(&FriendAdd::new("a", vec![FriendAddItem::new("b", SOURCE)]).force_add(true))
        .await
        .unwrap();

    let check = client.call(&AccountCheck::new(["a", "zz"])).await.unwrap();
    assert_eq!(check.results[0].status, Some(AccountStatus::Imported));
    assert_eq!(check.results[1].status, Some(AccountStatus::NotImported));

    let deleted = client.call(&AccountDelete::new(["b", "zz"])).await.unwrap();
    assert_eq!(deleted.results[0].result_code, ErrorCode::OK);
    assert_eq!(deleted.results[1].result_code, ErrorCode::USER_NOT_IMPORTED);
    assert!(!emulator.has_account("b"));
    assert!(
        emulator.friends_of("a").is_empty(),
        "relations go with the account"
    );
}

#[tokio::test]
async fn wrong_key_and_non_admin_are_refused() {
    let emulator = Emulator::builder().start().await.unwrap();
    let wrong_key = Client::builder(emulator.sdkappid(), "not the key", emulator.admin())
        .base_url(emulator.base_url())
        .build()
        .unwrap();
    assert_eq!(
        api_code(wrong_key.call(&FriendGet::new("a")).await),
        ErrorCode::USERSIG_HMAC_MISMATCH
    );
    let not_admin = Client::builder(emulator.sdkappid(), emulator.secret_key().clone(), "bob")
        .base_url(emulator.base_url())
        .build()
        .unwrap();
    assert_eq!(
        api_code(not_admin.call(&FriendGet::new("a")).await),
        ErrorCode::SNS_ADMIN_REQUIRED
    );
    assert_eq!(
        api_code(not_admin.call(&AccountImport::new("a")).await),
        ErrorCode::ACCOUNT_ADMIN_REQUIRED
    );
}

#[tokio::test]
async fn expired_sig_is_renewed_once() {
    const T0: u64 = 1_800_000_000;
    const DAY: u64 = 86_400;
    let server_clock = ManualClock::new(T0);
    let emulator = Emulator::builder()
        .clock(server_clock.clone())
        .start()
        .await
        .unwrap();
    let client_clock = ManualClock::new(T0);
    let client = emulator
        .client_builder()
        .clock(client_clock.clone())
        .build()
        .unwrap();
    client.call(&AccountImport::new("a")).await.unwrap();

    // The cached sig (valid one day) is still within the client's renewal window, but the
    // server's clock is past its expiry: 70001, re-sign, success.
    client_clock.set(T0 + DAY * 7 / 10);
    server_clock.set(T0 + DAY + DAY / 5);
    client.call(&FriendGet::new("a")).await.unwrap();

    // When a fresh sig is expired too (the client clock is far behind), the error surfaces.
    server_clock.set(T0 + 10 * DAY);
    assert_eq!(
        api_code(client.call(&FriendGet::new("a")).await),
        ErrorCode::USERSIG_EXPIRED
    );
}

/// Raw requests, as any other client would send them.
mod raw {
    use super::*;

    struct Raw {
        emulator: RunningEmulator,
        http: reqwest::Client,
    }

    impl Raw {
        async fn new() -> Self {
            let emulator = Emulator::builder().start().await.unwrap();
            let raw = Raw {
                emulator,
                http: reqwest::Client::new(),
            };
            let client = raw.emulator.client().unwrap();
            client.call(&AccountImport::new("a")).await.unwrap();
            raw
        }

        fn sig_for(&self, sdkappid: u64, identifier: &str, time: u64) -> String {
            UserSigSigner::new(sdkappid, self.emulator.secret_key().clone())
                .generate_at(identifier, 86_400, time, None)
                .into_secret()
        }

        fn good_sig(&self) -> String {
            self.sig_for(self.emulator.sdkappid(), "administrator", now())
        }

        async fn post(&self, path: &str, query: &str, body: &str) -> serde_json::Value {
            let url = format!("{}/{path}?{query}", self.emulator.base_url());
            let response = self
                .http
                .post(url)
                .body(body.to_owned())
                .send()
                .await
                .unwrap();
            assert_eq!(response.status(), 200);
            serde_json::from_slice(&response.bytes().await.unwrap()).unwrap()
        }

        async fn code(&self, path: &str, query: &str, body: &str) -> i64 {
            let value = self.post(path, query, body).await;
            assert!(value["ErrorInfo"].is_string());
            value["ErrorCode"].as_i64().unwrap()
        }

        fn query(&self, identifier: &str, sig: &str) -> String {
            format!(
                "sdkappid={}&identifier={identifier}&usersig={sig}&random=42&contenttype=json",
                self.emulator.sdkappid()
            )
        }
    }

    fn now() -> u64 {
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_secs()
    }

    const GET: &str = "v4/sns/friend_get";
    const BODY: &str = r#"{"From_Account":"a","StartIndex":0}"#;

    #[tokio::test]
    async fn a_well_formed_request_succeeds_with_the_envelope_last() {
        let raw = Raw::new().await;
        let url = format!(
            "{}/{GET}?{}",
            raw.emulator.base_url(),
            raw.query("administrator", &raw.good_sig())
        );
        let text = raw
            .http
            .post(url)
            .body(BODY)
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        let data_at = text.find("\"CompleteFlag\"").unwrap();
        let envelope_at = text.find("\"ActionStatus\"").unwrap();
        assert!(data_at < envelope_at, "{text}");
        let value: serde_json::Value = serde_json::from_str(&text).unwrap();
        assert_eq!(value["ActionStatus"], "OK");
        assert_eq!(value["ErrorCode"], 0);
        assert_eq!(value["CompleteFlag"], 1);
    }

    #[tokio::test]
    async fn every_sig_problem_has_its_code() {
        let raw = Raw::new().await;
        let app = raw.emulator.sdkappid();
        let cases: Vec<(String, i64)> = vec![
            (raw.query("administrator", ""), 70002),
            (raw.query("administrator", "%%%garbage"), 70003),
            (raw.query("administrator", "aGVsbG8_"), 70003),
            (
                raw.query(
                    "administrator",
                    &raw.sig_for(app + 1, "administrator", now()),
                ),
                70014,
            ),
            (
                raw.query("administrator", &raw.sig_for(app, "bob", now())),
                70013,
            ),
            (
                raw.query(
                    "administrator",
                    &raw.sig_for(app, "administrator", now() - 200_000),
                ),
                70001,
            ),
            (raw.query("bob", &raw.sig_for(app, "bob", now())), 30004),
            (
                format!(
                    "identifier=administrator&usersig={}&random=1",
                    raw.good_sig()
                ),
                60012,
            ),
            (
                format!(
                    "sdkappid=99&identifier=administrator&usersig={}",
                    raw.good_sig()
                ),
                70020,
            ),
        ];
        for (query, expected) in cases {
            assert_eq!(raw.code(GET, &query, BODY).await, expected, "{query}");
        }
        let other_key = UserSigSigner::new(app, "other key")
            .generate_at("administrator", 86_400, now(), None)
            .into_secret();
        assert_eq!(
            raw.code(GET, &raw.query("administrator", &other_key), BODY)
                .await,
            70009
        );
    }

    #[tokio::test]
    async fn every_body_problem_has_its_code() {
        let raw = Raw::new().await;
        let query = raw.query("administrator", &raw.good_sig());
        assert_eq!(raw.code(GET, &query, "not json").await, 60003);
        assert_eq!(raw.code(GET, &query, "").await, 60003);
        assert_eq!(raw.code(GET, &query, "[1]").await, 60003);
        assert_eq!(raw.code(GET, &query, r#"{"StartIndex":0}"#).await, 30001);
        assert_eq!(raw.code(GET, &query, r#"{"From_Account":5}"#).await, 60015);
        assert_eq!(
            raw.code(GET, &query, r#"{"From_Account":"a","StartIndex":"x"}"#)
                .await,
            30001
        );
        let items: Vec<String> = (0..1001)
            .map(|i| format!(r#"{{"To_Account":"u{i}","AddSource":"AddSource_Type_X"}}"#))
            .collect();
        let big = format!(
            r#"{{"From_Account":"a","AddFriendItem":[{}]}}"#,
            items.join(",")
        );
        assert_eq!(raw.code("v4/sns/friend_import", &query, &big).await, 30001);
        let accounts: Vec<String> = (0..101).map(|i| format!(r#""u{i}""#)).collect();
        let big = format!(r#"{{"Accounts":[{}]}}"#, accounts.join(","));
        assert_eq!(
            raw.code("v4/im_open_login_svc/multiaccount_import", &query, &big)
                .await,
            70402
        );
        assert_eq!(raw.code("v4/sns/no_such_call", &query, "{}").await, 60009);
    }

    #[tokio::test]
    async fn friend_add_without_add_source_is_accepted() {
        let raw = Raw::new().await;
        let client = raw.emulator.client().unwrap();
        client.call(&AccountImport::new("b")).await.unwrap();
        let query = raw.query("administrator", &raw.good_sig());
        let value = raw
            .post(
                "v4/sns/friend_add",
                &query,
                r#"{"From_Account":"a","AddFriendItem":[{"To_Account":"b"}],"ForceAddFlags":1}"#,
            )
            .await;
        assert_eq!(value["ErrorCode"], 0);
        assert_eq!(value["ResultItem"][0]["ResultCode"], 0);
        let ids: HashSet<String> = raw.emulator.friends_of("a").into_iter().collect();
        assert!(ids.contains("b"));
    }
}

/// `Endpoint` implemented by hand, without the macro, goes through the same client.
mod hand_written {
    use core::num::NonZeroU32;

    use super::*;

    #[derive(serde::Serialize)]
    struct ImportOne {
        #[serde(rename = "UserID")]
        user_id: &'static str,
    }

    impl tencent_im_core::Endpoint for ImportOne {
        const PATH: &'static str = "v4/im_open_login_svc/account_import";
        const RATE: NonZeroU32 = match NonZeroU32::new(200) {
            Some(rate) => rate,
            None => unreachable!(),
        };
        type Response = tencent_im_core::Empty;

        fn validate(&self) -> Result<(), tencent_im_core::ValidationError> {
            let root = tencent_im_core::FieldPath::ROOT;
            tencent_im_core::check::user_id(self.user_id, &root.field("UserID"))
        }
    }

    #[tokio::test]
    async fn a_hand_written_endpoint_is_called_and_validated() {
        let (emulator, client) = start().await;
        client.call(&ImportOne { user_id: "manual" }).await.unwrap();
        assert!(emulator.has_account("manual"));
        let err = client.call(&ImportOne { user_id: "" }).await.unwrap_err();
        assert!(matches!(err, Error::Validation(_)), "{err:?}");
    }
}

#[tokio::test]
async fn a_pending_request_ends_when_the_two_become_friends_another_way() {
    let emulator = Emulator::builder().start().await.unwrap();
    let client = emulator.client().unwrap();
    client
        .call(&MultiaccountImport::new(["asker", "asked", "other"]))
        .await
        .unwrap();
    // `asked` confirms requests (the default), so both adds leave a request waiting.
    for from in ["asker", "other"] {
        let pending = client
            .call(&FriendAdd::new(
                from,
                vec![FriendAddItem::new("asked", "AddSource_Type_Test")],
            ))
            .await
            .unwrap();
        assert_eq!(
            pending.results[0].result_code,
            ErrorCode::SNS_PENDING_CONFIRMATION
        );
    }
    assert_eq!(emulator.friend_requests_to("asked"), ["asker", "other"]);

    // A forced two-way add makes them friends both ways: the request asks for nothing.
    client
        .call(
            &FriendAdd::new(
                "asked",
                vec![FriendAddItem::new("asker", "AddSource_Type_Test")],
            )
            .force_add(true),
        )
        .await
        .unwrap();
    assert_eq!(emulator.friend_requests_to("asked"), ["other"]);

    // An import one way keeps it; the other way as well ends it.
    client
        .call(&FriendImport::new(
            "other",
            vec![FriendImportItem::new("asked", "AddSource_Type_Test")],
        ))
        .await
        .unwrap();
    assert_eq!(emulator.friend_requests_to("asked"), ["other"]);
    client
        .call(&FriendImport::new(
            "asked",
            vec![FriendImportItem::new("other", "AddSource_Type_Test")],
        ))
        .await
        .unwrap();
    assert!(emulator.friend_requests_to("asked").is_empty());
}
