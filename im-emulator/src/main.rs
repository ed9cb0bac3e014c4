//! `im-emulator`: serves the emulator until SIGINT or SIGTERM.

use std::io::Write;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use clap::Parser;
use tencent_im_emulator::{ServerLimits, SigLockout, WebhookToken};

/// A local emulator of the Tencent Cloud Chat REST API (accounts and relationship chain).
///
/// The first line on stdout is `listening on http://ADDR`; the `IM_*` lines a client needs
/// follow (`IM_SECRET_KEY` only when it is the built-in key, never one you gave).
#[derive(Debug, Parser)]
#[command(name = "im-emulator", version)]
struct Args {
    /// Address to listen on; port 0 picks a free port.
    #[arg(long, default_value = "127.0.0.1:0")]
    listen: SocketAddr,
    /// The app's SDKAppID.
    #[arg(long, default_value_t = tencent_im_emulator::DEFAULT_SDKAPPID)]
    sdkappid: u64,
    /// The app's secret key (UserSigs are verified with it). Any user of the machine can read
    /// it in `ps`: prefer --secret-key-file or the IM_SECRET_KEY environment variable. Without
    /// any of the three, the built-in key, which is no secret, is used.
    #[arg(long, conflicts_with = "secret_key_file")]
    secret_key: Option<String>,
    /// A file holding the app's secret key (one line; surrounding whitespace is ignored).
    /// Takes precedence over IM_SECRET_KEY.
    #[arg(long, value_name = "PATH")]
    secret_key_file: Option<PathBuf>,
    /// The app admin identifier.
    #[arg(long, default_value = tencent_im_emulator::DEFAULT_ADMIN)]
    admin: String,
    /// Friends per friend_get page.
    #[arg(long, default_value_t = tencent_im_emulator::DEFAULT_FRIEND_PAGE_SIZE)]
    friend_page_size: usize,
    /// Do not enforce the documented call rates.
    #[arg(long)]
    no_rate_limit: bool,
    /// Faults to inject, e.g. 'http502=0.1,code:30006=0.05,truncate=0.02,delay=200ms@0.05,reset=0.01'.
    #[arg(long, default_value = "")]
    faults: tencent_im_emulator::FaultPlan,
    /// Seed of the fault rolls, for reproducible runs.
    #[arg(long)]
    fault_seed: Option<u64>,
    /// Connections served at once; further ones wait in the listen backlog.
    #[arg(long, default_value_t = tencent_im_emulator::DEFAULT_MAX_CONNECTIONS)]
    max_connections: usize,
    /// Seconds a connection may take to send a request's head; also how long an idle
    /// kept-alive connection is kept.
    #[arg(long, value_name = "SECONDS", default_value_t = tencent_im_emulator::DEFAULT_HEADER_TIMEOUT.as_secs_f64())]
    header_timeout: f64,
    /// Seconds a request's body may take to arrive (then 408).
    #[arg(long, value_name = "SECONDS", default_value_t = tencent_im_emulator::DEFAULT_BODY_TIMEOUT.as_secs_f64())]
    body_timeout: f64,
    /// The largest request body accepted, in bytes (then 413).
    #[arg(long, value_name = "BYTES", default_value_t = tencent_im_emulator::DEFAULT_MAX_BODY_BYTES)]
    max_body_bytes: usize,
    /// Bytes the bodies being received may take together (then 503).
    #[arg(long, value_name = "BYTES", default_value_t = tencent_im_emulator::DEFAULT_BODY_MEMORY_BYTES)]
    body_memory_bytes: usize,
    /// Seconds SIGTERM/SIGINT lets requests in flight finish before exiting anyway.
    #[arg(long, value_name = "SECONDS", default_value_t = tencent_im_emulator::DEFAULT_SHUTDOWN_TIMEOUT.as_secs_f64())]
    shutdown_timeout: f64,
    /// Failed signature checks from one address for one identifier before 70050; 0 turns the
    /// lockout off.
    #[arg(long, value_name = "N", default_value_t = tencent_im_emulator::DEFAULT_SIG_LOCKOUT_FAILURES)]
    sig_lockout_failures: u32,
    /// Seconds the failures are remembered and the 70050 lockout lasts.
    #[arg(long, value_name = "SECONDS", default_value_t = tencent_im_emulator::DEFAULT_SIG_LOCKOUT_WINDOW.as_secs())]
    sig_lockout_window: u64,
    /// Send Tencent's webhooks (callbacks) to this http or https URL, as the console's callback
    /// URL; `GET /emulator/webhooks` shows each delivery.
    #[arg(long, value_name = "URL")]
    webhook_url: Option<url::Url>,
    /// The webhook authentication token (1 to 128 characters): deliveries then carry Sign and
    /// RequestTime. Any user of the machine can read it in `ps`: prefer --webhook-token-file or
    /// the IM_WEBHOOK_TOKEN environment variable. Without any of the three, deliveries are
    /// unsigned.
    #[arg(
        long,
        value_name = "TOKEN",
        conflicts_with = "webhook_token_file",
        requires = "webhook_url"
    )]
    webhook_token: Option<Hidden>,
    /// A file holding the webhook token (one line; surrounding whitespace is ignored). Takes
    /// precedence over IM_WEBHOOK_TOKEN.
    #[arg(long, value_name = "PATH", requires = "webhook_url")]
    webhook_token_file: Option<PathBuf>,
    /// Do not serve the web page (and keep no request log).
    #[arg(long)]
    no_ui: bool,
    /// Serve the web page even when listening on an address other than loopback. It has no
    /// login: whoever reaches the address can read and change the state.
    #[arg(long, conflicts_with = "no_ui")]
    ui_on_any_address: bool,
    /// Start from this state file (JSON, format `tencent-im-emulator/state` version 1; the page
    /// and --export-on-exit write it).
    #[arg(long, value_name = "FILE")]
    import: Option<PathBuf>,
    /// Write the state to this file when stopped by SIGINT or SIGTERM.
    #[arg(long, value_name = "FILE")]
    export_on_exit: Option<PathBuf>,
}

