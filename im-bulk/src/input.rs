//! The input: CSV or JSON lines of relations, read one at a time.

use std::fs::File;
use std::io::{self, BufRead, BufReader};
use std::path::Path;

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
    /// What is wrong.
    pub message: String,
}

/// The relations of an input, in input order, each read when asked for.
pub type Relations = Box<dyn Iterator<Item = Result<Relation, BadLine>> + Send>;

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

/// Reads relations one by one; never holds more than one line. Opening the file and reading
/// the CSV header are errors; a line that is not a relation is a [`BadLine`] in the sequence.
pub fn read(path: &Path, format: Format) -> Result<Relations, Error> {
    let file = File::open(path).map_err(Error::input(path))?;
    match format {
        Format::Jsonl => {
            let lines = BufReader::with_capacity(1 << 16, file).lines().enumerate();
            Ok(Box::new(lines.filter_map(|(index, line)| {
                let line_no = index as u64 + 1;
                let text = match line {
                    Ok(text) => text,
                    Err(err) => {
                        return Some(Err(BadLine {
                            line: line_no,
                            message: err.to_string(),
                        }))
                    }
                };
                if text.trim().is_empty() {
                    return None;
                }
                Some(
                    serde_json::from_str::<JsonLine>(&text)
                        .map(|parsed| Relation {
                            line: line_no,
                            from: parsed.from,
                            item: parsed.item,
                        })
                        .map_err(|err| BadLine {
                            line: line_no,
                            message: format!(
                                "not a friend_import item with a \"from\" field: {err}"
                            ),
                        }),
                )
            })))
        }
        Format::Csv => {
            let mut reader = csv::ReaderBuilder::new()
                .flexible(true)
                .trim(csv::Trim::All)
                .from_reader(file);
            let headers = reader
                .headers()
                .map_err(|err| Error::input(path)(io::Error::from(err)))?
                .clone();
            let column = |name: &str| headers.iter().position(|h| h.eq_ignore_ascii_case(name));
            let (Some(from), Some(to)) = (column("from"), column("to")) else {
                return Err(Error::CsvHeader {
                    path: path.to_owned(),
                });
            };
            let (remark, group, source) = (column("remark"), column("group"), column("add_source"));
            Ok(Box::new(reader.into_records().map(move |record| {
                let record = record.map_err(|err| BadLine {
                    line: err.position().map_or(0, |p| p.line()),
                    message: err.to_string(),
                })?;
                let line = record.position().map_or(0, |p| p.line());
                let field = |index: Option<usize>| {
                    index.and_then(|i| record.get(i)).filter(|v| !v.is_empty())
                };
                let (Some(from), Some(to)) = (field(Some(from)), field(Some(to))) else {
                    return Err(BadLine {
                        line,
                        message: "the `from` and `to` columns must not be empty".into(),
                    });
                };
                let mut item =
                    FriendImportItem::new(to, field(source).unwrap_or(DEFAULT_ADD_SOURCE));
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
            })))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn temp(name: &str, text: &str) -> std::path::PathBuf {
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
        let read: Vec<_> = read(&path, Format::Jsonl).unwrap().collect();
        assert_eq!(read.len(), 2);
        let first = read[0].as_ref().unwrap();
        assert_eq!((first.line, first.from.as_str()), (1, "a"));
        assert_eq!(first.item.to_account, "b");
        assert_eq!(read[1].as_ref().unwrap_err().line, 3);

        let path = temp("rows.csv", "from,to,add_source\na,b,\na,,\n");
        let rows: Vec<_> = super::read(&path, Format::Csv).unwrap().collect();
        let first = rows[0].as_ref().unwrap();
        assert_eq!(
            (first.line, first.item.add_source.as_str()),
            (2, DEFAULT_ADD_SOURCE)
        );
        assert_eq!(rows[1].as_ref().unwrap_err().line, 3);
    }
}
