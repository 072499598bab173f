//! Suppression played by an attacker (issue 14): the real analysis of a small wave, then every
//! way the shown figures could give a hidden one away, which must all fail.
//!
//! The wave: the example survey with six sites, H4 (4 respondents) and H5 (5) too small, H2 (11)
//! whose 11 answers to `surgery_explained` include 3 "don't know" (8 applicable, so its
//! % positive is hidden while its 11 answers are enough for the option shares), nurses rated
//! by only 9 patients aged 70+ (a hidden item of a shown domain), two patients with no sex in
//! the frame (the overall minus women and men would be them), post-stratified to site, and an
//! earlier wave in which H3 was small.
//!
//! The attacker holds every shown figure of this wave and of the earlier one, the definition
//! (codes, roles, domains) and the invited counts. Derivations: any n of the same item x unit;
//! option counts (percent x n) adding up to the answered n and giving % positive and % problem;
//! the overall minus the shown units, for every statistic; weighted equal to unweighted within
//! a weighting cell; response rate = respondents / invited; % positive = change + the earlier
//! wave's figure; a domain score as the mean of its items. Every derived value that is right is
//! kept and used again (an attacker who can tell, which makes the test stricter).

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use vecu_analysis::{
    analyse, read_responses, Analysis, FrameCounts, Method, Options, Previous, ResultRow, RESPONSE,
};
use vecu_survey::{Codebook, ColumnSource, ScoringRole, Survey};

const THRESHOLD: u64 = 10;
const SITES: [&str; 6] = ["H1", "H2", "H3", "H4", "H5", "H6"];
const INVITED: [u32; 6] = [100, 30, 60, 20, 15, 70];
const BANDS: [&str; 3] = ["18-49", "50-69", "70+"];

/// The example survey with sites H1 to H6.
fn survey() -> Survey {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../surveys/example.json");
    let text = std::fs::read_to_string(path).expect("the example survey is readable");
    let mut definition: serde_json::Value = serde_json::from_str(&text).expect("JSON");
    let site = &mut definition["frame"][0];
    assert_eq!(site["id"], "site", "the example's first frame variable");
    let first = site["values"][0].clone();
    site["values"] = SITES
        .iter()
        .map(|code| {
            let mut value = first.clone();
            value["code"] = (*code).into();
            value
        })
        .collect();
    vecu_survey::load_str(&definition.to_string()).expect("the survey with six sites is valid")
}

/// A small deterministic generator (64-bit LCG, Knuth's MMIX constants).
struct Draws(u64);

impl Draws {
    fn below(&mut self, bound: u64) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (self.0 >> 33) % bound
    }
}

