//! The failure report is input: fed back as it is, it reports the same relations and lines
//! again; mended, it completes the import.

use std::path::Path;
use std::process::{Command, Output};

use serde_json::Value;
use tencent_im_emulator::{Emulator, RunningEmulator};

fn im_bulk(emulator: &RunningEmulator, input: &Path, report: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_im-bulk"))
        .arg("--input")
        .arg(input)
        .arg("--report")
        .arg(report)
        .env_remove("IM_REGION")
        .env("IM_SDKAPPID", emulator.sdkappid().to_string())
        .env("IM_SECRET_KEY", emulator.secret_key().expose_secret())
        .env("IM_ADMIN", emulator.admin())
        .env("IM_BASE_URL", emulator.base_url())
        .output()
        .unwrap()
}

fn lines(report: &Path) -> Vec<Value> {
    std::fs::read_to_string(report)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

/// What a report line says about its relation, without the line number and the words.
fn essence(line: &Value) -> Value {
    let mut line = line.clone();
    if let Some(fields) = line.as_object_mut() {
        fields.remove("line");
        fields.remove("info");
    }
    line
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_report_fed_back_reports_the_same_and_mended_completes() {
    let emulator = Emulator::builder().start().await.unwrap();
    let dir = std::env::temp_dir().join(format!("im-bulk-round-trip-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let input = dir.join("relations.csv");
    std::fs::write(
        &input,
        concat!(
            "from,to,remark,group,add_source\n",
            "alice,bob,Bob,,\n",
            "alice,alice,me,,\n", // refused by the service (30001)
            "bob,carol,\"Carol, C.\",Work,Android\n", // invalid add source: never sent
            "carol,,\"no \"\"friend\"\"\",,\n", // unreadable: no `to`
        ),
    )
    .unwrap();

    let first = dir.join("first.jsonl");
    let out = im_bulk(&emulator, &input, &first);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(3), "{stdout}");
    assert!(stdout.contains("imported   1"), "{stdout}");
    assert!(stdout.contains("failed     1"), "{stdout}");
    assert!(stdout.contains("invalid    2"), "{stdout}");
    let reported = lines(&first);
    assert_eq!(reported.len(), 3, "{reported:?}");
    let by_line = |n: u64| reported.iter().find(|l| l["line"] == n).unwrap();
    assert_eq!(by_line(3)["outcome"], "failed");
    assert_eq!(by_line(3)["code"], 30001);
    assert_eq!(by_line(4)["outcome"], "invalid");
    assert_eq!(by_line(4)["Remark"], "Carol, C.");
    assert_eq!(by_line(4)["GroupName"][0], "Work");
    assert_eq!(by_line(5)["outcome"], "invalid");
    assert_eq!(by_line(5)["input"], "carol,,\"no \"\"friend\"\"\",,");
    assert!(by_line(5).get("from").is_none(), "{}", by_line(5));

    // Fed back as it is: the same relations, the same text, the same outcomes.
    let second = dir.join("second.jsonl");
    let out = im_bulk(&emulator, &first, &second);
    assert_eq!(out.status.code(), Some(3));
    let again = lines(&second);
    assert_eq!(
        again.iter().map(essence).collect::<Vec<_>>(),
        reported.iter().map(essence).collect::<Vec<_>>()
    );

    // Mended: the bad add source fixed, the self-friend dropped, the unreadable row rewritten.
    let mended = dir.join("mended.jsonl");
    let text = std::fs::read_to_string(&first)
        .unwrap()
        .lines()
        .filter(|l| !l.contains("\"To_Account\":\"alice\""))
        .map(|l| {
            if l.contains("\"input\"") {
                "{\"from\":\"carol\",\"To_Account\":\"alice\",\"AddSource\":\"AddSource_Type_Web\"}"
                    .to_owned()
            } else {
                l.replace("\"Android\"", "\"AddSource_Type_Android\"")
            }
        })
        .collect::<Vec<_>>()
        .join("\n");
    std::fs::write(&mended, text).unwrap();
    let third = dir.join("third.jsonl");
    let out = im_bulk(&emulator, &mended, &third);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{stdout}");
    assert!(stdout.contains("imported   2"), "{stdout}");
    assert_eq!(std::fs::read_to_string(&third).unwrap(), "");
    assert_eq!(emulator.friends_of("bob"), ["carol"]);
    assert_eq!(emulator.friends_of("carol"), ["alice"]);
    let _ = std::fs::remove_dir_all(&dir);
}
