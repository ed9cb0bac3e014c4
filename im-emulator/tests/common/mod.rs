//! Helpers shared by the emulator's end-to-end tests.
#![allow(dead_code)]

use tencent_im_accounts::MultiaccountImport;
use tencent_im_core::{Client, Error, ErrorCode};
use tencent_im_emulator::{Emulator, RunningEmulator};

pub const SOURCE: &str = "AddSource_Type_Test";

pub async fn start() -> (RunningEmulator, Client) {
    let emulator = Emulator::builder().start().await.unwrap();
    let client = emulator.client().unwrap();
    (emulator, client)
}

pub async fn import_accounts(client: &Client, ids: &[String]) {
    let report = client
        .call_batched(MultiaccountImport::new(ids.to_vec()))
        .await
        .unwrap();
    assert!(report.fail_accounts.is_empty());
}

pub fn users(prefix: &str, n: usize) -> Vec<String> {
    (0..n).map(|i| format!("{prefix}{i:04}")).collect()
}

pub fn api_code<T: std::fmt::Debug>(result: Result<T, Error>) -> ErrorCode {
    match result {
        Err(Error::Api { code, .. }) => code,
        other => panic!("expected an API error, got {other:?}"),
    }
}
