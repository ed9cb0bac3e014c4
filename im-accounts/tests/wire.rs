//! Wire form of the account calls.

use tencent_im_accounts::*;
use tencent_im_core::{envelope, ErrorCode};

#[test]
fn requests_use_tencent_names() {
    assert_eq!(
        serde_json::to_string(&AccountImport::new("u1").nick("Nick")).unwrap(),
        r#"{"UserID":"u1","Nick":"Nick"}"#
    );
    assert_eq!(
        serde_json::to_string(&MultiaccountImport::new(["a", "b"])).unwrap(),
        r#"{"Accounts":["a","b"]}"#
    );
    assert_eq!(
        serde_json::to_string(&AccountCheck::new(["a"])).unwrap(),
        r#"{"CheckItem":[{"UserID":"a"}]}"#
    );
    assert_eq!(
        serde_json::to_string(&AccountDelete::new(["a"])).unwrap(),
        r#"{"DeleteItem":[{"UserID":"a"}]}"#
    );
}

#[test]
fn responses_decode() {
    let check: AccountCheckResponse = envelope::decode(
        200,
        br#"{"ActionStatus":"OK","ErrorCode":0,"ErrorInfo":"","ResultItem":[
            {"UserID":"a","ResultCode":0,"ResultInfo":"","AccountStatus":"Imported"},
            {"UserID":"b","ResultCode":0,"ResultInfo":"","AccountStatus":"NotImported"},
            {"UserID":"c","ResultCode":70107,"ResultInfo":"x"}]}"#,
    )
    .unwrap();
    assert!(check.results[0].is_imported());
    assert_eq!(check.results[1].status, Some(AccountStatus::NotImported));
    assert!(!check.results[2].is_imported());
    assert_eq!(check.results[2].result_code, ErrorCode::USER_NOT_IMPORTED);

    let multi: MultiaccountImportResponse = envelope::decode(
        200,
        br#"{"ActionStatus":"OK","ErrorCode":0,"FailAccounts":["x"]}"#,
    )
    .unwrap();
    assert_eq!(multi.fail_accounts, ["x"]);
    let multi: MultiaccountImportResponse =
        envelope::decode(200, br#"{"ActionStatus":"OK","ErrorCode":0}"#).unwrap();
    assert!(multi.fail_accounts.is_empty());

    let delete: AccountDeleteResponse = envelope::decode(
        200,
        br#"{"ActionStatus":"OK","ErrorCode":0,"ResultItem":[{"ResultCode":0,"ResultInfo":"","UserID":"a"}]}"#,
    )
    .unwrap();
    assert_eq!(delete.results[0].user_id, "a");
}
