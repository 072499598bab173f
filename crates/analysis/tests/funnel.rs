//! Funnel limits that allow for over-dispersion (Spiegelhalter 2005): the formulas against an
//! independent computation in R (`fixtures/make_reference_funnel.R`), and their effect on an
//! analysis of hospitals that really differ.

use std::path::Path;

use serde_json::Value;
use vecu_analysis::{
    analyse, chart_svgs, read_responses, Analysis, FunnelMethod, Options, Overdispersion, ResultRow,
};
use vecu_survey::{Codebook, Survey};

fn fixture(name: &str) -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}

fn number(value: &Value, key: &str) -> f64 {
    value[key]
        .as_f64()
        .unwrap_or_else(|| panic!("{key} is a number in {value}"))
}

/// Agreement to 1e-10, relative to the value (absolute below 1).
fn assert_close(what: &str, got: f64, expected: f64) {
    let tolerance = 1e-10 * expected.abs().max(1.0);
    assert!(
        (got - expected).abs() <= tolerance,
        "{what}: vecu {got}, R {expected} (difference {:e})",
        got - expected
    );
}

/// The cases of `reference_funnel.json`.
fn reference_cases() -> Vec<Value> {
    let text = std::fs::read_to_string(fixture("reference_funnel.json")).expect("the fixture");
    let reference: Value = serde_json::from_str(&text).expect("JSON");
    reference["cases"].as_array().expect("cases").clone()
}

/// A case's target and units as (score, chance standard error).
fn target_and_units(case: &Value) -> (f64, Vec<(f64, f64)>) {
    let units = case["units"]
        .as_array()
        .expect("units")
        .iter()
        .map(|unit| (number(unit, "y"), number(unit, "se")))
        .collect();
    (number(case, "target"), units)
}

#[test]
fn phi_tau2_and_limits_agree_with_the_r_reference() {
    let cases = reference_cases();
    assert_eq!(cases.len(), 5);
    let mut limits_checked = 0;
    for case in &cases {
        let name = case["name"].as_str().expect("a name");
        let (target, units) = target_and_units(case);
        let estimate = Overdispersion::estimate(target, &units).expect("an estimate");
        assert_close(&format!("{name} phi"), estimate.phi, number(case, "phi"));
        assert_close(&format!("{name} tau2"), estimate.tau2, number(case, "tau2"));
        for limit in case["limits"].as_array().expect("limits") {
            let method = FunnelMethod::from_name(limit["method"].as_str().expect("method"))
                .expect("a known method");
            let unit = limit["unit"].as_u64().expect("unit") as usize;
            let level = number(limit, "level");
            let interval = method.limits(target, units[unit].1, Some(&estimate), level);
            let what = format!("{name} {} {level} unit {unit}", method.name());
            assert_close(&format!("{what} low"), interval.low, number(limit, "low"));
            assert_close(
                &format!("{what} high"),
                interval.high,
                number(limit, "high"),
            );
            limits_checked += 1;
        }
    }
    // 12 + 8 + 5 + 2 + 5 units, 3 methods, 2 levels.
    assert_eq!(limits_checked, 32 * 6);
    // The cases that matter: no inflation without over-dispersion, and phi <= 1 with tau2 > 0.
    let within = &cases[1];
    assert!(number(within, "phi") <= 1.0 && number(within, "tau2") == 0.0);
    let edge = &cases[4];
    assert!(number(edge, "phi") <= 1.0 && number(edge, "tau2") > 0.0);
}

#[test]
fn without_over_dispersion_every_method_gives_the_plain_limits() {
    // Case "within_chance" of the fixture: phi = 0.03, tau2 = 0.
    let (target, units) = target_and_units(&reference_cases()[1]);
    let estimate = Overdispersion::estimate(target, &units).expect("an estimate");
    for (_, se) in &units {
        let plain = FunnelMethod::Plain.limits(target, *se, Some(&estimate), 0.998);
        for method in [FunnelMethod::Multiplicative, FunnelMethod::RandomEffects] {
            assert_eq!(method.limits(target, *se, Some(&estimate), 0.998), plain);
        }
    }
}

// ---- an analysis of 20 hospitals that really differ ------------------------------------------

const SITES: usize = 20;

/// `surveys/example.json` with 20 hospitals instead of 3.
fn twenty_hospitals() -> Survey {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../surveys/example.json");
    let text = std::fs::read_to_string(path).expect("the example survey is readable");
    let mut definition: Value = serde_json::from_str(&text).expect("JSON");
    let sites: Vec<Value> = (1..=SITES)
        .map(|site| {
            serde_json::json!({
                "code": format!("H{site:02}"),
                "label": {"fr": format!("Hôpital {site}"), "de": format!("Spital {site}"),
                          "it": format!("Ospedale {site}"), "en": format!("Hospital {site}")}
            })
        })
        .collect();
    let frame = definition["frame"].as_array_mut().expect("a frame");
    let site = frame
        .iter_mut()
        .find(|variable| variable["id"] == "site")
        .expect("a site variable");
    site["values"] = Value::Array(sites);
    vecu_survey::load_str(&definition.to_string()).expect("still a valid definition")
}