/// One wave as the wide CSV: `sizes` respondents per site.
fn wave_csv(survey: &Survey, sizes: [usize; 6], seed: u64) -> String {
    let names: Vec<String> = Codebook::new(survey).names().map(str::to_owned).collect();
    let mut out = names.join(",") + "\n";
    let mut draws = Draws(seed);
    let mut aged_70_rating_nurses = 0;
    let mut index = 0;
    for (site, size) in SITES.iter().zip(sizes) {
        for patient in 0..size {
            let mut cells: BTreeMap<&str, String> = BTreeMap::new();
            cells.insert("response_id", format!("r{index}"));
            cells.insert("site", (*site).to_owned());
            let band = BANDS[index % 3];
            cells.insert("age_band", band.to_owned());
            // Two patients of H1 have no sex in the frame.
            let sex = match (*site, patient) {
                ("H1", 0 | 1) => "",
                _ if draws.below(2) == 0 => "F",
                _ => "M",
            };
            cells.insert("sex", sex.to_owned());
            let surgery = *site == "H2" || draws.below(10) < 7;
            cells.insert("surgery", if surgery { "yes" } else { "no" }.to_owned());
            if surgery {
                let explained = match (*site, patient) {
                    ("H2", 0..=2) => "9",
                    ("H2", _) => ["1", "1", "2", "3"][draws.below(4) as usize],
                    _ => ["1", "1", "1", "2", "3", "9"][draws.below(6) as usize],
                };
                cells.insert("surgery_explained", explained.to_owned());
                cells.insert("nights", draws.below(11).to_string());
            }
            let ticked = draws.below(4) as usize;
            for (option, code) in ["family", "nurse", "psy", "none"].iter().enumerate() {
                let flag = if option == ticked { "1" } else { "0" };
                cells.insert(
                    match *code {
                        "family" => "support_from.family",
                        "nurse" => "support_from.nurse",
                        "psy" => "support_from.psy",
                        _ => "support_from.none",
                    },
                    flag.to_owned(),
                );
            }
            cells.insert("staff.doctors", (1 + draws.below(4)).to_string());
            // Only nine patients aged 70+ rate the nurses; everyone else does.
            if band != "70+" || aged_70_rating_nurses < 9 {
                aged_70_rating_nurses += usize::from(band == "70+");
                cells.insert("staff.nurses", (1 + draws.below(4)).to_string());
            }
            cells.insert("overall", draws.below(11).to_string());
            let row: Vec<String> = names
                .iter()
                .map(|name| cells.get(name.as_str()).cloned().unwrap_or_default())
                .collect();
            out += &(row.join(",") + "\n");
            index += 1;
        }
    }
    out
}

struct Waves {
    now: Analysis,
    truth: Analysis,
    before: Analysis,
}

/// The wave described at the top.
fn waves() -> Waves {
    waves_with([40, 11, 25, 4, 5, 30], [35, 20, 9, 12, 6, 28], 14)
}

/// Waves of random site sizes, some under the threshold.
fn random_waves(count: u64) -> impl Iterator<Item = ([usize; 6], Waves)> {
    let mut draws = Draws(99);
    (0..count).map(move |round| {
        let mut size = || [3, 6, 9, 11, 14, 25, 40][draws.below(7) as usize];
        let now = [size(), size(), size(), size(), size(), size()];
        let before = [size(), size(), size(), size(), size(), size()];
        (now, waves_with(now, before, round + 1))
    })
}

/// Both waves analysed as `vecu analyse` does (CSV read, post-stratified to site, the earlier
/// wave for changes), and the current one again with nothing hidden, to know the truth.
fn waves_with(sizes_now: [usize; 6], sizes_before: [usize; 6], seed: u64) -> Waves {
    let survey = survey();
    let dir = tempfile::tempdir().expect("a temporary folder");
    let now_path = dir.path().join("now.csv");
    let before_path = dir.path().join("before.csv");
    let now_csv = wave_csv(&survey, sizes_now, seed);
    let before_csv = wave_csv(&survey, sizes_before, seed + 1000);
    std::fs::write(&now_path, now_csv).expect("written");
    std::fs::write(&before_path, before_csv).expect("written");
    let now = read_responses(&survey, &now_path).expect("this wave loads");
    let before = read_responses(&survey, &before_path).expect("the earlier wave loads");
    let invited: String = SITES
        .iter()
        .zip(INVITED)
        .map(|(site, count)| format!("{site},{count}\n"))
        .collect();
    let counts = FrameCounts::parse(&survey, &format!("site,invited\n{invited}"))
        .expect("valid invited counts");
    let options = |threshold| Options {
        threshold,
        weighting: Some((counts.clone(), Method::PostStratify)),
        ..Options::default()
    };
    let previous = Previous {
        survey: &survey,
        data: &before,
    };
    let run = |data, threshold, previous| {
        analyse(&survey, data, &options(threshold), previous, &mut |_, _| {})
            .expect("the analysis runs")
    };
    Waves {
        now: run(&now, THRESHOLD, Some(previous)),
        truth: run(&now, 1, Some(previous)),
        before: run(&before, THRESHOLD, None),
    }
}

