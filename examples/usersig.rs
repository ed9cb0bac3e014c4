//! Generates or verifies a UserSig.
//!
//!     cargo run -p im-examples --example usersig -- gen --sdkappid 1400000000 --key KEY --identifier administrator
//!     cargo run -p im-examples --example usersig -- verify --sdkappid 1400000000 --key KEY --identifier administrator --usersig SIG
//!
//! `gen` prints the UserSig alone on stdout. `verify` prints the decoded document as JSON and
//! exits 0, or prints the reason to stderr and exits 1.

use std::process::ExitCode;

use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use clap::{Parser, Subcommand};
use tencent_im::usersig::{UserSigSigner, DEFAULT_EXPIRE_SECS};
use tencent_im::{Clock, SystemClock};

#[derive(Debug, Parser)]
#[command(
    name = "usersig",
    about = "Generate or verify a Tencent Cloud Chat UserSig"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Print a new UserSig.
    Gen {
        /// SDKAppID.
        #[arg(long)]
        sdkappid: u64,
        /// The app's secret key.
        #[arg(long)]
        key: String,
        /// The identifier the UserSig is for.
        #[arg(long)]
        identifier: String,
        /// Validity in seconds (default 180 days).
        #[arg(long, default_value_t = DEFAULT_EXPIRE_SECS)]
        expire: u64,
        /// Issue time, Unix seconds (default now).
        #[arg(long)]
        time: Option<u64>,
        /// A userbuf to sign, in standard base64.
        #[arg(long)]
        userbuf_b64: Option<String>,
    },
    /// Verify a UserSig and print its document.
    Verify {
        /// SDKAppID.
        #[arg(long)]
        sdkappid: u64,
        /// The app's secret key.
        #[arg(long)]
        key: String,
        /// The identifier it must be for.
        #[arg(long)]
        identifier: String,
        /// The UserSig.
        #[arg(long)]
        usersig: String,
        /// Check expiry at this Unix time (default now).
        #[arg(long)]
        now: Option<u64>,
        /// The userbuf it must carry, in standard base64.
        #[arg(long)]
        userbuf_b64: Option<String>,
    },
}

fn userbuf(b64: Option<&str>) -> Result<Option<Vec<u8>>, String> {
    b64.map(|text| {
        STANDARD
            .decode(text)
            .map_err(|err| format!("--userbuf-b64 is not standard base64: {err}"))
    })
    .transpose()
}

fn run(cli: Cli) -> Result<(), String> {
    match cli.command {
        Command::Gen {
            sdkappid,
            key,
            identifier,
            expire,
            time,
            userbuf_b64,
        } => {
            let buf = userbuf(userbuf_b64.as_deref())?;
            let time = time.unwrap_or_else(|| SystemClock.unix_now());
            let sig = UserSigSigner::new(sdkappid, key).generate_at(
                &identifier,
                expire,
                time,
                buf.as_deref(),
            );
            println!("{}", sig.expose_secret());
            Ok(())
        }
        Command::Verify {
            sdkappid,
            key,
            identifier,
            usersig,
            now,
            userbuf_b64,
        } => {
            let buf = userbuf(userbuf_b64.as_deref())?;
            let now = now.unwrap_or_else(|| SystemClock.unix_now());
            let document = UserSigSigner::new(sdkappid, key)
                .verify(&usersig, &identifier, now, buf.as_deref())
                .map_err(|err| err.to_string())?;
            let json = serde_json::to_string_pretty(&document).map_err(|err| err.to_string())?;
            println!("{json}");
            Ok(())
        }
    }
}

fn main() -> ExitCode {
    match run(Cli::parse()) {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("usersig: {message}");
            ExitCode::FAILURE
        }
    }
}
