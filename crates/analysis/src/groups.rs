//! Respondents grouped by their frame values, and the units results are reported for.
//!
//! Every unit (overall, a site, an age band...) and every weighting cell is a set of frame
//! patterns (one combination of frame values). So each measure is summed once per pattern, in
//! one pass over the rows, and every statistic is then worked out from those small tables.

use std::collections::HashMap;

use crate::dataset::{ColumnData, Dataset, MISSING};

/// The distinct combinations of frame values present in the data.
#[derive(Debug, Clone)]
pub struct Patterns {
    /// Level per frame variable (in [`Dataset::frame`] order) of each pattern; [`MISSING`] allowed.
    pub keys: Vec<Vec<u16>>,
    /// Pattern of each row.
    pub of_row: Vec<u32>,
    /// Respondents per pattern.
    pub respondents: Vec<f64>,
}

impl Patterns {
    /// The patterns of frame values then, in the keys after them, of the answers to the coded
    /// columns `answers` (case-mix questions): an unanswered question is a level of its own,
    /// numbered after the column's codes.
    pub fn with_answers(data: &Dataset, answers: &[usize]) -> Patterns {
        let answers: Vec<(&[u16], u16)> = answers
            .iter()
            .filter_map(|column| match &data.columns[*column].data {
                ColumnData::Coded { codes, values } => {
                    Some((values.as_slice(), codes.len() as u16))
                }
                _ => None,
            })
            .collect();
        let mut index: HashMap<Vec<u16>, u32> = HashMap::new();
        let mut keys = Vec::new();
        let mut respondents = Vec::new();
        let mut of_row = Vec::with_capacity(data.rows);
        let mut key = vec![MISSING; data.frame.len() + answers.len()];
        for row in 0..data.rows {
            for (slot, column) in key.iter_mut().zip(&data.frame) {
                *slot = column.values[row];
            }
            for (slot, (values, unanswered)) in key[data.frame.len()..].iter_mut().zip(&answers) {
                *slot = match values[row] {
                    MISSING => *unanswered,
                    code => code,
                };
            }
            // Looked up first: most rows repeat a pattern, and a lookup needs no copy of the key.
            let pattern = match index.get(&key) {
                Some(pattern) => *pattern,
                None => {
                    let pattern = keys.len() as u32;
                    index.insert(key.clone(), pattern);
                    keys.push(key.clone());
                    respondents.push(0.0);
                    pattern
                }
            };
            respondents[pattern as usize] += 1.0;
            of_row.push(pattern);
        }
        Patterns {
            keys,
            of_row,
            respondents,
        }
    }

    /// Number of patterns.
    pub fn len(&self) -> usize {
        self.keys.len()
    }
}

/// Count, sum and sum of squares of a measure's values per pattern (rows with NaN left out).
#[derive(Debug, Clone, Default)]
pub struct Sums {
    /// Rows with a value.
    pub n: Vec<f64>,
    /// Sum of the values.
    pub sum: Vec<f64>,
    /// Sum of the squared values.
    pub squares: Vec<f64>,
}

impl Sums {
    /// Sums of `values` (one per row, NaN for none) per pattern.
    pub fn new(patterns: &Patterns, values: &[f64]) -> Sums {
        let size = patterns.len();
        let mut sums = Sums {
            n: vec![0.0; size],
            sum: vec![0.0; size],
            squares: vec![0.0; size],
        };
        for (value, pattern) in values.iter().zip(&patterns.of_row) {
            if value.is_nan() {
                continue;
            }
            let pattern = *pattern as usize;
            sums.n[pattern] += 1.0;
            sums.sum[pattern] += value;
            sums.squares[pattern] += value * value;
        }
        sums
    }

    /// Makes room for `size` patterns (new ones empty).
    pub fn grow(&mut self, size: usize) {
        for column in [&mut self.n, &mut self.sum, &mut self.squares] {
            column.resize(size, 0.0);
        }
    }

    /// Adds the sums of `other`, whose pattern `p` is this one's `map[p]`.
    pub fn add_mapped(&mut self, other: &Sums, map: &[u32]) {
        for (from, to) in map.iter().enumerate() {
            let to = *to as usize;
            self.n[to] += other.n[from];
            self.sum[to] += other.sum[from];
            self.squares[to] += other.squares[from];
        }
    }

    /// Count, sum and sum of squares over a set of patterns.
    pub fn total(&self, patterns: &[u32]) -> (f64, f64, f64) {
        patterns
            .iter()
            .fold((0.0, 0.0, 0.0), |(n, sum, squares), p| {
                let p = *p as usize;
                (n + self.n[p], sum + self.sum[p], squares + self.squares[p])
            })
    }
}

/// A group results are reported for.
#[derive(Debug, Clone)]
pub struct Unit {
    /// `overall`, or the id of the frame variable that defines it (`site`, `age_band`...).
    pub kind: String,
    /// `all` for overall, else the frame code.
    pub code: String,
    /// Frame variable index and level, none for overall.
    pub frame: Option<(usize, u16)>,
    /// The patterns in the unit.
    pub patterns: Vec<u32>,
}

impl Unit {
    /// True for the unit of all respondents.
    pub fn is_overall(&self) -> bool {
        self.frame.is_none()
    }
}

/// Kind name of the unit of all respondents.
pub const OVERALL: &str = "overall";

/// Overall, then one unit per level of every frame variable (site first, as the definition lists).
pub fn units(data: &Dataset, patterns: &Patterns) -> Vec<Unit> {
    let all: Vec<u32> = (0..patterns.len() as u32).collect();
    let mut units = vec![Unit {
        kind: OVERALL.to_owned(),
        code: "all".to_owned(),
        frame: None,
        patterns: all,
    }];
    for (variable, column) in data.frame.iter().enumerate() {
        for (level, code) in column.levels.iter().enumerate() {
            let members: Vec<u32> = (0..patterns.len())
                .filter(|p| patterns.keys[*p][variable] == level as u16)
                .map(|p| p as u32)
                .collect();
            if members.is_empty() {
                continue;
            }
            units.push(Unit {
                kind: column.variable.to_string(),
                code: code.to_string(),
                frame: Some((variable, level as u16)),
                patterns: members,
            });
        }
    }
    units
}
