//! Simulated responses: valid for the survey, reproducible from a seed, with realistic patterns
//! (sites that differ, respondents who are more or less satisfied, skipped optional questions).

use std::collections::BTreeMap;

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

use crate::answer::{Answer, Answers};
use crate::model::{Code, Id, Item, ItemKind, Options, Rating, ScoringRole, Survey};

/// One simulated respondent: a random id, frame values and answers.
#[derive(Debug, Clone, PartialEq)]
pub struct SimulatedResponse {
    /// Random id, written to the wide table's `response_id` column.
    pub response_id: String,
    /// Value drawn for each frame variable (site, age band...).
    pub frame: BTreeMap<Id, Code>,
    /// Answers that pass validation against the survey.
    pub answers: Answers,
}

/// How often optional questions are left blank, and how often "does not apply" is chosen.
const SKIP_OPTIONAL: f64 = 0.06;
const NOT_APPLICABLE: f64 = 0.05;
const ANSWER_FREE_TEXT: f64 = 0.3;

/// `n` responses drawn from a seeded generator: the same seed gives the same responses.
pub fn simulate(survey: &Survey, n: usize, seed: u64) -> Vec<SimulatedResponse> {
    Simulator::new(survey, seed).take(n).collect()
}

/// An endless stream of simulated responses (the same as [`simulate`] for the same seed), for
/// data sets too large to hold as answers in memory.
pub struct Simulator<'a> {
    survey: &'a Survey,
    rng: ChaCha8Rng,
    /// Share of each frame value, per frame variable (big and small sites).
    shares: Vec<Vec<f64>>,
    /// Quality effect of each value of the first frame variable (the site).
    site_effects: Vec<f64>,
}

impl<'a> Simulator<'a> {
    /// A simulator seeded with `seed`.
    pub fn new(survey: &'a Survey, seed: u64) -> Simulator<'a> {
        let mut rng = ChaCha8Rng::seed_from_u64(seed);
        let shares: Vec<Vec<f64>> = survey
            .frame
            .iter()
            .map(|variable| {
                variable
                    .values
                    .iter()
                    .map(|_| 0.3 + rng.random::<f64>())
                    .collect()
            })
            .collect();
        let site_effects: Vec<f64> = survey
            .frame
            .first()
            .map(|variable| {
                variable
                    .values
                    .iter()
                    .map(|_| 0.6 * normal(&mut rng))
                    .collect()
            })
            .unwrap_or_default();
        Simulator {
            survey,
            rng,
            shares,
            site_effects,
        }
    }
}

impl Iterator for Simulator<'_> {
    type Item = SimulatedResponse;

    fn next(&mut self) -> Option<SimulatedResponse> {
        let rng = &mut self.rng;
        let mut frame = BTreeMap::new();
        let mut latent = 0.4 + normal(rng);
        for (var_idx, variable) in self.survey.frame.iter().enumerate() {
            let value_idx = weighted_index(rng, &self.shares[var_idx]);
            if var_idx == 0 {
                latent += self
                    .site_effects
                    .get(value_idx)
                    .copied()
                    .unwrap_or_default();
            }
            frame.insert(variable.id.clone(), variable.values[value_idx].code.clone());
        }
        let answers = respond(self.survey, rng, latent);
        Some(SimulatedResponse {
            response_id: random_id(rng),
            frame,
            answers,
        })
    }
}

/// A random 128-bit id as 32 hex digits.
fn random_id(rng: &mut ChaCha8Rng) -> String {
    format!("{:032x}", rng.random::<u128>())
}

fn respond(survey: &Survey, rng: &mut ChaCha8Rng, latent: f64) -> Answers {
    let mut answers = Answers::new();
    for section in &survey.sections {
        if !section
            .show_if
            .as_ref()
            .is_none_or(|condition| condition.holds(survey, &answers))
        {
            continue;
        }
        for item in &section.items {
            let shown = item
                .show_if
                .as_ref()
                .is_none_or(|condition| condition.holds(survey, &answers));
            if !shown || (!item.required && rng.random_bool(SKIP_OPTIONAL)) {
                continue;
            }
            if let Some(answer) = answer(item, rng, latent) {
                answers.insert(item.id.clone(), answer);
            }
        }
    }
    answers
}

