//! The [`Importer`]: accounts first, then friends.
//!
//! Memory: the accounts phase keeps the set of distinct UserIDs of the shard (the ID's bytes
//! plus about 6 bytes per account, in one buffer and a table of offsets), and imports them
//! while the input is still being read; the friends phase keeps at most
//! [`Options::buffer_budget`] relations waiting to be grouped into requests, at most
//! [`Options::concurrency`] requests of up to 1000 relations, and a bit per input line and
//! outcome for resume. Nothing grows with the number of relations beyond those bits.

use std::collections::{HashMap, HashSet};
use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError};

use futures::{StreamExt, TryStreamExt};
use tencent_im_accounts::{
    AccountCheck, AccountStatus, ImportedAccount, MultiaccountImport, MAX_ACCOUNTS_PER_REQUEST,
};
use tencent_im_core::{Client, ErrorCode};
use tencent_im_friends::limits::MAX_ITEMS_PER_REQUEST;
use tencent_im_friends::{CheckType, FriendCheck, FriendImport, FriendImportItem, FriendRelation};
use tokio::sync::mpsc;

use crate::accounts::read_accounts;
use crate::input::read;
use crate::report::{Outcome, Subject};
use crate::seen::SeenIds;
use crate::{
    BadLine, Checkpoint, Error, Format, Line, ListedAccount, Progress, Relation, Report, Shard,
};

/// Counters of a run, updated while it runs ([`Importer::stats`]).
#[derive(Debug, Default)]
pub struct Stats {
    imported: AtomicU64,
    present: AtomicU64,
    failed: AtomicU64,
    unknown: AtomicU64,
    invalid: AtomicU64,
    skipped: AtomicU64,
    reported_before: AtomicU64,
    calls: AtomicU64,
    accounts: AtomicU64,
    account_lines_imported: AtomicU64,
    account_lines_failed: AtomicU64,
    account_lines_invalid: AtomicU64,
    account_lines_skipped: AtomicU64,
    account_lines_reported_before: AtomicU64,
}

/// The counters of a run at one moment ([`Stats::snapshot`]).
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct Counts {
    /// Relations friend_import answered as imported.
    pub imported: u64,
    /// Relations on the service that friend_import did not answer as imported: it answered
    /// "already a friend", or the call failed, and friend_check then found the relation. Either
    /// an attempt of this run made it (a retried write whose first answer was lost) or it was
    /// there before; the service's answers do not tell which. Applied either way.
    pub present: u64,
    /// Relations the service does not hold: it refused them, or the call failed and
    /// friend_check found them missing (reported, `"outcome":"failed"`).
    pub failed: u64,
    /// Relations never sent: unreadable lines, fields breaking a documented limit, and friends
    /// the service lists in `Invalid_Account` (reported, `"outcome":"invalid"`).
    pub invalid: u64,
    /// Relations whose outcome could not be established, friend_check included (reported,
    /// `"outcome":"unknown"`; the checkpoint leaves them to be checked again by `--resume`).
    pub unknown: u64,
    /// Relations done by an earlier run (per the checkpoint), or found on the service by the
    /// check of an interrupted run's requests.
    pub skipped: u64,
    /// Of `failed` and `invalid`: relations an earlier run of the checkpoint reported as
    /// refused or invalid. They are not sent again and not reported again (the earlier run's
    /// report lines, with the service's codes, stand), but they still count: a resumed run
    /// does not pass them off as done.
    pub reported_before: u64,
    /// Calls made.
    pub calls: u64,
    /// Accounts the relations name, imported or confirmed.
    pub accounts: u64,
    /// The lines of the accounts file ([`Importer::import_accounts_file`]).
    pub account_lines: AccountLineCounts,
}

/// What became of the lines of the accounts file ([`Counts::account_lines`]).
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct AccountLineCounts {
    /// Accounts multiaccount_import answered as imported (with their nickname and avatar URL).
    pub imported: u64,
    /// Accounts the service did not import: listed in `FailAccounts`, or their request failed
    /// (reported, `"outcome":"failed"`).
    pub failed: u64,
    /// Lines never sent: unreadable, a UserID or value breaking a documented limit, or a
    /// UserID given on an earlier line too (reported, `"outcome":"invalid"`).
    pub invalid: u64,
    /// Accounts imported by an earlier run (per the checkpoint).
    pub skipped: u64,
    /// Of `failed` and `invalid`: lines an earlier run reported; not sent or reported again.
    pub reported_before: u64,
}

