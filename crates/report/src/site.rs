//! One hospital's results of a wave: its own suppressed figures beside the all-sites benchmark,
//! taken from the wave's analysis (the same `analyse_wave` as the main report) and nothing else.
//!
//! [`SiteResults`] holds numbers and ids only, no words, so that the store can keep one per
//! site (a hospital key reads its own) and each reader gets it in their language
//! ([`crate::site_html`]). It never holds another site's figure: a site is compared with the
//! all-sites score and its own expected range (the funnel limits), never with a named site.

use std::collections::{BTreeMap, HashMap};

use serde::{Deserialize, Serialize};
use vecu_analysis::{Analysis, ResultRow, OVERALL, PRIORITY, RESPONSE};
use vecu_survey::Survey;

use crate::finding::domain_rank;
use crate::threshold::{check_threshold, ReportError};

/// Where a site's adjusted score stands against the expected range of a site of its size (the
/// 95% funnel limits around the all-sites score).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Standing {
    /// Above the expected range.
    Above,
    /// Within it: not clearly different from all sites.
    Within,
    /// Below it.
    Below,
    /// The site's figure is not shown (too few respondents) or has no limits.
    NotShown,
}

/// One domain or question of a site's results.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SiteMeasure {
    /// Domain id, or the question's column.
    pub item: String,
    /// Question number as printed, for questions.
    pub question: Option<u32>,
    /// True for a domain score, false for a question's % positive.
    pub domain: bool,
    /// The all-sites score (unadjusted, every respondent), if shown.
    pub all_sites: Option<f64>,
    /// The site's case-mix adjusted score, if shown.
    pub score: Option<f64>,
    /// Its 95% confidence interval.
    pub score_low: Option<f64>,
    /// Upper end.
    pub score_high: Option<f64>,
    /// The site's respondents behind the score.
    pub n: Option<u64>,
    /// The range expected of a site of this size (95% funnel limits), if shown.
    pub expected_low: Option<f64>,
    /// Upper end.
    pub expected_high: Option<f64>,
    /// Where the score stands.
    pub standing: Standing,
    /// Change of the site's % positive since the previous wave (points), if shown.
    pub change: Option<f64>,
    /// Its 95% interval.
    pub change_low: Option<f64>,
    /// Upper end.
    pub change_high: Option<f64>,
    /// The all-sites correlation with the overall rating (key driver), if shown.
    pub driver: Option<f64>,
    /// The quadrant of the priority matrix (`priority`, `below`, `strength`, `above`, or
    /// empty: not clearly different from all sites).
    pub priority: String,
    /// The highest rank patient partners gave it among their priorities in the wave's
    /// published report (1 first), if any of them marked it.
    #[serde(default)]
    pub partner_priority: Option<u32>,
}

impl SiteMeasure {
    /// The site's adjusted score minus the all-sites score, when both are shown.
    pub fn gap(&self) -> Option<f64> {
        Some(self.score? - self.all_sites?)
    }
}

/// One site's results of a wave, with the all-sites benchmark.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SiteResults {
    /// The site's code.
    pub site: String,
    /// False when the site had too few respondents: then only the benchmark is filled in.
    pub shown: bool,
    /// Minimum respondents per figure.
    pub threshold: u64,
    /// Respondents of the whole wave.
    pub respondents: usize,
    /// The site's respondents, if shown (from its response rate's row: known when fieldwork
    /// counted the contacted per site).
    #[serde(default)]
    pub site_respondents: Option<u64>,
    /// The site's response rate (%), if shown.
    pub response_rate: Option<f64>,
    /// The whole wave's response rate (%), if known.
    pub all_sites_response_rate: Option<f64>,
    /// How the expected ranges allow for over-dispersion (`random_effects`, ...).
    pub funnel_method: String,
    /// Labels of the waves analysed together, oldest first, this one last (empty: one wave).
    pub waves: Vec<String>,
    /// Domains in the definition's order, then questions in questionnaire order.
    pub measures: Vec<SiteMeasure>,
    /// The site's patients' words, once the wave's comments were coded.
    #[serde(default)]
    pub patient_words: Option<crate::SiteWords>,
}

/// The questions shown at most in each of "best" and "most to improve".
pub const HIGHLIGHTS: usize = 5;

