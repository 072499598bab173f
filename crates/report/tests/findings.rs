//! Findings come from the suppressed results only: what the analysis hides, the report hides.

use std::path::Path;

use vecu_analysis::{analyse, read_responses, Options};
use vecu_report::{findings, to_html, Document, FindingKind, Methods};

fn fixture_findings(threshold: u64) -> Vec<vecu_report::Finding> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let text = std::fs::read_to_string(root.join("surveys/scape-cancer.json")).expect("survey");
    let survey = vecu_survey::load_str(&text).expect("valid");
    let data = read_responses(
        &survey,
        &root.join("crates/analysis/tests/fixtures/responses.csv"),
    )
    .expect("responses");
    let options = Options {
        threshold,
        ..Options::default()
    };
    let analysis = analyse(&survey, &data, &options, None, &mut |_, _| {}).expect("analysis");
    findings(&survey, &analysis, "fr").expect("findings")
}

#[test]
fn every_scored_question_and_domain_is_a_finding_with_its_chart() {
    let found = fixture_findings(10);
    let domains = found
        .iter()
        .filter(|f| f.kind == FindingKind::Domain)
        .count();
    let items = found.iter().filter(|f| f.kind == FindingKind::Item).count();
    assert!(domains >= 4, "{domains} domains");
    assert!(items >= 30, "{items} items");
    let question = found
        .iter()
        .find(|f| f.id == "item:diagnosis_words")
        .expect("question 6");
    assert!(question.title.starts_with("6. Le diagnostic"));
    assert!(question
        .chart_svg
        .as_deref()
        .is_some_and(|svg| svg.contains("<svg")));
    // 44% positive, n = 551 (the R fixture's unweighted figure).
    assert!(
        question.figures[0].value.starts_with("44"),
        "{:?}",
        question.figures[0]
    );
}

#[test]
fn suppressed_figures_stay_suppressed_in_findings_drafts_and_html() {
    // 600 respondents, threshold 1000: nothing may be shown.
    let found = fixture_findings(1000);
    assert!(!found.is_empty());
    for finding in &found {
        for figure in &finding.figures {
            assert!(figure.value.is_empty(), "{}: {figure:?}", finding.id);
            assert!(figure.suppressed.contains("fewer than 1000 respondents"));
        }
        assert!(
            !finding.draft.contains('%'),
            "{}: {}",
            finding.id,
            finding.draft
        );
    }
    let document = Document {
        title: "t".to_owned(),
        lang: "fr".to_owned(),
        state: "draft".to_owned(),
        findings: found,
        blocks: Vec::new(),
        marks: Vec::new(),
        approvals: Vec::new(),
        methods: Methods::default(),
        contributions: Vec::new(),
    };
    let html = to_html(&document);
    assert!(!html.contains("IC 95"), "no interval is printed");
}
