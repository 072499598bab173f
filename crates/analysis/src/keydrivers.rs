//! Key drivers and improvement priorities (issues 13 and 14).
//!
//! A key driver is a question whose answers go with the overall rating: where patients who had a
//! good experience of it also rate their care highly, improving it is likely to move how they
//! judge their care as a whole. National programmes report this association so that hospitals
//! choose what to improve first: AHRQ, *CAHPS Ambulatory Care Improvement Guide*, section 5
//! "Determining where to focus efforts" (key driver analysis of items against the overall
//! rating); for the NHS Adult Inpatient Survey, Doyle, Reed, Woodcock & Bell (2010),
//! "Understanding what matters to patients – identifying key patients' perceptions of quality",
//! JRSM Short Reports 1(1):3 (each question's association with the overall rating of care);
//! Kemp et al. (2015), "Correlation of inpatient experience survey items and domains with overall
//! hospital rating", Journal of Patient Experience 2(2) (Pearson correlations of items and
//! domains with the 0-10 rating, as here).
//!
//! - `driver_correlation`: Pearson's correlation between a question's positive indicator (1/0,
//!   the `pct_positive` measure) or a domain score and the overall rating (0-10, the item marked
//!   `overall_rating`), over the respondents who answered both (pairwise deletion); overall and
//!   per unit of comparison. Weighted rows use the non-response weights, as R's
//!   `cov.wt(cbind(x, y), wt, cor = TRUE)`. Interval: Fisher's z, `tanh(atanh(r) ± z₀.₉₇₅ /
//!   √(n - 3))`, with Kish's effective sample size `(Σw)² / Σw²` as n for weighted rows (an
//!   approximation: it ignores what calibration gains). The rating itself and the domain that
//!   holds it are left out: a score that contains the rating correlates with itself.
//! - `priority_pct_positive`, `priority_domain_score`, per site: the site's gap, its adjusted
//!   score minus the all-sites score (percentage points, interval: the adjusted score's interval
//!   minus the all-sites score), crossed with the all-sites correlation (drivers are national
//!   in the NHS reports too: a site's own correlations rest on few answers). The `flag` is the
//!   quadrant of the priority matrix: a *strong* driver is one whose correlation is at least the
//!   median of the questions' (domains are ranked among domains, whose averaged scores correlate
//!   more); a site is *below* or *above* when the gap's interval excludes 0. `priority`: strong
//!   and below (improve first); `below`: weaker and below; `strength`: strong and above;
//!   `above`: weaker and above; empty: not clearly different from all sites.
//!
//! Correlations come from sums per frame pattern (n, Σx, Σy, Σx², Σy², Σxy of the pairs), so a
//! unit's figure is a sum over its patterns, as every other statistic here.

use std::collections::BTreeMap;

use vecu_survey::{Id, Survey};

use crate::analyse::question_number;
use crate::dataset::{ColumnData, Dataset};
use crate::groups::{Patterns, Unit, OVERALL};
use crate::measures::{Measure, Statistic};
use crate::results::ResultRow;
use crate::stats::{two_sided_z, Interval, LEVEL};
use crate::summary::Summary;
use crate::weights::Weights;

/// Statistic of a question's (or domain's) correlation with the overall rating.
pub const DRIVER: &str = "driver_correlation";
/// Prefix of a site's improvement priority rows: `priority_pct_positive`, `priority_domain_score`.
pub const PRIORITY: &str = "priority_";

/// Flags of priority rows, by quadrant of the priority matrix.
pub mod flag {
    /// Strong driver, site clearly below all sites: improve first.
    pub const PRIORITY: &str = "priority";
    /// Weaker driver, site clearly below.
    pub const BELOW: &str = "below";
    /// Strong driver, site clearly above: a strength that matters to patients.
    pub const STRENGTH: &str = "strength";
    /// Weaker driver, site clearly above.
    pub const ABOVE: &str = "above";
}

/// Sums of the pairs (x, rating) of one pattern: n, Σx, Σy, Σx², Σy², Σxy.
pub(crate) type PairSums = [f64; 6];

/// The correlation of every driver with the overall rating, from a wave's summary.
pub(crate) struct KeyDrivers {
    drivers: Vec<Driver>,
}

