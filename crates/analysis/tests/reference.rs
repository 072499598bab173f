//! Weighted estimates agree with R's `survey` package: to 4 decimals (post-stratification), to 1e-9
//! and 1e-6 relative (raking).
//!
//! The reference values in `tests/fixtures/reference.json` were computed once with R 4.2.2 and
//! survey 4.1.1 from Debian's packages `r-base-core` and `r-cran-survey`, by
//! `tests/fixtures/make_reference.R`, from the frozen inputs beside it (600 simulated responses
//! to the shipped questionnaire, invited counts per site x age band from `make_invited.R`).
//! `tests/fixtures/README.md` says how to run them again and what R computed: post-stratification
//! on site x age band, `svyciprop(method = "logit")` and `"mean"` on the subset of applicable
//! answers, `svymean` with its linearised SE. The raking tests use `make_reference_rake.R` and
//! `make_reference_rake_unequal.R` (every unit kind, weights from 1.0 to 4.4). This test needs
//! only the committed files.

use std::path::{Path, PathBuf};

use serde_json::Value;
use vecu_analysis::{analyse, read_responses, FrameCounts, Method, Options, ResultRow};

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")
}

fn survey() -> vecu_survey::Survey {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../surveys/scape-cancer.json");
    let text = std::fs::read_to_string(path).expect("the shipped survey is readable");
    vecu_survey::load_str(&text).expect("the shipped survey is valid")
}

fn fixture_json(name: &str) -> Value {
    let text = std::fs::read_to_string(fixtures().join(name)).expect("a readable fixture");
    serde_json::from_str(&text).unwrap_or_else(|error| panic!("{name} is not JSON: {error}"))
}

fn reference() -> Value {
    fixture_json("reference.json")
}

fn number(value: &Value, pointer: &str) -> f64 {
    value
        .pointer(pointer)
        .and_then(Value::as_f64)
        .unwrap_or_else(|| panic!("reference.json has no number at {pointer}"))
}

/// Agreement to 4 decimals on the 0-1 scale.
fn assert_close(what: &str, ours: f64, theirs: f64) {
    assert!(
        (ours - theirs).abs() < 5e-5,
        "{what}: vecu {ours:.8}, R {theirs:.8}"
    );
}

/// Relative difference, for figures that agree with R to many more digits than 4 decimals.
fn relative(ours: f64, theirs: f64) -> f64 {
    (ours - theirs).abs() / theirs.abs().max(1e-12)
}

/// The results of fixture responses weighted to fixture invited counts.
fn weighted_rows(responses: &str, invited: &str, method: Method, threshold: u64) -> Vec<ResultRow> {
    let survey = survey();
    let data = read_responses(&survey, &fixtures().join(responses)).expect("responses load");
    let counts =
        FrameCounts::read(&survey, &fixtures().join(invited)).expect("invited counts load");
    let options = Options {
        threshold,
        weighting: Some((counts, method)),
        ..Options::default()
    };
    analyse(&survey, &data, &options, None, &mut |_, _| {})
        .expect("the analysis runs")
        .rows
}

fn rows() -> Vec<ResultRow> {
    let threshold = Options::default().threshold;
    weighted_rows(
        "responses.csv",
        "invited.csv",
        Method::PostStratify,
        threshold,
    )
}

fn overall<'a>(
    rows: &'a [ResultRow],
    item: &str,
    statistic: &str,
    weighted: bool,
) -> &'a ResultRow {
    rows.iter()
        .find(|row| {
            row.item == item
                && row.unit_kind == "overall"
                && row.statistic == statistic
                && row.weighted == weighted
        })
        .unwrap_or_else(|| panic!("no overall {statistic} row for {item} (weighted {weighted})"))
}

