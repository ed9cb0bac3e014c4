//! The profile calls on the wire: the documented samples, and the checks on what is sent.

use tencent_im_core::{envelope, Empty, Endpoint, ValidationError};
use tencent_im_profile::{
    AdminForbidType, AllowType, Gender, PortraitGet, PortraitGetResponse, PortraitSet, ProfileItem,
    ProfileTag,
};

#[test]
fn portrait_set_matches_the_documented_sample() {
    let set = PortraitSet::new("id", [ProfileItem::Nick("MyNickName".into())]);
    assert_eq!(
        serde_json::to_string(&set).unwrap(),
        r#"{"From_Account":"id","ProfileItem":[{"Tag":"Tag_Profile_IM_Nick","Value":"MyNickName"}]}"#
    );
    let body = br#"{"ActionStatus":"OK","ErrorCode":0,"ErrorInfo":"","ErrorDisplay":""}"#;
    let _: Empty = envelope::decode(200, body).unwrap();
}

#[test]
fn every_standard_field_has_its_documented_wire_form() {
    let set = PortraitSet::new(
        "id",
        [
            ProfileItem::Gender(Gender::Male),
            ProfileItem::BirthDay(20190419),
            ProfileItem::AllowType(AllowType::NeedConfirm),
            ProfileItem::AdminForbidType(AdminForbidType::SendOut),
            ProfileItem::MsgSettings(1),
            ProfileItem::custom("Test", "Custom Data"),
        ],
    );
    set.validate().unwrap();
    assert_eq!(
        serde_json::to_value(&set).unwrap()["ProfileItem"],
        serde_json::json!([
            {"Tag": "Tag_Profile_IM_Gender", "Value": "Gender_Type_Male"},
            {"Tag": "Tag_Profile_IM_BirthDay", "Value": 20190419},
            {"Tag": "Tag_Profile_IM_AllowType", "Value": "AllowType_Type_NeedConfirm"},
            {"Tag": "Tag_Profile_IM_AdminForbidType", "Value": "AdminForbid_Type_SendOut"},
            {"Tag": "Tag_Profile_IM_MsgSettings", "Value": 1},
            {"Tag": "Tag_Profile_Custom_Test", "Value": "Custom Data"},
        ])
    );
}

#[test]
fn portrait_get_matches_the_documented_samples() {
    let get = PortraitGet::new(
        ["id1"],
        [
            ProfileTag::NICK,
            ProfileTag::ALLOW_TYPE,
            ProfileTag::SELF_SIGNATURE,
            ProfileTag::custom("Test").unwrap(),
        ],
    );
    assert_eq!(
        serde_json::to_string(&get).unwrap(),
        r#"{"To_Account":["id1"],"TagList":["Tag_Profile_IM_Nick","Tag_Profile_IM_AllowType","Tag_Profile_IM_SelfSignature","Tag_Profile_Custom_Test"]}"#
    );
    let body = br#"{"UserProfileItem":[{"To_Account":"id1","ProfileItem":[{"Tag":"Tag_Profile_IM_Nick","Value":"NickNameTest1"},
        {"Tag":"Tag_Profile_IM_AllowType","Value":"AllowType_Type_AllowAny"},
        {"Tag":"Tag_Profile_IM_SelfSignature","Value":"I'm Test1"},
        {"Tag":"Tag_Profile_Custom_Test","Value":"Custom Data1"}],"ResultCode":0,"ResultInfo":""}],
        "ActionStatus":"OK","ErrorCode":0,"ErrorInfo":"","ErrorDisplay":""}"#;
    let answer: PortraitGetResponse = envelope::decode(200, body).unwrap();
    let profile = &answer.user_profile_item[0];
    assert!(profile.is_ok());
    assert_eq!(
        profile.profile_item,
        [
            ProfileItem::Nick("NickNameTest1".into()),
            ProfileItem::AllowType(AllowType::AllowAny),
            ProfileItem::SelfSignature("I'm Test1".into()),
            ProfileItem::custom("Test", "Custom Data1"),
        ]
    );
    assert!(answer.fail_account.is_empty());

    let failed = br#"{"UserProfileItem":[{"To_Account":"nobody","ResultCode":40003,"ResultInfo":"Err_Profile_Account_Not_Exist"}],
        "Fail_Account":["nobody"],"ActionStatus":"OK","ErrorCode":0,"ErrorInfo":""}"#;
    let answer: PortraitGetResponse = envelope::decode(200, failed).unwrap();
    assert!(!answer.user_profile_item[0].is_ok());
    assert_eq!(answer.fail_account, ["nobody"]);
}

