//! The checkpoint log and what it tells about an interrupted run ([`Progress`]).
//!
//! One record per line, `KIND RANGES`, flushed as written:
//!
//! - `S 2/4`: the log belongs to this [`Shard`] of the input (first line of a log);
//! - `I 1234:89abcdef01234567`: the input it belongs to: its length in bytes and the 64-bit
//!   FNV-1a hash of its content (second line);
//! - `J 567:0123456789abcdef` or `J none`: the accounts file it belongs to, the same way, or
//!   none (third line; a log without it was written for a run without an accounts file);
//! - `P 1-3,7`: friend_import about to be sent for these input lines;
//! - `D 1-3,7`: these relations are on the service (imported, present, or found by a check);
//! - `F 1-3,7`: the service refused these relations: not sent again, counted failed again;
//! - `V 1-3,7`: these lines are invalid (unreadable, breaking a documented limit, or
//!   `Invalid_Account`): not sent again, counted invalid again;
//! - `T 1-3,7`: these relations are not on the service after a call that failed (the client's
//!   retries spent, friend_check confirming they are missing): sent again by a resumed run;
//! - `a 4`: multiaccount_import about to be sent for this account chunk (100 accounts each, in
//!   order of first appearance in the shard's relations);
//! - `A 4`: this account chunk is handled;
//! - `u 1-3`: multiaccount_import about to be sent for these lines of the accounts file;
//! - `U 1-3`: these accounts are imported, with the nickname and avatar URL their lines give;
//! - `X 1-3`: the service refused these accounts (`FailAccounts`, or the whole request with a
//!   code that does not pass): not sent again, counted failed again;
//! - `W 1-3`: these lines of the accounts file are invalid: not sent again, counted invalid
//!   again.
//!
//! Line numbers of the accounts file (`u`, `U`, `X`, `W`) and of the input (`P`, `D`, `F`,
//! `V`, `T`) are two separate spaces. An account line whose `u` is the last word on it (the
//! run stopped, or the call failed after the client's retries) is sent again by a resumed run:
//! setting a nickname twice to the same value leaves the same account.
//!
//! A relation whose outcome stays unknown keeps its `P` alone, so a resumed run checks it with
//! friend_check and sends it again when it is missing. A later record of a line replaces what
//! an earlier one said of it.

use std::fs::{File, OpenOptions};
use std::io::{self, BufRead, BufReader, BufWriter, Write};
use std::path::{Path, PathBuf};
use std::sync::{Mutex, PoisonError};

use crate::lines::{decode_ranges, encode_ranges, RangeError};
use crate::shard::{fnv1a64, fnv1a64_continue};
use crate::{Error, LineSet, Shard};

/// What an earlier, interrupted run finished.
#[derive(Debug, Default)]
pub struct Progress {
    /// Relations on the service (imported, present, or found by the check of an interrupted
    /// request).
    pub done: LineSet,
    /// Relations whose request went out without a settled outcome being recorded (the run
    /// stopped, or neither the answer nor friend_check could tell): the service may or may not
    /// hold them, so they are checked before being sent again.
    pub uncertain: LineSet,
    /// Relations the service refused: reported by the run that met them, not sent again.
    pub refused: LineSet,
    /// Lines found invalid: reported by the run that met them, never sent.
    pub invalid: LineSet,
    /// Account chunks answered.
    pub account_chunks_done: LineSet,
    /// Account chunks sent without a recorded answer.
    pub account_chunks_uncertain: LineSet,
    /// Lines of the accounts file imported.
    pub account_lines_done: LineSet,
    /// Lines of the accounts file the service refused: reported by the run that met them.
    pub account_lines_refused: LineSet,
    /// Lines of the accounts file found invalid: reported by the run that met them.
    pub account_lines_invalid: LineSet,
}

/// The append-only checkpoint log. Each request is recorded before it is sent (`P`, `a`) and
/// after its answer is handled (`D`, `A`), one flushed line each, so a kill at any point leaves
/// a log that tells what is certainly done and what may be.
#[derive(Debug)]
pub struct Checkpoint {
    path: PathBuf,
    file: Mutex<BufWriter<File>>,
}

impl Checkpoint {
    /// The log's default place: the input's path with `.checkpoint` appended.
    pub fn default_path(input: &Path) -> PathBuf {
        let mut path = input.to_owned().into_os_string();
        path.push(".checkpoint");
        path.into()
    }

