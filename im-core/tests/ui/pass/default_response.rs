use tencent_im_core::{im_api, im_response, Endpoint, ValidationError};

#[im_api(path = "v4/sns/friend_get", rate = 200)]
pub struct FriendGet {
    #[im(user_id)]
    pub from_account: String,
    pub start_index: u64,
    pub standard_sequence: Option<u64>,
}

#[im_response]
#[derive(Debug)]
pub struct FriendGetResponse {
    pub friend_num: u64,
    pub next_start_index: Option<u64>,
    // A `default` of the user's own is kept, not doubled.
    #[serde(default)]
    pub user_data_item: Vec<String>,
}

fn response_of<E: Endpoint>(_: &E) -> std::marker::PhantomData<E::Response> {
    std::marker::PhantomData
}

fn main() {
    let req = FriendGet {
        from_account: "id".into(),
        start_index: 0,
        standard_sequence: None,
    };
    assert_eq!(FriendGet::PATH, "v4/sns/friend_get");
    assert_eq!(FriendGet::RATE.get(), 200);
    let _: std::marker::PhantomData<FriendGetResponse> = response_of(&req);
    assert!(req.validate().is_ok());
    assert_eq!(
        serde_json::to_string(&req).unwrap(),
        r#"{"From_Account":"id","StartIndex":0}"#
    );
    let bad = FriendGet {
        from_account: String::new(),
        ..req
    };
    assert_eq!(
        bad.validate(),
        Err(ValidationError::EmptyUserId {
            field: "From_Account".into()
        })
    );
    let answer: FriendGetResponse = serde_json::from_str(r#"{"FriendNum":3}"#).unwrap();
    assert_eq!((answer.friend_num, answer.next_start_index), (3, None));
    assert!(answer.user_data_item.is_empty());
    let mut built = FriendGetResponse::default();
    built.friend_num = 1;
    assert_eq!(
        serde_json::to_string(&built).unwrap(),
        r#"{"FriendNum":1,"UserDataItem":[]}"#
    );
}
