//! The whole analysis of one wave: every measure for every unit, weighted where asked,
//! case-mix adjusted site scores with funnel limits, key drivers and improvement priorities,
//! changes and trends across earlier waves, and suppression of small cells, as rows of the tidy
//! results table.

use vecu_survey::Survey;

use crate::casemix::{funnel_limits, CaseMix};
use crate::dataset::{ColumnData, Dataset};
use crate::error::Result;
use crate::groups::{units, Patterns, Sums, Unit};
use crate::keydrivers::{self, KeyDrivers};
use crate::measures::{Measure, Statistic};
use crate::overdispersion::{self, FunnelMethod};
use crate::pooling::pool_hidden_units;
use crate::results::ResultRow;
use crate::stats::{t_mean, wilson, Interval};
use crate::summary::Summary;
use crate::suppress::{suppress_linked, DomainItems, DEFAULT_THRESHOLD};
use crate::trends::{self, Earlier};
use crate::weights::{FrameCounts, Method, Weights};

/// Item name of response-rate rows.
pub const RESPONSE: &str = "response";

/// What to compute.
#[derive(Debug, Clone)]
pub struct Options {
    /// Minimum respondents for a figure to be shown.
    pub threshold: u64,
    /// Invited counts to weight respondents to, and how.
    pub weighting: Option<(FrameCounts, Method)>,
    /// Adjust site comparisons for the mode of response too (web or paper), when the data
    /// has a `mode` column.
    pub mode_case_mix: bool,
    /// How funnel limits allow for differences between sites beyond chance.
    pub funnel: FunnelMethod,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            threshold: DEFAULT_THRESHOLD,
            weighting: None,
            mode_case_mix: false,
            funnel: FunnelMethod::default(),
        }
    }
}

/// An earlier wave of the same survey, to compare with.
#[derive(Debug, Clone, Copy)]
pub struct Previous<'a> {
    /// Its survey version.
    pub survey: &'a Survey,
    /// Its responses.
    pub data: &'a Dataset,
}

/// Results of an analysis.
#[derive(Debug, Clone)]
pub struct Analysis {
    /// Every figure, suppressed where needed.
    pub rows: Vec<ResultRow>,
    /// Respondents analysed.
    pub respondents: usize,
    /// The suppression threshold used.
    pub threshold: u64,
    /// Weighting method, if weighted.
    pub weighting: Option<Method>,
    /// Ids of the case-mix variables used for adjustment.
    pub case_mix: Vec<String>,
    /// The definition's unit of comparison: the `unit_kind` of adjusted scores and funnel
    /// limits; `None` when the definition declares none (then those rows are not made).
    pub comparison_unit: Option<String>,
    /// What this analysis left out and why, with how to fix it, for whoever runs it.
    pub notices: Vec<String>,
    /// The funnel limits asked for (a measure with fewer than two shown sites gets plain ones;
    /// each funnel row says which it got, with φ and τ²).
    pub funnel: FunnelMethod,
    /// Labels of the waves analysed together, oldest first and this one last; empty without
    /// earlier waves.
    pub waves: Vec<String>,
}

impl Analysis {
    /// Unweighted rows of `statistic` for `item`, one per unit of comparison (adjusted scores,
    /// funnel limits, response rates per site...); none when the definition declares no unit.
    pub fn per_unit(&self, item: &str, statistic: &str) -> Vec<&ResultRow> {
        let Some(kind) = &self.comparison_unit else {
            return Vec::new();
        };
        self.rows
            .iter()
            .filter(|row| {
                !row.weighted
                    && row.item == item
                    && &row.unit_kind == kind
                    && row.statistic == statistic
            })
            .collect()
    }
}

