//! Key drivers (each question's correlation with the overall rating) and the sites' improvement
//! priorities: a correlation worked out by hand, weighted ones against R's `cov.wt`, and the
//! priority matrix's quadrants on data built to have a clear priority.

mod support;

use std::path::Path;

use vecu_analysis::{
    analyse, chart_svgs, fisher_interval, read_responses, Analysis, FrameCounts, Method, Options,
    ResultRow, DRIVER,
};
use vecu_survey::{Codebook, Survey};

use support::{close, dataset, example, respondent};

fn rows_of<'a>(
    analysis: &'a Analysis,
    item: &str,
    unit: &str,
    statistic: &str,
    weighted: bool,
) -> Vec<&'a ResultRow> {
    analysis
        .rows
        .iter()
        .filter(|row| {
            row.item == item
                && row.unit == unit
                && row.statistic == statistic
                && row.weighted == weighted
        })
        .collect()
}

fn one<'a>(analysis: &'a Analysis, item: &str, unit: &str, statistic: &str) -> &'a ResultRow {
    match rows_of(analysis, item, unit, statistic, false)[..] {
        [row] => row,
        ref other => panic!("{item} {unit} {statistic}: {} rows", other.len()),
    }
}

fn shown_everything() -> Options {
    Options {
        threshold: 1,
        ..Options::default()
    }
}

/// Data set A of `tests/statistics.rs` (8 responses, two sites):
///
/// | # | site | explained | doctors | nurses | overall |
/// |---|------|-----------|---------|--------|---------|
/// | 1 | H1   | 1         | 1       | 1      | 10      |
/// | 2 | H1   | 1         | 1       | 2      | 9       |
/// | 3 | H1   | 2         | 3       | 1      | 8       |
/// | 4 | H1   | 9         | 1       |        | 7       |
/// | 5 | H2   | 1         | 2       | 2      | 6       |
/// | 6 | H2   | 3         | 4       | 4      | 5       |
/// | 7 | H2   |           | 1       | 1      | 9       |
/// | 8 | H2   |           |         |        | 10      |
fn dataset_a(survey: &Survey) -> vecu_analysis::Dataset {
    #[rustfmt::skip]
    let table = [
        ("H1", "1", "1", "1", 10), ("H1", "1", "1", "2", 9), ("H1", "2", "3", "1", 8),
        ("H1", "9", "1", "", 7), ("H2", "1", "2", "2", 6), ("H2", "3", "4", "4", 5),
        ("H2", "", "1", "1", 9), ("H2", "", "", "", 10),
    ];
    let rows: Vec<_> = table
        .iter()
        .enumerate()
        .map(|(index, (site, explained, doctors, nurses, overall))| {
            let mut row = respondent(index, site, doctors, *overall);
            row.retain(|(_, value)| !value.is_empty());
            if !explained.is_empty() {
                row.push(("surgery", "yes".to_owned()));
                row.push(("surgery_explained", (*explained).to_owned()));
            }
            if !nurses.is_empty() {
                row.push(("staff.nurses", (*nurses).to_owned()));
            }
            row
        })
        .collect();
    dataset(survey, &rows)
}

