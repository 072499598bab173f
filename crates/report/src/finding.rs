//! Findings: what the analysis says, one per item, domain, response rates and site highlights,
//! each with its chart, its figures and a draft text for the researchers to start from.
//!
//! Findings are built from the suppressed results table only, so a hidden figure stays hidden in
//! the report, its charts and its draft text.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use vecu_analysis::{
    chart_svgs, chart_svgs_named, item_label, site_chart_name, Analysis, ResultRow, OVERALL,
    RESPONSE,
};
use vecu_survey::Survey;

use crate::threshold::{check_threshold, ReportError};
use crate::words::{percent_with_interval, phrase, Phrase};

/// What a finding is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FindingKind {
    /// Who answered: response rates overall and per site.
    ResponseRates,
    /// A composite score.
    Domain,
    /// One question (or matrix row).
    Item,
    /// Sites outside the expected range on some measure.
    SiteHighlights,
}

/// One figure of a finding, or why it is not shown.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Figure {
    /// What the figure is.
    pub label: String,
    /// The figure as text, or empty when suppressed.
    pub value: String,
    /// Why it is not shown (empty when shown).
    pub suppressed: String,
}

/// One finding of the report.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Finding {
    /// Stable id: `response_rates`, `domain:<id>`, `item:<column>`, `site_highlights`.
    pub id: String,
    /// Kind.
    pub kind: FindingKind,
    /// Title in the report's language.
    pub title: String,
    /// What a domain covers, from the definition (empty for other findings, and in reports
    /// stored before definitions described their domains).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub description: String,
    /// Figures.
    pub figures: Vec<Figure>,
    /// Chart as inline SVG, if any.
    pub chart_svg: Option<String>,
    /// A domain's chart again in each other language of the survey (easy-read variants aside),
    /// its labels in that language: pages read in any language show the reader's.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub charts_in: BTreeMap<String, String>,
    /// The main figure as a number, when shown: a question's % positive or a domain's score
    /// (none in reports stored before findings kept it). Ranks what goes well and what most
    /// needs work.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub score: Option<f64>,
    /// The researchers' draft text.
    pub draft: String,
}

fn overall<'a>(
    analysis: &'a Analysis,
    item: &str,
    statistic: &str,
    weighted: bool,
) -> Option<&'a ResultRow> {
    analysis.rows.iter().find(|row| {
        row.item == item
            && row.unit_kind == OVERALL
            && row.statistic == statistic
            && row.weighted == weighted
    })
}

/// A figure from a results row: percentages with their interval, means with one decimal.
fn figure(lang: &str, label: String, row: &ResultRow, percent: bool) -> Figure {
    match row.estimate {
        Some(estimate) if row.is_shown() => Figure {
            label,
            value: if percent {
                percent_with_interval(lang, estimate, row.ci_low, row.ci_high, row.n)
            } else {
                format!(
                    "{estimate:.1} ({:.1}–{:.1}, n = {})",
                    row.ci_low.unwrap_or(f64::NAN),
                    row.ci_high.unwrap_or(f64::NAN),
                    row.n.unwrap_or_default()
                )
            },
            suppressed: String::new(),
        },
        _ => Figure {
            label,
            value: String::new(),
            suppressed: format!(
                "{} ({})",
                phrase(lang, Phrase::NotShown),
                hidden_because(lang, &row.suppressed)
            ),
        },
    }
}

/// Why a figure is hidden, in the report's language: the analysis says it in English, for
/// its results table ("fewer than 10 respondents"; otherwise a secondary suppression).
pub(crate) fn hidden_because(lang: &str, reason: &str) -> String {
    match reason
        .strip_prefix("fewer than ")
        .and_then(|rest| rest.strip_suffix(" respondents"))
    {
        Some(n) => phrase(lang, Phrase::FewerThan).replace("{n}", n),
        None => phrase(lang, Phrase::HiddenToProtect).to_owned(),
    }
}

