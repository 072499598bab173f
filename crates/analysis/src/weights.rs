//! Non-response weights (post-stratification or raking to the invited sample) and
//! design-based estimates with linearised variances, as R's `survey` package computes them.
//!
//! Formulas (checked against `survey` 4.1.1 in `tests/fixtures/README.md`): for a domain D
//! (a unit's respondents with an applicable answer), `p = Σ_D w y / Σ_D w`,
//! `z_i = w_i (y_i - p) / Σ_D w` in D and 0 outside, the calibration residuals `e` of `z`, and
//! `var = n/(n-1) Σ (e - ē)²` with n all respondents. The residuals are those of `svyrecvar`:
//! for each weighting grouping g with the weights `v` just after its step,
//! `e_i ← e_i - v_i · mean(e / v over all respondents of g(i)'s group)`; once for
//! post-stratification (one grouping, `v` constant in a cell: the cell mean), ten sweeps over the
//! margins of the last raking pass for raking.
//!
//! Every row of a pattern has the same weight and cell, so all of it runs on per-pattern sums.

use std::collections::{BTreeMap, HashMap};
use std::path::Path;

use vecu_survey::Survey;

use crate::dataset::{Dataset, MISSING};
use crate::error::{AnalysisError, InputProblem, Result};
use crate::groups::{Patterns, Sums};
use crate::stats::{logit_interval, two_sided_z, Interval, LEVEL};

/// Invited patients per cell of some frame variables.
#[derive(Debug, Clone, PartialEq)]
pub struct FrameCounts {
    /// The frame variables, in file order.
    pub variables: Vec<String>,
    /// Invited count per combination of codes (in `variables` order).
    pub invited: BTreeMap<Vec<String>, f64>,
}

/// Names accepted for the count column, in any case: `Freq` is what R's
/// `as.data.frame(table(...))` writes, `n` what dplyr's `count()` writes.
const COUNT_COLUMNS: [&str; 4] = ["invited", "count", "n", "freq"];

impl FrameCounts {
    /// Reads a CSV with one column per frame variable and a count column (`invited`, `count`, `n`
    /// or `Freq`); an unnamed column (R's row names) is read past.
    pub fn read(survey: &Survey, path: &Path) -> Result<FrameCounts> {
        let shown = path.display().to_string();
        let text = std::fs::read_to_string(path).map_err(|source| AnalysisError::Io {
            path: shown.clone(),
            source,
        })?;
        FrameCounts::parse(survey, &text).map_err(|problems| AnalysisError::Input {
            path: shown,
            problems,
        })
    }

