//! Bulk migration of a social graph into Tencent Cloud Chat (IM): accounts first, then friends,
//! within the documented rates, resumable, with a failure report.
//!
//! The [`Importer`] reads the input twice, streaming, after an optional accounts file:
//!
//! 0. [`Importer::import_accounts_file`] imports the accounts of an accounts file
//!    ([`read_accounts`]: CSV `UserID,Nick,FaceUrl` or JSON lines of `AccountList` items),
//!    those with a nickname or an avatar URL in multiaccount_import's `AccountList` form, which
//!    sets them, the others in the `Accounts` form; its failed and invalid lines go to a report
//!    of their own ([`Importer::with_accounts_report`]);
//! 1. [`Importer::import_accounts`] imports every valid UserID of the input with
//!    multiaccount_import (100 per request) while the input is still being read, leaving out
//!    those the accounts file imported;
//! 2. [`Importer::import_friends`] groups the relations by `from` into friend_import requests
//!    of up to 1000 items; up to [`Options::concurrency`] requests are in flight, one user's
//!    requests go out in input order, different users' concurrently.
//!
//! The input is CSV with a `from,to` header and optional `remark`, `group`, `add_source`
//! columns, or JSON lines of friend_import items with a `from` field ([`Format`], [`read`]).
//! The [`Checkpoint`] log records each request before it is sent and after it is answered, and
//! each relation's outcome, so a run can be resumed from its [`Progress`] without sending
//! anything twice: what was missing after a failed call is sent again, what was refused is
//! counted again. [`Options::shard`] splits the input by a stable hash of `From_Account`
//! ([`Shard`]), so that several processes can import one input together.
//!
//! Each relation ends in one of the [`Counts`]: imported; present (on the service, confirmed by
//! friend_check after an answer that did not say imported, such as "already a friend" after a
//! retried call whose first answer was lost); failed (the service does not hold it: refused, or
//! found missing after a failed call); invalid (never sent); unknown (neither the answer nor
//! friend_check could tell); skipped (done by an earlier run). Failed, invalid and unknown
//! relations go to the [`Report`], JSON lines that can be fed back as input; no relation is
//! reported with a code the service did not give it. Whatever stops the run is an [`Error`]
//! naming the file involved.
//!
//! The `im-bulk` binary (feature `cli`, on by default) is this engine behind a command line;
//! [`cli`] holds its arguments and driver for programs that embed it.
//!
//! ```
//! use std::sync::Arc;
//! use tencent_im_bulk::{Checkpoint, Format, Importer, Options, Report};
//!
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> Result<(), Box<dyn std::error::Error>> {
//! # let emulator = tencent_im_emulator::Emulator::builder().start().await?;
//! # let client = emulator.client()?;
//! # let dir = std::env::temp_dir().join(format!("im-bulk-doc-{}", std::process::id()));
//! # std::fs::create_dir_all(&dir)?;
//! let input = dir.join("relations.csv");
//! std::fs::write(&input, "from,to,remark\nalice,bob,Bob\nbob,alice,Alice\n")?;
//!
//! let (checkpoint, progress) = Checkpoint::open(&Checkpoint::default_path(&input), false)?;
//! let report = Report::open(Some(&dir.join("failures.jsonl")), false)?;
//! let importer = Arc::new(Importer::new(client, checkpoint, report, progress, Options::default()));
//! let format = Format::detect(&input)?;
//! let (survey, failed_accounts) = importer.import_accounts(&input, format).await?;
//! importer.import_friends(&input, format).await?;
//!
//! let counts = importer.stats().snapshot();
//! assert_eq!((survey.relations, survey.accounts), (2, 2));
//! assert!(failed_accounts.is_empty());
//! assert_eq!((counts.imported, counts.failed), (2, 0));
//! # let _ = std::fs::remove_dir_all(&dir);
//! # Ok(())
//! # }
//! ```

#![deny(missing_docs)]
#![warn(clippy::unwrap_used, clippy::expect_used)]

mod accounts;
mod checkpoint;
#[cfg(feature = "cli")]
pub mod cli;
mod error;
mod import;
mod input;
mod lines;
mod report;
mod seen;
mod shard;

pub use accounts::{read_accounts, AccountLine, AccountLines, ListedAccount};
pub use checkpoint::{Checkpoint, Progress};
pub use error::Error;
pub use import::{
    AccountLineCounts, AccountsFileSurvey, Counts, FailedAccount, Importer, Options, Stats, Survey,
};
pub use input::{read, BadLine, Format, Line, Relation, Relations, DEFAULT_ADD_SOURCE};
pub use lines::{LineSet, LineTooLarge};
pub use report::Report;
pub use shard::{Shard, ShardError};