/// Where a figure sits in the results table.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
struct Key {
    item: String,
    kind: String,
    unit: String,
    statistic: String,
    option: Option<String>,
    weighted: bool,
}

impl Key {
    fn of(row: &ResultRow) -> Key {
        Key {
            item: row.item.clone(),
            kind: row.unit_kind.clone(),
            unit: row.unit.clone(),
            statistic: row.statistic.clone(),
            option: row.option.clone(),
            weighted: row.weighted,
        }
    }

    fn with(&self, statistic: &str, option: Option<&str>, weighted: bool) -> Key {
        Key {
            statistic: statistic.to_owned(),
            option: option.map(str::to_owned),
            weighted,
            ..self.clone()
        }
    }

    fn at(&self, kind: &str, unit: &str) -> Key {
        Key {
            kind: kind.to_owned(),
            unit: unit.to_owned(),
            ..self.clone()
        }
    }

    fn same_cell(&self, other: &Key) -> bool {
        (&self.item, &self.kind, &self.unit) == (&other.item, &other.kind, &other.unit)
    }
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Part {
    Estimate,
    N,
}

/// What the attacker knows and what it worked out.
struct Attacker<'a> {
    truth: BTreeMap<Key, &'a ResultRow>,
    hidden: BTreeSet<Key>,
    estimate: BTreeMap<Key, f64>,
    n: BTreeMap<Key, f64>,
    earlier: BTreeMap<Key, f64>,
    /// Answer codes and roles of each coded column, from the definition.
    codes: BTreeMap<String, Vec<(String, Option<ScoringRole>)>>,
    /// Columns averaged by each domain score, from the definition.
    domains: BTreeMap<String, Vec<String>>,
    invited: BTreeMap<String, f64>,
    /// Hidden figures worked out, with how.
    derived: Vec<String>,
    /// Groups of fewer than the threshold whose figures the shown ones give.
    small_groups: BTreeSet<String>,
}

