//! Runs the SDK's or the hand-written client's per-call work N times, for counting instructions
//! with callgrind — a figure that, unlike wall time, does not move with the machine's load:
//!
//!     cargo build --release -p im-examples --example cost_probe
//!     valgrind --tool=callgrind target/release/examples/cost_probe sdk 0     # setup only
//!     valgrind --tool=callgrind target/release/examples/cost_probe sdk 20
//!     valgrind --tool=callgrind target/release/examples/cost_probe hand 20
//!
//! (instructions of N calls − instructions of 0 calls) / N is the cost of one call.

use std::hint::black_box;

use im_benchmarks as baseline;
use tencent_im::friends::{FriendImport, FriendImportResponse};
use tencent_im::{envelope, Endpoint};

fn main() -> std::process::ExitCode {
    if std::env::args()
        .nth(1)
        .is_some_and(|arg| arg == "-h" || arg == "--help")
    {
        println!("Instructions of N friend_import calls, for callgrind: cost_probe sdk|hand N");
        return std::process::ExitCode::SUCCESS;
    }
    let mut args = std::env::args().skip(1);
    let (Some(mode), Some(Ok(n))) = (args.next(), args.next().map(|n| n.parse::<usize>())) else {
        eprintln!("usage: cost_probe sdk|hand N");
        return std::process::ExitCode::FAILURE;
    };
    let answer = baseline::import_answer();
    let client = match baseline::offline_client() {
        Ok(client) => client,
        Err(err) => {
            eprintln!("{err}");
            return std::process::ExitCode::FAILURE;
        }
    };
    let sig = baseline::admin_sig();
    // Sign the SDK's admin sig before counting, as the baseline's is.
    let _ = client.request_url(FriendImport::PATH);
    let mut failed = 0;
    for _ in 0..n {
        if mode == "sdk" {
            let request = baseline::sdk_import();
            let url = request
                .validate()
                .map(|()| client.request_url(FriendImport::PATH));
            let body = serde_json::to_vec(&request);
            if let Ok(response) = envelope::decode::<FriendImportResponse>(200, black_box(&answer))
            {
                failed += response.fail_accounts.len();
            }
            let _ = black_box((url, body));
        } else {
            let request = baseline::import();
            let url = baseline::import_url(&sig);
            let body = serde_json::to_vec(&request);
            if let Ok(response) =
                serde_json::from_slice::<baseline::ImportAnswer>(black_box(&answer))
            {
                failed += response.fail.len();
            }
            let _ = black_box((url, body));
        }
    }
    println!("{failed}");
    std::process::ExitCode::SUCCESS
}
