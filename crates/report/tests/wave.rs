//! A wave's report made the way the CLI, the team pages and the API make it (from the rows and
//! counts the store hands over), and how it names the domains.

use std::collections::BTreeMap;
use std::path::Path;

use vecu_report::{
    analyse_wave, to_html, to_markdown, Draft, EarlierWave, Fieldwork, FindingKind, History,
};
use vecu_survey::{Codebook, Survey};

fn shipped(name: &str) -> serde_json::Value {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../surveys")
        .join(name);
    let text = std::fs::read_to_string(path).expect("shipped survey");
    serde_json::from_str(&text).expect("json")
}

/// `n` simulated responses as the store exports them, and fieldwork where every site
/// contacted twice as many patients as answered.
fn wave(survey: &Survey, n: usize) -> (Codebook, Vec<Vec<vecu_survey::Cell>>, Fieldwork) {
    let codebook = Codebook::new(survey);
    let unit = survey
        .comparison_unit()
        .expect("a unit of comparison")
        .id
        .clone();
    let mut contacted_by_site: BTreeMap<String, u64> = BTreeMap::new();
    let rows = vecu_survey::simulate(survey, n, 11)
        .iter()
        .map(|response| {
            if let Some(site) = response.frame.get(&unit) {
                *contacted_by_site.entry(site.to_string()).or_default() += 2;
            }
            codebook.row(&response.response_id, &response.frame, &response.answers)
        })
        .collect();
    let fieldwork = Fieldwork {
        site_variable: Some(unit.to_string()),
        contacted: contacted_by_site.values().sum(),
        contacted_by_site,
        response_rate: Some(0.5),
    };
    (codebook, rows, fieldwork)
}

/// The analysis of `n` simulated responses at threshold 10, with no earlier wave.
fn analysed_alone(survey: &Survey, n: usize, lang: &str) -> vecu_report::WaveAnalysis {
    let (codebook, rows, fieldwork) = wave(survey, n);
    analyse_wave(
        survey,
        &codebook,
        &rows,
        &fieldwork,
        10,
        lang,
        History::default(),
    )
    .expect("analysis")
}

fn french_report(survey: &Survey) -> (Draft, String, String) {
    let analysed = analysed_alone(survey, 600, "fr");
    let draft = Draft::of(survey, &analysed, "fr").expect("draft");
    let document = draft.clone().into_document("Rapport", "fr", "draft");
    (draft, to_html(&document), to_markdown(&document))
}

#[test]
fn a_french_report_names_every_domain_by_its_french_label_never_by_its_id() {
    let survey = vecu_survey::load_value(&shipped("scape-cancer.json")).expect("valid");
    let (draft, html, markdown) = french_report(&survey);
    let fr = survey.language("fr").expect("fr");
    let domains: Vec<_> = draft
        .findings
        .iter()
        .filter(|finding| finding.kind == FindingKind::Domain)
        .collect();
    // One finding per declared domain, in the definition's order, titled by its label.
    assert_eq!(domains.len(), survey.domains.len());
    for (finding, domain) in domains.iter().zip(&survey.domains) {
        assert_eq!(finding.id, format!("domain:{}", domain.id));
        assert_eq!(
            finding.title,
            format!("Domaine: {}", domain.label.get(fr)),
            "{}",
            domain.id
        );
        let description = domain.description.as_ref().expect("described").get(fr);
        assert_eq!(finding.description, description);
        assert!(html.contains(description), "{description}");
        assert!(markdown.contains(description), "{description}");
    }
    for label in [
        "Domaine: Décisions sur le traitement",
        "Domaine: Coordination des soins",
        "Domaine: Soins à domicile et suivi",
    ] {
        assert!(html.contains(label), "{label} missing from the HTML");
        assert!(
            markdown.contains(label),
            "{label} missing from the Markdown"
        );
    }
    // Ids that are not French words never reach the reader (anchors use '-' for '_').
    for id in ["decision_making", "hospital_care", "home_care"] {
        for text in [id.to_owned(), id.replace('_', " ")] {
            assert!(!html.contains(&text), "the HTML shows {text}");
            assert!(!markdown.contains(&text), "the Markdown shows {text}");
        }
    }
    // The fieldwork counts weight the analysis and fill the methods.
    assert_eq!(draft.methods.invited, Some(1200));
    assert_eq!(draft.methods.response_rate, Some(50.0));
    assert!(draft
        .methods
        .weighting
        .contains("post-stratification par site"));
    assert_eq!(draft.methods.respondents, 600);
}

