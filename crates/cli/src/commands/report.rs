//! `vecu report build`: a wave's report as a self-contained HTML file (or Markdown), from the
//! report co-written in the store, or a first draft from the analysis when there is none yet.

use std::process::ExitCode;

use anyhow::Context;

use super::open_store;
use crate::args::ReportCommand;

pub fn run(database: &super::Database, command: ReportCommand) -> anyhow::Result<ExitCode> {
    let ReportCommand::Build {
        wave,
        out,
        lang,
        threshold,
        contributions,
    } = command;
    let store = open_store(database, super::Need::Existing)?;
    let document = vecu_collect::wave_document(&store, &wave, lang.as_deref(), threshold)
        .context("making the wave's report")?;
    let markdown = out.extension().is_some_and(|ext| ext == "md");
    let text = if markdown {
        vecu_report::to_markdown(&document)
    } else {
        vecu_report::to_html(&document)
    };
    std::fs::write(&out, text).with_context(|| format!("writing {}", out.display()))?;
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