struct Driver {
    item: String,
    question: Option<u32>,
    sums: Vec<PairSums>,
}

/// True when `measure` is correlated with the survey's overall rating: a question's % positive
/// or a domain score, but neither the rating itself nor the domain that holds it.
pub(crate) fn is_driver(survey: &Survey, measure: &Measure) -> bool {
    let Some(rating) = survey.overall_rating() else {
        return false;
    };
    match measure.statistic {
        Statistic::PctPositive => {
            measure.item_id.is_some() && measure.item_id.as_ref() != Some(&rating.id)
        }
        Statistic::DomainScore => {
            Some(measure.item.as_str()) != rating.domain.as_ref().map(Id::as_str)
        }
        _ => false,
    }
}

/// The overall rating of each row (NaN when not answered); empty when the survey has none or
/// the data no answers to it.
pub(crate) fn rating_values<'a>(survey: &Survey, data: &'a Dataset) -> &'a [f64] {
    survey
        .overall_rating()
        .and_then(|item| data.column(item.id.as_str()))
        .and_then(|column| match &column.data {
            ColumnData::Numeric(values) => Some(values.as_slice()),
            _ => None,
        })
        .unwrap_or_default()
}

/// The pair sums of `values` and `rating` (one per row, NaN for none) per pattern.
pub(crate) fn pair_sums(values: &[f64], rating: &[f64], patterns: &Patterns) -> Vec<PairSums> {
    let mut sums = vec![[0.0; 6]; patterns.len()];
    for ((x, y), pattern) in values.iter().zip(rating).zip(&patterns.of_row) {
        if x.is_nan() || y.is_nan() {
            continue;
        }
        let [n, sx, sy, sxx, syy, sxy] = &mut sums[*pattern as usize];
        *n += 1.0;
        *sx += x;
        *sy += y;
        *sxx += x * x;
        *syy += y * y;
        *sxy += x * y;
    }
    sums
}

impl KeyDrivers {
    /// The drivers of a wave (none without an overall rating).
    pub fn new(survey: &Survey, summary: &Summary) -> KeyDrivers {
        let drivers = summary
            .measures
            .iter()
            .zip(&summary.pairs)
            .filter_map(|(measure, pairs)| {
                Some(Driver {
                    item: measure.item.clone(),
                    question: question_number(survey, measure),
                    sums: pairs.clone()?,
                })
            })
            .collect();
        KeyDrivers { drivers }
    }

    /// `driver_correlation` rows, overall and per unit of `compared` kind, weighted too when
    /// `weights` are given.
    pub fn rows(
        &self,
        units: &[Unit],
        weights: Option<&Weights>,
        compared: Option<&str>,
    ) -> Vec<ResultRow> {
        let mut rows = Vec::new();
        let units: Vec<&Unit> = units
            .iter()
            .filter(|unit| unit.is_overall() || Some(unit.kind.as_str()) == compared)
            .collect();
        for driver in &self.drivers {
            for unit in &units {
                let mut push = |weighted: bool, weight: &dyn Fn(usize) -> f64| {
                    if let Some((interval, n)) = correlation(&driver.sums, &unit.patterns, weight) {
                        rows.push(ResultRow::new(
                            &driver.item,
                            driver.question,
                            &unit.kind,
                            &unit.code,
                            DRIVER,
                            weighted,
                            interval,
                            n,
                        ));
                    }
                };
                push(false, &|_: usize| 1.0);
                if let Some(weights) = weights {
                    push(true, &|pattern: usize| weights.of_pattern[pattern]);
                }
            }
        }
        rows
    }
}

