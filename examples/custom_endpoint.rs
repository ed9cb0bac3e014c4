//! Adding a call the SDK does not ship: `v4/profile/portrait_set` and `portrait_get`, declared
//! here with `#[im_api]`, then used to let a user accept friend requests without confirmation.
//!
//!     cargo run -p im-examples --example custom_endpoint

use tencent_im_accounts::MultiaccountImport;
use tencent_im_core::{im_api, im_item, im_response, Empty, ErrorCode, ResultItem};
use tencent_im_friends::{FriendAdd, FriendAddItem, Tag, TagValue};

/// Sets profile fields of one account.
#[im_api(path = "v4/profile/portrait_set", rate = 200, response = Empty)]
#[derive(Debug)]
pub struct PortraitSet {
    #[im(user_id)]
    pub from_account: String,
    #[im(rename = "ProfileItem", min_items = 1)]
    pub items: Vec<TagValue>,
}

/// Reads profile fields of several accounts; the answer is `PortraitGetResponse`.
#[im_api(path = "v4/profile/portrait_get", rate = 200)]
#[derive(Debug)]
pub struct PortraitGet {
    #[im(rename = "To_Account", max_items = 100, each(user_id))]
    pub to_accounts: Vec<String>,
    #[im(rename = "TagList", min_items = 1)]
    pub tags: Vec<Tag>,
}

#[im_response]
#[derive(Debug)]
pub struct PortraitGetResponse {
    #[im(rename = "UserProfileItem")]
    pub profiles: Vec<UserProfile>,
}

#[im_item]
#[derive(Debug)]
pub struct UserProfile {
    pub to_account: String,
    #[im(rename = "ProfileItem")]
    #[serde(default)]
    pub items: Vec<TagValue>,
    pub result_code: ErrorCode,
}

const ALLOW_TYPE: &str = "Tag_Profile_IM_AllowType";

#[tokio::main]
async fn main() -> std::process::ExitCode {
    match run().await {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("custom_endpoint failed: {err}");
            std::process::ExitCode::FAILURE
        }
    }
}

fn first_code(results: &[ResultItem]) -> String {
    results
        .first()
        .map(|r| format!("{} {}", r.result_code, r.result_info))
        .unwrap_or_default()
}

/// The examples' own failures are plain messages beside the SDK's errors.
type Failure = Box<dyn std::error::Error>;

async fn run() -> Result<(), Failure> {
    let setup = im_examples::connect().await?;
    let client = &setup.client;
    println!("Talking to {}", setup.describe());
    client
        .call(&MultiaccountImport::new(["ce_dora", "ce_eli"]))
        .await?;

    let ask = FriendAdd::new(
        "ce_eli",
        vec![FriendAddItem::new("ce_dora", "AddSource_Type_Web")],
    );
    let before = client.call(&ask).await?;
    println!("friend_add before: {}", first_code(&before.results));

    client
        .call(&PortraitSet {
            from_account: "ce_dora".into(),
            items: vec![TagValue::new(
                Tag::new(ALLOW_TYPE),
                "AllowType_Type_AllowAny",
            )],
        })
        .await?;
    let profile = client
        .call(&PortraitGet {
            to_accounts: vec!["ce_dora".into()],
            tags: vec![Tag::new(ALLOW_TYPE)],
        })
        .await?;
    for user in &profile.profiles {
        let allow = user
            .items
            .iter()
            .find(|item| item.tag == ALLOW_TYPE)
            .and_then(|item| item.value.as_str())
            .unwrap_or("?");
        println!(
            "{} now has {allow} (ResultCode {})",
            user.to_account, user.result_code
        );
    }

    let after = client.call(&ask).await?;
    println!("friend_add after: {}", first_code(&after.results));
    if after.added().count() != 1 {
        return Err(format!(
            "expected the add to succeed after AllowType_Type_AllowAny, got {}",
            first_code(&after.results)
        )
        .into());
    }
    Ok(())
}
