//! Every relationship call against the emulator, with the rules of its crate documentation.

mod common;

use common::*;
use futures::TryStreamExt;
use tencent_im_core::{im_api, Empty, ErrorCode};
use tencent_im_friends::limits::{MAX_BLOCKLIST, MAX_FRIENDS};
use tencent_im_friends::*;

/// Declared here the way a user adds a call the SDK does not ship.
#[im_api(path = "v4/profile/portrait_set", rate = 200, response = Empty)]
#[derive(Debug)]
pub struct PortraitSet {
    pub from_account: String,
    #[im(rename = "ProfileItem")]
    pub items: Vec<TagValue>,
}

/// Sets whom `account` accepts friend requests from, through its profile.
async fn set_allow_type(
    client: &tencent_im_core::Client,
    account: &str,
    value: &str,
) -> Result<Empty, tencent_im_core::Error> {
    let request = PortraitSet {
        from_account: account.into(),
        items: vec![TagValue::new(Tag::new("Tag_Profile_IM_AllowType"), value)],
    };
    client.call(&request).await
}

/// `from` adds `to` without waiting for `to`'s confirmation (both ways unless told otherwise).
fn forced_add(from: &str, to: &str) -> FriendAdd {
    FriendAdd::new(from, vec![FriendAddItem::new(to, SOURCE)]).force_add(true)
}

async fn befriend(client: &tencent_im_core::Client, a: &str, b: &str) {
    let response = client.call(&forced_add(a, b)).await.unwrap();
    assert_eq!(response.added().count(), 1, "{response:?}");
}

/// Imports the accounts of `owners` and `n` others named `{prefix}0000` on; returns the others.
async fn import_owners_and_users(
    client: &tencent_im_core::Client,
    owners: &[&str],
    prefix: &str,
    n: usize,
) -> Vec<String> {
    let others = users(prefix, n);
    import_accounts(client, &others).await;
    let owners: Vec<String> = owners.iter().map(|&owner| owner.to_owned()).collect();
    import_accounts(client, &owners).await;
    others
}

/// Friends to import for each of `ids`.
fn import_items(ids: &[String]) -> Vec<FriendImportItem> {
    ids.iter()
        .map(|id| FriendImportItem::new(id, SOURCE))
        .collect()
}

/// Every friend of `owner`, as the paging stream lists them.
async fn listed_friends(client: &tencent_im_core::Client, owner: &str) -> Vec<String> {
    tencent_im_friends::paging::friends(client, owner)
        .map_ok(|friend| friend.to_account)
        .try_collect()
        .await
        .unwrap()
}

/// The blocklist relation of `from` with each of `to`, as black_list_check reports it.
async fn black_relations(
    client: &tencent_im_core::Client,
    from: &str,
    to: &[&str],
    check_type: BlackCheckType,
) -> Vec<BlackRelation> {
    let check = client
        .call(&BlackListCheck::new(from, to.iter().copied(), check_type))
        .await
        .unwrap();
    check.items.into_iter().map(|item| item.relation).collect()
}

fn codes(results: &[tencent_im_core::ResultItem]) -> Vec<ErrorCode> {
    results.iter().map(|r| r.result_code).collect()
}

#[tokio::test]
async fn allow_type_decides_friend_add_and_is_set_through_the_profile() {
    let (emulator, client) = start().await;
    import_accounts(&client, &users("u", 3)).await;
    let ask = || FriendAdd::new("u0000", vec![FriendAddItem::new("u0001", SOURCE)]);

    let pending = client.call(&ask()).await.unwrap();
    assert_eq!(
        codes(&pending.results),
        [ErrorCode::SNS_PENDING_CONFIRMATION]
    );

    set_allow_type(&client, "u0001", "AllowType_Type_DenyAny")
        .await
        .unwrap();
    let denied = client.call(&ask()).await.unwrap();
    assert_eq!(codes(&denied.results), [ErrorCode::SNS_PEER_REFUSES_ALL]);

    set_allow_type(&client, "u0001", "AllowType_Type_AllowAny")
        .await
        .unwrap();
    let added = client.call(&ask()).await.unwrap();
    assert_eq!(codes(&added.results), [ErrorCode::OK]);
    assert_eq!(emulator.friends_of("u0001"), ["u0000"]);

    let err = set_allow_type(&client, "u0001", "AllowType_Type_Sometimes").await;
    assert_eq!(api_code(err), ErrorCode(40001));
}

