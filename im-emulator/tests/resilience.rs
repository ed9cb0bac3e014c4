//! Retries, rate limits and faults: the client against an emulator that misbehaves on purpose.

mod common;

use std::time::Duration;

use common::*;
use futures::TryStreamExt;
use tencent_im_accounts::{AccountImport, MultiaccountImport};
use tencent_im_core::rate::{Burst, PathLimiters};
use tencent_im_core::{Client, Error, ErrorCode, RateLimit, RetryPolicy};
use tencent_im_emulator::{Emulator, Fault, FaultPlan, RunningEmulator};
use tencent_im_friends::*;

/// Fast retries so that tests do not sleep for long; the policy's logic is unchanged.
fn quick_retries(attempts: u32) -> RetryPolicy {
    RetryPolicy::default()
        .max_attempts(attempts)
        .min_delay(Duration::from_millis(1))
        .max_delay(Duration::from_millis(20))
        .rate_limited_delay(Duration::from_millis(20))
        .sig_lockout_wait(Duration::from_millis(30))
}

fn client_with(emulator: &RunningEmulator, retry: RetryPolicy) -> Client {
    emulator.client_builder().retry(retry).build().unwrap()
}

#[tokio::test]
async fn transient_failures_are_retried_until_success() {
    let (emulator, _) = start().await;
    let client = client_with(&emulator, quick_retries(3));
    let faults = [
        Fault::Code(ErrorCode::SNS_INTERNAL_ERROR),
        Fault::Code(ErrorCode::SNS_TIMEOUT),
        Fault::Code(ErrorCode::SNS_WRITE_CONFLICT),
        Fault::Code(ErrorCode::SERVICE_TIMEOUT),
        Fault::Code(ErrorCode::SERVER_TIMEOUT),
        Fault::Code(ErrorCode::SERVER_TIMEOUT_BACKEND),
        Fault::Code(ErrorCode::INTERNAL_ERROR),
        Fault::Code(ErrorCode::REST_RATE_LIMITED),
        Fault::Code(ErrorCode::SDKAPPID_RATE_LIMITED),
        Fault::Code(ErrorCode::TOO_MANY_REQUESTS),
        Fault::Code(ErrorCode::TOO_MANY_REQUESTS_LATER),
        Fault::Code(ErrorCode::TOO_MANY_SIG_FAILURES),
        Fault::Http502,
        Fault::Reset,
        Fault::Truncate,
        Fault::Lost,
    ];
    for (n, fault) in faults.into_iter().enumerate() {
        // Twice in a row: the third attempt gets through.
        emulator.inject(fault);
        emulator.inject(fault);
        let id = format!("a{n}");
        client
            .call(&AccountImport::new(&id))
            .await
            .unwrap_or_else(|err| panic!("{fault:?}: {err}"));
        assert!(emulator.has_account(&id));
    }
    assert_eq!(emulator.faults_injected(), 32);
    // A delay is not a failure: the answer arrives late and the call succeeds first time.
    emulator.inject(Fault::Delay(Duration::from_millis(10)));
    client.call(&AccountImport::new("late")).await.unwrap();
    assert_eq!(emulator.faults_injected(), 33);
}

#[tokio::test]
async fn permanent_failures_are_not_retried() {
    let (emulator, _) = start().await;
    let client = client_with(&emulator, quick_retries(10));
    for code in [
        ErrorCode::SNS_BAD_PARAMETER,
        ErrorCode::JSON_PARSE_ERROR,
        ErrorCode::USERSIG_HMAC_MISMATCH,
        ErrorCode::INVALID_PARAMETER,
    ] {
        emulator.inject(Fault::Code(code));
        let before = emulator.faults_injected();
        assert_eq!(api_code(client.call(&AccountImport::new("a")).await), code);
        assert_eq!(emulator.faults_injected(), before + 1, "{code:?} sent once");
    }
    assert!(!emulator.has_account("a"));
}

#[tokio::test]
async fn attempts_are_bounded() {
    let (emulator, _) = start().await;
    let client = client_with(&emulator, quick_retries(3));
    for _ in 0..10 {
        emulator.inject(Fault::Code(ErrorCode::SNS_INTERNAL_ERROR));
    }
    assert_eq!(
        api_code(client.call(&AccountImport::new("a")).await),
        ErrorCode::SNS_INTERNAL_ERROR
    );
    assert_eq!(emulator.faults_injected(), 3);

    // No retries at all.
    let none = client_with(&emulator, RetryPolicy::none());
    let err = none.call(&AccountImport::new("a")).await.unwrap_err();
    assert!(err.is_retryable());
    assert_eq!(emulator.faults_injected(), 4);
}