impl<'a> Attacker<'a> {
    fn new(waves: &'a Waves, survey: &Survey) -> Attacker<'a> {
        let truth: BTreeMap<Key, &ResultRow> = waves
            .truth
            .rows
            .iter()
            .map(|row| (Key::of(row), row))
            .collect();
        let mut attacker = Attacker {
            truth,
            hidden: BTreeSet::new(),
            estimate: BTreeMap::new(),
            n: BTreeMap::new(),
            earlier: BTreeMap::new(),
            codes: BTreeMap::new(),
            domains: BTreeMap::new(),
            invited: SITES
                .iter()
                .zip(INVITED)
                .map(|(site, count)| ((*site).to_owned(), f64::from(count)))
                .collect(),
            derived: Vec::new(),
            small_groups: BTreeSet::new(),
        };
        for row in &waves.now.rows {
            let key = Key::of(row);
            assert!(
                attacker.truth.contains_key(&key),
                "{key:?} only when hidden"
            );
            if row.is_shown() {
                row.estimate
                    .map(|e| attacker.estimate.insert(key.clone(), e));
                row.n.map(|n| attacker.n.insert(key, n as f64));
            } else {
                assert_eq!(
                    (row.estimate, row.n, row.ci_low, row.se),
                    (None, None, None, None)
                );
                attacker.hidden.insert(key);
            }
        }
        for row in waves.before.rows.iter().filter(|row| row.is_shown()) {
            row.estimate
                .map(|e| attacker.earlier.insert(Key::of(row), e));
        }
        for column in Codebook::new(survey).columns {
            let domain = match &column.source {
                ColumnSource::Item { domain, .. } | ColumnSource::MatrixRow { domain, .. } => {
                    domain.as_ref()
                }
                _ => None,
            };
            if let Some(domain) = domain {
                attacker
                    .domains
                    .entry(domain.to_string())
                    .or_default()
                    .push(column.name.clone());
            }
            if !column.values.is_empty() {
                let codes = column
                    .values
                    .iter()
                    .map(|value| (value.code.to_string(), value.role))
                    .collect();
                attacker.codes.insert(column.name.clone(), codes);
            }
        }
        attacker
    }

    fn known(&self, key: &Key, part: Part) -> Option<f64> {
        match part {
            Part::Estimate => self.estimate.get(key).copied(),
            Part::N => self.n.get(key).copied(),
        }
    }

    /// A candidate value of a figure: kept when it is a hidden figure's true value.
    fn propose(&mut self, key: &Key, part: Part, value: f64, how: &str) -> bool {
        if !value.is_finite() || !self.hidden.contains(key) || self.known(key, part).is_some() {
            return false;
        }
        let Some(row) = self.truth.get(key) else {
            return false;
        };
        let truth = match part {
            Part::Estimate => row.estimate,
            Part::N => row.n.map(|n| n as f64),
        };
        let Some(truth) = truth else {
            return false;
        };
        if (value - truth).abs() > 1e-9 * truth.abs().max(1.0) {
            return false;
        }
        self.derived
            .push(format!("{part:?} {truth} of {key:?} from {how}"));
        match part {
            Part::Estimate => self.estimate.insert(key.clone(), value),
            Part::N => self.n.insert(key.clone(), value),
        };
        true
    }

    /// Applies every derivation until none gives anything new.
    fn attack(&mut self, with_domains: bool) {
        loop {
            let mut learnt = self.same_cell_n();
            learnt |= self.option_counts();
            learnt |= self.overall_minus_shown();
            learnt |= self.weighted_and_rates();
            learnt |= self.changes();
            if with_domains {
                learnt |= self.domain_means();
            }
            if !learnt {
                break;
            }
        }
    }

    /// Every figure of one item x unit with the same respondents has the same n (an earlier
    /// wave's figure has other respondents, a change the fewer of two waves').
    fn same_cell_n(&mut self) -> bool {
        let mut learnt = false;
        let earlier = |key: &Key| {
            key.statistic.starts_with("earlier_") || key.statistic.starts_with("change_")
        };
        let hidden: Vec<Key> = self
            .hidden
            .iter()
            .filter(|key| !earlier(key))
            .cloned()
            .collect();
        for key in &hidden {
            let candidates: Vec<(Key, f64)> = self
                .n
                .iter()
                .filter(|(other, _)| other.same_cell(key) && !earlier(other))
                .map(|(other, n)| (other.clone(), *n))
                .collect();
            for (other, n) in candidates {
                learnt |= self.propose(key, Part::N, n, &format!("the n of {other:?}"));
            }
        }
        learnt
    }

    /// Option shares x answered n are counts; they add up to n and give % positive and % problem.
    fn option_counts(&mut self) -> bool {
        let mut learnt = false;
        let cells: BTreeSet<Key> = self
            .truth
            .keys()
            .filter(|key| key.statistic == "pct_option")
            .map(|key| key.with("pct_option", None, false))
            .collect();
        for cell in cells {
            let Some(codes) = self.codes.get(&cell.item).cloned() else {
                continue;
            };
            let option = |code: &str| cell.with("pct_option", Some(code), false);
            let answered = codes
                .iter()
                .find_map(|(code, _)| self.known(&option(code), Part::N));
            let Some(answered) = answered else {
                continue;
            };
            for (code, _) in &codes {
                learnt |= self.propose(&option(code), Part::N, answered, "the answered n");
            }
            let missing: Vec<&String> = codes
                .iter()
                .map(|(code, _)| code)
                .filter(|code| self.known(&option(code), Part::Estimate).is_none())
                .collect();
            if let [last] = missing.as_slice() {
                let others: f64 = codes
                    .iter()
                    .filter_map(|(code, _)| self.known(&option(code), Part::Estimate))
                    .sum();
                learnt |= self.propose(
                    &option(last),
                    Part::Estimate,
                    100.0 - others,
                    "100 minus the other option shares",
                );
            }
            let counts: Option<Vec<(f64, Option<ScoringRole>)>> = codes
                .iter()
                .map(|(code, role)| {
                    self.known(&option(code), Part::Estimate)
                        .map(|share| ((share * answered / 100.0).round(), *role))
                })
                .collect();
            if let Some(counts) = counts {
                let sum = |keep: &dyn Fn(Option<ScoringRole>) -> bool| -> f64 {
                    counts
                        .iter()
                        .filter(|(_, role)| keep(*role))
                        .map(|(count, _)| count)
                        .sum()
                };
                let applicable =
                    sum(&|role| role.is_some() && role != Some(ScoringRole::NotApplicable));
                let positive = sum(&|role| role == Some(ScoringRole::Positive));
                let negative = sum(&|role| role == Some(ScoringRole::Negative));
                let how = "the option counts";
                for (statistic, count) in [("pct_positive", positive), ("pct_problem", negative)] {
                    let key = cell.with(statistic, None, false);
                    learnt |= self.propose(&key, Part::N, applicable, how);
                    learnt |= self.propose(&key, Part::Estimate, 100.0 * count / applicable, how);
                }
            }
            // Back from % positive and its n to the share of a code that alone is positive.
            let positive_codes: Vec<&String> = codes
                .iter()
                .filter(|(_, role)| *role == Some(ScoringRole::Positive))
                .map(|(code, _)| code)
                .collect();
            let positive = cell.with("pct_positive", None, false);
            if let ([code], Some(share), Some(n)) = (
                positive_codes.as_slice(),
                self.known(&positive, Part::Estimate),
                self.known(&positive, Part::N),
            ) {
                learnt |= self.propose(
                    &option(code),
                    Part::Estimate,
                    share * n / answered,
                    "% positive x its n / the answered n",
                );
            }
        }
        learnt
    }

    /// The overall minus the shown units of one kind, for every statistic: the n, and for
    /// unweighted shares, means and scores the sum (estimate x n).
    fn overall_minus_shown(&mut self) -> bool {
        let mut learnt = false;
        let mut families: BTreeMap<(Key, String), Vec<Key>> = BTreeMap::new();
        for key in self.truth.keys() {
            if key.kind != "overall" && !key.statistic.starts_with("change_") {
                let overall = key.at("overall", "all");
                if self.truth.contains_key(&overall) {
                    families
                        .entry((overall, key.kind.clone()))
                        .or_default()
                        .push(key.clone());
                }
            }
        }
        for ((overall, kind), members) in families {
            let (Some(total_n), Some(total)) = (
                self.known(&overall, Part::N),
                self.known(&overall, Part::Estimate),
            ) else {
                continue;
            };
            let unknown_n: Vec<&Key> = members
                .iter()
                .filter(|key| self.known(key, Part::N).is_none())
                .collect();
            let rest_n = total_n
                - members
                    .iter()
                    .filter_map(|key| self.known(key, Part::N))
                    .sum::<f64>();
            let how = format!("the overall minus the shown {kind} units");
            if let [only] = unknown_n.as_slice() {
                let only = (*only).clone();
                learnt |= self.propose(&only, Part::N, rest_n, &how);
            } else if rest_n > 0.5 && rest_n < THRESHOLD as f64 {
                self.small_groups.insert(format!(
                    "{} respondents: {overall:?} minus the shown {kind} units",
                    rest_n
                ));
            }
            let additive = !overall.weighted && overall.item != RESPONSE;
            let unknown: Vec<&Key> = members
                .iter()
                .filter(|key| self.known(key, Part::Estimate).is_none())
                .collect();
            if let ([only], true) = (unknown.as_slice(), additive) {
                let only = (*only).clone();
                let mut rest = total * total_n;
                for key in members.iter().filter(|key| **key != only) {
                    let (Some(estimate), Some(n)) =
                        (self.known(key, Part::Estimate), self.known(key, Part::N))
                    else {
                        continue;
                    };
                    rest -= estimate * n;
                }
                // Only with the unit's n known: else the rest may hold people with no value
                // of the variable, and a match would be luck, not a derivation.
                if let Some(n) = self.known(&only, Part::N) {
                    learnt |= self.propose(&only, Part::Estimate, rest / n, &how);
                }
            }
        }
        learnt
    }

    /// Weights are constant within a site (post-stratified to site): a site's weighted figure
    /// is its unweighted one. A response rate is respondents over the invited.
    fn weighted_and_rates(&mut self) -> bool {
        let mut learnt = false;
        let hidden: Vec<Key> = self.hidden.iter().cloned().collect();
        for key in &hidden {
            let twin = key.with(&key.statistic, key.option.as_deref(), !key.weighted);
            if let (Some(estimate), "site") = (self.known(&twin, Part::Estimate), key.kind.as_str())
            {
                learnt |= self.propose(key, Part::Estimate, estimate, "its (un)weighted twin");
            }
            if key.item == RESPONSE {
                if let (Some(n), Some(invited)) =
                    (self.known(key, Part::N), self.invited.get(&key.unit))
                {
                    let rate = 100.0 * n / invited;
                    learnt |= self.propose(key, Part::Estimate, rate, "respondents / invited");
                }
            }
        }
        learnt
    }

    /// % positive now = change + the earlier wave's shown % positive, and back.
    fn changes(&mut self) -> bool {
        let mut learnt = false;
        let changes: Vec<Key> = self
            .truth
            .keys()
            .filter(|key| key.statistic == "change_pct_positive")
            .cloned()
            .collect();
        for change in changes {
            let now = change.with("pct_positive", None, false);
            let Some(before) = self.earlier.get(&now).copied() else {
                continue;
            };
            if let Some(difference) = self.known(&change, Part::Estimate) {
                learnt |= self.propose(&now, Part::Estimate, before + difference, "the change");
            }
            if let Some(current) = self.known(&now, Part::Estimate) {
                learnt |= self.propose(
                    &change,
                    Part::Estimate,
                    current - before,
                    "now minus before",
                );
            }
        }
        learnt
    }

    /// A domain score is the mean of its items' % positive when every respondent answered all
    /// of them (as the equal n of the shown ones suggest): one item from the score and the
    /// others, or the score from all items.
    fn domain_means(&mut self) -> bool {
        let mut learnt = false;
        let scores: Vec<Key> = self
            .truth
            .keys()
            .filter(|key| key.statistic == "domain_score")
            .cloned()
            .collect();
        for score in scores {
            let Some(items) = self.domains.get(&score.item).cloned() else {
                continue;
            };
            let item_key = |item: &String| Key {
                item: item.clone(),
                statistic: "pct_positive".to_owned(),
                ..score.clone()
            };
            let known: Vec<Option<f64>> = items
                .iter()
                .map(|item| self.known(&item_key(item), Part::Estimate))
                .collect();
            let sizes: BTreeSet<u64> = items
                .iter()
                .map(item_key)
                .chain([score.clone()])
                .filter_map(|key| self.known(&key, Part::N))
                .map(|n| n as u64)
                .collect();
            if sizes.len() > 1 {
                continue;
            }
            let k = items.len() as f64;
            let sum: f64 = known.iter().flatten().sum();
            let missing: Vec<usize> = (0..items.len()).filter(|i| known[*i].is_none()).collect();
            match (self.known(&score, Part::Estimate), missing.as_slice()) {
                (Some(mean), [only]) => {
                    let key = item_key(&items[*only]);
                    learnt |= self.propose(&key, Part::Estimate, k * mean - sum, "the domain");
                }
                (None, []) => {
                    learnt |= self.propose(&score, Part::Estimate, sum / k, "its items");
                }
                _ => {}
            }
        }
        learnt
    }

    fn assert_nothing_given_away(&self, wave: &str) {
        assert!(
            self.derived.is_empty() && self.small_groups.is_empty(),
            "{wave}: hidden figures worked out from the shown ones:\n{}\nsmall groups:\n{}",
            self.derived.join("\n"),
            self.small_groups
                .iter()
                .cloned()
                .collect::<Vec<_>>()
                .join("\n")
        );
    }
}

/// The unweighted row of a figure (the first option's for `pct_option`).
fn find<'a>(
    analysis: &'a Analysis,
    item: &str,
    kind: &str,
    unit: &str,
    statistic: &str,
) -> &'a ResultRow {
    let wanted = Key {
        item: item.to_owned(),
        kind: kind.to_owned(),
        unit: unit.to_owned(),
        statistic: statistic.to_owned(),
        option: None,
        weighted: false,
    };
    let found = analysis.rows.iter().find(|row| {
        let key = Key::of(row);
        Key {
            option: None,
            ..key
        } == wanted
    });
    found.unwrap_or_else(|| panic!("no {wanted:?}"))
}

