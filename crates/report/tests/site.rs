//! Hospital reports: one site's figures beside all sites', never another site's, nothing of a
//! site below the threshold, in the reader's language.

mod support;

use std::collections::BTreeSet;

use vecu_analysis::{Analysis, Options, OVERALL};
use vecu_report::{site_html, SiteResults, Standing};
use vecu_survey::Survey;

fn sites(analysis: &Analysis) -> BTreeSet<String> {
    let kind = analysis.comparison_unit.clone().expect("a unit");
    analysis
        .rows
        .iter()
        .filter(|row| row.unit_kind == kind)
        .map(|row| row.unit.clone())
        .collect()
}

/// Every number of a JSON value but question numbers.
fn numbers(value: &serde_json::Value, out: &mut Vec<f64>) {
    match value {
        serde_json::Value::Number(number) => out.extend(number.as_f64()),
        serde_json::Value::Array(items) => items.iter().for_each(|item| numbers(item, out)),
        serde_json::Value::Object(fields) => fields
            .iter()
            .filter(|(name, _)| *name != "question")
            .for_each(|(_, item)| numbers(item, out)),
        _ => {}
    }
}

/// Every figure the analysis shows of `site` and of all sites.
fn allowed_figures(analysis: &Analysis, site: &str) -> Vec<f64> {
    analysis
        .rows
        .iter()
        .filter(|row| row.is_shown() && (row.unit_kind == OVERALL || row.unit == site))
        .flat_map(|row| {
            [
                row.estimate,
                row.ci_low,
                row.ci_high,
                row.n.map(|n| n as f64),
            ]
        })
        .flatten()
        .collect()
}

fn check_no_other_site(survey: &Survey, analysis: &Analysis, site: &str) -> SiteResults {
    let results = SiteResults::of(survey, analysis, site).expect("results");
    let json: serde_json::Value =
        serde_json::from_str(&results.to_json().expect("json")).expect("parses");
    let allowed = allowed_figures(analysis, site);
    let mut found = Vec::new();
    numbers(&json, &mut found);
    let integers = [results.threshold as f64, results.respondents as f64];
    // serde_json reads floats to within a unit in the last place, not always exactly.
    let known = |number: f64| {
        allowed
            .iter()
            .chain(&integers)
            .any(|figure| (figure - number).abs() <= 1e-12 * figure.abs().max(1.0))
    };
    for number in found {
        assert!(
            known(number),
            "{site}: {number} is no figure of {site} nor of all sites"
        );
    }
    let back = SiteResults::from_json(&results.to_json().expect("json")).expect("back");
    assert_eq!(
        (&back.site, back.shown, back.measures.len()),
        (&results.site, results.shown, results.measures.len())
    );
    for lang in ["fr", "de", "it", "en"] {
        let html = site_html(survey, &results, lang, "Vague 2026");
        for other in sites(analysis).iter().filter(|other| *other != site) {
            assert!(
                !html.contains(&format!(">{other}<")),
                "{site} names {other}"
            );
            assert!(
                !html.contains(&format!(" {other} ")),
                "{site} names {other}"
            );
        }
    }
    results
}

