//! Change and trend over several waves of the same survey (issue 14).
//!
//! The earlier waves come oldest first. For every question's % positive, overall and per unit
//! of comparison, for items that kept their column, type and codes with their roles:
//! - `earlier_pct_positive`: the series, one row per earlier wave (`wave` holds its label), as
//!   that wave's own analysis at this threshold shows it: a figure hidden there stays hidden
//!   here, with the same secondary suppression, so no two releases together give it away.
//! - `change_pct_positive`: since the last earlier wave; `change_first_pct_positive`: since the
//!   first, with two earlier waves or more. Percentage points, Newcombe's hybrid score interval
//!   (method 10) from the two Wilson intervals.
//! - `change_per_wave_pct_positive` (three waves or more): the slope of the least-squares line
//!   of the waves' proportions on their order (0, 1, 2...: waves taken as equally spaced),
//!   weighted by their respondents, in points per wave, with a Wald interval from each wave's
//!   own variance; its `flag` is `rising` or `falling` when the Cochran-Armitage test for trend
//!   (Cochran 1954, "Some methods for strengthening the common χ² tests", Biometrics 10:417;
//!   Armitage 1955, "Tests for linear trends in proportions and frequencies", Biometrics 11:375)
//!   rejects no trend at 5%. `change_trend_p_pct_positive` holds that test's p-value (0-1). The
//!   test is R's `prop.trend.test(x, n)`: X² = b² Σ nᵢ(sᵢ - s̄)² / (p̄(1 - p̄)), one degree of
//!   freedom, b the slope, p̄ the pooled proportion.
//!
//! Suppression: every `change_` row is shown only if the earlier figures it uses are shown in
//! their own wave's results (else it is hidden with that reason); the analysis then hides it with
//! this wave's cell, or alone when the smaller of its waves is under the threshold.

use std::collections::HashMap;

use statrs::function::gamma::checked_gamma_ur;
use vecu_survey::{Codebook, ColumnType, ItemKind, Survey};

use crate::analyse::{analyse_waves, question_number, Options};
use crate::error::Result;
use crate::groups::{units, Sums, Unit};
use crate::measures::Statistic;
use crate::results::ResultRow;
use crate::stats::{newcombe_difference, two_sided_z, wilson, Interval, LEVEL};
use crate::summary::Summary;

/// An earlier wave of the same survey, with the label its figures and charts carry.
#[derive(Debug, Clone, Copy)]
pub struct Earlier<'a> {
    /// How the wave is named in the `wave` column and on charts (`2024`, `wave 2`...).
    pub label: &'a str,
    /// Its survey version.
    pub survey: &'a Survey,
    /// Its responses, summed ([`Summary::of`] for rows in memory, [`crate::read_summary`]
    /// for a file).
    pub data: &'a Summary,
}

/// Statistic of the series of earlier waves' % positive.
pub const EARLIER: &str = "earlier_pct_positive";
/// Change since the last earlier wave.
pub const CHANGE_LAST: &str = "change_pct_positive";
/// Change since the first earlier wave.
pub const CHANGE_FIRST: &str = "change_first_pct_positive";
/// Slope per wave of the trend line.
pub const PER_WAVE: &str = "change_per_wave_pct_positive";
/// p-value of the Cochran-Armitage test for trend.
pub const TREND_P: &str = "change_trend_p_pct_positive";

/// Rows of changes and trends, to be suppressed with this wave's, and the earlier waves' series,
/// suppressed already by their own analyses.
pub(crate) struct Trends {
    pub changes: Vec<ResultRow>,
    pub series: Vec<ResultRow>,
}

/// An earlier wave's own rows of one statistic, by unit kind and unit.
type Figures<'a> = HashMap<(&'a str, &'a str), &'a ResultRow>;

/// One earlier wave, analysed.
struct Wave<'a> {
    earlier: Earlier<'a>,
    /// Its own results: the figures it shows.
    results: Vec<ResultRow>,
    units: Vec<Unit>,
    codebook: Codebook,
}

/// One wave's figure of a unit: positive answers, applicable answers, and why it is hidden in
/// that wave's own results.
#[derive(Debug, Clone)]
struct Point {
    wave: usize,
    positive: f64,
    n: f64,
    hidden: Option<String>,
}