#[test]
fn the_wave_has_what_the_attack_needs() {
    let waves = waves();
    let n = |item, kind, unit, statistic| find(&waves.truth, item, kind, unit, statistic).n;
    assert_eq!(
        n("surgery_explained", "site", "H2", "pct_positive"),
        Some(8)
    );
    assert_eq!(n("surgery_explained", "site", "H2", "pct_option"), Some(11));
    assert_eq!(
        n("staff.nurses", "age_band", "70+", "pct_positive"),
        Some(9)
    );
    let overall = n("overall", "overall", "all", "mean").unwrap_or_default();
    let by_sex: u64 = ["F", "M"]
        .iter()
        .filter_map(|sex| n("overall", "sex", sex, "mean"))
        .sum();
    assert_eq!(overall - by_sex, 2, "two respondents have no sex");
    let change = find(
        &waves.truth,
        "staff.doctors",
        "site",
        "H3",
        "change_pct_positive",
    );
    assert_eq!(
        change.n,
        Some(9),
        "H3 had 9 respondents in the earlier wave"
    );
    assert!(waves.now.rows.iter().any(|row| row.weighted));
    assert!(waves
        .now
        .rows
        .iter()
        .any(|row| row.statistic.starts_with("adjusted_")));
}

#[test]
fn no_hidden_figure_can_be_worked_out_from_the_shown_ones() {
    let waves = waves();
    let survey = survey();
    let mut attacker = Attacker::new(&waves, &survey);
    assert!(
        attacker.hidden.len() > 100,
        "{} hidden",
        attacker.hidden.len()
    );
    attacker.attack(false);
    attacker.assert_nothing_given_away("the wave above");
    // H2's surgery_explained is hidden whole, not only its % positive.
    for statistic in ["pct_positive", "pct_problem", "pct_option"] {
        let row = find(&waves.now, "surgery_explained", "site", "H2", statistic);
        assert!(!row.is_shown(), "{row:?}");
    }
    // A change hidden because the earlier wave was small does not hide this wave's figure.
    let change = find(
        &waves.now,
        "staff.doctors",
        "site",
        "H3",
        "change_pct_positive",
    );
    assert!(!change.is_shown());
    assert!(find(&waves.now, "staff.doctors", "site", "H3", "pct_positive").is_shown());
}