#[test]
fn correlations_with_the_overall_rating_worked_by_hand() {
    let survey = example();
    let data = dataset_a(&survey);
    let analysis = analyse(&survey, &data, &shown_everything(), None, &mut |_, _| {})
        .expect("the analysis runs");

    // Doctors positive (code 1) against the rating, rows 1-7 (row 8 has no doctors answer):
    // x = 1 1 0 1 0 0 1, y = 10 9 8 7 6 5 9; Sxy = 35 - 4·54/7 = 29/7, Sxx = 4 - 16/7 = 12/7,
    // Syy = 436 - 54²/7 = 136/7, so r = 29 / √(12·136) = 29 / √1632 = 0.717857.
    let doctors = one(&analysis, "staff.doctors", "all", DRIVER);
    let r = 29.0 / 1632f64.sqrt();
    close("r doctors", doctors.estimate, r, 1e-12);
    assert_eq!(doctors.n, Some(7), "pairwise: row 8 has no answer");
    // Fisher: atanh(r) ± 1.959964 / √(7 - 3).
    let half = 1.959963984540054 / 2.0;
    close("low", doctors.ci_low, (r.atanh() - half).tanh(), 1e-12);
    close("high", doctors.ci_high, (r.atanh() + half).tanh(), 1e-12);
    let exported = fisher_interval(r, 7.0);
    close("fisher_interval", doctors.ci_high, exported.high, 1e-12);

    // H1, rows 1-4: x = 1 1 0 1, y = 10 9 8 7; Sxy = 26 - 3·34/4 = 0.5, Sxx = 0.75, Syy = 5.
    let h1 = one(&analysis, "staff.doctors", "H1", DRIVER);
    close("r doctors H1", h1.estimate, 0.5 / 3.75f64.sqrt(), 1e-12);
    assert_eq!(h1.unit_kind, "site");
    // H2, rows 5-7: x = 0 0 1, y = 6 5 9: r = (7/3) / √(2/3 · 26/3) = 0.970725; 3 pairs give
    // no Fisher interval.
    let h2 = one(&analysis, "staff.doctors", "H2", DRIVER);
    close(
        "r doctors H2",
        h2.estimate,
        (7.0 / 3.0) / (52.0f64 / 9.0).sqrt(),
        1e-12,
    );
    assert_eq!((h2.ci_low, h2.ci_high, h2.n), (None, None, Some(3)));

    // Explained: "don't know" (9, row 4) is left out: x = 1 1 0 1 0, y = 10 9 8 6 5;
    // Sxy = 25 - 3·38/5 = 2.2, Sxx = 1.2, Syy = 306 - 38²/5 = 17.2.
    let explained = one(&analysis, "surgery_explained", "all", DRIVER);
    close(
        "r explained",
        explained.estimate,
        2.2 / (1.2f64 * 17.2).sqrt(),
        1e-12,
    );
    assert_eq!(explained.n, Some(5));

    // Domain communication, each respondent's share of positive doctors and nurses answers:
    // 1 .5 .5 1 0 0 1 (row 8 none) against 10 9 8 7 6 5 9: Sxy = 34.5 - 4·54/7 = 25.5/7,
    // Sxx = 3.5 - 16/7 = 8.5/7, so r = 25.5 / √(8.5·136) = 25.5 / 34 = 0.75.
    let communication = one(&analysis, "communication", "all", DRIVER);
    close("r communication", communication.estimate, 0.75, 1e-12);
    assert_eq!(communication.question, None);

    // Not the rating itself nor its domain (both `overall` here: they would correlate with
    // themselves); units of comparison only, besides all respondents.
    assert!(rows_of(&analysis, "overall", "all", DRIVER, false).is_empty());
    assert!(one(&analysis, "overall", "all", "domain_score").is_shown());
    assert!(analysis
        .rows
        .iter()
        .filter(|row| row.statistic == DRIVER)
        .all(|row| row.unit_kind == "overall" || row.unit_kind == "site"));
    assert!(rows_of(&analysis, "staff.doctors", "70+", DRIVER, false).is_empty());
}

