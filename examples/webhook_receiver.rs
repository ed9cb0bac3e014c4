//! Receives Tencent Cloud Chat webhooks and prints each accepted event as one JSON line.
//!
//!     IM_WEBHOOK_TOKEN=TOKEN cargo run -p im-examples --example webhook_receiver -- --listen 127.0.0.1:8080 --sdkappid 1400000000
//!
//! The token comes from `--token-file PATH` or `--token` (which any user of the machine can read
//! in `ps`), else from the `IM_WEBHOOK_TOKEN` environment variable.
//!
//! The first stdout line is `listening on http://ADDR` (with the real port when `--listen` asks
//! for port 0); then one line per accepted callback, `{"command": "...", ...fields...}`.
//! Refused callbacks (bad signature, stale `RequestTime`, another SdkAppid, a malformed body)
//! print nothing on stdout: they get the error answer, and a `tracing` warning nobody subscribes
//! to here. "Before" callbacks are let through item by item.

use std::io::Write;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use clap::Parser;
use tencent_im::webhooks::{
    serve, ServeLimits, Verifier, WebhookToken, Webhooks, DEFAULT_HEADER_TIMEOUT,
    DEFAULT_MAX_CONNECTIONS, DEFAULT_WINDOW,
};

#[derive(Debug, Parser)]
#[command(
    name = "webhook_receiver",
    about = "Receive Tencent Cloud Chat webhooks and print each accepted event as a JSON line"
)]
struct Cli {
    /// Address to listen on; port 0 picks a free port.
    #[arg(long, default_value = "127.0.0.1:0")]
    listen: SocketAddr,
    /// The app's SDKAppID: callbacks for another app are refused.
    #[arg(long)]
    sdkappid: u64,
    /// The webhook authentication token set in the console (1 to 128 characters). Any user of
    /// the machine can read it in `ps`: prefer --token-file or IM_WEBHOOK_TOKEN (read when
    /// neither flag is given).
    #[arg(long, conflicts_with = "token_file")]
    token: Option<String>,
    /// A file holding the token (one line; surrounding whitespace is ignored).
    #[arg(long)]
    token_file: Option<PathBuf>,
    /// How far RequestTime may be from this machine's clock, in seconds.
    #[arg(long, default_value_t = DEFAULT_WINDOW.as_secs())]
    window_secs: u64,
    /// Connections served at once; more wait until one closes.
    #[arg(long, default_value_t = DEFAULT_MAX_CONNECTIONS)]
    max_connections: usize,
    /// Seconds a client may take to send a request's head, and may stay idle between requests.
    #[arg(long, default_value_t = DEFAULT_HEADER_TIMEOUT.as_secs())]
    header_timeout_secs: u64,
}

impl Cli {
    /// The token from `--token` or `--token-file` (at most one of them), else
    /// `IM_WEBHOOK_TOKEN`; never echoed in errors.
    fn token(&self) -> Result<String, String> {
        if let Some(token) = &self.token {
            return Ok(token.clone());
        }
        if let Some(path) = &self.token_file {
            return std::fs::read_to_string(path)
                .map(|text| text.trim().to_owned())
                .map_err(|err| format!("cannot read the token file {}: {err}", path.display()));
        }
        match std::env::var("IM_WEBHOOK_TOKEN") {
            Ok(token) => Ok(token),
            Err(std::env::VarError::NotPresent) => Err(
                "no webhook token: give --token-file PATH, IM_WEBHOOK_TOKEN or --token".to_owned(),
            ),
            Err(std::env::VarError::NotUnicode(_)) => {
                Err("IM_WEBHOOK_TOKEN is not valid UTF-8".to_owned())
            }
        }
    }
}

#[tokio::main]
async fn main() -> ExitCode {
    let cli = Cli::parse();
    let token = match cli
        .token()
        .and_then(|t| WebhookToken::new(t).map_err(|e| e.to_string()))
    {
        Ok(token) => token,
        Err(error) => {
            eprintln!("webhook_receiver: {error}");
            return ExitCode::from(2);
        }
    };
    let verifier = Verifier::new(cli.sdkappid, token).window(Duration::from_secs(cli.window_secs));
    let app = Webhooks::new(verifier)
        .on_event(|callback| async move {
            match serde_json::to_string(&callback.event) {
                // One write per line, so that concurrent callbacks never interleave.
                Ok(line) => {
                    let mut stdout = std::io::stdout().lock();
                    let _ = writeln!(stdout, "{line}");
                    let _ = stdout.flush();
                }
                Err(error) => eprintln!("webhook_receiver: cannot print an event: {error}"),
            }
        })
        .router();

    let listener = match tokio::net::TcpListener::bind(cli.listen).await {
        Ok(listener) => listener,
        Err(error) => {
            eprintln!("webhook_receiver: cannot listen on {}: {error}", cli.listen);
            return ExitCode::FAILURE;
        }
    };
    let addr = match listener.local_addr() {
        Ok(addr) => addr,
        Err(error) => {
            eprintln!("webhook_receiver: {error}");
            return ExitCode::FAILURE;
        }
    };
    println!("listening on http://{addr}");
    let _ = std::io::stdout().flush();
    let limits = ServeLimits::default()
        .max_connections(cli.max_connections)
        .header_timeout(Duration::from_secs(cli.header_timeout_secs.max(1)));
    serve(listener, app, limits, std::future::pending()).await;
    ExitCode::SUCCESS
}