#[test]
fn nor_in_waves_of_random_sizes() {
    let survey = survey();
    for (sizes, waves) in random_waves(20) {
        let mut attacker = Attacker::new(&waves, &survey);
        attacker.attack(false);
        attacker.assert_nothing_given_away(&format!("sites of {sizes:?}"));
    }
}

#[test]
fn domain_scores_give_no_hidden_item_away() {
    let survey = survey();
    let fixed = ([40, 11, 25, 4, 5, 30], waves());
    for (sizes, waves) in std::iter::once(fixed).chain(random_waves(20)) {
        let mut attacker = Attacker::new(&waves, &survey);
        attacker.attack(true);
        attacker.assert_nothing_given_away(&format!("sites of {sizes:?}"));
    }
}

/// A hole suppression alone cannot close. Post-stratified to site, every respondent of a site
/// weighs invited / respondents, so the weighted overall is a second sum over the same hidden
/// sites, with other coefficients. For the required rating (n = respondents), a search over
/// the whole numbers left by the unweighted overall finds the hidden sites' counts.
///
/// Closed by pooling: weighted figures are worked out with the hidden sites pooled, so the
/// search finds either no solution or one that is not the hidden sites' true figures.
#[test]
fn weighted_totals_give_no_hidden_site_away() {
    let waves = waves();
    let figure = |analysis: &Analysis, unit: &str, statistic: &str, weighted: bool| {
        let row = analysis.rows.iter().find(|row| {
            (
                row.item.as_str(),
                row.unit.as_str(),
                row.statistic.as_str(),
                row.weighted,
            ) == ("overall", unit, statistic, weighted)
        });
        row.and_then(|row| row.estimate.zip(row.n))
    };
    let total_invited: f64 = INVITED.iter().map(|count| f64::from(*count)).sum();
    let mut found = Vec::new();
    for statistic in ["pct_positive", "pct_problem"] {
        let overall = figure(&waves.now, "all", statistic, false);
        let weighted = figure(&waves.now, "all", statistic, true);
        let (Some((share, n_all)), Some((weighted_share, _))) = (overall, weighted) else {
            continue;
        };
        // What the hidden sites hold: respondents, counts and weighted counts.
        let mut n_left = n_all as i64;
        let mut count_left = (share * n_all as f64 / 100.0).round() as i64;
        let mut weighted_left = weighted_share / 100.0 * total_invited;
        let mut hidden = Vec::new();
        for (site, invited) in SITES.iter().zip(INVITED) {
            match figure(&waves.now, site, statistic, false) {
                Some((share, n)) => {
                    let count = (share * n as f64 / 100.0).round();
                    n_left -= n as i64;
                    count_left -= count as i64;
                    weighted_left -= f64::from(invited) / n as f64 * count;
                }
                None => hidden.push((*site, f64::from(invited))),
            }
        }
        let [(s0, i0), (s1, i1), (s2, i2)] = hidden.as_slice() else {
            continue;
        };
        let mut solutions = Vec::new();
        for n0 in 1..n_left - 1 {
            for n1 in 1..n_left - n0 {
                let n2 = n_left - n0 - n1;
                for c0 in 0..=n0.min(count_left) {
                    for c1 in 0..=n1.min(count_left - c0) {
                        let c2 = count_left - c0 - c1;
                        let sum = i0 * c0 as f64 / n0 as f64
                            + i1 * c1 as f64 / n1 as f64
                            + i2 * c2 as f64 / n2 as f64;
                        if c2 <= n2 && (sum - weighted_left).abs() < 1e-9 * weighted_left {
                            solutions.push([(s0, n0, c0), (s1, n1, c1), (s2, n2, c2)]);
                        }
                    }
                }
            }
        }
        let truth = |site: &str| {
            let row = find(&waves.truth, "overall", "site", site, statistic);
            let n = row.n.unwrap_or_default() as i64;
            let count = (row.estimate.unwrap_or_default() * n as f64 / 100.0).round() as i64;
            (n, count)
        };
        if let [only] = solutions.as_slice() {
            if only
                .iter()
                .all(|(site, n, count)| truth(site) == (*n, *count))
            {
                found.push(format!("{statistic}: (site, n, count) = {only:?}"));
            }
        }
    }
    assert!(found.is_empty(), "{}", found.join("\n"));
}
