use tencent_im_core::{im_api, Endpoint};

#[im_api(path = "v4/sns/friend_get", rate = 200)]
pub struct FriendGet {
    #[serde(rename = "From_Account")]
    pub from_account: String,
    #[serde(rename = "StartIndex")]
    pub start_index: u64,
    #[serde(rename = "StandardSequence")]
    pub standard_sequence: Option<u64>,
}

#[derive(Debug, serde::Deserialize)]
pub struct FriendGetResponse {
    #[serde(rename = "FriendNum")]
    pub friend_num: u64,
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
}