#[tokio::test]
async fn an_expired_sig_code_renews_and_retries_once() {
    let (emulator, _) = start().await;
    let client = client_with(&emulator, RetryPolicy::none());
    emulator.inject(Fault::Code(ErrorCode::USERSIG_EXPIRED));
    client.call(&AccountImport::new("a")).await.unwrap();
    emulator.inject(Fault::Code(ErrorCode::USERSIG_EXPIRED));
    emulator.inject(Fault::Code(ErrorCode::USERSIG_EXPIRED));
    assert_eq!(
        api_code(client.call(&AccountImport::new("b")).await),
        ErrorCode::USERSIG_EXPIRED
    );
    assert_eq!(emulator.faults_injected(), 3);
}

#[tokio::test]
async fn a_lost_answer_after_a_write_is_retried_and_the_state_is_right() {
    let (emulator, client) = start().await;
    import_accounts(&client, &users("u", 3)).await;
    let client = client_with(&emulator, quick_retries(5));
    emulator.inject(Fault::Lost);
    let response = client
        .call(&FriendImport::new(
            "u0000",
            vec![
                FriendImportItem::new("u0001", SOURCE),
                FriendImportItem::new("u0002", SOURCE),
            ],
        ))
        .await
        .unwrap();
    // The first attempt was applied; its answer was lost. The retry meets the friendships
    // already made, which the service reports per item as "already a friend".
    assert_eq!(emulator.friends_of("u0000"), ["u0001", "u0002"]);
    assert!(response
        .results
        .iter()
        .all(|r| r.result_code == ErrorCode::SNS_BAD_PARAMETER));
}

#[tokio::test]
async fn concurrent_tasks_on_one_client_stay_under_the_enforced_rate() {
    let emulator = Emulator::builder().start().await.unwrap();
    let setup = emulator.client().unwrap();
    setup.call(&AccountImport::new("a")).await.unwrap();
    // No retries: a 60007 would surface as an error.
    let client = client_with(&emulator, RetryPolicy::none());
    let tasks: Vec<_> = (0..32)
        .map(|_| {
            let client = client.clone();
            tokio::spawn(async move {
                for _ in 0..15 {
                    client.call(&FriendGet::new("a")).await?;
                }
                Ok::<_, Error>(())
            })
        })
        .collect();
    for task in tasks {
        task.await.unwrap().unwrap();
    }
    // 480 calls to one path at 200/s, none refused.
    let gets = emulator
        .requests()
        .iter()
        .filter(|r| r.path() == "v4/sns/friend_get")
        .count();
    assert_eq!(gets, 480);
}

/// Two processes of one app, each with its own client limiter, and the service's counting (the
/// emulator's: the documented rate with a one-second burst), all on one paused clock: at half the
/// rate each, none of 2 × 600 calls is refused; at the full rate each (the control that shows the
/// test can fail), some are.
#[tokio::test(start_paused = true)]
async fn processes_sharing_an_app_split_the_rate() {
    async fn refused(fraction: f64) -> usize {
        let rate = <FriendGet as tencent_im_core::Endpoint>::RATE;
        let path = <FriendGet as tencent_im_core::Endpoint>::PATH;
        let service =
            std::sync::Arc::new(PathLimiters::new(RateLimit::Documented, Burst::OneSecond));
        let processes = (0..2).map(|_| {
            let service = service.clone();
            let client = PathLimiters::new(RateLimit::Fraction(fraction), Burst::Single);
            tokio::spawn(async move {
                let mut refused = 0;
                for _ in 0..600 {
                    client.acquire(path, rate).await;
                    refused += usize::from(service.try_acquire(path, rate).is_err());
                }
                refused
            })
        });
        let mut total = 0;
        for process in processes.collect::<Vec<_>>() {
            total += process.await.unwrap();
        }
        total
    }
    assert_eq!(refused(0.5).await, 0);
    assert!(refused(1.0).await > 100);
}

#[tokio::test]
async fn without_client_limits_the_emulator_refuses_with_60007() {
    let emulator = Emulator::builder().start().await.unwrap();
    emulator
        .client()
        .unwrap()
        .call(&AccountImport::new("a"))
        .await
        .unwrap();
    let client = emulator
        .client_builder()
        .rate_limit(RateLimit::Off)
        .retry(RetryPolicy::none())
        .build()
        .unwrap();
    // account_check is documented at 100 calls per second: 600 at once must meet the limit.
    let calls = (0..600).map(|_| {
        let client = client.clone();
        async move {
            client
                .call(&tencent_im_accounts::AccountCheck::new(["a"]))
                .await
        }
    });
    let results = futures::future::join_all(calls).await;
    let limited = results
        .iter()
        .filter(
            |r| matches!(r, Err(Error::Api { code, .. }) if *code == ErrorCode::REST_RATE_LIMITED),
        )
        .count();
    assert!(limited > 0, "600 calls at once, none refused");
    for result in &results {
        if let Err(err) = result {
            assert_eq!(err.code(), Some(ErrorCode::REST_RATE_LIMITED), "{err}");
        }
    }
}