    /// The default place of a shard's log: the input's path with `.checkpoint` appended for
    /// the whole input, `.shard-K-of-N.checkpoint` for a shard.
    pub fn default_path_for(input: &Path, shard: Shard) -> PathBuf {
        if shard.is_all() {
            return Checkpoint::default_path(input);
        }
        let mut path = input.to_owned().into_os_string();
        path.push(format!(
            ".shard-{}-of-{}.checkpoint",
            shard.number(),
            shard.count()
        ));
        path.into()
    }

    /// Opens the log of `shard` of `input`: as [`Checkpoint::open`], and a new log starts with
    /// the shard and a fingerprint of the input (its length and content hash). Resuming from a
    /// log written for another shard or another input (or an input changed since, whose line
    /// numbers may have moved) is [`Error::CheckpointMismatch`]; a log without them (written
    /// by [`Checkpoint::open`]) is taken as it is.
    pub fn open_for(
        path: &Path,
        resume: bool,
        input: &Path,
        shard: Shard,
    ) -> Result<(Checkpoint, Progress), Error> {
        Checkpoint::open_with_accounts(path, resume, input, None, shard)
    }

    /// [`Checkpoint::open_for`] a run that also imports the accounts file `accounts`: the log
    /// records it too, and resuming with another accounts file, a changed one, or none where
    /// the log names one (or the other way round) is [`Error::CheckpointMismatch`].
    pub fn open_with_accounts(
        path: &Path,
        resume: bool,
        input: &Path,
        accounts: Option<&Path>,
        shard: Shard,
    ) -> Result<(Checkpoint, Progress), Error> {
        let accounts = match accounts {
            Some(accounts) => fingerprint(accounts)?,
            None => NO_ACCOUNTS_FILE.to_owned(),
        };
        let expected = [
            ("S", shard.to_string()),
            ("I", fingerprint(input)?),
            ("J", accounts),
        ];
        let resumes_a_log = resume && std::fs::metadata(path).is_ok_and(|meta| meta.len() > 0);
        let (checkpoint, progress, headers) = Checkpoint::open_inner(path, resume)?;
        if resumes_a_log && headers.is_empty() {
            return Err(Error::CheckpointWithoutHeader {
                path: path.to_owned(),
            });
        }
        for (kind, given) in &expected {
            let recorded = match headers.iter().find(|(k, _)| k == kind) {
                Some((_, recorded)) => recorded.as_str(),
                // Logs headed before accounts files were read belong to runs without one.
                None if *kind == "J" && !headers.is_empty() => NO_ACCOUNTS_FILE,
                None => continue,
            };
            if recorded != given {
                return Err(Error::CheckpointMismatch {
                    path: path.to_owned(),
                    what: match *kind {
                        "S" => "shard",
                        "I" => "input",
                        _ => "accounts file",
                    },
                    recorded: recorded.to_owned(),
                    given: given.clone(),
                });
            }
        }
        if headers.is_empty() {
            for (kind, value) in &expected {
                checkpoint.write_line(&format!("{kind} {value}"))?;
            }
        }
        Ok((checkpoint, progress))
    }

    /// Opens the log, reading what it holds when `resume` is set and starting it afresh
    /// otherwise. Resuming without a log starts from nothing. The log is not tied to an input
    /// or a shard: [`Checkpoint::open_for`] checks both.
    pub fn open(path: &Path, resume: bool) -> Result<(Checkpoint, Progress), Error> {
        Checkpoint::open_inner(path, resume).map(|(checkpoint, progress, _)| (checkpoint, progress))
    }

