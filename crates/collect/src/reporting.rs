//! The store's side of a wave's report: reads what `vecu_report` needs (responses, fieldwork
//! counts, the stored report and its ledger), calls it, and stores what it made. Nothing here
//! decides what a report says (that is `vecu_report::wave`); it is kept here, not in the report
//! crate, because the report crate does not depend on the store. The API, the team pages and the
//! CLI (`vecu report`, `vecu demo`) all go through these functions.

use vecu_analysis::{FrameCounts, Method};
use vecu_report::{
    ContributionLine, Document, Draft, Fieldwork, SiteResults, TextBlock, WaveAnalysis,
};
use vecu_store::{ApiKey, NewReport, Report, Store, StoreError, WaveStatus};
use vecu_survey::Survey;

/// Failure to build or read a report.
#[derive(Debug, thiserror::Error)]
pub enum ReportingError {
    /// The store refused or failed.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// The report was refused (a suppression threshold below the floor, say), its analysis
    /// failed, or its stored data is not what vecu wrote.
    #[error(transparent)]
    Report(#[from] vecu_report::ReportError),
    /// The site asked for is no value of the survey's unit of comparison.
    #[error("{site} is not a site of this survey; its sites are: {known}")]
    UnknownSite {
        /// The code asked for.
        site: String,
        /// The survey's site codes.
        known: String,
    },
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

/// What the store counted of a wave's fieldwork, sites by [`vecu_store::site_variable`].
pub fn fieldwork(survey: &Survey, status: &WaveStatus) -> Fieldwork {
    let count = |n: i64| u64::try_from(n).unwrap_or_default();
    Fieldwork {
        site_variable: vecu_store::site_variable(survey).map(str::to_owned),
        contacted_by_site: status
            .sites
            .iter()
            .map(|site| (site.site.clone(), count(site.contacted())))
            .collect(),
        contacted: count(status.overall.contacted()),
        response_rate: status.overall.response_rate,
    }
}

/// Weights to the patients contacted at each site (see [`vecu_report::site_weighting`]).
pub fn site_weighting(survey: &Survey, status: &WaveStatus) -> Option<(FrameCounts, Method)> {
    vecu_report::site_weighting(&fieldwork(survey, status))
}

/// A wave's survey and analysis, from all its responses (inside the service: only suppressed
/// aggregates leave it).
fn analyse_wave(
    store: &Store,
    wave: &str,
    threshold: u64,
    lang: &str,
) -> Result<(Survey, WaveAnalysis), ReportingError> {
    // Before reading anything: no report is suppressed below the floor.
    vecu_report::check_threshold(threshold)?;
    let status = store.wave_status(wave)?;
    let survey = store.survey(&status.wave.survey_hash)?;
    let export = store.export_for_analysis(wave)?;
    // The closed waves of the same survey before it: changes and trends since them.
    let earlier_waves = store.earlier_waves(wave)?;
    let earlier_data = earlier_waves
        .iter()
        .map(|earlier| {
            Ok((
                store.survey(&earlier.survey_hash)?,
                store.export_for_analysis(&earlier.id)?,
            ))
        })
        .collect::<Result<Vec<_>, ReportingError>>()?;
    // Waves are told apart by name, or by name and creation date where names repeat.
    let all: Vec<&vecu_store::WaveInfo> = earlier_waves.iter().chain([&status.wave]).collect();
    let labels: Vec<String> = all
        .iter()
        .map(|info| {
            if all.iter().filter(|other| other.name == info.name).count() > 1 {
                format!("{} ({})", info.name, info.created_on)
            } else {
                info.name.clone()
            }
        })
        .collect();
    let earlier: Vec<vecu_report::EarlierWave<'_>> = labels
        .iter()
        .zip(&earlier_data)
        .map(|(label, (survey, export))| vecu_report::EarlierWave {
            label,
            survey,
            codebook: &export.codebook,
            rows: &export.rows,
        })
        .collect();
    let analysed = vecu_report::analyse_wave(
        &survey,
        &export.codebook,
        &export.rows,
        &fieldwork(&survey, &status),
        threshold,
        lang,
        vecu_report::History {
            label: labels.last().map_or("", String::as_str),
            earlier: &earlier,
        },
    )?;
    Ok((survey, analysed))
}

/// A wave's draft report in `lang`, with the engagement questionnaire's summary in its methods
/// when a wave of it is named.
pub fn wave_draft(
    store: &Store,
    wave: &str,
    lang: &str,
    threshold: u64,
    engagement_wave: Option<&str>,
) -> Result<Draft, ReportingError> {
    let (survey, analysed) = analyse_wave(store, wave, threshold, lang)?;
    let mut draft = Draft::of(&survey, &analysed, lang)?;
    if let Some(engagement) = engagement_wave {
        let (survey, analysed) = analyse_wave(store, engagement, threshold, lang)?;
        draft.methods.engagement = Some(vecu_report::engagement_summary(
            &survey,
            &analysed.analysis,
            lang,
        ));
    }
    Ok(draft)
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
    let draft = wave_draft(
        store,
        wave,
        &settings.lang,
        settings.threshold,
        settings.engagement_wave.as_deref(),
    )?;
    let (findings_json, methods_json) = draft.to_json()?;
    Ok(store.create_report(
        by,
        &NewReport {
            wave,
            title: &settings.title,
            lang: &settings.lang,
            findings_json: &findings_json,
            finding_ids: &draft.finding_ids(),
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

/// What `vecu report build` shows of a wave: its latest stored report, or, before anyone
/// started one, the draft the analysis makes (in `lang`, French by default), titled by the wave.
pub fn wave_document(
    store: &Store,
    wave: &str,
    lang: Option<&str>,
    threshold: u64,
) -> Result<Document, ReportingError> {
    if let Some(report) = store.reports_of_wave(wave)?.last() {
        return document(store, report);
    }
    let lang = lang.unwrap_or("fr");
    let draft = wave_draft(store, wave, lang, threshold, None)?;
    Ok(draft.into_document(&store.wave(wave)?.name, lang, "draft"))
}

/// A report read from the store as a document to render, with the wave's contributions ledger.
pub fn document_of(store: &Store, stored: &Report) -> Result<Document, ReportingError> {
    let date = |at: &str| at.get(..10).unwrap_or(at).to_owned();
    let state = serde_json::to_value(stored.state)
        .map_err(vecu_report::ReportError::from)?
        .as_str()
        .unwrap_or_default()
        .to_owned();
    let mut document = Draft::from_json(&stored.findings_json, &stored.methods_json)?
        .into_document(&stored.title, &stored.lang, &state);
    document.blocks = stored
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
    document.marks = stored
        .marks
        .iter()
        .map(|m| (m.finding.clone(), m.author.clone(), m.important, m.priority))
        .collect();
    document.approvals = stored
        .approvals
        .iter()
        .map(|a| (a.author.clone(), a.role.clone(), date(&a.at)))
        .collect();
    document.contributions = contribution_lines(store, &stored.wave)?;
    document.patient_words = crate::comment_figures::patient_words(
        store,
        &stored.wave,
        &stored.lang,
        document.methods.threshold,
    )?;
    Ok(document)
}

/// One site's results of a wave, analysed now from every response (researchers and
/// administrators: the store gives the responses to no one else).
pub fn site_results_now(
    store: &Store,
    wave: &str,
    site: &str,
    threshold: u64,
) -> Result<SiteResults, ReportingError> {
    let (survey, analysed) = analyse_wave(store, wave, threshold, "en")?;
    let codes: Vec<&str> = survey
        .comparison_unit()
        .map(|unit| {
            unit.values
                .iter()
                .map(|value| value.code.as_str())
                .collect()
        })
        .unwrap_or_default();
    if !codes.contains(&site) {
        return Err(ReportingError::UnknownSite {
            site: site.to_owned(),
            known: codes.join(", "),
        });
    }
    Ok(SiteResults::of(&survey, &analysed.analysis, site)?
        .with_partner_priorities(&partner_priorities(store, wave, None)?))
}

/// Analyses a wave and releases every site's results to the store, where each hospital key
/// reads its own; returns the sites released. Researchers and administrators only.
pub fn release_site_results(
    store: &Store,
    wave: &str,
    threshold: u64,
) -> Result<Vec<String>, ReportingError> {
    let results = every_site_results(store, wave, threshold, None)?;
    store.release_site_results(wave, &results)?;
    Ok(results.into_iter().map(|(site, _)| site).collect())
}

/// Publishes an approved report and releases every site's results of its wave in the same
/// store transaction, suppressed at the report's own threshold and with the priorities its
/// partners marked, so that each hospital reads its results as soon as the report is public.
/// The API, the team pages and the CLI all publish through here. Returns the sites released.
pub fn publish_report(
    store: &Store,
    by: &ApiKey,
    report: &str,
) -> Result<Vec<String>, ReportingError> {
    // The store refuses too; asking first spares analysing the wave for nothing.
    if !by.role.is_researcher() {
        return Err(StoreError::NotAllowed(
            "researchers publish a report once it is approved".to_owned(),
        )
        .into());
    }
    let stored = store.report(report)?;
    let threshold = Draft::from_json(&stored.findings_json, &stored.methods_json)?
        .methods
        .threshold;
    let results = every_site_results(&store.acting_as(by), &stored.wave, threshold, Some(report))?;
    store.publish_report_releasing(by, report, Some(&results))?;
    Ok(results.into_iter().map(|(site, _)| site).collect())
}

/// Every site's results of a wave, as the store keeps them, with the priorities of the wave's
/// published reports and of `publishing` (a report about to be).
fn every_site_results(
    store: &Store,
    wave: &str,
    threshold: u64,
    publishing: Option<&str>,
) -> Result<Vec<(String, String)>, ReportingError> {
    let (survey, analysed) = analyse_wave(store, wave, threshold, "en")?;
    let ranks = partner_priorities(store, wave, publishing)?;
    let mut words = crate::comment_figures::site_words(store, wave, threshold)?;
    SiteResults::every_site(&survey, &analysed.analysis, &ranks)?
        .into_iter()
        .map(|(site, json)| {
            let Some(site_words) = words.remove(&site) else {
                return Ok((site, json));
            };
            let mut results = SiteResults::from_json(&json)?;
            results.patient_words = Some(site_words);
            Ok((site, results.to_json()?))
        })
        .collect()
}

/// The findings patient partners ranked among their priorities in the wave's published
/// reports (and `publishing`), each with the highest rank it was given.
fn partner_priorities(
    store: &Store,
    wave: &str,
    publishing: Option<&str>,
) -> Result<std::collections::BTreeMap<String, u32>, ReportingError> {
    let mut ranks = std::collections::BTreeMap::new();
    for id in store.reports_of_wave(wave)? {
        let report = store.report(&id)?;
        if report.state != vecu_store::ReportState::Published && publishing != Some(id.as_str()) {
            continue;
        }
        for mark in &report.marks {
            if let Some(rank) = mark.priority.and_then(|rank| u32::try_from(rank).ok()) {
                let best = ranks.entry(mark.finding.clone()).or_insert(rank);
                *best = (*best).min(rank);
            }
        }
    }
    Ok(ranks)
}

/// A site's hospital report in `lang`, from the results a researcher released: the store
/// refuses a hospital key every site but its own.
pub fn site_report(
    store: &Store,
    wave: &str,
    site: &str,
    lang: Option<&str>,
) -> Result<String, ReportingError> {
    let results = SiteResults::from_json(&store.site_results(wave, site)?)?;
    site_report_html(store, wave, &results, lang)
}

/// The hospital report of `results` in `lang`, else in the site's language
/// ([`Store::set_site_language`]), else in the survey's first; titled by the wave.
pub fn site_report_html(
    store: &Store,
    wave: &str,
    results: &SiteResults,
    lang: Option<&str>,
) -> Result<String, ReportingError> {
    let info = store.wave(wave)?;
    let survey = store.survey(&info.survey_hash)?;
    let site_lang = store.site_language(&results.site)?;
    let lang = [lang, site_lang.as_deref()]
        .into_iter()
        .flatten()
        .find_map(|lang| survey.language(lang))
        .unwrap_or_else(|| survey.default_language())
        .as_str()
        .to_owned();
    Ok(vecu_report::site_html(&survey, results, &lang, &info.name))
}
