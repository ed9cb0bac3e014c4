//! The input: CSV or JSON lines of relations, read one at a time.

use std::fs::File;
use std::io::{self, BufRead, BufReader, Read};
use std::path::{Path, PathBuf};

use serde::Deserialize;
use tencent_im_friends::FriendImportItem;

use crate::Error;

/// The add source used when a CSV row has none.
pub const DEFAULT_ADD_SOURCE: &str = "AddSource_Type_Import";

/// One relation of the input.
#[derive(Debug, Clone)]
pub struct Relation {
    /// 1-based line (CSV: record) number in the input.
    pub line: u64,
    /// `From_Account`.
    pub from: String,
    /// The friend_import item.
    pub item: FriendImportItem,
}

/// A line that could not be read as a relation.
#[derive(Debug, Clone)]
pub struct BadLine {
    /// 1-based line number.
    pub line: u64,
    /// The line as it was in the input (CSV: the row's fields, re-quoted where needed; invalid
    /// UTF-8 replaced by U+FFFD), so that it can be reported, mended and fed back.
    pub text: String,
    /// What is wrong.
    pub message: String,
}

/// One line of the input: a relation, or a line that is not one.
pub type Line = Result<Relation, BadLine>;

/// The lines of an input, in input order, each read when asked for. An `Err` ends the
/// sequence: the file could not be read further.
pub type Relations = Box<dyn Iterator<Item = Result<Line, Error>> + Send>;

/// The lines of an input file, each a `T` or a line that is not one, each read when asked for.
pub(crate) type Lines<T> = Box<dyn Iterator<Item = Result<Result<T, BadLine>, Error>> + Send>;

/// The input file formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// CSV with a `from,to` header and optional `remark`, `group`, `add_source` columns.
    Csv,
    /// One JSON friend_import item per line, with a `from` field.
    Jsonl,
}

impl Format {
    /// By extension (`.csv`, `.jsonl`, `.ndjson`, `.json`), else by the first non-blank byte.
    pub fn detect(path: &Path) -> Result<Format, Error> {
        match path
            .extension()
            .and_then(|e| e.to_str())
            .map(str::to_ascii_lowercase)
            .as_deref()
        {
            Some("csv") => return Ok(Format::Csv),
            Some("jsonl" | "ndjson" | "json") => return Ok(Format::Jsonl),
            _ => {}
        }
        let mut reader = BufReader::new(File::open(path).map_err(Error::input(path))?);
        let first = reader
            .fill_buf()
            .map_err(Error::input(path))?
            .iter()
            .find(|b| !b.is_ascii_whitespace())
            .copied();
        Ok(if first == Some(b'{') {
            Format::Jsonl
        } else {
            Format::Csv
        })
    }
}

#[derive(Deserialize)]
struct JsonLine {
    from: String,
    #[serde(flatten)]
    item: FriendImportItem,
}

/// A report line of an unreadable input line (`{"input": "...", ...}`), fed back as input.
#[derive(Deserialize)]
struct ReportedBadLine {
    input: String,
}

/// Reads relations one by one; never holds more than one line. Opening the file and reading
/// the CSV header are errors; a line that is not a relation is a [`BadLine`] in the sequence; a
/// read that fails ends the sequence with [`Error::Input`].
pub fn read(path: &Path, format: Format) -> Result<Relations, Error> {
    let file = File::open(path).map_err(Error::input(path))?;
    read_from(file, path, format)
}

/// [`read`] over any reader; `path` names it in errors.
pub(crate) fn read_from(
    reader: impl Read + Send + 'static,
    path: &Path,
    format: Format,
) -> Result<Relations, Error> {
    match format {
        Format::Jsonl => Ok(Box::new(JsonLines::new(reader, path, json_line))),
        Format::Csv => read_csv(reader, path),
    }
}

/// JSON lines, read as bytes so that a line of invalid UTF-8 is one bad line, not a read error;
/// each non-blank line is handed to `parse` with its number.
pub(crate) struct JsonLines<R, T> {
    reader: BufReader<R>,
    path: PathBuf,
    line: u64,
    buffer: Vec<u8>,
    /// Set after a read error: the sequence has ended. A reader that fails once may fail the
    /// same way forever (a directory, a dead disk); going on would yield bad lines endlessly.
    failed: bool,
    parse: fn(u64, &[u8]) -> Result<T, BadLine>,
}