impl Counts {
    /// Relations handled, whatever the outcome.
    pub fn handled(&self) -> u64 {
        self.imported + self.present + self.failed + self.invalid + self.unknown + self.skipped
    }

    /// Whether every relation handled is on the service (or was done by an earlier run):
    /// nothing failed, invalid or unknown.
    /// Lines of the accounts file count too: a failed or invalid one is not done.
    pub fn all_done(&self) -> bool {
        self.failed == 0
            && self.invalid == 0
            && self.unknown == 0
            && self.account_lines.failed == 0
            && self.account_lines.invalid == 0
    }
}

impl Stats {
    fn add(counter: &AtomicU64, n: u64) {
        counter.fetch_add(n, Ordering::Relaxed);
    }

    /// The counters now.
    pub fn snapshot(&self) -> Counts {
        let get = |counter: &AtomicU64| counter.load(Ordering::Relaxed);
        Counts {
            imported: get(&self.imported),
            present: get(&self.present),
            failed: get(&self.failed),
            invalid: get(&self.invalid),
            unknown: get(&self.unknown),
            skipped: get(&self.skipped),
            reported_before: get(&self.reported_before),
            calls: get(&self.calls),
            accounts: get(&self.accounts),
            account_lines: AccountLineCounts {
                imported: get(&self.account_lines_imported),
                failed: get(&self.account_lines_failed),
                invalid: get(&self.account_lines_invalid),
                skipped: get(&self.account_lines_skipped),
                reported_before: get(&self.account_lines_reported_before),
            },
        }
    }

