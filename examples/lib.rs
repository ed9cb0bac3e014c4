//! Setup shared by the examples: a client for the service named by the `IM_*` variables, or for
//! an emulator started in-process when none are set.

use clap::{CommandFactory, FromArgMatches, Parser};
use tencent_im::emulator::{Emulator, RunningEmulator};
use tencent_im::{Client, Error};

/// The variables that, when any is set, point the examples at a real service.
pub const ENV_VARS: [&str; 5] = [
    "IM_SDKAPPID",
    "IM_SECRET_KEY",
    "IM_ADMIN",
    "IM_REGION",
    "IM_BASE_URL",
];

/// A connected client and, when no service was configured, the emulator it talks to.
#[derive(Debug)]
pub struct Setup {
    /// The client.
    pub client: Client,
    /// The embedded emulator, kept alive as long as the setup.
    pub emulator: Option<RunningEmulator>,
}

impl Setup {
    /// One line saying where calls go.
    pub fn describe(&self) -> String {
        match &self.emulator {
            Some(_) => format!(
                "embedded emulator at {} (set IM_SDKAPPID, IM_SECRET_KEY, IM_ADMIN and IM_REGION or \
                 IM_BASE_URL to use a real app)",
                self.client.base_url()
            ),
            None => format!(
                "{} as admin {:?} of SDKAppID {}",
                self.client.base_url(),
                self.client.admin(),
                self.client.sdkappid()
            ),
        }
    }
}

/// The flags every example that writes takes (see [`parse_flags`]).
#[derive(Debug, Parser)]
#[command(
    after_help = "With no IM_* variables the example runs against an emulator it starts \
                        itself. Set IM_SDKAPPID, IM_SECRET_KEY, IM_ADMIN and IM_REGION (or \
                        IM_BASE_URL) to run it against that app; RUST_LOG=debug shows each call \
                        and retry."
)]
pub struct Flags {
    /// Write to the configured app even when it is not on this machine (it creates accounts and
    /// relations there).
    #[arg(long)]
    pub yes: bool,
}

/// Reads the example's flags: `--help` prints `about` and the flags and exits, an unknown flag is
/// an error.
pub fn parse_flags(name: &'static str, about: &'static str) -> Flags {
    let matches = Flags::command().name(name).about(about).get_matches();
    Flags::from_arg_matches(&matches).unwrap_or_else(|err| err.exit())
}

/// Why an example refused to start.
#[derive(Debug, thiserror::Error)]
pub enum SetupError {
    /// The SDK refused the configuration or the emulator did not start.
    #[error(transparent)]
    Sdk(#[from] Error),
    /// The configured app is remote and `--yes` was not given.
    #[error(
        "the IM_* variables point at {base_url}, which is not this machine: this example writes \
         accounts and relations there. Pass --yes to do that, or unset the IM_* variables to use \
         the embedded emulator"
    )]
    RemoteWithoutYes {
        /// Where the calls would go.
        base_url: String,
    },
}

/// Connects to the configured service (a remote one only with `--yes`), or starts the embedded
/// emulator.
pub async fn connect(flags: &Flags) -> Result<Setup, SetupError> {
    let configured = ENV_VARS
        .iter()
        .any(|name| std::env::var_os(name).is_some_and(|v| !v.is_empty()));
    if configured {
        let client = Client::from_env()?;
        if !flags.yes && !client.is_loopback() {
            return Err(SetupError::RemoteWithoutYes {
                base_url: client.base_url().to_owned(),
            });
        }
        return Ok(Setup {
            client,
            emulator: None,
        });
    }
    let emulator = Emulator::builder()
        .start()
        .await
        .map_err(|source| Error::Io {
            context: "cannot start the embedded emulator",
            source,
        })?;
    Ok(Setup {
        client: emulator.client()?,
        emulator: Some(emulator),
    })
}
