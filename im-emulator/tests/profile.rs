//! The profile calls against the emulator: fields set then read back, custom fields, and the
//! two fields friend_add obeys (AllowType and AdminForbidType).

mod common;

use common::*;
use tencent_im_core::{Client, ErrorCode};
use tencent_im_friends::{FriendAdd, FriendAddItem};
use tencent_im_profile::{
    AdminForbidType, AllowType, Gender, PortraitGet, PortraitSet, ProfileItem, ProfileTag,
};

async fn set(client: &Client, account: &str, items: impl IntoIterator<Item = ProfileItem>) {
    client
        .call(&PortraitSet::new(account, items))
        .await
        .unwrap();
}

/// The per-item code of `from` adding `to`, forced or not.
async fn add_code(client: &Client, from: &str, to: &str, forced: bool) -> ErrorCode {
    let request = FriendAdd::new(from, vec![FriendAddItem::new(to, SOURCE)]).force_add(forced);
    client.call(&request).await.unwrap().results[0].result_code
}

#[tokio::test]
async fn portrait_set_then_get_round_trips_standard_and_custom_fields() {
    let (_emulator, client) = start().await;
    import_accounts(&client, &["alice".into(), "bob".into()]).await;
    let fields = [
        ProfileItem::Nick("Alice".into()),
        ProfileItem::Gender(Gender::Female),
        ProfileItem::BirthDay(20190419),
        ProfileItem::Location("loc".into()),
        ProfileItem::SelfSignature("hello".into()),
        ProfileItem::AllowType(AllowType::AllowAny),
        ProfileItem::Language(1),
        ProfileItem::Image("https://example.com/a.png".into()),
        ProfileItem::MsgSettings(1),
        ProfileItem::AdminForbidType(AdminForbidType::None),
        ProfileItem::Level(9),
        ProfileItem::Role(2),
        ProfileItem::custom("Hobby", "chess"),
    ];
    set(&client, "alice", fields.clone()).await;
    let tags: Vec<ProfileTag> = fields.iter().map(ProfileItem::tag).collect();
    let answer = client
        .call(&PortraitGet::new(["alice", "bob", "nobody"], tags))
        .await
        .unwrap();
    let alice = &answer.user_profile_item[0];
    assert!(alice.is_ok());
    assert_eq!(alice.profile_item, fields);

    // Bob set nothing: the standard fields come with their defaults, an unset custom field and
    // an unknown tag not at all.
    let bob = &answer.user_profile_item[1];
    assert_eq!(
        bob.get(&ProfileTag::NICK),
        Some(&ProfileItem::Nick(String::new()))
    );
    assert_eq!(
        bob.get(&ProfileTag::ALLOW_TYPE),
        Some(&ProfileItem::AllowType(AllowType::NeedConfirm))
    );
    assert_eq!(
        bob.get(&ProfileTag::GENDER),
        Some(&ProfileItem::Gender(Gender::Unknown))
    );
    assert_eq!(bob.get(&ProfileTag::custom("Hobby").unwrap()), None);
    assert_eq!(bob.profile_item.len(), 12);

    let nobody = &answer.user_profile_item[2];
    assert_eq!(nobody.result_code, ErrorCode(40003));
    assert_eq!(answer.fail_account, ["nobody"]);

    // A later set changes only what it names.
    set(&client, "alice", [ProfileItem::custom("Hobby", "go")]).await;
    let again = client
        .call(&PortraitGet::new(
            ["alice"],
            [ProfileTag::NICK, ProfileTag::custom("Hobby").unwrap()],
        ))
        .await
        .unwrap();
    assert_eq!(
        again.user_profile_item[0].profile_item,
        [
            ProfileItem::Nick("Alice".into()),
            ProfileItem::custom("Hobby", "go")
        ]
    );
}

#[tokio::test]
async fn portrait_set_refuses_unknown_tags_and_accounts_whole() {
    let (_emulator, client) = start().await;
    import_accounts(&client, &["alice".into()]).await;
    let unknown = PortraitSet::new(
        "alice",
        [
            ProfileItem::Nick("kept out".into()),
            ProfileItem::Raw {
                tag: "Tag_Profile_IM_Future".into(),
                value: "x".into(),
            },
        ],
    );
    assert_eq!(api_code(client.call(&unknown).await), ErrorCode(40001));
    let nick = client
        .call(&PortraitGet::new(["alice"], [ProfileTag::NICK]))
        .await
        .unwrap();
    assert_eq!(
        nick.user_profile_item[0].profile_item,
        [ProfileItem::Nick(String::new())],
        "nothing of a refused request is applied"
    );
    let nobody = PortraitSet::new("nobody", [ProfileItem::Level(1)]);
    assert_eq!(api_code(client.call(&nobody).await), ErrorCode(40003));
}

#[tokio::test]
async fn allow_type_decides_friend_add() {
    let (_emulator, client) = start().await;
    import_accounts(&client, &users("u", 4)).await;
    assert_eq!(
        add_code(&client, "u0000", "u0001", false).await,
        ErrorCode::SNS_PENDING_CONFIRMATION
    );
    set(
        &client,
        "u0001",
        [ProfileItem::AllowType(AllowType::DenyAny)],
    )
    .await;
    assert_eq!(
        add_code(&client, "u0000", "u0001", false).await,
        ErrorCode::SNS_PEER_REFUSES_ALL
    );
    set(
        &client,
        "u0001",
        [ProfileItem::AllowType(AllowType::AllowAny)],
    )
    .await;
    assert_eq!(
        add_code(&client, "u0000", "u0001", false).await,
        ErrorCode::OK
    );
}

#[tokio::test]
async fn admin_forbid_send_out_fails_that_users_friend_adds() {
    let (_emulator, client) = start().await;
    import_accounts(&client, &users("u", 3)).await;
    set(
        &client,
        "u0000",
        [ProfileItem::AdminForbidType(AdminForbidType::SendOut)],
    )
    .await;
    // Forced or not, whatever the target's AllowType.
    set(
        &client,
        "u0001",
        [ProfileItem::AllowType(AllowType::AllowAny)],
    )
    .await;
    for forced in [false, true] {
        assert_eq!(
            add_code(&client, "u0000", "u0001", forced).await,
            ErrorCode::SNS_ADD_FRIEND_BANNED
        );
    }
    // Only the forbidden user's own requests: others may still add it.
    assert_eq!(
        add_code(&client, "u0002", "u0000", true).await,
        ErrorCode::OK
    );

    set(
        &client,
        "u0000",
        [ProfileItem::AdminForbidType(AdminForbidType::None)],
    )
    .await;
    assert_eq!(
        add_code(&client, "u0000", "u0001", false).await,
        ErrorCode::OK
    );
}
