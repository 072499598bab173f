//! Which charts an analysis gets, built from its (suppressed) results table.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use vecu_survey::{Codebook, ColumnSource, Lang, ScoringRole, Survey};

use super::funnel::{FunnelChart, FunnelPoint};
use super::palette::{BLUE, GREY, INK, ORANGE, SKY, VERMILLION};
use super::rows::{Mark, Row, RowChart, Segment};
use super::words::{word, Word};
use super::{render_svg, save, Chart, DrawResult};
use crate::analyse::{Analysis, RESPONSE};
use crate::error::{AnalysisError, Result};
use crate::groups::OVERALL;
use crate::overdispersion::{FunnelMethod, Overdispersion};
use crate::results::ResultRow;

/// Draws every chart of `analysis` into `dir`, in `lang`; returns the files written.
pub fn write_charts(
    survey: &Survey,
    analysis: &Analysis,
    lang: &str,
    dir: &Path,
    progress: &mut dyn FnMut(usize, usize),
) -> Result<Vec<PathBuf>> {
    std::fs::create_dir_all(dir).map_err(|source| AnalysisError::Io {
        path: dir.display().to_string(),
        source,
    })?;
    let labels = Labels::new(survey, lang);
    let table = Table::new(analysis);
    let jobs = plan(survey, &labels, &table);
    let mut written = Vec::new();
    let total = jobs.len();
    for (done, (name, job)) in jobs.into_iter().enumerate() {
        if let Some(chart) = job.chart(&table, &labels, analysis) {
            written.extend(save(&chart, dir, &name)?);
        }
        progress(done + 1, total);
    }
    Ok(written)
}

/// Every chart of `analysis` as SVG text, by name (`sites_<item>_<statistic>`,
/// `distribution_<section>`, `response_rates`...), for documents that inline them.
pub fn chart_svgs(
    survey: &Survey,
    analysis: &Analysis,
    lang: &str,
) -> Result<BTreeMap<String, String>> {
    chart_svgs_named(survey, analysis, lang, |_| true)
}

/// [`chart_svgs`], only those whose name `wanted` accepts (drawing none of the others).
pub fn chart_svgs_named(
    survey: &Survey,
    analysis: &Analysis,
    lang: &str,
    wanted: impl Fn(&str) -> bool,
) -> Result<BTreeMap<String, String>> {
    let labels = Labels::new(survey, lang);
    let table = Table::new(analysis);
    let mut out = BTreeMap::new();
    for (name, job) in plan(survey, &labels, &table) {
        if !wanted(&name) {
            continue;
        }
        if let Some(chart) = job.chart(&table, &labels, analysis) {
            out.insert(name, render_svg(&chart)?);
        }
    }
    Ok(out)
}

/// The label of a results row's item in `lang`: "12. question – row" or "Domain: name".
pub fn item_label(survey: &Survey, item: &str, lang: &str) -> String {
    Labels::new(survey, lang).of(item)
}

/// The charts an analysis gets, by file name.
fn plan(survey: &Survey, labels: &Labels, table: &Table<'_>) -> Vec<(String, Job)> {
    let mut jobs: Vec<(String, Job)> = Vec::new();
    for section in &survey.sections {
        let columns = labels.section_columns(section.id.as_str());
        let title = section.title.get(&labels.lang).to_owned();
        jobs.push((
            format!("distribution_{}", section.id),
            Job::Distribution(title.clone(), columns.clone()),
        ));
        if table.has("change_pct_positive") {
            jobs.push((
                format!("change_{}", section.id),
                Job::Change(title, columns),
            ));
        }
    }
    for (item, statistic) in table.compared() {
        jobs.push((
            site_chart_name(&item, &statistic),
            Job::Sites(item.clone(), statistic.clone()),
        ));
        jobs.push((
            format!("funnel_{}_{}", file_name(&item), statistic),
            Job::Funnel(item, statistic),
        ));
    }
    if table.has("response_rate") {
        jobs.push(("response_rates".to_owned(), Job::ResponseRates));
    }
    for site in super::priority::sites(table.analysis) {
        let name = format!("priorities_{}", file_name(&site));
        jobs.push((name, Job::Priorities(site)));
    }
    for item in super::trend::items(table.analysis) {
        jobs.push((format!("trend_{}", file_name(&item)), Job::Trend(item)));
    }
    jobs
}