/// Runs the analysis; `progress` hears (done, total) after each measure.
pub fn analyse(
    survey: &Survey,
    data: &Dataset,
    options: &Options,
    previous: Option<Previous<'_>>,
    progress: &mut dyn FnMut(usize, usize),
) -> Result<Analysis> {
    let previous: Option<(&Survey, Summary)> =
        previous.map(|previous| (previous.survey, Summary::of(previous.survey, previous.data)));
    let earlier: Vec<Earlier<'_>> = previous
        .iter()
        .map(|(survey, summary)| Earlier {
            label: "previous",
            survey,
            data: summary,
        })
        .collect();
    let summary = Summary::of(survey, data);
    analyse_waves(survey, &summary, options, "current", &earlier, progress)
}

/// Runs the analysis of the wave `label` with its `earlier` waves, oldest first, for changes
/// since the first and the last of them and trends across all (see [`crate::trends`]);
/// `progress` hears (done, total) after each measure.
pub fn analyse_waves(
    survey: &Survey,
    summary: &Summary,
    options: &Options,
    label: &str,
    earlier: &[Earlier<'_>],
    progress: &mut dyn FnMut(usize, usize),
) -> Result<Analysis> {
    let data = &summary.shape;
    let patterns = &summary.patterns;
    let units = units(data, patterns);
    let weights = options
        .weighting
        .as_ref()
        .map(|(counts, method)| Weights::new(data, patterns, counts, *method))
        .transpose()?;
    let case_mix = case_mix(survey, data, &summary.adjusters, options.mode_case_mix);
    let mut rows = Vec::new();
    let total_steps = summary.measures.len() + 2;
    for (done, (measure, sums)) in summary.measures.iter().zip(&summary.sums).enumerate() {
        let question = question_number(survey, measure);
        rows.extend(measure_rows(
            measure,
            question,
            sums,
            &units,
            weights.as_ref(),
        ));
        if let Some(case_mix) = &case_mix {
            if measure.statistic.compared_between_sites() {
                rows.extend(site_comparison(
                    measure, question, sums, &units, patterns, case_mix, data,
                ));
            }
        }
        progress(done + 1, total_steps);
    }
    rows.extend(distributions(survey, summary, &units));
    progress(summary.measures.len() + 1, total_steps);
    if let Some((counts, _)) = &options.weighting {
        rows.extend(response_rates(counts, &units, patterns));
    }
    let compared = survey.comparison_unit().map(|unit| unit.id.as_str());
    rows.extend(KeyDrivers::new(survey, summary).rows(&units, weights.as_ref(), compared));
    let trends = trends::trends(survey, summary, &units, earlier, options)?;
    rows.extend(trends.changes);
    suppress_linked(&mut rows, options.threshold, &DomainItems::of(survey));
    if let (Some(weights), Some((counts, _))) = (&weights, &options.weighting) {
        pool_hidden_units(&mut rows, summary, &units, weights, &counts.variables);
    }
    // After suppression: over-dispersion is estimated from the shown sites only.
    overdispersion::apply(&mut rows, options.funnel);
    // From shown figures only, and suppressed already by their own analyses.
    rows.extend(keydrivers::priorities(&rows, compared));
    rows.extend(trends.series);
    progress(total_steps, total_steps);
    Ok(Analysis {
        rows,
        respondents: summary.rows,
        threshold: options.threshold,
        weighting: options.weighting.as_ref().map(|(_, method)| *method),
        case_mix: case_mix
            .map(|case_mix| {
                case_mix
                    .variables
                    .iter()
                    .map(|(key, _)| match data.frame.get(*key) {
                        Some(frame) => frame.variable.to_string(),
                        None => data.columns[summary.adjusters[key - data.frame.len()]]
                            .name
                            .clone(),
                    })
                    .collect()
            })
            .unwrap_or_default(),
        comparison_unit: survey.comparison_unit().map(|unit| unit.id.to_string()),
        notices: survey.warnings().iter().map(ToString::to_string).collect(),
        funnel: options.funnel,
        waves: if earlier.is_empty() {
            Vec::new()
        } else {
            earlier
                .iter()
                .map(|wave| wave.label.to_owned())
                .chain([label.to_owned()])
                .collect()
        },
    })
}

pub(crate) fn question_number(survey: &Survey, measure: &Measure) -> Option<u32> {
    let id = measure.item_id.as_ref()?;
    survey.question_number(id).map(|number| number as u32)
}

/// The unit of comparison and the definition's case-mix variables: frame variables, the mode
/// when asked, then the `adjusters` questions, whose levels the patterns' keys hold after the
/// frame's (see [`Patterns::with_answers`]); none when the definition declares no unit (the
/// loader keeps it out of the case-mix variables).
fn case_mix(
    survey: &Survey,
    data: &Dataset,
    adjusters: &[usize],
    with_mode: bool,
) -> Option<CaseMix> {
    let (site, site_column) = data.frame_column(survey.comparison_unit()?.id.as_str())?;
    let mut variables: Vec<(usize, usize)> = survey
        .frame
        .iter()
        .filter(|variable| variable.case_mix)
        .filter_map(|variable| data.frame_column(variable.id.as_str()))
        .map(|(index, column)| (index, column.levels.len()))
        .collect();
    if with_mode {
        variables.extend(
            data.frame_column(crate::load::MODE)
                .map(|(index, column)| (index, column.levels.len())),
        );
    }
    for (slot, column) in adjusters.iter().enumerate() {
        if let ColumnData::Coded { codes, .. } = &data.columns[*column].data {
            // One level per code and one for "not answered".
            variables.push((data.frame.len() + slot, codes.len() + 1));
        }
    }
    Some(CaseMix {
        site,
        variables,
        sites: site_column.levels.len(),
    })
}

/// Unweighted estimate of a measure over some patterns: Wilson for shares, t for means.
fn unweighted(statistic: Statistic, sums: &Sums, patterns: &[u32]) -> (Interval, f64) {
    let (n, sum, squares) = sums.total(patterns);
    let interval = if statistic.is_binary() {
        wilson(sum, n)
    } else {
        t_mean(n, sum, squares)
    };
    (interval, n)
}

fn measure_rows(
    measure: &Measure,
    question: Option<u32>,
    sums: &Sums,
    units: &[Unit],
    weights: Option<&Weights>,
) -> Vec<ResultRow> {
    let statistic = measure.statistic;
    let scale = statistic.scale();
    let mut rows = Vec::new();
    for unit in units {
        let (interval, n) = unweighted(statistic, sums, &unit.patterns);
        if n == 0.0 {
            continue;
        }
        rows.push(ResultRow::new(
            &measure.item,
            question,
            &unit.kind,
            &unit.code,
            statistic.name(),
            false,
            interval.scaled(scale),
            n,
        ));
        // A domain score is a mean of shares: its weighted interval is a mean's, not a logit one.
        let share = statistic.is_binary();
        if let Some(estimate) = weights.and_then(|w| w.estimate(sums, &unit.patterns, share)) {
            let mut row = ResultRow::new(
                &measure.item,
                question,
                &unit.kind,
                &unit.code,
                statistic.name(),
                true,
                estimate.interval.scaled(scale),
                estimate.rows,
            );
            row.se = Some(estimate.se * scale);
            rows.push(row);
        }
    }
    rows
}

/// Adjusted site scores (both methods) and plain funnel limits with their chance standard error
/// (`se`); [`overdispersion::apply`] sets the limits and flags after suppression.
fn site_comparison(
    measure: &Measure,
    question: Option<u32>,
    sums: &Sums,
    units: &[Unit],
    patterns: &Patterns,
    case_mix: &CaseMix,
    data: &Dataset,
) -> Vec<ResultRow> {
    let statistic = measure.statistic;
    let scale = statistic.scale();
    let all: Vec<u32> = (0..patterns.len() as u32).collect();
    let (n_all, sum_all, squares_all) = sums.total(&all);
    if n_all < 2.0 {
        return Vec::new();
    }
    let overall = sum_all / n_all;
    let sigma = if statistic.is_binary() {
        (overall * (1.0 - overall)).sqrt()
    } else {
        ((squares_all - sum_all * sum_all / n_all) / (n_all - 1.0))
            .max(0.0)
            .sqrt()
    };
    let unit = &data.frame[case_mix.site];
    let site_code = |site: u16| unit.levels[site as usize].to_string();
    let mut rows = Vec::new();
    for adjusted in case_mix.adjust(patterns, sums) {
        let code = site_code(adjusted.site);
        // Funnel limits for the site's size, from all its respondents.
        let site_patterns = units
            .iter()
            .find(|unit| unit.frame == Some((case_mix.site, adjusted.site)))
            .map(|unit| unit.patterns.as_slice())
            .unwrap_or_default();
        let (n_site, _, _) = sums.total(site_patterns);
        let limits_95 = funnel_limits(overall, sigma, n_site, 0.95);
        let limits_998 = funnel_limits(overall, sigma, n_site, 0.998);
        let row = |name: String, interval: Interval, n: f64| {
            ResultRow::new(
                &measure.item,
                question,
                unit.variable.as_str(),
                &code,
                &name,
                false,
                interval.scaled(scale),
                n,
            )
        };
        if let Some(regression) = adjusted.regression {
            rows.push(row(
                format!("adjusted_{}", statistic.name()),
                regression,
                adjusted.n,
            ));
        }
        if let Some(standardised) = adjusted.standardised {
            rows.push(row(
                format!("standardised_{}", statistic.name()),
                standardised,
                adjusted.n,
            ));
        }
        for (name, limits) in [("funnel_95", limits_95), ("funnel_998", limits_998)] {
            let mut limit_row = row(format!("{name}_{}", statistic.name()), limits, n_site);
            limit_row.se = Some(sigma / n_site.sqrt() * scale);
            rows.push(limit_row);
        }
    }
    rows
}

/// Share of each answer code among those who answered, per unit (`pct_option` rows).
fn distributions(survey: &Survey, summary: &Summary, units: &[Unit]) -> Vec<ResultRow> {
    let mut rows = Vec::new();
    for (index, column) in summary.shape.columns.iter().enumerate() {
        let ColumnData::Coded { codes, .. } = &column.data else {
            continue;
        };
        let question = match &column.source {
            vecu_survey::ColumnSource::Item { item, .. }
            | vecu_survey::ColumnSource::MatrixRow { item, .. } => {
                survey.question_number(item).map(|n| n as u32)
            }
            _ => None,
        };
        for unit in units {
            let mut per_code = vec![0.0; codes.len()];
            for p in &unit.patterns {
                let counts = summary.code_counts(index, *p as usize);
                for (total, count) in per_code.iter_mut().zip(counts) {
                    *total += count;
                }
            }
            let answered: f64 = per_code.iter().sum();
            if answered == 0.0 {
                continue;
            }
            for (code, count) in codes.iter().zip(&per_code) {
                let mut row = ResultRow::new(
                    &column.name,
                    question,
                    &unit.kind,
                    &unit.code,
                    "pct_option",
                    false,
                    wilson(*count, answered).scaled(100.0),
                    answered,
                );
                row.option = Some(code.to_string());
                rows.push(row);
            }
        }
    }
    rows
}

/// Respondents over invited per site (and overall), with Wilson intervals.
fn response_rates(counts: &FrameCounts, units: &[Unit], patterns: &Patterns) -> Vec<ResultRow> {
    let mut rows = Vec::new();
    let respondents = |unit: &Unit| -> f64 {
        unit.patterns
            .iter()
            .map(|p| patterns.respondents[*p as usize])
            .sum()
    };
    let mut push = |unit: &Unit, invited: f64| {
        let responded = respondents(unit);
        if invited > 0.0 {
            rows.push(ResultRow::new(
                RESPONSE,
                None,
                &unit.kind,
                &unit.code,
                "response_rate",
                false,
                wilson(responded.min(invited), invited).scaled(100.0),
                responded,
            ));
        }
    };
    for unit in units {
        if unit.is_overall() {
            push(unit, counts.total());
        } else if let Some(margin) = counts.margin(&unit.kind) {
            push(unit, margin.get(&unit.code).copied().unwrap_or_default());
        }
    }
    rows
}
