//! The methods say which funnel limits compared the sites and what over-dispersion was estimated.

mod support;

use vecu_analysis::{Analysis, FunnelMethod, Options};
use vecu_report::{funnel_limits_sentence, to_html, to_markdown, Document, Methods};

/// The analysis fixture's 600 responses (8 hospitals) analysed with `funnel` limits.
fn fixture_analysis(funnel: FunnelMethod) -> Analysis {
    support::fixture_analysis(&Options {
        funnel,
        ..Options::default()
    })
    .1
}

#[test]
fn the_sentence_names_the_limits_and_the_estimates_in_the_reports_language() {
    let random = fixture_analysis(FunnelMethod::RandomEffects);
    let english = funnel_limits_sentence(&random, "en");
    assert!(
        english.starts_with("additive random effects (Spiegelhalter 2005)"),
        "{english}"
    );
    assert!(english.contains("over-dispersion φ "), "{english}");
    assert!(
        english.contains("between-site standard deviation τ"),
        "{english}"
    );
    assert!(english.contains("median"), "{english}");
    let french = funnel_limits_sentence(&random, "fr");
    assert!(french.starts_with("effets aléatoires additifs"), "{french}");
    assert!(french.contains("surdispersion φ"), "{french}");
    assert!(
        french.contains("10\u{a0}%\u{a0}: surdispersion φ"),
        "{french}"
    );
    let german = funnel_limits_sentence(&random, "de");
    assert!(german.contains("Überdispersion φ"), "{german}");
    let italian = funnel_limits_sentence(&random, "it");
    assert!(italian.contains("sovradispersione φ"), "{italian}");

    let plain = funnel_limits_sentence(&fixture_analysis(FunnelMethod::Plain), "en");
    assert!(plain.starts_with("plain limits: chance alone"), "{plain}");
    // The estimate is given whatever the method, so that a reader sees what plain limits ignore.
    assert!(plain.contains("over-dispersion φ "), "{plain}");
    let multiplicative =
        funnel_limits_sentence(&fixture_analysis(FunnelMethod::Multiplicative), "en");
    assert!(
        multiplicative.starts_with("multiplicative over-dispersion factor"),
        "{multiplicative}"
    );
}

#[test]
fn html_and_markdown_methods_carry_the_sentence() {
    let sentence = funnel_limits_sentence(&fixture_analysis(FunnelMethod::RandomEffects), "en");
    let document = Document {
        title: "t".to_owned(),
        lang: "en".to_owned(),
        state: "draft".to_owned(),
        findings: Vec::new(),
        blocks: Vec::new(),
        marks: Vec::new(),
        approvals: Vec::new(),
        methods: Methods {
            comparison: sentence.clone(),
            ..Methods::default()
        },
        contributions: Vec::new(),
        patient_words: None,
    };
    let html = to_html(&document);
    assert!(html.contains("Funnel limits"), "the row is labelled");
    assert!(html.contains("additive random effects (Spiegelhalter 2005)"));
    let markdown = to_markdown(&document);
    assert!(markdown.contains(&format!("- Funnel limits: {sentence}")));
    // Without a comparison of sites the row is left out.
    let without = to_markdown(&Document {
        methods: Methods::default(),
        ..document
    });
    assert!(!without.contains("Funnel limits"));
}
