//! The accounts file: accounts to import with their nickname and avatar URL, read one at a time.

use std::fs::File;
use std::io::Read;
use std::path::Path;

use tencent_im_accounts::ImportedAccount;

use crate::input::{csv_column, csv_fields, csv_lines, csv_text, json_value, JsonLines};
use crate::{BadLine, Error, Format};

/// One account of the accounts file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListedAccount {
    /// 1-based line (CSV: record) number in the accounts file.
    pub line: u64,
    /// The account, with the nickname and avatar URL the line gives.
    pub account: ImportedAccount,
}

/// One line of the accounts file: an account, or a line that is not one.
pub type AccountLine = Result<ListedAccount, BadLine>;

/// The lines of an accounts file, in file order, each read when asked for. An `Err` ends the
/// sequence: the file could not be read further.
pub type AccountLines = Box<dyn Iterator<Item = Result<AccountLine, Error>> + Send>;

/// Reads the accounts file one line at a time: CSV with a `UserID` column and optional `Nick`
/// and `FaceUrl` columns (`user_id`, `nick`, `face_url` are accepted too; fields are trimmed,
/// an empty `Nick` or `FaceUrl` leaves the value out), or JSON lines of multiaccount_import's
/// `AccountList` items (`{"UserID":"alice","Nick":"Alice","FaceUrl":"https://..."}`, values
/// taken exactly as written). Opening the file and reading the CSV header are errors; a line
/// that is not an account is a [`BadLine`] in the sequence.
pub fn read_accounts(path: &Path, format: Format) -> Result<AccountLines, Error> {
    let file = File::open(path).map_err(Error::input(path))?;
    read_accounts_from(file, path, format)
}

pub(crate) fn read_accounts_from(
    reader: impl Read + Send + 'static,
    path: &Path,
    format: Format,
) -> Result<AccountLines, Error> {
    match format {
        Format::Jsonl => Ok(Box::new(JsonLines::new(reader, path, json_account))),
        Format::Csv => csv_lines(reader, path, |headers| {
            let Some(user_id) = csv_column(headers, &["UserID", "user_id"]) else {
                return Err(Error::AccountsCsvHeader {
                    path: path.to_owned(),
                });
            };
            let nick = csv_column(headers, &["Nick", "nick"]);
            let face_url = csv_column(headers, &["FaceUrl", "face_url"]);
            Ok(move |record: &csv::ByteRecord| csv_account(record, user_id, nick, face_url))
        }),
    }
}

fn json_account(line: u64, bytes: &[u8]) -> AccountLine {
    json_value(
        line,
        bytes,
        "an account with a \"UserID\" field (and optional \"Nick\" and \"FaceUrl\")",
    )
    .map(|account| ListedAccount { line, account })
}

fn csv_account(
    record: &csv::ByteRecord,
    user_id: usize,
    nick: Option<usize>,
    face_url: Option<usize>,
) -> AccountLine {
    let line = record.position().map_or(0, |p| p.line());
    let fields = csv_fields(record)?;
    let field = |index: Option<usize>| {
        index
            .and_then(|i| fields.get(i))
            .copied()
            .filter(|v| !v.is_empty())
    };
    let Some(id) = field(Some(user_id)) else {
        return Err(BadLine {
            line,
            text: csv_text(record),
            message: "the `UserID` column must not be empty".into(),
        });
    };
    let mut account = ImportedAccount::new(id);
    if let Some(nick) = field(nick) {
        account = account.nick(nick);
    }
    if let Some(url) = field(face_url) {
        account = account.face_url(url);
    }
    Ok(ListedAccount { line, account })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lines(text: &'static str, format: Format) -> Vec<AccountLine> {
        read_accounts_from(text.as_bytes(), Path::new("accounts"), format)
            .unwrap()
            .map(Result::unwrap)
            .collect()
    }

    #[test]
    fn csv_rows_with_and_without_profiles() {
        let rows = lines(
            "UserID,Nick,FaceUrl\nalice,Alice,https://x/a.png\nbob,,\n, Nobody ,\ncarol,\"Carol, C.\"\n",
            Format::Csv,
        );
        let alice = rows[0].as_ref().unwrap();
        assert_eq!(alice.line, 2);
        assert_eq!(
            alice.account,
            ImportedAccount::new("alice")
                .nick("Alice")
                .face_url("https://x/a.png")
        );
        assert_eq!(
            rows[1].as_ref().unwrap().account,
            ImportedAccount::new("bob")
        );
        let bad = rows[2].as_ref().unwrap_err();
        assert_eq!((bad.line, bad.text.as_str()), (4, ", Nobody ,"));
        assert_eq!(
            rows[3].as_ref().unwrap().account,
            ImportedAccount::new("carol").nick("Carol, C.")
        );
    }

    #[test]
    fn a_csv_header_without_user_id_is_named() {
        let err = read_accounts_from(&b"id,nick\na,b\n"[..], Path::new("a.csv"), Format::Csv)
            .err()
            .unwrap();
        assert!(matches!(err, Error::AccountsCsvHeader { .. }), "{err:?}");
        assert!(err.to_string().contains("a.csv"), "{err}");
    }

    #[test]
    fn json_lines_and_fed_back_report_lines() {
        let rows = lines(
            concat!(
                "{\"UserID\":\"alice\",\"Nick\":\" Alice \"}\n",
                "{\"Identifier\":\"bob\",\"FaceUrl\":\"u\"}\n",
                "{\"line\":2,\"outcome\":\"invalid\",\"UserID\":\"dave\",\"Nick\":\"D\",\"code\":null,\"info\":\"x\"}\n",
                "{\"line\":9,\"outcome\":\"invalid\",\"input\":\"not json\",\"code\":null,\"info\":\"x\"}\n",
                "{\"Nick\":\"nobody\"}\n",
            ),
            Format::Jsonl,
        );
        assert_eq!(
            rows[0].as_ref().unwrap().account,
            ImportedAccount::new("alice").nick(" Alice ")
        );
        assert_eq!(
            rows[1].as_ref().unwrap().account,
            ImportedAccount::new("bob").face_url("u")
        );
        assert_eq!(
            rows[2].as_ref().unwrap().account,
            ImportedAccount::new("dave").nick("D")
        );
        assert_eq!(rows[3].as_ref().unwrap_err().text, "not json");
        let bad = rows[4].as_ref().unwrap_err();
        assert_eq!((bad.line, bad.text.as_str()), (5, "{\"Nick\":\"nobody\"}"));
        assert!(bad.message.contains("UserID"), "{}", bad.message);
    }
}