#[test]
fn a_site_sees_its_adjusted_scores_and_where_they_stand_and_no_other_site() {
    let (survey, analysis) = support::fixture_analysis(&Options::default());
    for site in sites(&analysis) {
        check_no_other_site(&survey, &analysis, &site);
    }
    let results = SiteResults::of(&survey, &analysis, "H01").expect("results");
    assert!(results.shown);
    let rate = analysis
        .per_unit(vecu_analysis::RESPONSE, "response_rate")
        .into_iter()
        .find(|row| row.unit == "H01")
        .cloned();
    assert_eq!(
        results.site_respondents,
        rate.as_ref().and_then(|row| row.n)
    );
    assert_eq!(results.response_rate, rate.and_then(|row| row.estimate));
    let domains = results.measures.iter().filter(|m| m.domain).count();
    assert_eq!(domains, survey.domains.len());
    for measure in &results.measures {
        let base = if measure.domain {
            "domain_score"
        } else {
            "pct_positive"
        };
        let adjusted = analysis
            .per_unit(&measure.item, &format!("adjusted_{base}"))
            .into_iter()
            .find(|row| row.unit == "H01");
        let Some(adjusted) = adjusted.filter(|row| row.is_shown()) else {
            assert_eq!(measure.score, None, "{}", measure.item);
            continue;
        };
        assert_eq!(measure.score, adjusted.estimate, "{}", measure.item);
        let expected = match adjusted.flag.get(..5) {
            Some("above") => Standing::Above,
            Some("below") => Standing::Below,
            _ => Standing::Within,
        };
        assert_eq!(measure.standing, expected, "{}", measure.item);
        let funnel = analysis
            .per_unit(&measure.item, &format!("funnel_95_{base}"))
            .into_iter()
            .find(|row| row.unit == "H01")
            .expect("limits");
        assert_eq!(
            (measure.expected_low, measure.expected_high),
            (funnel.ci_low, funnel.ci_high)
        );
    }
    // Best first, worst first, each at most five, on the right side of all sites.
    let (best, worst) = results.best_and_worst();
    assert!(!best.is_empty() && best.len() <= 5 && !worst.is_empty() && worst.len() <= 5);
    let gaps = |list: &[&vecu_report::SiteMeasure]| -> Vec<f64> {
        list.iter().map(|m| m.gap().expect("gap")).collect()
    };
    assert!(gaps(&best).windows(2).all(|pair| pair[0] >= pair[1]) && gaps(&best)[0] > 0.0);
    assert!(gaps(&worst).windows(2).all(|pair| pair[0] <= pair[1]) && gaps(&worst)[0] < 0.0);
    assert!(
        results.measures.iter().any(|m| m.driver.is_some()),
        "key drivers carried"
    );
}

#[test]
fn the_report_is_accessible_and_in_the_readers_language() {
    let (survey, analysis) = support::fixture_analysis(&Options::default());
    let results = SiteResults::of(&survey, &analysis, "H01").expect("results");
    let fr = survey.language("fr").expect("fr");
    let html = site_html(&survey, &results, "fr", "Vague 2026");
    assert!(
        html.starts_with("<!DOCTYPE html><html lang=\"fr\">"),
        "{}",
        &html[..60]
    );
    assert_eq!(html.matches("<h1>").count(), 1);
    assert_eq!(html.matches("<caption>").count(), 2);
    assert!(html.contains("<th scope=\"col\" class=\"number\">Plage attendue</th>"));
    assert!(html.contains("Là où l'établissement fait le mieux"));
    assert!(
        !html.contains("<script") && !html.contains("http"),
        "self-contained"
    );
    for domain in &survey.domains {
        assert!(
            html.contains(&maud::html! { (domain.label.get(fr)) }.into_string()),
            "{}",
            domain.id
        );
    }
    let german = site_html(&survey, &results, "de", "Welle 2026");
    assert!(german.contains("lang=\"de\"") && german.contains("Erwarteter Bereich"));
    let italian = site_html(&survey, &results, "it", "Ondata 2026");
    assert!(italian.contains("lang=\"it\"") && italian.contains("Intervallo atteso"));
}

#[test]
fn a_site_below_the_threshold_gets_the_benchmark_only() {
    let options = Options {
        threshold: 75,
        ..Options::default()
    };
    let (survey, analysis) = support::fixture_analysis(&options);
    let hidden: Vec<String> = sites(&analysis)
        .into_iter()
        .filter(|site| {
            analysis
                .rows
                .iter()
                .filter(|row| &row.unit == site)
                .all(|row| !row.is_shown())
        })
        .collect();
    assert!(!hidden.is_empty(), "the fixture has a site under 75");
    for site in &hidden {
        let results = check_no_other_site(&survey, &analysis, site);
        assert!(!results.shown);
        assert_eq!(
            (results.response_rate, results.site_respondents),
            (None, None)
        );
        for measure in &results.measures {
            assert_eq!(
                (
                    measure.score,
                    measure.expected_low,
                    measure.change,
                    measure.n
                ),
                (None, None, None, None)
            );
            assert_eq!(measure.standing, Standing::NotShown);
            assert!(measure.priority.is_empty());
        }
        assert!(
            results.measures.iter().any(|m| m.all_sites.is_some()),
            "benchmark shown"
        );
        let html = site_html(&survey, &results, "en", "Wave 2026");
        assert!(html.contains("Fewer than 75 patients of this site answered"));
        assert!(!html.contains("Site's adjusted score"));
        assert!(!html.contains("Where the site does best"));
    }
}
