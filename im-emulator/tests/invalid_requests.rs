//! Requests the client refuses before sending: every one is a typed `Error::Validation` naming the
//! field the way Tencent spells it, and none reaches the server.

use futures::future::BoxFuture;
use tencent_im_accounts::{AccountCheck, AccountDelete, AccountImport, MultiaccountImport};
use tencent_im_core::{Client, Endpoint, Error, ValidationError};
use tencent_im_emulator::Emulator;
use tencent_im_friends::*;

const SOURCE: &str = "AddSource_Type_Web";

fn ids(n: usize) -> Vec<String> {
    (0..n).map(|i| format!("u{i}")).collect()
}

fn import(item: FriendImportItem) -> FriendImport {
    FriendImport::new("a", vec![item])
}

fn add(item: FriendAddItem) -> FriendAdd {
    FriendAdd::new("a", vec![item])
}

/// One invalid request: what its own check says, and what sending it through the client does.
struct Case {
    name: &'static str,
    field: &'static str,
    checked: Result<(), ValidationError>,
    sent: BoxFuture<'static, Result<(), Error>>,
}

fn invalid_requests(client: &Client) -> Vec<Case> {
    let mut cases = Vec::new();
    macro_rules! case {
        ($name:expr, $request:expr, $field:expr $(,)?) => {{
            let request = $request;
            let client = client.clone();
            cases.push(Case {
                name: $name,
                field: $field,
                checked: request.validate(),
                sent: Box::pin(async move { client.call(&request).await.map(|_| ()) }),
            });
        }};
    }
    let long_id = "x".repeat(33);

    case!("empty From_Account", FriendGet::new(""), "From_Account",);
    case!(
        "33-byte From_Account",
        FriendGet::new(&long_id),
        "From_Account",
    );
    case!(
        "multi-byte ID over 32 bytes",
        FriendGet::new("好".repeat(11)),
        "From_Account",
    );
    case!(
        "empty To_Account",
        import(FriendImportItem::new("", SOURCE)),
        "AddFriendItem[0].To_Account",
    );
    case!(
        "over-long To_Account",
        add(FriendAddItem::new(&long_id, SOURCE)),
        "AddFriendItem[0].To_Account",
    );
    case!("no items", FriendImport::new("a", vec![]), "AddFriendItem",);
    case!(
        "1001 imports",
        FriendImport::new(
            "a",
            ids(1001)
                .into_iter()
                .map(|i| FriendImportItem::new(i, SOURCE))
                .collect(),
        ),
        "AddFriendItem",
    );
    case!(
        "1001 adds",
        FriendAdd::new(
            "a",
            ids(1001)
                .into_iter()
                .map(|i| FriendAddItem::new(i, SOURCE))
                .collect(),
        ),
        "AddFriendItem",
    );
    case!(
        "1001 deletes",
        FriendDelete::new("a", ids(1001)),
        "To_Account",
    );
    case!(
        "1001 checks",
        FriendCheck::new("a", ids(1001), CheckType::Both),
        "To_Account",
    );
    case!(
        "1001 blocks",
        BlackListAdd::new("a", ids(1001)),
        "To_Account",
    );
    case!(
        "1001 black checks",
        BlackListCheck::new("a", ids(1001), BlackCheckType::Both),
        "To_Account",
    );
    case!(
        "AddSource without prefix",
        import(FriendImportItem::new("b", "Web")),
        "AddFriendItem[0].AddSource",
    );
    case!(
        "AddSource keyword of 9",
        import(FriendImportItem::new("b", "AddSource_Type_ABCDEFGHI")),
        "AddFriendItem[0].AddSource",
    );
    case!(
        "AddSource with digits",
        add(FriendAddItem::new("b", "AddSource_Type_Web2")),
        "AddFriendItem[0].AddSource",
    );
    case!(
        "AddSource empty keyword",
        add(FriendAddItem::new("b", "AddSource_Type_")),
        "AddFriendItem[0].AddSource",
    );
    case!(
        "remark of 97 bytes",
        import(FriendImportItem::new("b", SOURCE).remark("r".repeat(97))),
        "AddFriendItem[0].Remark",
    );
    case!(
        "remark of 97 bytes on add",
        add(FriendAddItem::new("b", SOURCE).remark("é".repeat(49))),
        "AddFriendItem[0].Remark",
    );
    case!(
        "group name of 31 bytes",
        import(FriendImportItem::new("b", SOURCE).group("g".repeat(31))),
        "AddFriendItem[0].GroupName[0]",
    );
    case!(
        "empty group name",
        add(FriendAddItem::new("b", SOURCE).group("")),
        "AddFriendItem[0].GroupName",
    );
    case!(
        "33 groups on one friend",
        {
            let mut item = FriendImportItem::new("b", SOURCE);
            for g in ids(33) {
                item = item.group(g);
            }
            import(item)
        },
        "AddFriendItem[0].GroupName",
    );
    case!(
        "custom tag with digits",
        import(
            FriendImportItem::new("b", SOURCE)
                .custom(TagValue::new(Tag::new("Tag_SNS_Custom_Lv1"), 1)),
        ),
        "AddFriendItem[0].CustomItem[0].Tag",
    );
    case!(
        "standard tag as custom item",
        import(FriendImportItem::new("b", SOURCE).custom(TagValue::new(Tag::GROUP, "g"))),
        "AddFriendItem[0].CustomItem[0].Tag",
    );
    case!(
        "custom value of 501 bytes",
        import(FriendImportItem::new("b", SOURCE).custom(TagValue::new(
            Tag::new("Tag_SNS_Custom_Note"),
            "v".repeat(501),
        ))),
        "AddFriendItem[0].CustomItem[0].Value",
    );
    case!(
        "custom value as a list",
        import(FriendImportItem::new("b", SOURCE).custom(TagValue::new(
            Tag::new("Tag_SNS_Custom_Note"),
            vec!["x".to_owned()],
        ))),
        "AddFriendItem[0].CustomItem[0].Value",
    );
    case!(
        "updating AddTime",
        FriendUpdate::new(
            "a",
            vec![FriendUpdateItem::new("b").field(Tag::ADD_TIME, 1)],
        ),
        "UpdateItem[0].SnsItem[0].Tag",
    );
    case!(
        "remark given as a number",
        FriendUpdate::new("a", vec![FriendUpdateItem::new("b").field(Tag::REMARK, 5)]),
        "UpdateItem[0].SnsItem[0].Value",
    );
    case!(
        "groups given as a string",
        FriendUpdate::new("a", vec![FriendUpdateItem::new("b").field(Tag::GROUP, "g")]),
        "UpdateItem[0].SnsItem[0].Value",
    );
    case!(
        "unknown tag prefix in TagList",
        FriendGetList::new("a", ["b"], vec![Tag::new("Tag_Foo_Bar")]),
        "TagList[0]",
    );
    case!(
        "bare prefix in TagList",
        FriendGetList::new("a", ["b"], vec![Tag::new("Tag_SNS_IM_")]),
        "TagList[0]",
    );
    case!(
        "blocklist page of 0",
        BlackListGet::new("a", 0),
        "MaxLimited",
    );
    case!(
        "group name over 30 bytes",
        GroupAdd::new("a", ["g".repeat(31)]),
        "GroupName[0]",
    );
    case!(
        "group_add of 33 groups",
        GroupAdd::new("a", ids(33)),
        "GroupName",
    );
    case!(
        "empty ID in To_Account list",
        FriendDelete::new("a", ["b", ""]),
        "To_Account[1]",
    );
    case!(
        "empty blocklist delete",
        BlackListDelete::new("a", Vec::<String>::new()),
        "To_Account",
    );
    case!(
        "33-byte ID in a blocklist check",
        BlackListCheck::new("a", [long_id.clone()], BlackCheckType::Both),
        "To_Account[0]",
    );
    case!(
        "empty group name deleted",
        GroupDelete::new("a", [""]),
        "GroupName[0]"
    );
    case!(
        "friend_delete_all of nobody",
        FriendDeleteAll::new(""),
        "From_Account"
    );
    case!(
        "a bare word in TagList",
        FriendGetList::new("a", ["b"], vec![Tag::new("Nick")]),
        "TagList[0]",
    );
    case!(
        "no TagList",
        FriendGetList::new("a", ["b"], vec![]),
        "TagList"
    );
    case!(
        "remark of 97 bytes updated",
        FriendUpdate::new("a", vec![FriendUpdateItem::new("b").remark("r".repeat(97))]),
        "UpdateItem[0].SnsItem[0].Value",
    );
    case!(
        "update without fields",
        FriendUpdate::new("a", vec![FriendUpdateItem::new("b")]),
        "UpdateItem[0].SnsItem",
    );
    case!(
        "custom value of 501 bytes updated",
        FriendUpdate::new(
            "a",
            vec![FriendUpdateItem::new("b").field(Tag::custom("X").unwrap(), "v".repeat(501))],
        ),
        "UpdateItem[0].SnsItem[0].Value",
    );
    case!(
        "add wording of 257 bytes",
        import(FriendImportItem::new("b", SOURCE).add_wording("w".repeat(257))),
        "AddFriendItem[0].AddWording",
    );
    case!(
        "101 accounts imported at once",
        MultiaccountImport::new(ids(101)),
        "Accounts",
    );
    case!(
        "no accounts imported",
        MultiaccountImport::new(Vec::<String>::new()),
        "Accounts"
    );
    case!(
        "101 accounts checked",
        AccountCheck::new(ids(101)),
        "CheckItem"
    );
    case!(
        "101 accounts deleted",
        AccountDelete::new(ids(101)),
        "DeleteItem"
    );
    case!(
        "33-byte account",
        AccountImport::new(long_id.clone()),
        "UserID"
    );
    case!(
        "empty ID among deleted accounts",
        AccountDelete::new(["ok", ""]),
        "DeleteItem[1].UserID",
    );
    cases
}

#[tokio::test]
async fn invalid_requests_are_refused_with_the_field_named_and_nothing_is_sent() {
    let emulator = Emulator::builder().start().await.unwrap();
    let client = emulator.client().unwrap();
    let cases = invalid_requests(&client);
    assert!(cases.len() >= 45);
    for case in cases {
        let err = case.checked.expect_err(case.name);
        assert_eq!(err.field(), case.field, "{}: {err}", case.name);
        match case.sent.await {
            Err(Error::Validation(sent)) => assert_eq!(sent, err, "{}", case.name),
            other => panic!("{}: expected a validation error, got {other:?}", case.name),
        }
        let text = Error::from(err).to_string();
        assert!(
            text.starts_with("invalid request: `"),
            "{}: {text}",
            case.name
        );
    }
    assert!(
        emulator.requests().is_empty(),
        "an invalid request reached the server"
    );
}
