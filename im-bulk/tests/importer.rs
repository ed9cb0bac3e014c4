//! The library API without the command line: a second run over relations that are already on
//! the service confirms them with friend_check (present, not failed) and a resumed finished run
//! sends nothing.

use std::path::Path;
use std::sync::Arc;

use tencent_im_bulk::{Checkpoint, Counts, Format, Importer, Options, Report};
use tencent_im_core::Client;
use tencent_im_emulator::Emulator;

async fn import(client: &Client, input: &Path, resume: bool) -> Counts {
    let (checkpoint, progress) =
        Checkpoint::open(&Checkpoint::default_path(input), resume).unwrap();
    let report = Report::open(None, resume).unwrap();
    let options = Options {
        concurrency: 4,
        buffer_budget: 10,
        ..Options::default()
    };
    let importer = Arc::new(Importer::new(
        client.clone(),
        checkpoint,
        report,
        progress,
        options,
    ));
    let format = Format::detect(input).unwrap();
    let (survey, failed) = importer.import_accounts(input, format).await.unwrap();
    assert_eq!((survey.relations, survey.accounts), (60, 30));
    assert!(failed.is_empty(), "{failed:?}");
    importer.import_friends(input, format).await.unwrap();
    importer.stats().snapshot()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn relations_already_present_are_skipped_and_done_ones_not_sent() {
    let emulator = Emulator::builder().start().await.unwrap();
    let client = emulator.client().unwrap();
    let dir = std::env::temp_dir().join(format!("im-bulk-importer-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    // Unsorted input larger than the buffer budget: groups are sent early, in pieces.
    let input = dir.join("relations.csv");
    let mut csv = String::from("from,to\n");
    for k in 0..2 {
        for u in 0..30 {
            csv.push_str(&format!("u{u:02},u{:02}\n", (u + 1 + k) % 30));
        }
    }
    std::fs::write(&input, csv).unwrap();

    let first = import(&client, &input, false).await;
    assert_eq!((first.imported, first.failed, first.skipped), (60, 0, 0));
    assert_eq!(first.handled(), 60);
    for u in 0..30 {
        assert_eq!(emulator.friends_of(&format!("u{u:02}")).len(), 2);
    }

    // A fresh run (no resume): the service answers "already a friend", friend_check confirms:
    // present, neither imported by this run nor failed.
    let again = import(&client, &input, false).await;
    assert_eq!(
        (again.imported, again.present, again.failed, again.skipped),
        (0, 60, 0, 0)
    );
    assert!(again.all_done());

    // Resuming a finished run: everything is done, no friend_import goes out.
    let sent_before = sent(&emulator, "v4/sns/friend_import");
    let resumed = import(&client, &input, true).await;
    assert_eq!((resumed.skipped, resumed.calls), (60, 0));
    assert_eq!(sent(&emulator, "v4/sns/friend_import"), sent_before);
    let _ = std::fs::remove_dir_all(&dir);
}

fn sent(emulator: &tencent_im_emulator::RunningEmulator, path: &str) -> usize {
    emulator
        .requests()
        .iter()
        .filter(|r| r.path() == path)
        .count()
}
