use tencent_im_core::{im_api, Endpoint, Validate, ValidationError};

#[derive(Debug, serde::Deserialize)]
pub struct Reply {}

#[im_api(response = Reply, rate = 100, path = "v4/im_open_login_svc/account_check")]
pub struct Check {
    #[serde(rename = "UserID")]
    pub user_id: String,
}

impl Validate for Check {
    fn validate(&self) -> Result<(), ValidationError> {
        tencent_im_core::check::user_id(|| "UserID", &self.user_id)
    }
}

fn main() {
    assert_eq!(Check::RATE.get(), 100);
    let bad = Check { user_id: String::new() };
    assert!(Endpoint::validate(&bad).is_err());
    let good = Check { user_id: "a".into() };
    assert!(Endpoint::validate(&good).is_ok());
}
