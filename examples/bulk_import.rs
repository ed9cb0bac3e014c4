//! Moves a social graph in with the `tencent-im-bulk` engine: accounts first, then friends,
//! within the documented rates, with a progress display, a failure report and resumable
//! checkpoints. The same as the `im-bulk` binary, except that like quickstart it uses the
//! embedded emulator unless `IM_*` variables point elsewhere.
//!
//!     cargo run --release -p im-examples --example bulk_import -- --input FILE [--report FAILURES.jsonl] [--resume]
//!
//! Input: CSV with a `from,to` header and optional `remark`, `group`, `add_source` columns, or
//! JSON lines of friend_import items with a `from` field:
//!
//!     {"from":"alice","To_Account":"bob","AddSource":"AddSource_Type_Web","Remark":"Bob"}
//!
//! `--help` lists every flag (`tencent_im_bulk::cli::Args`).

use std::process::ExitCode;

use clap::{CommandFactory, FromArgMatches};
use tencent_im_bulk::cli::{self, Args};

#[tokio::main]
async fn main() -> ExitCode {
    let matches = Args::command().name("bulk_import").get_matches();
    let args = Args::from_arg_matches(&matches).unwrap_or_else(|err| err.exit());
    // Writing to a remote app needs an explicit --yes, which this command does not take yet.
    let setup = match im_examples::connect(&im_examples::Flags { yes: false }).await {
        Ok(setup) => setup,
        Err(err) => {
            eprintln!("bulk_import: {err}");
            return ExitCode::FAILURE;
        }
    };
    eprintln!("Talking to {}", setup.describe());
    match cli::run(setup.client.clone(), &args).await {
        Ok(_) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("bulk_import: {err}");
            ExitCode::FAILURE
        }
    }
}
