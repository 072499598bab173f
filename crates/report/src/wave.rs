//! A wave's report made from its responses: the one path that `vecu report`, `vecu demo`, the
//! team pages and the API take. Callers read the store (responses, fieldwork counts, the stored
//! report) and hand the parts over; everything that decides what the report says is here.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use vecu_analysis::{
    analyse_waves, Analysis, AnalysisError, Dataset, Earlier, FrameCounts, Method, Options, Summary,
};
use vecu_survey::{Cell, Codebook, Survey};

use crate::document::{Document, Methods};
use crate::finding::{domain_rank, findings, Finding};
use crate::threshold::{check_threshold, ReportError};
use crate::words::{phrase, Phrase};

/// What fieldwork counted for a wave, besides its responses.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Fieldwork {
    /// The frame variable the sites are counted by (the unit of comparison, or `site` in
    /// definitions older than the mark), if the survey has one.
    pub site_variable: Option<String>,
    /// Patients contacted per site code.
    pub contacted_by_site: BTreeMap<String, u64>,
    /// Patients contacted in the whole wave.
    pub contacted: u64,
    /// Share of the contacted who answered (0-1), if known.
    pub response_rate: Option<f64>,
}

/// Weights to the patients contacted at each site, when the survey has a site variable and
/// every site has some contacted; none otherwise.
pub fn site_weighting(fieldwork: &Fieldwork) -> Option<(FrameCounts, Method)> {
    let variable = fieldwork.site_variable.as_ref()?;
    let invited: BTreeMap<Vec<String>, f64> = fieldwork
        .contacted_by_site
        .iter()
        .map(|(site, contacted)| (vec![site.clone()], *contacted as f64))
        .collect();
    (!invited.is_empty() && invited.values().all(|n| *n > 0.0)).then(|| {
        (
            FrameCounts {
                variables: vec![variable.clone()],
                invited,
            },
            Method::PostStratify,
        )
    })
}

/// A wave's analysis with the methods a reader needs to judge it.
#[derive(Debug, Clone)]
pub struct WaveAnalysis {
    /// The suppressed results.
    pub analysis: Analysis,
    /// Respondents, invited, weighting, case mix and threshold, in the report's language.
    pub methods: Methods,
}

/// An earlier wave of the same survey, as the store keeps it after closing: its responses in
/// `codebook`'s columns.
#[derive(Debug, Clone, Copy)]
pub struct EarlierWave<'a> {
    /// Its name, as charts and the `wave` column show it.
    pub label: &'a str,
    /// The survey version it fielded.
    pub survey: &'a Survey,
    /// Its columns.
    pub codebook: &'a Codebook,
    /// Its responses.
    pub rows: &'a [Vec<Cell>],
}

/// A wave's name and the earlier waves it is compared with, oldest first.
#[derive(Debug, Clone, Copy, Default)]
pub struct History<'a> {
    /// This wave's name.
    pub label: &'a str,
    /// The earlier waves (none: no changes or trends).
    pub earlier: &'a [EarlierWave<'a>],
}

/// Analyses a wave's responses (the rows of `codebook`'s columns, every response of the wave:
/// only suppressed aggregates leave), weighted to the contacted per site when every site's
/// count is known, with changes and trends since its `history`'s earlier waves. Refuses a
/// threshold below [`crate::THRESHOLD_FLOOR`] before any work.
pub fn analyse_wave(
    survey: &Survey,
    codebook: &Codebook,
    rows: &[Vec<Cell>],
    fieldwork: &Fieldwork,
    threshold: u64,
    lang: &str,
    history: History<'_>,
) -> Result<WaveAnalysis, ReportError> {
    check_threshold(threshold)?;
    let summary = Summary::of(survey, &Dataset::from_cells(survey, codebook, rows)?);
    let earlier_summaries = history
        .earlier
        .iter()
        .map(|wave| {
            Dataset::from_cells(wave.survey, wave.codebook, wave.rows)
                .map(|data| Summary::of(wave.survey, &data))
        })
        .collect::<Result<Vec<_>, _>>()?;
    let earlier: Vec<Earlier<'_>> = history
        .earlier
        .iter()
        .zip(&earlier_summaries)
        .map(|(wave, data)| Earlier {
            label: wave.label,
            survey: wave.survey,
            data,
        })
        .collect();
    let run = |options: &Options| {
        analyse_waves(
            survey,
            &summary,
            options,
            history.label,
            &earlier,
            &mut |_, _| {},
        )
    };
    let options = Options {
        threshold,
        weighting: site_weighting(fieldwork),
        ..Options::default()
    };
    let analysis = match run(&options) {
        Ok(analysis) => analysis,
        // Responses from a site without invitations (paper returns keyed later, say): unweighted.
        Err(AnalysisError::Options(_)) => run(&Options {
            threshold,
            ..Options::default()
        })?,
        Err(error) => return Err(error.into()),
    };
    let text_lang = survey
        .language(lang)
        .unwrap_or_else(|| survey.default_language());
    let case_mix = analysis
        .case_mix
        .iter()
        .map(|id| match (survey.frame_variable(id), survey.item(id)) {
            (Some(variable), _) => variable.label.get(text_lang).to_owned(),
            // A case-mix question, by its wording.
            (None, Some(item)) => item.text.get(text_lang).to_owned(),
            (None, None) => id.clone(),
        })
        .collect();
    let methods = Methods {
        respondents: analysis.respondents,
        invited: Some(fieldwork.contacted),
        response_rate: fieldwork.response_rate.map(|rate| rate * 100.0),
        weighting: match analysis.weighting {
            Some(_) => phrase(lang, Phrase::PostStratifiedBySite).to_owned(),
            None => String::new(),
        },
        case_mix,
        comparison: crate::funnel_limits_sentence(&analysis, text_lang.as_str()),
        threshold,
        // No k-anonymous export (the analysis reads every response inside the service); the
        // engagement sentence is the caller's to add.
        ..Methods::default()
    };
    Ok(WaveAnalysis { analysis, methods })
}