    /// Parses the CSV text of a frame-counts file.
    pub fn parse(survey: &Survey, text: &str) -> Result<FrameCounts, Vec<InputProblem>> {
        let problem = |line: Option<usize>, column: Option<&str>, message: String| InputProblem {
            column: column.map(str::to_owned),
            location: line.map(|line| format!("line {line}")),
            message,
        };
        let mut reader = csv::ReaderBuilder::new()
            .trim(csv::Trim::All)
            .from_reader(text.as_bytes());
        let header: Vec<String> = match reader.headers() {
            Ok(header) => header.iter().map(str::to_owned).collect(),
            Err(error) => return Err(vec![problem(Some(1), None, error.to_string())]),
        };
        let mut problems = Vec::new();
        let count_columns: Vec<usize> = (0..header.len())
            .filter(|i| COUNT_COLUMNS.contains(&header[*i].to_lowercase().as_str()))
            .collect();
        let [count_column] = count_columns[..] else {
            let found: Vec<&str> = count_columns.iter().map(|i| header[*i].as_str()).collect();
            return Err(vec![problem(
                Some(1),
                None,
                format!(
                    "the header needs exactly one count column (invited patients per cell), \
                     named invited, count, n or Freq, beside the frame variables; found {}",
                    if found.is_empty() {
                        "none".to_owned()
                    } else {
                        found.join(" and ")
                    }
                ),
            )]);
        };
        // R's write.csv writes the row names under an empty header.
        let is_row_names = |i: usize| header[i].is_empty();
        let variables: Vec<String> = header
            .iter()
            .enumerate()
            .filter(|(i, _)| *i != count_column && !is_row_names(*i))
            .map(|(_, name)| name.clone())
            .collect();
        for variable in &variables {
            if survey.frame_variable(variable).is_none() {
                problems.push(problem(
                    Some(1),
                    Some(variable),
                    format!(
                        "not a frame variable of survey {}; frame variables: {}",
                        survey.id,
                        survey
                            .frame
                            .iter()
                            .map(|frame| frame.id.as_str())
                            .collect::<Vec<_>>()
                            .join(", ")
                    ),
                ));
            }
        }
        if variables.is_empty() {
            problems.push(problem(
                Some(1),
                None,
                "no frame variable column".to_owned(),
            ));
        }
        if !problems.is_empty() {
            return Err(problems);
        }
        let mut invited = BTreeMap::new();
        for (index, record) in reader.records().enumerate() {
            let line = index + 2;
            let record = match record {
                Ok(record) => record,
                Err(error) => {
                    problems.push(problem(Some(line), None, error.to_string()));
                    continue;
                }
            };
            let mut key = Vec::new();
            for (i, (column, value)) in header.iter().zip(record.iter()).enumerate() {
                if i == count_column || is_row_names(i) {
                    continue;
                }
                let known = survey.frame_variable(column).is_some_and(|frame| {
                    frame.find(value).is_some() || value == crate::dataset::OTHER
                });
                if !known {
                    problems.push(problem(
                        Some(line),
                        Some(column),
                        format!("{value:?} is not a code of frame variable {column}"),
                    ));
                }
                key.push(value.to_owned());
            }
            let count = record.get(count_column).unwrap_or_default();
            // A whole number, also as a float writes it (1432.0).
            let whole = count.parse::<u64>().ok().or_else(|| {
                crate::load::whole_number(count).and_then(|number| u64::try_from(number).ok())
            });
            match whole {
                Some(count) => {
                    if invited.insert(key.clone(), count as f64).is_some() {
                        problems.push(problem(
                            Some(line),
                            None,
                            format!("the cell {} appears twice", key.join(" x ")),
                        ));
                    }
                }
                None => problems.push(problem(
                    Some(line),
                    Some(&header[count_column]),
                    format!(
                        "{count:?} is not a whole number of invited patients; write the count \
                         (0 when nobody was invited in the cell)"
                    ),
                )),
            }
        }
        if problems.is_empty() {
            Ok(FrameCounts { variables, invited })
        } else {
            Err(problems)
        }
    }

    /// Invited per code of one of the variables (summed over the others).
    pub fn margin(&self, variable: &str) -> Option<BTreeMap<String, f64>> {
        let position = self.variables.iter().position(|v| v == variable)?;
        let mut margin = BTreeMap::new();
        for (key, count) in &self.invited {
            *margin.entry(key[position].clone()).or_insert(0.0) += count;
        }
        Some(margin)
    }

    /// All invited patients.
    pub fn total(&self) -> f64 {
        self.invited.values().sum()
    }
}

/// How the weights are made.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Method {
    /// To the invited count of every cell of the file (all variables crossed).
    PostStratify,
    /// To the invited margin of each variable in turn (iterative proportional fitting).
    Rake,
}

/// The weight of every pattern, and what the variance needs to know.
#[derive(Debug, Clone)]
pub struct Weights {
    /// Weight of the rows of each pattern.
    pub of_pattern: Vec<f64>,
    /// The weighting steps: one for post-stratification (the cells), one per variable for
    /// raking (its margin).
    groupings: Vec<Grouping>,
    /// How many times the residuals sweep over the groupings.
    sweeps: usize,
    /// All respondents.
    respondents: f64,
    /// Respondents per pattern.
    respondents_per_pattern: Vec<f64>,
}

