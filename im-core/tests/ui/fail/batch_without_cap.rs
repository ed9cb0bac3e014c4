use tencent_im_core::im_api;

#[im_api(path = "v4/sns/friend_delete", rate = 200)]
pub struct FriendDelete {
    #[im(batch)]
    pub to_account: Vec<String>,
}

fn main() {}

/// The answer; declared so that only the mistake under test is reported.
pub type FriendDeleteResponse = tencent_im_core::Empty;
