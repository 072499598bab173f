//! A wave read chunk by chunk into its summary gives the analysis of the whole file read at once:
//! the same rows, the same figures (to rounding of sums added in another order), the same
//! refusals at the same lines.

use std::path::{Path, PathBuf};

use vecu_analysis::{
    analyse, analyse_waves, read_responses, read_summary_in_chunks, Analysis, FrameCounts, Method,
    Options, ReadOptions, ResultRow, Summary,
};
use vecu_survey::{Survey, TableFormat};

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")
}

fn survey() -> Survey {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../surveys/scape-cancer.json");
    let text = std::fs::read_to_string(path).expect("the shipped survey is readable");
    vecu_survey::load_str(&text).expect("the shipped survey is valid")
}

fn options(survey: &Survey) -> Options {
    let counts =
        FrameCounts::read(survey, &fixtures().join("invited.csv")).expect("invited counts load");
    Options {
        weighting: Some((counts, Method::PostStratify)),
        ..Options::default()
    }
}

fn whole(survey: &Survey, path: &Path) -> Analysis {
    let data = read_responses(survey, path).expect("the responses load");
    analyse(survey, &data, &options(survey), None, &mut |_, _| {}).expect("the analysis runs")
}

fn chunked(survey: &Survey, path: &Path, chunk_rows: usize) -> (Analysis, usize) {
    let mut calls = 0;
    let read = read_summary_in_chunks(
        survey,
        path,
        &ReadOptions::default(),
        chunk_rows,
        &mut |_, _| calls += 1,
    )
    .expect("the responses load in chunks");
    let analysis = analyse_waves(
        survey,
        &read.summary,
        &options(survey),
        "current",
        &[],
        &mut |_, _| {},
    )
    .expect("the analysis runs");
    (analysis, calls)
}

fn close(a: Option<f64>, b: Option<f64>) -> bool {
    match (a, b) {
        (Some(a), Some(b)) => (a - b).abs() <= 1e-9 * a.abs().max(1.0),
        (a, b) => a == b,
    }
}

fn assert_same(ours: &[ResultRow], theirs: &[ResultRow], what: &str) {
    assert_eq!(ours.len(), theirs.len(), "{what}: number of rows");
    for (a, b) in ours.iter().zip(theirs) {
        let numbers = [
            (a.estimate, b.estimate),
            (a.ci_low, b.ci_low),
            (a.ci_high, b.ci_high),
            (a.se, b.se),
            (a.phi, b.phi),
            (a.tau2, b.tau2),
        ];
        let same = numbers.iter().all(|(x, y)| close(*x, *y))
            && ResultRow {
                estimate: None,
                ci_low: None,
                ci_high: None,
                se: None,
                phi: None,
                tau2: None,
                ..a.clone()
            } == ResultRow {
                estimate: None,
                ci_low: None,
                ci_high: None,
                se: None,
                phi: None,
                tau2: None,
                ..b.clone()
            };
        assert!(same, "{what}:\n{a:?}\n{b:?}");
    }
}

#[test]
fn csv_in_chunks_gives_the_analysis_of_the_whole_file() {
    let survey = survey();
    let path = fixtures().join("responses.csv");
    let expected = whole(&survey, &path);
    for chunk_rows in [7, 100, 600, 1000] {
        let (analysis, calls) = chunked(&survey, &path, chunk_rows);
        assert_eq!(analysis.respondents, 600);
        assert_eq!(
            calls,
            600usize.div_ceil(chunk_rows),
            "one progress call per chunk"
        );
        assert_same(
            &analysis.rows,
            &expected.rows,
            &format!("chunks of {chunk_rows}"),
        );
    }
}

#[test]
fn parquet_in_chunks_gives_the_analysis_of_the_whole_file() {
    let survey = survey();
    let dir = tempfile::tempdir().expect("a temporary folder");
    let path = dir.path().join("responses.parquet");
    let mut frame = vecu_survey::read_table(&fixtures().join("responses.csv")).expect("the CSV");
    vecu_survey::write_table(&mut frame, &path, TableFormat::Parquet).expect("Parquet written");
    let expected = whole(&survey, &path);
    let (analysis, calls) = chunked(&survey, &path, 64);
    assert_eq!(calls, 10, "600 rows in chunks of 64");
    assert_same(&analysis.rows, &expected.rows, "Parquet in chunks of 64");
}

/// The fixture CSV with `value` in `column` on the lines (0 the header) that `changed` picks,
/// written in `dir`.
fn fixture_with(dir: &Path, column: &str, value: &str, changed: impl Fn(usize) -> bool) -> PathBuf {
    let text = std::fs::read_to_string(fixtures().join("responses.csv")).expect("the CSV");
    let header = text.lines().next().expect("a header");
    let position = header
        .split(',')
        .position(|name| name == column)
        .expect("the column");
    let lines: Vec<String> = text
        .lines()
        .enumerate()
        .map(|(index, line)| {
            if index > 0 && changed(index) {
                let mut cells: Vec<&str> = line.split(',').collect();
                cells[position] = value;
                cells.join(",")
            } else {
                line.to_owned()
            }
        })
        .collect();
    let path = dir.join("responses.csv");
    std::fs::write(&path, lines.join("\n") + "\n").expect("written");
    path
}

#[test]
fn a_level_first_met_in_a_later_chunk_joins_the_summary() {
    // The last rows' sex generalised to `other` by a k-anonymous export.
    let survey = survey();
    let dir = tempfile::tempdir().expect("a temporary folder");
    let path = fixture_with(dir.path(), "sex", "other", |line| line > 590);
    let expected = whole(&survey, &path);
    assert!(expected
        .rows
        .iter()
        .any(|row| row.unit_kind == "sex" && row.unit == "other"));
    let (analysis, _) = chunked(&survey, &path, 50);
    assert_same(&analysis.rows, &expected.rows, "other in the last chunk");
}

#[test]
fn a_wrong_cell_is_refused_at_its_line_as_in_a_whole_read() {
    let survey = survey();
    let dir = tempfile::tempdir().expect("a temporary folder");
    let path = fixture_with(dir.path(), "site", "H99", |line| line == 450);
    let whole = read_responses(&survey, &path)
        .expect_err("H99 is refused")
        .to_string();
    let chunked =
        read_summary_in_chunks(&survey, &path, &ReadOptions::default(), 100, &mut |_, _| {})
            .expect_err("H99 is refused in chunks too")
            .to_string();
    assert!(whole.contains("line 451"), "{whole}");
    assert_eq!(chunked, whole);
}

#[test]
fn a_summary_of_rows_in_memory_counts_them() {
    let survey = survey();
    let data = read_responses(&survey, &fixtures().join("responses.csv")).expect("responses");
    assert_eq!(Summary::of(&survey, &data).rows(), 600);
}
