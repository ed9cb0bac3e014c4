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
//! `--help` lists every flag and the exit codes (`tencent_im_bulk::cli::Args`) and touches
//! nothing. An app that is not on a loopback address is written to only with `--yes` (or after
//! a yes on the terminal); `RUST_LOG` sets what is logged (default `warn`: retried calls).

use std::process::ExitCode;

use clap::{CommandFactory, FromArgMatches};
use tencent_im_bulk::cli::{self, Args};

#[tokio::main]
async fn main() -> ExitCode {
    // Parsed first: `--help` and usage errors exit here, before any emulator or connection.
    let matches = Args::command().name("bulk_import").get_matches();
    let args = Args::from_arg_matches(&matches).unwrap_or_else(|err| err.exit());
    cli::init_tracing();
    // `cli::confirm_target` below guards a remote app (and asks on a terminal), so the
    // examples' own `--yes` check is not repeated here.
    let setup = match im_examples::connect(&im_examples::Flags { yes: true }).await {
        Ok(setup) => setup,
        Err(err) => {
            eprintln!("bulk_import: {err}");
            return ExitCode::FAILURE;
        }
    };
    eprintln!("Talking to {}", setup.describe());
    if let Err(err) = cli::confirm_target(&setup.client, args.yes) {
        eprintln!("bulk_import: {err}");
        return ExitCode::FAILURE;
    }
    let outcome = cli::run(setup.client.clone(), &args).await;
    if let Err(err) = &outcome {
        eprintln!("bulk_import: {err}");
    }
    cli::exit_code(&outcome)
}
