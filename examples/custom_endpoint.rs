//! A call the SDK does not ship, `v4/openim/query_online_status`: declared here with
//! `#[im_api]`, served by an in-process emulator from a handler registered for its type, and
//! called through the ordinary `Client`, as any shipped call is.
//!
//!     cargo run -p im-examples --example custom_endpoint

use tencent_im::accounts::MultiaccountImport;
use tencent_im::emulator::{CallContext, Emulator, Refusal, World};
use tencent_im::{im_api, im_item, im_response, Endpoint, ErrorCode};

/// The most accounts one query may name.
const MAX_ACCOUNTS: usize = 500;

/// Asks whether accounts are logged in; the answer is `QueryOnlineStatusResponse`.
#[im_api(path = "v4/openim/query_online_status", rate = 200)]
#[derive(Debug, Clone)]
pub struct QueryOnlineStatus {
    /// The accounts to ask about, 1 to 500.
    #[im(rename = "To_Account", max_items = MAX_ACCOUNTS, each(user_id))]
    pub to_accounts: Vec<String>,
}

/// The state of each imported account asked about, and an error for each other one.
#[im_response]
#[derive(Debug)]
pub struct QueryOnlineStatusResponse {
    /// One state per imported account.
    #[im(rename = "QueryResult")]
    pub states: Vec<OnlineState>,
    /// One error per account that could not be asked about.
    #[im(rename = "ErrorList")]
    pub errors: Vec<AccountError>,
}

/// Whether one account is logged in.
#[im_item]
#[derive(Debug)]
pub struct OnlineState {
    /// The account.
    pub to_account: String,
    /// `Online`, `PushOnline` (in the background) or `Offline`.
    pub status: String,
}

/// An account the service could not answer for.
#[im_item]
#[derive(Debug)]
pub struct AccountError {
    /// The account.
    pub to_account: String,
    /// Why, e.g. 70107 for an account that was never imported.
    pub error_code: ErrorCode,
}

/// The emulator's side of the call. Nobody logs in to an emulator, so every imported account
/// is `Offline`.
fn query_online_status(
    world: &mut World,
    query: QueryOnlineStatus,
    _call: &CallContext,
) -> Result<QueryOnlineStatusResponse, Refusal> {
    if query.to_accounts.len() > MAX_ACCOUNTS {
        return Err(Refusal::new(
            ErrorCode::INVALID_PARAMETER,
            format!("Err_Param: at most {MAX_ACCOUNTS} accounts per query"),
        ));
    }
    let (known, unknown): (Vec<String>, Vec<String>) = query
        .to_accounts
        .into_iter()
        .partition(|account| world.has_account(account));
    Ok(QueryOnlineStatusResponse {
        states: known
            .into_iter()
            .map(|to_account| OnlineState {
                to_account,
                status: "Offline".to_owned(),
            })
            .collect(),
        errors: unknown
            .into_iter()
            .map(|to_account| AccountError {
                to_account,
                error_code: ErrorCode::USER_NOT_IMPORTED,
            })
            .collect(),
    })
}

/// Serves a call the SDK does not ship from an in-process emulator and calls it.
#[derive(clap::Parser)]
struct Flags {}

#[tokio::main]
async fn main() -> std::process::ExitCode {
    let _: Flags = clap::Parser::parse();
    tencent_im_bulk::cli::init_tracing();
    match run().await {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("custom_endpoint failed: {err}");
            std::process::ExitCode::FAILURE
        }
    }
}

async fn run() -> Result<(), Box<dyn std::error::Error>> {
    let emulator = Emulator::builder()
        .serve::<QueryOnlineStatus>(query_online_status)
        .start()
        .await?;
    println!(
        "Emulator serving {} at {}",
        QueryOnlineStatus::PATH,
        emulator.base_url()
    );
    let client = emulator.client()?;
    client
        .call(&MultiaccountImport::new(["ce_dora", "ce_eli"]))
        .await?;

    let answer = client
        .call(&QueryOnlineStatus {
            to_accounts: vec!["ce_dora".into(), "ce_eli".into(), "ce_nobody".into()],
        })
        .await?;
    for state in &answer.states {
        println!("{}: {}", state.to_account, state.status);
    }
    for error in &answer.errors {
        let why = error
            .error_code
            .description()
            .unwrap_or("undocumented code");
        println!("{}: error {} ({why})", error.to_account, error.error_code);
    }
    Ok(())
}
