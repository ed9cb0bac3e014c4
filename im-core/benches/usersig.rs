//! UserSig generation and verification (TLSSigAPIv2), one signer reused as a server would.
//!
//! `cargo bench -p tencent-im-core --bench usersig`

use std::hint::black_box;

use criterion::{criterion_group, criterion_main, Criterion};
use tencent_im_core::usersig::UserSigSigner;

const KEY: &str = "5bd2850fff3ecb11d7c805251c51ee463a25727bddc2385f3fa8bfee1bb93b5e";
const TIME: u64 = 1_735_689_600;

fn usersig(c: &mut Criterion) {
    let signer = UserSigSigner::new(1400000000, KEY);
    let sig = signer
        .generate_at("administrator", 86_400, TIME, None)
        .into_secret();
    // The official vector: a level-6 stream from Tencent's generator, not one of ours.
    let official = "eJyrVgrxCdYrSy1SslJQMtIzUNJRAItkpqTmlWSmZUIkElNyM-Myi0uKEkvyi2BKilOyEwsKMlOACgxNDKAAKpdaUZBZlAqSMTU1NUKIl2TmgkXNjU3NLCzN4OLFmekge7Qtvbx8fYODIzyzMlOrUnPD093SAjMjqtwMwwJ9ss3yi91T9IMSc-wyPU1slWoB1HM2OQ__";

    let mut group = c.benchmark_group("usersig");
    group.bench_function("generate", |b| {
        b.iter(|| signer.generate_at(black_box("administrator"), 86_400, TIME, None))
    });
    group.bench_function("verify", |b| {
        b.iter(|| signer.verify(black_box(&sig), "administrator", TIME + 100, None))
    });
    group.bench_function("verify_official_level6", |b| {
        b.iter(|| signer.verify(black_box(official), "administrator", TIME + 100, None))
    });
    group.finish();
}

criterion_group!(benches, usersig);
criterion_main!(benches);
