//! A generic request is checked like any other: its nested value's checks run.
use tencent_im_core::{im_api, im_item, Empty, Endpoint, Validate};

#[im_item]
pub struct Target {
    #[im(user_id)]
    pub user_id: String,
}

#[im_api(path = "v4/custom/wrapped", rate = 10, response = Empty)]
pub struct Wrapped<T> {
    #[im(user_id)]
    pub from_account: String,
    #[im(nested)]
    pub target: T,
    #[im(max_items = 2, each(nested))]
    pub more: Vec<T>,
}

fn check<E: Endpoint>(request: &E) -> Result<(), tencent_im_core::ValidationError> {
    request.validate()
}

fn main() {
    let ok = Wrapped {
        from_account: "a".into(),
        target: Target { user_id: "b".into() },
        more: vec![Target { user_id: "c".into() }],
    };
    assert!(check(&ok).is_ok());
    let bad = Wrapped {
        from_account: "a".into(),
        target: Target { user_id: "b".into() },
        more: vec![Target { user_id: "c".into() }, Target { user_id: String::new() }],
    };
    assert_eq!(check(&bad).unwrap_err().field(), "More[1].UserID");
    assert_eq!(Validate::validate(&bad), check(&bad));
    assert_eq!(
        serde_json::to_string(&ok).unwrap(),
        r#"{"From_Account":"a","Target":{"UserID":"b"},"More":[{"UserID":"c"}]}"#
    );
}