/// A secret given on the command line: `Debug` does not show it.
#[derive(Clone)]
struct Hidden(String);

impl std::str::FromStr for Hidden {
    type Err = std::convert::Infallible;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        Ok(Self(text.to_owned()))
    }
}

impl std::fmt::Debug for Hidden {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("<redacted>")
    }
}

/// Where the secret key came from: only the built-in one may be printed.
enum Key {
    BuiltIn,
    Given(String),
}

impl Args {
    /// The key, from the flag, the file or `IM_SECRET_KEY`, in that order.
    fn secret_key(&self) -> Result<Key, String> {
        if let Some(key) = &self.secret_key {
            return non_empty(key.clone(), "--secret-key");
        }
        if let Some(path) = &self.secret_key_file {
            let text = std::fs::read_to_string(path).map_err(|err| {
                format!("cannot read the secret key file {}: {err}", path.display())
            })?;
            return non_empty(
                text.trim().to_owned(),
                &format!("the secret key file {}", path.display()),
            );
        }
        match std::env::var("IM_SECRET_KEY") {
            Ok(key) => non_empty(key, "IM_SECRET_KEY"),
            Err(std::env::VarError::NotPresent) => Ok(Key::BuiltIn),
            Err(std::env::VarError::NotUnicode(_)) => {
                Err("IM_SECRET_KEY is not valid UTF-8".to_owned())
            }
        }
    }