impl<R: Read, T> JsonLines<R, T> {
    pub(crate) fn new(reader: R, path: &Path, parse: fn(u64, &[u8]) -> Result<T, BadLine>) -> Self {
        Self {
            reader: BufReader::with_capacity(1 << 16, reader),
            path: path.to_owned(),
            line: 0,
            buffer: Vec::new(),
            failed: false,
            parse,
        }
    }
}

impl<R: Read, T> Iterator for JsonLines<R, T> {
    type Item = Result<Result<T, BadLine>, Error>;

    fn next(&mut self) -> Option<Self::Item> {
        loop {
            if self.failed {
                return None;
            }
            self.buffer.clear();
            match self.reader.read_until(b'\n', &mut self.buffer) {
                Ok(0) => return None,
                Ok(_) => {}
                Err(err) if err.kind() == io::ErrorKind::Interrupted => continue,
                Err(err) => {
                    self.failed = true;
                    return Some(Err(Error::input(&self.path)(err)));
                }
            }
            self.line += 1;
            let bytes = self.buffer.strip_suffix(b"\n").unwrap_or(&self.buffer);
            let bytes = bytes.strip_suffix(b"\r").unwrap_or(bytes);
            if bytes.iter().all(u8::is_ascii_whitespace) {
                continue;
            }
            return Some(Ok((self.parse)(self.line, bytes)));
        }
    }
}

fn json_line(line: u64, bytes: &[u8]) -> Line {
    json_value(line, bytes, "a friend_import item with a \"from\" field").map(|parsed: JsonLine| {
        Relation {
            line,
            from: parsed.from,
            item: parsed.item,
        }
    })
}

/// Line `line` of a JSON lines input, `bytes`, as a `T`; `what` says what `T` is in the
/// message of a line that is not one.
pub(crate) fn json_value<T: serde::de::DeserializeOwned>(
    line: u64,
    bytes: &[u8],
    what: &str,
) -> Result<T, BadLine> {
    let text = match std::str::from_utf8(bytes) {
        Ok(text) => text,
        Err(err) => {
            return Err(BadLine {
                line,
                text: String::from_utf8_lossy(bytes).into_owned(),
                message: format!("not UTF-8: {err}"),
            })
        }
    };
    serde_json::from_str::<T>(text).map_err(|err| BadLine {
        line,
        // A bad line of an earlier report comes back as the line it was, not nested in the
        // report's record, so a report fed back reports the same text again.
        text: serde_json::from_str::<ReportedBadLine>(text)
            .map_or_else(|_| text.to_owned(), |reported| reported.input),
        message: format!("not {what}: {err}"),
    })
}

fn read_csv(reader: impl Read + Send + 'static, path: &Path) -> Result<Relations, Error> {
    csv_lines(reader, path, |headers| {
        let column = |name: &str| csv_column(headers, &[name]);
        let (Some(from), Some(to)) = (column("from"), column("to")) else {
            return Err(Error::CsvHeader {
                path: path.to_owned(),
            });
        };
        let optional = [column("remark"), column("group"), column("add_source")];
        Ok(move |record: &csv::ByteRecord| csv_row(record, [from, to], optional))
    })
}

/// The index of the first header cell that is one of `names` (ASCII case-insensitive,
/// surrounding spaces ignored).
pub(crate) fn csv_column(headers: &csv::ByteRecord, names: &[&str]) -> Option<usize> {
    headers.iter().position(|h| {
        names
            .iter()
            .any(|name| h.trim_ascii().eq_ignore_ascii_case(name.as_bytes()))
    })
}

/// The rows of a CSV input: `columns` reads the header and gives back how to read a row, whose
/// number is its line. A row the CSV rules reject is a [`BadLine`]; a read that fails ends the
/// sequence with [`Error::Input`].
pub(crate) fn csv_lines<T, F>(
    reader: impl Read + Send + 'static,
    path: &Path,
    columns: impl FnOnce(&csv::ByteRecord) -> Result<F, Error>,
) -> Result<Lines<T>, Error>
where
    F: Fn(&csv::ByteRecord) -> Result<T, BadLine> + Send + 'static,
    T: 'static,
{
    // Fields are trimmed by `row` rather than by the reader, so that a bad row is reported as
    // it was written.
    let mut reader = csv::ReaderBuilder::new().flexible(true).from_reader(reader);
    let headers = reader
        .byte_headers()
        .map_err(|err| Error::input(path)(io::Error::from(err)))?
        .clone();
    let row = columns(&headers)?;
    let path = path.to_owned();
    let mut failed = false;
    let records = reader.into_byte_records().map_while(move |record| {
        if failed {
            return None;
        }
        let record = match record {
            Ok(record) => record,
            Err(err) if err.is_io_error() => {
                // As for JSON lines: a read error ends the input.
                failed = true;
                let csv::ErrorKind::Io(err) = err.into_kind() else {
                    return None;
                };
                return Some(Err(Error::input(&path)(err)));
            }
            Err(err) => {
                let line = err.position().map_or(0, |p| p.line());
                return Some(Ok(Err(BadLine {
                    line,
                    text: String::new(),
                    message: err.to_string(),
                })));
            }
        };
        Some(Ok(row(&record)))
    });
    Ok(Box::new(records))
}

