//! The follow calls against the emulator: following, fans, unfollowing, batches over 20, the
//! three follow lists page by page, relations and counts.

mod common;

use common::api_code;
use futures::TryStreamExt;
use tencent_im_accounts::MultiaccountImport;
use tencent_im_core::{Error, ErrorCode};
use tencent_im_emulator::Emulator;
use tencent_im_follow::{
    paging, FollowAdd, FollowCheck, FollowDelete, FollowEntry, FollowGet, FollowGetInfo,
    FollowGetInfoResponse, FollowGetResponse, FollowRelation, FollowType,
};
use tencent_im_profile::{PortraitSet, ProfileItem};

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

/// `star` with 15 fans (`f00`..`f14`), following 15 accounts (`f10`..`f24`): 5 mutual.
async fn star_with_fans_and_followings(client: &tencent_im_core::Client) {
    let ids: Vec<String> = (0..25).map(|i| format!("f{i:02}")).collect();
    client
        .call_batched(MultiaccountImport::new(
            ids.iter().chain(["star".to_owned()].iter()),
        ))
        .await
        .unwrap();
    for fan in &ids[..15] {
        client.call(&FollowAdd::new(fan, ["star"])).await.unwrap();
    }
    client
        .call_batched(FollowAdd::new("star", ids[10..].to_vec()))
        .await
        .unwrap();
}

fn accounts(entries: &[FollowEntry]) -> Vec<String> {
    entries
        .iter()
        .map(|entry| entry.to_account.clone())
        .collect()
}

#[tokio::test]
async fn follow_get_pages_through_fans_followings_and_mutual_follows() {
    let emulator = Emulator::builder().start().await.unwrap();
    let client = emulator.client().unwrap();
    star_with_fans_and_followings(&client).await;
    let expected = |range: std::ops::Range<usize>| -> Vec<String> {
        range.map(|i| format!("f{i:02}")).collect()
    };

    for (kind, want, pages) in [
        (FollowType::Fans, expected(0..15), 4),
        (FollowType::Following, expected(10..25), 4),
        (FollowType::Mutual, expected(10..15), 2),
    ] {
        let listed: Vec<FollowGetResponse> = paging::follow_pages(&client, "star", kind, 4)
            .try_collect()
            .await
            .unwrap();
        assert_eq!(listed.len(), pages, "{kind:?}");
        assert!(listed[..pages - 1].iter().all(|page| !page.is_last()));
        let entries: Vec<FollowEntry> = listed.into_iter().flat_map(|p| p.follow_item).collect();
        assert_eq!(accounts(&entries), want, "{kind:?}");
        assert!(entries.iter().all(|entry| entry.follow_time > 0));

        let streamed: Vec<FollowEntry> = paging::follows(&client, "star", kind)
            .try_collect()
            .await
            .unwrap();
        assert_eq!(accounts(&streamed), want, "{kind:?}");
    }

    // A cursor keeps its place while the list changes: a fan added after the first page comes
    // after the ones already listed, and nothing is listed twice or skipped.
    let first = client
        .call(&FollowGet::new("star", FollowType::Fans).want_num(10))
        .await
        .unwrap();
    assert_eq!(accounts(&first.follow_item), expected(0..10));
    client.call(&FollowAdd::new("f20", ["star"])).await.unwrap();
    client
        .call(&FollowDelete::new("f02", ["star"]))
        .await
        .unwrap();
    let rest = client
        .call(
            &first
                .next_page(&FollowGet::new("star", FollowType::Fans).want_num(10))
                .unwrap(),
        )
        .await
        .unwrap();
    let mut more = expected(10..15);
    more.push("f20".into());
    assert_eq!(accounts(&rest.follow_item), more);
    assert!(rest.is_last());

    // A cursor the emulator never gave, and a page size over 1000, are refused.
    let forged = FollowGet::new("star", FollowType::Fans).start_cursor("nonsense");
    assert_eq!(
        api_code(client.call(&forged).await),
        ErrorCode::SNS_BAD_PARAMETER
    );
}

