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
    #[arg(long, default_value_t = im_emulator::DEFAULT_SDKAPPID)]
    sdkappid: u64,
    /// The app's secret key (UserSigs are verified with it).
    #[arg(long, default_value = im_emulator::DEFAULT_SECRET_KEY, hide_default_value = true)]
    secret_key: String,
    /// The app admin identifier.
    #[arg(long, default_value = im_emulator::DEFAULT_ADMIN)]
    admin: String,
    /// Friends per friend_get page.
    #[arg(long, default_value_t = im_emulator::DEFAULT_FRIEND_PAGE_SIZE)]
    friend_page_size: usize,
}

#[tokio::main]
async fn main() -> std::process::ExitCode {
    let args = Args::parse();
    let started = im_emulator::Emulator::builder()
        .listen(args.listen)
        .sdkappid(args.sdkappid)
        .secret_key(args.secret_key)
        .admin(args.admin)
        .friend_page_size(args.friend_page_size)
        .start()
        .await;
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
