//! Setup shared by the examples: a client for the service named by the `IM_*` variables, or for
//! an emulator started in-process when none are set.

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

/// Connects to the configured service, or starts the embedded emulator.
pub async fn connect() -> Result<Setup, Error> {
    let configured = ENV_VARS
        .iter()
        .any(|name| std::env::var_os(name).is_some_and(|v| !v.is_empty()));
    if configured {
        return Ok(Setup {
            client: Client::from_env()?,
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
