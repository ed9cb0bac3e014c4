//! The checkpoint log and what it tells about an interrupted run ([`Progress`]).
//!
//! One record per line, `KIND RANGES`, flushed as written:
//!
//! - `P 1-3,7`: friend_import about to be sent for these input lines;
//! - `D 1-3,7`: these input lines are handled (imported, failed, reported or skipped);
//! - `a 4`: multiaccount_import about to be sent for this account chunk (100 accounts each, in
//!   order of first appearance in the input);
//! - `A 4`: this account chunk is handled.

use std::fs::{File, OpenOptions};
use std::io::{self, BufRead, BufReader, BufWriter, Write};
use std::path::{Path, PathBuf};
use std::sync::{Mutex, PoisonError};

use crate::lines::{decode_ranges, encode_ranges, RangeError};
use crate::{Error, LineSet};

/// What an earlier, interrupted run finished.
#[derive(Debug, Default)]
pub struct Progress {
    /// Relations whose request was answered (imported, failed or skipped).
    pub done: LineSet,
    /// Relations whose request went out without an answer being recorded: the service may or
    /// may not have applied them, so they are checked before being sent again.
    pub uncertain: LineSet,
    /// Account chunks answered.
    pub account_chunks_done: LineSet,
    /// Account chunks sent without a recorded answer.
    pub account_chunks_uncertain: LineSet,
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

    /// Opens the log, reading what it holds when `resume` is set and starting it afresh
    /// otherwise. Resuming without a log starts from nothing.
    pub fn open(path: &Path, resume: bool) -> Result<(Checkpoint, Progress), Error> {
        let mut progress = Progress::default();
        if resume {
            match File::open(path) {
                Ok(file) => {
                    for (n, line) in BufReader::new(file).lines().enumerate() {
                        let line = line.map_err(Error::checkpoint(path))?;
                        let Some((kind, ranges)) = line.split_once(' ') else {
                            continue;
                        };
                        let decoded = match kind {
                            "P" => decode_ranges(ranges, |l| progress.uncertain.insert(l)),
                            "D" => decode_ranges(ranges, |l| {
                                progress.uncertain.remove(l);
                                progress.done.insert(l)
                            }),
                            "a" => decode_ranges(ranges, |c| {
                                progress.account_chunks_uncertain.insert(c)
                            }),
                            "A" => decode_ranges(ranges, |c| {
                                progress.account_chunks_uncertain.remove(c);
                                progress.account_chunks_done.insert(c)
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
        ))
    }

    /// The log's path.
    pub fn path(&self) -> &Path {
        &self.path
    }

    pub(crate) fn record(&self, kind: &str, lines: &[u64]) -> Result<(), Error> {
        let mut sorted = lines.to_vec();
        sorted.sort_unstable();
        let mut file = self.file.lock().unwrap_or_else(PoisonError::into_inner);
        writeln!(file, "{kind} {}", encode_ranges(&sorted))
            .and_then(|()| file.flush())
            .map_err(Error::checkpoint(&self.path))
    }
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
