//! Sufficient statistics of a wave: everything the analysis computes comes from them.
//!
//! Every unit and weighting cell is a set of patterns (one combination of frame values and of
//! case-mix answers), so per pattern it is enough to know: the respondents; for every measure,
//! the count, sum and sum of squares of its values; for every key driver, the sums of the pairs
//! (value, overall rating); for every coded column, the answers per code. A [`Summary`] holds
//! those tables and nothing per row. It is gathered from rows in memory ([`Summary::of`]) or
//! chunk by chunk from a file ([`crate::read_summary`]), so that ten million responses need no
//! more memory than one chunk and the tables.

use std::collections::HashMap;

use vecu_survey::Survey;

use crate::dataset::{ColumnData, DataColumn, Dataset, FrameColumn, MISSING};
use crate::groups::{Patterns, Sums};
use crate::keydrivers::{self, PairSums};
use crate::measures::{measures, Measure};

/// Per-pattern tables of one wave (see the module's documentation).
#[derive(Debug, Clone)]
pub struct Summary {
    /// The wave's frame variables (with every level met) and answer columns, without rows.
    pub(crate) shape: Dataset,
    /// Responses summed.
    pub(crate) rows: usize,
    /// The patterns met, with their respondents (no row list).
    pub(crate) patterns: Patterns,
    /// Answer columns whose codes extend the patterns' keys (case-mix questions).
    pub(crate) adjusters: Vec<usize>,
    /// What is measured, in [`measures`]' order.
    pub(crate) measures: Vec<Measure>,
    /// Sums of each measure per pattern.
    pub(crate) sums: Vec<Sums>,
    /// Pair sums with the overall rating per pattern, for the measures that are key drivers.
    pub(crate) pairs: Vec<Option<Vec<PairSums>>>,
    /// Answers per pattern and code of each coded column (`pattern * codes + code`).
    pub(crate) counts: Vec<Vec<f64>>,
    index: HashMap<Vec<u16>, u32>,
}

impl Summary {
    /// The summary of responses in memory.
    pub fn of(survey: &Survey, data: &Dataset) -> Summary {
        let mut summary = Summary::empty(survey, data);
        summary.add(survey, data);
        summary
    }

    /// Number of responses summed.
    pub fn rows(&self) -> usize {
        self.rows
    }

    /// A summary of no rows with the columns of `like`.
    pub(crate) fn empty(survey: &Survey, like: &Dataset) -> Summary {
        let shape = Dataset {
            rows: 0,
            frame: like
                .frame
                .iter()
                .map(|column| FrameColumn {
                    variable: column.variable.clone(),
                    levels: column.levels.clone(),
                    values: Vec::new(),
                })
                .collect(),
            columns: like
                .columns
                .iter()
                .map(|column| DataColumn {
                    name: column.name.clone(),
                    source: column.source.clone(),
                    data: match &column.data {
                        ColumnData::Coded { codes, .. } => ColumnData::Coded {
                            codes: codes.clone(),
                            values: Vec::new(),
                        },
                        ColumnData::Numeric(_) => ColumnData::Numeric(Vec::new()),
                        ColumnData::Flag(_) => ColumnData::Flag(Vec::new()),
                        ColumnData::NotAnalysed => ColumnData::NotAnalysed,
                    },
                })
                .collect(),
        };
        let measures = measures(survey, &shape);
        let adjusters = answer_adjusters(survey, &shape);
        Summary {
            rows: 0,
            patterns: Patterns {
                keys: Vec::new(),
                of_row: Vec::new(),
                respondents: Vec::new(),
            },
            sums: vec![Sums::default(); measures.len()],
            pairs: measures
                .iter()
                .map(|measure| keydrivers::is_driver(survey, measure).then(Vec::new))
                .collect(),
            counts: vec![Vec::new(); shape.columns.len()],
            measures,
            adjusters,
            shape,
            index: HashMap::new(),
        }
    }