impl SiteResults {
    /// The results of `site` in `analysis`: its own figures where shown, the all-sites ones
    /// always. An analysis suppressed below [`crate::THRESHOLD_FLOOR`] makes none.
    pub fn of(
        survey: &Survey,
        analysis: &Analysis,
        site: &str,
    ) -> Result<SiteResults, ReportError> {
        check_threshold(analysis.threshold)?;
        let unit_kind = analysis.comparison_unit.as_deref().unwrap_or_default();
        let rows = Rows::of(analysis, unit_kind, site);
        let shown = analysis
            .rows
            .iter()
            .any(|row| row.unit_kind == unit_kind && row.unit == site && row.is_shown());
        let mut scored: Vec<(&str, Option<u32>, bool)> = Vec::new();
        for row in &analysis.rows {
            let domain = row.statistic == "domain_score";
            let key = (row.item.as_str(), row.question, domain);
            if row.unit_kind == OVERALL
                && !row.weighted
                && (domain || row.statistic == "pct_positive")
                && !scored.contains(&key)
            {
                scored.push(key);
            }
        }
        scored.sort_by_key(|(item, _, domain)| {
            (
                !domain,
                if *domain {
                    domain_rank(survey, item)
                } else {
                    0
                },
            )
        });
        let measures = scored
            .into_iter()
            .map(|(item, question, domain)| rows.measure(item, question, domain, shown))
            .collect();
        let funnel_method = analysis
            .rows
            .iter()
            .find(|row| row.unit_kind == unit_kind && !row.funnel_method.is_empty())
            .map(|row| row.funnel_method.clone())
            .unwrap_or_default();
        Ok(SiteResults {
            site: site.to_owned(),
            shown,
            threshold: analysis.threshold,
            respondents: analysis.respondents,
            site_respondents: rows
                .site_row(RESPONSE, "response_rate")
                .filter(|_| shown)
                .and_then(|row| row.n),
            response_rate: rows.site(RESPONSE, "response_rate").filter(|_| shown),
            all_sites_response_rate: rows.all(RESPONSE, "response_rate"),
            funnel_method,
            waves: analysis.waves.clone(),
            measures,
            patient_words: None,
        })
    }

    /// The results of every site of the unit of comparison in `analysis`, in site order, as
    /// the store keeps them (site code, JSON), with the patient partners' priorities
    /// ([`SiteResults::with_partner_priorities`]).
    pub fn every_site(
        survey: &Survey,
        analysis: &Analysis,
        partner_ranks: &BTreeMap<String, u32>,
    ) -> Result<Vec<(String, String)>, ReportError> {
        let Some(kind) = analysis.comparison_unit.as_deref() else {
            return Ok(Vec::new());
        };
        let mut sites: Vec<&str> = analysis
            .rows
            .iter()
            .filter(|row| row.unit_kind == kind)
            .map(|row| row.unit.as_str())
            .collect();
        sites.sort_unstable();
        sites.dedup();
        sites
            .into_iter()
            .map(|site| {
                Ok((
                    site.to_owned(),
                    SiteResults::of(survey, analysis, site)?
                        .with_partner_priorities(partner_ranks)
                        .to_json()?,
                ))
            })
            .collect()
    }

    /// The JSON the store keeps.
    pub fn to_json(&self) -> Result<String, ReportError> {
        Ok(serde_json::to_string(self)?)
    }

    /// Back from [`SiteResults::to_json`]'s JSON.
    pub fn from_json(json: &str) -> Result<SiteResults, ReportError> {
        serde_json::from_str(json).map_err(ReportError::Corrupt)
    }

    /// The site's questions furthest above the all-sites score (best first), at most
    /// [`HIGHLIGHTS`], and furthest below (worst first).
    pub fn best_and_worst(&self) -> (Vec<&SiteMeasure>, Vec<&SiteMeasure>) {
        let mut questions: Vec<(&SiteMeasure, f64)> = self
            .measures
            .iter()
            .filter(|measure| !measure.domain)
            .filter_map(|measure| Some((measure, measure.gap()?)))
            .collect();
        questions.sort_by(|a, b| b.1.total_cmp(&a.1));
        let best = questions
            .iter()
            .filter(|(_, gap)| *gap > 0.0)
            .take(HIGHLIGHTS)
            .map(|(measure, _)| *measure)
            .collect();
        let worst = questions
            .iter()
            .rev()
            .filter(|(_, gap)| *gap < 0.0)
            .take(HIGHLIGHTS)
            .map(|(measure, _)| *measure)
            .collect();
        (best, worst)
    }