#[tokio::test]
async fn follow_get_shows_the_profile_of_each_entry() {
    let emulator = Emulator::builder().start().await.unwrap();
    let client = emulator.client().unwrap();
    star_with_fans_and_followings(&client).await;
    client
        .call(&PortraitSet::new(
            "f00",
            [
                ProfileItem::Nick("Zero".into()),
                ProfileItem::custom("Test", "Custom Data"),
            ],
        ))
        .await
        .unwrap();
    let page = client
        .call(&FollowGet::new("star", FollowType::Fans).want_num(1))
        .await
        .unwrap();
    let zero = &page.follow_item[0];
    assert_eq!(zero.to_account, "f00");
    assert!(zero
        .profile_item
        .contains(&ProfileItem::Nick("Zero".into())));
    assert!(zero
        .profile_item
        .contains(&ProfileItem::custom("Test", "Custom Data")));
}

#[tokio::test]
async fn follow_check_tells_each_relation() {
    let emulator = Emulator::builder().start().await.unwrap();
    let client = emulator.client().unwrap();
    star_with_fans_and_followings(&client).await;
    let answer = client
        .call(&FollowCheck::new(
            "star",
            ["f00", "f12", "f20", "nobody", "star"],
        ))
        .await
        .unwrap();
    let relations: Vec<(FollowRelation, ErrorCode)> = answer
        .result_item
        .iter()
        .map(|item| (item.follow_type, item.result_code))
        .collect();
    assert_eq!(
        relations,
        [
            (FollowRelation::Fan, ErrorCode::OK),
            (FollowRelation::Mutual, ErrorCode::OK),
            (FollowRelation::Following, ErrorCode::OK),
            (FollowRelation::None, ErrorCode::SNS_ACCOUNT_NOT_FOUND),
            (FollowRelation::None, ErrorCode::OK),
        ]
    );
    let seen_from_f20 = client
        .call(&FollowCheck::new("f20", ["star", "f00"]))
        .await
        .unwrap();
    assert_eq!(
        seen_from_f20.result_item[0].follow_type,
        FollowRelation::Fan
    );
    assert_eq!(
        seen_from_f20.result_item[1].follow_type,
        FollowRelation::None
    );

    let many: Vec<String> = (0..101).map(|i| format!("x{i}")).collect();
    let err = client
        .call(&FollowCheck::new("star", many.clone()))
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Validation(_)), "{err:?}");
    let batched = client
        .call_batched(FollowCheck::new("star", many))
        .await
        .unwrap();
    assert_eq!(batched.result_item.len(), 101);
}

#[tokio::test]
async fn follow_get_info_counts_follow_adds_and_deletes() {
    let emulator = Emulator::builder().start().await.unwrap();
    let client = emulator.client().unwrap();
    star_with_fans_and_followings(&client).await;
    let counts = |answer: FollowGetInfoResponse| -> Vec<(u64, u64, u64)> {
        answer
            .follow_info
            .iter()
            .map(|i| {
                (
                    i.follower_count,
                    i.following_count,
                    i.mutual_following_count,
                )
            })
            .collect()
    };
    let info = client
        .call(&FollowGetInfo::new("star", ["star", "f00", "f12", "f20"]))
        .await
        .unwrap();
    assert_eq!(counts(info), [(15, 15, 5), (0, 1, 0), (1, 1, 1), (1, 0, 0)]);

    client
        .call(&FollowDelete::new("star", ["f12", "f20"]))
        .await
        .unwrap();
    client.call(&FollowAdd::new("f20", ["star"])).await.unwrap();
    let info = client
        .call(&FollowGetInfo::new(
            "star",
            ["star", "f12", "f20", "nobody"],
        ))
        .await
        .unwrap();
    assert_eq!(
        info.follow_info[3].result_code,
        ErrorCode::SNS_ACCOUNT_NOT_FOUND
    );
    assert_eq!(counts(info)[..3], [(16, 13, 4), (0, 1, 0), (0, 1, 0)]);

    let many: Vec<String> = (0..21).map(|i| format!("f{i:02}")).collect();
    let err = client
        .call(&FollowGetInfo::new("star", many))
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Validation(_)), "{err:?}");
}
