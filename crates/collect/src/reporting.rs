//! Reports of a wave: findings from the wave's responses (through the analysis crate), and the
//! stored report turned into a document to render. The web service and the CLI share this.

use std::collections::BTreeMap;

use vecu_analysis::{analyse, Dataset, FrameCounts, Method, Options};
use vecu_report::{ContributionLine, Document, Finding, Methods, TextBlock};
use vecu_store::{ApiKey, NewReport, Report, Store, StoreError, WaveStatus};
use vecu_survey::Survey;

/// Failure to build or read a report.
#[derive(Debug, thiserror::Error)]
pub enum ReportingError {
    /// The store refused or failed.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// The analysis of the responses failed.
    #[error("analysing the wave: {0}")]
    Analysis(#[from] vecu_analysis::AnalysisError),
    /// The report was refused (a suppression threshold below the floor, say).
    #[error(transparent)]
    Report(#[from] vecu_report::ReportError),
    /// Stored findings or methods are not what vecu wrote.
    #[error("stored report data is corrupt: {0}")]
    Corrupt(#[from] serde_json::Error),
}

/// How a report is made.
#[derive(Debug, Clone)]
pub struct ReportSettings {
    /// Title.
    pub title: String,
    /// Language (`fr`, `de`, `it`, `en`).
    pub lang: String,
    /// Minimum respondents per figure: at least [`vecu_report::THRESHOLD_FLOOR`].
    pub threshold: u64,
    /// Researchers' approvals needed to publish.
    pub required_researchers: u32,
    /// Partners' approvals needed to publish.
    pub required_partners: u32,
    /// A wave of the engagement questionnaire fielded to the project's partners, if any.
    pub engagement_wave: Option<String>,
}

/// Weights to the patients contacted at each site (the store's aggregates, counted by
/// [`vecu_store::site_variable`]), when the survey has a site and every site has some contacted;
/// none otherwise.
pub fn site_weighting(survey: &Survey, status: &WaveStatus) -> Option<(FrameCounts, Method)> {
    let variable = vecu_store::site_variable(survey)?;
    let invited: BTreeMap<Vec<String>, f64> = status
        .sites
        .iter()
        .map(|site| (vec![site.site.clone()], site.contacted() as f64))
        .collect();
    (!invited.is_empty() && invited.values().all(|n| *n > 0.0)).then(|| {
        (
            FrameCounts {
                variables: vec![variable.to_owned()],
                invited,
            },
            Method::PostStratify,
        )
    })
}

/// Analyses a wave's responses: weighted to the invited sample per site when every site's
/// invited count is known.
fn analyse_wave(
    store: &Store,
    wave: &str,
    threshold: u64,
    report_lang: &str,
) -> Result<(Survey, vecu_analysis::Analysis, Methods), ReportingError> {
    // Before the work: no report is suppressed below the floor.
    vecu_report::check_threshold(threshold)?;
    let status = store.wave_status(wave)?;
    let survey = store.survey(&status.wave.survey_hash)?;
    // Inside the service: all responses; only suppressed aggregates leave it.
    let export = store.export_for_analysis(wave)?;
    let data = Dataset::from_cells(&survey, &export.codebook, &export.rows)?;
    let weighting = site_weighting(&survey, &status);
    let options = Options {
        threshold,
        weighting,
        ..Options::default()
    };
    let analysis = match analyse(&survey, &data, &options, None, &mut |_, _| {}) {
        Ok(analysis) => analysis,
        // Responses from a site without invitations (paper returns keyed later, say): unweighted.
        Err(vecu_analysis::AnalysisError::Options(_)) => {
            let unweighted = Options {
                threshold,
                ..Options::default()
            };
            analyse(&survey, &data, &unweighted, None, &mut |_, _| {})?
        }
        Err(error) => return Err(error.into()),
    };
    let lang = vecu_survey::Lang::parse(report_lang)
        .filter(|lang| survey.languages.contains(lang))
        .unwrap_or_else(|| survey.default_language().clone());
    let case_mix = analysis
        .case_mix
        .iter()
        .map(|id| {
            survey
                .frame_variable(id)
                .map_or(id.clone(), |variable| variable.label.get(&lang).to_owned())
        })
        .collect();
    let methods = Methods {
        respondents: analysis.respondents,
        invited: Some(status.overall.contacted() as u64),
        response_rate: status.overall.response_rate.map(|rate| rate * 100.0),
        weighting: match analysis.weighting {
            Some(_) => vecu_report::post_stratified_by_site(lang.as_str()).to_owned(),
            None => String::new(),
        },
        case_mix,
        threshold,
        k: None,
        engagement: None,
    };
    Ok((survey, analysis, methods))
}

/// Findings and methods of a wave, in `lang`.
pub fn wave_findings(
    store: &Store,
    wave: &str,
    lang: &str,
    threshold: u64,
) -> Result<(Vec<Finding>, Methods), ReportingError> {
    let (survey, analysis, methods) = analyse_wave(store, wave, threshold, lang)?;
    Ok((vecu_report::findings(&survey, &analysis, lang)?, methods))
}

/// One sentence per domain of the engagement questionnaire: how many partners answered and the
/// share of positive answers (suppressed below the threshold like every other figure).
pub fn engagement_summary(
    store: &Store,
    wave: &str,
    lang: &str,
    threshold: u64,
) -> Result<String, ReportingError> {
    let (survey, analysis, _) = analyse_wave(store, wave, threshold, lang)?;
    let domains: Vec<String> = analysis
        .rows
        .iter()
        .filter(|row| {
            row.statistic == "domain_score"
                && row.unit_kind == vecu_analysis::OVERALL
                && !row.weighted
        })
        .map(|row| match row.estimate {
            Some(score) => format!(
                "{}: {score:.0}",
                vecu_analysis::item_label(&survey, &row.item, lang)
            ),
            None => format!(
                "{}: {}",
                vecu_analysis::item_label(&survey, &row.item, lang),
                row.suppressed
            ),
        })
        .collect();
    Ok(format!(
        "{} {} ({}): {}.",
        analysis.respondents,
        match lang {
            "fr" => "patients partenaires ont répondu au questionnaire d'engagement",
            "de" => "Patientenpartner beantworteten den Fragebogen zur Beteiligung",
            "it" => "pazienti partner hanno risposto al questionario sul coinvolgimento",
            _ => "patient partners answered the engagement questionnaire",
        },
        match lang {
            "fr" => "score par domaine, 0-100",
            "de" => "Wert pro Bereich, 0-100",
            "it" => "punteggio per dominio, 0-100",
            _ => "score per domain, 0-100",
        },
        domains.join("; ")
    ))
}

/// Makes a draft report of a wave from its analysis; returns its id.
pub fn create_report(
    store: &Store,
    by: &ApiKey,
    wave: &str,
    settings: &ReportSettings,
) -> Result<String, ReportingError> {
    // The store refuses too; asking first spares analysing the wave for nothing.
    if !by.role.is_researcher() {
        return Err(StoreError::NotAllowed("only researchers start a report".to_owned()).into());
    }
    let (findings, mut methods) = wave_findings(store, wave, &settings.lang, settings.threshold)?;
    if let Some(engagement) = &settings.engagement_wave {
        methods.engagement = Some(engagement_summary(
            store,
            engagement,
            &settings.lang,
            settings.threshold,
        )?);
    }
    let ids: Vec<String> = findings.iter().map(|finding| finding.id.clone()).collect();
    let findings_json = serde_json::to_string(&findings)?;
    let methods_json = serde_json::to_string(&methods)?;
    Ok(store.create_report(
        by,
        &NewReport {
            wave,
            title: &settings.title,
            lang: &settings.lang,
            findings_json: &findings_json,
            finding_ids: &ids,
            methods_json: &methods_json,
            required_researchers: settings.required_researchers,
            required_partners: settings.required_partners,
        },
    )?)
}

/// The contributions ledger of a wave, as the report lists it.
pub fn contribution_lines(
    store: &Store,
    wave: &str,
) -> Result<Vec<ContributionLine>, ReportingError> {
    Ok(store
        .contributions(wave)?
        .into_iter()
        .map(|line| ContributionLine {
            person: line.person,
            role: line.role,
            activity: line.activity,
            minutes: line.minutes,
            date: line.on_date,
        })
        .collect())
}

/// The stored report as a document to render, with the wave's contributions ledger.
pub fn document(store: &Store, report: &str) -> Result<Document, ReportingError> {
    document_of(store, &store.report(report)?)
}

/// A report read from the store as a document to render, with the wave's contributions ledger.
pub fn document_of(store: &Store, stored: &Report) -> Result<Document, ReportingError> {
    let date = |at: &str| at.get(..10).unwrap_or(at).to_owned();
    let blocks = stored
        .blocks
        .iter()
        .map(|block| TextBlock {
            id: block.id.clone(),
            finding: block.finding.clone(),
            kind: block.kind.clone(),
            author: block.author.clone(),
            role: block.role.clone(),
            text: block.text.clone(),
            date: date(&block.updated_at),
            version: block.version,
            comments: stored
                .comments
                .iter()
                .filter(|comment| comment.block == block.id)
                .map(|c| {
                    (
                        c.author.clone(),
                        c.role.clone(),
                        date(&c.at),
                        c.text.clone(),
                    )
                })
                .collect(),
        })
        .collect();
    let contributions = contribution_lines(store, &stored.wave)?;
    Ok(Document {
        title: stored.title.clone(),
        lang: stored.lang.clone(),
        state: serde_json::to_value(stored.state)?
            .as_str()
            .unwrap_or_default()
            .to_owned(),
        findings: serde_json::from_str(&stored.findings_json)?,
        blocks,
        marks: stored
            .marks
            .iter()
            .map(|m| (m.finding.clone(), m.author.clone(), m.important, m.priority))
            .collect(),
        approvals: stored
            .approvals
            .iter()
            .map(|a| (a.author.clone(), a.role.clone(), date(&a.at)))
            .collect(),
        methods: serde_json::from_str(&stored.methods_json)?,
        contributions,
    })
}
