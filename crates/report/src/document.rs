//! A report as its readers see it: findings, the co-authors' text blocks and comments, partners'
//! priorities, approvals, methods and the contributions ledger. The store keeps these; the web
//! service and the CLI fill a [`Document`] and render it.

use serde::{Deserialize, Serialize};

use crate::finding::{Finding, FindingKind};

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
    /// Patients' comments: themes and approved quotes, once the wave's comments were coded.
    #[serde(default)]
    pub patient_words: Option<crate::PatientWords>,
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

    /// The `n` questions with the highest and the `n` with the lowest shown % positive: what
    /// goes well and what most needs work, best first and worst first. A question is in one
    /// list only, so a short questionnaire shares its questions between the two.
    pub fn best_and_worst(&self, n: usize) -> (Vec<&Finding>, Vec<&Finding>) {
        let mut scored: Vec<(&Finding, f64)> = self
            .findings
            .iter()
            .filter(|finding| finding.kind == FindingKind::Item)
            .filter_map(|finding| finding.score.map(|score| (finding, score)))
            .collect();
        // Ties keep questionnaire order.
        scored.sort_by(|a, b| b.1.total_cmp(&a.1));
        let best_count = n.min(scored.len().div_ceil(2));
        let worst_count = n.min(scored.len() - best_count);
        let best = scored[..best_count].iter().map(|(f, _)| *f).collect();
        let worst = scored[scored.len() - worst_count..]
            .iter()
            .rev()
            .map(|(f, _)| *f)
            .collect();
        (best, worst)
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

#[cfg(test)]
mod tests {
    use super::*;

    fn item(id: &str, score: Option<f64>) -> Finding {
        Finding {
            id: id.to_owned(),
            kind: FindingKind::Item,
            title: id.to_owned(),
            description: String::new(),
            figures: Vec::new(),
            chart_svg: None,
            charts_in: std::collections::BTreeMap::new(),
            score,
            draft: String::new(),
        }
    }

    fn document(findings: Vec<Finding>) -> Document {
        Document {
            title: "T".to_owned(),
            lang: "en".to_owned(),
            state: "published".to_owned(),
            findings,
            blocks: Vec::new(),
            marks: Vec::new(),
            approvals: Vec::new(),
            methods: Methods::default(),
            contributions: Vec::new(),
            patient_words: None,
        }
    }

    fn ids(findings: &[&Finding]) -> Vec<String> {
        findings.iter().map(|f| f.id.clone()).collect()
    }

    #[test]
    fn best_and_worst_rank_shown_questions_and_never_list_one_twice() {
        let mut findings: Vec<Finding> = (0..12)
            .map(|i| item(&format!("q{i}"), Some(f64::from(i) * 5.0)))
            .collect();
        findings.push(item("hidden", None));
        let mut domain = item("domain", Some(99.0));
        domain.kind = FindingKind::Domain;
        findings.push(domain);
        let document = document(findings);
        let (best, worst) = document.best_and_worst(5);
        assert_eq!(ids(&best), ["q11", "q10", "q9", "q8", "q7"]);
        assert_eq!(ids(&worst), ["q0", "q1", "q2", "q3", "q4"]);

        // Three questions: two go well, one needs work, none in both lists.
        let few = super::tests::document(
            (0..3)
                .map(|i| item(&format!("q{i}"), Some(f64::from(i))))
                .collect(),
        );
        let (best, worst) = few.best_and_worst(5);
        assert_eq!(
            (ids(&best), ids(&worst)),
            (
                vec!["q2".to_owned(), "q1".to_owned()],
                vec!["q0".to_owned()]
            )
        );
    }
}