impl Job {
    fn chart(self, table: &Table<'_>, labels: &Labels, analysis: &Analysis) -> Option<AnyChart> {
        match self {
            Job::Distribution(title, columns) => {
                distribution(table, labels, &title, &columns).map(AnyChart::Rows)
            }
            Job::Change(title, columns) => {
                change(table, labels, &title, &columns).map(AnyChart::Rows)
            }
            Job::Sites(item, statistic) => {
                sites(table, labels, analysis, &item, &statistic).map(AnyChart::Rows)
            }
            Job::Funnel(item, statistic) => {
                funnel(table, labels, &item, &statistic).map(AnyChart::Funnel)
            }
            Job::ResponseRates => response_rates(table, labels).map(AnyChart::Rows),
            Job::Priorities(site) => {
                super::priority::chart(analysis, &site, labels.lang.as_str(), &|item: &str| {
                    labels.of(item)
                })
                .map(AnyChart::Priority)
            }
            Job::Trend(item) => {
                super::trend::chart(analysis, &item, labels.lang.as_str(), labels.of(&item))
                    .map(AnyChart::Trend)
            }
        }
    }
}

/// A chart of any kind.
enum AnyChart {
    Rows(RowChart),
    Funnel(FunnelChart),
    Priority(super::priority::PriorityChart),
    Trend(super::trend::TrendChart),
}

impl Chart for AnyChart {
    fn size(&self) -> (u32, u32) {
        match self {
            AnyChart::Rows(chart) => chart.size(),
            AnyChart::Funnel(chart) => chart.size(),
            AnyChart::Priority(chart) => chart.size(),
            AnyChart::Trend(chart) => chart.size(),
        }
    }

    fn draw<DB: plotters::prelude::DrawingBackend>(
        &self,
        area: &plotters::prelude::DrawingArea<DB, plotters::coord::Shift>,
    ) -> DrawResult<DB> {
        match self {
            AnyChart::Rows(chart) => chart.draw(area),
            AnyChart::Funnel(chart) => chart.draw(area),
            AnyChart::Priority(chart) => chart.draw(area),
            AnyChart::Trend(chart) => chart.draw(area),
        }
    }
}

enum Job {
    Distribution(String, Vec<String>),
    Change(String, Vec<String>),
    Sites(String, String),
    Funnel(String, String),
    ResponseRates,
    Priorities(String),
    Trend(String),
}

/// The name of a measure's site-comparison chart, as [`write_charts`] and [`chart_svgs`] name it.
pub fn site_chart_name(item: &str, statistic: &str) -> String {
    format!("sites_{}_{statistic}", file_name(item))
}

fn file_name(item: &str) -> String {
    item.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
                c
            } else {
                '_'
            }
        })
        .collect()
}

/// Question labels and codes' roles, from the codebook, in one language.
struct Labels {
    lang: Lang,
    /// Frame variable id -> label.
    frame: BTreeMap<String, String>,
    /// Column name -> (question number, label, section id, role per code).
    columns: BTreeMap<String, ColumnLabel>,
    order: Vec<String>,
    /// Domain id -> its name in the definition (its id in definitions without labels).
    domains: BTreeMap<String, String>,
}

struct ColumnLabel {
    text: String,
    section: String,
    /// Scoring role of each answer code, in the definition's order.
    roles: Vec<(String, ScoringRole)>,
}

