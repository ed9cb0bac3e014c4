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

#[test]
fn multiaccount_import_has_two_forms_on_one_path() {
    let list = MultiaccountImport::with_profiles([
        ImportedAccount::new("UserID_001")
            .nick("Nick_001")
            .face_url("http://www.qq.com"),
        ImportedAccount::new("UserID_002"),
    ]);
    assert_eq!(
        serde_json::to_string(&list).unwrap(),
        r#"{"AccountList":[{"UserID":"UserID_001","Nick":"Nick_001","FaceUrl":"http://www.qq.com"},{"UserID":"UserID_002"}]}"#
    );
    // The documented samples of both forms decode into the same type.
    let decoded: MultiaccountImport = serde_json::from_str(
        r#"{"AccountList":[{"UserID":"UserID_001","Nick":"Nick_001","FaceUrl":"http://www.qq.com"},
            {"UserID":"UserID_002","Nick":"Nick_002","FaceUrl":"http://www.qq.com"}]}"#,
    )
    .unwrap();
    assert_eq!(decoded.accounts.key(), "AccountList");
    assert_eq!(
        decoded.accounts.user_ids().collect::<Vec<_>>(),
        ["UserID_001", "UserID_002"]
    );
    let decoded: MultiaccountImport =
        serde_json::from_str(r#"{"Accounts":["UserID_001","UserID_002","UserID_003"]}"#).unwrap();
    assert_eq!(
        decoded,
        MultiaccountImport::new(["UserID_001", "UserID_002", "UserID_003"])
    );
    assert!(serde_json::from_str::<MultiaccountImport>(r#"{"Users":["a"]}"#).is_err());

    // The form follows the data: AccountList only when some account carries a profile value.
    let plain = MultiaccountImport::from_accounts([ImportedAccount::new("a")]);
    assert_eq!(
        serde_json::to_string(&plain).unwrap(),
        r#"{"Accounts":["a"]}"#
    );
    let with_nick = MultiaccountImport::from_accounts([
        ImportedAccount::new("a"),
        ImportedAccount::new("b").nick("B"),
    ]);
    assert_eq!(with_nick.accounts.key(), "AccountList");
}

#[test]
fn multiaccount_import_checks_both_forms_and_splits_them_at_100() {
    use tencent_im_core::batch::Chunked;
    use tencent_im_core::Endpoint;

    let too_many =
        MultiaccountImport::with_profiles((0..101).map(|i| ImportedAccount::new(format!("u{i}"))));
    let err = too_many.validate().unwrap_err().to_string();
    assert!(err.contains("AccountList"), "{err}");
    assert!(err.contains("100"), "{err}");
    let chunks = too_many.into_chunks(MultiaccountImport::MAX_ITEMS);
    assert_eq!(
        chunks.iter().map(|c| c.accounts.len()).collect::<Vec<_>>(),
        [100, 1]
    );
    assert!(chunks
        .iter()
        .all(|c| c.accounts.key() == "AccountList" && c.validate().is_ok()));

    let err = MultiaccountImport::new(Vec::<String>::new())
        .validate()
        .unwrap_err()
        .to_string();
    assert!(err.contains("Accounts"), "{err}");
    let err = MultiaccountImport::new(["ok", &"x".repeat(33)])
        .validate()
        .unwrap_err()
        .to_string();
    assert!(err.contains("Accounts[1]"), "{err}");
    let long_nick = MultiaccountImport::with_profiles([
        ImportedAccount::new("a"),
        ImportedAccount::new("b").nick("n".repeat(MAX_PROFILE_VALUE_BYTES + 1)),
    ]);
    let err = long_nick.validate().unwrap_err().to_string();
    assert!(err.contains("AccountList[1].Nick"), "{err}");
    assert!(MultiaccountImport::with_profiles([
        ImportedAccount::new("b").face_url("f".repeat(MAX_PROFILE_VALUE_BYTES))
    ])
    .validate()
    .is_ok());
}

#[test]
fn multiaccount_import_answers_the_same_for_both_forms() {
    let multi: MultiaccountImportResponse = envelope::decode(
        200,
        br#"{"ActionStatus":"OK","ErrorCode":0,"ErrorInfo":"","FailAccounts":["UserID_002","UserID_003"]}"#,
    )
    .unwrap();
    assert_eq!(multi.fail_accounts, ["UserID_002", "UserID_003"]);
    let err = envelope::decode::<MultiaccountImportResponse>(
        200,
        br#"{"ActionStatus":"FAIL","ErrorCode":40006,"ErrorInfo":"x"}"#,
    )
    .unwrap_err();
    assert_eq!(err.code(), Some(ErrorCode::PROFILE_INTERNAL_ERROR));
    assert!(err.is_retryable());
}
