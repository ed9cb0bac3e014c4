//! [`Error`]: what stops an import. Per-relation failures are not errors: they go to the
//! [`Report`](crate::Report) and the [`Stats`](crate::Stats).

use std::io;
use std::path::{Path, PathBuf};

/// Why an import stopped. Every I/O failure names its file.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The input could not be opened or read.
    #[error("cannot read the input {}: {source}", path.display())]
    Input {
        /// The input file.
        path: PathBuf,
        /// What the system reported.
        #[source]
        source: io::Error,
    },
    /// The CSV input's header does not name the `from` and `to` columns.
    #[error(
        "{}: the CSV header must name the columns `from` and `to` (and optionally remark, \
         group, add_source)",
        path.display()
    )]
    CsvHeader {
        /// The input file.
        path: PathBuf,
    },
    /// The CSV accounts file's header does not name the `UserID` column.
    #[error(
        "{}: the CSV header of the accounts file must name the column `UserID` (and optionally \
         Nick, FaceUrl)",
        path.display()
    )]
    AccountsCsvHeader {
        /// The accounts file.
        path: PathBuf,
    },
    /// The checkpoint log could not be read or written.
    #[error("cannot use the checkpoint log {}: {source}", path.display())]
    Checkpoint {
        /// The checkpoint log.
        path: PathBuf,
        /// What the system reported.
        #[source]
        source: io::Error,
    },
    /// The checkpoint log holds a record no run writes (a line number past
    /// [`LineSet::MAX_LINE`](crate::LineSet::MAX_LINE), a range running backwards): it was
    /// damaged, and resuming from it could send relations twice or skip them.
    #[error(
        "the checkpoint log {} is damaged at line {line}: {reason}; mend or delete that line, \
         or start afresh without --resume",
        path.display()
    )]
    CheckpointDamaged {
        /// The checkpoint log.
        path: PathBuf,
        /// The 1-based line of the log.
        line: u64,
        /// What is wrong with it.
        reason: String,
    },
    /// `--resume` met a checkpoint log written for another shard, another input or another
    /// accounts file (or for one of them before it changed: its line numbers may have moved). Resuming from it would skip
    /// relations that were never sent, or send others twice.
    #[error(
        "the checkpoint log {} was written for {what} {recorded}, not {given}: resume with the \
         same input, --accounts and --shard, pass another --checkpoint, or start afresh \
         without --resume",
        path.display()
    )]
    CheckpointMismatch {
        /// The checkpoint log.
        path: PathBuf,
        /// `"shard"`, `"input"` or `"accounts file"`.
        what: &'static str,
        /// What the log records: the shard (`K/N`), or the input's or the accounts file's
        /// `LENGTH:HASH` (`none` for a run without an accounts file).
        recorded: String,
        /// What this run has.
        given: String,
    },
    /// `--resume` met a checkpoint log without the header that ties it to its shard and input:
    /// one written by an earlier im-bulk, whose done records also counted the lines that
    /// failed. Resuming from it would skip those lines and report them as done.
    #[error(
        "the checkpoint log {} has no shard and input header: it was written by an earlier \
         im-bulk, which recorded failed lines as done; finish that run with the im-bulk that \
         started it, or start afresh without --resume (relations already imported are then \
         reported as present)",
        path.display()
    )]
    CheckpointWithoutHeader {
        /// The checkpoint log.
        path: PathBuf,
    },
    /// The input names more distinct accounts than one run keeps track of (4 GiB of UserIDs,
    /// over 100 million accounts).
    #[error(
        "{} names more distinct accounts than one run keeps track of (4 GiB of UserIDs): split \
         the import with --shard",
        path.display()
    )]
    TooManyAccounts {
        /// The input file.
        path: PathBuf,
    },
    /// The failure report could not be written.
    #[error("cannot write the failure report {}: {source}", path.display())]
    Report {
        /// The report file.
        path: PathBuf,
        /// What the system reported.
        #[source]
        source: io::Error,
    },
    /// The app is not on a loopback address and writing to it was not confirmed (`--yes`).
    #[error(
        "not writing to SDKAppID {sdkappid} at {base_url}, which is not a loopback address: \
         pass --yes to import into it"
    )]
    NotConfirmed {
        /// The base URL of the app.
        base_url: String,
        /// Its SDKAppID.
        sdkappid: u64,
    },
    /// A task of the import panicked or was cancelled.
    #[error("an import task stopped: {0}")]
    Task(#[source] Box<dyn std::error::Error + Send + Sync>),
}

impl Error {
    pub(crate) fn input(path: &Path) -> impl FnOnce(io::Error) -> Error + '_ {
        move |source| Error::Input {
            path: path.to_owned(),
            source,
        }
    }

    pub(crate) fn checkpoint(path: &Path) -> impl FnOnce(io::Error) -> Error + '_ {
        move |source| Error::Checkpoint {
            path: path.to_owned(),
            source,
        }
    }

    pub(crate) fn report(path: &Path) -> impl FnOnce(io::Error) -> Error + '_ {
        move |source| Error::Report {
            path: path.to_owned(),
            source,
        }
    }

    pub(crate) fn task(err: impl std::error::Error + Send + Sync + 'static) -> Error {
        Error::Task(Box::new(err))
    }
}