impl Labels {
    fn new(survey: &Survey, lang: &str) -> Labels {
        let lang = Lang::parse(lang)
            .filter(|lang| survey.languages.contains(lang))
            .unwrap_or_else(|| survey.default_language().clone());
        let section_of: BTreeMap<String, String> = survey
            .sections
            .iter()
            .flat_map(|section| {
                section
                    .items
                    .iter()
                    .map(move |item| (item.id.to_string(), section.id.to_string()))
            })
            .collect();
        let mut columns = BTreeMap::new();
        let mut order = Vec::new();
        for column in Codebook::new(survey).columns {
            let (item, row_text) = match &column.source {
                ColumnSource::Item { item, .. } => (item.clone(), None),
                ColumnSource::MatrixRow { item, .. } | ColumnSource::Option { item, .. } => (
                    item.clone(),
                    column
                        .label
                        .as_ref()
                        .map(|label| label.get(&lang).to_owned()),
                ),
                _ => continue,
            };
            let Some(definition) = survey.item(item.as_str()) else {
                continue;
            };
            let number = survey
                .question_number(&item)
                .map(|n| format!("{n}. "))
                .unwrap_or_default();
            let question = definition.text.get(&lang);
            let text = match row_text {
                Some(row) => format!("{number}{question} – {row}"),
                None => format!("{number}{question}"),
            };
            let roles = column
                .values
                .iter()
                .filter_map(|value| value.role.map(|role| (value.code.to_string(), role)))
                .collect();
            order.push(column.name.clone());
            columns.insert(
                column.name,
                ColumnLabel {
                    text,
                    section: section_of.get(item.as_str()).cloned().unwrap_or_default(),
                    roles,
                },
            );
        }
        let frame = survey
            .frame
            .iter()
            .map(|variable| {
                (
                    variable.id.to_string(),
                    variable.label.get(&lang).to_lowercase(),
                )
            })
            .collect();
        let domains = survey
            .domains_used()
            .into_iter()
            .map(|id| (id.to_string(), survey.domain_label(id.as_str(), &lang)))
            .collect();
        Labels {
            lang,
            frame,
            columns,
            order,
            domains,
        }
    }

    fn section_columns(&self, section: &str) -> Vec<String> {
        self.order
            .iter()
            .filter(|name| {
                self.columns
                    .get(*name)
                    .is_some_and(|c| c.section == section)
            })
            .cloned()
            .collect()
    }

    /// The label of a column, or of a domain.
    fn of(&self, item: &str) -> String {
        match self.columns.get(item) {
            Some(column) => column.text.clone(),
            None => format!(
                "{}: {}",
                word(self.lang.as_str(), Word::Domain),
                self.domains
                    .get(item)
                    .cloned()
                    .unwrap_or_else(|| item.replace('_', " "))
            ),
        }
    }

    fn word(&self, which: Word) -> &'static str {
        word(self.lang.as_str(), which)
    }
}

/// Results indexed for chart building: unweighted rows only (weighted ones are in the table).
struct Table<'a> {
    rows: Vec<&'a ResultRow>,
    analysis: &'a Analysis,
}

impl<'a> Table<'a> {
    fn new(analysis: &'a Analysis) -> Table<'a> {
        Table {
            rows: analysis.rows.iter().filter(|row| !row.weighted).collect(),
            analysis,
        }
    }

    fn per_unit(&self, item: &str, statistic: &str) -> Vec<&'a ResultRow> {
        self.analysis.per_unit(item, statistic)
    }

    fn has(&self, statistic: &str) -> bool {
        self.rows.iter().any(|row| row.statistic == statistic)
    }

    fn find(&self, item: &str, kind: &str, unit: &str, statistic: &str) -> Option<&'a ResultRow> {
        self.rows
            .iter()
            .find(|row| {
                row.item == item
                    && row.unit_kind == kind
                    && row.unit == unit
                    && row.statistic == statistic
            })
            .copied()
    }

    fn select(&self, item: &str, kind: &str, statistic: &str) -> Vec<&'a ResultRow> {
        self.rows
            .iter()
            .filter(|row| row.item == item && row.unit_kind == kind && row.statistic == statistic)
            .copied()
            .collect()
    }

    /// (item, base statistic) pairs with adjusted site scores, in table order.
    fn compared(&self) -> Vec<(String, String)> {
        let mut seen = Vec::new();
        for row in &self.rows {
            if let Some(base) = row.statistic.strip_prefix("adjusted_") {
                let key = (row.item.clone(), base.to_owned());
                if !seen.contains(&key) {
                    seen.push(key);
                }
            }
        }
        seen
    }
}

