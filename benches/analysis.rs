//! `vecu analyse` on a million responses to the shipped questionnaire.
//!
//! Run with `cargo bench -p vecu-analysis --bench analysis`. The set-up simulates 1,000,000
//! responses (seed 1) into a Parquet file and invited counts per site x age band (a response
//! rate of 45%), once. Then:
//! - "tables": read the Parquet file chunk by chunk into its summary, every measure for overall, every site and every frame
//!   subgroup, weighted and unweighted, case-mix adjustment (both methods), funnel limits,
//!   distributions, response rates, suppression, and results.csv / .parquet / .json written;
//! - "charts": every chart of that analysis, SVG and PNG.
//!
//! Peak memory is measured outside criterion by `scripts/bench-analysis.sh` (GNU time).

use std::collections::BTreeMap;
use std::path::Path;

use criterion::{criterion_group, criterion_main, Criterion};
use vecu_analysis::{
    analyse_waves, read_summary, write_charts, write_results, FrameCounts, Method, Options,
    ReadOptions,
};
use vecu_survey::{Codebook, Simulator, TableFormat};

const CANCER_SURVEY: &str = include_str!("../surveys/scape-cancer.json");
const RESPONSES: usize = 1_000_000;
const CHUNK: usize = 50_000;

/// Writes the responses and returns the invited counts per site x age band.
fn generate(survey: &vecu_survey::Survey, path: &Path) -> String {
    let codebook = Codebook::new(survey);
    let mut simulator = Simulator::new(survey, 1);
    let mut cells: BTreeMap<(String, String), u64> = BTreeMap::new();
    let chunks = (0..RESPONSES).step_by(CHUNK).map(|_| {
        simulator
            .by_ref()
            .take(CHUNK)
            .map(|response| {
                let code = |id: &str| {
                    response
                        .frame
                        .iter()
                        .find(|(variable, _)| variable.as_str() == id)
                        .map(|(_, code)| code.to_string())
                        .unwrap_or_default()
                };
                *cells.entry((code("site"), code("age_band"))).or_default() += 1;
                codebook.row(&response.response_id, &response.frame, &response.answers)
            })
            .collect::<Vec<_>>()
    });
    vecu_survey::write_table_in_chunks(&codebook, chunks, path, TableFormat::Parquet)
        .expect("the simulated responses are written");
    let mut counts = String::from("site,age_band,invited\n");
    for ((site, age), respondents) in cells {
        counts += &format!("{site},{age},{}\n", (respondents as f64 / 0.45).ceil());
    }
    counts
}

fn benches(c: &mut Criterion) {
    let survey = vecu_survey::load_str(CANCER_SURVEY).expect("the shipped survey loads");
    let dir = tempfile::tempdir().expect("a temporary folder");
    let responses = dir.path().join("responses.parquet");
    let counts_text = generate(&survey, &responses);
    let counts = FrameCounts::parse(&survey, &counts_text).expect("valid counts");
    let options = Options {
        weighting: Some((counts, Method::PostStratify)),
        ..Options::default()
    };
    let out = dir.path().join("out");
    std::fs::create_dir_all(&out).expect("output folder");

    let mut group = c.benchmark_group("vecu analyse, 1,000,000 responses");
    group.sample_size(10);
    let tables = || {
        let read = read_summary(&survey, &responses, &ReadOptions::default(), &mut |_, _| {})
            .expect("reads");
        analyse_waves(
            &survey,
            &read.summary,
            &options,
            "current",
            &[],
            &mut |_, _| {},
        )
        .expect("analyses")
    };
    group.bench_function("tables", |b| {
        b.iter(|| {
            let analysis = tables();
            write_results(&analysis.rows, &out).expect("writes");
            analysis.rows.len()
        })
    });
    let analysis = tables();
    let charts = out.join("charts");
    group.bench_function("charts", |b| {
        b.iter(|| {
            write_charts(&survey, &analysis, "fr", &charts, &mut |_, _| {})
                .expect("draws")
                .len()
        })
    });
    group.finish();
}

criterion_group!(analysis, benches);
criterion_main!(analysis);
