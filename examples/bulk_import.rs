//! Moves a social graph in: accounts first, then friends, within the documented rates, with a
//! progress display, a failure report and resumable checkpoints.
//!
//!     cargo run --release -p im-examples --example bulk_import -- --input FILE [--report FAILURES.jsonl] [--resume]
//!
//! Input: CSV with a `from,to` header and optional `remark`, `group`, `add_source` columns, or
//! JSON lines of friend_import items with a `from` field:
//!
//!     {"from":"alice","To_Account":"bob","AddSource":"AddSource_Type_Web","Remark":"Bob"}
//!
//! The checkpoint log (default: the input path + `.checkpoint`) records every request before
//! it is sent and after it is answered; `--resume` skips what is done, checks what was in
//! flight with friend_check / account_check, and sends only what is missing. Like quickstart it
//! uses the embedded emulator unless `IM_*` variables point elsewhere.

use std::io::IsTerminal;
use std::path::PathBuf;
use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::time::{Duration, Instant};

use clap::Parser;
use im_examples::bulk::{Checkpoint, Format, Importer, Options, Report};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

#[derive(Debug, Parser)]
#[command(
    name = "bulk_import",
    about = "Import accounts and friend relations in bulk"
)]
struct Args {
    /// The relations: CSV (`from,to[,remark,group,add_source]`) or JSON lines.
    #[arg(long)]
    input: PathBuf,
    /// Where to write every failed relation (JSON lines, re-usable as input).
    #[arg(long)]
    report: Option<PathBuf>,
    /// Continue an interrupted run from its checkpoint.
    #[arg(long)]
    resume: bool,
    /// The checkpoint log (default: INPUT.checkpoint).
    #[arg(long)]
    checkpoint: Option<PathBuf>,
    /// Requests in flight at once (one user's requests are always sent one after another).
    #[arg(long, default_value_t = 16)]
    concurrency: usize,
    /// Seconds between progress lines when stderr is not a terminal.
    #[arg(long, default_value_t = 5)]
    progress_every: u64,
}

#[tokio::main]
async fn main() -> std::process::ExitCode {
    let args = Args::parse();
    match run(args).await {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("bulk_import: {err}");
            std::process::ExitCode::FAILURE
        }
    }
}

async fn run(args: Args) -> Result<(), Box<dyn std::error::Error>> {
    let started = Instant::now();
    let setup = im_examples::connect().await?;
    eprintln!("Talking to {}", setup.describe());
    let format = Format::detect(&args.input)
        .map_err(|err| format!("cannot read {}: {err}", args.input.display()))?;
    let checkpoint_path = args.checkpoint.clone().unwrap_or_else(|| {
        let mut path = args.input.clone().into_os_string();
        path.push(".checkpoint");
        path.into()
    });
    let (checkpoint, progress) = Checkpoint::open(&checkpoint_path, args.resume)?;
    if args.resume {
        eprintln!(
            "Resuming: {} relations done, {} to check, from {}",
            progress.done.len(),
            progress.uncertain.len(),
            checkpoint_path.display()
        );
    }
    let report = Report::open(args.report.as_ref(), args.resume)?;
    let options = Options {
        concurrency: args.concurrency.max(1),
        ..Options::default()
    };
    let importer = Arc::new(Importer::new(
        setup.client.clone(),
        checkpoint,
        report,
        progress,
        options,
    ));

    let accounts_started = Instant::now();
    let (survey, failed_accounts) = importer.import_accounts(&args.input, format).await?;
    for (id, err) in failed_accounts.iter().take(5) {
        eprintln!("  account {id}: {err}");
    }
    eprintln!(
        "{} relations in {}; accounts: {} of {} imported in {:.1} s",
        survey.relations,
        args.input.display(),
        importer.stats.accounts.load(Ordering::Relaxed),
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
    bar.set_position(importer.stats.handled());
    bar.finish_and_clear();
    result?;
    eprintln!(
        "Friends: done in {:.1} s",
        friends_started.elapsed().as_secs_f64()
    );

    let elapsed = started.elapsed();
    let stats = &importer.stats;
    let calls = stats.calls.load(Ordering::Relaxed);
    println!("Summary");
    println!("  imported   {}", stats.imported.load(Ordering::Relaxed));
    println!("  failed     {}", stats.failed.load(Ordering::Relaxed));
    println!("  invalid    {}", stats.invalid.load(Ordering::Relaxed));
    println!("  skipped    {}", stats.skipped.load(Ordering::Relaxed));
    println!("  elapsed    {:.1} s", elapsed.as_secs_f64());
    println!(
        "  calls      {calls} ({:.1} per second)",
        calls as f64 / elapsed.as_secs_f64().max(1e-9)
    );
    if let Some(report) = &args.report {
        println!("  report     {}", report.display());
    }
    Ok(())
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
        let handled = importer.stats.handled();
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
