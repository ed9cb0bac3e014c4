//! Receives Tencent Cloud Chat webhooks and prints each accepted event as one JSON line.
//!
//!     cargo run -p im-examples --example webhook_receiver -- --listen 127.0.0.1:8080 --sdkappid 1400000000 --token TOKEN
//!
//! The first stdout line is `listening on http://ADDR` (with the real port when `--listen` asks
//! for port 0); then one line per accepted callback, `{"command": "...", ...fields...}`.
//! Refused callbacks (bad signature, stale `RequestTime`, another SdkAppid, a malformed body)
//! print nothing on stdout: they get the error answer, and a `tracing` warning nobody subscribes
//! to here. "Before" callbacks are let through item by item.

use std::io::Write;
use std::net::SocketAddr;
use std::process::ExitCode;
use std::time::Duration;

use clap::Parser;
use tencent_im::webhooks::{axum, Verifier, WebhookToken, Webhooks, DEFAULT_WINDOW};

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
    /// The webhook authentication token set in the console (1 to 128 characters).
    #[arg(long)]
    token: String,
    /// How far RequestTime may be from this machine's clock, in seconds.
    #[arg(long, default_value_t = DEFAULT_WINDOW.as_secs())]
    window_secs: u64,
}

#[tokio::main]
async fn main() -> ExitCode {
    let cli = Cli::parse();
    let token = match WebhookToken::new(cli.token) {
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
    if let Err(error) = axum::serve(listener, app).await {
        eprintln!("webhook_receiver: {error}");
        return ExitCode::FAILURE;
    }
    ExitCode::SUCCESS
}