#[tokio::test]
async fn friend_update_changes_only_remark_group_and_custom_fields() {
    let (_emulator, client) = start().await;
    import_accounts(&client, &users("u", 3)).await;
    befriend(&client, "u0000", "u0001").await;
    let before = client.call(&FriendGet::new("u0000")).await.unwrap();

    let update = FriendUpdate::new(
        "u0000",
        vec![
            FriendUpdateItem::new("u0001")
                .remark("renamed")
                .groups(["Work", "Gym"])
                .field(Tag::custom("Level").unwrap(), "gold"),
            FriendUpdateItem::new("u0002").remark("not a friend"),
        ],
    );
    let response = client.call(&update).await.unwrap();
    assert_eq!(
        codes(&response.results),
        [ErrorCode::OK, ErrorCode::SNS_NOT_A_FRIEND]
    );
    assert_eq!(response.fail_accounts, ["u0002"]);

    let after = client.call(&FriendGet::new("u0000")).await.unwrap();
    let friend = &after.friends[0];
    assert_eq!(friend.remark(), Some("renamed"));
    assert_eq!(friend.groups(), ["Work", "Gym"]);
    assert_eq!(
        friend.custom("Level").and_then(FriendValue::as_str),
        Some("gold")
    );
    assert_eq!(friend.add_source(), Some(SOURCE), "AddSource is untouched");
    assert!(after.standard_sequence > before.standard_sequence);
    assert!(after.custom_sequence > before.custom_sequence);

    // The client refuses a non-updatable tag before sending...
    let bad = FriendUpdate::new(
        "u0000",
        vec![FriendUpdateItem::new("u0001").field(Tag::ADD_SOURCE, "AddSource_Type_X")],
    );
    let err = client.call(&bad).await.unwrap_err();
    assert!(
        matches!(&err, tencent_im_core::Error::Validation(v) if v.field() == "UpdateItem[0].SnsItem[0].Tag"),
        "{err}"
    );
    // ...and the emulator refuses it per item for clients that send it anyway.
    let raw = reqwest::Client::new()
        .post(client.request_url("v4/sns/friend_update").unwrap())
        .body(r#"{"From_Account":"u0000","UpdateItem":[{"To_Account":"u0001","SnsItem":[{"Tag":"Tag_SNS_IM_AddSource","Value":"AddSource_Type_X"}]}]}"#)
        .send()
        .await
        .unwrap()
        .bytes()
        .await
        .unwrap();
    let value: serde_json::Value = serde_json::from_slice(&raw).unwrap();
    assert_eq!(value["ErrorCode"], 0);
    assert_eq!(value["ResultItem"][0]["ResultCode"], 30001);
    assert_eq!(value["Fail_Account"][0], "u0001");
}

#[tokio::test]
async fn friend_delete_single_both_and_all() {
    let (emulator, client) = start().await;
    import_accounts(&client, &users("u", 5)).await;
    for peer in ["u0001", "u0002", "u0003", "u0004"] {
        befriend(&client, "u0000", peer).await;
    }

    let single = client
        .call(&FriendDelete::new("u0000", ["u0001", "u0009"]))
        .await
        .unwrap();
    assert_eq!(
        codes(&single.results),
        [ErrorCode::OK, ErrorCode::SNS_NOT_A_FRIEND]
    );
    assert!(!emulator.friends_of("u0000").contains(&"u0001".to_owned()));
    assert_eq!(
        emulator.friends_of("u0001"),
        ["u0000"],
        "single keeps the other side"
    );

    client
        .call(&FriendDelete::new("u0000", ["u0002"]).delete_type(DeleteType::Both))
        .await
        .unwrap();
    assert!(emulator.friends_of("u0002").is_empty());

    client
        .call(&FriendDeleteAll::new("u0000").delete_type(DeleteType::Both))
        .await
        .unwrap();
    assert!(emulator.friends_of("u0000").is_empty());
    assert!(emulator.friends_of("u0003").is_empty());
    assert!(emulator.friends_of("u0004").is_empty());
    assert_eq!(
        emulator.friends_of("u0001"),
        ["u0000"],
        "already one-way, untouched"
    );
}

#[tokio::test]
async fn friend_check_single_and_both() {
    let (_emulator, client) = start().await;
    import_accounts(&client, &users("u", 4)).await;
    befriend(&client, "u0000", "u0001").await; // both ways
    client
        .call(&forced_add("u0000", "u0002").add_type(AddType::Single))
        .await
        .unwrap();
    client
        .call(&forced_add("u0003", "u0000").add_type(AddType::Single))
        .await
        .unwrap();
    let targets = ["u0001", "u0002", "u0003", "ghost"];

    // A single check sees only u0000's side of each relation.
    use FriendRelation::{AWithB, BWithA, BothWay, NoRelation};
    for (check_type, expected) in [
        (CheckType::Both, [BothWay, AWithB, BWithA, NoRelation]),
        (CheckType::Single, [AWithB, AWithB, NoRelation, NoRelation]),
    ] {
        let check = client
            .call(&FriendCheck::new("u0000", targets, check_type))
            .await
            .unwrap();
        let relations: Vec<FriendRelation> =
            check.items.iter().map(|i| i.relation.clone()).collect();
        assert_eq!(relations, expected, "{check_type:?}");
        assert_eq!(check.items[3].result_code, ErrorCode::SNS_ACCOUNT_NOT_FOUND);
        assert_eq!(check.fail_accounts, ["ghost"]);
    }
}

#[tokio::test]
async fn friend_get_list_returns_exactly_the_requested_tags() {
    let (_emulator, client) = start().await;
    import_accounts(&client, &users("u", 3)).await;
    client
        .call(&tencent_im_accounts::AccountImport::new("u0001").nick("One"))
        .await
        .unwrap();
    client
        .call(&FriendImport::new(
            "u0000",
            vec![FriendImportItem::new("u0001", SOURCE)
                .remark("r1")
                .custom(TagValue::new(Tag::custom("Level").unwrap(), 3))],
        ))
        .await
        .unwrap();
    let tags = vec![
        Tag::REMARK,
        Tag::new("Tag_Profile_IM_Nick"),
        Tag::custom("Level").unwrap(),
    ];
    let response = client
        .call(&FriendGetList::new(
            "u0000",
            ["u0001", "u0002"],
            tags.clone(),
        ))
        .await
        .unwrap();
    let first = &response.items[0];
    assert_eq!(
        first
            .fields
            .iter()
            .map(|f| f.tag.clone())
            .collect::<Vec<_>>(),
        tags
    );
    assert_eq!(
        first.get(&Tag::REMARK).and_then(FriendValue::as_str),
        Some("r1")
    );
    assert_eq!(
        first.get(&tags[1]).and_then(FriendValue::as_str),
        Some("One")
    );
    assert_eq!(first.get(&tags[2]).and_then(FriendValue::as_i64), Some(3));
    assert_eq!(response.items[1].result_code, ErrorCode::SNS_NOT_A_FRIEND);
    assert_eq!(response.fail_accounts, ["u0002"]);

    let only_time = client
        .call(&FriendGetList::new("u0000", ["u0001"], vec![Tag::ADD_TIME]))
        .await
        .unwrap();
    assert_eq!(only_time.items[0].fields.len(), 1);
    assert!(only_time.items[0]
        .get(&Tag::ADD_TIME)
        .and_then(FriendValue::as_i64)
        .is_some());
}

#[tokio::test]
async fn blocklist_rules() {
    let (emulator, client) = start().await;
    import_accounts(&client, &users("u", 3)).await;
    befriend(&client, "u0000", "u0001").await;

    let added = client
        .call(&BlackListAdd::new("u0000", ["u0001", "ghost", "u0000"]))
        .await
        .unwrap();
    assert_eq!(
        codes(&added.results),
        [
            ErrorCode::OK,
            ErrorCode::SNS_ACCOUNT_NOT_FOUND,
            ErrorCode::SNS_BAD_PARAMETER
        ]
    );
    assert!(
        emulator.friends_of("u0000").is_empty(),
        "blocking unfriends both ways"
    );
    assert!(emulator.friends_of("u0001").is_empty());

    // Requests are refused both ways, even when forced.
    let towards = client.call(&forced_add("u0000", "u0001")).await.unwrap();
    assert_eq!(
        codes(&towards.results),
        [ErrorCode::SNS_PEER_IN_MY_BLOCKLIST]
    );
    let from_blocked = client.call(&forced_add("u0001", "u0000")).await.unwrap();
    assert_eq!(
        codes(&from_blocked.results),
        [ErrorCode::SNS_IN_PEER_BLOCKLIST]
    );

    client
        .call(&BlackListAdd::new("u0001", ["u0000"]))
        .await
        .unwrap();
    let relations =
        black_relations(&client, "u0000", &["u0001", "u0002"], BlackCheckType::Both).await;
    assert_eq!(relations, [BlackRelation::BothWay, BlackRelation::No]);
    let relations = black_relations(&client, "u0001", &["u0000"], BlackCheckType::Single).await;
    assert_eq!(relations, [BlackRelation::AWithB]);
    client
        .call(&BlackListDelete::new("u0001", ["u0000"]))
        .await
        .unwrap();
    let relations = black_relations(&client, "u0000", &["u0001"], BlackCheckType::Both).await;
    assert_eq!(relations, [BlackRelation::AWithB]);
    let relations = black_relations(&client, "u0001", &["u0000"], BlackCheckType::Both).await;
    assert_eq!(relations, [BlackRelation::BWithA]);

    let removed = client
        .call(&BlackListDelete::new("u0000", ["u0001", "u0002"]))
        .await
        .unwrap();
    assert_eq!(removed.fail_accounts, ["u0002"]);
    befriend(&client, "u0000", "u0001").await;
}

#[tokio::test]
async fn black_list_get_pages_by_max_limited() {
    let (_emulator, client) = start().await;
    let blocked = import_owners_and_users(&client, &["owner"], "b", 25).await;
    client
        .call(&BlackListAdd::new("owner", blocked.clone()))
        .await
        .unwrap();

    let mut request = BlackListGet::new("owner", 10);
    let mut sizes = Vec::new();
    let mut seen = Vec::new();
    let sequence = loop {
        let page = client.call(&request).await.unwrap();
        sizes.push(page.items.len());
        assert!(page.items.iter().all(|i| i.added_at > 0));
        seen.extend(page.items.iter().map(|i| i.to_account.clone()));
        match page.next_page(&request) {
            Some(next) => request = next,
            None => {
                assert_eq!(page.start_index, 0);
                break page.current_sequence;
            }
        }
    };
    assert_eq!(sizes, [10, 10, 5]);
    assert_eq!(seen, blocked);
    assert!(sequence >= 1);

    let streamed: Vec<String> = tencent_im_friends::paging::blocklist(&client, "owner", 7)
        .map_ok(|entry| entry.to_account)
        .try_collect()
        .await
        .unwrap();
    assert_eq!(streamed, blocked);
}

#[tokio::test]
async fn groups_and_their_sequence() {
    let (_emulator, client) = start().await;
    import_accounts(&client, &users("u", 4)).await;
    befriend(&client, "u0000", "u0001").await;
    befriend(&client, "u0000", "u0002").await;

    let added = client
        .call(&GroupAdd::new("u0000", ["Work", "Gym"]).with_friends(["u0001", "u0003"]))
        .await
        .unwrap();
    assert_eq!(
        codes(&added.results),
        [ErrorCode::OK, ErrorCode::SNS_GROUP_NOT_A_FRIEND]
    );
    assert_eq!(added.fail_accounts, ["u0003"]);
    let first_sequence = added.current_sequence;
    assert!(first_sequence >= 1);

    let groups = client
        .call(&GroupGet::new("u0000").with_friends())
        .await
        .unwrap();
    assert_eq!(groups.current_sequence, first_sequence);
    let work = groups.groups.iter().find(|g| g.name == "Work").unwrap();
    assert_eq!(work.friend_number, 1);
    assert_eq!(work.to_accounts.as_deref(), Some(&["u0001".to_owned()][..]));
    let plain = client
        .call(&GroupGet::new("u0000").groups(["Gym"]))
        .await
        .unwrap();
    assert_eq!(plain.groups.len(), 1);
    assert_eq!(plain.groups[0].to_accounts, None);

    let page = client.call(&FriendGet::new("u0000")).await.unwrap();
    assert_eq!(page.friends[0].groups(), ["Work", "Gym"]);

    assert_eq!(
        api_code(client.call(&GroupAdd::new("u0000", ["Work"])).await),
        ErrorCode::SNS_BAD_PARAMETER
    );
    let deleted = client
        .call(&GroupDelete::new("u0000", ["Work"]))
        .await
        .unwrap();
    assert!(deleted.current_sequence > first_sequence);
    let page = client.call(&FriendGet::new("u0000")).await.unwrap();
    assert_eq!(page.friends[0].groups(), ["Gym"]);

    // 32 groups at most: one exists, 31 more fit, then no more.
    let fill: Vec<String> = (0..31).map(|i| format!("g{i}")).collect();
    client.call(&GroupAdd::new("u0000", fill)).await.unwrap();
    let groups = client.call(&GroupGet::new("u0000")).await.unwrap();
    assert_eq!(groups.groups.len(), 32);
    assert_eq!(
        api_code(client.call(&GroupAdd::new("u0000", ["one more"])).await),
        ErrorCode::SNS_GROUP_LIMIT
    );
    let over = client
        .call(&FriendUpdate::new(
            "u0000",
            vec![FriendUpdateItem::new("u0002").groups(["new1", "new2"])],
        ))
        .await
        .unwrap();
    assert_eq!(codes(&over.results), [ErrorCode::SNS_GROUP_LIMIT]);
}

#[tokio::test]
async fn friend_and_blocklist_limits() {
    let (_emulator, client) = start().await;
    let many = import_owners_and_users(&client, &["full", "other"], "m", MAX_FRIENDS + 1).await;

    let merged = client
        .call_batched(FriendImport::new("full", import_items(&many)))
        .await
        .unwrap();
    let report = merged.report();
    assert_eq!(report.succeeded.len(), MAX_FRIENDS);
    assert_eq!(report.failed.len(), 1);
    assert_eq!(report.failed[0].account, many[MAX_FRIENDS]);
    assert_eq!(report.failed[0].code, ErrorCode::SNS_FRIEND_LIST_FULL);

    // Adding towards a full list: 30014 for the peer, 30010 for the adder.
    let towards_full = client.call(&forced_add("other", "full")).await.unwrap();
    assert_eq!(
        codes(&towards_full.results),
        [ErrorCode::SNS_PEER_FRIEND_LIST_FULL]
    );
    let from_full = client
        .call(&forced_add("full", "other").add_type(AddType::Single))
        .await
        .unwrap();
    assert_eq!(codes(&from_full.results), [ErrorCode::SNS_FRIEND_LIST_FULL]);

    let blocked: Vec<String> = many[..MAX_BLOCKLIST + 1].to_vec();
    let merged = client
        .call_batched(BlackListAdd::new("other", blocked))
        .await
        .unwrap();
    assert_eq!(merged.succeeded().count(), MAX_BLOCKLIST);
    assert_eq!(
        codes(&merged.results[MAX_BLOCKLIST..]),
        [ErrorCode::SNS_BLOCKLIST_FULL]
    );
}

#[tokio::test]
async fn friend_stream_over_2500_friends_yields_each_once() {
    let (_emulator, client) = start().await;
    let friends = import_owners_and_users(&client, &["star"], "s", 2500).await;
    client
        .call_batched(FriendImport::new("star", import_items(&friends)))
        .await
        .unwrap();

    assert_eq!(listed_friends(&client, "star").await, friends);

    // An error is surfaced, not swallowed.
    let result: Result<Vec<_>, _> = tencent_im_friends::paging::friends(&client, "nobody")
        .try_collect()
        .await;
    assert_eq!(api_code(result), ErrorCode::SNS_ACCOUNT_NOT_FOUND);
}

#[tokio::test]
async fn batch_import_of_2500_is_three_ordered_requests() {
    let (emulator, client) = start().await;
    let friends = import_owners_and_users(&client, &["hub"], "t", 2500).await;
    emulator.clear_requests();

    let mut items = import_items(&friends);
    items[1500] = FriendImportItem::new("ghost", SOURCE); // one failure in the middle chunk
    let merged = client
        .call_batched(FriendImport::new("hub", items))
        .await
        .unwrap();

    let requests = emulator.requests();
    let shape: Vec<(String, Option<String>, usize)> = requests
        .into_iter()
        .map(|r| (r.path().to_owned(), r.from_account(), r.items()))
        .collect();
    let import = |n| ("v4/sns/friend_import".to_owned(), Some("hub".to_owned()), n);
    assert_eq!(shape, [import(1000), import(1000), import(500)]);

    let report = merged.report();
    assert_eq!(report.succeeded.len(), 2499);
    assert_eq!(report.failed.len(), 1);
    assert_eq!(report.failed[0].account, "ghost");
    assert_eq!(report.failed[0].code, ErrorCode::SNS_ACCOUNT_NOT_FOUND);
    assert_eq!(merged.fail_accounts, ["ghost"]);

    assert_eq!(
        listed_friends(&client, "hub").await,
        report.succeeded,
        "the report matches what friend_get shows"
    );
}

#[tokio::test]
async fn an_invalid_item_in_a_later_chunk_sends_nothing() {
    let (emulator, client) = start().await;
    emulator.clear_requests();
    let mut items: Vec<FriendImportItem> = (0..2500)
        .map(|i| FriendImportItem::new(format!("x{i}"), SOURCE))
        .collect();
    items[2400] = FriendImportItem::new("x2400", "bad source");
    let err = client
        .call_batched(FriendImport::new("hub", items))
        .await
        .unwrap_err();
    assert_eq!(err.completed_items, 0);
    assert!(
        matches!(&err.error, tencent_im_core::Error::Validation(v) if v.field() == "AddFriendItem[400].AddSource"),
        "{}",
        err.error
    );
    assert!(emulator.requests().is_empty());

    // A raw call over the cap is a typed error, never a silent split.
    let items: Vec<FriendImportItem> = (0..1001)
        .map(|i| FriendImportItem::new(format!("x{i}"), SOURCE))
        .collect();
    let err = client
        .call(&FriendImport::new("hub", items))
        .await
        .unwrap_err();
    assert!(matches!(
        err,
        tencent_im_core::Error::Validation(tencent_im_core::ValidationError::TooManyItems {
            max: 1000,
            len: 1001,
            ..
        })
    ));
    assert!(emulator.requests().is_empty());
}
