//! Small-cell suppression of every result (DOMAIN.md §4).
//!
//! A *cell* holds every figure of one item (or domain) for one unit: its statistics, options,
//! weighted and unweighted, adjusted scores, funnel limits, change since an earlier wave.
//! - Primary: a cell with a figure of fewer respondents than the threshold (GP Patient Survey:
//!   10; e-Satis: 30) is hidden whole, as its figures give each other away (a % positive of 8
//!   applicable answers follows from the option shares of all 11 answers). A change hidden
//!   because the *earlier* wave was small hides only itself: the figure it would give away was
//!   not shown then. A key driver's correlation with the overall rating is not a sum of
//!   answers and gives no share away: too few pairs hide only the correlation.
//! - Links: a domain score averages its items, so where an item is hidden its domain is too,
//!   and where a domain is hidden with all its items shown, one of them is hidden.
//! - Secondary: the units of one kind (the sites, the age bands...) and the respondents with no
//!   value of that variable add up to the overall figure. For every figure, the overall minus
//!   the shown units must leave nobody, or at least `threshold` respondents that are not one
//!   hidden unit alone; a hidden overall must not be the sum of shown units. The smallest shown
//!   unit is hidden until that holds, preferring units where a linked cell already is.
//!
//! Hiding one cell can expose another, so this runs until nothing changes.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use vecu_survey::{Codebook, ColumnSource, Survey};

use crate::groups::OVERALL;
use crate::results::ResultRow;

/// Default threshold for results used inside the research team (10, as the GP Patient Survey).
pub const DEFAULT_THRESHOLD: u64 = 10;

/// Statistics that compare with an earlier wave start so (`change_pct_positive`).
const CHANGE: &str = "change_";

/// True for a figure that, too small, hides only itself: a change (the earlier wave was small)
/// or a key driver's correlation; neither adds up over units.
fn hides_alone(row: &ResultRow) -> bool {
    row.statistic.starts_with(CHANGE) || row.statistic == crate::keydrivers::DRIVER
}

/// The columns each domain score averages, so that a domain and its items hide together.
#[derive(Debug, Clone, Default)]
pub struct DomainItems {
    items: BTreeMap<String, Vec<String>>,
}

impl DomainItems {
    /// The domains of a survey, with the columns of their items and matrix rows.
    pub fn of(survey: &Survey) -> DomainItems {
        let mut items: BTreeMap<String, Vec<String>> = BTreeMap::new();
        for column in Codebook::new(survey).columns {
            if let ColumnSource::Item {
                domain: Some(domain),
                ..
            }
            | ColumnSource::MatrixRow {
                domain: Some(domain),
                ..
            } = &column.source
            {
                items
                    .entry(domain.to_string())
                    .or_default()
                    .push(column.name.clone());
            }
        }
        DomainItems { items }
    }
}

/// Hides the figures of cells with too few respondents, then the ones that would give them
/// away, without domain links (see [`suppress_linked`]).
pub fn suppress(rows: &mut [ResultRow], threshold: u64) {
    suppress_linked(rows, threshold, &DomainItems::default());
}

/// Hides the figures of cells with too few respondents, then the ones that would give them away,
/// domains and their items together.
pub fn suppress_linked(rows: &mut [ResultRow], threshold: u64, domains: &DomainItems) {
    let mut table = Table::new(rows, domains, threshold);
    table.run();
    for (index, row) in rows.iter_mut().enumerate() {
        // A row hidden before keeps its reason.
        if row.is_shown() {
            if let Some(reason) = table.reason(index) {
                row.hide(&reason);
            }
        }
    }
}

/// Why a cell is hidden.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Reason {
    /// One of its figures has too few respondents.
    Small,
    /// An item of this domain is hidden for the unit.
    ItemHidden,
    /// Its domain is hidden for the unit and no other item of it is.
    DomainHidden,
    /// The overall and the shown units would give a hidden unit away.
    Secondary,
}

/// Every figure of one item (or domain) for one unit.
#[derive(Debug)]
struct Cell {
    item: String,
    kind: String,
    unit: String,
    rows: Vec<usize>,
    /// The partitions whose check depends on this cell: its own, or all of the item's for an
    /// overall cell.
    partitions: Vec<usize>,
    hidden: Option<Reason>,
}

/// The rows of one statistic of one item for the units of one kind, and its overall row.
#[derive(Debug)]
struct Family {
    overall: usize,
    members: Vec<usize>,
}

