//! A readable outline of a survey in one language, for reviewers and patient partners.

use std::fmt::Write;

use crate::model::{ItemKind, Options, Survey};
use crate::text::Lang;

/// The outline: sections, items with their kind and answers, and the skip logic in words.
pub fn outline(survey: &Survey, lang: &Lang) -> String {
    let mut out = String::new();
    // Writing to a String cannot fail; the results are ignored for that reason only.
    let _ = writeln!(
        out,
        "{} (survey {} version {}, shown in {lang})",
        survey.title.get(lang),
        survey.id,
        survey.version
    );
    let languages: Vec<&str> = survey.languages.iter().map(Lang::as_str).collect();
    let _ = writeln!(
        out,
        "languages: {}; {} questions in {} sections",
        languages.join(", "),
        survey.n_questions(),
        survey.sections.len()
    );
    if !survey.frame.is_empty() {
        let _ = writeln!(out, "\nSample frame:");
        for variable in &survey.frame {
            let mut marks = Vec::new();
            if variable.comparison_unit {
                marks.push("unit of comparison");
            }
            if variable.quasi_identifier {
                marks.push("quasi-identifier");
            }
            if variable.case_mix {
                marks.push("case-mix");
            }
            let values: Vec<String> = variable
                .values
                .iter()
                .map(|value| format!("{} = {}", value.code, value.label.get(lang)))
                .collect();
            let _ = writeln!(
                out,
                "  {} ({}) [{}]: {}",
                variable.id,
                variable.label.get(lang),
                marks.join(", "),
                values.join("; ")
            );
        }
    }
    if !survey.domains.is_empty() {
        let _ = writeln!(out, "\nDomains:");
        for domain in &survey.domains {
            let description = domain
                .description
                .as_ref()
                .map(|text| format!(": {}", text.get(lang)))
                .unwrap_or_default();
            let _ = writeln!(
                out,
                "  {} ({}){description}",
                domain.id,
                domain.label.get(lang)
            );
        }
    }
    for (section_idx, section) in survey.sections.iter().enumerate() {
        let _ = writeln!(
            out,
            "\n{}. {} [{}]",
            section_idx + 1,
            section.title.get(lang),
            section.id
        );
        if let Some(condition) = &section.show_if {
            let _ = writeln!(out, "   shown if {condition}");
        }
        for item in &section.items {
            let mut marks = vec![item.kind.name().to_owned()];
            if item.required {
                marks.push("required".to_owned());
            }
            if let Some(domain) = &item.domain {
                marks.push(format!("domain {domain}"));
            }
            let _ = writeln!(
                out,
                "   {} ({}) {}",
                item.id,
                marks.join(", "),
                item.text.get(lang)
            );
            if let Some(condition) = &item.show_if {
                let _ = writeln!(out, "      shown if {condition}");
            }
            match &item.kind {
                ItemKind::SingleChoice(options)
                | ItemKind::MultipleChoice(options)
                | ItemKind::Scale(options) => write_options(&mut out, options, lang),
                ItemKind::Matrix(matrix) => {
                    for row in &matrix.rows {
                        let _ = writeln!(out, "      row {}: {}", row.id, row.text.get(lang));
                    }
                    write_options(&mut out, &matrix.options, lang);
                }
                ItemKind::Rating(rating) => {
                    let _ = writeln!(
                        out,
                        "      0 = {} ... 10 = {}",
                        rating.low_label.get(lang),
                        rating.high_label.get(lang)
                    );
                }
                ItemKind::Number(spec) => {
                    let unit = spec
                        .unit
                        .as_ref()
                        .map(|unit| format!(" {}", unit.get(lang)))
                        .unwrap_or_default();
                    let _ = writeln!(out, "      from {} to {}{unit}", spec.min, spec.max);
                }
                ItemKind::Text(spec) => {
                    let identifying = if spec.identifying {
                        ", may identify people"
                    } else {
                        ""
                    };
                    let _ = writeln!(
                        out,
                        "      up to {} characters{identifying}",
                        spec.max_length
                    );
                }
                ItemKind::MonthYear(spec) => {
                    let _ = writeln!(
                        out,
                        "      month and year, {} to {}",
                        spec.min_year, spec.max_year
                    );
                }
                ItemKind::Display => {}
            }
        }
    }
    out
}

fn write_options(out: &mut String, options: &Options, lang: &Lang) {
    for option in &options.options {
        let exclusive = if option.exclusive { ", exclusive" } else { "" };
        let _ = writeln!(
            out,
            "      {} = {} [{}{exclusive}]",
            option.code,
            option.label.get(lang),
            option.role.as_str()
        );
    }
}