/// Changes since the earlier waves and trends across them.
pub(crate) fn trends(
    survey: &Survey,
    summary: &Summary,
    current_units: &[Unit],
    earlier: &[Earlier<'_>],
    options: &Options,
) -> Result<Trends> {
    let mut trends = Trends {
        changes: Vec::new(),
        series: Vec::new(),
    };
    if earlier.is_empty() {
        return Ok(trends);
    }
    // Earlier waves' figures are suppressed as their own analysis suppresses them (the current
    // wave's invited counts do not weight them).
    let own_options = Options {
        weighting: None,
        ..options.clone()
    };
    let waves: Vec<Wave<'_>> = earlier
        .iter()
        .map(|wave| -> Result<Wave<'_>> {
            let analysis = analyse_waves(
                wave.survey,
                wave.data,
                &own_options,
                wave.label,
                &[],
                &mut |_, _| {},
            )?;
            Ok(Wave {
                earlier: *wave,
                results: analysis.rows,
                units: units(&wave.data.shape, &wave.data.patterns),
                codebook: Codebook::new(wave.survey),
            })
        })
        .collect::<Result<_>>()?;
    let codebook = Codebook::new(survey);
    let compared_kind = survey.comparison_unit().map(|unit| unit.id.as_str());
    let compared: Vec<&Unit> = current_units
        .iter()
        .filter(|unit| unit.is_overall() || Some(unit.kind.as_str()) == compared_kind)
        .collect();
    let last = waves.len() - 1;
    for (measure, sums) in summary.measures.iter().zip(&summary.sums) {
        if measure.statistic != Statistic::PctPositive || measure.item_id.is_none() {
            continue;
        }
        let question = question_number(survey, measure);
        // Per earlier wave that kept the item: its sums and its own figures by unit.
        let before: Vec<Option<(&Sums, Figures<'_>)>> = waves
            .iter()
            .map(|wave| {
                let kept = kept(
                    (survey, &codebook),
                    (wave.earlier.survey, &wave.codebook),
                    &measure.item,
                );
                let (_, earlier_sums) = wave
                    .earlier
                    .data
                    .measures
                    .iter()
                    .zip(&wave.earlier.data.sums)
                    .find(|(m, _)| {
                        m.item == measure.item && m.statistic == Statistic::PctPositive
                    })?;
                kept.then(|| {
                    let shown = wave
                        .results
                        .iter()
                        .filter(|row| {
                            row.item == measure.item
                                && row.statistic == Statistic::PctPositive.name()
                                && !row.weighted
                        })
                        .map(|row| ((row.unit_kind.as_str(), row.unit.as_str()), row))
                        .collect();
                    (earlier_sums, shown)
                })
            })
            .collect();
        for (index, wave) in waves.iter().enumerate() {
            let Some((_, figures)) = &before[index] else {
                continue;
            };
            for unit in &compared {
                if let Some(row) = figures.get(&(unit.kind.as_str(), unit.code.as_str())) {
                    let mut row = (*row).clone();
                    row.statistic = EARLIER.to_owned();
                    row.question = question;
                    row.wave = Some(wave.earlier.label.to_owned());
                    trends.series.push(row);
                }
            }
        }
        for unit in &compared {
            let mut points: Vec<Point> = Vec::new();
            for (index, wave) in waves.iter().enumerate() {
                let Some((earlier_sums, figures)) = &before[index] else {
                    continue;
                };
                let Some(earlier_unit) = wave
                    .units
                    .iter()
                    .find(|u| u.kind == unit.kind && u.code == unit.code)
                else {
                    continue;
                };
                let (n, positive, _) = earlier_sums.total(&earlier_unit.patterns);
                if n == 0.0 {
                    continue;
                }
                let own = figures.get(&(unit.kind.as_str(), unit.code.as_str()));
                let hidden = match own {
                    Some(row) if row.is_shown() => None,
                    Some(row) => Some(row.suppressed.clone()),
                    None => Some(String::new()),
                };
                points.push(Point {
                    wave: index,
                    positive,
                    n,
                    hidden,
                });
            }
            let (n_now, positive_now, _) = sums.total(&unit.patterns);
            if n_now == 0.0 || points.is_empty() {
                continue;
            }
            let now = Point {
                wave: waves.len(),
                positive: positive_now,
                n: n_now,
                hidden: None,
            };
            let row = |statistic: &str, interval: Interval, n: f64| {
                ResultRow::new(
                    &measure.item,
                    question,
                    &unit.kind,
                    &unit.code,
                    statistic,
                    false,
                    interval,
                    n,
                )
            };
            let mut changes = Vec::new();
            let mut change = |statistic: &str, before: &Point| {
                let interval = newcombe_difference(
                    wilson(before.positive, before.n),
                    wilson(now.positive, now.n),
                );
                // Suppression looks at the smaller of the two waves.
                let mut change = row(statistic, interval.scaled(100.0), now.n.min(before.n));
                hide_for_earlier(&mut change, &[before], &waves);
                changes.push(change);
            };
            if let Some(before) = points.iter().find(|point| point.wave == last) {
                change(CHANGE_LAST, before);
            }
            if last > 0 {
                if let Some(before) = points.iter().find(|point| point.wave == 0) {
                    change(CHANGE_FIRST, before);
                }
            }
            let series: Vec<&Point> = points.iter().chain([&now]).collect();
            if series.len() >= 3 {
                let positive: Vec<f64> = series.iter().map(|point| point.positive).collect();
                let n: Vec<f64> = series.iter().map(|point| point.n).collect();
                let scores: Vec<f64> = series.iter().map(|point| point.wave as f64).collect();
                if let Some(test) = trend_test(&positive, &n, &scores) {
                    let smallest = n.iter().copied().fold(f64::INFINITY, f64::min);
                    let slope = Interval::symmetric(test.slope, two_sided_z(LEVEL) * test.se);
                    let mut per_wave = row(PER_WAVE, slope.scaled(100.0), smallest);
                    per_wave.se = Some(test.se * 100.0);
                    if test.p_value < 1.0 - LEVEL {
                        per_wave.flag = if test.slope > 0.0 {
                            "rising"
                        } else {
                            "falling"
                        }
                        .to_owned();
                    }
                    let mut p = row(TREND_P, Interval::point(test.p_value), smallest);
                    for trend_row in [&mut per_wave, &mut p] {
                        hide_for_earlier(trend_row, &series, &waves);
                    }
                    changes.extend([per_wave, p]);
                }
            }
            trends.changes.extend(changes);
        }
    }
    Ok(trends)
}

/// Hides a change or trend row whose earlier figures are not all shown in their own waves'
/// results: it would give them away.
fn hide_for_earlier(row: &mut ResultRow, points: &[&Point], waves: &[Wave<'_>]) {
    let Some((point, reason)) = points
        .iter()
        .find_map(|point| point.hidden.as_ref().map(|reason| (point, reason)))
    else {
        return;
    };
    let label = waves.get(point.wave).map_or("", |wave| wave.earlier.label);
    *row = ResultRow {
        estimate: None,
        ci_low: None,
        ci_high: None,
        se: None,
        n: None,
        flag: String::new(),
        suppressed: format!(
            "hidden because the figure of wave {label} it uses is not shown in that wave's results ({})",
            if reason.is_empty() {
                "no figure"
            } else {
                reason.as_str()
            }
        ),
        ..row.clone()
    };
}

/// True when the column `name` measures the same in both versions: the same type, the same
/// codes with their roles and values (their labels may be reworded, in any language), and for a
/// rating the same thresholds of positive and negative, so that "% positive" counts the same
/// answers.
fn kept(now: (&Survey, &Codebook), before: (&Survey, &Codebook), name: &str) -> bool {
    fn column<'c>(codebook: &'c Codebook, name: &str) -> Option<&'c vecu_survey::Column> {
        codebook.columns.iter().find(|c| c.name == name)
    }
    let (Some(now_column), Some(before_column)) = (column(now.1, name), column(before.1, name))
    else {
        return false;
    };
    let meaning = |column: &vecu_survey::Column| -> Vec<(String, Option<vecu_survey::ScoringRole>, Option<f64>)> {
        column
            .values
            .iter()
            .map(|value| (value.code.to_string(), value.role, value.value))
            .collect()
    };
    let thresholds = |survey: &Survey| match &survey.item(name)?.kind {
        ItemKind::Rating(rating) => Some((rating.positive_min, rating.negative_max)),
        _ => None,
    };
    now_column.column_type == before_column.column_type
        && (now_column.column_type != ColumnType::Code
            || meaning(now_column) == meaning(before_column))
        && thresholds(now.0) == thresholds(before.0)
}