/// Item, statistic, option and weighting: the rows of one figure over the units.
type FamilyKey<'a> = (&'a str, &'a str, Option<&'a str>, bool);

fn family_key(row: &ResultRow) -> FamilyKey<'_> {
    (
        &row.item,
        &row.statistic,
        row.option.as_deref(),
        row.weighted,
    )
}

struct Table {
    threshold: u64,
    /// Respondents behind each row before anything is hidden (none: hidden already).
    n: Vec<u64>,
    /// Rows hidden before suppression (by the caller).
    hidden_before: Vec<bool>,
    /// Rows that, too small, hide only themselves ([`hides_alone`]).
    alone: Vec<bool>,
    cell_of: Vec<usize>,
    cells: Vec<Cell>,
    index: HashMap<(String, String, String), usize>,
    /// Families of each (item, unit kind), the kind's units partitioning the overall.
    partitions: Vec<Vec<Family>>,
    /// Domains each item column belongs to, and the items of each domain.
    domains_of: HashMap<String, Vec<String>>,
    items_of: BTreeMap<String, Vec<String>>,
    /// Cells hidden and not yet followed through links and partitions.
    fresh: Vec<usize>,
}

impl Table {
    fn new(rows: &[ResultRow], domains: &DomainItems, threshold: u64) -> Table {
        let mut cells: Vec<Cell> = Vec::new();
        let mut index: HashMap<(String, String, String), usize> = HashMap::new();
        let mut cell_of = Vec::with_capacity(rows.len());
        for (row_index, row) in rows.iter().enumerate() {
            let key = (row.item.clone(), row.unit_kind.clone(), row.unit.clone());
            let cell = *index.entry(key).or_insert_with(|| {
                cells.push(Cell {
                    item: row.item.clone(),
                    kind: row.unit_kind.clone(),
                    unit: row.unit.clone(),
                    rows: Vec::new(),
                    partitions: Vec::new(),
                    hidden: None,
                });
                cells.len() - 1
            });
            cells[cell].rows.push(row_index);
            cell_of.push(cell);
        }
        // One family per statistic, option and weighting with an overall row, per unit kind;
        // a change is a difference of two waves' shares, not a sum over units.
        let overall_rows: HashMap<FamilyKey, usize> = rows
            .iter()
            .enumerate()
            .filter(|(_, row)| row.unit_kind == OVERALL)
            .map(|(i, row)| (family_key(row), i))
            .collect();
        let mut grouped: BTreeMap<(&str, &str), BTreeMap<FamilyKey, Family>> = BTreeMap::new();
        for (i, row) in rows.iter().enumerate() {
            if row.unit_kind == OVERALL || hides_alone(row) {
                continue;
            }
            if let Some(overall) = overall_rows.get(&family_key(row)) {
                grouped
                    .entry((&row.item, &row.unit_kind))
                    .or_default()
                    .entry(family_key(row))
                    .or_insert_with(|| Family {
                        overall: *overall,
                        members: Vec::new(),
                    })
                    .members
                    .push(i);
            }
        }
        let mut partitions: Vec<Vec<Family>> = Vec::new();
        for families in grouped.into_values() {
            let partition = partitions.len();
            let families: Vec<Family> = families.into_values().collect();
            for family in &families {
                for row in family.members.iter().chain([&family.overall]) {
                    let cell = &mut cells[cell_of[*row]];
                    if !cell.partitions.contains(&partition) {
                        cell.partitions.push(partition);
                    }
                }
            }
            partitions.push(families);
        }
        let mut domains_of: HashMap<String, Vec<String>> = HashMap::new();
        for (domain, items) in &domains.items {
            for item in items {
                domains_of
                    .entry(item.clone())
                    .or_default()
                    .push(domain.clone());
            }
        }
        Table {
            threshold,
            n: rows.iter().map(|row| row.n.unwrap_or(0)).collect(),
            hidden_before: rows.iter().map(|row| !row.is_shown()).collect(),
            alone: rows.iter().map(hides_alone).collect(),
            cell_of,
            cells,
            index,
            partitions,
            domains_of,
            items_of: domains.items.clone(),
            fresh: Vec::new(),
        }
    }

