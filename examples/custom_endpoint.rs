//! Adding a call the SDK does not ship: `v4/profile/portrait_set` and `portrait_get`, declared
//! here with `#[im_api]`, then used to let a user accept friend requests without confirmation.
//!
//!     cargo run -p im-examples --example custom_endpoint

use serde::Deserialize;
use tencent_im_accounts::MultiaccountImport;
use tencent_im_core::{im_api, Empty, Error, ErrorCode, ResultItem};
use tencent_im_friends::{FriendAdd, FriendAddItem, Tag, TagValue};

/// Sets profile fields of one account.
#[im_api(path = "v4/profile/portrait_set", rate = 200, response = Empty)]
#[derive(Debug)]
pub struct PortraitSet {
    #[serde(rename = "From_Account")]
    pub from_account: String,
    #[serde(rename = "ProfileItem")]
    pub items: Vec<TagValue>,
}

/// Reads profile fields of several accounts; the answer is `PortraitGetResponse`.
#[im_api(path = "v4/profile/portrait_get", rate = 200)]
#[derive(Debug)]
pub struct PortraitGet {
    #[serde(rename = "To_Account")]
    pub to_accounts: Vec<String>,
    #[serde(rename = "TagList")]
    pub tags: Vec<Tag>,
}

#[derive(Debug, Deserialize)]
pub struct PortraitGetResponse {
    #[serde(rename = "UserProfileItem", default)]
    pub profiles: Vec<UserProfile>,
}

#[derive(Debug, Deserialize)]
pub struct UserProfile {
    #[serde(rename = "To_Account")]
    pub to_account: String,
    #[serde(rename = "ProfileItem", default)]
    pub items: Vec<TagValue>,
    #[serde(rename = "ResultCode")]
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

async fn run() -> Result<(), Error> {
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
        return Err(Error::Config(format!(
            "expected the add to succeed after AllowType_Type_AllowAny, got {}",
            first_code(&after.results)
        )));
    }
    Ok(())
}