/// Ratings 0-10 of hospitals whose true means spread over 5.8..8.2 (far more than chance at
/// 100-480 respondents each), but H20's at 3.5, with a deterministic generator so that the test
/// never varies.
fn overdispersed_responses(survey: &Survey) -> String {
    let names: Vec<String> = Codebook::new(survey).names().map(str::to_owned).collect();
    let mut out = names.join(",") + "\n";
    let mut state: u64 = 14;
    let mut uniform = move || {
        // 64-bit LCG (Knuth's MMIX constants), top 53 bits.
        state = state
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (state >> 11) as f64 / (1u64 << 53) as f64
    };
    let mut row = 0;
    for site in 0..SITES {
        let n = 100 + (site * 53) % 380;
        let true_mean = if site == SITES - 1 {
            3.5
        } else {
            5.8 + 2.4 * ((site * 7) % SITES) as f64 / (SITES - 1) as f64
        };
        for respondent in 0..n {
            // Sum of 4 uniforms: mean 2, sd 0.577; scaled to sd 2.
            let noise = ((0..4).map(|_| uniform()).sum::<f64>() - 2.0) / 0.577 * 2.0;
            let rating = (true_mean + noise).round().clamp(0.0, 10.0);
            let cells: Vec<String> = names
                .iter()
                .map(|name| match name.as_str() {
                    "response_id" => format!("r{row}"),
                    "site" => format!("H{:02}", site + 1),
                    "age_band" => ["18-49", "50-69", "70+"][respondent % 3].to_owned(),
                    "sex" => ["F", "M"][respondent % 2].to_owned(),
                    "surgery" => "no".to_owned(),
                    "overall" => format!("{rating}"),
                    _ => String::new(),
                })
                .collect();
            out += &(cells.join(",") + "\n");
            row += 1;
        }
    }
    out
}

fn analysis_with(survey: &Survey, responses: &str, funnel: FunnelMethod) -> Analysis {
    let dir = tempfile::tempdir().expect("a temporary folder");
    let path = dir.path().join("responses.csv");
    std::fs::write(&path, responses).expect("written");
    let data = read_responses(survey, &path).expect("the responses load");
    let options = Options {
        funnel,
        ..Options::default()
    };
    analyse(survey, &data, &options, None, &mut |_, _| {}).expect("the analysis runs")
}

fn rows<'a>(analysis: &'a Analysis, statistic: &str) -> Vec<&'a ResultRow> {
    analysis.per_unit("overall", statistic)
}

fn flagged(analysis: &Analysis, statistic: &str) -> usize {
    rows(analysis, &format!("adjusted_{statistic}"))
        .iter()
        .filter(|row| row.flag.contains("99.8"))
        .count()
}