    fn run(&mut self) {
        for row in 0..self.n.len() {
            let small = self.n[row] < self.threshold || self.hidden_before[row];
            if small && !self.alone[row] {
                self.hide_cell(self.cell_of[row], Reason::Small);
            }
        }
        let mut dirty: BTreeSet<usize> = (0..self.partitions.len()).collect();
        dirty.extend(self.follow_links());
        while let Some(partition) = dirty.pop_first() {
            while let Some(cell) = self.exposed(partition) {
                self.hide_cell(cell, Reason::Secondary);
                dirty.extend(self.follow_links());
            }
        }
    }

    fn hide_cell(&mut self, cell: usize, reason: Reason) {
        if self.cells[cell].hidden.is_none() {
            self.cells[cell].hidden = Some(reason);
            self.fresh.push(cell);
        }
    }

    fn cell_at(&self, item: &str, cell: &Cell) -> Option<usize> {
        self.index
            .get(&(item.to_owned(), cell.kind.clone(), cell.unit.clone()))
            .copied()
    }

    /// Hides domains where an item is hidden and an item where a domain alone is; returns the
    /// partitions to check again.
    fn follow_links(&mut self) -> BTreeSet<usize> {
        let mut dirty = BTreeSet::new();
        while let Some(hidden) = self.fresh.pop() {
            let cell = &self.cells[hidden];
            dirty.extend(cell.partitions.iter().copied());
            let domains = self.domains_of.get(&cell.item).cloned().unwrap_or_default();
            for domain in domains {
                if let Some(domain_cell) = self.cell_at(&domain, &self.cells[hidden]) {
                    self.hide_cell(domain_cell, Reason::ItemHidden);
                }
            }
            let cell = &self.cells[hidden];
            let Some(items) = self.items_of.get(&cell.item) else {
                continue;
            };
            let item_cells: Vec<usize> = items
                .iter()
                .filter_map(|item| self.cell_at(item, cell))
                .collect();
            if item_cells.iter().all(|c| self.cells[*c].hidden.is_none()) {
                let smallest = item_cells
                    .into_iter()
                    .min_by_key(|c| (self.size(*c), self.cells[*c].item.clone()));
                if let Some(item_cell) = smallest {
                    self.hide_cell(item_cell, Reason::DomainHidden);
                }
            }
        }
        dirty
    }

    /// The most respondents behind a figure of the cell.
    fn size(&self, cell: usize) -> u64 {
        self.cells[cell]
            .rows
            .iter()
            .map(|row| self.n[*row])
            .max()
            .unwrap_or(0)
    }

    /// True when a cell linked to this one (its domain, or an item of it) is hidden for the unit.
    fn linked_hidden(&self, cell: usize) -> bool {
        let this = &self.cells[cell];
        let domains = self.domains_of.get(&this.item).into_iter().flatten();
        let items = self.items_of.get(&this.item).into_iter().flatten();
        domains
            .chain(items)
            .filter_map(|other| self.cell_at(other, this))
            .any(|other| self.cells[other].hidden.is_some())
    }

    /// A shown unit cell to hide so that no family of the partition gives a hidden figure away.
    fn exposed(&self, partition: usize) -> Option<usize> {
        let threshold = self.threshold;
        let shown = |row: &usize| self.cells[self.cell_of[*row]].hidden.is_none();
        for family in &self.partitions[partition] {
            let total = self.n[family.overall];
            let all: u64 = family.members.iter().map(|row| self.n[*row]).sum();
            let visible: u64 = family
                .members
                .iter()
                .filter(|row| shown(row))
                .map(|row| self.n[*row])
                .sum();
            let hidden_units = family.members.iter().filter(|row| !shown(row)).count();
            // Respondents without a value of the variable: in the overall, in no unit.
            let rest = total.saturating_sub(all);
            let exposed = if shown(&family.overall) {
                let left = total.saturating_sub(visible);
                left > 0 && (left < threshold || (hidden_units == 1 && rest == 0))
            } else {
                rest == 0 && hidden_units == 0
            };
            if !exposed {
                continue;
            }
            let candidate = family
                .members
                .iter()
                .filter(|row| shown(row))
                .min_by_key(|row| {
                    let cell = self.cell_of[**row];
                    (
                        !self.linked_hidden(cell),
                        self.n[**row],
                        self.cells[cell].unit.clone(),
                    )
                });
            if let Some(row) = candidate {
                return Some(self.cell_of[*row]);
            }
        }
        None
    }

