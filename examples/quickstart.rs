//! Imports accounts, imports and adds friends, and pages through a friend list.
//!
//! With no `IM_*` variables it runs against an embedded emulator; with `IM_SDKAPPID`,
//! `IM_SECRET_KEY`, `IM_ADMIN` and `IM_REGION` (or `IM_BASE_URL`) it runs against that app.
//!
//!     cargo run -p im-examples --example quickstart

use futures::TryStreamExt;
use tencent_im::accounts::MultiaccountImport;
use tencent_im::friends::{
    paging, AddType, FriendAdd, FriendAddItem, FriendImport, FriendImportItem,
};

const FANS: usize = 250;

#[tokio::main]
async fn main() -> std::process::ExitCode {
    let flags = im_examples::parse_flags(
        "quickstart",
        "Imports accounts, imports and adds friends, and pages through a friend list",
    );
    tencent_im_bulk::cli::init_tracing();
    match run(&flags).await {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("quickstart failed: {err}");
            std::process::ExitCode::FAILURE
        }
    }
}

/// The examples' own failures are plain messages beside the SDK's errors.
type Failure = Box<dyn std::error::Error>;

async fn run(flags: &im_examples::Flags) -> Result<(), Failure> {
    let setup = im_examples::connect(flags).await?;
    let client = &setup.client;
    println!("Talking to {}", setup.describe());

    // 1. Accounts first: friends can only be imported between imported accounts.
    let fans: Vec<String> = (1..=FANS).map(|i| format!("qs_fan_{i:03}")).collect();
    let mut accounts = vec![
        "qs_alice".to_owned(),
        "qs_bob".to_owned(),
        "qs_carol".to_owned(),
    ];
    accounts.extend(fans.iter().cloned());
    let mut failed_accounts = 0;
    for chunk in accounts.chunks(tencent_im::accounts::MAX_ACCOUNTS_PER_REQUEST) {
        let response = client
            .call(&MultiaccountImport::new(chunk.to_vec()))
            .await?;
        failed_accounts += response.fail_accounts.len();
    }
    println!(
        "Imported {} accounts ({} failed)",
        accounts.len() - failed_accounts,
        failed_accounts
    );

    // 2. A one-way import of alice's existing friends, with remarks and groups.
    let items = fans
        .iter()
        .enumerate()
        .map(|(i, fan)| {
            FriendImportItem::new(fan, "AddSource_Type_Import")
                .remark(format!("fan #{}", i + 1))
                .group(if i % 2 == 0 { "Even" } else { "Odd" })
        })
        .collect();
    let imported = client.call(&FriendImport::new("qs_alice", items)).await?;
    println!(
        "friend_import: {} imported, {} failed",
        imported.succeeded().count(),
        imported.failed().count()
    );
    for item in imported.failed().take(3) {
        println!(
            "  {}: {} {}",
            item.to_account, item.result_code, item.result_info
        );
    }

    // 3. friend_add: bob both ways (forced by the admin), carol one way.
    let added = client
        .call(
            &FriendAdd::new(
                "qs_alice",
                vec![FriendAddItem::new("qs_bob", "AddSource_Type_Web").remark("Bob")],
            )
            .add_type(AddType::Both)
            .force_add(true),
        )
        .await?;
    let single = client
        .call(
            &FriendAdd::new(
                "qs_alice",
                vec![FriendAddItem::new("qs_carol", "AddSource_Type_Web")],
            )
            .add_type(AddType::Single)
            .force_add(true),
        )
        .await?;
    // Without the force flag, carol's default AllowType (NeedConfirm) leaves bob's request pending.
    let asked = client
        .call(&FriendAdd::new(
            "qs_bob",
            vec![FriendAddItem::new("qs_carol", "AddSource_Type_Web")],
        ))
        .await?;
    println!(
        "friend_add: {} added, {} pending, {} failed",
        added.added().count() + single.added().count() + asked.added().count(),
        added.pending().count() + single.pending().count() + asked.pending().count(),
        added.failed().count() + single.failed().count() + asked.failed().count()
    );

    // 4. Page through alice's friends. The stream ends with an error if the service's pages
    //    stop advancing or bring more friends than FriendNum, so a broken server cannot keep
    //    this loop going.
    let mut pages = 0;
    let mut seen = 0;
    let mut total = 0;
    let mut sample = Vec::new();
    let mut stream = std::pin::pin!(paging::friend_pages(client, "qs_alice"));
    while let Some(page) = stream.try_next().await? {
        pages += 1;
        seen += page.friends.len();
        total = page.friend_num;
        for friend in page.friends.iter().take(2) {
            if sample.len() < 4 {
                sample.push(format!(
                    "{} (remark {:?}, groups {:?}, source {:?})",
                    friend.to_account,
                    friend.remark().unwrap_or(""),
                    friend.groups(),
                    friend.add_source().unwrap_or("")
                ));
            }
        }
    }
    println!("friend_get: {seen} of {total} friends of qs_alice in {pages} pages, e.g.");
    for line in &sample {
        println!("  {line}");
    }

    println!();
    println!("Summary");
    println!("  accounts imported   {}", accounts.len() - failed_accounts);
    println!("  friends of qs_alice {total}");
    println!("  pages pulled        {pages}");
    if seen as u64 != total {
        return Err(format!("paging returned {seen} friends but FriendNum says {total}").into());
    }
    Ok(())
}
