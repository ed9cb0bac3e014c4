//! The failure report: one JSON line per relation that did not make it.

use std::fs::{File, OpenOptions};
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};
use std::sync::{Mutex, PoisonError};

use serde::Serialize;
use tencent_im_accounts::ImportedAccount;
use tencent_im_core::ErrorCode;
use tencent_im_friends::FriendImportItem;

use crate::Error;

/// What became of a reported relation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub(crate) enum Outcome {
    /// Not on the service: refused, or not applied (friend_check confirms it is missing).
    Failed,
    /// Never sent: an unreadable line, a field breaking a documented limit, or a friend the
    /// service calls invalid (`Invalid_Account`).
    Invalid,
    /// Whether the service holds it could not be established, friend_check included.
    Unknown,
}

/// The relation a report line is about: its friend_import item, or the text of an input line
/// that was not one.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Subject<'a> {
    /// A relation that could be read.
    Relation(&'a str, &'a FriendImportItem),
    /// An account of the accounts file that could be read.
    Account(&'a ImportedAccount),
    /// An input line that could not, as it was written.
    Text(&'a str),
}

/// One line of the failure report: the relation as a friend_import item with `from` (so the
/// report can be fed back as JSONL input) or the unreadable line's text, and what happened.
#[derive(Serialize)]
struct ReportLine<'a> {
    line: u64,
    outcome: Outcome,
    #[serde(skip_serializing_if = "Option::is_none")]
    from: Option<&'a str>,
    #[serde(flatten, skip_serializing_if = "Option::is_none")]
    item: Option<&'a FriendImportItem>,
    #[serde(flatten, skip_serializing_if = "Option::is_none")]
    account: Option<&'a ImportedAccount>,
    #[serde(skip_serializing_if = "Option::is_none")]
    input: Option<&'a str>,
    code: Option<i64>,
    info: &'a str,
}

/// The failure report, JSON lines, each flushed as written. A relation is reported before the
/// checkpoint marks it done, so a kill between the two reports it again on resume: at least
/// once, never lost.
///
/// Each line holds:
///
/// - `line`: the input line (CSV: the record's line);
/// - `outcome`: `failed` (not on the service: the service refused it, or friend_check found it
///   missing after a call that failed), `invalid` (never sent: the line is unreadable, a field
///   breaks a documented limit, or the service lists the friend in `Invalid_Account`) or
///   `unknown` (neither the answer nor friend_check could tell whether the service holds it);
/// - for a relation that could be read, `from` and the friend_import item's fields
///   (`To_Account`, `AddSource`, `Remark`, ...); for a line that could not, `input`, the line
///   as it was written (a CSV row's fields, re-quoted where needed);
/// - `code`: the code the service gave for this relation, or `null` when it gave none (local
///   checks, failed calls, unknown outcomes: the report never makes one up);
/// - `info`: what happened, in words.
///
/// ```json
/// {"line":7,"outcome":"failed","from":"alice","To_Account":"bob","AddSource":"AddSource_Type_Import","code":30010,"info":"Err_SNS_FriendImport_..."}
/// {"line":8,"outcome":"unknown","from":"alice","To_Account":"carol","AddSource":"AddSource_Type_Import","code":null,"info":"..."}
/// {"line":9,"outcome":"invalid","input":"alice,,Carol","code":null,"info":"the `from` and `to` columns must not be empty"}
/// ```
///
/// The report is valid JSONL input: fed back with `--input`, its relations are imported again
/// (those the service holds by then are confirmed with friend_check and counted as present),
/// and its unreadable lines are reported again with the same `input` text, so a mended copy of
/// the report is all a second run needs.
///
/// The accounts report ([`Importer::with_accounts_report`](crate::Importer::with_accounts_report))
/// has the same fields, with the account's (`UserID`, `Nick`, `FaceUrl`) in place of the
/// relation's; it is valid accounts-file input the same way.
#[derive(Debug)]
pub struct Report {
    file: Option<(PathBuf, Mutex<BufWriter<File>>)>,
}

impl Report {
    /// Appends to `path` when resuming, else starts it afresh; `None` writes nothing.
    pub fn open(path: Option<&Path>, resume: bool) -> Result<Report, Error> {
        let file = match path {
            Some(path) => Some((
                path.to_owned(),
                Mutex::new(BufWriter::new(
                    OpenOptions::new()
                        .create(true)
                        .append(resume)
                        .write(true)
                        .truncate(!resume)
                        .open(path)
                        .map_err(Error::report(path))?,
                )),
            )),
            None => None,
        };
        Ok(Report { file })
    }

    /// A report that writes nothing.
    pub(crate) fn none() -> Report {
        Report { file: None }
    }

    /// The report's path, when there is one.
    pub fn path(&self) -> Option<&Path> {
        self.file.as_ref().map(|(path, _)| path.as_path())
    }

    pub(crate) fn write(
        &self,
        line: u64,
        outcome: Outcome,
        subject: Subject<'_>,
        code: Option<ErrorCode>,
        info: &str,
    ) -> Result<(), Error> {
        let Some((path, file)) = &self.file else {
            return Ok(());
        };
        let (from, item, account, input) = match subject {
            Subject::Relation(from, item) => (Some(from), Some(item), None, None),
            Subject::Account(account) => (None, None, Some(account), None),
            Subject::Text(text) => (None, None, None, Some(text)),
        };
        let record = ReportLine {
            line,
            outcome,
            from,
            item,
            account,
            input,
            code: code.map(ErrorCode::get),
            info,
        };
        let mut file = file.lock().unwrap_or_else(PoisonError::into_inner);
        serde_json::to_writer(&mut *file, &record)
            .map_err(io::Error::from)
            .and_then(|()| file.write_all(b"\n"))
            // Flushed before the checkpoint marks the relation done, so a kill loses no failure.
            .and_then(|()| file.flush())
            .map_err(Error::report(path))
    }

    /// Flushes the report.
    pub fn flush(&self) -> Result<(), Error> {
        match &self.file {
            Some((path, file)) => file
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .flush()
                .map_err(Error::report(path)),
            None => Ok(()),
        }
    }
}
