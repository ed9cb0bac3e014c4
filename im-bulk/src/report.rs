//! The failure report: one JSON line per relation that did not make it.

use std::fs::{File, OpenOptions};
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};
use std::sync::{Mutex, PoisonError};

use serde::Serialize;
use tencent_im_core::ErrorCode;
use tencent_im_friends::FriendImportItem;

use crate::Error;

/// One line of the failure report: the relation as a friend_import item (so the report can be
/// fed back as JSONL input), its input line, and the service's code and text.
#[derive(Serialize)]
struct ReportLine<'a> {
    line: u64,
    from: &'a str,
    #[serde(flatten, skip_serializing_if = "Option::is_none")]
    item: Option<&'a FriendImportItem>,
    code: Option<i64>,
    info: &'a str,
}

/// The failure report, JSON lines, each flushed as written. A relation is reported before the
/// checkpoint marks it done, so a kill between the two reports it again on resume: at least
/// once, never lost.
///
/// Each line holds `line` (the input line), `from`, the friend_import item's fields
/// (`To_Account`, `AddSource`, ...) when the line could be read, `code` (the service's code, or
/// `null`) and `info`:
///
/// ```json
/// {"line":7,"from":"alice","To_Account":"bob","AddSource":"AddSource_Type_Import","code":30010,"info":"..."}
/// ```
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

    /// The report's path, when there is one.
    pub fn path(&self) -> Option<&Path> {
        self.file.as_ref().map(|(path, _)| path.as_path())
    }

    pub(crate) fn write(
        &self,
        line: u64,
        from: &str,
        item: Option<&FriendImportItem>,
        code: Option<ErrorCode>,
        info: &str,
    ) -> Result<(), Error> {
        let Some((path, file)) = &self.file else {
            return Ok(());
        };
        let record = ReportLine {
            line,
            from,
            item,
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