fn hidden_reason(labels: &Labels, row: &ResultRow) -> String {
    format!("{} ({})", labels.word(Word::NotShown), row.suppressed)
}

/// Diverging bars of problem / neutral / positive shares per question of a section.
fn distribution(
    table: &Table<'_>,
    labels: &Labels,
    title: &str,
    columns: &[String],
) -> Option<RowChart> {
    let mut rows = Vec::new();
    for column in columns {
        let Some(label) = labels.columns.get(column) else {
            continue;
        };
        let options = table.select(column, OVERALL, "pct_option");
        let mark = if options.is_empty() {
            // Ratings: their own % positive and % problem.
            let positive = table.find(column, OVERALL, "all", "pct_positive");
            let problem = table.find(column, OVERALL, "all", "pct_problem");
            match (positive, problem) {
                (Some(p), Some(q)) if p.is_shown() && q.is_shown() => {
                    let (p, q) = (p.estimate.unwrap_or(0.0), q.estimate.unwrap_or(0.0));
                    diverging(&[
                        (ScoringRole::Negative, q, true),
                        (ScoringRole::Neutral, (100.0 - p - q).max(0.0), true),
                        (ScoringRole::Positive, p, true),
                    ])
                }
                (Some(p), _) if !p.is_shown() => Mark::Hidden(hidden_reason(labels, p)),
                _ => continue,
            }
        } else {
            if !label
                .roles
                .iter()
                .any(|(_, role)| *role == ScoringRole::Positive)
            {
                continue;
            }
            if let Some(row) = options.iter().find(|row| !row.is_shown()) {
                Mark::Hidden(hidden_reason(labels, row))
            } else {
                // Each applicable answer, in the definition's order: the first positive answer
                // and the last problem answer are the strongest.
                let share_of = |code: &str| {
                    options
                        .iter()
                        .find(|row| row.option.as_deref() == Some(code))
                        .and_then(|row| row.estimate)
                        .unwrap_or(0.0)
                };
                let applicable: Vec<(ScoringRole, f64)> = label
                    .roles
                    .iter()
                    .filter(|(_, role)| *role != ScoringRole::NotApplicable)
                    .map(|(code, role)| (*role, share_of(code)))
                    .collect();
                let total: f64 = applicable.iter().map(|(_, share)| share).sum();
                if total <= 0.0 {
                    continue;
                }
                let first_positive = applicable
                    .iter()
                    .position(|(role, _)| *role == ScoringRole::Positive);
                let last_negative = applicable
                    .iter()
                    .rposition(|(role, _)| *role == ScoringRole::Negative);
                let answers: Vec<(ScoringRole, f64, bool)> = applicable
                    .iter()
                    .enumerate()
                    .map(|(index, (role, share))| {
                        let strongest =
                            Some(index) == first_positive || Some(index) == last_negative;
                        (*role, share / total * 100.0, strongest)
                    })
                    .collect();
                diverging(&answers)
            }
        };
        rows.push(Row {
            label: label.text.clone(),
            mark,
        });
    }
    if rows.is_empty() {
        return None;
    }
    Some(RowChart {
        title: title.to_owned(),
        subtitle: vec![labels.word(Word::AmongApplicable).to_owned()],
        axis_label: "%".to_owned(),
        min: -100.0,
        max: 100.0,
        absolute_ticks: true,
        reference: None,
        legend: vec![
            (VERMILLION, labels.word(Word::Problem).to_owned()),
            (ORANGE, labels.word(Word::ProblemPartly).to_owned()),
            (GREY, labels.word(Word::Neutral).to_owned()),
            (SKY, labels.word(Word::PositivePartly).to_owned()),
            (BLUE, labels.word(Word::Positive).to_owned()),
        ],
        rows,
        decimals: 0,
    })
}

