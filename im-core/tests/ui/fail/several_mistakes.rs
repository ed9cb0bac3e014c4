use tencent_im_core::im_api;

// Every mistake is reported in one compile, each once, and nothing else.
#[im_api(path = "/v4/sns/friend_get", colour = "blue")]
pub struct FriendGet {
    #[im(user_id, user_id)]
    pub from_account: String,
    #[serde(rename = "StartIndex")]
    pub start_index: u64,
}

fn main() {
    // The fallback keeps the struct and its Endpoint impl: no follow-on errors here.
    let request = FriendGet { from_account: String::new(), start_index: 0 };
    let _ = <FriendGet as tencent_im_core::Endpoint>::PATH;
    let _ = request.start_index;
}

/// The answer; declared so that only the mistake under test is reported.
pub type FriendGetResponse = tencent_im_core::Empty;