    /// Relations handled so far, whatever the outcome.
    pub fn handled(&self) -> u64 {
        [
            &self.imported,
            &self.present,
            &self.failed,
            &self.invalid,
            &self.unknown,
            &self.skipped,
        ]
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
    tasks: tokio::task::JoinSet<Result<(), Error>>,
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

    async fn submit(
        &mut self,
        importer: &Arc<Importer>,
        chunk: Vec<Relation>,
    ) -> Result<(), Error> {
        // Back-pressure: at most `concurrency` chunks are held, running or waiting their turn.
        let permit = Arc::clone(&self.permits)
            .acquire_owned()
            .await
            .map_err(Error::task)?;
        while let Some(done) = self.tasks.try_join_next() {
            done.map_err(Error::task)??;
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

    async fn finish(mut self) -> Result<(), Error> {
        while let Some(done) = self.tasks.join_next().await {
            done.map_err(Error::task)??;
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
    /// The part of the input this importer handles: the relations whose `From_Account` falls
    /// in it, and the accounts they name. [`Shard::ALL`] by default.
    pub shard: Shard,
}

impl Default for Options {
    fn default() -> Self {
        Self {
            concurrency: 16,
            buffer_budget: 50_000,
            shard: Shard::ALL,
        }
    }
}

/// An account that multiaccount_import did not import.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FailedAccount {
    /// The UserID.
    pub user_id: String,
    /// Why: listed in `FailAccounts`, or the error of the whole request.
    pub reason: String,
}

/// What the first pass over the input found, in the importer's [`Shard`].
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Survey {
    /// Lines that are relations of the shard, readable or not (unreadable lines belong to
    /// shard 1).
    pub relations: u64,
    /// Distinct valid UserIDs those relations name, leaving out those the accounts file
    /// imported in this run ([`Importer::import_accounts_file`]).
    pub accounts: u64,
}

/// What a pass over the accounts file found, in the importer's [`Shard`].
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct AccountsFileSurvey {
    /// Lines of the shard, readable or not (unreadable lines belong to shard 1).
    pub lines: u64,
    /// Valid accounts among them with a nickname or an avatar URL (sent as `AccountList`).
    pub with_profile: u64,
    /// Valid accounts among them without either (sent as `Accounts`).
    pub without_profile: u64,
}

/// The importer: accounts first ([`Importer::import_accounts`]), then friends
/// ([`Importer::import_friends`]), both over the same input.
///
/// Every request goes through the [`Client`], so its rate limits and retry policy apply. Each
/// request is recorded in the [`Checkpoint`] before it is sent and after its answer is handled;
/// an importer built with the [`Progress`] of an interrupted run skips what is done and checks
/// with account_check / friend_check what was in flight, so nothing is sent twice. Relations
/// that fail go to the [`Report`].
#[derive(Debug)]
pub struct Importer {
    client: Client,
    checkpoint: Checkpoint,
    report: Report,
    progress: Progress,
    options: Options,
    stats: Stats,
    accounts_report: Report,
    /// The valid UserIDs of the shard's lines of the accounts file, left by
    /// [`Importer::import_accounts_file`] for [`Importer::import_accounts`], which does not
    /// import them again.
    listed: Mutex<Option<SeenIds>>,
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
            stats: Stats::default(),
            accounts_report: Report::none(),
            listed: Mutex::new(None),
        }
    }

    /// Reports the lines of the accounts file that did not make it to `report` (by default
    /// they are only counted). It is kept apart from the relations' report so that each can be
    /// fed back as the input it came from: this one as `--accounts`.
    pub fn with_accounts_report(mut self, report: Report) -> Self {
        self.accounts_report = report;
        self
    }

    /// The counters, readable while the import runs.
    pub fn stats(&self) -> &Stats {
        &self.stats
    }

    /// Pass 0, before [`Importer::import_accounts`]: imports the accounts file, 100 accounts
    /// per multiaccount_import while it is being read. Accounts with a nickname or an avatar URL
    /// go out in the `AccountList` form, which sets them (on existing accounts too); the others
    /// in the `Accounts` form. Only the shard's accounts are imported (by the same hash of the
    /// UserID that splits the relations), so each account's profile is set by one shard.
    ///
    /// Lines an earlier run settled are skipped; lines whose request was sent without a
    /// recorded answer are sent again. Unreadable lines, UserIDs or values breaking a documented
    /// limit, and a UserID given on an earlier line too are invalid; they and the accounts the
    /// service does not import go to the accounts report
    /// ([`Importer::with_accounts_report`]). The shard's valid UserIDs are then left out of
    /// [`Importer::import_accounts`].
    pub async fn import_accounts_file(
        &self,
        path: &Path,
        format: Format,
    ) -> Result<AccountsFileSurvey, Error> {
        let (tx, rx) = mpsc::channel::<AccountsFileEvent>(self.options.concurrency.max(1) * 2);
        let reader_path = path.to_owned();
        let shard = self.options.shard;
        let reader =
            tokio::task::spawn_blocking(move || -> Result<(AccountsFileSurvey, SeenIds), Error> {
                let path = reader_path;
                let mut seen = SeenIds::new();
                let mut survey = AccountsFileSurvey::default();
                // Accounts with a profile and without one go out in separate requests, each in
                // its own form.
                let mut with_profile = Vec::new();
                let mut without_profile = Vec::new();
                let send = |event| tx.blocking_send(event).is_ok();
                for line in read_accounts(&path, format)? {
                    let listed = match line? {
                        Ok(listed) if shard.contains(&listed.account.user_id) => listed,
                        Ok(_) => continue,
                        Err(bad) if shard.number() == 1 => {
                            survey.lines += 1;
                            if !send(AccountsFileEvent::Unreadable(bad)) {
                                break;
                            }
                            continue;
                        }
                        Err(_) => continue,
                    };
                    survey.lines += 1;
                    let invalid = match tencent_im_core::Validate::validate_at(
                        &listed.account,
                        &tencent_im_core::FieldPath::ROOT,
                    ) {
                        Err(err) => Some(err.to_string()),
                        Ok(()) => match seen.insert(&listed.account.user_id) {
                            Ok(true) => None,
                            Ok(false) => Some(
                                "this UserID is on an earlier line of the accounts file too: \
                                 give each account once (two lines would be sent concurrently, \
                                 and either could win)"
                                    .to_owned(),
                            ),
                            Err(_) => return Err(Error::TooManyAccounts { path: path.clone() }),
                        },
                    };
                    if let Some(message) = invalid {
                        if !send(AccountsFileEvent::Invalid(listed, message)) {
                            break;
                        }
                        continue;
                    }
                    let batch = if listed.account.has_profile() {
                        survey.with_profile += 1;
                        &mut with_profile
                    } else {
                        survey.without_profile += 1;
                        &mut without_profile
                    };
                    batch.push(listed);
                    if batch.len() == MAX_ACCOUNTS_PER_REQUEST
                        && !send(AccountsFileEvent::Chunk(std::mem::take(batch)))
                    {
                        break;
                    }
                }
                for batch in [with_profile, without_profile] {
                    if !batch.is_empty() {
                        send(AccountsFileEvent::Chunk(batch));
                    }
                }
                Ok((survey, seen))
            });
        let events = futures::stream::unfold(rx, |mut rx| async move {
            rx.recv().await.map(|event| (event, rx))
        });
        let handled = events
            .map(Ok::<_, Error>)
            .try_for_each_concurrent(self.options.concurrency, |event| async move {
                match event {
                    AccountsFileEvent::Unreadable(bad) => {
                        self.invalid_account_line(bad.line, Subject::Text(&bad.text), &bad.message)
                    }
                    AccountsFileEvent::Invalid(listed, message) => self.invalid_account_line(
                        listed.line,
                        Subject::Account(&listed.account),
                        &message,
                    ),
                    AccountsFileEvent::Chunk(chunk) => self.send_account_lines(chunk).await,
                }
            })
            .await;
        // The reader's error (the file could not be read on) says more than a send that
        // stopped because of it.
        let (survey, seen) = reader.await.map_err(Error::task)??;
        handled?;
        self.accounts_report.flush()?;
        *self.listed.lock().unwrap_or_else(PoisonError::into_inner) = Some(seen);
        Ok(survey)
    }

    /// Whether an earlier run settled line `line` of the accounts file, counting it as that
    /// run left it.
    fn account_line_settled_before(&self, line: u64) -> bool {
        let progress = &self.progress;
        let counter = if progress.account_lines_done.contains(line) {
            &self.stats.account_lines_skipped
        } else if progress.account_lines_refused.contains(line) {
            &self.stats.account_lines_failed
        } else if progress.account_lines_invalid.contains(line) {
            &self.stats.account_lines_invalid
        } else {
            return false;
        };
        Stats::add(counter, 1);
        if !progress.account_lines_done.contains(line) {
            Stats::add(&self.stats.account_lines_reported_before, 1);
        }
        true
    }

    /// Reports and records an invalid line of the accounts file, unless an earlier run did.
    fn invalid_account_line(
        &self,
        line: u64,
        subject: Subject<'_>,
        message: &str,
    ) -> Result<(), Error> {
        if self.account_line_settled_before(line) {
            return Ok(());
        }
        self.accounts_report
            .write(line, Outcome::Invalid, subject, None, message)?;
        self.checkpoint.record("W", &[line])?;
        Stats::add(&self.stats.account_lines_invalid, 1);
        Ok(())
    }

    /// Imports one chunk of the accounts file, all with a profile or all without.
    async fn send_account_lines(&self, chunk: Vec<ListedAccount>) -> Result<(), Error> {
        let chunk: Vec<ListedAccount> = chunk
            .into_iter()
            .filter(|listed| !self.account_line_settled_before(listed.line))
            .collect();
        if chunk.is_empty() {
            return Ok(());
        }
        let lines: Vec<u64> = chunk.iter().map(|listed| listed.line).collect();
        let accounts: Vec<ImportedAccount> =
            chunk.iter().map(|listed| listed.account.clone()).collect();
        let request = if accounts.iter().all(ImportedAccount::has_profile) {
            MultiaccountImport::with_profiles(accounts)
        } else {
            MultiaccountImport::new(accounts.into_iter().map(|account| account.user_id))
        };
        self.checkpoint.record("u", &lines)?;
        Stats::add(&self.stats.calls, 1);
        let (mut done, mut refused) = (Vec::new(), Vec::new());
        match self.client.call(&request).await {
            Ok(response) => {
                let failed: HashSet<&str> =
                    response.fail_accounts.iter().map(String::as_str).collect();
                for listed in &chunk {
                    if failed.contains(listed.account.user_id.as_str()) {
                        Stats::add(&self.stats.account_lines_failed, 1);
                        self.write_account_report(
                            listed,
                            None,
                            "listed in FailAccounts by multiaccount_import",
                        )?;
                        refused.push(listed.line);
                    } else {
                        Stats::add(&self.stats.account_lines_imported, 1);
                        done.push(listed.line);
                    }
                }
            }
            Err(err) => {
                // Refused as a whole with a code that does not pass: nothing was applied, and
                // sending it again would meet the same answer. Anything else (a lost answer, a
                // transient code after the client's retries) leaves the lines to be sent again
                // by a resumed run.
                let settled =
                    matches!(err, tencent_im_core::Error::Api { .. }) && !err.is_retryable();
                let text = format!("multiaccount_import failed: {err}");
                for listed in &chunk {
                    Stats::add(&self.stats.account_lines_failed, 1);
                    self.write_account_report(listed, err.code(), &text)?;
                    if settled {
                        refused.push(listed.line);
                    }
                }
            }
        }
        if !refused.is_empty() {
            self.checkpoint.record("X", &refused)?;
        }
        if !done.is_empty() {
            self.checkpoint.record("U", &done)?;
        }
        Ok(())
    }

    /// Writes an accounts report line for a failed account; `info` may quote the server, so
    /// it is scrubbed of the client's secret key and UserSig first.
    fn write_account_report(
        &self,
        listed: &ListedAccount,
        code: Option<ErrorCode>,
        info: &str,
    ) -> Result<(), Error> {
        self.accounts_report.write(
            listed.line,
            Outcome::Failed,
            Subject::Account(&listed.account),
            code,
            &self.client.scrub(info),
        )
    }

    /// Pass 1: reads the input once, importing the accounts that appear as they are found, 100
    /// per multiaccount_import, in order of first appearance (so chunk numbers are the same in
    /// every run). Chunks an earlier run finished are skipped; uncertain ones are checked with
    /// account_check first. Returns what the pass found and the accounts that failed.
    pub async fn import_accounts(
        &self,
        path: &Path,
        format: Format,
    ) -> Result<(Survey, Vec<FailedAccount>), Error> {
        let (tx, rx) = mpsc::channel::<Vec<String>>(self.options.concurrency.max(1) * 2);
        let path = path.to_owned();
        let shard = self.options.shard;
        let listed = self
            .listed
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .take();
        let reader = tokio::task::spawn_blocking(move || -> Result<Survey, Error> {
            let mut seen = listed.unwrap_or_else(SeenIds::new);
            let listed = seen.len();
            let mut survey = Survey::default();
            let mut batch = Vec::with_capacity(MAX_ACCOUNTS_PER_REQUEST);
            for line in read(&path, format)? {
                let relation = match line? {
                    Ok(relation) if shard.contains(&relation.from) => relation,
                    Ok(_) => continue,
                    Err(_) => {
                        survey.relations += u64::from(shard.number() == 1);
                        continue;
                    }
                };
                survey.relations += 1;
                for id in [relation.from.as_str(), relation.item.to_account.as_str()] {
                    if tencent_im_core::check::user_id(
                        id,
                        &tencent_im_core::FieldPath::ROOT.field("UserID"),
                    )
                    .is_ok()
                        && seen
                            .insert(id)
                            .map_err(|_| Error::TooManyAccounts { path: path.clone() })?
                    {
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
            survey.accounts = (seen.len() - listed) as u64;
            if !batch.is_empty() {
                let _ = tx.blocking_send(batch);
            }
            Ok(survey)
        });
        let chunks = futures::stream::unfold(rx, |mut rx| async move {
            rx.recv().await.map(|chunk| (chunk, rx))
        });
        let failures: Mutex<Vec<FailedAccount>> = Mutex::new(Vec::new());
        chunks
            .enumerate()
            .map(Ok::<_, Error>)
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
                                        .push(FailedAccount {
                                            user_id: id,
                                            reason: "listed in FailAccounts by multiaccount_import"
                                                .to_owned(),
                                        });
                                }
                            }
                            Err(err) => {
                                let text = err.to_string();
                                let mut failures =
                                    failures.lock().unwrap_or_else(PoisonError::into_inner);
                                for id in chunk {
                                    failures.push(FailedAccount {
                                        user_id: id,
                                        reason: text.clone(),
                                    });
                                }
                                return Ok(());
                            }
                        }
                    }
                    self.checkpoint.record("A", &[index])
                }
            })
            .await?;
        let survey = reader.await.map_err(Error::task)??;
        let failures = failures
            .into_inner()
            .unwrap_or_else(PoisonError::into_inner);
        Ok((survey, failures))
    }

    /// Pass 2: friends, grouped by `from` into requests of up to 1000. Up to `concurrency`
    /// requests are in flight; a user's next request waits for that user's previous one, so one
    /// user's requests go out in order while different users proceed concurrently.
    pub async fn import_friends(
        self: &Arc<Self>,
        path: &Path,
        format: Format,
    ) -> Result<(), Error> {
        let mut scheduler = Scheduler::new(self.options.concurrency.max(1));

        // Lines travel in batches: one channel operation per 1024 relations, not per relation.
        const BATCH: usize = 1024;
        let (tx, mut rx) = mpsc::channel::<Vec<Line>>(8);
        let path = path.to_owned();
        let reader = tokio::task::spawn_blocking(move || -> Result<(), Error> {
            let mut batch = Vec::with_capacity(BATCH);
            for relation in read(&path, format)? {
                batch.push(relation?);
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
        let shard = self.options.shard;
        while let Some(batch) = rx.recv().await {
            for next in batch {
                let relation = match next {
                    Ok(relation) if shard.contains(&relation.from) => relation,
                    Ok(_) => continue,
                    // An unreadable line has no From_Account: shard 1 handles it.
                    Err(_) if shard.number() != 1 => continue,
                    Err(bad) => {
                        if !self.settled_before(bad.line) {
                            self.write_report(
                                bad.line,
                                Outcome::Invalid,
                                Subject::Text(&bad.text),
                                None,
                                &bad.message,
                            )?;
                            self.checkpoint.record("V", &[bad.line])?;
                            Stats::add(&self.stats.invalid, 1);
                        }
                        continue;
                    }
                };
                if self.settled_before(relation.line) {
                    continue;
                }
                let root = tencent_im_core::FieldPath::ROOT;
                let invalid = tencent_im_core::check::user_id(&relation.from, &root.field("from"))
                    .and_then(|()| {
                        tencent_im_core::Validate::validate_at(&relation.item, &root.field("item"))
                    })
                    .err();
                if let Some(err) = invalid {
                    self.write_report(
                        relation.line,
                        Outcome::Invalid,
                        Subject::Relation(&relation.from, &relation.item),
                        None,
                        &err.to_string(),
                    )?;
                    self.checkpoint.record("V", &[relation.line])?;
                    Stats::add(&self.stats.invalid, 1);
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
        reader.await.map_err(Error::task)??;
        for (_, chunk) in buffers.drain() {
            scheduler.submit(self, chunk).await?;
        }
        scheduler.finish().await?;
        self.report.flush()
    }

    /// Whether an earlier run settled `line` for good, counting it as that run left it: on
    /// the service (skipped), refused (failed) or invalid. Relations whose outcome was unknown
    /// or whose call failed are not settled: they are checked and sent again.
    fn settled_before(&self, line: u64) -> bool {
        let progress = &self.progress;
        let counter = if progress.done.contains(line) {
            &self.stats.skipped
        } else if progress.refused.contains(line) {
            &self.stats.failed
        } else if progress.invalid.contains(line) {
            &self.stats.invalid
        } else {
            return false;
        };
        Stats::add(counter, 1);
        if !progress.done.contains(line) {
            Stats::add(&self.stats.reported_before, 1);
        }
        true
    }

    /// Writes a report line; `info` may quote the server, so it is scrubbed of the client's
    /// secret key and UserSig first.
    fn write_report(
        &self,
        line: u64,
        outcome: Outcome,
        subject: Subject<'_>,
        code: Option<ErrorCode>,
        info: &str,
    ) -> Result<(), Error> {
        self.report
            .write(line, outcome, subject, code, &self.client.scrub(info))
    }

    /// What friend_check says of `from`'s relations to `to` now: `Some(true)` held,
    /// `Some(false)` not held, `None` for an item friend_check failed on. Tried up to
    /// [`RECHECK_CALLS`] times (each under the client's retry policy) before giving up, since
    /// the answer decides whether a relation is reported failed.
    async fn check(
        &self,
        from: &str,
        to: Vec<String>,
    ) -> Result<HashMap<String, Option<bool>>, tencent_im_core::Error> {
        if to.is_empty() {
            return Ok(HashMap::new());
        }
        let request = FriendCheck::new(from, to, CheckType::Single);
        let mut calls = 0;
        let check = loop {
            calls += 1;
            Stats::add(&self.stats.calls, 1);
            match self.client.call(&request).await {
                Ok(check) => break check,
                Err(err) if calls >= RECHECK_CALLS || !err.is_retryable() => return Err(err),
                Err(err) => {
                    tracing::warn!(from, error = %err, "friend_check failed; checking again");
                }
            }
        };
        Ok(check
            .items
            .into_iter()
            .map(|i| {
                let held = i
                    .result_code
                    .is_ok()
                    .then_some(i.relation == FriendRelation::AWithB);
                (i.to_account, held)
            })
            .collect())
    }

    async fn send_chunk(&self, mut chunk: Vec<Relation>) -> Result<(), Error> {
        let from = chunk[0].from.clone();
        // Relations an interrupted run may have sent: send only those not on the service.
        let uncertain: Vec<String> = chunk
            .iter()
            .filter(|r| self.progress.uncertain.contains(r.line))
            .map(|r| r.item.to_account.clone())
            .collect();
        if !uncertain.is_empty() {
            if let Ok(held) = self.check(&from, uncertain).await {
                let before = chunk.len();
                let (already, rest): (Vec<Relation>, Vec<Relation>) =
                    chunk.into_iter().partition(|r| {
                        self.progress.uncertain.contains(r.line)
                            && held.get(&r.item.to_account) == Some(&Some(true))
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
        // The lines that are not on the service, and how the log records them.
        let mut not_done: HashMap<u64, Record> = HashMap::new();
        // Items whose answer does not settle whether the service holds them: friend_check
        // decides.
        let mut unclear: Vec<(u64, &FriendImportItem, Unclear)> = Vec::new();
        match self.client.call(&request).await {
            Ok(response) => {
                for ((line, item), result) in
                    lines.iter().zip(&request.items).zip(&response.results)
                {
                    let subject = Subject::Relation(&from, item);
                    if result.is_ok() {
                        Stats::add(&self.stats.imported, 1);
                    } else if response.invalid_accounts.contains(&item.to_account) {
                        Stats::add(&self.stats.invalid, 1);
                        self.write_report(
                            *line,
                            Outcome::Invalid,
                            subject,
                            Some(result.result_code),
                            &result.result_info,
                        )?;
                        not_done.insert(*line, Record::Invalid);
                    } else if result.result_code == ErrorCode::SNS_BAD_PARAMETER {
                        // 30001 is "already a friend" as well as a bad parameter: present
                        // before this run, or made by an attempt whose answer was lost (the
                        // client retried). Only friend_check can tell it from a refusal.
                        unclear.push((
                            *line,
                            item,
                            Unclear::Refused(result.result_code, result.result_info.clone()),
                        ));
                    } else {
                        Stats::add(&self.stats.failed, 1);
                        self.write_report(
                            *line,
                            Outcome::Failed,
                            subject,
                            Some(result.result_code),
                            &result.result_info,
                        )?;
                        // A transient code (internal error, overload) may pass next time.
                        let record = if result.result_code.is_retryable() {
                            Record::Retry
                        } else {
                            Record::Refused
                        };
                        not_done.insert(*line, record);
                    }
                }
                // Items the answer did not cover (a malformed answer): nothing is known.
                for (line, item) in lines
                    .iter()
                    .zip(&request.items)
                    .skip(response.results.len())
                {
                    unclear.push((
                        *line,
                        item,
                        Unclear::Unanswered("friend_import's answer has no result for it".into()),
                    ));
                }
            }
            // The service answered, refusing the whole request with a code that does not
            // pass: nothing was applied.
            Err(err @ tencent_im_core::Error::Api { .. }) if !err.is_retryable() => {
                let text = err.to_string();
                for (line, item) in lines.iter().zip(&request.items) {
                    Stats::add(&self.stats.failed, 1);
                    self.write_report(
                        *line,
                        Outcome::Failed,
                        Subject::Relation(&from, item),
                        err.code(),
                        &text,
                    )?;
                    not_done.insert(*line, Record::Refused);
                }
            }
            // Lost answers, timeouts, 5xx, transient codes, after the client's retries: the
            // request may have been applied, in full or not at all.
            Err(err) => {
                let text = format!("friend_import failed: {err}");
                for (line, item) in lines.iter().zip(&request.items) {
                    unclear.push((*line, item, Unclear::Unanswered(text.clone())));
                }
            }
        }
        self.settle(&from, unclear, &mut not_done).await?;
        for record in [Record::Refused, Record::Invalid, Record::Retry] {
            let kind = match record {
                Record::Refused => "F",
                Record::Invalid => "V",
                Record::Retry => "T",
                // Unknown relations keep their `P`, so that `--resume` checks them again.
                Record::Unknown => continue,
            };
            let these: Vec<u64> = not_done
                .iter()
                .filter(|(_, r)| **r == record)
                .map(|(line, _)| *line)
                .collect();
            if !these.is_empty() {
                self.checkpoint.record(kind, &these)?;
            }
        }
        let done: Vec<u64> = lines
            .iter()
            .copied()
            .filter(|line| !not_done.contains_key(line))
            .collect();
        if done.is_empty() {
            return Ok(());
        }
        self.checkpoint.record("D", &done)
    }

    /// Asks friend_check about the `unclear` relations of `from` and counts and reports each
    /// as present, failed or unknown; those not on the service go into `not_done`.
    async fn settle(
        &self,
        from: &str,
        unclear: Vec<(u64, &FriendImportItem, Unclear)>,
        not_done: &mut HashMap<u64, Record>,
    ) -> Result<(), Error> {
        if unclear.is_empty() {
            return Ok(());
        }
        let names = unclear
            .iter()
            .map(|(_, item, _)| item.to_account.clone())
            .collect();
        let held = self.check(from, names).await.map_err(|err| err.to_string());
        for (line, item, why) in unclear {
            let subject = Subject::Relation(from, item);
            let state = match &held {
                Ok(held) => held
                    .get(&item.to_account)
                    .copied()
                    .flatten()
                    .ok_or_else(|| {
                        "friend_check gave no usable answer for this relation".to_owned()
                    }),
                Err(err) => Err(format!("friend_check failed too: {err}")),
            };
            match (state, why) {
                (Ok(true), _) => Stats::add(&self.stats.present, 1),
                (Ok(false), Unclear::Refused(code, info)) => {
                    Stats::add(&self.stats.failed, 1);
                    self.write_report(line, Outcome::Failed, subject, Some(code), &info)?;
                    not_done.insert(line, Record::Refused);
                }
                (Ok(false), Unclear::Unanswered(what)) => {
                    Stats::add(&self.stats.failed, 1);
                    let info = format!("{what}; friend_check: not on the service");
                    self.write_report(line, Outcome::Failed, subject, None, &info)?;
                    // Nothing refused it: the call failed. A resumed run sends it again.
                    not_done.insert(line, Record::Retry);
                }
                (Err(check), why) => {
                    Stats::add(&self.stats.unknown, 1);
                    not_done.insert(line, Record::Unknown);
                    let what = match why {
                        Unclear::Refused(code, info) => format!(
                            "friend_import answered {code} ({info}), which may mean \"already a \
                             friend\""
                        ),
                        Unclear::Unanswered(what) => what,
                    };
                    let info = format!("outcome unknown: {what}; {check}");
                    // No code: the service gave none that settles this relation.
                    self.write_report(line, Outcome::Unknown, subject, None, &info)?;
                }
            }
        }
        Ok(())
    }
}

/// How the checkpoint log records a relation that is not on the service after its request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Record {
    /// Refused by the service (`F`): not sent again.
    Refused,
    /// Invalid (`V`): never sent again.
    Invalid,
    /// Not on the service after a failed call or a transient code (`T`): sent again.
    Retry,
    /// Outcome unknown: left uncertain (`P`), checked and sent again.
    Unknown,
}

/// What the reader of the accounts file hands on.
enum AccountsFileEvent {
    /// A line that is not an account.
    Unreadable(BadLine),
    /// An account that must not be sent, and why.
    Invalid(ListedAccount, String),
    /// Up to 100 accounts to import, all with a profile or all without.
    Chunk(Vec<ListedAccount>),
}

/// friend_check calls made to settle one set of relations before they are reported unknown.
const RECHECK_CALLS: u32 = 3;

/// Why an item's answer does not settle whether the service holds it.
enum Unclear {
    /// The item was refused with this code (30001), which is also "already a friend".
    Refused(ErrorCode, String),
    /// No answer for the item: the call failed, or its answer left the item out.
    Unanswered(String),
}
