//! Every documented callback sample decodes into its typed event, through `Verifier::parse` with
//! a signed query, and serialises back with Tencent's field names.
//!
//! Samples marked "verbatim" are copied from Tencent's pages (product 1047/NNNNN); the others are
//! assembled from the field lists of `shared/spec/webhooks-follow-profile.md` because the page's
//! sample could not be read whole.

use serde_json::{json, Value};
use tencent_im_core::ManualClock;
use tencent_im_webhooks::{
    commands, sign, Event, OptPlatform, ResponseAction, Verifier, WebhookError, WebhookToken,
};

const APP: u64 = 1_400_000_000;
const NOW: u64 = 1_669_872_112;

fn verifier() -> Verifier {
    Verifier::new(APP, token()).clock(ManualClock::new(NOW))
}

fn token() -> WebhookToken {
    WebhookToken::new("xxxxyyyy").unwrap()
}

fn query(command: &str, platform: &str) -> String {
    format!(
        "SdkAppid={APP}&CallbackCommand={command}&contenttype=json&ClientIP=127.0.0.1\
         &OptPlatform={platform}&Sign={}&RequestTime={NOW}",
        sign(&token(), &NOW.to_string())
    )
}

fn parse(command: &str, body: &str) -> Event {
    let event = verifier()
        .parse(&query(command, "RESTAPI"), body.as_bytes())
        .unwrap_or_else(|e| panic!("{command}: {e}"));
    assert_eq!(event.command(), command);
    event
}

/// The serialised event carries `"command"` and the sample's fields under their wire names.
fn assert_round_trip(event: &Event, body: &str) {
    let mut expected: Value = serde_json::from_str(body).unwrap();
    let expected = expected.as_object_mut().unwrap();
    expected.remove("CallbackCommand");
    let mut got = serde_json::to_value(event).unwrap();
    let got = got.as_object_mut().unwrap();
    assert_eq!(got.remove("command"), Some(json!(event.command())));
    assert_eq!(&*got, &*expected);
}

#[test]
fn prev_friend_add() {
    // 1047/43468: the first item verbatim, the rest from the spec's field list.
    let body = r#"{
        "CallbackCommand": "Sns.CallbackPrevFriendAdd",
        "Requester_Account": "id",
        "From_Account": "id",
        "FriendItem": [
            {"To_Account": "id1", "Remark": "remark1", "GroupName": "group1",
             "AddSource": "AddSource_Type_Android", "AddWording": "this is id1!"},
            {"To_Account": "id2", "Remark": "remark2", "GroupName": "group2",
             "AddSource": "AddSource_Type_Android", "AddWording": "this is id2!"}
        ],
        "AddType": "Add_Type_Both",
        "ForceAddFlags": 1,
        "EventTime": 1631777645424
    }"#;
    let event = parse(commands::PREV_FRIEND_ADD, body);
    let Event::PrevFriendAdd(add) = &event else {
        panic!("{event:?}")
    };
    assert_eq!(add.requester_account, "id");
    assert_eq!(add.friend_item.len(), 2);
    assert_eq!(add.friend_item[0].group_name.as_deref(), Some("group1"));
    assert_eq!(
        add.friend_item[1].add_source.as_deref(),
        Some("AddSource_Type_Android")
    );
    assert_eq!(add.add_type.as_deref(), Some("Add_Type_Both"));
    assert_eq!(add.force_add_flags, Some(1));
    assert_eq!(add.event_time, Some(1_631_777_645_424));
    assert_eq!(add.to_accounts().collect::<Vec<_>>(), ["id1", "id2"]);
    assert_round_trip(&event, body);
}