/// Where `needle` first appears in `html`, or a failure naming it.
fn position(html: &str, needle: &str) -> usize {
    html.find(needle)
        .unwrap_or_else(|| panic!("{needle} missing from the report"))
}

#[test]
fn the_report_reads_first_page_then_domains_with_charts_then_questions_in_an_appendix() {
    let survey = vecu_survey::load_value(&shipped("scape-cancer.json")).expect("valid");
    let (draft, html, markdown) = french_report(&survey);
    // The first page: how many answered, the summary, five that go well and five that most
    // need work, each with its % positive.
    let first = position(&html, "<h2>L'essentiel</h2>");
    let contents = position(&html, "<h2>Sommaire</h2>");
    assert!(first < contents);
    let first_page = &html[first..contents];
    assert!(
        first_page.contains("600 patientes et patients ont répondu, sur 1200 invités (50 %)."),
        "{first_page}"
    );
    for heading in ["Ce qui va bien", "Ce qui doit le plus s'améliorer"] {
        let list = first_page
            .split(heading)
            .nth(1)
            .and_then(|rest| rest.split("</ol>").next())
            .expect(heading);
        assert_eq!(list.matches("<li>").count(), 5, "{heading}: {list}");
        assert_eq!(list.matches(" %</strong>").count(), 5, "{heading}: {list}");
    }
    // Then each domain with one chart, then the appendix (a table, no chart), then methods.
    let appendix = position(&html, "<section id=\"appendix\">");
    let methods = position(&html, "<section id=\"methods\">");
    assert!(contents < appendix && appendix < methods);
    let domains = draft
        .findings
        .iter()
        .filter(|finding| finding.kind == FindingKind::Domain);
    for domain in domains {
        let start = position(&html, &format!("<h2>{}</h2>", domain.title));
        assert!(start < appendix, "{}", domain.title);
        let section = &html[start..];
        let end = section.find("</section>").expect("its end");
        assert_eq!(
            section[..end].matches("<svg").count(),
            1,
            "{}",
            domain.title
        );
    }
    assert!(
        !html[appendix..methods].contains("<svg"),
        "a chart in the appendix"
    );
    for question in draft
        .findings
        .iter()
        .filter(|finding| finding.kind == FindingKind::Item)
    {
        let row = html
            .find(&format!(
                "<tr id=\"{}\"",
                question.id.replace([':', '.', '_'], "-")
            ))
            .unwrap_or_else(|| panic!("{} has no row", question.id));
        assert!(appendix < row && row < methods, "{}", question.id);
    }
    assert!(
        position(&markdown, "## L'essentiel") < position(&markdown, "## Annexe"),
        "the Markdown follows the same order"
    );
}

#[test]
fn a_definition_without_domain_labels_still_makes_its_report_with_the_ids_as_before() {
    let mut value = shipped("scape-cancer.json");
    value
        .as_object_mut()
        .expect("object")
        .remove("domains")
        .expect("a domains block");
    let survey = vecu_survey::load_value(&value).expect("loads, with a warning");
    assert!(survey
        .warnings()
        .iter()
        .any(|warning| warning.message.contains("no \"domains\" block")));
    let (draft, html, _) = french_report(&survey);
    let titles: Vec<&str> = draft
        .findings
        .iter()
        .filter(|finding| finding.kind == FindingKind::Domain)
        .map(|finding| finding.title.as_str())
        .collect();
    assert_eq!(titles.len(), 8, "{titles:?}");
    assert!(titles.contains(&"Domaine: decision making"), "{titles:?}");
    assert!(html.contains("Domaine: home care"));
    assert!(draft
        .findings
        .iter()
        .all(|finding| finding.description.is_empty()));
}

#[test]
fn the_engagement_summary_names_domains_in_the_report_language() {
    let survey = vecu_survey::load_value(&shipped("engagement.json")).expect("valid");
    let analysed = analysed_alone(&survey, 60, "de");
    let summary = vecu_report::engagement_summary(&survey, &analysed.analysis, "de");
    assert!(
        summary.starts_with("60 Patientenpartner beantworteten den Fragebogen zur Beteiligung"),
        "{summary}"
    );
    // Each domain once, by its German label, in the definition's order, with its score.
    let (_, scores) = summary
        .split_once("(Wert pro Bereich, 0-100): ")
        .expect("the scores");
    let names: Vec<&str> = scores
        .trim_end_matches('.')
        .split("; ")
        .filter_map(|score| score.rsplit_once(": ").map(|(name, _)| name))
        .collect();
    assert_eq!(
        names,
        [
            "Gehört werden",
            "Gemeinsame Entscheidungen",
            "Unterstützung für die Mitarbeit",
            "Anerkennung",
            "Die Partnerschaft insgesamt"
        ],
        "{summary}"
    );
}