/// The fields of a CSV row, trimmed, or the [`BadLine`] of a row with a field that is not
/// UTF-8.
pub(crate) fn csv_fields(record: &csv::ByteRecord) -> Result<Vec<&str>, BadLine> {
    let mut fields = Vec::with_capacity(record.len());
    for (index, field) in record.iter().enumerate() {
        match std::str::from_utf8(field) {
            Ok(text) => fields.push(text.trim()),
            Err(err) => {
                return Err(BadLine {
                    line: record.position().map_or(0, |p| p.line()),
                    text: csv_text(record),
                    message: format!("column {} is not UTF-8: {err}", index + 1),
                })
            }
        }
    }
    Ok(fields)
}

fn csv_row(
    record: &csv::ByteRecord,
    [from, to]: [usize; 2],
    [remark, group, source]: [Option<usize>; 3],
) -> Line {
    let line = record.position().map_or(0, |p| p.line());
    let bad = |message: String| BadLine {
        line,
        text: csv_text(record),
        message,
    };
    let fields = csv_fields(record)?;
    let field = |index: Option<usize>| {
        index
            .and_then(|i| fields.get(i))
            .copied()
            .filter(|v| !v.is_empty())
    };
    let (Some(from), Some(to)) = (field(Some(from)), field(Some(to))) else {
        return Err(bad("the `from` and `to` columns must not be empty".into()));
    };
    let mut item = FriendImportItem::new(to, field(source).unwrap_or(DEFAULT_ADD_SOURCE));
    if let Some(remark) = field(remark) {
        item = item.remark(remark);
    }
    if let Some(group) = field(group) {
        item = item.group(group);
    }
    Ok(Relation {
        line,
        from: from.to_owned(),
        item,
    })
}