#[test]
fn prev_friend_response() {
    // 1047/43467, verbatim.
    let body = r#"{"CallbackCommand": "Sns.CallbackPrevFriendResponse","Requester_Account": "id","From_Account": "id","ResponseFriendItem": [{"To_Account": "id1","Remark": "remark1","TagName": "group1","ResponseAction": "Response_Action_AgreeAndAdd"},{"To_Account": "id2","Remark": "remark2","TagName": "group2","ResponseAction": "Response_Action_Reject"}],"EventTime": 1631777645424}"#;
    let event = parse(commands::PREV_FRIEND_RESPONSE, body);
    let Event::PrevFriendResponse(response) = &event else {
        panic!("{event:?}")
    };
    let actions: Vec<_> = response
        .response_friend_item
        .iter()
        .map(|item| item.response_action.clone())
        .collect();
    assert_eq!(
        actions,
        [ResponseAction::AgreeAndAdd, ResponseAction::Reject]
    );
    assert_eq!(
        response.response_friend_item[0].tag_name.as_deref(),
        Some("group1")
    );
    assert_round_trip(&event, body);
}

#[test]
fn response_action_agree_and_unknown_values() {
    let body = r#"{"CallbackCommand":"Sns.CallbackPrevFriendResponse","Requester_Account":"a","From_Account":"a",
        "ResponseFriendItem":[{"To_Account":"b","ResponseAction":"Response_Action_Agree"},
                              {"To_Account":"c","ResponseAction":"Response_Action_Later"}]}"#;
    let Event::PrevFriendResponse(response) = parse(commands::PREV_FRIEND_RESPONSE, body) else {
        panic!()
    };
    assert_eq!(
        response.response_friend_item[0].response_action,
        ResponseAction::Agree
    );
    assert_eq!(
        response.response_friend_item[1].response_action,
        ResponseAction::Other("Response_Action_Later".to_owned())
    );
}

#[test]
fn friend_add() {
    // 1047/34359, verbatim.
    let body = r#"{
        "CallbackCommand": "Sns.CallbackFriendAdd",
        "PairList": [
            {"From_Account": "id", "To_Account": "id1", "Initiator_Account": "id"},
            {"From_Account": "id", "To_Account": "id2", "Initiator_Account": "id"},
            {"From_Account": "id", "To_Account": "id3", "Initiator_Account": "id"}
        ],
        "ClientCmd": "friend_add",
        "Admin_Account": "",
        "ForceFlag": 1
    }"#;
    let event = parse(commands::FRIEND_ADD, body);
    let Event::FriendAdd(add) = &event else {
        panic!("{event:?}")
    };
    assert_eq!(add.pair_list.len(), 3);
    assert_eq!(add.pair_list[2].to_account, "id3");
    assert_eq!(add.pair_list[0].initiator_account.as_deref(), Some("id"));
    assert_eq!(add.client_cmd.as_deref(), Some("friend_add"));
    assert_eq!(add.admin_account.as_deref(), Some(""));
    assert_eq!(add.force_flag, Some(1));
    assert_eq!(add.event_time, None);
    assert_round_trip(&event, body);
}

#[test]
fn friend_delete() {
    // 1047/34360, verbatim.
    let body = r#"{
        "CallbackCommand": "Sns.CallbackFriendDelete",
        "PairList": [
            {"From_Account": "id", "To_Account": "id1"},
            {"From_Account": "id", "To_Account": "id2"},
            {"From_Account": "id", "To_Account": "id3"}
        ]
    }"#;
    let event = parse(commands::FRIEND_DELETE, body);
    let Event::FriendDelete(deleted) = &event else {
        panic!("{event:?}")
    };
    assert_eq!(deleted.pair_list.len(), 3);
    assert_eq!(deleted.pair_list[1].to_account, "id2");
    assert_round_trip(&event, body);
}

#[test]
fn black_list_add_and_delete() {
    // 1047/34361 and 1047/34362: the same shape as 34360 (spec file).
    for command in [commands::BLACK_LIST_ADD, commands::BLACK_LIST_DELETE] {
        let body = format!(
            r#"{{"CallbackCommand": "{command}",
                "PairList": [{{"From_Account": "id", "To_Account": "id1"}},
                             {{"From_Account": "id", "To_Account": "id2"}}]}}"#
        );
        let event = parse(command, &body);
        let pairs = match &event {
            Event::BlackListAdd(added) => &added.pair_list,
            Event::BlackListDelete(deleted) => &deleted.pair_list,
            other => panic!("{other:?}"),
        };
        assert_eq!(pairs.len(), 2);
        assert_eq!(pairs[0].from_account, "id");
        assert_round_trip(&event, &body);
    }
}

