//! Findings come from the suppressed results only: what the analysis hides, the report hides.

mod support;

use vecu_analysis::Options;
use vecu_report::{findings, to_html, Document, FindingKind, Methods};

fn fixture_findings(threshold: u64) -> Vec<vecu_report::Finding> {
    fixture_findings_or_error(threshold).expect("findings")
}

fn fixture_findings_or_error(
    threshold: u64,
) -> Result<Vec<vecu_report::Finding>, vecu_report::ReportError> {
    let (survey, analysis) = support::fixture_analysis(&Options {
        threshold,
        ..Options::default()
    });
    findings(&survey, &analysis, "fr")
}

#[test]
fn a_threshold_below_the_floor_makes_no_report_and_says_why() {
    assert_eq!(vecu_report::THRESHOLD_FLOOR, 10);
    for threshold in [0, 1, 5, 9] {
        let error = fixture_findings_or_error(threshold).expect_err("refused");
        assert!(
            matches!(
                error,
                vecu_report::ReportError::ThresholdBelowFloor {
                    asked,
                    floor: 10
                } if asked == threshold
            ),
            "{error:?}"
        );
        let message = error.to_string();
        assert!(message.contains("at least 10"), "{message}");
        assert!(message.contains("GP Patient Survey"), "{message}");
        assert!(message.contains("point to a patient"), "{message}");
    }
    assert!(fixture_findings_or_error(10).is_ok());
    assert!(vecu_report::check_threshold(9).is_err());
    assert!(vecu_report::check_threshold(10).is_ok());
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
            // The reason in the report's language, not the analysis' English.
            assert!(
                figure.suppressed.contains("moins de 1000 répondants"),
                "{}",
                figure.suppressed
            );
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