    /// The webhook token, from the flag, the file or `IM_WEBHOOK_TOKEN`, in that order; `None`
    /// when none is given (unsigned deliveries). Errors never show the token.
    fn webhook_token(&self) -> Result<Option<WebhookToken>, String> {
        let (token, source) = if let Some(token) = &self.webhook_token {
            (token.0.clone(), "--webhook-token".to_owned())
        } else if let Some(path) = &self.webhook_token_file {
            let text = std::fs::read_to_string(path).map_err(|err| {
                format!(
                    "cannot read the webhook token file {}: {err}",
                    path.display()
                )
            })?;
            (
                text.trim().to_owned(),
                format!("the webhook token file {}", path.display()),
            )
        } else {
            match std::env::var("IM_WEBHOOK_TOKEN") {
                Ok(token) => (token, "IM_WEBHOOK_TOKEN".to_owned()),
                Err(std::env::VarError::NotPresent) => return Ok(None),
                Err(std::env::VarError::NotUnicode(_)) => {
                    return Err("IM_WEBHOOK_TOKEN is not valid UTF-8".to_owned())
                }
            }
        };
        WebhookToken::new(token)
            .map(Some)
            .map_err(|err| format!("{source}: {err}"))
    }

    fn limits(&self) -> Result<ServerLimits, String> {
        let mut limits = ServerLimits::default();
        limits.max_connections = self.max_connections;
        limits.header_timeout = seconds(self.header_timeout, "--header-timeout")?;
        limits.body_timeout = seconds(self.body_timeout, "--body-timeout")?;
        limits.max_body_bytes = self.max_body_bytes;
        limits.body_memory_bytes = self.body_memory_bytes;
        limits.shutdown_timeout = seconds(self.shutdown_timeout, "--shutdown-timeout")?;
        Ok(limits)
    }
}

fn non_empty(key: String, source: &str) -> Result<Key, String> {
    if key.is_empty() {
        return Err(format!("{source} gives an empty secret key"));
    }
    Ok(Key::Given(key))
}

fn seconds(value: f64, flag: &str) -> Result<Duration, String> {
    Duration::try_from_secs_f64(value)
        .ok()
        .filter(|d| !d.is_zero())
        .ok_or_else(|| format!("{flag} must be a positive number of seconds, got {value}"))
}

/// `value` as a POSIX shell word, so that the printed lines can be sourced.
fn shell_word(value: &str) -> String {
    let plain = !value.is_empty()
        && value
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "@%+=:,./_-".contains(c));
    if plain {
        value.to_owned()
    } else {
        format!("'{}'", value.replace('\'', r"'\''"))
    }
}

