//! `im-bulk`: imports accounts and friend relations in bulk into the app named by the `IM_*`
//! variables. `im-bulk --help` lists the flags; see the crate's README for the formats.

use std::process::ExitCode;

use clap::Parser;
use tencent_im_bulk::cli::{self, Args};
use tencent_im_core::Client;

#[tokio::main]
async fn main() -> ExitCode {
    let args = Args::parse();
    let client = match Client::from_env() {
        Ok(client) => client,
        Err(err) => {
            eprintln!("im-bulk: {err}");
            return ExitCode::FAILURE;
        }
    };
    eprintln!(
        "Talking to {} as admin {:?} of SDKAppID {}",
        client.base_url(),
        client.admin(),
        client.sdkappid()
    );
    match cli::run(client, &args).await {
        Ok(_) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("im-bulk: {err}");
            ExitCode::FAILURE
        }
    }
}
