use tencent_im_core::im_api;

#[im_api(rate = 200)]
pub struct FriendGet {
    pub from_account: String,
}

fn main() {}