/// Pearson's correlation over the patterns of a unit, each pattern's pairs weighted by
/// `weight(pattern)`, with its Fisher interval; and the number of pairs. None when fewer than
/// two pairs or when either variable does not vary (no correlation is defined).
fn correlation(
    sums: &[PairSums],
    patterns: &[u32],
    weight: &dyn Fn(usize) -> f64,
) -> Option<(Interval, f64)> {
    let (mut pairs, mut w, mut w2) = (0.0, 0.0, 0.0);
    let mut moments = [0.0; 5];
    for pattern in patterns {
        let pattern = *pattern as usize;
        let [n, rest @ ..] = sums[pattern];
        let weight = weight(pattern);
        pairs += n;
        w += weight * n;
        w2 += weight * weight * n;
        for (moment, sum) in moments.iter_mut().zip(rest) {
            *moment += weight * sum;
        }
    }
    let [x, y, xx, yy, xy] = moments;
    if pairs < 2.0 || w <= 0.0 {
        return None;
    }
    let sxx = xx - x * x / w;
    let syy = yy - y * y / w;
    let sxy = xy - x * y / w;
    // What rounding leaves of a variable that does not vary.
    let constant = |spread: f64, squares: f64| spread <= 1e-12 * squares;
    if constant(sxx, xx) || constant(syy, yy) {
        return None;
    }
    let r = (sxy / (sxx * syy).sqrt()).clamp(-1.0, 1.0);
    Some((fisher_interval(r, w * w / w2), pairs))
}

/// Fisher's z interval of a correlation `r` from `n` pairs: `tanh(atanh(r) ± z / √(n - 3))`
/// (Fisher 1921); no interval from 3 pairs or fewer.
pub fn fisher_interval(r: f64, n: f64) -> Interval {
    if n <= 3.0 || !r.is_finite() {
        return Interval::point(r);
    }
    let half = two_sided_z(LEVEL) / (n - 3.0).sqrt();
    let z = r.atanh();
    Interval {
        estimate: r,
        low: (z - half).tanh(),
        high: (z + half).tanh(),
    }
}

/// The base statistic of a driver row: questions are scored as % positive, domains by their
/// score (domain rows have no question number).
fn base_statistic(row: &ResultRow) -> &'static str {
    if row.question.is_some() {
        Statistic::PctPositive.name()
    } else {
        Statistic::DomainScore.name()
    }
}

/// The median all-sites correlation of the questions and of the domains (shown rows only):
/// the line between strong and weaker drivers.
pub(crate) fn strong_driver_lines(rows: &[ResultRow]) -> (Option<f64>, Option<f64>) {
    let (mut questions, mut domains) = (Vec::new(), Vec::new());
    for row in all_sites_drivers(rows) {
        if let Some(r) = row.estimate {
            if row.question.is_some() {
                questions.push(r);
            } else {
                domains.push(r);
            }
        }
    }
    (median(questions), median(domains))
}

fn all_sites_drivers(rows: &[ResultRow]) -> impl Iterator<Item = &ResultRow> {
    rows.iter().filter(|row| {
        !row.weighted && row.statistic == DRIVER && row.unit_kind == OVERALL && row.is_shown()
    })
}

fn median(mut values: Vec<f64>) -> Option<f64> {
    values.sort_by(f64::total_cmp);
    let middle = values.len() / 2;
    match values.len() {
        0 => None,
        n if n % 2 == 1 => Some(values[middle]),
        _ => Some((values[middle - 1] + values[middle]) / 2.0),
    }
}