    /// Marks the measures patient partners put among their priorities: `ranks` maps a
    /// report finding (`item:COLUMN` or `domain:ID`) to the highest rank it was given.
    pub fn with_partner_priorities(mut self, ranks: &BTreeMap<String, u32>) -> SiteResults {
        for measure in &mut self.measures {
            let kind = if measure.domain { "domain" } else { "item" };
            measure.partner_priority = ranks.get(&format!("{kind}:{}", measure.item)).copied();
        }
        self
    }

    /// The measures patient partners put among their priorities, their first first.
    pub fn partner_priorities(&self) -> Vec<&SiteMeasure> {
        let mut found: Vec<&SiteMeasure> = self
            .measures
            .iter()
            .filter(|measure| measure.partner_priority.is_some())
            .collect();
        found.sort_by_key(|measure| measure.partner_priority);
        found
    }

    /// The improvement priorities (strong drivers where the site is clearly below), strongest
    /// driver first.
    pub fn priorities(&self) -> Vec<&SiteMeasure> {
        let mut found: Vec<&SiteMeasure> = self
            .measures
            .iter()
            .filter(|measure| measure.priority == "priority")
            .collect();
        found.sort_by(|a, b| {
            b.driver
                .unwrap_or_default()
                .total_cmp(&a.driver.unwrap_or_default())
        });
        found
    }
}

/// The unweighted shown rows of one site and of all sites, by item and statistic.
struct Rows<'a> {
    all: HashMap<(&'a str, &'a str), &'a ResultRow>,
    site: HashMap<(&'a str, &'a str), &'a ResultRow>,
}

impl<'a> Rows<'a> {
    fn of(analysis: &'a Analysis, unit_kind: &str, site: &str) -> Rows<'a> {
        let shown = |kind: &str, unit: Option<&str>| {
            analysis
                .rows
                .iter()
                .filter(|row| {
                    !row.weighted
                        && row.is_shown()
                        && row.unit_kind == kind
                        && unit.is_none_or(|unit| row.unit == unit)
                })
                .map(|row| ((row.item.as_str(), row.statistic.as_str()), row))
                .collect()
        };
        Rows {
            all: shown(OVERALL, None),
            site: shown(unit_kind, Some(site)),
        }
    }

    fn all(&self, item: &str, statistic: &str) -> Option<f64> {
        self.all.get(&(item, statistic))?.estimate
    }

    fn site(&self, item: &str, statistic: &str) -> Option<f64> {
        self.site.get(&(item, statistic))?.estimate
    }

    fn site_row(&self, item: &str, statistic: &str) -> Option<&'a ResultRow> {
        self.site.get(&(item, statistic)).copied()
    }

    fn measure(&self, item: &str, question: Option<u32>, domain: bool, shown: bool) -> SiteMeasure {
        let base = if domain {
            "domain_score"
        } else {
            "pct_positive"
        };
        let mine = |statistic: &str| self.site_row(item, statistic).filter(|_| shown);
        let adjusted = mine(&format!("adjusted_{base}"));
        let expected = mine(&format!("funnel_95_{base}"));
        let change = if domain {
            None
        } else {
            mine("change_pct_positive")
        };
        let standing = match (adjusted, expected) {
            (Some(adjusted), Some(_)) if adjusted.flag.starts_with("above") => Standing::Above,
            (Some(adjusted), Some(_)) if adjusted.flag.starts_with("below") => Standing::Below,
            (Some(_), Some(_)) => Standing::Within,
            _ => Standing::NotShown,
        };
        SiteMeasure {
            item: item.to_owned(),
            question,
            domain,
            all_sites: self.all(item, base),
            score: adjusted.and_then(|row| row.estimate),
            score_low: adjusted.and_then(|row| row.ci_low),
            score_high: adjusted.and_then(|row| row.ci_high),
            n: adjusted.and_then(|row| row.n),
            expected_low: expected.and_then(|row| row.ci_low),
            expected_high: expected.and_then(|row| row.ci_high),
            standing,
            change: change.and_then(|row| row.estimate),
            change_low: change.and_then(|row| row.ci_low),
            change_high: change.and_then(|row| row.ci_high),
            driver: self.all(item, vecu_analysis::DRIVER),
            priority: mine(&format!("{PRIORITY}{base}"))
                .map(|row| row.flag.clone())
                .unwrap_or_default(),
            partner_priority: None,
        }
    }
}
