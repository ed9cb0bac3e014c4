//! The follow calls against the emulator: following, fans, unfollowing, and batches over 20.

use tencent_im_accounts::MultiaccountImport;
use tencent_im_core::{Error, ErrorCode};
use tencent_im_emulator::Emulator;
use tencent_im_follow::{FollowAdd, FollowDelete};

#[tokio::test]
async fn follow_then_unfollow_with_fans_and_per_item_failures() {
    let emulator = Emulator::builder().start().await.unwrap();
    let client = emulator.client().unwrap();
    let ids: Vec<String> = (0..45).map(|i| format!("f{i}")).collect();
    client
        .call_batched(MultiaccountImport::new(
            ids.iter().chain(["star".to_owned()].iter()),
        ))
        .await
        .unwrap();

    // 45 fans follow "star" (one request each); "star" follows 45 accounts in three chunks.
    for fan in &ids {
        client.call(&FollowAdd::new(fan, ["star"])).await.unwrap();
    }
    assert_eq!(emulator.fans_of("star").len(), 45);
    let followed = client
        .call_batched(FollowAdd::new("star", ids.clone()))
        .await
        .unwrap();
    assert_eq!(followed.result_item.len(), 45);
    assert!(followed.result_item.iter().all(|item| item.is_ok()));
    assert_eq!(emulator.fans_of("f7"), ["star"]);

    // Per-item failures are data: an unknown account and oneself.
    let odd = client
        .call(&FollowAdd::new("star", ["nobody", "star"]))
        .await
        .unwrap();
    let codes: Vec<ErrorCode> = odd.result_item.iter().map(|i| i.result_code).collect();
    assert_eq!(
        codes,
        [ErrorCode::USER_NOT_IMPORTED, ErrorCode::SNS_BAD_PARAMETER]
    );

    let unfollowed = client
        .call_batched(FollowDelete::new("star", ids.clone()))
        .await
        .unwrap();
    assert!(unfollowed.result_item.iter().all(|item| item.is_ok()));
    assert!(emulator.fans_of("f7").is_empty());
    let again = client
        .call(&FollowDelete::new("star", ["f7"]))
        .await
        .unwrap();
    assert!(!again.result_item[0].is_ok());

    // Over the cap with a plain call: refused before sending.
    let err = client
        .call(&FollowDelete::new("star", ids))
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Validation(_)), "{err:?}");
}
