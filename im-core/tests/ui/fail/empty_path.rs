use tencent_im_core::im_api;

#[im_api(path = "", rate = 200)]
pub struct FriendGet {
    pub from_account: String,
}

fn main() {}
