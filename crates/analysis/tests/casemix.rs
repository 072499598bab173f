//! Case-mix adjustment with a question as an adjuster agrees with R.
//!
//! The shipped questionnaire marks `completed_by` (the patient alone, helped, or someone else:
//! CAHPS' proxy completion) as a case-mix question. `tests/fixtures/make_reference_casemix.R`
//! fitted `lm(y ~ 0 + site + age_band + sex + tumour_group + completed_by)` on the 600 frozen
//! responses, with an unanswered `completed_by` (45 patients) as a level of its own, and
//! standardised indirectly over the same strata; vecu must give every site's adjusted score and
//! interval to 1e-10.

use std::path::Path;

use serde_json::Value;
use vecu_analysis::{analyse, read_responses, Analysis, Options};
use vecu_survey::Survey;

fn fixtures() -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")
}

fn shipped_definition() -> Value {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../surveys/scape-cancer.json");
    let text = std::fs::read_to_string(path).expect("the shipped survey is readable");
    serde_json::from_str(&text).expect("the shipped survey is JSON")
}

fn analysis_of(definition: &Value) -> Analysis {
    let survey: Survey =
        vecu_survey::load_str(&definition.to_string()).expect("the definition is valid");
    let data = read_responses(&survey, &fixtures().join("responses.csv")).expect("responses load");
    // Every site shown: the comparison is what is checked here, not suppression.
    let options = Options {
        threshold: 1,
        ..Options::default()
    };
    analyse(&survey, &data, &options, None, &mut |_, _| {}).expect("the analysis runs")
}

fn reference() -> Value {
    let text = std::fs::read_to_string(fixtures().join("reference_casemix.json"))
        .expect("the reference is readable");
    serde_json::from_str(&text).expect("the reference is JSON")
}

fn figure(analysis: &Analysis, item: &str, site: &str, statistic: &str) -> (f64, f64, f64) {
    let row = analysis
        .per_unit(item, statistic)
        .into_iter()
        .find(|row| row.unit == site)
        .unwrap_or_else(|| panic!("no {statistic} of {item} at {site}"));
    match (row.estimate, row.ci_low, row.ci_high) {
        (Some(estimate), Some(low), Some(high)) => (estimate, low, high),
        _ => panic!("{statistic} of {item} at {site} has no interval: {row:?}"),
    }
}

#[test]
fn adjusted_scores_with_a_question_as_adjuster_agree_with_lm() {
    let analysis = analysis_of(&shipped_definition());
    assert_eq!(
        analysis.case_mix,
        ["age_band", "sex", "tumour_group", "completed_by"]
    );
    let reference = reference();
    let measures = reference["measures"].as_array().expect("measures");
    let mut compared = 0;
    for measure in measures {
        let item = measure["column"].as_str().expect("column");
        let statistic = measure["statistic"].as_str().expect("statistic");
        let scale = if statistic == "mean" { 1.0 } else { 100.0 };
        let sites = measure["sites"].as_object().expect("sites");
        for (site, expected) in sites {
            for (method, name) in [("regression", "adjusted"), ("standardised", "standardised")] {
                let ours = figure(&analysis, item, site, &format!("{name}_{statistic}"));
                let theirs = &expected[method];
                for (value, key) in [
                    (ours.0, "estimate"),
                    (ours.1, "ci_low"),
                    (ours.2, "ci_high"),
                ] {
                    let r = theirs[key].as_f64().expect("a number") * scale;
                    assert!(
                        (value - r).abs() < 1e-10 * scale,
                        "{item} {site} {method} {key}: vecu {value}, R {r}"
                    );
                    compared += 1;
                }
            }
        }
    }
    assert_eq!(compared, 5 * 8 * 2 * 3, "every site of every measure");
}

#[test]
fn the_question_changes_the_comparison() {
    let with = analysis_of(&shipped_definition());
    let mut definition = shipped_definition();
    let mut unmarked = 0;
    for section in definition["sections"].as_array_mut().expect("sections") {
        for item in section["items"].as_array_mut().expect("items") {
            if let Some(item) = item.as_object_mut() {
                unmarked += usize::from(item.remove("case_mix").is_some());
            }
        }
    }
    assert_eq!(unmarked, 1, "the shipped survey marks one question");
    let without = analysis_of(&definition);
    assert_eq!(without.case_mix, ["age_band", "sex", "tumour_group"]);
    let statistic = "adjusted_pct_positive";
    let a = figure(&with, "diagnosis_words", "H01", statistic).0;
    let b = figure(&without, "diagnosis_words", "H01", statistic).0;
    assert!((a - b).abs() > 1e-6, "{a} and {b}");
}

#[test]
fn a_scored_question_cannot_be_an_adjuster() {
    let mut definition = shipped_definition();
    let items = definition["sections"]
        .as_array_mut()
        .into_iter()
        .flatten()
        .flat_map(|section| section["items"].as_array_mut().into_iter().flatten());
    let scored = items
        .into_iter()
        .find(|item| item["domain"].is_string() && item["kind"] == "scale")
        .expect("a scored scale question");
    scored["case_mix"] = true.into();
    let error = vecu_survey::load_str(&definition.to_string())
        .expect_err("a scored adjuster is refused")
        .to_string();
    assert!(error.contains("/case_mix"), "{error}");
    assert!(
        error.contains("remove \"domain\" or \"case_mix\""),
        "{error}"
    );
}