/// Range of the shown adjusted site scores, and the flagged sites.
fn site_spread(lang: &str, analysis: &Analysis, item: &str, statistic: &str) -> Vec<Figure> {
    let adjusted = analysis.per_unit(item, &format!("adjusted_{statistic}"));
    let shown: Vec<f64> = adjusted
        .iter()
        .filter(|r| r.is_shown())
        .filter_map(|r| r.estimate)
        .collect();
    let mut figures = Vec::new();
    if shown.len() >= 2 {
        let low = shown.iter().copied().fold(f64::INFINITY, f64::min);
        let high = shown.iter().copied().fold(f64::NEG_INFINITY, f64::max);
        figures.push(Figure {
            label: phrase(lang, Phrase::SiteRange).to_owned(),
            value: format!("{low:.0} – {high:.0}"),
            suppressed: String::new(),
        });
    }
    let flagged: Vec<String> = adjusted
        .iter()
        .filter(|r| r.flag.contains("99.8"))
        .map(|r| {
            format!(
                "{} ({})",
                r.unit,
                if r.flag.starts_with("above") {
                    "+"
                } else {
                    "−"
                }
            )
        })
        .collect();
    if !flagged.is_empty() {
        figures.push(Figure {
            label: phrase(lang, Phrase::Outliers).to_owned(),
            value: flagged.join(", "),
            suppressed: String::new(),
        });
    }
    figures
}

/// Where a domain comes in the report: its place in the definition's `domains` block; domains of
/// a definition without one come after, in the results' order.
pub(crate) fn domain_rank(survey: &Survey, id: &str) -> usize {
    survey
        .domains
        .iter()
        .position(|domain| domain.id.as_str() == id)
        .unwrap_or(usize::MAX)
}