#[test]
fn weighted_percent_positive_agrees_with_svyciprop_and_svymean() {
    let reference = reference();
    let rows = rows();
    for item in [
        "diagnosis_words",
        "questions_answered",
        "ward_pain",
        "care_well_organised",
    ] {
        let r = |pointer: &str| number(&reference, &format!("/items/{item}/{pointer}"));
        let weighted = overall(&rows, item, "pct_positive", true);
        let estimate = weighted.estimate.expect("shown") / 100.0;
        let se = weighted.se.expect("a weighted row has its SE") / 100.0;
        assert_close(
            &format!("{item} svymean estimate"),
            estimate,
            r("svymean/estimate"),
        );
        assert_close(&format!("{item} svymean SE"), se, r("svymean/se"));
        assert_close(
            &format!("{item} logit estimate"),
            estimate,
            r("logit/estimate"),
        );
        assert_close(
            &format!("{item} logit CI low"),
            weighted.ci_low.expect("shown") / 100.0,
            r("logit/ci_low"),
        );
        assert_close(
            &format!("{item} logit CI high"),
            weighted.ci_high.expect("shown") / 100.0,
            r("logit/ci_high"),
        );
        // svyciprop(method = "mean"): estimate ± t(df) · SE, with df = rows in the domain - 1.
        let t = vecu_analysis::t_quantile(0.975, r("df"));
        assert_close(&format!("{item} t quantile"), t, r("t_quantile"));
        assert_close(
            &format!("{item} mean CI low"),
            estimate - t * se,
            r("mean/ci_low"),
        );
        assert_close(
            &format!("{item} mean CI high"),
            estimate + t * se,
            r("mean/ci_high"),
        );
        assert_eq!(weighted.n, Some(r("n") as u64), "{item} n");

        let unweighted = overall(&rows, item, "pct_positive", false);
        assert_close(
            &format!("{item} unweighted"),
            unweighted.estimate.expect("shown") / 100.0,
            r("unweighted"),
        );
    }
}

#[test]
fn weighted_mean_rating_agrees_with_svymean_and_confint() {
    let reference = reference();
    let rows = rows();
    let r = |pointer: &str| number(&reference, &format!("/overall_rating/{pointer}"));
    let weighted = overall(&rows, "overall_rating", "mean", true);
    assert_close(
        "rating estimate",
        weighted.estimate.expect("shown"),
        r("svymean/estimate"),
    );
    assert_close("rating SE", weighted.se.expect("SE"), r("svymean/se"));
    assert_close(
        "rating CI low",
        weighted.ci_low.expect("shown"),
        r("ci/ci_low"),
    );
    assert_close(
        "rating CI high",
        weighted.ci_high.expect("shown"),
        r("ci/ci_high"),
    );
    let unweighted = overall(&rows, "overall_rating", "mean", false);
    assert_close(
        "rating unweighted",
        unweighted.estimate.expect("shown"),
        r("unweighted"),
    );
}

#[test]
fn weights_reproduce_the_invited_sample() {
    // Every respondent weighted: the weighted n of an item with no missing answer is the number
    // invited, 1260; through the estimate of a constant it is the share of weight in the domain.
    let reference = reference();
    let rows = rows();
    let respondents = number(&reference, "/weights/respondents");
    let rating = overall(&rows, "overall_rating", "mean", true);
    assert_eq!(rating.n, Some(respondents as u64));
    let total = number(&reference, "/weights/total_invited");
    let response_rate = rows
        .iter()
        .find(|row| row.item == "response" && row.unit_kind == "overall")
        .expect("a response-rate row");
    assert_close(
        "overall response rate",
        response_rate.estimate.expect("shown") / 100.0,
        respondents / total,
    );
}

#[test]
fn charts_are_drawn_in_every_language_from_the_suppressed_results() {
    let survey = survey();
    let data = read_responses(&survey, &fixtures().join("responses.csv")).expect("responses load");
    let analysis =
        analyse(&survey, &data, &Options::default(), None, &mut |_, _| {}).expect("analysis");
    for (lang, words) in [
        ("fr", "Le diagnostic vous a-t-il été expliqué"),
        ("de", "Wurde Ihnen die Diagnose"),
        ("it", "diagnosi"),
        ("en", "diagnosis"),
    ] {
        let dir = tempfile::tempdir().expect("temporary folder");
        let files =
            vecu_analysis::write_charts(&survey, &analysis, lang, dir.path(), &mut |_, _| {})
                .expect("charts are drawn");
        assert!(files.len() > 100, "{lang}: {} files", files.len());
        for file in &files {
            assert!(
                std::fs::metadata(file).expect("written").len() > 1000,
                "{}",
                file.display()
            );
        }
        let svg =
            std::fs::read_to_string(dir.path().join("sites_diagnosis_words_pct_positive.svg"))
                .expect("the site comparison of question 6");
        assert!(
            svg.contains(words),
            "{lang}: the question is labelled in its language"
        );
    }
}

