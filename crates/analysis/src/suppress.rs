//! Small-cell suppression of every result (DOMAIN.md §4).
//!
//! Primary: no figure for a unit with fewer respondents than the threshold (GP Patient Survey:
//! 10; e-Satis: 30). Secondary: the units of one kind (the sites, the age bands...) add up to
//! the overall figure, so when exactly one of them is hidden it could be worked out from the
//! others and the total; the smallest shown unit of the same item and statistic is hidden too.

use std::collections::BTreeMap;

use crate::groups::OVERALL;
use crate::results::ResultRow;

/// Default threshold for results used inside the research team (10, as the GP Patient Survey).
pub const DEFAULT_THRESHOLD: u64 = 10;

/// Item, statistic, option, weighting and unit kind: rows that partition one total.
type GroupKey = (String, String, Option<String>, bool, String);

/// Hides the figures of rows with too few respondents, then the ones that would give them away.
pub fn suppress(rows: &mut [ResultRow], threshold: u64) {
    let primary = format!("fewer than {threshold} respondents");
    for row in rows.iter_mut() {
        if row.n.is_some_and(|n| n < threshold) {
            hide(row, &primary);
        }
    }
    // Rows of one item, statistic, option, weighting and unit kind: a partition of the total.
    let mut groups: BTreeMap<GroupKey, Vec<usize>> = BTreeMap::new();
    for (index, row) in rows.iter().enumerate() {
        if row.unit_kind == OVERALL {
            continue;
        }
        let key = (
            row.item.clone(),
            row.statistic.clone(),
            row.option.clone(),
            row.weighted,
            row.unit_kind.clone(),
        );
        groups.entry(key).or_default().push(index);
    }
    let secondary = "hidden so that a suppressed figure cannot be worked out from the others";
    for members in groups.values() {
        let hidden = members.iter().filter(|i| !rows[**i].is_shown()).count();
        if hidden != 1 {
            continue;
        }
        let smallest = members
            .iter()
            .filter(|i| rows[**i].is_shown())
            .min_by_key(|i| (rows[**i].n, rows[**i].unit.clone()));
        if let Some(index) = smallest {
            hide(&mut rows[*index], secondary);
        }
    }
}

fn hide(row: &mut ResultRow, reason: &str) {
    row.estimate = None;
    row.ci_low = None;
    row.ci_high = None;
    row.se = None;
    row.n = None;
    row.flag.clear();
    row.suppressed = reason.to_owned();
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::stats::Interval;

    fn row(kind: &str, unit: &str, n: f64) -> ResultRow {
        ResultRow::new(
            "q1",
            Some(1),
            kind,
            unit,
            "pct_positive",
            false,
            Interval::point(50.0),
            n,
        )
    }

    #[test]
    fn small_units_are_hidden_and_one_more_protects_them() {
        let mut rows = vec![
            row("overall", "all", 63.0),
            row("site", "H01", 30.0),
            row("site", "H02", 4.0),
            row("site", "H03", 12.0),
            row("site", "H04", 17.0),
        ];
        suppress(&mut rows, 10);
        let shown: Vec<bool> = rows.iter().map(ResultRow::is_shown).collect();
        assert_eq!(shown, [true, true, false, false, true]);
        assert_eq!(rows[2].suppressed, "fewer than 10 respondents");
        assert!(rows[3].suppressed.starts_with("hidden so that"));
        assert_eq!((rows[2].estimate, rows[2].n), (None, None));
    }

    #[test]
    fn two_hidden_units_need_no_secondary_suppression() {
        let mut rows = vec![
            row("overall", "all", 50.0),
            row("site", "H01", 3.0),
            row("site", "H02", 5.0),
            row("site", "H03", 42.0),
        ];
        suppress(&mut rows, 10);
        assert!(rows[3].is_shown());
        assert!(rows[0].is_shown());
    }
}
