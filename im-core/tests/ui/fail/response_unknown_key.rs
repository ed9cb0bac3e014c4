use tencent_im_core::im_response;

#[im_response(path = "v4/sns/friend_get")]
pub struct FriendGetResponse {
    pub friend_num: u64,
}

fn main() {}
