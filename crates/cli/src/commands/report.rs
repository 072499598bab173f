//! `vecu report build`: a wave's report as a self-contained HTML file (or Markdown), from the
//! report co-written in the store, or a first draft from the analysis when there is none yet.
//! `vecu report site`: one hospital's report; `vecu report release-sites`: every site's results
//! into the store for the hospital keys; `vecu report site-language`: a site's language.

use std::process::ExitCode;

use anyhow::Context;

use super::open_store;
use crate::args::ReportCommand;

pub fn run(database: &super::Database, command: ReportCommand) -> anyhow::Result<ExitCode> {
    match command {
        ReportCommand::Build {
            wave,
            out,
            lang,
            threshold,
            contributions,
        } => build(
            database,
            &wave,
            &out,
            lang.as_deref(),
            threshold,
            contributions,
        ),
        ReportCommand::Site {
            wave,
            site,
            out,
            lang,
            threshold,
        } => {
            let store = open_store(database, super::Need::Existing)?;
            let shown = write_site_report(&store, &wave, &site, &out, lang.as_deref(), threshold)?;
            println!(
                "wrote {} (hospital report of {site}{})",
                out.display(),
                if shown {
                    ""
                } else {
                    ": too few respondents, the all-sites benchmark only"
                }
            );
            Ok(ExitCode::SUCCESS)
        }
        ReportCommand::SiteLanguage { site, lang, clear } => {
            let store = open_store(database, super::Need::Existing)?;
            let lang = lang.filter(|_| !clear);
            store
                .set_site_language(&site, lang.as_deref())
                .with_context(|| format!("setting the language of {site}"))?;
            match lang {
                Some(lang) => println!("{site}'s hospital reports are in {lang} unless asked otherwise"),
                None => println!("{site}'s hospital reports are in the survey's first language unless asked otherwise"),
            }
            Ok(ExitCode::SUCCESS)
        }
        ReportCommand::ReleaseSites { wave, threshold } => {
            let store = open_store(database, super::Need::Existing)?;
            let sites = vecu_collect::release_site_results(&store, &wave, threshold)
                .context("releasing the sites' results")?;
            println!(
                "released the results of {} sites ({}): each hospital key reads its own",
                sites.len(),
                sites.join(", ")
            );
            Ok(ExitCode::SUCCESS)
        }
    }
}

/// Writes one site's hospital report of a wave, analysed now; false when the site had too few
/// respondents to be shown.
pub fn write_site_report(
    store: &vecu_store::Store,
    wave: &str,
    site: &str,
    out: &std::path::Path,
    lang: Option<&str>,
    threshold: u64,
) -> anyhow::Result<bool> {
    let results = vecu_collect::site_results_now(store, wave, site, threshold)
        .with_context(|| format!("analysing wave {wave} for site {site}"))?;
    let html = vecu_collect::site_report_html(store, wave, &results, lang)
        .context("making the hospital report")?;
    std::fs::write(out, html).with_context(|| format!("writing {}", out.display()))?;
    Ok(results.shown)
}

fn build(
    database: &super::Database,
    wave: &str,
    out: &std::path::Path,
    lang: Option<&str>,
    threshold: u64,
    contributions: Option<std::path::PathBuf>,
) -> anyhow::Result<ExitCode> {
    let store = open_store(database, super::Need::Existing)?;
    let document = vecu_collect::wave_document(&store, wave, lang, threshold)
        .context("making the wave's report")?;
    let markdown = out.extension().is_some_and(|ext| ext == "md");
    let text = if markdown {
        vecu_report::to_markdown(&document)
    } else {
        vecu_report::to_html(&document)
    };
    std::fs::write(out, text).with_context(|| format!("writing {}", out.display()))?;
    if let Some(path) = contributions {
        std::fs::write(
            &path,
            vecu_report::contributions_csv(&document.contributions),
        )
        .with_context(|| format!("writing {}", path.display()))?;
    }
    println!(
        "wrote {} ({}, {} findings, state {})",
        out.display(),
        if markdown { "Markdown" } else { "HTML" },
        document.findings.len(),
        document.state
    );
    Ok(ExitCode::SUCCESS)
}