/// One sentence on the engagement questionnaire fielded to the project's patient partners: how
/// many answered and each domain's score under its name in the definition, in the definition's
/// order (suppressed below the threshold like every other figure).
pub fn engagement_summary(survey: &Survey, analysis: &Analysis, lang: &str) -> String {
    let text_lang = survey
        .language(lang)
        .unwrap_or_else(|| survey.default_language());
    let mut rows: Vec<_> = analysis
        .rows
        .iter()
        .filter(|row| {
            row.statistic == "domain_score"
                && row.unit_kind == vecu_analysis::OVERALL
                && !row.weighted
        })
        .collect();
    rows.sort_by_key(|row| domain_rank(survey, &row.item));
    let domains: Vec<String> = rows
        .into_iter()
        .map(|row| {
            let name = survey.domain_label(&row.item, text_lang);
            match row.estimate {
                Some(score) if row.is_shown() => format!("{name}: {score:.0}"),
                _ => format!(
                    "{name}: {}",
                    crate::finding::hidden_because(lang, &row.suppressed)
                ),
            }
        })
        .collect();
    format!(
        "{} {} ({}): {}.",
        analysis.respondents,
        phrase(lang, Phrase::EngagementAnswered),
        phrase(lang, Phrase::ScorePerDomain),
        domains.join("; ")
    )
}

/// A report's content made from the analysis, before anyone writes in it: what the store keeps
/// for a report (as JSON) and what a report without co-authors shows.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Draft {
    /// Findings in the report's order.
    pub findings: Vec<Finding>,
    /// Methods.
    pub methods: Methods,
}

impl Draft {
    /// The findings and methods of an analysed wave, in `lang`.
    pub fn of(survey: &Survey, wave: &WaveAnalysis, lang: &str) -> Result<Draft, ReportError> {
        Ok(Draft {
            findings: findings(survey, &wave.analysis, lang)?,
            methods: wave.methods.clone(),
        })
    }

    /// The ids of the findings, which blocks and marks refer to.
    pub fn finding_ids(&self) -> Vec<String> {
        self.findings
            .iter()
            .map(|finding| finding.id.clone())
            .collect()
    }

    /// The findings and the methods as the JSON texts the store keeps.
    pub fn to_json(&self) -> Result<(String, String), ReportError> {
        Ok((
            serde_json::to_string(&self.findings)?,
            serde_json::to_string(&self.methods)?,
        ))
    }

    /// The draft back from the JSON texts [`Draft::to_json`] made.
    pub fn from_json(findings: &str, methods: &str) -> Result<Draft, ReportError> {
        Ok(Draft {
            findings: serde_json::from_str(findings)?,
            methods: serde_json::from_str(methods)?,
        })
    }

    /// The document a reader sees of the draft alone: no text blocks, marks, approvals or
    /// contributions yet (the caller adds those it has).
    pub fn into_document(self, title: &str, lang: &str, state: &str) -> Document {
        Document {
            title: title.to_owned(),
            lang: lang.to_owned(),
            state: state.to_owned(),
            findings: self.findings,
            blocks: Vec::new(),
            marks: Vec::new(),
            approvals: Vec::new(),
            methods: self.methods,
            contributions: Vec::new(),
        }
    }
}
