//! What the SDK costs per call, against the hand-written client of `im_benchmarks`, with
//! no network in the way: build a 1000-item friend_import, sign the URL, serialise the body,
//! decode a 1000-item answer. Also UserSig generation and verification, and the decode of a
//! 500-friend friend_get page.
//!
//!     cargo bench -p im-examples --bench call_cost

use std::hint::black_box;

use criterion::{criterion_group, criterion_main, Criterion};
use im_benchmarks::{self as baseline, KEY};
use tencent_im::friends::{
    Friend, FriendGetResponse, FriendImport, FriendImportResponse, Tag, TagValue,
};
use tencent_im::usersig::UserSigSigner;
use tencent_im::{envelope, Client, Endpoint};

/// One SDK call without the network: what `Client::call` does around the HTTP exchange.
fn sdk_call(client: &Client, answer: &[u8]) -> usize {
    let request = baseline::sdk_import();
    request.validate().unwrap();
    let url = client.request_url(FriendImport::PATH).unwrap();
    let body = serde_json::to_vec(&request).unwrap();
    let response: FriendImportResponse = envelope::decode(200, black_box(answer)).unwrap();
    black_box((url, body));
    response.fail_accounts.len()
}

/// The same with the hand-written client.
fn hand_call(sig: &str, answer: &[u8]) -> usize {
    let request = baseline::import();
    let url = baseline::import_url(sig);
    let body = serde_json::to_vec(&request).unwrap();
    let response: baseline::ImportAnswer = serde_json::from_slice(black_box(answer)).unwrap();
    assert_eq!(response.code, 0, "{}", response.info);
    black_box((url, body, response.results.len()));
    response.fail.len()
}

fn call_cost(c: &mut Criterion) {
    let answer = baseline::import_answer();
    let client = baseline::offline_client().unwrap();
    let sig = baseline::admin_sig();
    assert_eq!(sdk_call(&client, &answer), hand_call(&sig, &answer));

    let mut group = c.benchmark_group("friend_import_1000");
    group.bench_function("sdk", |b| b.iter(|| sdk_call(&client, &answer)));
    group.bench_function("hand_written", |b| b.iter(|| hand_call(&sig, &answer)));
    group.finish();
}

fn usersig(c: &mut Criterion) {
    let signer = UserSigSigner::new(1400000000, KEY);
    let sig = signer
        .generate_at("administrator", 86_400, 1_735_689_600, None)
        .into_secret();
    let mut group = c.benchmark_group("usersig");
    group.bench_function("generate", |b| {
        b.iter(|| signer.generate_at(black_box("administrator"), 86_400, 1_735_689_600, None))
    });
    group.bench_function("verify", |b| {
        b.iter(|| {
            signer
                .verify(black_box(&sig), "administrator", 1_735_689_700, None)
                .unwrap()
        })
    });
    group.finish();
}

fn decode(c: &mut Criterion) {
    let friends: Vec<Friend> = (0..500)
        .map(|i| Friend {
            to_account: format!("friend_{i:05}"),
            values: vec![
                TagValue::new(Tag::ADD_SOURCE, "AddSource_Type_Android"),
                TagValue::new(Tag::REMARK, format!("remark {i}")),
                TagValue::new(Tag::GROUP, vec!["Group1".to_owned(), "Group2".to_owned()]),
                TagValue::new(Tag::ADD_TIME, 1563867420 + i),
                TagValue::new(Tag::new("Tag_SNS_Custom_Test"), "CustomData1"),
            ],
        })
        .collect();
    let mut response = FriendGetResponse::default();
    response.friends = friends;
    (response.standard_sequence, response.custom_sequence) = (88, 46);
    (response.friend_num, response.next_start_index) = (1200, 500);
    let mut value = serde_json::to_value(response).unwrap();
    let map = value.as_object_mut().unwrap();
    map.insert("ActionStatus".into(), "OK".into());
    map.insert("ErrorCode".into(), 0.into());
    let page = serde_json::to_vec(&value).unwrap();

    let mut group = c.benchmark_group("decode");
    group.bench_function("envelope_only", |b| {
        b.iter(|| envelope::check(200, black_box(&page)).unwrap())
    });
    group.bench_function("friend_get_page_500", |b| {
        b.iter(|| {
            black_box(
                envelope::decode::<FriendGetResponse>(200, black_box(&page))
                    .unwrap()
                    .friends
                    .len(),
            )
        })
    });
    group.finish();
}

criterion_group!(benches, call_cost, usersig, decode);
criterion_main!(benches);
