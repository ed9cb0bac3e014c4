//! Generates or verifies a UserSig.
//!
//!     IM_SECRET_KEY=KEY cargo run -p im-examples --example usersig -- gen --sdkappid 1400000000 --identifier administrator
//!     cargo run -p im-examples --example usersig -- verify --sdkappid 1400000000 --key-file key.txt --identifier administrator --usersig SIG
//!
//! The secret key comes from `--key-file PATH` or `--key` (which any user of the machine can
//! read in `ps`), else from the `IM_SECRET_KEY` environment variable.
//!
//! `gen` prints the UserSig alone on stdout. `verify` prints the decoded document as JSON and
//! exits 0, or prints the reason to stderr and exits 1.

use std::path::PathBuf;
use std::process::ExitCode;

use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use clap::{Args, Parser, Subcommand};
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
        #[command(flatten)]
        sig: SigParams,
        /// Validity in seconds (default 180 days).
        #[arg(long, default_value_t = DEFAULT_EXPIRE_SECS)]
        expire: u64,
        /// Issue time, Unix seconds (default now).
        #[arg(long)]
        time: Option<u64>,
    },
    /// Verify a UserSig and print its document.
    Verify {
        #[command(flatten)]
        sig: SigParams,
        /// The UserSig.
        #[arg(long)]
        usersig: String,
        /// Check expiry at this Unix time (default now).
        #[arg(long)]
        now: Option<u64>,
    },
}

// What `gen` signs into a UserSig is what `verify` requires of one: the app and its key, the
// identifier and the userbuf.
#[derive(Debug, Args)]
struct SigParams {
    /// SDKAppID.
    #[arg(long)]
    sdkappid: u64,
    /// The app's secret key. Any user of the machine can read it in `ps`: prefer --key-file
    /// or IM_SECRET_KEY (read when neither flag is given).
    #[arg(long, conflicts_with = "key_file")]
    key: Option<String>,
    /// A file holding the secret key (one line; surrounding whitespace is ignored).
    #[arg(long)]
    key_file: Option<PathBuf>,
    /// The identifier the UserSig is for.
    #[arg(long)]
    identifier: String,
    /// The userbuf the UserSig carries, in standard base64.
    #[arg(long)]
    userbuf_b64: Option<String>,
}

impl SigParams {
    fn signer(&self) -> Result<UserSigSigner, String> {
        Ok(UserSigSigner::new(self.sdkappid, self.key()?))
    }

    /// The key from `--key` or `--key-file` (at most one of them), else `IM_SECRET_KEY`; never
    /// echoed in errors.
    fn key(&self) -> Result<String, String> {
        let key = if let Some(key) = &self.key {
            key.clone()
        } else if let Some(path) = &self.key_file {
            std::fs::read_to_string(path)
                .map(|text| text.trim().to_owned())
                .map_err(|err| format!("cannot read the key file {}: {err}", path.display()))?
        } else {
            match std::env::var("IM_SECRET_KEY") {
                Ok(key) => key,
                Err(std::env::VarError::NotPresent) => {
                    return Err(
                        "no secret key: give --key-file PATH, IM_SECRET_KEY or --key".into(),
                    )
                }
                Err(std::env::VarError::NotUnicode(_)) => {
                    return Err("IM_SECRET_KEY is not valid UTF-8".into())
                }
            }
        };
        if key.is_empty() {
            return Err("the secret key is empty: copy it from the console".into());
        }
        Ok(key)
    }

    fn userbuf(&self) -> Result<Option<Vec<u8>>, String> {
        self.userbuf_b64
            .as_deref()
            .map(|text| {
                STANDARD
                    .decode(text)
                    .map_err(|err| format!("--userbuf-b64 is not standard base64: {err}"))
            })
            .transpose()
    }
}

fn run(cli: Cli) -> Result<(), String> {
    match cli.command {
        Command::Gen { sig, expire, time } => {
            let buf = sig.userbuf()?;
            let time = time.unwrap_or_else(|| SystemClock.unix_now());
            let usersig = sig
                .signer()?
                .generate_at(&sig.identifier, expire, time, buf.as_deref());
            println!("{}", usersig.expose_secret());
            Ok(())
        }
        Command::Verify { sig, usersig, now } => {
            let buf = sig.userbuf()?;
            let now = now.unwrap_or_else(|| SystemClock.unix_now());
            let document = sig
                .signer()?
                .verify(&usersig, &sig.identifier, now, buf.as_deref())
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