#[test]
fn portrait_set() {
    // 1047/48733: the first two items verbatim; values of other types from the spec.
    let body = r#"{
        "CallbackCommand": "Profile.CallbackPortraitSet",
        "Operator_Account": "id1",
        "From_Account": "id1",
        "EventTime": 1656921052497,
        "ProfileItem": [
            {"Tag": "Tag_Profile_IM_Nick", "Value": "nick1"},
            {"Tag": "Tag_Profile_IM_Gender", "Value": "Gender_Type_Male"},
            {"Tag": "Tag_Profile_IM_AllowType", "Value": "AllowType_Type_NeedConfirm"},
            {"Tag": "Tag_Profile_IM_Level", "Value": 3},
            {"Tag": "Tag_Profile_Custom_Test", "Value": "custom"}
        ]
    }"#;
    let event = parse(commands::PORTRAIT_SET, body);
    let Event::PortraitSet(set) = &event else {
        panic!("{event:?}")
    };
    assert_eq!(set.operator_account.as_deref(), Some("id1"));
    assert_eq!(set.profile_item[0].tag, "Tag_Profile_IM_Nick");
    assert_eq!(set.profile_item[0].value, json!("nick1"));
    assert_eq!(set.profile_item[3].value, json!(3));
    assert_eq!(set.event_time, Some(1_656_921_052_497));
    assert_round_trip(&event, body);
}

#[test]
fn follow_add_and_delete() {
    // Spec file: Follow.CallbackAfterFollowAdd / Follow.CallbackAfterFollowDelete.
    let body = r#"{"CallbackCommand": "Follow.CallbackAfterFollowAdd", "From_Account": "id",
        "FollowList": [{"To_Account": "id1"}, {"To_Account": "id2"}], "EventTime": 1670574414123}"#;
    let event = parse(commands::FOLLOW_ADD, body);
    let Event::FollowAdd(add) = &event else {
        panic!("{event:?}")
    };
    assert_eq!(add.follow_list[1].to_account, "id2");
    assert_round_trip(&event, body);

    let body = r#"{"CallbackCommand": "Follow.CallbackAfterFollowDelete", "From_Account": "id",
        "To_Account": ["id1", "id2"], "EventTime": 1670574414123}"#;
    let event = parse(commands::FOLLOW_DELETE, body);
    let Event::FollowDelete(deleted) = &event else {
        panic!("{event:?}")
    };
    assert_eq!(deleted.to_account, ["id1", "id2"]);
    assert_round_trip(&event, body);
}

#[test]
fn request_over_limit() {
    // Spec file: ServiceName, Command, Request, Limit (types undocumented: numbers or digits).
    let body = r#"{"CallbackCommand": "Alert.RequestOverLimit", "ServiceName": "sns",
        "Command": "friend_add", "Request": 170, "Limit": 200}"#;
    let event = parse(commands::REQUEST_OVER_LIMIT, body);
    let Event::RequestOverLimit(alert) = &event else {
        panic!("{event:?}")
    };
    assert_eq!(
        (alert.service_name.as_str(), alert.command.as_str()),
        ("sns", "friend_add")
    );
    assert_eq!((alert.request, alert.limit), (170, 200));
    assert_round_trip(&event, body);

    let body = r#"{"CallbackCommand": "Alert.RequestOverLimit", "ServiceName": "sns",
        "Command": "friend_add", "Request": "170", "Limit": "200"}"#;
    let Event::RequestOverLimit(alert) = parse(commands::REQUEST_OVER_LIMIT, body) else {
        panic!()
    };
    assert_eq!((alert.request, alert.limit), (170, 200));
}