#[tokio::test]
async fn an_emulator_without_rate_limits_refuses_nothing() {
    let emulator = Emulator::builder().rate_limit(false).start().await.unwrap();
    emulator
        .client()
        .unwrap()
        .call(&AccountImport::new("a"))
        .await
        .unwrap();
    let client = emulator
        .client_builder()
        .rate_limit(RateLimit::Off)
        .retry(RetryPolicy::none())
        .build()
        .unwrap();
    let calls = (0..600).map(|_| {
        let client = client.clone();
        async move {
            client
                .call(&tencent_im_accounts::AccountCheck::new(["a"]))
                .await
        }
    });
    for result in futures::future::join_all(calls).await {
        result.unwrap();
    }
}

/// Every fault kind at once, with a fixed seed.
fn storm() -> FaultPlan {
    "http502=0.1,code:30006=0.05,code:60007=0.05,truncate=0.02,delay=20ms@0.05,reset=0.01,lost=0.02"
        .parse()
        .unwrap()
}

#[tokio::test]
async fn through_every_fault_each_call_ends_in_success_or_a_typed_error() {
    let emulator = Emulator::builder()
        .faults(storm())
        .fault_seed(42)
        .start()
        .await
        .unwrap();
    let patient = client_with(&emulator, quick_retries(12));
    let impatient = client_with(&emulator, RetryPolicy::none());
    let ids = users("f", 40);
    patient
        .call_batched(MultiaccountImport::new(ids.clone()))
        .await
        .unwrap();

    let mut successes = 0;
    let mut typed_errors = 0;
    for (i, id) in ids.iter().enumerate() {
        let client = if i % 2 == 0 { &patient } else { &impatient };
        let outcomes = [
            client.call(&FriendGet::new(id)).await.map(|_| ()),
            client
                .call(&FriendCheck::new(id, ["f0000"], CheckType::Both))
                .await
                .map(|_| ()),
            client
                .call(
                    &FriendAdd::new(id, vec![FriendAddItem::new("f0001", SOURCE)]).force_add(true),
                )
                .await
                .map(|_| ()),
            client.call(&BlackListGet::new(id, 10)).await.map(|_| ()),
        ];
        for outcome in outcomes {
            match outcome {
                Ok(()) => successes += 1,
                Err(
                    Error::Api { .. }
                    | Error::HttpStatus { .. }
                    | Error::Transport(_)
                    | Error::Decode { .. }
                    | Error::Timeout { .. },
                ) => typed_errors += 1,
                Err(other) => panic!("unexpected error kind: {other:?}"),
            }
        }
    }
    assert!(emulator.faults_injected() > 20);
    assert!(successes > 80, "{successes}");
    assert!(typed_errors > 0, "the impatient client meets some faults");
}

#[tokio::test]
async fn a_batch_import_through_faults_ends_with_exactly_the_input() {
    let emulator = Emulator::builder()
        .faults(storm())
        .fault_seed(7)
        .start()
        .await
        .unwrap();
    let client = client_with(&emulator, quick_retries(12));
    let friends = users("g", 2500);
    let mut accounts = friends.clone();
    accounts.push("hub".into());
    client
        .call_batched(MultiaccountImport::new(accounts))
        .await
        .unwrap();

    let items: Vec<FriendImportItem> = friends
        .iter()
        .map(|id| FriendImportItem::new(id, SOURCE).remark(format!("r{id}")))
        .collect();
    let merged = client
        .call_batched(FriendImport::new("hub", items))
        .await
        .unwrap();
    // Every item either succeeded or met its own earlier, lost success ("already a friend").
    for item in merged.failed() {
        assert_eq!(item.result_code, ErrorCode::SNS_BAD_PARAMETER, "{item:?}");
    }
    assert!(emulator.faults_injected() > 0);

    let listed: Vec<Friend> = tencent_im_friends::paging::friends(&client, "hub")
        .try_collect()
        .await
        .unwrap();
    let names: Vec<&str> = listed.iter().map(|f| f.to_account.as_str()).collect();
    assert_eq!(
        names,
        friends.iter().map(String::as_str).collect::<Vec<_>>()
    );
    for friend in &listed {
        assert_eq!(
            friend.remark(),
            Some(format!("r{}", friend.to_account).as_str())
        );
    }
}
