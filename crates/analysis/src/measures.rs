//! What is measured from each column, using the scoring roles of the definition (DOMAIN.md §2).
//!
//! A measure gives every row a value or NaN (not in the denominator): 1/0 for "% positive",
//! "% problem" and "% selected", the number itself for means, and for a domain the mean of the
//! respondent's applicable "% positive" indicators (CAHPS composites: per respondent, then across
//! respondents).

use std::collections::BTreeMap;

use vecu_survey::{ColumnSource, Id, ItemKind, ScoringRole, Survey};

use crate::dataset::{ColumnData, Dataset, MISSING, MISSING_FLAG};

/// The statistic a measure reports.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Statistic {
    /// Share of applicable answers that are positive.
    PctPositive,
    /// Share of applicable answers that show a problem (Picker problem score).
    PctProblem,
    /// Mean of a rating or number.
    Mean,
    /// Share of those who answered a multiple-choice question who ticked the option.
    PctSelected,
    /// Composite score of a domain, 0-100.
    DomainScore,
}

impl Statistic {
    /// Name in the results table.
    pub fn name(self) -> &'static str {
        match self {
            Statistic::PctPositive => "pct_positive",
            Statistic::PctProblem => "pct_problem",
            Statistic::Mean => "mean",
            Statistic::PctSelected => "pct_selected",
            Statistic::DomainScore => "domain_score",
        }
    }

    /// True when values are 0/1 (or shares of 1), reported on a 0-100 scale.
    pub fn is_share(self) -> bool {
        self != Statistic::Mean
    }

    /// True when every value is 0 or 1 (a proportion): Wilson and logit intervals, and a funnel
    /// spread of sqrt(p (1 - p)). A domain score is a mean of such shares, not one.
    pub fn is_binary(self) -> bool {
        matches!(
            self,
            Statistic::PctPositive | Statistic::PctProblem | Statistic::PctSelected
        )
    }

    /// Factor from the measure's values to the reported scale.
    pub fn scale(self) -> f64 {
        if self.is_share() {
            100.0
        } else {
            1.0
        }
    }

    /// Whether sites are compared on it with case-mix adjustment and funnel limits.
    pub fn compared_between_sites(self) -> bool {
        matches!(
            self,
            Statistic::PctPositive | Statistic::Mean | Statistic::DomainScore
        )
    }
}

/// How a measure's row values come from the columns.
#[derive(Debug, Clone)]
enum Source {
    /// A coded column: the value of each code (1, 0 or NaN).
    Coded { column: usize, by_code: Vec<f64> },
    /// A numeric column, optionally turned into 1/0 by a scoring role of ratings.
    Numeric {
        column: usize,
        role: Option<(ScoringRole, i64, i64)>,
    },
    /// A 0/1 flag column.
    Flag { column: usize },
    /// Mean of the parts' values per row.
    Domain { parts: Vec<Source> },
}

/// One thing measured for every unit.
#[derive(Debug, Clone)]
pub struct Measure {
    /// The column name, or the domain id for a domain score.
    pub item: String,
    /// The statistic.
    pub statistic: Statistic,
    /// The item of the column (none for domains).
    pub item_id: Option<Id>,
    source: Source,
}

impl Measure {
    /// The value of every row (NaN: not in the denominator).
    pub fn values(&self, data: &Dataset) -> Vec<f64> {
        let mut out = vec![f64::NAN; data.rows];
        fill(&self.source, data, &mut out);
        out
    }
}

fn fill(source: &Source, data: &Dataset, out: &mut [f64]) {
    match source {
        Source::Coded { column, by_code } => {
            if let ColumnData::Coded { values, .. } = &data.columns[*column].data {
                for (slot, code) in out.iter_mut().zip(values) {
                    if *code != MISSING {
                        *slot = by_code[*code as usize];
                    }
                }
            }
        }
        Source::Numeric { column, role } => {
            if let ColumnData::Numeric(values) = &data.columns[*column].data {
                for (slot, value) in out.iter_mut().zip(values) {
                    *slot = match role {
                        None => *value,
                        Some(_) if value.is_nan() => f64::NAN,
                        Some((target, positive_min, negative_max)) => {
                            let role = rating_role(*value as i64, *positive_min, *negative_max);
                            f64::from(u8::from(role == *target))
                        }
                    };
                }
            }
        }
        Source::Flag { column } => {
            if let ColumnData::Flag(values) = &data.columns[*column].data {
                for (slot, flag) in out.iter_mut().zip(values) {
                    if *flag != MISSING_FLAG {
                        *slot = f64::from(*flag);
                    }
                }
            }
        }
        Source::Domain { parts } => {
            let mut sum = vec![0.0; out.len()];
            let mut count = vec![0.0; out.len()];
            let mut part_values = vec![f64::NAN; out.len()];
            for part in parts {
                part_values.fill(f64::NAN);
                fill(part, data, &mut part_values);
                for ((value, sum), count) in part_values.iter().zip(&mut sum).zip(&mut count) {
                    if !value.is_nan() {
                        *sum += value;
                        *count += 1.0;
                    }
                }
            }
            for ((slot, sum), count) in out.iter_mut().zip(&sum).zip(&count) {
                if *count > 0.0 {
                    *slot = sum / count;
                }
            }
        }
    }
}