#[test]
fn a_report_stored_before_domains_had_descriptions_reads_back() {
    let survey = vecu_survey::load_value(&shipped("example.json")).expect("valid");
    let analysed = analysed_alone(&survey, 200, "it");
    let draft = Draft::of(&survey, &analysed, "it").expect("draft");
    let (findings, methods) = draft.to_json().expect("json");
    assert_eq!(
        Draft::from_json(&findings, &methods).expect("read back"),
        draft
    );
    // Findings JSON as stored before this field existed.
    let mut old: serde_json::Value = serde_json::from_str(&findings).expect("json");
    for finding in old.as_array_mut().expect("array") {
        finding
            .as_object_mut()
            .expect("object")
            .remove("description");
    }
    let read = Draft::from_json(&old.to_string(), &methods).expect("old findings read");
    assert_eq!(read.findings.len(), draft.findings.len());
    assert!(matches!(
        Draft::from_json("not json", &methods),
        Err(vecu_report::ReportError::Corrupt(_))
    ));
}

#[test]
fn sites_are_weighted_only_when_every_site_has_contacted_patients() {
    let mut fieldwork = Fieldwork {
        site_variable: Some("site".to_owned()),
        contacted_by_site: BTreeMap::from([("H01".to_owned(), 40), ("H02".to_owned(), 60)]),
        contacted: 100,
        response_rate: None,
    };
    let (counts, _) = vecu_report::site_weighting(&fieldwork).expect("weighted");
    assert_eq!(counts.variables, ["site"]);
    assert_eq!(counts.invited[&vec!["H02".to_owned()]], 60.0);
    fieldwork.contacted_by_site.insert("H03".to_owned(), 0);
    assert!(vecu_report::site_weighting(&fieldwork).is_none());
    fieldwork.contacted_by_site.clear();
    assert!(vecu_report::site_weighting(&fieldwork).is_none());
    fieldwork.site_variable = None;
    assert!(vecu_report::site_weighting(&fieldwork).is_none());
}

#[test]
fn a_wave_with_earlier_waves_has_changes_and_their_series() {
    let survey = vecu_survey::load_value(&shipped("scape-cancer.json")).expect("valid");
    let (codebook, rows, fieldwork) = wave(&survey, 600);
    let (before_codebook, before_rows, _) = wave(&survey, 500);
    let earlier = [EarlierWave {
        label: "SCAPE 2024",
        survey: &survey,
        codebook: &before_codebook,
        rows: &before_rows,
    }];
    let history = History {
        label: "SCAPE 2027",
        earlier: &earlier,
    };
    let analysed =
        analyse_wave(&survey, &codebook, &rows, &fieldwork, 10, "de", history).expect("analysis");
    assert_eq!(analysed.analysis.waves, ["SCAPE 2024", "SCAPE 2027"]);
    let site = survey.comparison_unit().expect("unit").id.to_string();
    let changes = analysed
        .analysis
        .rows
        .iter()
        .filter(|row| row.statistic == "change_pct_positive" && row.unit_kind == site)
        .filter(|row| row.is_shown())
        .count();
    assert!(changes > 100, "{changes} changes per site shown");
    assert!(analysed.analysis.rows.iter().any(|row| {
        row.statistic == "earlier_pct_positive" && row.wave.as_deref() == Some("SCAPE 2024")
    }));
    // The hospital report of a site shows its change since the earlier wave.
    let results = vecu_report::SiteResults::of(&survey, &analysed.analysis, "H01").expect("H01");
    let changes = results
        .measures
        .iter()
        .filter(|measure| measure.change.is_some())
        .count();
    assert!(changes > 10, "{changes} changes at H01");
    let html = vecu_report::site_html(&survey, &results, "de", "SCAPE 2027");
    assert!(html.contains("Veränderung"), "the change column in German");
    let without = analyse_wave(
        &survey,
        &codebook,
        &rows,
        &fieldwork,
        10,
        "de",
        History::default(),
    )
    .expect("analysis");
    assert!(without
        .analysis
        .rows
        .iter()
        .all(|row| !row.statistic.starts_with("change_")));
    let alone = vecu_report::SiteResults::of(&survey, &without.analysis, "H01").expect("H01");
    let html = vecu_report::site_html(&survey, &alone, "de", "SCAPE 2027");
    assert!(
        !html.contains("Veränderung"),
        "no change column without earlier waves"
    );
}
