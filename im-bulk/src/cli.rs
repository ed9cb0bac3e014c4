//! The `im-bulk` command line: its [`Args`] and [`run`], which drives an [`Importer`] with a
//! progress display and prints a summary, and what a program around them needs:
//! [`init_tracing`], [`confirm_target`] and [`exit_code`]. The binary and the `bulk_import`
//! example are thin callers of these.

use std::io::{BufRead, IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::{Duration, Instant};

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use tencent_im_core::Client;

use crate::{Checkpoint, Counts, Error, Format, Importer, Options, Report, Shard};

/// The exit status and what it means, as `--help` shows it.
const EXIT_CODES: &str = "\
Exit status:
  0  every relation is on the service: imported, present, or done by an earlier run; and
     every account of --accounts is imported
  1  the import did not start or stopped: configuration, input, checkpoint or report error,
     or a remote app without --yes
  2  the command line is wrong
  3  the import ran to the end, but some relations failed, are invalid, or their outcome is
     unknown, or some lines of --accounts failed or are invalid: see the summary and the
     reports (which can be mended and fed back as --input and --accounts). A resumed run
     counts what an earlier run reported as refused or invalid too.

Logging: RUST_LOG (default `warn`, which shows each retried call; `debug` shows every call).";

/// Exit status 3: the run finished, but not every relation is on the service.
pub const EXIT_INCOMPLETE: u8 = 3;

/// The command line of `im-bulk`.
#[derive(Debug, Clone, clap::Parser)]
#[command(
    name = "im-bulk",
    version,
    about = "Import accounts and friend relations in bulk",
    long_about = "Import accounts and friend relations in bulk: accounts first \
                  (multiaccount_import: those of --accounts with their nicknames and avatars, \
                  then those the relations name), then friends (friend_import), within the \
                  documented rates. The service is named by IM_SDKAPPID, IM_SECRET_KEY, IM_ADMIN and \
                  IM_REGION or IM_BASE_URL; an app that is not on a loopback address is only \
                  written to with --yes (or after a yes on the terminal).",
    after_help = EXIT_CODES
)]
pub struct Args {
    /// The relations: CSV (`from,to[,remark,group,add_source]`) or JSON lines.
    #[arg(long)]
    pub input: PathBuf,
    /// Where to write every failed relation (JSON lines, re-usable as input).
    #[arg(long)]
    pub report: Option<PathBuf>,
    /// Accounts to import first, with their nickname and avatar URL: CSV with a `UserID`
    /// column and optional `Nick` and `FaceUrl` columns, or JSON lines
    /// (`{"UserID":"alice","Nick":"Alice","FaceUrl":"https://..."}`). Accounts with a nickname
    /// or an avatar go out in multiaccount_import's AccountList form, which also updates
    /// existing accounts; the others in the Accounts form. With --shard, each account is
    /// imported by the shard its UserID falls in.
    #[arg(long, value_name = "FILE")]
    pub accounts: Option<PathBuf>,
    /// Where to write every line of --accounts that did not make it (JSON lines, re-usable as
    /// --accounts). Default with --report: the report's name with `.accounts` before its
    /// extension (failures.jsonl -> failures.accounts.jsonl).
    #[arg(long, value_name = "FILE", requires = "accounts")]
    pub accounts_report: Option<PathBuf>,
    /// Continue an interrupted run from its checkpoint.
    #[arg(long)]
    pub resume: bool,
    /// The checkpoint log (default: INPUT.checkpoint, or INPUT.shard-K-of-N.checkpoint with
    /// --shard). It records the shard and the input: resuming with others is refused.
    #[arg(long)]
    pub checkpoint: Option<PathBuf>,
    /// Import only shard K of N (1 <= K <= N): the relations whose From_Account falls in it by
    /// a stable hash (64-bit FNV-1a of the UserID, modulo N, plus 1) and the accounts they
    /// name. N processes with --shard 1/N to N/N, each with its own checkpoint and report,
    /// import the whole input; give them one rate budget (IM_RATE_REDIS_URL). Unreadable lines
    /// are reported by shard 1.
    #[arg(long, value_name = "K/N")]
    pub shard: Option<Shard>,
    /// Requests in flight at once (one user's requests are always sent one after another).
    #[arg(long, default_value_t = 16)]
    pub concurrency: usize,
    /// Seconds between progress lines when stderr is not a terminal.
    #[arg(long, default_value_t = 5)]
    pub progress_every: u64,
    /// Write to an app that is not on a loopback address without asking.
    #[arg(long)]
    pub yes: bool,
}

