use tencent_im_core::{im_api, Endpoint, FieldPath, ValidationError};

#[tencent_im_core::im_response]
pub struct Reply {}

/// A rule the field attributes cannot say: the two lists have the same length.
fn same_length(request: &Pairs, at: &FieldPath<'_>) -> Result<(), ValidationError> {
    if request.to_account.len() == request.remark.len() {
        return Ok(());
    }
    Err(ValidationError::Invalid {
        field: at.field("Remark").to_string(),
        reason: "one remark per account".into(),
    })
}

#[im_api(response = Reply, rate = 100, path = "v4/sns/remarks", check = same_length)]
pub struct Pairs {
    #[im(max_items = 3, each(user_id))]
    pub to_account: Vec<String>,
    #[im(each(max_bytes = 4))]
    pub remark: Vec<String>,
}

fn main() {
    assert_eq!(Pairs::RATE.get(), 100);
    let good = Pairs { to_account: vec!["a".into()], remark: vec!["r".into()] };
    assert!(Endpoint::validate(&good).is_ok());
    let uneven = Pairs { to_account: vec!["a".into()], remark: vec![] };
    assert_eq!(Endpoint::validate(&uneven).unwrap_err().field(), "Remark");
    let long = Pairs { to_account: vec!["a".into()], remark: vec!["12345".into()] };
    assert_eq!(Endpoint::validate(&long).unwrap_err().field(), "Remark[0]");
    let empty_id = Pairs { to_account: vec!["a".into(), String::new()], remark: vec!["".into(); 2] };
    assert_eq!(Endpoint::validate(&empty_id).unwrap_err().field(), "To_Account[1]");
    let too_many = Pairs { to_account: vec!["a".into(); 4], remark: vec!["".into(); 4] };
    assert!(matches!(
        Endpoint::validate(&too_many),
        Err(ValidationError::TooManyItems { max: 3, .. })
    ));
}
