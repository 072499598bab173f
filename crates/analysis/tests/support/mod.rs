//! Small hand-made data sets for the key-driver and trend tests: rows of (column, value) in
//! the example survey's wide table, every other column empty.

// Each test binary uses part of it.
#![allow(dead_code)]

use std::collections::BTreeMap;
use std::path::Path;

use vecu_analysis::Dataset;
use vecu_survey::{Cell, Codebook, Survey};

/// `surveys/example.json`: sites H1-H3, case-mix age band and sex, `overall` the 0-10 rating.
pub fn example() -> Survey {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../surveys/example.json");
    let text = std::fs::read_to_string(path).expect("the example survey is readable");
    vecu_survey::load_str(&text).expect("the example survey is valid")
}

/// The wide CSV of `rows`, each a list of (column, value); other columns empty.
pub fn csv(survey: &Survey, rows: &[Vec<(&str, String)>]) -> String {
    let names: Vec<String> = Codebook::new(survey).names().map(str::to_owned).collect();
    let mut out = names.join(",") + "\n";
    for (index, row) in rows.iter().enumerate() {
        let cells: Vec<String> = names
            .iter()
            .map(|name| match name.as_str() {
                "response_id" => format!("r{index}"),
                _ => row
                    .iter()
                    .find(|(column, _)| column == name)
                    .map(|(_, value)| value.clone())
                    .unwrap_or_default(),
            })
            .collect();
        out += &(cells.join(",") + "\n");
    }
    out
}

/// A data set of `rows`: `overall` (the rating) as a number, every other value as written.
pub fn dataset(survey: &Survey, rows: &[Vec<(&str, String)>]) -> Dataset {
    let codebook = Codebook::new(survey);
    let cells: Vec<Vec<Cell>> = rows
        .iter()
        .enumerate()
        .map(|(index, row)| {
            let values: BTreeMap<&str, &String> = row.iter().map(|(c, v)| (*c, v)).collect();
            codebook
                .names()
                .map(|name| match (name, values.get(name)) {
                    ("response_id", _) => Cell::Text(format!("r{index}")),
                    (_, None) => Cell::Empty,
                    (_, Some(value)) if name == "overall" => {
                        Cell::Integer(value.parse().expect("a rating"))
                    }
                    (_, Some(value)) => Cell::Text((*value).clone()),
                })
                .collect()
        })
        .collect();
    Dataset::from_cells(survey, &codebook, &cells).expect("the rows load")
}

/// A respondent of `site`, age band and sex cycling with `index` (so that case-mix adjustment
/// has every level everywhere), with the doctors' frequency code and the overall rating.
pub fn respondent(
    index: usize,
    site: &str,
    doctors: &str,
    overall: u8,
) -> Vec<(&'static str, String)> {
    vec![
        ("site", site.to_owned()),
        ("age_band", ["18-49", "50-69", "70+"][index % 3].to_owned()),
        ("sex", ["F", "M"][index % 2].to_owned()),
        ("staff.doctors", doctors.to_owned()),
        ("overall", overall.to_string()),
    ]
}

/// Asserts that `value` is within `tolerance` of `expected`.
pub fn close(what: &str, value: Option<f64>, expected: f64, tolerance: f64) {
    let value = value.unwrap_or_else(|| panic!("{what}: no value"));
    assert!(
        (value - expected).abs() <= tolerance,
        "{what}: {value} instead of {expected}"
    );
}