#[tokio::main]
async fn main() -> ExitCode {
    let args = Args::parse();
    let (key, limits) = match (args.secret_key(), args.limits()) {
        (Ok(key), Ok(limits)) => (key, limits),
        (Err(err), _) | (_, Err(err)) => {
            eprintln!("im-emulator: {err}");
            return ExitCode::FAILURE;
        }
    };
    let webhook = match (&args.webhook_url, args.webhook_token()) {
        (Some(url), Ok(token)) => Some((url.clone(), token)),
        // A token in the environment without a URL sends nothing.
        (None, _) => None,
        (Some(_), Err(err)) => {
            eprintln!("im-emulator: {err}");
            return ExitCode::FAILURE;
        }
    };
    let lockout = (args.sig_lockout_failures > 0).then(|| SigLockout {
        max_failures: args.sig_lockout_failures,
        window: Duration::from_secs(args.sig_lockout_window),
    });
    let builder = tencent_im_emulator::Emulator::builder()
        .listen(args.listen)
        .sdkappid(args.sdkappid)
        .admin(args.admin.clone())
        .friend_page_size(args.friend_page_size)
        .rate_limit(!args.no_rate_limit)
        .faults(args.faults.clone())
        .server_limits(limits)
        .sig_lockout(lockout)
        .ui(!args.no_ui)
        .ui_on_any_address(args.ui_on_any_address);
    // Without the page nothing can read the request log of a separate process: keeping it
    // would only cost memory.
    let builder = if args.no_ui {
        builder.request_log_capacity(0)
    } else {
        builder
    };
    let builder = match &args.import {
        Some(path) => match read_state(path).and_then(|snapshot| {
            builder
                .import_state(snapshot)
                .map_err(|err| format!("cannot import {}: {err}", path.display()))
        }) {
            Ok(builder) => builder,
            Err(err) => {
                eprintln!("im-emulator: {err}");
                return ExitCode::FAILURE;
            }
        },
        None => builder,
    };
    let builder = match &key {
        Key::Given(key) => builder.secret_key(key.as_str()),
        Key::BuiltIn => builder,
    };
    let builder = match webhook {
        Some((url, token)) => builder.webhook(url, token),
        None => builder,
    };
    let builder = match args.fault_seed {
        Some(seed) => builder.fault_seed(seed),
        None => builder,
    };
    let emulator = match builder.start().await {
        Ok(emulator) => emulator,
        Err(err) => {
            eprintln!("im-emulator: cannot start on {}: {err}", args.listen);
            return ExitCode::FAILURE;
        }
    };
    let signal = shutdown_signal();
    // The first line is a contract (CI and tests read the address from it); the `IM_*` lines
    // after it are what a client needs. A key the user gave is theirs: it is never printed.
    let mut stdout = std::io::stdout().lock();
    let _ = writeln!(stdout, "listening on {}", emulator.base_url());
    let _ = writeln!(stdout, "IM_SDKAPPID={}", emulator.sdkappid());
    let _ = writeln!(stdout, "IM_ADMIN={}", shell_word(emulator.admin()));
    if let Key::BuiltIn = key {
        let _ = writeln!(
            stdout,
            "IM_SECRET_KEY={}",
            shell_word(tencent_im_emulator::DEFAULT_SECRET_KEY)
        );
    }
    let _ = writeln!(stdout, "IM_BASE_URL={}", emulator.base_url());
    // A shell comment, so that the lines can still be sourced.
    match emulator.ui_url() {
        Some(url) => {
            let _ = writeln!(stdout, "# web page: {url}");
        }
        None if !args.no_ui => {
            let _ = writeln!(
                stdout,
                "# web page: off on a non-loopback address (--ui-on-any-address serves it)"
            );
        }
        None => {}
    }
    let _ = stdout.flush();
    drop(stdout);

    signal.await;
    match &args.export_on_exit {
        Some(path) => {
            let snapshot = emulator.shutdown_and_export().await;
            if let Err(err) = write_state(path, &snapshot.to_json_pretty()) {
                eprintln!(
                    "im-emulator: cannot export the state to {}: {err}",
                    path.display()
                );
                return ExitCode::FAILURE;
            }
        }
        None => emulator.shutdown().await,
    }
    ExitCode::SUCCESS
}

fn read_state(path: &std::path::Path) -> Result<tencent_im_emulator::Snapshot, String> {
    let bytes = std::fs::read(path)
        .map_err(|err| format!("cannot read the state file {}: {err}", path.display()))?;
    tencent_im_emulator::Snapshot::from_json(&bytes)
        .map_err(|err| format!("cannot import {}: {err}", path.display()))
}

/// Writes `bytes` to a file beside `path` and renames it over `path`, so that an interrupted
/// write never leaves half a state where a whole one was.
fn write_state(path: &std::path::Path, bytes: &[u8]) -> std::io::Result<()> {
    let mut partial = path.as_os_str().to_owned();
    partial.push(".partial");
    let partial = PathBuf::from(partial);
    std::fs::write(&partial, bytes)?;
    std::fs::rename(&partial, path)
}

/// Registers for SIGINT and SIGTERM at once, so that a signal sent as soon as the address is
/// printed is not lost to the default action, and returns the wait for the first of them.
fn shutdown_signal() -> impl std::future::Future<Output = ()> {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{signal, SignalKind};
        let term = signal(SignalKind::terminate());
        let interrupt = signal(SignalKind::interrupt());
        async move {
            match (term, interrupt) {
                (Ok(mut term), Ok(mut interrupt)) => {
                    tokio::select! {
                        _ = term.recv() => {}
                        _ = interrupt.recv() => {}
                    }
                }
                (Ok(mut term), Err(_)) => {
                    term.recv().await;
                }
                (Err(_), Ok(mut interrupt)) => {
                    interrupt.recv().await;
                }
                (Err(_), Err(_)) => {
                    let _ = tokio::signal::ctrl_c().await;
                }
            }
        }
    }
    #[cfg(not(unix))]
    {
        async {
            let _ = tokio::signal::ctrl_c().await;
        }
    }
}