#[test]
fn random_effects_flag_fewer_hospitals_than_plain_limits_which_stay_available() {
    let survey = twenty_hospitals();
    let responses = overdispersed_responses(&survey);
    let plain = analysis_with(&survey, &responses, FunnelMethod::Plain);
    let multiplicative = analysis_with(&survey, &responses, FunnelMethod::Multiplicative);
    let random = analysis_with(&survey, &responses, FunnelMethod::RandomEffects);
    assert_eq!(Options::default().funnel, FunnelMethod::RandomEffects);
    for statistic in ["mean", "pct_positive"] {
        let (by_plain, by_multiplicative, by_random) = (
            flagged(&plain, statistic),
            flagged(&multiplicative, statistic),
            flagged(&random, statistic),
        );
        // Plain limits call most of these hospitals outliers at 99.8%.
        assert!(by_plain >= SITES / 2, "{statistic}: plain flags {by_plain}");
        assert!(
            by_random < by_plain && by_multiplicative < by_plain,
            "{statistic}: plain {by_plain}, multiplicative {by_multiplicative}, \
             random effects {by_random}"
        );
        // The hospital that really stands out still does (the only one beyond 99.8% for the
        // rating): winsorising keeps it from widening the limits that judge it.
        if statistic == "mean" {
            let beyond: Vec<&str> = rows(&random, "adjusted_mean")
                .iter()
                .filter(|row| row.flag.contains("99.8"))
                .map(|row| row.unit.as_str())
                .collect();
            assert_eq!(beyond, ["H20"]);
        }
        for analysis in [&plain, &multiplicative, &random] {
            let h20 = rows(analysis, &format!("adjusted_{statistic}"))
                .into_iter()
                .find(|row| row.unit == "H20")
                .expect("H20");
            assert!(
                h20.flag.starts_with("below"),
                "{statistic} under {:?}: {}",
                analysis.funnel,
                h20.flag
            );
        }
        let limits = format!("funnel_95_{statistic}");
        let (plain_rows, random_rows) = (rows(&plain, &limits), rows(&random, &limits));
        assert_eq!(plain_rows.len(), SITES);
        for (plain_row, random_row) in plain_rows.iter().zip(&random_rows) {
            // Each row says which limits it holds; the estimate is the same whatever the method.
            assert_eq!(plain_row.funnel_method, "plain");
            assert_eq!(random_row.funnel_method, "random_effects");
            assert_eq!(
                (plain_row.phi, plain_row.tau2),
                (random_row.phi, random_row.tau2)
            );
            let (phi, tau2) = (random_row.phi.expect("phi"), random_row.tau2.expect("tau2"));
            assert!(
                phi > 2.0 && tau2 > 0.0,
                "{statistic}: phi {phi}, tau2 {tau2}"
            );
            // A reader can rebuild the limits from the row.
            let (centre, se) = (
                random_row.estimate.expect("centre"),
                random_row.se.expect("se"),
            );
            let z = 1.959963984540054;
            assert!((plain_row.ci_high.expect("high") - (centre + z * se)).abs() < 1e-9);
            let widened = centre + z * (se * se + tau2).sqrt();
            assert!((random_row.ci_high.expect("high") - widened).abs() < 1e-9);
        }
    }
}

#[test]
fn the_estimate_comes_from_the_shown_hospitals_and_can_be_rebuilt_from_the_table() {
    let survey = twenty_hospitals();
    // Hospital 20 keeps only 4 of its respondents: hidden, and it must not count.
    let mut kept = 0;
    let responses: String = overdispersed_responses(&survey)
        .lines()
        .filter(|line| {
            if !line.contains(",H20,") {
                return true;
            }
            kept += 1;
            kept <= 4
        })
        .map(|line| line.to_owned() + "\n")
        .collect();
    assert_eq!(kept, 100 + (19 * 53) % 380);
    let analysis = analysis_with(&survey, &responses, FunnelMethod::RandomEffects);
    let limits = rows(&analysis, "funnel_95_mean");
    let adjusted = rows(&analysis, "adjusted_mean");
    let hidden = limits
        .iter()
        .find(|row| row.unit == "H20")
        .expect("H20's limits");
    assert!(!hidden.is_shown() && hidden.phi.is_none() && hidden.ci_high.is_none());
    // phi and tau2 from the shown rows alone, as a reader of results.csv would compute them.
    let shown: Vec<(f64, f64)> = limits
        .iter()
        .filter(|row| row.is_shown())
        .map(|row| {
            let score = adjusted
                .iter()
                .find(|a| a.unit == row.unit)
                .and_then(|a| a.estimate)
                .expect("a shown adjusted score");
            (score, row.se.expect("se"))
        })
        .collect();
    // H20, and the smallest other hospital so that H20 cannot be worked out from the total.
    assert_eq!(shown.len(), SITES - 2);
    let first = limits
        .iter()
        .find(|row| row.is_shown())
        .expect("a shown row");
    let target = first.estimate.expect("target");
    let rebuilt = Overdispersion::estimate(target, &shown).expect("an estimate");
    assert_eq!(first.phi, Some(rebuilt.phi));
    assert_eq!(first.tau2, Some(rebuilt.tau2));
}

#[test]
fn charts_say_which_limits_they_draw() {
    let survey = twenty_hospitals();
    let responses = overdispersed_responses(&survey);
    for (method, words) in [
        (
            FunnelMethod::RandomEffects,
            "chance and real differences between sites",
        ),
        (FunnelMethod::Multiplicative, "widened for over-dispersion"),
        (FunnelMethod::Plain, "Limits: chance alone"),
    ] {
        let analysis = analysis_with(&survey, &responses, method);
        let charts = chart_svgs(&survey, &analysis, "en").expect("charts");
        for name in ["funnel_overall_mean", "sites_overall_mean"] {
            let svg = charts
                .get(name)
                .unwrap_or_else(|| panic!("{name} is drawn"));
            assert!(svg.contains(words), "{name} under {}", method.name());
            assert!(svg.contains("φ = "), "{name} gives phi");
        }
        let french = chart_svgs(&survey, &analysis, "fr").expect("charts");
        assert!(french["funnel_overall_mean"].contains("Limites"));
    }
}