/// A weighting step: the group of each pattern and the weights just after the step, which
/// `survey::postStratify` keeps as the `weights` attribute of its post-strata.
#[derive(Debug, Clone)]
struct Grouping {
    /// Group of each pattern.
    group_of: Vec<usize>,
    /// Respondents per group.
    respondents: Vec<f64>,
    /// Weight of each pattern just after this step (of the last pass, for raking).
    weight_after: Vec<f64>,
}

impl Grouping {
    fn new(group_of: Vec<usize>, groups: usize, patterns: &Patterns) -> Grouping {
        let mut respondents = vec![0.0; groups];
        for (group, count) in group_of.iter().zip(&patterns.respondents) {
            respondents[*group] += count;
        }
        Grouping {
            group_of,
            respondents,
            weight_after: Vec::new(),
        }
    }
}

/// Raking stops when no margin is off by more than this share, or after `MAX_PASSES`.
const RAKE_TOLERANCE: f64 = 1e-10;
const MAX_PASSES: usize = 100;

/// `svyrecvar` sweeps ten times over the margins of a raked design (`for (iterations in 1:10)`),
/// whether or not the residuals have converged; the same count gives R's standard errors.
const RAKING_SWEEPS: usize = 10;

impl Weights {
    /// Weights that make the respondents add up to the invited counts.
    pub fn new(
        data: &Dataset,
        patterns: &Patterns,
        counts: &FrameCounts,
        method: Method,
    ) -> Result<Weights> {
        let columns: Vec<usize> = counts
            .variables
            .iter()
            .map(|variable| {
                data.frame_column(variable)
                    .map(|(index, _)| index)
                    .ok_or_else(|| {
                        AnalysisError::Options(format!(
                            "the responses have no column {variable}, which the frame counts use"
                        ))
                    })
            })
            .collect::<Result<_>>()?;
        let code_of = |pattern: usize, slot: usize| -> Option<String> {
            let level = patterns.keys[pattern][columns[slot]];
            (level != MISSING).then(|| data.frame[columns[slot]].levels[level as usize].to_string())
        };
        let missing: f64 = (0..patterns.len())
            .filter(|p| (0..columns.len()).any(|slot| code_of(*p, slot).is_none()))
            .map(|p| patterns.respondents[p])
            .sum();
        if missing > 0.0 {
            return Err(AnalysisError::Options(format!(
                "{missing} responses have no value for a weighting variable ({}); \
                 weight on other variables or fill the frame values",
                counts.variables.join(", ")
            )));
        }
        match method {
            Method::PostStratify => post_stratify(patterns, counts, &code_of),
            Method::Rake => rake(patterns, counts, &code_of),
        }
    }

    /// Design-based estimate of the mean of a measure over the unit's patterns.
    pub fn estimate(&self, sums: &Sums, unit: &[u32], share: bool) -> Option<WeightedEstimate> {
        let mut total_weight = 0.0;
        let mut weighted_sum = 0.0;
        let mut rows = 0.0;
        for p in unit {
            let p = *p as usize;
            total_weight += self.of_pattern[p] * sums.n[p];
            weighted_sum += self.of_pattern[p] * sums.sum[p];
            rows += sums.n[p];
        }
        if rows == 0.0 || total_weight <= 0.0 {
            return None;
        }
        let estimate = weighted_sum / total_weight;
        // Per-pattern sums of z and z² (z = 0 outside the unit).
        let size = self.of_pattern.len();
        let mut z = vec![0.0; size];
        let mut z2 = vec![0.0; size];
        for p in unit {
            let p = *p as usize;
            let w = self.of_pattern[p] / total_weight;
            z[p] = w * (sums.sum[p] - estimate * sums.n[p]);
            z2[p] = w
                * w
                * (sums.squares[p] - 2.0 * estimate * sums.sum[p]
                    + estimate * estimate * sums.n[p]);
        }
        let variance = self.respondents / (self.respondents - 1.0) * self.residual_spread(&z, &z2);
        let se = variance.max(0.0).sqrt();
        let interval = if share {
            // svyciprop(method = "logit"): t with (rows in the domain - 1) degrees of freedom.
            logit_interval(estimate, se, rows - 1.0)
        } else {
            // confint(svymean(...)): normal quantile.
            Interval::symmetric(estimate, two_sided_z(LEVEL) * se)
        };
        Some(WeightedEstimate { interval, se, rows })
    }

