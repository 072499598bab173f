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

/// A French report of `findings`, nothing written in it yet.
fn french_document(findings: Vec<vecu_report::Finding>, state: &str) -> Document {
    Document {
        title: "t".to_owned(),
        lang: "fr".to_owned(),
        state: state.to_owned(),
        findings,
        blocks: Vec::new(),
        marks: Vec::new(),
        approvals: Vec::new(),
        methods: Methods::default(),
        contributions: Vec::new(),
        patient_words: None,
    }
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
    let document = french_document(found, "draft");
    let html = to_html(&document);
    assert!(!html.contains("IC 95"), "no interval is printed");
}

/// A domain's chart is drawn again in each other language of the survey, and the public page
/// read in German shows the German one, marked as German; a page in the report's language keeps
/// the report's chart.
#[test]
fn domain_charts_are_drawn_in_every_language_and_the_public_page_shows_the_readers() {
    let (survey, analysis) = support::fixture_analysis(&Options {
        threshold: 10,
        ..Options::default()
    });
    let found = findings(&survey, &analysis, "fr").expect("findings");
    let domain = found
        .iter()
        .find(|finding| finding.kind == FindingKind::Domain && finding.chart_svg.is_some())
        .expect("a domain with its chart");
    let others: Vec<&str> = domain.charts_in.keys().map(String::as_str).collect();
    assert_eq!(others, ["de", "en", "it"]);
    let french = domain.chart_svg.as_deref().expect("chart");
    let german = &domain.charts_in["de"];
    assert!(
        french.contains("Tous les sites"),
        "the report's chart is French"
    );
    assert!(
        german.contains("Alle Standorte") && !german.contains("Tous les sites"),
        "{german}"
    );
    assert!(found
        .iter()
        .filter(|finding| finding.kind == FindingKind::Item)
        .all(|finding| finding.charts_in.is_empty()));

    let document = french_document(found, "published");
    let in_german = vecu_report::public_html(&document, Some(&survey), "de", &[]);
    assert!(in_german.contains(r#"<figure lang="de">"#), "{in_german}");
    assert!(in_german.contains("Alle Standorte") && !in_german.contains("Tous les sites"));
    let in_french = vecu_report::public_html(&document, Some(&survey), "fr", &[]);
    assert!(in_french.contains(r#"<figure lang="fr">"#));
    assert!(in_french.contains("Tous les sites"));
}
