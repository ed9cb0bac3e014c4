//! The `im-emulator` binary: announces its address on the first stdout line, serves, and exits
//! cleanly on SIGTERM.

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};

use tencent_im_accounts::AccountImport;
use tencent_im_core::Client;

#[tokio::test]
async fn binary_serves_until_sigterm() {
    let mut child = Command::new(env!("CARGO_BIN_EXE_im-emulator"))
        .args([
            "--listen",
            "127.0.0.1:0",
            "--sdkappid",
            "1400000123",
            "--secret-key",
            "binary-test-key",
            "--admin",
            "boss",
        ])
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut first = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut first)
        .unwrap();
    let base_url = first
        .trim()
        .strip_prefix("listening on ")
        .unwrap_or_else(|| panic!("unexpected first line {first:?}"))
        .to_owned();
    assert!(base_url.starts_with("http://127.0.0.1:"), "{base_url}");

    let client = Client::builder(1400000123, "binary-test-key", "boss")
        .base_url(&base_url)
        .build()
        .unwrap();
    client.call(&AccountImport::new("someone")).await.unwrap();

    let status = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
    let exit = tokio::task::spawn_blocking(move || child.wait())
        .await
        .unwrap()
        .unwrap();
    assert!(exit.success(), "{exit:?}");
}