/// The role of a rating, as `vecu_survey::Rating::role` gives it.
fn rating_role(rating: i64, positive_min: i64, negative_max: i64) -> ScoringRole {
    if rating >= positive_min {
        ScoringRole::Positive
    } else if rating <= negative_max {
        ScoringRole::Negative
    } else {
        ScoringRole::Neutral
    }
}

fn indicator(roles: &[Option<ScoringRole>], target: ScoringRole) -> Vec<f64> {
    roles
        .iter()
        .map(|role| match role {
            Some(ScoringRole::NotApplicable) | None => f64::NAN,
            Some(role) => f64::from(u8::from(*role == target)),
        })
        .collect()
}

/// Every measure of the survey that the data holds, in questionnaire order, domains last.
pub fn measures(survey: &Survey, data: &Dataset) -> Vec<Measure> {
    let mut out = Vec::new();
    let mut domains: BTreeMap<String, Vec<Source>> = BTreeMap::new();
    for (index, column) in data.columns.iter().enumerate() {
        let (item_id, domain) = match &column.source {
            ColumnSource::Item { item, domain, .. }
            | ColumnSource::MatrixRow { item, domain, .. } => (item.clone(), domain.clone()),
            ColumnSource::Option { item, .. } => (item.clone(), None),
            _ => continue,
        };
        let mut push = |statistic, source: Source| {
            out.push(Measure {
                item: column.name.clone(),
                statistic,
                item_id: Some(item_id.clone()),
                source,
            })
        };
        let positive_source = match &column.data {
            ColumnData::Coded { .. } => {
                let roles = code_roles(survey, &column.source, &column.data);
                let has = |role| roles.contains(&Some(role));
                let positive = Source::Coded {
                    column: index,
                    by_code: indicator(&roles, ScoringRole::Positive),
                };
                if has(ScoringRole::Positive) {
                    push(Statistic::PctPositive, positive.clone());
                }
                if has(ScoringRole::Negative) {
                    push(
                        Statistic::PctProblem,
                        Source::Coded {
                            column: index,
                            by_code: indicator(&roles, ScoringRole::Negative),
                        },
                    );
                }
                has(ScoringRole::Positive).then_some(positive)
            }
            ColumnData::Numeric(_) => {
                push(
                    Statistic::Mean,
                    Source::Numeric {
                        column: index,
                        role: None,
                    },
                );
                match survey.item(item_id.as_str()).map(|item| &item.kind) {
                    Some(ItemKind::Rating(rating)) => {
                        let scored = |role| Source::Numeric {
                            column: index,
                            role: Some((role, rating.positive_min, rating.negative_max)),
                        };
                        push(Statistic::PctPositive, scored(ScoringRole::Positive));
                        push(Statistic::PctProblem, scored(ScoringRole::Negative));
                        Some(scored(ScoringRole::Positive))
                    }
                    _ => None,
                }
            }
            ColumnData::Flag(_) => {
                push(Statistic::PctSelected, Source::Flag { column: index });
                None
            }
            ColumnData::NotAnalysed => None,
        };
        if let (Some(domain), Some(source)) = (domain, positive_source) {
            domains.entry(domain.to_string()).or_default().push(source);
        }
    }
    out.extend(domains.into_iter().map(|(domain, parts)| Measure {
        item: domain,
        statistic: Statistic::DomainScore,
        item_id: None,
        source: Source::Domain { parts },
    }));
    out
}

/// The scoring role of each code of a coded column, from the codebook.
fn code_roles(
    survey: &Survey,
    source: &ColumnSource,
    data: &ColumnData,
) -> Vec<Option<ScoringRole>> {
    let ColumnData::Coded { codes, .. } = data else {
        return Vec::new();
    };
    let item = match source {
        ColumnSource::Item { item, .. } | ColumnSource::MatrixRow { item, .. } => {
            survey.item(item.as_str())
        }
        _ => None,
    };
    let options = item.and_then(|item| item.kind.options());
    codes
        .iter()
        .map(|code| {
            options
                .and_then(|options| options.find(code.as_str()))
                .map(|option| option.role)
        })
        .collect()
}
