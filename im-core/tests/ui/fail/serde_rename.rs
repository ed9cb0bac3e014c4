use tencent_im_core::im_api;

#[im_api(path = "v4/sns/friend_get", rate = 200)]
pub struct FriendGet {
    #[serde(rename = "From_Account")]
    pub from_account: String,
}

fn main() {}

/// The answer; declared so that only the mistake under test is reported.
pub type FriendGetResponse = tencent_im_core::Empty;
