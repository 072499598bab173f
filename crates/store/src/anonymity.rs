//! k-anonymity of exported microdata over the quasi-identifiers: every combination of their
//! values must be shared by at least k records (DOMAIN.md section 4; ARX and sdcMicro implement
//! the same model). Rare values are grouped into `other`, or records left out, as the policy says.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use crate::export::{AnonymityPolicy, AnonymityRefusal, Recoding};

/// The code rare values are grouped into.
pub(crate) const OTHER: &str = "other";

/// What was done to make the records k-anonymous.
#[derive(Debug, Default)]
pub(crate) struct Outcome {
    /// Per record: kept in the export.
    pub kept: Vec<bool>,
    pub recodings: Vec<Recoding>,
    pub suppressed: usize,
}

type Frame = BTreeMap<String, String>;

fn key(frame: &Frame, quasi: &[String]) -> Vec<String> {
    quasi
        .iter()
        .map(|variable| frame.get(variable).cloned().unwrap_or_default())
        .collect()
}

/// Indices of kept records whose combination is shared by fewer than k kept records.
fn violations(frames: &[Frame], kept: &[bool], quasi: &[String], k: usize) -> Vec<usize> {
    let mut sizes: HashMap<Vec<String>, usize> = HashMap::new();
    for (frame, _) in frames.iter().zip(kept).filter(|(_, kept)| **kept) {
        *sizes.entry(key(frame, quasi)).or_default() += 1;
    }
    (0..frames.len())
        .filter(|&idx| kept[idx] && sizes[&key(&frames[idx], quasi)] < k)
        .collect()
}

/// Makes `frames` k-anonymous over `quasi` following `policy`, recoding in place.
/// `last_resort` (the site) is generalised only when nothing else helps.
pub(crate) fn apply(
    frames: &mut [Frame],
    quasi: &[String],
    k: usize,
    policy: AnonymityPolicy,
    last_resort: &str,
) -> Result<Outcome, AnonymityRefusal> {
    let mut outcome = Outcome {
        kept: vec![true; frames.len()],
        ..Outcome::default()
    };
    let initial = violations(frames, &outcome.kept, quasi, k);
    if initial.is_empty() || quasi.is_empty() {
        return Ok(outcome);
    }
    match policy {
        AnonymityPolicy::Refuse => {
            let combinations: BTreeSet<Vec<String>> = initial
                .iter()
                .map(|&idx| key(&frames[idx], quasi))
                .collect();
            return Err(AnonymityRefusal {
                k,
                quasi_identifiers: quasi.to_vec(),
                records: frames.len(),
                violating_records: initial.len(),
                violating_combinations: combinations.len(),
            });
        }
        AnonymityPolicy::Generalise => generalise(frames, quasi, k, last_resort, &mut outcome),
        AnonymityPolicy::Suppress => {}
    }
    for idx in violations(frames, &outcome.kept, quasi, k) {
        outcome.kept[idx] = false;
        outcome.suppressed += 1;
    }
    Ok(outcome)
}

/// Greedy generalisation: while some combination is too rare, take the variable with the most
/// distinct values (the site last) and group its rarest value into `other`.
fn generalise(
    frames: &mut [Frame],
    quasi: &[String],
    k: usize,
    last_resort: &str,
    outcome: &mut Outcome,
) {
    let mut merged: BTreeMap<String, (BTreeSet<String>, usize)> = BTreeMap::new();
    while !violations(frames, &outcome.kept, quasi, k).is_empty() {
        let counts = |variable: &str| -> BTreeMap<String, usize> {
            let mut counts = BTreeMap::new();
            for frame in frames.iter() {
                *counts
                    .entry(frame.get(variable).cloned().unwrap_or_default())
                    .or_default() += 1;
            }
            counts
        };
        // Only a variable whose values still split the records can help.
        let candidate = quasi
            .iter()
            .map(|variable| (variable, counts(variable)))
            .filter(|(_, counts)| counts.len() > 1)
            .max_by_key(|(variable, counts)| (variable.as_str() != last_resort, counts.len()));
        let Some((variable, counts)) = candidate else {
            break;
        };
        let rarest = counts
            .iter()
            .filter(|(value, _)| *value != OTHER)
            .min_by_key(|(value, n)| (**n, (*value).clone()));
        let Some((rarest, _)) = rarest else { break };
        let rarest = rarest.clone();
        let mut changed = 0;
        for frame in frames.iter_mut() {
            if frame.get(variable) == Some(&rarest) {
                frame.insert(variable.clone(), OTHER.to_owned());
                changed += 1;
            }
        }
        let entry = merged.entry(variable.clone()).or_default();
        entry.0.insert(rarest);
        entry.1 += changed;
    }
    outcome.recodings = merged
        .into_iter()
        .map(|(variable, (values, records))| Recoding {
            variable,
            values: values.into_iter().collect(),
            into: OTHER.to_owned(),
            records,
        })
        .collect();
}

#[cfg(test)]
mod tests {
    use super::*;

    fn frames(rows: &[(&str, &str)]) -> Vec<Frame> {
        rows.iter()
            .map(|(site, age)| {
                [
                    ("site".to_owned(), site.to_string()),
                    ("age".to_owned(), age.to_string()),
                ]
                .into_iter()
                .collect()
            })
            .collect()
    }

    fn quasi() -> Vec<String> {
        vec!["site".to_owned(), "age".to_owned()]
    }

    #[test]
    fn refuse_reports_without_changing_anything() {
        let mut data = frames(&[("A", "1"), ("A", "1"), ("A", "2")]);
        let refusal =
            apply(&mut data, &quasi(), 2, AnonymityPolicy::Refuse, "site").expect_err("refused");
        assert_eq!(
            (refusal.violating_records, refusal.violating_combinations),
            (1, 1)
        );
        assert_eq!(data[2]["age"], "2");
    }

    #[test]
    fn generalise_groups_rare_values_before_touching_the_site() {
        let mut data = frames(&[
            ("A", "1"),
            ("A", "1"),
            ("A", "2"),
            ("A", "3"),
            ("B", "1"),
            ("B", "1"),
        ]);
        let outcome = apply(&mut data, &quasi(), 2, AnonymityPolicy::Generalise, "site")
            .expect("generalised");
        assert!(violations(&data, &outcome.kept, &quasi(), 2).is_empty());
        assert_eq!(outcome.suppressed, 0);
        assert!(
            outcome
                .recodings
                .iter()
                .all(|recoding| recoding.variable == "age"),
            "{:?}",
            outcome.recodings
        );
        assert_eq!(data[2]["age"], OTHER);
        assert_eq!(data[0]["site"], "A");
    }

    #[test]
    fn suppress_leaves_out_the_rare_records_only() {
        let mut data = frames(&[("A", "1"), ("A", "1"), ("A", "2"), ("B", "1"), ("B", "1")]);
        let outcome =
            apply(&mut data, &quasi(), 2, AnonymityPolicy::Suppress, "site").expect("suppressed");
        assert_eq!(outcome.kept, vec![true, true, false, true, true]);
        assert_eq!(outcome.suppressed, 1);
    }
}