fn answer(item: &Item, rng: &mut ChaCha8Rng, latent: f64) -> Option<Answer> {
    let answer = match &item.kind {
        ItemKind::SingleChoice(options) | ItemKind::Scale(options) => {
            Answer::Choice(choose(options, rng, latent))
        }
        ItemKind::MultipleChoice(options) => Answer::Choices(tick(options, rng)),
        ItemKind::Rating(_) => {
            let (low, high) = Rating::RANGE;
            let rating = (7.6 + 1.6 * latent + 0.8 * normal(rng)).round() as i64;
            Answer::Rating(rating.clamp(low, high))
        }
        ItemKind::Number(spec) => {
            let number = spec.min + rng.random::<f64>() * (spec.max - spec.min);
            Answer::Number(if spec.integer {
                number.round().clamp(spec.min, spec.max)
            } else {
                number
            })
        }
        ItemKind::Text(spec) => {
            if !item.required && !rng.random_bool(ANSWER_FREE_TEXT) {
                return None;
            }
            let text = format!("Simulated comment {}", rng.random_range(1..1000));
            Answer::Text(text.chars().take(spec.max_length).collect())
        }
        ItemKind::MonthYear(spec) => Answer::MonthYear {
            year: rng.random_range(spec.min_year..=spec.max_year),
            month: rng.random_range(1..=12),
        },
        ItemKind::Matrix(matrix) => {
            let rows = matrix
                .rows
                .iter()
                .map(|row| (row.id.clone(), choose(&matrix.options, rng, latent)))
                .collect();
            Answer::Matrix(rows)
        }
        ItemKind::Display => return None,
    };
    Some(answer)
}

/// Picks one option: "does not apply" now and then, otherwise tilted towards the positive end
/// by the respondent's latent experience.
fn choose(options: &Options, rng: &mut ChaCha8Rng, latent: f64) -> Code {
    let not_applicable: Vec<&Code> = options
        .options
        .iter()
        .filter(|o| o.role == ScoringRole::NotApplicable)
        .map(|o| &o.code)
        .collect();
    if !not_applicable.is_empty() && rng.random_bool(NOT_APPLICABLE) {
        return not_applicable[rng.random_range(0..not_applicable.len())].clone();
    }
    let applicable: Vec<_> = options
        .options
        .iter()
        .filter(|o| o.role != ScoringRole::NotApplicable)
        .collect();
    let weights: Vec<f64> = applicable
        .iter()
        .map(|option| {
            let goodness = match option.role {
                ScoringRole::Positive => 1.0,
                ScoringRole::Negative => -1.0,
                _ => 0.0,
            };
            (1.2 * latent * goodness).exp()
        })
        .collect();
    applicable[weighted_index(rng, &weights)].code.clone()
}

/// Ticks options of a multiple-choice item; an exclusive option stands alone.
fn tick(options: &Options, rng: &mut ChaCha8Rng) -> Vec<Code> {
    let ticked: Vec<Code> = options
        .options
        .iter()
        .filter(|option| !option.exclusive && rng.random_bool(0.3))
        .map(|option| option.code.clone())
        .collect();
    if !ticked.is_empty() {
        return ticked;
    }
    let fallback = options
        .options
        .iter()
        .find(|option| option.exclusive)
        .or_else(|| {
            options
                .options
                .get(rng.random_range(0..options.options.len()))
        });
    fallback
        .map(|option| vec![option.code.clone()])
        .unwrap_or_default()
}

fn weighted_index(rng: &mut ChaCha8Rng, weights: &[f64]) -> usize {
    let total: f64 = weights.iter().sum();
    let mut pick = rng.random::<f64>() * total;
    for (idx, weight) in weights.iter().enumerate() {
        if pick < *weight {
            return idx;
        }
        pick -= weight;
    }
    weights.len().saturating_sub(1)
}

/// A standard normal draw (Box-Muller).
fn normal(rng: &mut ChaCha8Rng) -> f64 {
    let u1: f64 = rng.random::<f64>().max(f64::MIN_POSITIVE);
    let u2: f64 = rng.random();
    (-2.0 * u1.ln()).sqrt() * (std::f64::consts::TAU * u2).cos()
}