/// A diverging bar: problem answers to the left of zero (the strongest farthest), neutral ones
/// across it, positive ones to the right (the strongest farthest). `answers` are (role, share,
/// strongest) in the definition's order.
fn diverging(answers: &[(ScoringRole, f64, bool)]) -> Mark {
    let neutral: f64 = answers
        .iter()
        .filter(|(role, _, _)| *role == ScoringRole::Neutral)
        .map(|(_, share, _)| share)
        .sum();
    let segment = |from: f64, to: f64, role: ScoringRole, strongest: bool| {
        let (colour, text_colour) = match (role, strongest) {
            (ScoringRole::Positive, true) => (BLUE, WHITE_TEXT),
            (ScoringRole::Positive, false) => (SKY, INK),
            (ScoringRole::Negative, true) => (VERMILLION, WHITE_TEXT),
            (ScoringRole::Negative, false) => (ORANGE, INK),
            _ => (GREY, INK),
        };
        Segment {
            from,
            to,
            colour,
            text_colour,
            text: format!("{:.0}%", (to - from).abs()),
        }
    };
    let mut segments = vec![segment(
        -neutral / 2.0,
        neutral / 2.0,
        ScoringRole::Neutral,
        false,
    )];
    // Problems in the definition's order run from mild to strong: outward to the left.
    let mut left = -neutral / 2.0;
    for (role, share, strongest) in answers
        .iter()
        .filter(|(role, _, _)| *role == ScoringRole::Negative)
    {
        segments.push(segment(left - share, left, *role, *strongest));
        left -= share;
    }
    // Positive answers run from strong to mild: lay them from the mildest outward.
    let mut right = neutral / 2.0;
    for (role, share, strongest) in answers
        .iter()
        .rev()
        .filter(|(role, _, _)| *role == ScoringRole::Positive)
    {
        segments.push(segment(right, right + share, *role, *strongest));
        right += share;
    }
    Mark::Stacked(segments)
}

const WHITE_TEXT: plotters::style::RGBColor = plotters::style::RGBColor(0xFF, 0xFF, 0xFF);

/// Bounds of the value axis: 0-100 for shares and domain scores, around the intervals for means.
fn scale_of(statistic: &str, rows: &[&ResultRow]) -> (f64, f64) {
    match statistic {
        "mean" => {
            let low = rows
                .iter()
                .filter_map(|r| r.ci_low.or(r.estimate))
                .fold(f64::INFINITY, f64::min);
            let high = rows
                .iter()
                .filter_map(|r| r.ci_high.or(r.estimate))
                .fold(f64::NEG_INFINITY, f64::max);
            let (low, high) = if low.is_finite() && high.is_finite() {
                (low, high)
            } else {
                (0.0, 10.0)
            };
            let pad = ((high - low) * 0.1).max(0.1);
            ((low - pad).floor().max(0.0), (high + pad).ceil())
        }
        _ => (0.0, 100.0),
    }
}

fn axis_word(labels: &Labels, statistic: &str) -> String {
    match statistic {
        "mean" => labels.word(Word::Mean).to_owned(),
        "domain_score" => labels.word(Word::DomainScore).to_owned(),
        _ => labels.word(Word::PercentPositive).to_owned(),
    }
}