impl Args {
    /// The checkpoint log: `--checkpoint`, else the input's path + `.checkpoint` (the whole
    /// input) or + `.shard-K-of-N.checkpoint`.
    pub fn checkpoint_path(&self) -> PathBuf {
        self.checkpoint
            .clone()
            .unwrap_or_else(|| Checkpoint::default_path_for(&self.input, self.shard()))
    }

    /// Where the lines of `--accounts` that did not make it are reported: `--accounts-report`,
    /// else next to `--report` (`failures.jsonl` -> `failures.accounts.jsonl`); none without
    /// `--accounts`.
    pub fn accounts_report_path(&self) -> Option<PathBuf> {
        self.accounts.as_ref()?;
        if let Some(path) = &self.accounts_report {
            return Some(path.clone());
        }
        let report = self.report.as_ref()?;
        let extension = match report.extension() {
            Some(ext) => format!("accounts.{}", ext.to_string_lossy()),
            None => "accounts.jsonl".to_owned(),
        };
        Some(report.with_extension(extension))
    }

    /// `--shard`, or the whole input.
    pub fn shard(&self) -> Shard {
        self.shard.unwrap_or(Shard::ALL)
    }
}

/// Installs a `tracing` subscriber printing to stderr, filtered by `RUST_LOG` (default `warn`,
/// so that retried calls show). Does nothing when the program has installed one already.
pub fn init_tracing() {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("warn"));
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .try_init();
}

/// Lets the import write to `client`'s app: at once when it is on a loopback address or `yes`
/// is set; otherwise asks on the terminal, and refuses ([`Error::NotConfirmed`]) when the
/// answer is not yes or there is no terminal to ask on. A bulk import writes thousands of
/// relations that cannot be taken back in bulk: a stray `IM_*` in the environment must not
/// send them to a production app.
pub fn confirm_target(client: &Client, yes: bool) -> Result<(), Error> {
    let base_url = client.base_url();
    if yes || client.is_loopback() {
        return Ok(());
    }
    let refused = || Error::NotConfirmed {
        base_url: base_url.to_owned(),
        sdkappid: client.sdkappid(),
    };
    let stdin = std::io::stdin();
    if !stdin.is_terminal() {
        return Err(refused());
    }
    eprint!(
        "This writes accounts and friends into SDKAppID {} at {base_url}. Continue? [y/N] ",
        client.sdkappid()
    );
    let _ = std::io::stderr().flush();
    let mut answer = String::new();
    stdin.lock().read_line(&mut answer).map_err(|_| refused())?;
    match answer.trim().to_ascii_lowercase().as_str() {
        "y" | "yes" => Ok(()),
        _ => Err(refused()),
    }
}

/// The exit status of a run's outcome: 0 when every relation is on the service, 1 when the
/// run stopped with an error, [`EXIT_INCOMPLETE`] (3) when some relations failed, are invalid
/// or are unknown. (2 is left to the command-line parser.) `--help` lists them.
pub fn exit_code(outcome: &Result<Counts, Error>) -> ExitCode {
    match outcome {
        Ok(counts) if counts.all_done() => ExitCode::SUCCESS,
        Ok(_) => ExitCode::from(EXIT_INCOMPLETE),
        Err(_) => ExitCode::FAILURE,
    }
}