/// Improvement priority rows per site, from the suppressed rows: every figure they use (the
/// all-sites correlation, the all-sites score, the site's adjusted score) is shown, so they
/// give nothing away; where one is hidden the priority row is hidden with the reason.
pub(crate) fn priorities(rows: &[ResultRow], compared: Option<&str>) -> Vec<ResultRow> {
    let Some(kind) = compared else {
        return Vec::new();
    };
    let (question_line, domain_line) = strong_driver_lines(rows);
    // Every all-sites driver row, shown or not, and the all-sites scores.
    let drivers: BTreeMap<&str, &ResultRow> = rows
        .iter()
        .filter(|row| !row.weighted && row.statistic == DRIVER && row.unit_kind == OVERALL)
        .map(|row| (row.item.as_str(), row))
        .collect();
    let all_sites: BTreeMap<(&str, &str), &ResultRow> = rows
        .iter()
        .filter(|row| !row.weighted && row.unit_kind == OVERALL)
        .map(|row| ((row.item.as_str(), row.statistic.as_str()), row))
        .collect();
    let mut out = Vec::new();
    for adjusted in rows
        .iter()
        .filter(|row| !row.weighted && row.unit_kind == kind)
    {
        let Some(driver) = drivers.get(adjusted.item.as_str()) else {
            continue;
        };
        let base = base_statistic(driver);
        if adjusted.statistic.strip_prefix("adjusted_") != Some(base) {
            continue;
        }
        let statistic = format!("{PRIORITY}{base}");
        let line = if driver.question.is_some() {
            question_line
        } else {
            domain_line
        };
        let all = all_sites.get(&(adjusted.item.as_str(), base));
        let row = |interval: Interval, n: f64| {
            ResultRow::new(
                &adjusted.item,
                adjusted.question,
                &adjusted.unit_kind,
                &adjusted.unit,
                &statistic,
                false,
                interval,
                n,
            )
        };
        let hidden = |reason: String| ResultRow {
            n: None,
            suppressed: reason,
            ..row(Interval::point(f64::NAN), 0.0)
        };
        let figures = (
            driver.estimate.filter(|_| driver.is_shown()),
            all.filter(|row| row.is_shown())
                .and_then(|row| row.estimate),
            adjusted.estimate.filter(|_| adjusted.is_shown()),
            line,
        );
        let (Some(r), Some(all_sites_score), Some(score), Some(line)) = figures else {
            let reason = if !adjusted.is_shown() {
                adjusted.suppressed.clone()
            } else if !driver.is_shown() {
                "hidden because its correlation with the overall rating is hidden".to_owned()
            } else {
                "hidden because the all-sites figure is hidden".to_owned()
            };
            out.push(hidden(reason));
            continue;
        };
        let gap = Interval {
            estimate: score - all_sites_score,
            low: adjusted
                .ci_low
                .map_or(f64::NAN, |low| low - all_sites_score),
            high: adjusted
                .ci_high
                .map_or(f64::NAN, |high| high - all_sites_score),
        };
        out.push(ResultRow {
            flag: quadrant(r >= line, gap).to_owned(),
            ..row(gap, adjusted.n.unwrap_or_default() as f64)
        });
    }
    out
}

/// The priority matrix's quadrant of a site's gap for a strong or weaker driver; empty when the
/// gap's interval holds 0 (or there is none).
fn quadrant(strong: bool, gap: Interval) -> &'static str {
    let below = gap.high < 0.0;
    let above = gap.low > 0.0;
    match (strong, below, above) {
        (true, true, _) => flag::PRIORITY,
        (false, true, _) => flag::BELOW,
        (true, _, true) => flag::STRENGTH,
        (false, _, true) => flag::ABOVE,
        _ => "",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fisher_interval_by_hand() {
        // r = 0.5 from 28 pairs: atanh(0.5) = 0.549306, half 1.959964 / 5 = 0.391993.
        let interval = fisher_interval(0.5, 28.0);
        assert!(
            (interval.low - 0.157313_f64.tanh()).abs() < 1e-6,
            "{interval:?}"
        );
        assert!(
            (interval.high - 0.941299_f64.tanh()).abs() < 1e-6,
            "{interval:?}"
        );
        assert!(fisher_interval(0.5, 3.0).low.is_nan());
    }

    #[test]
    fn a_variable_that_does_not_vary_has_no_correlation() {
        // Three pairs, x always 1.
        let sums = vec![[3.0, 3.0, 24.0, 3.0, 194.0, 24.0]];
        assert!(correlation(&sums, &[0], &|_| 1.0).is_none());
    }

    #[test]
    fn quadrants_need_a_clear_gap() {
        let gap = |low, high| Interval {
            estimate: (low + high) / 2.0,
            low,
            high,
        };
        assert_eq!(quadrant(true, gap(-9.0, -1.0)), flag::PRIORITY);
        assert_eq!(quadrant(false, gap(-9.0, -1.0)), flag::BELOW);
        assert_eq!(quadrant(true, gap(1.0, 9.0)), flag::STRENGTH);
        assert_eq!(quadrant(false, gap(1.0, 9.0)), flag::ABOVE);
        assert_eq!(quadrant(true, gap(-9.0, 1.0)), "");
    }

    #[test]
    fn median_of_even_and_odd_counts() {
        assert_eq!(median(vec![0.3, 0.1, 0.2]), Some(0.2));
        assert_eq!(median(vec![0.4, 0.1, 0.2, 0.3]), Some(0.25));
        assert_eq!(median(Vec::new()), None);
    }
}