/// Sites sorted by adjusted score, dots with 95% intervals, the overall score as reference.
fn sites(
    table: &Table<'_>,
    labels: &Labels,
    analysis: &Analysis,
    item: &str,
    statistic: &str,
) -> Option<RowChart> {
    let adjusted = table.per_unit(item, &format!("adjusted_{statistic}"));
    if adjusted.is_empty() {
        return None;
    }
    let overall = table
        .find(item, OVERALL, "all", statistic)
        .filter(|row| row.is_shown());
    let (min, max) = scale_of(statistic, &adjusted);
    let mut shown: Vec<&&ResultRow> = adjusted.iter().filter(|row| row.is_shown()).collect();
    shown.sort_by(|a, b| {
        b.estimate
            .unwrap_or(0.0)
            .total_cmp(&a.estimate.unwrap_or(0.0))
    });
    let mut rows: Vec<Row> = shown
        .iter()
        .map(|row| Row {
            label: format!("{} {}", labels.word(Word::Site), row.unit),
            mark: Mark::Dot {
                estimate: row.estimate.unwrap_or(0.0),
                low: row.ci_low,
                high: row.ci_high,
                colour: if row.flag.contains("99.8") {
                    VERMILLION
                } else {
                    BLUE
                },
            },
        })
        .collect();
    rows.extend(
        adjusted
            .iter()
            .filter(|row| !row.is_shown())
            .map(|row| Row {
                label: format!("{} {}", labels.word(Word::Site), row.unit),
                mark: Mark::Hidden(hidden_reason(labels, row)),
            }),
    );
    let adjusted_for = if analysis.case_mix.is_empty() {
        labels.word(Word::NotAdjusted).to_owned()
    } else {
        let names: Vec<&str> = analysis
            .case_mix
            .iter()
            .map(|id| labels.frame.get(id).map_or(id.as_str(), String::as_str))
            .collect();
        format!("{}: {}", labels.word(Word::AdjustedFor), names.join(", "))
    };
    let mut subtitle = vec![
        adjusted_for,
        format!(
            "● {} — {}",
            axis_word(labels, statistic),
            labels.word(Word::Interval)
        ),
    ];
    // The colours follow the funnel limits: say which.
    if let Some(limit) = table
        .per_unit(item, &format!("funnel_95_{statistic}"))
        .into_iter()
        .find(|row| row.is_shown())
    {
        subtitle.extend(super::wrap(
            &limits_caption(labels, limit),
            14,
            1000 - 32,
            2,
        ));
    }
    Some(RowChart {
        title: labels.of(item),
        subtitle,
        axis_label: axis_word(labels, statistic),
        min,
        max,
        absolute_ticks: false,
        reference: overall.and_then(|row| row.estimate).map(|value| {
            (
                value,
                format!(
                    "{}: {}",
                    labels.word(Word::AllSites),
                    super::rows::format_value(value)
                ),
            )
        }),
        legend: vec![
            (BLUE, labels.word(Word::InsideLimits).to_owned()),
            (VERMILLION, labels.word(Word::Outlier).to_owned()),
        ],
        rows,
        decimals: usize::from(statistic == "mean"),
    })
}

fn funnel(table: &Table<'_>, labels: &Labels, item: &str, statistic: &str) -> Option<FunnelChart> {
    let limits = table.per_unit(item, &format!("funnel_95_{statistic}"));
    let reference = limits.iter().find(|row| row.is_shown())?;
    let overall = reference.estimate?;
    let n = reference.n? as f64;
    let sigma = reference.se? * n.sqrt();
    let method = FunnelMethod::from_name(&reference.funnel_method).unwrap_or_default();
    let adjusted = table.per_unit(item, &format!("adjusted_{statistic}"));
    let points: Vec<FunnelPoint> = adjusted
        .iter()
        .filter(|row| row.is_shown())
        .filter_map(|row| {
            let site_n = table
                .find(
                    item,
                    &row.unit_kind,
                    &row.unit,
                    &format!("funnel_95_{statistic}"),
                )
                .and_then(|limit| limit.n)?;
            Some(FunnelPoint {
                label: row.unit.clone(),
                n: site_n as f64,
                score: row.estimate?,
                outlier: row.flag.contains("99.8"),
            })
        })
        .collect();
    if points.is_empty() {
        return None;
    }
    let bounds = if statistic == "mean" {
        (f64::NEG_INFINITY, f64::INFINITY)
    } else {
        (0.0, 100.0)
    };
    Some(FunnelChart {
        title: labels.of(item),
        x_label: labels.word(Word::Respondents).to_owned(),
        y_label: axis_word(labels, statistic),
        overall,
        sigma,
        method,
        overdispersion: overdispersion_of(reference),
        caption: super::wrap(&limits_caption(labels, reference), 14, 1000 - 32, 2),
        y_bounds: bounds,
        legend: [
            format!(
                "{}: {}",
                labels.word(Word::AllSites),
                super::rows::format_value(overall)
            ),
            labels.word(Word::Limits95).to_owned(),
            labels.word(Word::Limits998).to_owned(),
            labels.word(Word::Outlier).to_owned(),
        ],
        points,
    })
}