/// Runs the import `args` describe through `client`: progress on stderr (a bar on a terminal,
/// a plain line every `--progress-every` seconds otherwise), the summary on stdout. Returns the
/// final counters; failed relations are in them and in the report, not in the error, which
/// only says what stopped the run.
///
/// Nothing is written before the input has been opened (and, for CSV, its header read): a run
/// that cannot start leaves no checkpoint and no report behind.
pub async fn run(client: Client, args: &Args) -> Result<Counts, Error> {
    let started = Instant::now();
    let format = Format::detect(&args.input)?;
    // Opens the input and reads a CSV header, then lets go: the passes open it again.
    drop(crate::read(&args.input, format)?);
    let accounts = match &args.accounts {
        Some(path) => {
            let format = Format::detect(path)?;
            drop(crate::read_accounts(path, format)?);
            Some((path, format))
        }
        None => None,
    };
    let shard = args.shard();
    let checkpoint_path = args.checkpoint_path();
    let (checkpoint, progress) = Checkpoint::open_with_accounts(
        &checkpoint_path,
        args.resume,
        &args.input,
        args.accounts.as_deref(),
        shard,
    )?;
    let report = Report::open(args.report.as_deref(), args.resume)?;
    let accounts_report = Report::open(args.accounts_report_path().as_deref(), args.resume)?;
    if !shard.is_all() {
        eprintln!(
            "Shard {shard}: the relations whose From_Account falls in it, checkpoint {}",
            checkpoint_path.display()
        );
    }
    if args.resume {
        eprintln!(
            "Resuming: {} relations done, {} refused and {} invalid before, {} to check, from {}",
            progress.done.len(),
            progress.refused.len(),
            progress.invalid.len(),
            progress.uncertain.len(),
            checkpoint_path.display()
        );
        if accounts.is_some() {
            eprintln!(
                "Resuming: {} lines of the accounts file done, {} refused and {} invalid before",
                progress.account_lines_done.len(),
                progress.account_lines_refused.len(),
                progress.account_lines_invalid.len(),
            );
        }
    }
    let options = Options {
        concurrency: args.concurrency.max(1),
        shard,
        ..Options::default()
    };
    let importer = Arc::new(
        Importer::new(client, checkpoint, report, progress, options)
            .with_accounts_report(accounts_report),
    );

    let accounts_started = Instant::now();
    if let Some((path, format)) = accounts {
        let survey = importer.import_accounts_file(path, format).await?;
        let lines = importer.stats().snapshot().account_lines;
        eprintln!(
            "{} lines in {}: {} accounts with a nickname or avatar, {} without; {} imported, \
             {} before, in {:.1} s",
            survey.lines,
            path.display(),
            survey.with_profile,
            survey.without_profile,
            lines.imported,
            lines.skipped,
            accounts_started.elapsed().as_secs_f64()
        );
    }
    let (survey, failed_accounts) = importer.import_accounts(&args.input, format).await?;
    for failed in failed_accounts.iter().take(5) {
        eprintln!("  account {}: {}", failed.user_id, failed.reason);
    }
    eprintln!(
        "{} relations in {}; accounts: {} of {} imported in {:.1} s",
        survey.relations,
        args.input.display(),
        importer.stats().snapshot().accounts,
        survey.accounts,
        accounts_started.elapsed().as_secs_f64()
    );
    let friends_started = Instant::now();

    let bar = progress_bar(survey.relations);
    let ticker = tokio::spawn(show_progress(
        Arc::clone(&importer),
        bar.clone(),
        survey.relations,
        Duration::from_secs(args.progress_every.max(1)),
    ));
    let result = importer.import_friends(&args.input, format).await;
    ticker.abort();
    bar.set_position(importer.stats().handled());
    bar.finish_and_clear();
    result?;
    eprintln!(
        "Friends: done in {:.1} s",
        friends_started.elapsed().as_secs_f64()
    );

    let elapsed = started.elapsed();
    let counts = importer.stats().snapshot();
    if shard.is_all() {
        println!("Summary");
    } else {
        println!("Summary of shard {shard}");
    }
    println!("  imported   {}", counts.imported);
    println!(
        "  present    {}   (on the service, confirmed by friend_check: there already, or \
         made by a retried call whose answer was lost)",
        counts.present
    );
    println!("  failed     {}   (not on the service)", counts.failed);
    println!("  invalid    {}   (never sent)", counts.invalid);
    println!(
        "  unknown    {}   (not established, friend_check included; --resume checks again)",
        counts.unknown
    );
    println!("  skipped    {}   (done by an earlier run)", counts.skipped);
    if counts.reported_before > 0 {
        println!(
            "  before     {}   (of failed and invalid: reported by an earlier run, not sent \
             again; see that run's report)",
            counts.reported_before
        );
    }
    if args.accounts.is_some() {
        let lines = counts.account_lines;
        println!(
            "  accounts file: {} imported, {} failed, {} invalid, {} skipped (done by an \
             earlier run)",
            lines.imported, lines.failed, lines.invalid, lines.skipped
        );
        if lines.reported_before > 0 {
            println!(
                "                 {} of failed and invalid reported by an earlier run",
                lines.reported_before
            );
        }
    }
    println!("  elapsed    {:.1} s", elapsed.as_secs_f64());
    println!(
        "  calls      {} ({:.1} per second)",
        counts.calls,
        counts.calls as f64 / elapsed.as_secs_f64().max(1e-9)
    );
    if let Some(report) = args.accounts_report_path() {
        println!("  accounts report {}", report.display());
    }
    match &args.report {
        Some(report) => println!("  report     {}", report.display()),
        None if !counts.all_done() => println!(
            "  report     none: pass --report FILE to list the relations that did not make it"
        ),
        None => {}
    }
    Ok(counts)
}

