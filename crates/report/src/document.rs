//! A report as its readers see it: findings, the co-authors' text blocks and comments, partners'
//! priorities, approvals, methods and the contributions ledger. The store keeps these; the web
//! service and the CLI fill a [`Document`] and render it.

use serde::{Deserialize, Serialize};

use crate::finding::Finding;

/// Methods: what a reader needs to judge the figures.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Methods {
    /// Respondents analysed.
    pub respondents: usize,
    /// Patients invited, if known.
    pub invited: Option<u64>,
    /// Overall response rate (0-100), if known.
    pub response_rate: Option<f64>,
    /// Weighting, as a sentence (empty: none).
    pub weighting: String,
    /// Case-mix variables used for adjustment (labels).
    pub case_mix: Vec<String>,
    /// Which funnel limits compare the sites, with the over-dispersion estimated, as a sentence
    /// ([`crate::funnel_limits_sentence`]; empty: no comparison of sites).
    #[serde(default)]
    pub comparison: String,
    /// Suppression threshold (minimum respondents).
    pub threshold: u64,
    /// k of the k-anonymous export, if the data came from one.
    pub k: Option<usize>,
    /// Summary of the engagement assessment of patient partners, if fielded.
    pub engagement: Option<String>,
}

/// A text block as shown: who wrote it, in which role, when, which version.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TextBlock {
    /// Block id.
    pub id: String,
    /// The finding it belongs to (or `summary`).
    pub finding: String,
    /// interpretation, for_patients, action or summary.
    pub kind: String,
    /// Author's name.
    pub author: String,
    /// Author's role (`researcher`, `patient_partner`, `admin`).
    pub role: String,
    /// Text.
    pub text: String,
    /// Date of the last change (`YYYY-MM-DD`).
    pub date: String,
    /// Current version (1 when never edited).
    pub version: i32,
    /// Comments on it: (author, role, date, text).
    pub comments: Vec<(String, String, String, String)>,
}

/// One line of the contributions ledger.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ContributionLine {
    /// Who.
    pub person: String,
    /// Role.
    pub role: String,
    /// Activity.
    pub activity: String,
    /// Minutes.
    pub minutes: i32,
    /// Day.
    pub date: String,
}

/// Everything a rendered report shows.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Document {
    /// Title.
    pub title: String,
    /// Language (`fr`, `de`, `it`, `en`).
    pub lang: String,
    /// `draft`, `in_review`, `approved` or `published`.
    pub state: String,
    /// Findings.
    pub findings: Vec<Finding>,
    /// Text blocks, oldest first.
    pub blocks: Vec<TextBlock>,
    /// Partners' marks: (finding, partner, important, priority).
    pub marks: Vec<(String, String, bool, Option<i32>)>,
    /// Approvals: (name, role, date).
    pub approvals: Vec<(String, String, String)>,
    /// Methods.
    pub methods: Methods,
    /// Contributions ledger.
    pub contributions: Vec<ContributionLine>,
}

impl Document {
    /// Findings ranked by partners: most often marked important first, then by mean priority.
    pub fn priorities(&self) -> Vec<(&Finding, Vec<&str>)> {
        let mut ranked: Vec<(&Finding, Vec<&str>, f64)> = self
            .findings
            .iter()
            .filter_map(|finding| {
                let marks: Vec<_> = self
                    .marks
                    .iter()
                    .filter(|(id, _, important, _)| *id == finding.id && *important)
                    .collect();
                if marks.is_empty() {
                    return None;
                }
                let priorities: Vec<f64> = marks
                    .iter()
                    .filter_map(|(_, _, _, priority)| priority.map(f64::from))
                    .collect();
                let mean = if priorities.is_empty() {
                    f64::INFINITY
                } else {
                    priorities.iter().sum::<f64>() / priorities.len() as f64
                };
                let names = marks.iter().map(|(_, name, _, _)| name.as_str()).collect();
                Some((finding, names, mean))
            })
            .collect();
        ranked.sort_by(|a, b| b.1.len().cmp(&a.1.len()).then(a.2.total_cmp(&b.2)));
        ranked
            .into_iter()
            .map(|(finding, names, _)| (finding, names))
            .collect()
    }

    /// Minutes per person and role, with their activities, for the acknowledgements.
    pub fn contributors(&self) -> Vec<(String, String, i32, Vec<String>)> {
        let mut out: Vec<(String, String, i32, Vec<String>)> = Vec::new();
        for line in &self.contributions {
            match out
                .iter_mut()
                .find(|(person, role, _, _)| *person == line.person && *role == line.role)
            {
                Some(entry) => {
                    entry.2 += line.minutes;
                    if !entry.3.contains(&line.activity) {
                        entry.3.push(line.activity.clone());
                    }
                }
                None => out.push((
                    line.person.clone(),
                    line.role.clone(),
                    line.minutes,
                    vec![line.activity.clone()],
                )),
            }
        }
        out
    }
}
