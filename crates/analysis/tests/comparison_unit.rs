//! The unit of comparison is the frame variable the definition marks, whatever its name: the
//! example survey with its site variable renamed `hospital` gets, on the same responses, every
//! row that the example gets for `site`, under `hospital`.

use std::collections::BTreeMap;
use std::path::Path;

use vecu_analysis::{
    analyse, chart_svgs, Analysis, Dataset, FrameCounts, Method, Options, Previous, ResultRow,
    RESPONSE,
};
use vecu_survey::{Codebook, Id, Survey};

/// Statistics that exist only for the unit of comparison.
const COMPARED: [&str; 5] = [
    "adjusted_",
    "standardised_",
    "funnel_95_",
    "funnel_998_",
    "change_pct_positive",
];

/// The example survey with its site variable called `id`, marked or not as the unit.
fn variant(id: &str, marked: bool) -> Survey {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../surveys/example.json");
    let text = std::fs::read_to_string(path).expect("the example survey is readable");
    let mut definition: serde_json::Value = serde_json::from_str(&text).expect("JSON");
    let site = &mut definition["frame"][0];
    assert_eq!(site["id"], "site", "the example's first frame variable");
    site["id"] = id.into();
    site["comparison_unit"] = marked.into();
    vecu_survey::load_value(&definition).expect("the variant is valid")
}

/// The same simulated responses for every variant, the site's value under the variant's name.
fn responses(survey: &Survey) -> Dataset {
    let codebook = Codebook::new(survey);
    let site = Id::parse("site").expect("an id");
    let unit = survey.frame[0].id.clone();
    let rows: Vec<_> = vecu_survey::simulate(&variant("site", true), 300, 11)
        .into_iter()
        .map(|mut response| {
            if let Some(code) = response.frame.remove(&site) {
                response.frame.insert(unit.clone(), code);
            }
            codebook.row(&response.response_id, &response.frame, &response.answers)
        })
        .collect();
    Dataset::from_cells(survey, &codebook, &rows).expect("the responses load")
}

/// Everything, shown: weighted to invited counts per site (for response rates) and compared
/// with itself as the earlier wave (for changes).
fn run(survey: &Survey) -> Analysis {
    let data = responses(survey);
    let invited: BTreeMap<Vec<String>, f64> = ["H1", "H2", "H3"]
        .into_iter()
        .map(|code| (vec![code.to_owned()], 300.0))
        .collect();
    let options = Options {
        threshold: 1,
        weighting: Some((
            FrameCounts {
                variables: vec![survey.frame[0].id.to_string()],
                invited,
            },
            Method::PostStratify,
        )),
        ..Options::default()
    };
    let previous = Previous {
        survey,
        data: &data,
    };
    analyse(survey, &data, &options, Some(previous), &mut |_, _| {}).expect("analysed")
}

fn is_compared(row: &ResultRow) -> bool {
    COMPARED
        .iter()
        .any(|prefix| row.statistic.starts_with(prefix))
}

#[test]
fn a_hospital_variable_marked_as_the_unit_gets_what_site_got() {
    let by_site = run(&variant("site", true));
    let hospital = variant("hospital", true);
    let by_hospital = run(&hospital);
    assert_eq!(by_hospital.comparison_unit.as_deref(), Some("hospital"));
    assert_eq!(by_hospital.notices, Vec::<String>::new());

    let renamed: Vec<ResultRow> = by_site
        .rows
        .iter()
        .cloned()
        .map(|mut row| {
            if row.unit_kind == "site" {
                row.unit_kind = "hospital".to_owned();
            }
            row
        })
        .collect();
    assert_eq!(by_hospital.rows, renamed);
    for prefix in COMPARED {
        assert!(
            by_hospital
                .rows
                .iter()
                .any(|row| row.statistic.starts_with(prefix) && row.unit_kind == "hospital"),
            "no {prefix} rows per hospital"
        );
    }
    assert_eq!(by_hospital.per_unit(RESPONSE, "response_rate").len(), 3);

    let charts = chart_svgs(&hospital, &by_hospital, "en").expect("charts");
    assert!(
        charts.contains_key("sites_overall_mean"),
        "{:?}",
        charts.keys()
    );
    assert!(
        charts.contains_key("funnel_overall_mean"),
        "{:?}",
        charts.keys()
    );
    assert!(charts.contains_key("response_rates"), "{:?}", charts.keys());
}

#[test]
fn without_a_unit_the_analysis_says_what_it_skips() {
    let survey = variant("hospital", false);
    let analysis = run(&survey);
    assert_eq!(analysis.comparison_unit, None);
    assert_eq!(analysis.notices.len(), 1, "{:?}", analysis.notices);
    let notice = &analysis.notices[0];
    assert!(
        notice.contains("no frame variable is marked as the unit of comparison")
            && notice.contains("adjusted and standardised scores, funnel limits")
            && notice.contains("add \"comparison_unit\": true"),
        "{notice}"
    );
    // The hospital is still a unit like any frame variable, with its own figures...
    assert!(analysis
        .rows
        .iter()
        .any(|row| row.unit_kind == "hospital" && row.statistic == "mean"));
    // ...but nothing compares hospitals (changes stay, overall).
    assert!(analysis
        .rows
        .iter()
        .all(|row| !is_compared(row) || row.unit_kind == "overall"));
    assert!(analysis.per_unit(RESPONSE, "response_rate").is_empty());
    let charts = chart_svgs(&survey, &analysis, "en").expect("charts");
    assert!(
        charts
            .keys()
            .all(|name| !name.starts_with("sites_") && !name.starts_with("funnel_")),
        "{:?}",
        charts.keys()
    );
}