/// The fixture of `tests/reference.rs` (600 simulated responses to the cancer survey,
/// post-stratified to `invited.csv`) and R's figures in `reference_drivers.json`
/// (`make_reference_drivers.R`: `cor`, `cov.wt(cor = TRUE)`, Fisher's z by hand).
#[test]
fn correlations_match_r_cor_and_cov_wt_with_weights() {
    let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../surveys/scape-cancer.json");
    let text = std::fs::read_to_string(path).expect("the cancer survey is readable");
    let survey = vecu_survey::load_str(&text).expect("the cancer survey is valid");
    let reference: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(fixtures.join("reference_drivers.json")).expect("reference"),
    )
    .expect("JSON");
    // The domains R scored are the definition's.
    let codebook: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(fixtures.join("codebook.json")).expect("codebook"),
    )
    .expect("JSON");
    for domain in ["decision_making", "communication"] {
        let in_fixture: Vec<&str> = codebook["columns"]
            .as_array()
            .expect("columns")
            .iter()
            .filter(|column| column["domain"] == domain)
            .filter_map(|column| column["name"].as_str())
            .collect();
        let in_survey: Vec<String> = Codebook::new(&survey)
            .columns
            .iter()
            .filter(|column| match &column.source {
                vecu_survey::ColumnSource::Item {
                    domain: Some(d), ..
                }
                | vecu_survey::ColumnSource::MatrixRow {
                    domain: Some(d), ..
                } => d.as_str() == domain,
                _ => false,
            })
            .map(|column| column.name.clone())
            .collect();
        assert_eq!(in_survey, in_fixture, "domain {domain}");
    }
    let data = read_responses(&survey, &fixtures.join("responses.csv")).expect("responses");
    let options = Options {
        threshold: 1,
        weighting: Some((
            FrameCounts::read(&survey, &fixtures.join("invited.csv")).expect("invited"),
            Method::PostStratify,
        )),
        ..Options::default()
    };
    let analysis = analyse(&survey, &data, &options, None, &mut |_, _| {}).expect("analysis");
    let rows = reference["rows"].as_array().expect("rows");
    assert_eq!(rows.len(), 7 * 9);
    let number = |row: &serde_json::Value, key: &str| row[key].as_f64().expect(key);
    for expected in rows {
        let item = expected["item"].as_str().expect("item");
        let unit = expected["unit"].as_str().expect("unit");
        let what = format!("{item} {unit}");
        let [plain] = rows_of(&analysis, item, unit, DRIVER, false)[..] else {
            panic!("{what}: no single unweighted row");
        };
        let [weighted] = rows_of(&analysis, item, unit, DRIVER, true)[..] else {
            panic!("{what}: no single weighted row");
        };
        close(&what, plain.estimate, number(expected, "r"), 1e-13);
        close(&what, plain.ci_low, number(expected, "ci_low"), 1e-13);
        close(&what, plain.ci_high, number(expected, "ci_high"), 1e-13);
        assert_eq!(plain.n, Some(number(expected, "n") as u64), "{what}");
        close(
            &what,
            weighted.estimate,
            number(expected, "r_weighted"),
            1e-13,
        );
        close(
            &what,
            weighted.ci_low,
            number(expected, "ci_low_weighted"),
            1e-13,
        );
        close(
            &what,
            weighted.ci_high,
            number(expected, "ci_high_weighted"),
            1e-13,
        );
        assert_eq!(weighted.n, plain.n, "{what}: n counts the pairs");
    }
}

/// Three sites of 90; the rating follows the doctors' answer (9-10 when positive, 4-6 when not);
/// doctors are positive for 80% at H1 and H3, 30% at H2; nurses and the explanation are the
/// same everywhere and unrelated to the rating. `sizes` sets how many respondents each site has.
/// Analysed at the default threshold (10).
fn priority_analysis(survey: &Survey, sizes: [usize; 3]) -> Analysis {
    let mut rows = Vec::new();
    for (site, (size, positive_in_ten)) in ["H1", "H2", "H3"]
        .into_iter()
        .zip(sizes.into_iter().zip([8, 3, 8]))
    {
        for k in 0..size {
            let positive = k % 10 < positive_in_ten;
            let rating = (if positive { 9 + k % 2 } else { 4 + k % 3 }) as u8;
            let mut row = respondent(k, site, if positive { "1" } else { "3" }, rating);
            // Neither follows the age band (k % 3) or the sex (k % 2) exactly.
            let nurses = if (k / 2) % 2 == 0 { "1" } else { "2" };
            let explained = if (k / 3) % 4 == 0 { "2" } else { "1" };
            row.push(("staff.nurses", nurses.to_owned()));
            row.push(("surgery", "yes".to_owned()));
            row.push(("surgery_explained", explained.to_owned()));
            rows.push(row);
        }
    }
    let data = dataset(survey, &rows);
    analyse(survey, &data, &Options::default(), None, &mut |_, _| {}).expect("the analysis runs")
}