/// A CSV row as text again: its fields, quoted where the CSV rules need it.
pub(crate) fn csv_text(record: &csv::ByteRecord) -> String {
    let mut writer = csv::WriterBuilder::new()
        .terminator(csv::Terminator::Any(b'\n'))
        .from_writer(Vec::new());
    let bytes = writer
        .write_byte_record(record)
        .ok()
        .and_then(|()| writer.into_inner().ok())
        .unwrap_or_default();
    let text = String::from_utf8_lossy(&bytes);
    text.strip_suffix('\n').unwrap_or(&text).to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn temp(name: &str, text: impl AsRef<[u8]>) -> std::path::PathBuf {
        let dir = std::env::temp_dir().join(format!("im-bulk-input-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join(name);
        std::fs::write(&path, text).unwrap();
        path
    }

    #[test]
    fn a_missing_input_is_named() {
        let path = Path::new("/nonexistent/relations.txt");
        for err in [
            Format::detect(path).unwrap_err(),
            read(path, Format::Csv).err().unwrap(),
        ] {
            assert!(matches!(err, Error::Input { .. }), "{err:?}");
            assert!(
                err.to_string().contains("/nonexistent/relations.txt"),
                "{err}"
            );
        }
    }

    #[test]
    fn a_csv_header_without_from_and_to_is_named() {
        let path = temp("no-header.csv", "a,b\nalice,bob\n");
        let err = read(&path, Format::Csv).err().unwrap();
        assert!(matches!(err, Error::CsvHeader { .. }), "{err:?}");
        assert!(err.to_string().contains("no-header.csv"), "{err}");
    }

    #[test]
    fn formats_by_extension_then_by_content() {
        let json = temp(
            "relations.txt",
            "\n  {\"from\":\"a\",\"To_Account\":\"b\"}\n",
        );
        assert_eq!(Format::detect(&json).unwrap(), Format::Jsonl);
        let csv = temp("relations.data", "from,to\na,b\n");
        assert_eq!(Format::detect(&csv).unwrap(), Format::Csv);
        assert_eq!(
            Format::detect(Path::new("/nonexistent/x.NDJSON")).unwrap(),
            Format::Jsonl
        );
    }

    #[test]
    fn lines_and_bad_lines_keep_their_numbers() {
        let path = temp(
            "mixed.jsonl",
            "{\"from\":\"a\",\"To_Account\":\"b\",\"AddSource\":\"AddSource_Type_X\"}\n\nnot json\n",
        );
        let read: Vec<_> = read(&path, Format::Jsonl)
            .unwrap()
            .map(Result::unwrap)
            .collect();
        assert_eq!(read.len(), 2);
        let first = read[0].as_ref().unwrap();
        assert_eq!((first.line, first.from.as_str()), (1, "a"));
        assert_eq!(first.item.to_account, "b");
        let bad = read[1].as_ref().unwrap_err();
        assert_eq!((bad.line, bad.text.as_str()), (3, "not json"));

        let path = temp("rows.csv", "from,to,add_source\na,b,\na,,\n");
        let rows: Vec<_> = super::read(&path, Format::Csv)
            .unwrap()
            .map(Result::unwrap)
            .collect();
        let first = rows[0].as_ref().unwrap();
        assert_eq!(
            (first.line, first.item.add_source.as_str()),
            (2, DEFAULT_ADD_SOURCE)
        );
        let bad = rows[1].as_ref().unwrap_err();
        assert_eq!((bad.line, bad.text.as_str()), (3, "a,,"));
    }

    #[test]
    fn bad_lines_keep_their_text() {
        let path = temp(
            "bad.csv",
            b"from,to,remark\n\"al,ice\", ,\"say \"\"hi\"\"\"\nbob,\xff\n",
        );
        let rows: Vec<_> = read(&path, Format::Csv)
            .unwrap()
            .map(|r| r.unwrap().unwrap_err())
            .collect();
        assert_eq!(rows[0].text, "\"al,ice\", ,\"say \"\"hi\"\"\"");
        assert!(rows[1].message.contains("not UTF-8"), "{}", rows[1].message);

        // A bad line reported earlier comes back as itself, not nested in its report record.
        let path = temp(
            "report.jsonl",
            b"{\"line\":3,\"outcome\":\"invalid\",\"input\":\"not json\",\"info\":\"x\"}\n\xfe{}\n",
        );
        let lines: Vec<_> = read(&path, Format::Jsonl)
            .unwrap()
            .map(|r| r.unwrap().unwrap_err())
            .collect();
        assert_eq!((lines[0].line, lines[0].text.as_str()), (1, "not json"));
        assert_eq!(lines[1].text, "\u{fffd}{}");
        assert!(
            lines[1].message.contains("not UTF-8"),
            "{}",
            lines[1].message
        );
    }

    /// A reader that fails every time, as a directory or a dead disk does.
    struct Broken;

    impl Read for Broken {
        fn read(&mut self, _: &mut [u8]) -> io::Result<usize> {
            Err(io::Error::other("device gone"))
        }
    }

    #[test]
    fn a_reader_that_keeps_failing_ends_the_input_with_an_error() {
        let path = Path::new("gone.jsonl");
        for format in [Format::Jsonl, Format::Csv] {
            let results: Vec<_> = match read_from(Broken, path, format) {
                Ok(lines) => lines.take(10).collect(),
                Err(err) => vec![Err(err)],
            };
            assert_eq!(results.len(), 1, "{format:?}: {results:?}");
            let err = results.into_iter().next().unwrap().unwrap_err();
            assert!(matches!(err, Error::Input { .. }), "{err:?}");
            assert!(err.to_string().contains("gone.jsonl"), "{err}");
        }
    }

    #[test]
    fn a_directory_as_input_is_one_error() {
        let dir = std::env::temp_dir().join(format!("im-bulk-dir-{}.jsonl", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let results: Vec<_> = match read(&dir, Format::Jsonl) {
            Ok(lines) => lines.take(10).collect(),
            Err(err) => vec![Err(err)],
        };
        assert_eq!(results.len(), 1, "{results:?}");
        assert!(results[0].is_err(), "{results:?}");
        let _ = std::fs::remove_dir(&dir);
    }
}