    /// Σ (e - ē)² over all respondents, e being the calibration residuals of z (R survey's
    /// `svyrecvar`, then `onestrat`, which centres the residuals: after a raking margin they need
    /// not add up to zero).
    fn residual_spread(&self, z: &[f64], z2: &[f64]) -> f64 {
        let respondents = &self.respondents_per_pattern;
        // Every row of pattern p has been shifted by -shift[p] so far.
        let mut shift = vec![0.0; z.len()];
        for _ in 0..self.sweeps {
            for grouping in &self.groupings {
                // Σ e/v per group; a weight of 0 (a level invited 0) leaves z = 0: nothing to add.
                let mut total = vec![0.0; grouping.respondents.len()];
                for p in 0..z.len() {
                    let weight = grouping.weight_after[p];
                    if weight > 0.0 {
                        total[grouping.group_of[p]] += (z[p] - shift[p] * respondents[p]) / weight;
                    }
                }
                for ((shift, group), weight) in shift
                    .iter_mut()
                    .zip(&grouping.group_of)
                    .zip(&grouping.weight_after)
                {
                    let count = grouping.respondents[*group];
                    if count > 0.0 {
                        *shift += weight * total[*group] / count;
                    }
                }
            }
        }
        let (sum, squares) = (0..z.len()).fold((0.0, 0.0), |(sum, squares), p| {
            (
                sum + z[p] - shift[p] * respondents[p],
                squares + z2[p] - 2.0 * shift[p] * z[p] + respondents[p] * shift[p] * shift[p],
            )
        });
        squares - sum * sum / self.respondents
    }
}

/// A weighted estimate with its design-based standard error.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct WeightedEstimate {
    /// Estimate and 95% interval (0-1 for shares).
    pub interval: Interval,
    /// Linearised standard error.
    pub se: f64,
    /// Rows in the domain (unweighted).
    pub rows: f64,
}

type CodeOf<'a> = dyn Fn(usize, usize) -> Option<String> + 'a;

fn cell_name(variables: &[String], key: &[String]) -> String {
    variables
        .iter()
        .zip(key)
        .map(|(variable, code)| format!("{variable}={code}"))
        .collect::<Vec<_>>()
        .join(" x ")
}

/// The first few names of a list, and how many more there are.
fn first_few(names: &[String]) -> String {
    const SHOWN: usize = 5;
    let mut text = names
        .iter()
        .take(SHOWN)
        .cloned()
        .collect::<Vec<_>>()
        .join("; ");
    if names.len() > SHOWN {
        text += &format!("; and {} more", names.len() - SHOWN);
    }
    text
}

fn post_stratify(
    patterns: &Patterns,
    counts: &FrameCounts,
    code_of: &CodeOf<'_>,
) -> Result<Weights> {
    let cells: Vec<&Vec<String>> = counts.invited.keys().collect();
    let index: HashMap<&Vec<String>, usize> =
        cells.iter().enumerate().map(|(i, key)| (*key, i)).collect();
    let mut cell_of = Vec::with_capacity(patterns.len());
    let mut respondents = vec![0.0; cells.len()];
    for p in 0..patterns.len() {
        let key: Vec<String> = (0..counts.variables.len())
            .map(|slot| code_of(p, slot).unwrap_or_default())
            .collect();
        let Some(cell) = index.get(&key) else {
            return Err(AnalysisError::Options(format!(
                "{} respondents are in the cell {}, which the frame counts do not list; \
                 add the cell with its invited count",
                patterns.respondents[p],
                cell_name(&counts.variables, &key)
            )));
        };
        respondents[*cell] += patterns.respondents[p];
        cell_of.push(*cell);
    }
    let empty: Vec<String> = cells
        .iter()
        .enumerate()
        .filter(|(i, key)| respondents[*i] == 0.0 && counts.invited[**key] > 0.0)
        .map(|(_, key)| cell_name(&counts.variables, key))
        .collect();
    if !empty.is_empty() {
        return Err(AnalysisError::Options(format!(
            "no respondent in {} cell(s) with invited patients ({}): post-stratification cannot \
             weight them; weight on fewer variables, merge small groups, or rake (--rake)",
            empty.len(),
            first_few(&empty)
        )));
    }
    let weight_of_cell: Vec<f64> = cells
        .iter()
        .enumerate()
        .map(|(i, key)| counts.invited[*key] / respondents[i])
        .collect();
    let of_pattern: Vec<f64> = cell_of.iter().map(|cell| weight_of_cell[*cell]).collect();
    let mut grouping = Grouping::new(cell_of, cells.len(), patterns);
    grouping.weight_after = of_pattern.clone();
    Ok(Weights {
        of_pattern,
        groupings: vec![grouping],
        // The weight is constant in a cell, so one sweep leaves every cell's residuals at mean
        // 0 and a second would change nothing (svyrecvar's branch for post-strata runs once).
        sweeps: 1,
        respondents: patterns.respondents.iter().sum(),
        respondents_per_pattern: patterns.respondents.clone(),
    })
}

