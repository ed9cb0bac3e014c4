use tencent_im_core::{im_api, im_response};

#[im_api(path = "v4/sns/friend_delete", rate = 200)]
pub struct FriendDelete {
    #[im(merge)]
    pub to_account: Vec<String>,
}

#[im_response]
pub struct FriendDeleteResponse {
    #[im(merge)]
    pub current_sequence: u64,
    #[im(user_id)]
    pub to_account: String,
}

fn main() {}