#[test]
fn raked_estimates_agree_with_survey_rake_on_every_unit() {
    // Values from make_reference_rake_unequal.R: 1,560 simulated respondents of 2,822 invited,
    // response propensities 0.15..0.90 by site x age band (weights 1.0..4.4), survey::rake on
    // both margins, then svymean overall and svyby(~y, ~kind, design, svymean) for every other
    // unit kind (domain estimation on the whole raked design).
    let reference = fixture_json("reference_rake_unequal.json");
    // Threshold 1, every unit shown: this compares statistics, not suppression.
    let rows = weighted_rows(
        "responses_rake_unequal.csv",
        "invited_rake_unequal.csv",
        Method::Rake,
        1,
    );
    let expected = reference
        .pointer("/rows")
        .and_then(Value::as_array)
        .expect("reference rows");
    let text_of = |row: &Value, key: &str| -> String {
        row.get(key)
            .and_then(Value::as_str)
            .unwrap_or_else(|| panic!("reference row without {key}"))
            .to_owned()
    };
    // Largest relative difference of the SE per unit kind, and every row beyond 1e-6.
    let mut worst: std::collections::BTreeMap<String, f64> = Default::default();
    let mut failures = Vec::new();
    for row in expected {
        let (item, statistic) = (text_of(row, "item"), text_of(row, "statistic"));
        let (kind, code) = (text_of(row, "unit_kind"), text_of(row, "code"));
        let ours = rows
            .iter()
            .find(|r| {
                r.weighted
                    && r.item == item
                    && r.statistic == statistic
                    && r.unit_kind == kind
                    && r.unit == code
            })
            .unwrap_or_else(|| panic!("no weighted {statistic} row of {item} for {kind} {code}"));
        let scale = if statistic == "mean" { 1.0 } else { 100.0 };
        let what = format!("{item} {statistic} {kind}={code}");
        assert_eq!(ours.n, Some(number(row, "/n") as u64), "{what}: n");
        let estimate = relative(
            ours.estimate.expect("shown") / scale,
            number(row, "/estimate"),
        );
        let se = relative(ours.se.expect("SE") / scale, number(row, "/se"));
        let entry = worst.entry(kind.clone()).or_default();
        *entry = entry.max(se);
        if estimate > 1e-6 || se > 1e-6 {
            failures.push(format!(
                "{what}: estimate off by {estimate:.1e}, SE off by {se:.1e} (relative)"
            ));
        }
    }
    for statistic in ["pct_positive", "mean", "domain_score"] {
        let expected_rows = expected
            .iter()
            .filter(|row| row.get("statistic").and_then(Value::as_str) == Some(statistic))
            .count();
        assert!(expected_rows > 0, "the reference has {statistic} rows");
    }
    assert!(
        failures.is_empty(),
        "{} of {} rows differ from R by more than 1e-6; largest SE difference per unit kind: \
         {worst:?}\n{}",
        failures.len(),
        expected.len(),
        failures.join("\n")
    );
    for kind in ["overall", "site", "age_band", "sex", "tumour_group", "mode"] {
        assert!(worst.contains_key(kind), "the reference covers {kind}");
    }
}

#[test]
fn raked_estimates_agree_with_survey_rake() {
    // Values from make_reference_rake.R: survey::rake to the site and age-band margins of
    // invited.csv, iterated to convergence, then svymean. They agree to about 1e-11 (relative;
    // R writes 15 significant digits).
    let reference = fixture_json("reference_rake.json");
    let threshold = Options::default().threshold;
    let rows = weighted_rows("responses.csv", "invited.csv", Method::Rake, threshold);
    for (item, statistic, scale) in [
        ("diagnosis_words", "pct_positive", 100.0),
        ("ward_pain", "pct_positive", 100.0),
        ("overall_rating", "mean", 1.0),
    ] {
        let row = overall(&rows, item, statistic, true);
        let r = |what: &str| number(&reference, &format!("/estimates/{item}/{what}"));
        let estimate = row.estimate.expect("shown") / scale;
        let se = row.se.expect("SE") / scale;
        assert!(
            relative(estimate, r("estimate")) < 1e-9,
            "{item} raked estimate: vecu {estimate:.15}, R {:.15}",
            r("estimate")
        );
        assert!(
            relative(se, r("se")) < 1e-9,
            "{item} raked SE: vecu {se:.15}, R {:.15}",
            r("se")
        );
    }
}