/// Every finding of an analysis, in the report's language. An analysis suppressed below
/// [`crate::THRESHOLD_FLOOR`] respondents makes no report.
pub fn findings(
    survey: &Survey,
    analysis: &Analysis,
    lang: &str,
) -> Result<Vec<Finding>, ReportError> {
    check_threshold(analysis.threshold)?;
    let charts = chart_svgs(survey, analysis, lang)?;
    let mut out = Vec::new();

    if let Some(rate) = overall(analysis, RESPONSE, "response_rate", false) {
        let mut figures = vec![figure(
            lang,
            phrase(lang, Phrase::ResponseRate).to_owned(),
            rate,
            true,
        )];
        figures.extend(
            analysis
                .per_unit(RESPONSE, "response_rate")
                .into_iter()
                .map(|row| {
                    figure(
                        lang,
                        format!("{} {}", phrase(lang, Phrase::ResponseRate), row.unit),
                        row,
                        true,
                    )
                }),
        );
        out.push(Finding {
            id: "response_rates".to_owned(),
            kind: FindingKind::ResponseRates,
            title: phrase(lang, Phrase::ResponseRate).to_owned(),
            description: String::new(),
            draft: figures[0].value.clone(),
            figures,
            chart_svg: charts.get("response_rates").cloned(),
            charts_in: BTreeMap::new(),
            score: None,
        });
    }

    let mut scored: Vec<(&str, &str)> = Vec::new();
    for row in &analysis.rows {
        let is_scored = row.unit_kind == OVERALL
            && !row.weighted
            && (row.statistic == "pct_positive" || row.statistic == "domain_score")
            && !scored.contains(&(row.item.as_str(), row.statistic.as_str()));
        if is_scored {
            scored.push((row.item.as_str(), row.statistic.as_str()));
        }
    }
    // Domains first, in the definition's order (the results' order where it declares none),
    // then questions in questionnaire order.
    scored.sort_by_key(|(item, statistic)| {
        let domain = *statistic == "domain_score";
        (!domain, if domain { domain_rank(survey, item) } else { 0 })
    });
    let text_lang = survey
        .language(lang)
        .unwrap_or_else(|| survey.default_language());
    for (item, statistic) in scored {
        let domain = statistic == "domain_score";
        let Some(main) = overall(analysis, item, statistic, false) else {
            continue;
        };
        let label = phrase(
            lang,
            if domain {
                Phrase::DomainScore
            } else {
                Phrase::PctPositive
            },
        );
        let mut figures = vec![figure(lang, label.to_owned(), main, true)];
        if let Some(weighted) = overall(analysis, item, statistic, true) {
            figures.push(figure(
                lang,
                format!("{label}, {}", phrase(lang, Phrase::Weighted)),
                weighted,
                true,
            ));
        }
        if let Some(problem) = overall(analysis, item, "pct_problem", false) {
            figures.push(figure(
                lang,
                phrase(lang, Phrase::PctProblem).to_owned(),
                problem,
                true,
            ));
        }
        if let Some(mean) = overall(analysis, item, "mean", false) {
            figures.push(figure(
                lang,
                phrase(lang, Phrase::Mean).to_owned(),
                mean,
                false,
            ));
        }
        figures.extend(site_spread(lang, analysis, item, statistic));
        let draft = if main.is_shown() {
            figures[0].value.clone()
        } else {
            figures[0].suppressed.clone()
        };
        out.push(Finding {
            id: format!("{}:{item}", if domain { "domain" } else { "item" }),
            kind: if domain {
                FindingKind::Domain
            } else {
                FindingKind::Item
            },
            title: item_label(survey, item, lang),
            description: survey
                .domain(item)
                .filter(|_| domain)
                .and_then(|domain| domain.description.as_ref())
                .map(|text| text.get(text_lang).to_owned())
                .unwrap_or_default(),
            figures,
            chart_svg: charts.get(&site_chart_name(item, statistic)).cloned(),
            charts_in: BTreeMap::new(),
            score: main.estimate.filter(|_| main.is_shown()),
            draft: format!("{}: {draft}.", label),
        });
    }

    let highlights: Vec<Figure> = analysis
        .rows
        .iter()
        .filter(|row| {
            row.statistic.starts_with("adjusted_") && row.flag.contains("99.8") && row.is_shown()
        })
        .map(|row| Figure {
            label: format!("{} — {}", row.unit, item_label(survey, &row.item, lang)),
            value: format!(
                "{:.0} ({})",
                row.estimate.unwrap_or_default(),
                if row.flag.starts_with("above") {
                    "+"
                } else {
                    "−"
                }
            ),
            suppressed: String::new(),
        })
        .collect();
    if !highlights.is_empty() {
        out.push(Finding {
            id: "site_highlights".to_owned(),
            kind: FindingKind::SiteHighlights,
            title: phrase(lang, Phrase::Outliers).to_owned(),
            description: String::new(),
            draft: format!("{}: {}.", phrase(lang, Phrase::Outliers), highlights.len()),
            figures: highlights,
            chart_svg: None,
            charts_in: BTreeMap::new(),
            score: None,
        });
    }
    domain_charts_in_other_languages(survey, analysis, lang, &mut out)?;
    Ok(out)
}

/// Draws each domain's chart in the survey's other languages (not its easy-read variants:
/// charts are read with the report), into the findings' `charts_in`.
fn domain_charts_in_other_languages(
    survey: &Survey,
    analysis: &Analysis,
    lang: &str,
    findings: &mut [Finding],
) -> Result<(), ReportError> {
    let domains: BTreeMap<String, usize> = findings
        .iter()
        .enumerate()
        .filter(|(_, finding)| finding.kind == FindingKind::Domain && finding.chart_svg.is_some())
        .filter_map(|(idx, finding)| {
            let item = finding.id.strip_prefix("domain:")?;
            Some((site_chart_name(item, "domain_score"), idx))
        })
        .collect();
    if domains.is_empty() {
        return Ok(());
    }
    let others = survey
        .languages
        .iter()
        .map(|other| other.as_str())
        .filter(|other| *other != lang && !other.contains('-'));
    for other in others {
        let charts = chart_svgs_named(survey, analysis, other, |name| domains.contains_key(name))?;
        for (name, svg) in charts {
            if let Some(&idx) = domains.get(&name) {
                findings[idx].charts_in.insert(other.to_owned(), svg);
            }
        }
    }
    Ok(())
}
