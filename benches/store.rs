//! Submissions per second on SQLite and PostgreSQL, for the shipped cancer questionnaire:
//! one submission = the whole transaction (flip the invitation, write the response, drop the
//! draft) with the durability settings used in production (SQLite WAL + synchronous FULL,
//! PostgreSQL synchronous_commit on).
//!
//! Run with `cargo bench -p vecu-store --bench store` (PostgreSQL on 127.0.0.1:5432, or set
//! VECU_TEST_POSTGRES_URL).

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use vecu_store::testing::TestDb;
use vecu_store::{Backend, Mode, Store, StoreConfig};
use vecu_survey::ValidatedResponse;

const PATIENTS: usize = 30_000;
const THREADS: usize = 8;

struct Fixture {
    store: Store,
    invitations: Vec<String>,
    responses: Vec<ValidatedResponse>,
    next: AtomicUsize,
    _db: TestDb,
}

fn fixture(backend: Backend, mix_every: u64) -> Fixture {
    let db = TestDb::new(backend);
    let store = Store::open(
        &db.url,
        StoreConfig {
            mix_every,
            ..db.config()
        },
    )
    .expect("store");
    let text = include_str!("../surveys/scape-cancer.json");
    let survey = vecu_survey::load_str(text).expect("survey");
    let wave = store
        .create_wave(&store.add_survey(&survey, text).expect("stored"), "bench")
        .expect("wave");
    let mut csv = String::from("email,language,site,age_band,sex,tumour_group\n");
    for idx in 0..PATIENTS {
        let codes: Vec<&str> = survey
            .frame
            .iter()
            .map(|v| v.values[idx % v.values.len()].code.as_str())
            .collect();
        csv.push_str(&format!("p{idx}@example.org,fr,{}\n", codes.join(",")));
    }
    store.import_frame(&wave, csv.as_bytes()).expect("frame");
    store.open_wave(&wave).expect("open");
    let invitations = store
        .issue_tokens(&wave)
        .expect("tokens")
        .into_iter()
        .map(|t| t.invitation)
        .collect();
    let responses = vecu_survey::simulate(&survey, 500, 1)
        .into_iter()
        .map(|r| survey.validate_answers(r.answers).expect("valid"))
        .collect();
    Fixture {
        store,
        invitations,
        responses,
        next: AtomicUsize::new(0),
        _db: db,
    }
}

impl Fixture {
    fn submit_next(&self) {
        let idx = self.next.fetch_add(1, Ordering::SeqCst);
        let invitation = self
            .invitations
            .get(idx)
            .expect("the fixture has enough invitations for the run");
        self.store
            .submit(
                invitation,
                &self.responses[idx % self.responses.len()],
                Mode::WebLink,
            )
            .expect("submitted");
    }
}

fn submissions(c: &mut Criterion) {
    let mut group = c.benchmark_group("submit");
    group
        .sample_size(10)
        .measurement_time(Duration::from_secs(4))
        .warm_up_time(Duration::from_secs(1));
    group.throughput(Throughput::Elements(1));
    // PostgreSQL also without mixing, to show what the unlinkability of its heap costs.
    for (backend, mix_every, label) in [
        (Backend::Sqlite, 32, "SQLite"),
        (Backend::Postgres, 32, "PostgreSQL"),
        (Backend::Postgres, u64::MAX, "PostgreSQL without mixing"),
    ] {
        let fixture = Arc::new(fixture(backend, mix_every));
        group.bench_function(format!("{label}, one client"), |b| {
            b.iter_custom(|iters| {
                let start = Instant::now();
                for _ in 0..iters {
                    fixture.submit_next();
                }
                start.elapsed()
            })
        });
        group.bench_function(format!("{label}, {THREADS} clients"), |b| {
            b.iter_custom(|iters| {
                let start = Instant::now();
                let threads: Vec<_> = (0..THREADS)
                    .map(|thread| {
                        let fixture = fixture.clone();
                        let share = iters as usize / THREADS
                            + usize::from(thread < iters as usize % THREADS);
                        std::thread::spawn(move || (0..share).for_each(|_| fixture.submit_next()))
                    })
                    .collect();
                threads
                    .into_iter()
                    .for_each(|thread| thread.join().expect("thread"));
                start.elapsed()
            })
        });
    }
    group.finish();
}

criterion_group!(store, submissions);
criterion_main!(store);
