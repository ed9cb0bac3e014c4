//! `im-emulator`: serves the emulator until SIGINT or SIGTERM.

use std::io::Write;
use std::net::SocketAddr;

use clap::Parser;

/// A local emulator of the Tencent Cloud Chat REST API (accounts and relationship chain).
#[derive(Debug, Parser)]
#[command(name = "im-emulator", version)]
struct Args {
    /// Address to listen on; port 0 picks a free port.
    #[arg(long, default_value = "127.0.0.1:0")]
    listen: SocketAddr,
    /// The app's SDKAppID.
    #[arg(long, default_value_t = tencent_im_emulator::DEFAULT_SDKAPPID)]
    sdkappid: u64,
    /// The app's secret key (UserSigs are verified with it).
    #[arg(long, default_value = tencent_im_emulator::DEFAULT_SECRET_KEY, hide_default_value = true)]
    secret_key: String,
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
}

#[tokio::main]
async fn main() -> std::process::ExitCode {
    let args = Args::parse();
    let builder = tencent_im_emulator::Emulator::builder()
        .listen(args.listen)
        .sdkappid(args.sdkappid)
        .secret_key(args.secret_key)
        .admin(args.admin)
        .friend_page_size(args.friend_page_size)
        .rate_limit(!args.no_rate_limit)
        .faults(args.faults)
        // Nothing can read the request log of a separate process: keeping it would only grow.
        .request_log_capacity(0);
    let builder = match args.fault_seed {
        Some(seed) => builder.fault_seed(seed),
        None => builder,
    };
    let started = builder.start().await;
    let emulator = match started {
        Ok(emulator) => emulator,
        Err(err) => {
            eprintln!("im-emulator: cannot listen on {}: {err}", args.listen);
            return std::process::ExitCode::FAILURE;
        }
    };
    let mut stdout = std::io::stdout();
    let _ = writeln!(stdout, "listening on {}", emulator.base_url());
    let _ = stdout.flush();

    wait_for_signal().await;
    emulator.shutdown().await;
    std::process::ExitCode::SUCCESS
}

async fn wait_for_signal() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{signal, SignalKind};
        match signal(SignalKind::terminate()) {
            Ok(mut term) => {
                tokio::select! {
                    _ = tokio::signal::ctrl_c() => {}
                    _ = term.recv() => {}
                }
            }
            Err(_) => {
                let _ = tokio::signal::ctrl_c().await;
            }
        }
    }
    #[cfg(not(unix))]
    {
        let _ = tokio::signal::ctrl_c().await;
    }
}
