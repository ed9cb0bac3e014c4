//! The machinery of `bulk_import`: input readers, the checkpoint log, the failure report and
//! the importer itself.
//!
//! Memory: the accounts phase keeps the set of distinct UserIDs (about 40 bytes plus the ID per
//! account), and imports them while the input is still being read; the friends phase keeps at most `buffer_budget` relations waiting to be grouped
//! into requests, a bounded queue per worker, and a bit per input line for resume. Nothing
//! grows with the number of relations beyond that bit.

use std::collections::{HashMap, HashSet};
use std::fs::{File, OpenOptions};
use std::io::{self, BufRead, BufReader, BufWriter, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError};

use futures::{StreamExt, TryStreamExt};
use serde::{Deserialize, Serialize};
use tencent_im_accounts::{
    AccountCheck, AccountStatus, MultiaccountImport, MAX_ACCOUNTS_PER_REQUEST,
};
use tencent_im_core::{Client, Error, ErrorCode};
use tencent_im_friends::limits::MAX_ITEMS_PER_REQUEST;
use tencent_im_friends::{CheckType, FriendCheck, FriendImport, FriendImportItem, FriendRelation};
use tokio::sync::mpsc;

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
    pub fn detect(path: &Path) -> io::Result<Format> {
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
        let mut reader = BufReader::new(File::open(path)?);
        let first = reader
            .fill_buf()?
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

/// Reads relations one by one; never holds more than one line.
pub fn read(
    path: &Path,
    format: Format,
) -> io::Result<Box<dyn Iterator<Item = Result<Relation, BadLine>> + Send>> {
    let file = File::open(path)?;
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
            let headers = reader.headers().map_err(io::Error::other)?.clone();
            let column = |name: &str| headers.iter().position(|h| h.eq_ignore_ascii_case(name));
            let (Some(from), Some(to)) = (column("from"), column("to")) else {
                return Err(io::Error::new(
                    io::ErrorKind::InvalidData,
                    "the CSV header must name the columns `from` and `to` (and optionally remark, group, add_source)",
                ));
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

/// A growable set of line numbers.
#[derive(Debug, Default, Clone)]
pub struct LineSet(Vec<u64>);

impl LineSet {
    /// Adds `line`.
    pub fn insert(&mut self, line: u64) {
        let (word, bit) = ((line / 64) as usize, line % 64);
        if self.0.len() <= word {
            self.0.resize(word + 1, 0);
        }
        self.0[word] |= 1 << bit;
    }

    /// Removes `line`.
    pub fn remove(&mut self, line: u64) {
        if let Some(word) = self.0.get_mut((line / 64) as usize) {
            *word &= !(1 << (line % 64));
        }
    }

    /// Whether `line` is in the set.
    pub fn contains(&self, line: u64) -> bool {
        self.0
            .get((line / 64) as usize)
            .is_some_and(|word| word & (1 << (line % 64)) != 0)
    }

    /// How many lines are in the set.
    pub fn len(&self) -> u64 {
        self.0.iter().map(|w| u64::from(w.count_ones())).sum()
    }

    /// Whether the set is empty.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// `1-3,7,9-10` for sorted lines.
fn encode_ranges(lines: &[u64]) -> String {
    let mut out = String::new();
    let mut i = 0;
    while i < lines.len() {
        let start = lines[i];
        let mut end = start;
        while i + 1 < lines.len() && lines[i + 1] == end + 1 {
            i += 1;
            end = lines[i];
        }
        if !out.is_empty() {
            out.push(',');
        }
        if start == end {
            out.push_str(&start.to_string());
        } else {
            out.push_str(&format!("{start}-{end}"));
        }
        i += 1;
    }
    out
}

fn decode_ranges(text: &str, mut each: impl FnMut(u64)) -> Option<()> {
    for part in text.split(',').filter(|p| !p.is_empty()) {
        match part.split_once('-') {
            Some((a, b)) => (a.parse::<u64>().ok()?..=b.parse::<u64>().ok()?).for_each(&mut each),
            None => each(part.parse().ok()?),
        }
    }
    Some(())
}

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
    file: Mutex<BufWriter<File>>,
}

impl Checkpoint {
    /// Opens the log, reading what it holds when `resume` is set and starting it afresh
    /// otherwise.
    pub fn open(path: &Path, resume: bool) -> io::Result<(Checkpoint, Progress)> {
        let mut progress = Progress::default();
        if resume {
            match File::open(path) {
                Ok(file) => {
                    for (n, line) in BufReader::new(file).lines().enumerate() {
                        let line = line?;
                        let Some((kind, ranges)) = line.split_once(' ') else {
                            continue;
                        };
                        let ok = match kind {
                            "P" => decode_ranges(ranges, |l| progress.uncertain.insert(l)),
                            "D" => decode_ranges(ranges, |l| {
                                progress.done.insert(l);
                                progress.uncertain.remove(l);
                            }),
                            "a" => decode_ranges(ranges, |c| {
                                progress.account_chunks_uncertain.insert(c)
                            }),
                            "A" => decode_ranges(ranges, |c| {
                                progress.account_chunks_done.insert(c);
                                progress.account_chunks_uncertain.remove(c);
                            }),
                            _ => Some(()),
                        };
                        // A torn last line (killed mid-write) is ignored: its request is then
                        // treated as not recorded, which the uncertain check covers.
                        if ok.is_none() {
                            tracing::warn!(line = n + 1, "ignoring an unreadable checkpoint line");
                        }
                    }
                }
                Err(err) if err.kind() == io::ErrorKind::NotFound => {}
                Err(err) => return Err(err),
            }
        }
        let torn = resume && ends_without_newline(path)?;
        let file = OpenOptions::new()
            .create(true)
            .append(resume)
            .write(true)
            .truncate(!resume)
            .open(path)?;
        let mut file = BufWriter::new(file);
        if torn {
            // End the line a kill cut off, so the next record starts on its own line.
            file.write_all(b"\n")?;
            file.flush()?;
        }
        Ok((
            Checkpoint {
                file: Mutex::new(file),
            },
            progress,
        ))
    }

    fn record(&self, kind: &str, lines: &[u64]) -> io::Result<()> {
        let mut sorted = lines.to_vec();
        sorted.sort_unstable();
        let mut file = self.file.lock().unwrap_or_else(PoisonError::into_inner);
        writeln!(file, "{kind} {}", encode_ranges(&sorted))?;
        file.flush()
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
#[derive(Debug)]
pub struct Report {
    file: Option<Mutex<BufWriter<File>>>,
}

impl Report {
    /// Appends to `path` when resuming, else starts it afresh; `None` writes nothing.
    pub fn open(path: Option<&PathBuf>, resume: bool) -> io::Result<Report> {
        let file = match path {
            Some(path) => Some(Mutex::new(BufWriter::new(
                OpenOptions::new()
                    .create(true)
                    .append(resume)
                    .write(true)
                    .truncate(!resume)
                    .open(path)?,
            ))),
            None => None,
        };
        Ok(Report { file })
    }

    fn write(
        &self,
        line: u64,
        from: &str,
        item: Option<&FriendImportItem>,
        code: Option<ErrorCode>,
        info: &str,
    ) -> io::Result<()> {
        let Some(file) = &self.file else {
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
        serde_json::to_writer(&mut *file, &record)?;
        file.write_all(b"\n")?;
        // Flushed before the checkpoint marks the relation done, so a kill loses no failure.
        file.flush()
    }

    /// Flushes the report.
    pub fn flush(&self) -> io::Result<()> {
        match &self.file {
            Some(file) => file.lock().unwrap_or_else(PoisonError::into_inner).flush(),
            None => Ok(()),
        }
    }
}

/// Counters of a run.
#[derive(Debug, Default)]
pub struct Stats {
    /// Relations imported by this run.
    pub imported: AtomicU64,
    /// Relations that failed (reported).
    pub failed: AtomicU64,
    /// Relations whose friend belongs to another app (`Invalid_Account`, reported).
    pub invalid: AtomicU64,
    /// Relations already done by an earlier run, or already present on the service.
    pub skipped: AtomicU64,
    /// Calls made.
    pub calls: AtomicU64,
    /// Accounts imported or confirmed.
    pub accounts: AtomicU64,
}

impl Stats {
    fn add(counter: &AtomicU64, n: u64) {
        counter.fetch_add(n, Ordering::Relaxed);
    }

    /// Relations handled so far, whatever the outcome.
    pub fn handled(&self) -> u64 {
        [&self.imported, &self.failed, &self.invalid, &self.skipped]
            .iter()
            .map(|c| c.load(Ordering::Relaxed))
            .sum()
    }
}

/// A user's latest chunk: its generation, and a receiver that turns `true` when it is done.
type LastChunk = (u64, tokio::sync::watch::Receiver<bool>);

/// Runs chunks concurrently, a user's chunks one after another in submission order.
struct Scheduler {
    permits: Arc<tokio::sync::Semaphore>,
    /// The last submitted chunk of each user with one in flight.
    last: Arc<Mutex<HashMap<String, LastChunk>>>,
    generation: u64,
    tasks: tokio::task::JoinSet<io::Result<()>>,
}

impl Scheduler {
    fn new(concurrency: usize) -> Self {
        Self {
            permits: Arc::new(tokio::sync::Semaphore::new(concurrency)),
            last: Arc::default(),
            generation: 0,
            tasks: tokio::task::JoinSet::new(),
        }
    }

    async fn submit(&mut self, importer: &Arc<Importer>, chunk: Vec<Relation>) -> io::Result<()> {
        // Back-pressure: at most `concurrency` chunks are held, running or waiting their turn.
        let permit = Arc::clone(&self.permits)
            .acquire_owned()
            .await
            .map_err(io::Error::other)?;
        while let Some(done) = self.tasks.try_join_next() {
            done.map_err(io::Error::other)??;
        }
        self.generation += 1;
        let generation = self.generation;
        let from = chunk[0].from.clone();
        let (done_tx, done_rx) = tokio::sync::watch::channel(false);
        let previous = self
            .last
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .insert(from.clone(), (generation, done_rx))
            .map(|(_, rx)| rx);
        let last = Arc::clone(&self.last);
        let importer = Arc::clone(importer);
        self.tasks.spawn(async move {
            if let Some(mut previous) = previous {
                // Ends when the user's previous chunk is done (or its task is gone).
                let _ = previous.wait_for(|done| *done).await;
            }
            let result = importer.send_chunk(chunk).await;
            let _ = done_tx.send(true);
            let mut last = last.lock().unwrap_or_else(PoisonError::into_inner);
            if last.get(&from).is_some_and(|(g, _)| *g == generation) {
                last.remove(&from);
            }
            drop(permit);
            result
        });
        Ok(())
    }

    async fn finish(mut self) -> io::Result<()> {
        while let Some(done) = self.tasks.join_next().await {
            done.map_err(io::Error::other)??;
        }
        Ok(())
    }
}

/// Settings of the importer.
#[derive(Debug, Clone, Copy)]
pub struct Options {
    /// friend_import requests in flight at once (one user's requests go one after another).
    pub concurrency: usize,
    /// Relations held while grouping them by user; past it the largest groups are sent early.
    pub buffer_budget: usize,
}

impl Default for Options {
    fn default() -> Self {
        Self {
            concurrency: 16,
            buffer_budget: 50_000,
        }
    }
}

/// What the first pass over the input found.
#[derive(Debug, Default)]
pub struct Survey {
    /// Lines that are relations, readable or not.
    pub relations: u64,
    /// Distinct valid UserIDs.
    pub accounts: u64,
}

/// The importer: accounts first, then friends.
#[derive(Debug)]
pub struct Importer {
    client: Client,
    checkpoint: Checkpoint,
    report: Report,
    progress: Progress,
    options: Options,
    /// Counters, readable while the import runs.
    pub stats: Arc<Stats>,
}

impl Importer {
    /// An importer writing to `checkpoint` and `report`, resuming from `progress`.
    pub fn new(
        client: Client,
        checkpoint: Checkpoint,
        report: Report,
        progress: Progress,
        options: Options,
    ) -> Self {
        Self {
            client,
            checkpoint,
            report,
            progress,
            options,
            stats: Arc::default(),
        }
    }

    /// Pass 1: reads the input once, importing the accounts that appear as they are found, 100
    /// per multiaccount_import, in order of first appearance (so chunk numbers are the same in
    /// every run). Chunks an earlier run finished are skipped; uncertain ones are checked with
    /// account_check first. Returns what the pass found and the accounts that failed.
    pub async fn import_accounts(
        &self,
        path: &Path,
        format: Format,
    ) -> io::Result<(Survey, Vec<(String, String)>)> {
        let (tx, rx) = mpsc::channel::<Vec<String>>(self.options.concurrency.max(1) * 2);
        let path = path.to_owned();
        let reader = tokio::task::spawn_blocking(move || -> io::Result<Survey> {
            let mut seen: HashSet<Box<str>> = HashSet::new();
            let mut survey = Survey::default();
            let mut batch = Vec::with_capacity(MAX_ACCOUNTS_PER_REQUEST);
            for relation in read(&path, format)? {
                survey.relations += 1;
                let Ok(relation) = relation else { continue };
                for id in [relation.from.as_str(), relation.item.to_account.as_str()] {
                    if tencent_im_core::check::user_id(|| "UserID", id).is_ok()
                        && !seen.contains(id)
                    {
                        seen.insert(Box::from(id));
                        batch.push(id.to_owned());
                        if batch.len() == MAX_ACCOUNTS_PER_REQUEST {
                            let full = std::mem::replace(
                                &mut batch,
                                Vec::with_capacity(MAX_ACCOUNTS_PER_REQUEST),
                            );
                            if tx.blocking_send(full).is_err() {
                                return Ok(survey);
                            }
                        }
                    }
                }
            }
            survey.accounts = seen.len() as u64;
            if !batch.is_empty() {
                let _ = tx.blocking_send(batch);
            }
            Ok(survey)
        });
        let chunks = futures::stream::unfold(rx, |mut rx| async move {
            rx.recv().await.map(|chunk| (chunk, rx))
        });
        let failures: Mutex<Vec<(String, String)>> = Mutex::new(Vec::new());
        chunks
            .enumerate()
            .map(Ok::<_, io::Error>)
            .try_for_each_concurrent(self.options.concurrency, |(index, chunk)| {
                let failures = &failures;
                async move {
                    let index = index as u64;
                    if self.progress.account_chunks_done.contains(index) {
                        Stats::add(&self.stats.accounts, chunk.len() as u64);
                        return Ok(());
                    }
                    let mut chunk = chunk;
                    if self.progress.account_chunks_uncertain.contains(index) {
                        Stats::add(&self.stats.calls, 1);
                        if let Ok(check) = self.client.call(&AccountCheck::new(chunk.clone())).await
                        {
                            let imported: Vec<&str> = check
                                .results
                                .iter()
                                .filter(|r| r.status == Some(AccountStatus::Imported))
                                .map(|r| r.user_id.as_str())
                                .collect();
                            Stats::add(&self.stats.accounts, imported.len() as u64);
                            chunk.retain(|id| !imported.contains(&id.as_str()));
                        }
                    }
                    if !chunk.is_empty() {
                        self.checkpoint.record("a", &[index])?;
                        Stats::add(&self.stats.calls, 1);
                        match self
                            .client
                            .call(&MultiaccountImport::new(chunk.clone()))
                            .await
                        {
                            Ok(response) => {
                                Stats::add(
                                    &self.stats.accounts,
                                    (chunk.len() - response.fail_accounts.len()) as u64,
                                );
                                for id in response.fail_accounts {
                                    failures
                                        .lock()
                                        .unwrap_or_else(PoisonError::into_inner)
                                        .push((
                                            id,
                                            "listed in FailAccounts by multiaccount_import"
                                                .to_owned(),
                                        ));
                                }
                            }
                            Err(err) => {
                                let text = err.to_string();
                                let mut failures =
                                    failures.lock().unwrap_or_else(PoisonError::into_inner);
                                for id in chunk {
                                    failures.push((id, text.clone()));
                                }
                                return Ok(());
                            }
                        }
                    }
                    self.checkpoint.record("A", &[index])
                }
            })
            .await?;
        let survey = reader.await.map_err(io::Error::other)??;
        let failures = failures
            .into_inner()
            .unwrap_or_else(PoisonError::into_inner);
        Ok((survey, failures))
    }

    /// Pass 2: friends, grouped by `from` into requests of up to 1000. Up to `concurrency`
    /// requests are in flight; a user's next request waits for that user's previous one, so one
    /// user's requests go out in order while different users proceed concurrently.
    pub async fn import_friends(self: &Arc<Self>, path: &Path, format: Format) -> io::Result<()> {
        let mut scheduler = Scheduler::new(self.options.concurrency.max(1));

        // Lines travel in batches: one channel operation per 1024 relations, not per relation.
        const BATCH: usize = 1024;
        let (tx, mut rx) = mpsc::channel::<Vec<Result<Relation, BadLine>>>(8);
        let path = path.to_owned();
        let reader = tokio::task::spawn_blocking(move || -> io::Result<()> {
            let mut batch = Vec::with_capacity(BATCH);
            for relation in read(&path, format)? {
                batch.push(relation);
                if batch.len() == BATCH
                    && tx
                        .blocking_send(std::mem::replace(&mut batch, Vec::with_capacity(BATCH)))
                        .is_err()
                {
                    return Ok(());
                }
            }
            if !batch.is_empty() {
                let _ = tx.blocking_send(batch);
            }
            Ok(())
        });

        let mut buffers: HashMap<String, Vec<Relation>> = HashMap::new();
        let mut buffered = 0usize;
        while let Some(batch) = rx.recv().await {
            for next in batch {
                let relation = match next {
                    Ok(relation) => relation,
                    Err(bad) => {
                        if self.progress.done.contains(bad.line) {
                            Stats::add(&self.stats.skipped, 1);
                        } else {
                            self.report.write(bad.line, "", None, None, &bad.message)?;
                            self.checkpoint.record("D", &[bad.line])?;
                            Stats::add(&self.stats.failed, 1);
                        }
                        continue;
                    }
                };
                if self.progress.done.contains(relation.line) {
                    Stats::add(&self.stats.skipped, 1);
                    continue;
                }
                let invalid = tencent_im_core::check::user_id(|| "from", &relation.from)
                    .and_then(|()| relation.item.check(0))
                    .err();
                if let Some(err) = invalid {
                    self.report.write(
                        relation.line,
                        &relation.from,
                        Some(&relation.item),
                        None,
                        &err.to_string(),
                    )?;
                    self.checkpoint.record("D", &[relation.line])?;
                    Stats::add(&self.stats.failed, 1);
                    continue;
                }
                let buffer = match buffers.get_mut(relation.from.as_str()) {
                    Some(buffer) => buffer,
                    None => buffers.entry(relation.from.clone()).or_default(),
                };
                buffer.push(relation);
                buffered += 1;
                if buffer.len() >= MAX_ITEMS_PER_REQUEST {
                    let chunk = std::mem::take(buffer);
                    buffered -= chunk.len();
                    let from = chunk[0].from.clone();
                    buffers.remove(&from);
                    scheduler.submit(self, chunk).await?;
                }
                if buffered > self.options.buffer_budget {
                    // Unsorted input: send the largest groups early to keep memory flat.
                    let mut sizes: Vec<(usize, String)> =
                        buffers.iter().map(|(k, v)| (v.len(), k.clone())).collect();
                    sizes.sort_unstable_by(|a, b| b.cmp(a));
                    for (_, from) in sizes {
                        if buffered <= self.options.buffer_budget / 2 {
                            break;
                        }
                        if let Some(chunk) = buffers.remove(&from) {
                            buffered -= chunk.len();
                            scheduler.submit(self, chunk).await?;
                        }
                    }
                }
            }
        }
        reader.await.map_err(io::Error::other)??;
        for (_, chunk) in buffers.drain() {
            scheduler.submit(self, chunk).await?;
        }
        scheduler.finish().await?;
        self.report.flush()
    }

    /// Friends of `from` among `to`, as friend_check sees them now.
    async fn existing(&self, from: &str, to: Vec<String>) -> Result<Vec<String>, Error> {
        if to.is_empty() {
            return Ok(Vec::new());
        }
        Stats::add(&self.stats.calls, 1);
        let check = self
            .client
            .call(&FriendCheck::new(from, to, CheckType::Single))
            .await?;
        Ok(check
            .items
            .into_iter()
            .filter(|i| i.result_code.is_ok() && i.relation == FriendRelation::AWithB)
            .map(|i| i.to_account)
            .collect())
    }

    async fn send_chunk(&self, mut chunk: Vec<Relation>) -> io::Result<()> {
        let from = chunk[0].from.clone();
        // Relations an interrupted run may have sent: send only those not on the service.
        let uncertain: Vec<String> = chunk
            .iter()
            .filter(|r| self.progress.uncertain.contains(r.line))
            .map(|r| r.item.to_account.clone())
            .collect();
        if !uncertain.is_empty() {
            if let Ok(present) = self.existing(&from, uncertain).await {
                let present: HashSet<String> = present.into_iter().collect();
                let before = chunk.len();
                let (already, rest): (Vec<Relation>, Vec<Relation>) =
                    chunk.into_iter().partition(|r| {
                        self.progress.uncertain.contains(r.line)
                            && present.contains(&r.item.to_account)
                    });
                chunk = rest;
                let lines: Vec<u64> = already.iter().map(|r| r.line).collect();
                if !lines.is_empty() {
                    self.checkpoint.record("D", &lines)?;
                }
                Stats::add(&self.stats.skipped, (before - chunk.len()) as u64);
            }
        }
        if chunk.is_empty() {
            return Ok(());
        }
        let (lines, items): (Vec<u64>, Vec<FriendImportItem>) =
            chunk.into_iter().map(|r| (r.line, r.item)).unzip();
        self.checkpoint.record("P", &lines)?;
        let request = FriendImport::new(&from, items);
        Stats::add(&self.stats.calls, 1);
        match self.client.call(&request).await {
            Ok(response) => {
                let mut to_verify = Vec::new();
                for ((line, item), result) in
                    lines.iter().zip(&request.items).zip(&response.results)
                {
                    if result.is_ok() {
                        Stats::add(&self.stats.imported, 1);
                    } else if response.invalid_accounts.contains(&item.to_account) {
                        Stats::add(&self.stats.invalid, 1);
                        self.report.write(
                            *line,
                            &from,
                            Some(item),
                            Some(result.result_code),
                            &result.result_info,
                        )?;
                    } else if result.result_code == ErrorCode::SNS_BAD_PARAMETER {
                        // "Already a friend": present before this run, or made by an attempt
                        // whose answer was lost. Either way it is there; checked below.
                        to_verify.push((*line, item));
                    } else {
                        Stats::add(&self.stats.failed, 1);
                        self.report.write(
                            *line,
                            &from,
                            Some(item),
                            Some(result.result_code),
                            &result.result_info,
                        )?;
                    }
                }
                // Items the answer did not cover (a malformed answer) fail visibly.
                for (line, item) in lines
                    .iter()
                    .zip(&request.items)
                    .skip(response.results.len())
                {
                    Stats::add(&self.stats.failed, 1);
                    self.report.write(
                        *line,
                        &from,
                        Some(item),
                        None,
                        "no result for this item in the answer",
                    )?;
                }
                if !to_verify.is_empty() {
                    let names = to_verify
                        .iter()
                        .map(|(_, item)| item.to_account.clone())
                        .collect();
                    let present: HashSet<String> = self
                        .existing(&from, names)
                        .await
                        .unwrap_or_default()
                        .into_iter()
                        .collect();
                    for (line, item) in to_verify {
                        if present.contains(&item.to_account) {
                            Stats::add(&self.stats.skipped, 1);
                        } else {
                            Stats::add(&self.stats.failed, 1);
                            self.report.write(
                                line,
                                &from,
                                Some(item),
                                Some(ErrorCode::SNS_BAD_PARAMETER),
                                "friend_import refused the item (30001)",
                            )?;
                        }
                    }
                }
            }
            Err(err) => {
                let text = err.to_string();
                for (line, item) in lines.iter().zip(&request.items) {
                    Stats::add(&self.stats.failed, 1);
                    self.report
                        .write(*line, &from, Some(item), err.code(), &text)?;
                }
            }
        }
        self.checkpoint.record("D", &lines)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranges_round_trip() {
        let lines = [1, 2, 3, 7, 9, 10, 12];
        let text = encode_ranges(&lines);
        assert_eq!(text, "1-3,7,9-10,12");
        let mut back = Vec::new();
        decode_ranges(&text, |l| back.push(l)).unwrap();
        assert_eq!(back, lines);
        assert!(decode_ranges("1-x", |_| {}).is_none());
    }

    #[test]
    fn line_sets() {
        let mut set = LineSet::default();
        set.insert(3);
        set.insert(1000);
        assert!(set.contains(3) && set.contains(1000) && !set.contains(4));
        set.remove(3);
        assert_eq!(set.len(), 1);
    }
}