    /// The log, what it says was done, and its `S` / `I` records.
    #[allow(clippy::type_complexity)]
    fn open_inner(
        path: &Path,
        resume: bool,
    ) -> Result<(Checkpoint, Progress, Vec<(String, String)>), Error> {
        let mut progress = Progress::default();
        let mut headers = Vec::new();
        if resume {
            match File::open(path) {
                Ok(file) => {
                    for (n, line) in BufReader::new(file).lines().enumerate() {
                        let line = line.map_err(Error::checkpoint(path))?;
                        let Some((kind, ranges)) = line.split_once(' ') else {
                            continue;
                        };
                        let decoded = match kind {
                            "S" | "I" | "J" => {
                                headers.push((kind.to_owned(), ranges.trim().to_owned()));
                                Ok(())
                            }
                            "P" => decode_ranges(ranges, |l| {
                                progress.forget(l);
                                progress.uncertain.insert(l)
                            }),
                            "D" => decode_ranges(ranges, |l| {
                                progress.forget(l);
                                progress.done.insert(l)
                            }),
                            "F" => decode_ranges(ranges, |l| {
                                progress.forget(l);
                                progress.refused.insert(l)
                            }),
                            "V" => decode_ranges(ranges, |l| {
                                progress.forget(l);
                                progress.invalid.insert(l)
                            }),
                            "T" => decode_ranges(ranges, |l| {
                                progress.forget(l);
                                Ok(())
                            }),
                            "a" => decode_ranges(ranges, |c| {
                                progress.account_chunks_uncertain.insert(c)
                            }),
                            "A" => decode_ranges(ranges, |c| {
                                progress.account_chunks_uncertain.remove(c);
                                progress.account_chunks_done.insert(c)
                            }),
                            "u" => decode_ranges(ranges, |l| {
                                progress.forget_account_line(l);
                                Ok(())
                            }),
                            "U" => decode_ranges(ranges, |l| {
                                progress.forget_account_line(l);
                                progress.account_lines_done.insert(l)
                            }),
                            "X" => decode_ranges(ranges, |l| {
                                progress.forget_account_line(l);
                                progress.account_lines_refused.insert(l)
                            }),
                            "W" => decode_ranges(ranges, |l| {
                                progress.forget_account_line(l);
                                progress.account_lines_invalid.insert(l)
                            }),
                            _ => Ok(()),
                        };
                        match decoded {
                            Ok(()) => {}
                            // A torn last line (killed mid-write) is ignored: its request is
                            // then treated as not recorded, which the uncertain check covers.
                            Err(RangeError::Unreadable) => {
                                tracing::warn!(
                                    line = n + 1,
                                    "ignoring an unreadable checkpoint line"
                                );
                            }
                            // A complete record no run writes: the log is damaged, and guessing
                            // what it meant could send relations twice or skip them.
                            Err(RangeError::OutOfRange(reason)) => {
                                return Err(Error::CheckpointDamaged {
                                    path: path.to_owned(),
                                    line: n as u64 + 1,
                                    reason,
                                })
                            }
                        }
                    }
                }
                Err(err) if err.kind() == io::ErrorKind::NotFound => {}
                Err(err) => return Err(Error::checkpoint(path)(err)),
            }
        }
        let torn = resume && ends_without_newline(path).map_err(Error::checkpoint(path))?;
        let file = OpenOptions::new()
            .create(true)
            .append(resume)
            .write(true)
            .truncate(!resume)
            .open(path)
            .map_err(Error::checkpoint(path))?;
        let mut file = BufWriter::new(file);
        if torn {
            // End the line a kill cut off, so the next record starts on its own line.
            file.write_all(b"\n")
                .and_then(|()| file.flush())
                .map_err(Error::checkpoint(path))?;
        }
        Ok((
            Checkpoint {
                path: path.to_owned(),
                file: Mutex::new(file),
            },
            progress,
            headers,
        ))
    }

    /// The log's path.
    pub fn path(&self) -> &Path {
        &self.path
    }

    pub(crate) fn record(&self, kind: &str, lines: &[u64]) -> Result<(), Error> {
        let mut sorted = lines.to_vec();
        sorted.sort_unstable();
        self.write_line(&format!("{kind} {}", encode_ranges(&sorted)))
    }

    fn write_line(&self, line: &str) -> Result<(), Error> {
        let mut file = self.file.lock().unwrap_or_else(PoisonError::into_inner);
        writeln!(file, "{line}")
            .and_then(|()| file.flush())
            .map_err(Error::checkpoint(&self.path))
    }
}

impl Progress {
    /// Drops whatever an earlier record said of `line` of the accounts file.
    fn forget_account_line(&mut self, line: u64) {
        self.account_lines_done.remove(line);
        self.account_lines_refused.remove(line);
        self.account_lines_invalid.remove(line);
    }

    /// Drops whatever an earlier record said of `line`.
    fn forget(&mut self, line: u64) {
        self.uncertain.remove(line);
        self.done.remove(line);
        self.refused.remove(line);
        self.invalid.remove(line);
    }
}

/// What the `J` record of a run without an accounts file says.
const NO_ACCOUNTS_FILE: &str = "none";

/// `LENGTH:HASH`: the input's length in bytes and the 64-bit FNV-1a hash of its content.
fn fingerprint(input: &Path) -> Result<String, Error> {
    use std::io::Read;
    let mut file = File::open(input).map_err(Error::input(input))?;
    let mut buffer = vec![0u8; 1 << 16];
    let (mut length, mut hash) = (0u64, fnv1a64(b""));
    loop {
        match file.read(&mut buffer) {
            Ok(0) => break,
            Ok(n) => {
                length += n as u64;
                hash = fnv1a64_continue(hash, &buffer[..n]);
            }
            Err(err) if err.kind() == io::ErrorKind::Interrupted => {}
            Err(err) => return Err(Error::input(input)(err)),
        }
    }
    Ok(format!("{length}:{hash:016x}"))
}