    /// Why a row is hidden, if it is: its own size first, else its cell's reason.
    fn reason(&self, row: usize) -> Option<String> {
        let threshold = self.threshold;
        if self.n[row] < threshold {
            return Some(format!("fewer than {threshold} respondents"));
        }
        let text = match self.cells[self.cell_of[row]].hidden? {
            Reason::Small => "hidden with the other figures of this item and unit, one of which has too few respondents",
            Reason::ItemHidden => "hidden because an item of this domain is hidden for this unit",
            Reason::DomainHidden => "hidden so that the hidden domain score cannot be worked out from its items",
            Reason::Secondary => "hidden so that a suppressed figure cannot be worked out from the others",
        };
        Some(text.to_owned())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::stats::Interval;

    fn row(item: &str, kind: &str, unit: &str, statistic: &str, n: f64) -> ResultRow {
        ResultRow::new(
            item,
            Some(1),
            kind,
            unit,
            statistic,
            false,
            Interval::point(50.0),
            n,
        )
    }

    fn sites(item: &str, statistic: &str, sizes: &[(&str, f64)]) -> Vec<ResultRow> {
        let total = sizes.iter().map(|(_, n)| n).sum();
        let mut rows = vec![row(item, OVERALL, "all", statistic, total)];
        rows.extend(
            sizes
                .iter()
                .map(|(site, n)| row(item, "site", site, statistic, *n)),
        );
        rows
    }

    fn shown(rows: &[ResultRow]) -> Vec<bool> {
        rows.iter().map(ResultRow::is_shown).collect()
    }

    #[test]
    fn small_units_are_hidden_and_one_more_protects_them() {
        let mut rows = sites(
            "q1",
            "pct_positive",
            &[("H01", 30.0), ("H02", 4.0), ("H03", 12.0), ("H04", 17.0)],
        );
        suppress(&mut rows, 10);
        assert_eq!(shown(&rows), [true, true, false, false, true]);
        assert_eq!(rows[2].suppressed, "fewer than 10 respondents");
        assert!(rows[3].suppressed.starts_with("hidden so that"));
        assert_eq!((rows[2].estimate, rows[2].n), (None, None));
    }

    #[test]
    fn hidden_units_together_reach_the_threshold() {
        // 3 + 5 = 8 respondents would follow from the overall minus H03 and H04.
        let mut rows = sites(
            "q1",
            "mean",
            &[("H01", 3.0), ("H02", 5.0), ("H03", 12.0), ("H04", 30.0)],
        );
        suppress(&mut rows, 10);
        assert_eq!(shown(&rows), [true, false, false, false, true]);
    }

    #[test]
    fn every_figure_of_an_item_and_unit_hides_together() {
        // H02: 8 applicable answers, 11 answers with "not applicable"; H01 and H03 large.
        let mut rows = Vec::new();
        for (statistic, option, h02) in [
            ("pct_positive", None, 8.0),
            ("pct_option", Some("1"), 11.0),
            ("pct_option", Some("9"), 11.0),
        ] {
            for mut figure in sites(
                "q1",
                statistic,
                &[("H01", 40.0), ("H02", h02), ("H03", 25.0), ("H04", 20.0)],
            ) {
                figure.option = option.map(str::to_owned);
                rows.push(figure);
            }
        }
        let mut change = row("q1", "site", "H02", "change_pct_positive", 8.0);
        change.n = Some(8);
        rows.push(change);
        suppress(&mut rows, 10);
        let hidden: Vec<(&str, Option<&str>, &str)> = rows
            .iter()
            .filter(|row| !row.is_shown())
            .map(|row| {
                (
                    row.statistic.as_str(),
                    row.option.as_deref(),
                    row.unit.as_str(),
                )
            })
            .collect();
        assert_eq!(
            hidden,
            [
                ("pct_positive", None, "H02"),
                ("pct_positive", None, "H04"),
                ("pct_option", Some("1"), "H02"),
                ("pct_option", Some("1"), "H04"),
                ("pct_option", Some("9"), "H02"),
                ("pct_option", Some("9"), "H04"),
                ("change_pct_positive", None, "H02"),
            ]
        );
        let option = rows
            .iter()
            .find(|row| row.statistic == "pct_option" && row.unit == "H02");
        assert!(
            option.is_some_and(|row| row.suppressed.starts_with("hidden with the other figures"))
        );
    }

    #[test]
    fn a_change_hidden_for_a_small_earlier_wave_hides_only_itself() {
        let mut rows = sites("q1", "pct_positive", &[("H01", 40.0), ("H02", 30.0)]);
        rows.push(row("q1", "site", "H02", "change_pct_positive", 6.0));
        suppress(&mut rows, 10);
        assert_eq!(shown(&rows), [true, true, true, false]);
    }

    #[test]
    fn a_driver_with_few_pairs_hides_only_itself() {
        // 8 of H02's 30 patients rated their care overall: the correlation goes, the share stays.
        let mut rows = sites("q1", "pct_positive", &[("H01", 40.0), ("H02", 30.0)]);
        rows.extend(sites(
            "q1",
            crate::keydrivers::DRIVER,
            &[("H01", 35.0), ("H02", 8.0)],
        ));
        suppress(&mut rows, 10);
        assert_eq!(shown(&rows), [true, true, true, true, true, false]);
    }

    #[test]
    fn respondents_without_a_value_count_as_a_hidden_group() {
        // 2 of 62 respondents have no site: the overall minus both sites would be them.
        let mut rows = sites("q1", "mean", &[("H01", 40.0), ("H02", 20.0)]);
        rows[0].n = Some(62);
        suppress(&mut rows, 10);
        assert_eq!(shown(&rows), [true, true, false]);
    }

    #[test]
    fn a_hidden_overall_is_not_the_sum_of_shown_units() {
        let mut rows = sites("q1", "mean", &[("H01", 40.0), ("H02", 20.0)]);
        rows[0].suppressed = "hidden by hand".to_owned();
        suppress(&mut rows, 10);
        assert_eq!(shown(&rows), [false, true, false]);
        assert_eq!(rows[0].suppressed, "hidden by hand");
    }

    /// Domain d of items a and b at sites H01-H03, b with `b_at_h01` answers at H01 (40 for a
    /// and d), suppressed after `prepare`.
    fn domain_and_items(b_at_h01: f64, prepare: fn(&mut [ResultRow])) -> Vec<ResultRow> {
        let mut rows = Vec::new();
        for (item, statistic, h01) in [
            ("a", "pct_positive", 40.0),
            ("b", "pct_positive", b_at_h01),
            ("d", "domain_score", 40.0),
        ] {
            let sizes = [("H01", h01), ("H02", 30.0), ("H03", 20.0)];
            rows.extend(sites(item, statistic, &sizes));
        }
        prepare(&mut rows);
        let domains = DomainItems {
            items: BTreeMap::from([("d".to_owned(), vec!["a".to_owned(), "b".to_owned()])]),
        };
        suppress_linked(&mut rows, 10, &domains);
        rows
    }

    fn hidden_cells(rows: &[ResultRow]) -> Vec<(&str, &str)> {
        rows.iter()
            .filter(|row| !row.is_shown())
            .map(|row| (row.item.as_str(), row.unit.as_str()))
            .collect()
    }

    #[test]
    fn a_domain_hides_where_its_items_do_and_protects_them_alike() {
        // b has 9 answers at H01: hidden with its partner H03, d at both as b; a stays shown.
        let rows = domain_and_items(9.0, |_| {});
        let expected = [("b", "H01"), ("b", "H03"), ("d", "H01"), ("d", "H03")];
        assert_eq!(hidden_cells(&rows), expected);
        let domain = rows.iter().find(|row| row.item == "d" && row.unit == "H01");
        assert!(domain.is_some_and(|row| row.suppressed.contains("an item of this domain")));
    }

    #[test]
    fn a_hidden_domain_with_every_item_shown_hides_one_item() {
        // d hidden by hand at H01, a (40) and b (35) shown there: b, the smaller, goes too.
        let rows = domain_and_items(35.0, |rows| rows[9].suppressed = "by hand".to_owned());
        let expected = [("b", "H01"), ("b", "H03"), ("d", "H01"), ("d", "H03")];
        assert_eq!(hidden_cells(&rows), expected);
    }

    #[test]
    fn domains_are_read_from_the_definition() {
        let path =
            std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../surveys/example.json");
        let text = std::fs::read_to_string(path).expect("the example survey is readable");
        let survey = vecu_survey::load_str(&text).expect("the example survey is valid");
        let domains = DomainItems::of(&survey);
        assert_eq!(
            domains.items["communication"],
            ["staff.doctors", "staff.nurses"]
        );
        assert_eq!(domains.items["information"], ["surgery_explained"]);
    }
}