/// A linear trend in proportions and its test.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct TrendTest {
    /// Slope of the least-squares line of the proportions on the scores, weighted by the
    /// group sizes (proportion per unit of score).
    pub slope: f64,
    /// Wald standard error of the slope from each group's own variance `p(1 - p) / n`.
    pub se: f64,
    /// The Cochran-Armitage statistic, χ² with one degree of freedom.
    pub chi_square: f64,
    /// Its p-value.
    pub p_value: f64,
}

/// The Cochran-Armitage test for a linear trend of `positive[i]` out of `n[i]` across
/// `scores[i]`, as R's `prop.trend.test(positive, n, scores)` (see the module's notes). None
/// with fewer than two scores that differ, or when every answer is positive (or none is).
pub fn trend_test(positive: &[f64], n: &[f64], scores: &[f64]) -> Option<TrendTest> {
    let total: f64 = n.iter().sum();
    if total <= 0.0 || positive.len() != n.len() || scores.len() != n.len() {
        return None;
    }
    let pooled = positive.iter().sum::<f64>() / total;
    let mean_score = n.iter().zip(scores).map(|(n, s)| n * s).sum::<f64>() / total;
    let spread: f64 = n
        .iter()
        .zip(scores)
        .map(|(n, s)| n * (s - mean_score).powi(2))
        .sum();
    if spread <= 0.0 || pooled <= 0.0 || pooled >= 1.0 {
        return None;
    }
    let (mut covariance, mut variance) = (0.0, 0.0);
    for ((x, n), s) in positive.iter().zip(n).zip(scores) {
        if *n <= 0.0 {
            continue;
        }
        let p = x / n;
        let centred = s - mean_score;
        covariance += n * centred * (p - pooled);
        variance += (n * centred).powi(2) * p * (1.0 - p) / n;
    }
    let slope = covariance / spread;
    let chi_square = slope * slope * spread / (pooled * (1.0 - pooled));
    Some(TrendTest {
        slope,
        se: variance.sqrt() / spread,
        chi_square,
        // P(χ²₁ > x) = Q(1/2, x/2), the upper regularised gamma function (statrs' erfc is off
        // by 4e-11 relative here; this agrees with R's pchisq to 1e-15).
        p_value: if chi_square > 0.0 {
            checked_gamma_ur(0.5, chi_square / 2.0).unwrap_or(f64::NAN)
        } else {
            1.0
        },
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// R 4.2.2: `prop.trend.test(c(30, 36, 45), c(60, 60, 62))` gives X-squared
    /// 6.543229457093175, p-value 0.0105284054106291; `coef(lm(p ~ s, weights = n))[2]`
    /// 0.11297297297297296. Four waves going down: `prop.trend.test(c(40, 35, 33, 20),
    /// c(50, 48, 55, 41))` 11.534637925923098, p 0.00068311380529348126 (as printed), slope
    /// -0.1061030548893921.
    #[test]
    fn the_trend_test_is_r_prop_trend_test() {
        let cases = [
            (
                vec![30.0, 36.0, 45.0],
                vec![60.0, 60.0, 62.0],
                6.543229457093175,
                0.0105284054106291,
                0.11297297297297296,
            ),
            (
                vec![40.0, 35.0, 33.0, 20.0],
                vec![50.0, 48.0, 55.0, 41.0],
                11.534637925923098,
                0.0006831138052934813,
                -0.1061030548893921,
            ),
        ];
        for (positive, n, chi_square, p_value, slope) in cases {
            let scores: Vec<f64> = (1..=n.len()).map(|s| s as f64).collect();
            let test = trend_test(&positive, &n, &scores).expect("a trend test");
            assert!(
                (test.chi_square - chi_square).abs() < 1e-12 * chi_square,
                "{test:?}"
            );
            assert!((test.p_value - p_value).abs() < 1e-12 * p_value, "{test:?}");
            assert!((test.slope - slope).abs() < 1e-14, "{test:?}");
            // Scores shifted by a constant give the same test.
            let shifted: Vec<f64> = scores.iter().map(|s| s - 1.0).collect();
            let same = trend_test(&positive, &n, &shifted).expect("a trend test");
            assert!((same.chi_square - chi_square).abs() < 1e-12 * chi_square);
        }
    }

    #[test]
    fn no_trend_test_without_variation() {
        assert!(trend_test(&[5.0, 6.0], &[5.0, 6.0], &[0.0, 1.0]).is_none());
        assert!(trend_test(&[1.0, 2.0], &[5.0, 6.0], &[1.0, 1.0]).is_none());
    }
}