#[test]
fn an_unknown_command_is_a_value_with_its_body() {
    // 1047/34354's example: a group callback this crate does not type.
    let body = r#"{"CallbackCommand": "Group.CallbackAfterNewMemberJoin","GroupId": "@TGS#2J4SZEAEL","Type": "Public","JoinType": "Apply","Operator_Account": "leckie","NewMemberList": [{"Member_Account": "jared"},{"Member_Account": "tommy"}]}"#;
    let event = parse("Group.CallbackAfterNewMemberJoin", body);
    let Event::Unknown(unknown) = &event else {
        panic!("{event:?}")
    };
    assert_eq!(unknown.command, "Group.CallbackAfterNewMemberJoin");
    assert_eq!(unknown.body["NewMemberList"][1]["Member_Account"], "tommy");
    assert_eq!(
        serde_json::to_value(&event).unwrap(),
        json!({"command": "Group.CallbackAfterNewMemberJoin", "body": serde_json::from_str::<Value>(body).unwrap()})
    );
}

#[test]
fn query_facts_are_kept_and_opt_platform_accepts_both_ios_spellings() {
    let body = r#"{"CallbackCommand":"Sns.CallbackFriendDelete","PairList":[]}"#;
    for (text, platform) in [
        ("iOS", OptPlatform::Ios),
        ("IOS", OptPlatform::Ios),
        ("Web", OptPlatform::Web),
        ("Quest", OptPlatform::Other("Quest".to_owned())),
    ] {
        let callback = verifier()
            .parse_callback(&query(commands::FRIEND_DELETE, text), body.as_bytes())
            .unwrap();
        assert_eq!(callback.query.opt_platform, Some(platform));
        assert_eq!(callback.query.client_ip.as_deref(), Some("127.0.0.1"));
    }
}

#[test]
fn the_body_command_is_used_when_the_query_has_none_and_must_agree_otherwise() {
    let signed = format!(
        "SdkAppid={APP}&Sign={}&RequestTime={NOW}",
        sign(&token(), &NOW.to_string())
    );
    let body = br#"{"CallbackCommand":"Sns.CallbackFriendDelete","PairList":[]}"#;
    assert!(matches!(
        verifier().parse(&signed, body),
        Ok(Event::FriendDelete(_))
    ));
    assert_eq!(
        verifier().parse(&query(commands::FRIEND_ADD, "Web"), body),
        Err(WebhookError::CommandMismatch {
            query: commands::FRIEND_ADD.to_owned(),
            body: commands::FRIEND_DELETE.to_owned(),
        })
    );
    assert_eq!(
        verifier().parse(&signed, b"{}"),
        Err(WebhookError::MissingParameter {
            name: "CallbackCommand"
        })
    );
}

#[test]
fn malformed_bodies_are_typed_errors() {
    let q = query(commands::FRIEND_ADD, "RESTAPI");
    for body in [
        &b""[..],
        b"not json",
        b"[1,2]",
        b"\"text\"",
        b"{\"PairList\":",
        b"{\"PairList\":[{\"From_Account\":1}]}",
        b"{\"CallbackCommand\":7}",
        &[0xff, 0xfe],
    ] {
        match verifier().parse(&q, body) {
            Err(error @ WebhookError::MalformedBody { .. }) => assert_eq!(error.status(), 400),
            other => panic!("{:?}: {other:?}", String::from_utf8_lossy(body)),
        }
    }
    // Nesting deeper than the decoder's recursion limit is an error, not a stack overflow.
    let deep = format!("{}{}", "[".repeat(100_000), "]".repeat(100_000));
    assert!(matches!(
        verifier().parse(&q, deep.as_bytes()),
        Err(WebhookError::MalformedBody { .. })
    ));
    // The decoder's message is bounded.
    let long = format!(r#"{{"PairList":"{}"}}"#, "x".repeat(10_000));
    let Err(WebhookError::MalformedBody { reason, .. }) = verifier().parse(&q, long.as_bytes())
    else {
        panic!()
    };
    assert!(reason.chars().count() <= 201, "{reason}");
}
