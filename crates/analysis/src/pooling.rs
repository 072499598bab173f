//! Weighted figures that cannot give a hidden unit away.
//!
//! An unweighted overall is one sum over the units; its weighted twin is a second sum over the
//! same units with other coefficients (each weighting cell's invited / respondents). Where two or
//! more units of a weighting variable are hidden for an item, the two sums together can pin down
//! each hidden unit's figure (a search over the whole numbers left finds them). So once
//! suppression has run, every weighted figure that covers a hidden unit of a weighting variable
//! is worked out again with those units pooled: their rows keep their weights, but their answers
//! are spread over them in proportion to their respondents, as if they shared one mean, which is
//! what collapsing small weighting cells does (Kalton and Flores-Cervantes 2003, J Off Stat
//! 19:81, section 3). A pooled figure then depends on the hidden units only through their
//! total, which the unweighted overall minus the shown units gives anyway.

use std::collections::BTreeSet;

use crate::groups::{Patterns, Sums, Unit};
use crate::results::ResultRow;
use crate::summary::Summary;
use crate::weights::Weights;

/// What is said of a weighted figure that pooling leaves without an estimate.
const NO_POOLED_ESTIMATE: &str =
    "hidden: with the hidden units pooled, the weighted figure cannot be estimated";

/// Works out again, with hidden units pooled, the shown weighted rows of every measure that
/// has hidden units of a `weighting` variable.
pub(crate) fn pool_hidden_units(
    rows: &mut [ResultRow],
    summary: &Summary,
    units: &[Unit],
    weights: &Weights,
    weighting: &[String],
) {
    let patterns = &summary.patterns;
    for (measure, sums) in summary.measures.iter().zip(&summary.sums) {
        let statistic = measure.statistic.name();
        let of_measure = |row: &ResultRow| row.item == measure.item && row.statistic == statistic;
        let hidden: Vec<&Unit> = units
            .iter()
            .filter(|unit| weighting.contains(&unit.kind))
            .filter(|unit| {
                rows.iter().any(|row| {
                    of_measure(row)
                        && !row.weighted
                        && row.unit_kind == unit.kind
                        && row.unit == unit.code
                        && !row.is_shown()
                })
            })
            .collect();
        if hidden.is_empty() {
            continue;
        }
        let pool: BTreeSet<u32> = hidden
            .iter()
            .flat_map(|unit| unit.patterns.iter().copied())
            .collect();
        let pooled = pooled_sums(sums, &pool, patterns);
        let share = measure.statistic.is_binary();
        let scale = measure.statistic.scale();
        for row in rows.iter_mut() {
            if !(of_measure(row) && row.weighted && row.is_shown()) {
                continue;
            }
            let Some(unit) = units
                .iter()
                .find(|unit| unit.kind == row.unit_kind && unit.code == row.unit)
            else {
                continue;
            };
            if !unit.patterns.iter().any(|p| pool.contains(p)) {
                continue;
            }
            match weights.estimate(&pooled, &unit.patterns, share) {
                Some(estimate) => {
                    row.set_interval(estimate.interval.scaled(scale));
                    row.se = Some(estimate.se * scale);
                }
                None => row.hide(NO_POOLED_ESTIMATE),
            }
        }
    }
}

/// The sums with those of the `pool`'s patterns replaced by their total shared out in
/// proportion to each pattern's respondents.
fn pooled_sums(sums: &Sums, pool: &BTreeSet<u32>, patterns: &Patterns) -> Sums {
    let total = |values: &[f64]| -> f64 { pool.iter().map(|p| values[*p as usize]).sum() };
    let (n, sum, squares) = (total(&sums.n), total(&sums.sum), total(&sums.squares));
    let respondents = total(&patterns.respondents);
    let mut pooled = sums.clone();
    if respondents == 0.0 {
        return pooled;
    }
    for p in pool {
        let p = *p as usize;
        let part = patterns.respondents[p] / respondents;
        pooled.n[p] = n * part;
        pooled.sum[p] = sum * part;
        pooled.squares[p] = squares * part;
    }
    pooled
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pooled_sums_keep_the_pool_total_and_share_it_by_respondents() {
        let patterns = Patterns {
            keys: vec![vec![0], vec![1], vec![2]],
            of_row: Vec::new(),
            respondents: vec![10.0, 4.0, 6.0],
        };
        let sums = Sums {
            n: vec![10.0, 4.0, 5.0],
            sum: vec![7.0, 1.0, 4.0],
            squares: vec![7.0, 1.0, 4.0],
        };
        let pool = BTreeSet::from([1, 2]);
        let pooled = pooled_sums(&sums, &pool, &patterns);
        assert_eq!(pooled.n, [10.0, 9.0 * 0.4, 9.0 * 0.6]);
        assert_eq!(pooled.sum, [7.0, 5.0 * 0.4, 5.0 * 0.6]);
        // Both pooled patterns now have the pool's mean, 5/9.
        assert!((pooled.sum[1] / pooled.n[1] - pooled.sum[2] / pooled.n[2]).abs() < 1e-15);
    }
}