/// The over-dispersion estimate a funnel row carries.
fn overdispersion_of(limit: &ResultRow) -> Option<Overdispersion> {
    Some(Overdispersion {
        phi: limit.phi?,
        tau2: limit.tau2?,
    })
}

/// Which funnel limits a measure got, with φ and τ (τ in the scores' units), in the chart's
/// language.
fn limits_caption(labels: &Labels, limit: &ResultRow) -> String {
    let words = labels.word(
        match FunnelMethod::from_name(&limit.funnel_method).unwrap_or(FunnelMethod::Plain) {
            FunnelMethod::Plain => Word::LimitsPlain,
            FunnelMethod::Multiplicative => Word::LimitsMultiplicative,
            FunnelMethod::RandomEffects => Word::LimitsRandomEffects,
        },
    );
    match overdispersion_of(limit) {
        Some(estimate) => format!(
            "{words}; φ = {:.2}, τ = {:.2}",
            estimate.phi,
            estimate.tau2.sqrt()
        ),
        None => words.to_owned(),
    }
}

fn response_rates(table: &Table<'_>, labels: &Labels) -> Option<RowChart> {
    let rates = table.per_unit(RESPONSE, "response_rate");
    if rates.is_empty() {
        return None;
    }
    let overall = table
        .find(RESPONSE, OVERALL, "all", "response_rate")
        .and_then(|row| row.estimate);
    let mut sorted = rates.clone();
    sorted.sort_by(|a, b| {
        b.estimate
            .unwrap_or(-1.0)
            .total_cmp(&a.estimate.unwrap_or(-1.0))
    });
    let rows = sorted
        .iter()
        .map(|row| Row {
            label: format!("{} {}", labels.word(Word::Site), row.unit),
            mark: match row.estimate {
                Some(value) if row.is_shown() => Mark::Bar {
                    value,
                    low: row.ci_low,
                    high: row.ci_high,
                    colour: SKY,
                },
                _ => Mark::Hidden(hidden_reason(labels, row)),
            },
        })
        .collect();
    Some(RowChart {
        title: labels.word(Word::ResponseRates).to_owned(),
        subtitle: vec![labels.word(Word::Interval).to_owned()],
        axis_label: labels.word(Word::ResponseRate).to_owned(),
        min: 0.0,
        max: 100.0,
        absolute_ticks: false,
        reference: overall.map(|value| {
            (
                value,
                format!("{}: {value:.0}%", labels.word(Word::AllSites)),
            )
        }),
        legend: Vec::new(),
        rows,
        decimals: 0,
    })
}

fn change(table: &Table<'_>, labels: &Labels, title: &str, columns: &[String]) -> Option<RowChart> {
    let mut rows = Vec::new();
    let mut reach: f64 = 5.0;
    for column in columns {
        let Some(row) = table.find(column, OVERALL, "all", "change_pct_positive") else {
            continue;
        };
        let mark = match row.estimate {
            Some(estimate) if row.is_shown() => {
                reach = reach
                    .max(row.ci_low.unwrap_or(estimate).abs())
                    .max(row.ci_high.unwrap_or(estimate).abs());
                Mark::Dot {
                    estimate,
                    low: row.ci_low,
                    high: row.ci_high,
                    colour: BLUE,
                }
            }
            _ => Mark::Hidden(hidden_reason(labels, row)),
        };
        rows.push(Row {
            label: labels.of(column),
            mark,
        });
    }
    if rows.is_empty() {
        return None;
    }
    let reach = (reach * 1.15 / 5.0).ceil() * 5.0;
    Some(RowChart {
        title: format!("{} — {title}", labels.word(Word::ChangeTitle)),
        subtitle: vec![labels.word(Word::Interval).to_owned()],
        axis_label: labels.word(Word::Change).to_owned(),
        min: -reach,
        max: reach,
        absolute_ticks: false,
        reference: Some((0.0, String::new())),
        legend: Vec::new(),
        rows,
        decimals: 0,
    })
}
