//! Weighted estimates agree with R's `survey` package to 4 decimals.
//!
//! The reference values in `tests/fixtures/reference.json` were computed once with R 4.2.2 and
//! survey 4.1.1 from Debian's packages `r-base-core` and `r-cran-survey`, by
//! `tests/fixtures/make_reference.R`, from the frozen inputs beside it (600 simulated responses
//! to the shipped questionnaire, invited counts per site x age band from `make_invited.R`).
//! `tests/fixtures/README.md` says how to run them again and what R computed: post-stratification
//! on site x age band, `svyciprop(method = "logit")` and `"mean"` on the subset of applicable
//! answers, `svymean` with its linearised SE. This test needs only the committed files.

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

fn reference() -> Value {
    let text = std::fs::read_to_string(fixtures().join("reference.json")).expect("reference.json");
    serde_json::from_str(&text).expect("reference.json is JSON")
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

fn rows() -> Vec<ResultRow> {
    let survey = survey();
    let data = read_responses(&survey, &fixtures().join("responses.csv")).expect("responses load");
    let counts =
        FrameCounts::read(&survey, &fixtures().join("invited.csv")).expect("invited counts load");
    let options = Options {
        weighting: Some((counts, Method::PostStratify)),
        ..Options::default()
    };
    analyse(&survey, &data, &options, None, &mut |_, _| {})
        .expect("the analysis runs")
        .rows
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
fn raked_estimates_agree_with_survey_rake() {
    // Values from make_reference_rake.R: survey::rake to the site and age-band margins of
    // invited.csv, iterated to convergence, then svymean.
    let text = std::fs::read_to_string(fixtures().join("reference_rake.json"))
        .expect("reference_rake.json");
    let reference: Value = serde_json::from_str(&text).expect("JSON");
    let survey = survey();
    let data = read_responses(&survey, &fixtures().join("responses.csv")).expect("responses load");
    let counts =
        FrameCounts::read(&survey, &fixtures().join("invited.csv")).expect("invited counts load");
    let options = Options {
        weighting: Some((counts, Method::Rake)),
        ..Options::default()
    };
    let rows = analyse(&survey, &data, &options, None, &mut |_, _| {})
        .expect("the analysis runs")
        .rows;
    for (item, statistic, scale) in [
        ("diagnosis_words", "pct_positive", 100.0),
        ("ward_pain", "pct_positive", 100.0),
        ("overall_rating", "mean", 1.0),
    ] {
        let row = overall(&rows, item, statistic, true);
        let r = |what: &str| number(&reference, &format!("/estimates/{item}/{what}"));
        assert_close(
            &format!("{item} raked estimate"),
            row.estimate.expect("shown") / scale,
            r("estimate"),
        );
        assert_close(
            &format!("{item} raked SE"),
            row.se.expect("SE") / scale,
            r("se"),
        );
    }
}
