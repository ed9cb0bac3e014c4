//! `im-bulk`: imports accounts and friend relations in bulk into the app named by the `IM_*`
//! variables. `im-bulk --help` lists the flags and the exit codes; see the crate's README for
//! the formats.

use std::process::ExitCode;

use clap::Parser;
use tencent_im_bulk::cli::{self, Args};
use tencent_im_core::Client;

#[tokio::main]
async fn main() -> ExitCode {
    // Parsed first: `--help` and usage errors exit here, before anything is read or written.
    let args = Args::parse();
    cli::init_tracing();
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
    if let Err(err) = cli::confirm_target(&client, args.yes) {
        eprintln!("im-bulk: {err}");
        return ExitCode::FAILURE;
    }
    let outcome = cli::run(client, &args).await;
    if let Err(err) = &outcome {
        eprintln!("im-bulk: {err}");
    }
    cli::exit_code(&outcome)
}
