use tencent_im_core::{im_api, Empty, FieldPath, ValidationError};

fn positive(value: &u32, _: &FieldPath<'_>) -> Result<(), ValidationError> {
    assert!(*value > 0);
    Ok(())
}

#[im_api(path = "v4/sns/friend_get", rate = 200, response = Empty)]
pub struct FriendGet {
    #[im(check = positive)]
    pub start_index: u64,
}

fn main() {}
