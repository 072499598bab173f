//! Survey-crate throughput: loading the shipped questionnaire, validating responses, simulating.
//!
//! Run with `cargo bench -p vecu-survey --bench survey`.

use criterion::{criterion_group, criterion_main, BatchSize, Criterion, Throughput};

const CANCER_SURVEY: &str = include_str!("../surveys/scape-cancer.json");

fn benches(c: &mut Criterion) {
    let survey = vecu_survey::load_str(CANCER_SURVEY).expect("shipped survey loads");
    let responses: Vec<serde_json::Value> = vecu_survey::simulate(&survey, 1000, 42)
        .iter()
        .map(|response| response.answers.to_json())
        .collect();

    c.bench_function("load scape-cancer definition (schema + checks)", |b| {
        b.iter(|| vecu_survey::load_str(CANCER_SURVEY).expect("loads"))
    });

    let mut group = c.benchmark_group("responses");
    group.throughput(Throughput::Elements(responses.len() as u64));
    group.bench_function("validate 1000 responses", |b| {
        b.iter(|| {
            responses
                .iter()
                .filter(|response| survey.validate(response).is_ok())
                .count()
        })
    });
    group.bench_function("simulate 1000 responses", |b| {
        b.iter_batched(
            || (),
            |()| vecu_survey::simulate(&survey, 1000, 7),
            BatchSize::SmallInput,
        )
    });
    let codebook = vecu_survey::Codebook::new(&survey);
    let simulated = vecu_survey::simulate(&survey, 1000, 42);
    group.bench_function("wide rows for 1000 responses", |b| {
        b.iter(|| {
            simulated
                .iter()
                .map(|r| codebook.row(&r.response_id, &r.frame, &r.answers))
                .collect::<Vec<_>>()
        })
    });
    group.finish();
}

criterion_group!(survey, benches);
criterion_main!(survey);