fn rake(patterns: &Patterns, counts: &FrameCounts, code_of: &CodeOf<'_>) -> Result<Weights> {
    let mut groupings = Vec::new();
    let mut targets = Vec::new();
    for (slot, variable) in counts.variables.iter().enumerate() {
        let margin = counts.margin(variable).unwrap_or_default();
        let levels: Vec<&String> = margin.keys().collect();
        let mut grouping = Vec::with_capacity(patterns.len());
        let mut respondents = vec![0.0; levels.len()];
        for p in 0..patterns.len() {
            let code = code_of(p, slot).unwrap_or_default();
            let Some(level) = levels.iter().position(|known| **known == code) else {
                return Err(AnalysisError::Options(format!(
                    "{} respondents have {variable}={code}, which the frame counts do not list",
                    patterns.respondents[p]
                )));
            };
            respondents[level] += patterns.respondents[p];
            grouping.push(level);
        }
        if let Some(level) =
            (0..levels.len()).find(|l| respondents[*l] == 0.0 && margin[levels[*l]] > 0.0)
        {
            return Err(AnalysisError::Options(format!(
                "no respondent has {variable}={}, so raking cannot reach its invited count; \
                 merge it with another group",
                levels[level]
            )));
        }
        targets.push(
            levels
                .iter()
                .map(|level| margin[*level])
                .collect::<Vec<f64>>(),
        );
        groupings.push(Grouping::new(grouping, levels.len(), patterns));
    }
    let respondents: f64 = patterns.respondents.iter().sum();
    let mut weights = vec![counts.total() / respondents; patterns.len()];
    let mut passes = 0;
    while passes < MAX_PASSES {
        passes += 1;
        for (grouping, target) in groupings.iter_mut().zip(&targets) {
            let mut current = vec![0.0; target.len()];
            for p in 0..patterns.len() {
                current[grouping.group_of[p]] += weights[p] * patterns.respondents[p];
            }
            for (weight, level) in weights.iter_mut().zip(&grouping.group_of) {
                if current[*level] > 0.0 {
                    *weight *= target[*level] / current[*level];
                }
            }
            // survey::rake keeps only the last pass's post-strata, each with its weights.
            grouping.weight_after.clone_from(&weights);
        }
        let off = groupings.iter().zip(&targets).any(|(grouping, target)| {
            let mut current = vec![0.0; target.len()];
            for p in 0..patterns.len() {
                current[grouping.group_of[p]] += weights[p] * patterns.respondents[p];
            }
            current
                .iter()
                .zip(target)
                .any(|(now, goal)| (now - goal).abs() > RAKE_TOLERANCE * goal.max(1.0))
        });
        if !off {
            break;
        }
    }
    Ok(Weights {
        of_pattern: weights,
        groupings,
        sweeps: RAKING_SWEEPS,
        respondents,
        respondents_per_pattern: patterns.respondents.clone(),
    })
}