#[test]
fn byte_limits_are_checked_per_field() {
    let cases = [
        (ProfileItem::Nick("n".repeat(501)), 500),
        (ProfileItem::SelfSignature("s".repeat(501)), 500),
        (ProfileItem::Image("i".repeat(501)), 500),
        (ProfileItem::Location("l".repeat(17)), 16),
        (ProfileItem::custom("Test", "c".repeat(501)), 500),
    ];
    for (item, max) in cases {
        let err = PortraitSet::new("id", [ProfileItem::Level(1), item.clone()])
            .validate()
            .unwrap_err();
        assert_eq!(
            err,
            ValidationError::TooLong {
                field: "ProfileItem[1].Value".into(),
                len: max + 1,
                max
            },
            "{item:?}"
        );
    }
    for item in [
        ProfileItem::Nick("n".repeat(500)),
        ProfileItem::Location("l".repeat(16)),
    ] {
        PortraitSet::new("id", [item]).validate().unwrap();
    }
}

#[test]
fn undocumented_values_and_bad_tags_are_refused_before_sending() {
    let refused = [
        ProfileItem::AllowType(AllowType::Other("AllowType_Type_Sometimes".into())),
        ProfileItem::AdminForbidType(AdminForbidType::Other("AdminForbid_Type_All".into())),
        ProfileItem::Gender(Gender::Other("Gender_Type_X".into())),
        ProfileItem::custom("TooLongName", "v"),
        ProfileItem::Raw {
            tag: "Tag Profile".into(),
            value: "v".into(),
        },
        ProfileItem::Raw {
            tag: "Tag_Profile_IM_Nick".into(),
            value: 5.into(),
        },
        ProfileItem::Raw {
            tag: "Tag_Profile_IM_Future".into(),
            value: serde_json::json!({"a": 1}),
        },
    ];
    for item in refused {
        let err = PortraitSet::new("id", [item.clone()])
            .validate()
            .unwrap_err();
        assert!(
            err.field().starts_with("ProfileItem[0]."),
            "{item:?}: {err}"
        );
    }
    let future = ProfileItem::Raw {
        tag: "Tag_Profile_IM_Future".into(),
        value: 3.into(),
    };
    PortraitSet::new("id", [future]).validate().unwrap();
    assert!(matches!(
        PortraitSet::new("id", []).validate(),
        Err(ValidationError::EmptyList { .. })
    ));
}

#[test]
fn portrait_get_caps() {
    let ids: Vec<String> = (0..101).map(|i| format!("u{i}")).collect();
    let err = PortraitGet::new(ids.clone(), [ProfileTag::NICK])
        .validate()
        .unwrap_err();
    assert_eq!(
        err,
        ValidationError::TooManyItems {
            field: "To_Account".into(),
            len: 101,
            max: 100
        }
    );
    PortraitGet::new(&ids[..100], [ProfileTag::NICK])
        .validate()
        .unwrap();
    let err = PortraitGet::new(["a"], []).validate().unwrap_err();
    assert_eq!(err.field(), "TagList");
    let err = PortraitGet::new(["a"], [ProfileTag::NICK, ProfileTag::new("bad tag")])
        .validate()
        .unwrap_err();
    assert_eq!(err.field(), "TagList[1]");
    let err = PortraitGet::new(["a"], [ProfileTag::new("Tag_Profile_Custom_")])
        .validate()
        .unwrap_err();
    assert_eq!(err.field(), "TagList[0]");
}