#[test]
fn a_strong_driver_where_a_site_is_clearly_below_is_its_priority() {
    let survey = example();
    let analysis = priority_analysis(&survey, [90, 90, 90]);
    let r = |item| {
        one(&analysis, item, "all", DRIVER)
            .estimate
            .unwrap_or_default()
    };
    assert!(r("staff.doctors") > 0.8, "{}", r("staff.doctors"));
    assert!(r("staff.nurses").abs() < 0.2 && r("surgery_explained").abs() < 0.2);

    let priority = |item, site| one(&analysis, item, site, "priority_pct_positive");
    let all_sites = one(&analysis, "staff.doctors", "all", "pct_positive");
    for site in ["H1", "H2", "H3"] {
        let row = priority("staff.doctors", site);
        let adjusted = one(&analysis, "staff.doctors", site, "adjusted_pct_positive");
        let gap = adjusted
            .estimate
            .zip(all_sites.estimate)
            .map(|(a, b)| a - b);
        close("gap", row.estimate, gap.unwrap_or(f64::NAN), 1e-9);
        close(
            "gap low",
            row.ci_low,
            adjusted.ci_low.unwrap_or_default() - all_sites.estimate.unwrap_or_default(),
            1e-9,
        );
        assert_eq!(row.unit_kind, "site");
    }
    // H2: 30% positive against 63% for all sites, on the strongest driver.
    assert_eq!(priority("staff.doctors", "H2").flag, "priority");
    assert_eq!(priority("staff.doctors", "H1").flag, "strength");
    assert_eq!(priority("staff.doctors", "H3").flag, "strength");
    // Same everywhere: not clearly different, whatever the driver.
    for item in ["staff.nurses", "surgery_explained"] {
        for site in ["H1", "H2", "H3"] {
            assert_eq!(priority(item, site).flag, "", "{item} {site}");
        }
    }
    // Domains are ranked among domains.
    assert_eq!(
        one(&analysis, "communication", "H2", "priority_domain_score").flag,
        "priority"
    );

    // The chart, in French: the matrix of H2 with its priority listed.
    let charts = chart_svgs(&survey, &analysis, "fr").expect("charts");
    let matrix = charts
        .get("priorities_H2")
        .expect("a priority matrix for H2");
    assert!(matrix.contains("Priorités d"), "title in French");
    assert!(
        matrix.contains("améliorer en priorité"),
        "quadrant named in French"
    );
    assert!(
        matrix.contains("Lien avec la note globale"),
        "axis in French"
    );
}

#[test]
fn a_site_below_the_threshold_gets_no_driver_and_no_priority_figure() {
    let survey = example();
    let analysis = priority_analysis(&survey, [90, 90, 9]);
    for statistic in [DRIVER, "priority_pct_positive"] {
        let row = one(&analysis, "staff.doctors", "H3", statistic);
        assert!(!row.is_shown(), "{statistic}: {row:?}");
        assert_eq!((row.estimate, row.n, row.flag.as_str()), (None, None, ""));
    }
    // Every shown driver row rests on enough pairs.
    for row in analysis
        .rows
        .iter()
        .filter(|row| row.statistic == DRIVER && row.is_shown())
    {
        assert!(row.n.unwrap_or_default() >= 10, "{row:?}");
    }
    let charts = chart_svgs(&survey, &analysis, "en").expect("charts");
    assert!(!charts.contains_key("priorities_H3"));
}