fn ends_without_newline(path: &Path) -> io::Result<bool> {
    use std::io::{Read, Seek, SeekFrom};
    let mut file = match File::open(path) {
        Ok(file) => file,
        Err(err) if err.kind() == io::ErrorKind::NotFound => return Ok(false),
        Err(err) => return Err(err),
    };
    if file.metadata()?.len() == 0 {
        return Ok(false);
    }
    file.seek(SeekFrom::End(-1))?;
    let mut last = [0u8];
    file.read_exact(&mut last)?;
    Ok(last[0] != b'\n')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn resume_reads_done_and_uncertain_and_mends_a_torn_line() {
        let dir = std::env::temp_dir().join(format!("im-bulk-checkpoint-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("log.checkpoint");
        std::fs::write(&path, "a 0\nA 0\na 1\nP 1-4\nD 1-2\nP 5-6\nD 5-").unwrap();

        let (checkpoint, progress) = Checkpoint::open(&path, true).unwrap();
        assert!(progress.account_chunks_done.contains(0));
        assert!(progress.account_chunks_uncertain.contains(1));
        assert_eq!(progress.done.len(), 2);
        assert!(progress.uncertain.contains(3) && progress.uncertain.contains(6));
        checkpoint.record("D", &[4, 3]).unwrap();
        drop(checkpoint);
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(text.ends_with("D 5-\nD 3-4\n"), "{text:?}");

        let (_, fresh) = Checkpoint::open(&path, false).unwrap();
        assert!(fresh.done.is_empty());
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "");
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn a_damaged_range_is_a_typed_error_not_a_huge_set() {
        let dir = std::env::temp_dir().join(format!("im-bulk-damaged-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("log.checkpoint");
        std::fs::write(&path, "P 1-3\nD 1-3\nP 1-99999999999\n").unwrap();
        let err = Checkpoint::open(&path, true).unwrap_err();
        assert!(
            matches!(err, Error::CheckpointDamaged { line: 3, .. }),
            "{err:?}"
        );
        let text = err.to_string();
        assert!(
            text.contains("log.checkpoint") && text.contains("line 3"),
            "{text}"
        );
        // The log is left as it was, for whoever mends it.
        assert!(std::fs::read_to_string(&path)
            .unwrap()
            .ends_with("99999999999\n"));
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn a_log_belongs_to_its_shard_and_input() {
        let dir = std::env::temp_dir().join(format!("im-bulk-scoped-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let input = dir.join("relations.csv");
        std::fs::write(&input, "from,to\nalice,bob\n").unwrap();
        let shard = Shard::new(2, 4).unwrap();
        let path = Checkpoint::default_path_for(&input, shard);
        assert!(
            path.ends_with("relations.csv.shard-2-of-4.checkpoint"),
            "{path:?}"
        );
        assert_eq!(
            Checkpoint::default_path_for(&input, Shard::ALL),
            Checkpoint::default_path(&input)
        );

        let (checkpoint, _) = Checkpoint::open_for(&path, false, &input, shard).unwrap();
        checkpoint.record("D", &[2]).unwrap();
        drop(checkpoint);
        let log = std::fs::read_to_string(&path).unwrap();
        assert!(log.starts_with("S 2/4\nI 18:"), "{log}");

        // The same shard and input resume; the log is not headed twice.
        let (_, progress) = Checkpoint::open_for(&path, true, &input, shard).unwrap();
        assert!(progress.done.contains(2));
        assert_eq!(std::fs::read_to_string(&path).unwrap(), log);

        let other = Shard::new(1, 4).unwrap();
        let err = Checkpoint::open_for(&path, true, &input, other).unwrap_err();
        assert!(
            matches!(&err, Error::CheckpointMismatch { what: "shard", .. }),
            "{err:?}"
        );
        let text = err.to_string();
        assert!(text.contains("shard 2/4, not 1/4"), "{text}");

        // An input changed since (its line numbers may have moved) is another input.
        std::fs::write(&input, "from,to\nalice,bob\nbob,carol\n").unwrap();
        let err = Checkpoint::open_for(&path, true, &input, shard).unwrap_err();
        assert!(
            matches!(&err, Error::CheckpointMismatch { what: "input", .. }),
            "{err:?}"
        );
        assert!(err.to_string().contains("without --resume"), "{err}");
        // Starting afresh is always possible.
        Checkpoint::open_for(&path, false, &input, shard).unwrap();
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn a_log_without_its_header_is_not_resumed() {
        let dir = std::env::temp_dir().join(format!("im-bulk-headless-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let input = dir.join("relations.csv");
        std::fs::write(&input, "from,to\nalice,bob\n").unwrap();
        let path = dir.join("relations.csv.checkpoint");
        // An earlier im-bulk's log: `D` also stood for lines that failed.
        std::fs::write(&path, "P 2\nD 2\n").unwrap();
        let err = Checkpoint::open_for(&path, true, &input, Shard::ALL).unwrap_err();
        assert!(
            matches!(&err, Error::CheckpointWithoutHeader { .. }),
            "{err:?}"
        );
        assert!(err.to_string().contains("without --resume"), "{err}");
        assert!(!err.to_string().contains("  "), "one line of prose: {err}");
        // Starting afresh is possible, and so is resuming a log that was never written.
        Checkpoint::open_for(&path, false, &input, Shard::ALL).unwrap();
        std::fs::remove_file(&path).unwrap();
        Checkpoint::open_for(&path, true, &input, Shard::ALL).unwrap();
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn a_log_belongs_to_its_accounts_file_and_keeps_its_lines_apart() {
        let dir = std::env::temp_dir().join(format!("im-bulk-accounts-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let input = dir.join("relations.csv");
        let accounts = dir.join("accounts.csv");
        std::fs::write(&input, "from,to\nalice,bob\n").unwrap();
        std::fs::write(&accounts, "UserID,Nick\nalice,Alice\n").unwrap();
        let path = dir.join("log.checkpoint");
        let open = |resume, accounts: Option<&Path>| {
            Checkpoint::open_with_accounts(&path, resume, &input, accounts, Shard::ALL)
        };
        let (checkpoint, _) = open(false, Some(&accounts)).unwrap();
        // Line 2 of the accounts file and line 2 of the input are not the same line.
        for (kind, lines) in [("u", &[2, 3, 4][..]), ("U", &[2]), ("X", &[3]), ("W", &[5])] {
            checkpoint.record(kind, lines).unwrap();
        }
        checkpoint.record("P", &[2]).unwrap();
        drop(checkpoint);
        assert!(std::fs::read_to_string(&path).unwrap().contains("\nJ 24:"));
        let (_, progress) = open(true, Some(&accounts)).unwrap();
        assert!(progress.account_lines_done.contains(2));
        assert!(progress.account_lines_refused.contains(3));
        assert!(progress.account_lines_invalid.contains(5));
        // Sent without an answer: neither done nor settled, so sent again.
        assert!(
            !progress.account_lines_done.contains(4) && !progress.account_lines_refused.contains(4)
        );
        assert!(progress.uncertain.contains(2) && !progress.done.contains(2));

        for other in [None, Some(input.as_path())] {
            let err = open(true, other).unwrap_err();
            assert!(
                matches!(
                    &err,
                    Error::CheckpointMismatch {
                        what: "accounts file",
                        ..
                    }
                ),
                "{err:?}"
            );
        }
        // A log headed before accounts files were read belongs to a run without one.
        std::fs::write(&path, "S 1/1\nU 2\n").unwrap();
        assert!(open(true, Some(&accounts)).is_err());
        let (_, progress) = open(true, None).unwrap();
        assert!(progress.account_lines_done.contains(2));
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn later_records_replace_earlier_ones() {
        let dir = std::env::temp_dir().join(format!("im-bulk-records-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("log.checkpoint");
        // 1-5 sent; 1 done, 2 refused, 3 invalid, 4 to send again, 5 unknown; then 4 sent
        // again by a resumed run and done.
        std::fs::write(&path, "P 1-5\nD 1\nF 2\nV 3\nT 4\nP 4\nD 4\nV 9\n").unwrap();
        let (_, progress) = Checkpoint::open(&path, true).unwrap();
        let has = |set: &LineSet| (1..=9).filter(|l| set.contains(*l)).collect::<Vec<_>>();
        assert_eq!(has(&progress.done), [1, 4]);
        assert_eq!(has(&progress.refused), [2]);
        assert_eq!(has(&progress.invalid), [3, 9]);
        assert_eq!(has(&progress.uncertain), [5]);
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn an_unusable_log_is_named() {
        let err = Checkpoint::open(Path::new("/nonexistent/dir/x.checkpoint"), false).unwrap_err();
        assert!(matches!(err, Error::Checkpoint { .. }), "{err:?}");
        assert!(
            err.to_string().contains("/nonexistent/dir/x.checkpoint"),
            "{err}"
        );
    }

    #[test]
    fn the_default_path_follows_the_input() {
        assert_eq!(
            Checkpoint::default_path(Path::new("data/relations.csv")),
            Path::new("data/relations.csv.checkpoint")
        );
    }
}