    /// Adds the rows of `chunk`, which has the same columns (its frame may hold levels not met
    /// before, such as `other`).
    pub(crate) fn add(&mut self, survey: &Survey, chunk: &Dataset) {
        let patterns = Patterns::with_answers(chunk, &self.adjusters);
        let global = self.place(chunk, &patterns);
        let size = self.patterns.len();
        self.rows += chunk.rows;
        let rating = keydrivers::rating_values(survey, chunk);
        for (index, measure) in self.measures.iter().enumerate() {
            let values = measure.values(chunk);
            let sums = &mut self.sums[index];
            sums.grow(size);
            sums.add_mapped(&Sums::new(&patterns, &values), &global);
            if let Some(pairs) = &mut self.pairs[index] {
                pairs.resize(size, [0.0; 6]);
                let chunk_pairs = keydrivers::pair_sums(&values, rating, &patterns);
                for (from, sums) in chunk_pairs.iter().enumerate() {
                    for (total, value) in pairs[global[from] as usize].iter_mut().zip(sums) {
                        *total += value;
                    }
                }
            }
        }
        for (column, counts) in chunk.columns.iter().zip(&mut self.counts) {
            let ColumnData::Coded { codes, values } = &column.data else {
                continue;
            };
            let width = codes.len();
            counts.resize(size * width, 0.0);
            for (code, pattern) in values.iter().zip(&patterns.of_row) {
                if *code != MISSING {
                    counts[global[*pattern as usize] as usize * width + *code as usize] += 1.0;
                }
            }
        }
    }

    /// The summary's pattern of each of the chunk's patterns, adding those not met before (and
    /// the frame levels they bring).
    fn place(&mut self, chunk: &Dataset, patterns: &Patterns) -> Vec<u32> {
        let levels: Vec<Vec<u16>> = chunk
            .frame
            .iter()
            .zip(&mut self.shape.frame)
            .map(|(column, known)| {
                column
                    .levels
                    .iter()
                    .map(|code| match known.levels.iter().position(|k| k == code) {
                        Some(level) => level as u16,
                        None => {
                            known.levels.push(code.clone());
                            (known.levels.len() - 1) as u16
                        }
                    })
                    .collect()
            })
            .collect();
        let frame = chunk.frame.len();
        patterns
            .keys
            .iter()
            .zip(&patterns.respondents)
            .map(|(key, respondents)| {
                let mut global = key.clone();
                for (slot, levels) in global[..frame].iter_mut().zip(&levels) {
                    if *slot != MISSING {
                        *slot = levels[*slot as usize];
                    }
                }
                let next = self.patterns.keys.len() as u32;
                let pattern = *self.index.entry(global.clone()).or_insert_with(|| {
                    self.patterns.keys.push(global);
                    self.patterns.respondents.push(0.0);
                    next
                });
                self.patterns.respondents[pattern as usize] += respondents;
                pattern
            })
            .collect()
    }

    /// The answers per code of the coded column `column`, for one pattern.
    pub(crate) fn code_counts(&self, column: usize, pattern: usize) -> &[f64] {
        match &self.shape.columns[column].data {
            ColumnData::Coded { codes, .. } => {
                let width = codes.len();
                self.counts[column]
                    .get(pattern * width..(pattern + 1) * width)
                    .unwrap_or_default()
            }
            _ => &[],
        }
    }
}

/// The columns of the questions the definition marks as case-mix adjusters (coded answers
/// only; the schema allows the mark on single-choice and scale items).
fn answer_adjusters(survey: &Survey, data: &Dataset) -> Vec<usize> {
    survey
        .items()
        .filter(|(_, item)| item.case_mix)
        .filter_map(|(_, item)| {
            data.columns.iter().position(|column| {
                column.name == item.id.as_str() && matches!(column.data, ColumnData::Coded { .. })
            })
        })
        .collect()
}