fn progress_bar(total: u64) -> ProgressBar {
    let bar = ProgressBar::new(total);
    if std::io::stderr().is_terminal() {
        bar.set_style(
            ProgressStyle::with_template(
                "{bar:40} {pos}/{len} relations  {per_sec}  ETA {eta}  {msg}",
            )
            .unwrap_or_else(|_| ProgressStyle::default_bar()),
        );
    } else {
        bar.set_draw_target(ProgressDrawTarget::hidden());
    }
    bar
}

/// Updates the bar; when stderr is not a terminal, prints a plain line every `every`.
async fn show_progress(importer: Arc<Importer>, bar: ProgressBar, total: u64, every: Duration) {
    let plain = !std::io::stderr().is_terminal();
    let started = Instant::now();
    let mut last_line = Instant::now();
    loop {
        tokio::time::sleep(Duration::from_millis(200)).await;
        let handled = importer.stats().handled();
        bar.set_position(handled);
        if plain && last_line.elapsed() >= every {
            last_line = Instant::now();
            let rate = handled as f64 / started.elapsed().as_secs_f64().max(1e-9);
            let eta = if rate > 0.0 {
                format!("{:.0} s", total.saturating_sub(handled) as f64 / rate)
            } else {
                "unknown".to_owned()
            };
            eprintln!("progress: {handled}/{total} relations, {rate:.0}/s, ETA {eta}");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exit_codes() {
        let done = Counts {
            imported: 3,
            ..Counts::default()
        };
        assert_eq!(exit_code(&Ok(done)), ExitCode::SUCCESS);
        for counts in [
            Counts { failed: 1, ..done },
            Counts { invalid: 1, ..done },
            Counts { unknown: 1, ..done },
        ] {
            assert_eq!(exit_code(&Ok(counts)), ExitCode::from(EXIT_INCOMPLETE));
        }
        let stopped = Err(Error::NotConfirmed {
            base_url: "https://console.tim.qq.com".into(),
            sdkappid: 1,
        });
        assert_eq!(exit_code(&stopped), ExitCode::FAILURE);
    }
}
