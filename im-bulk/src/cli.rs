//! The `im-bulk` command line: its [`Args`] and [`run`], which drives an [`Importer`] with a
//! progress display and prints a summary. The binary and the `bulk_import` example are thin
//! callers of these two.

use std::io::IsTerminal;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use tencent_im_core::Client;

use crate::{Checkpoint, Counts, Error, Format, Importer, Options, Report};

/// The command line of `im-bulk`.
#[derive(Debug, Clone, clap::Parser)]
#[command(
    name = "im-bulk",
    version,
    about = "Import accounts and friend relations in bulk",
    long_about = "Import accounts and friend relations in bulk: accounts first \
                  (multiaccount_import), then friends (friend_import), within the documented \
                  rates. The service is named by IM_SDKAPPID, IM_SECRET_KEY, IM_ADMIN and \
                  IM_REGION or IM_BASE_URL."
)]
pub struct Args {
    /// The relations: CSV (`from,to[,remark,group,add_source]`) or JSON lines.
    #[arg(long)]
    pub input: PathBuf,
    /// Where to write every failed relation (JSON lines, re-usable as input).
    #[arg(long)]
    pub report: Option<PathBuf>,
    /// Continue an interrupted run from its checkpoint.
    #[arg(long)]
    pub resume: bool,
    /// The checkpoint log (default: INPUT.checkpoint).
    #[arg(long)]
    pub checkpoint: Option<PathBuf>,
    /// Requests in flight at once (one user's requests are always sent one after another).
    #[arg(long, default_value_t = 16)]
    pub concurrency: usize,
    /// Seconds between progress lines when stderr is not a terminal.
    #[arg(long, default_value_t = 5)]
    pub progress_every: u64,
}

impl Args {
    /// The checkpoint log: `--checkpoint`, else the input's path + `.checkpoint`.
    pub fn checkpoint_path(&self) -> PathBuf {
        self.checkpoint
            .clone()
            .unwrap_or_else(|| Checkpoint::default_path(&self.input))
    }
}

/// Runs the import `args` describe through `client`: progress on stderr (a bar on a terminal,
/// a plain line every `--progress-every` seconds otherwise), the summary on stdout. Returns the
/// final counters; failed relations are in them and in the report, not in the error, which
/// only says what stopped the run.
pub async fn run(client: Client, args: &Args) -> Result<Counts, Error> {
    let started = Instant::now();
    let format = Format::detect(&args.input)?;
    let checkpoint_path = args.checkpoint_path();
    let (checkpoint, progress) = Checkpoint::open(&checkpoint_path, args.resume)?;
    if args.resume {
        eprintln!(
            "Resuming: {} relations done, {} to check, from {}",
            progress.done.len(),
            progress.uncertain.len(),
            checkpoint_path.display()
        );
    }
    let report = Report::open(args.report.as_deref(), args.resume)?;
    let options = Options {
        concurrency: args.concurrency.max(1),
        ..Options::default()
    };
    let importer = Arc::new(Importer::new(client, checkpoint, report, progress, options));

    let accounts_started = Instant::now();
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
    println!("Summary");
    println!("  imported   {}", counts.imported);
    println!("  failed     {}", counts.failed);
    println!("  invalid    {}", counts.invalid);
    println!("  skipped    {}", counts.skipped);
    println!("  elapsed    {:.1} s", elapsed.as_secs_f64());
    println!(
        "  calls      {} ({:.1} per second)",
        counts.calls,
        counts.calls as f64 / elapsed.as_secs_f64().max(1e-9)
    );
    if let Some(report) = &args.report {
        println!("  report     {}", report.display());
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
