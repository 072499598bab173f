//! `vecu survey translations` and `vecu survey check --translations`: the translation record
//! kept beside a definition (`NAME.translations.json`).

use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Context;
use vecu_survey::{TranslationLog, TranslationStatus, TranslationWork};

/// Where a definition's translation record lives: `surveys/x.json` -> `surveys/x.translations.json`.
pub fn log_path(definition: &Path) -> PathBuf {
    let stem = definition
        .file_stem()
        .map(|stem| stem.to_string_lossy().into_owned())
        .unwrap_or_default();
    definition.with_file_name(format!("{stem}.translations.json"))
}

fn read_log(definition: &Path) -> anyhow::Result<TranslationLog> {
    let path = log_path(definition);
    if !path.exists() {
        return Ok(TranslationLog::default());
    }
    let text =
        std::fs::read_to_string(&path).with_context(|| format!("reading {}", path.display()))?;
    vecu_survey::read_log(&text).with_context(|| path.display().to_string())
}

/// Records translation work in the definition's record.
pub fn record(definition: &Path, work: &TranslationWork<'_>) -> anyhow::Result<ExitCode> {
    let text = std::fs::read_to_string(definition)
        .with_context(|| format!("reading {}", definition.display()))?;
    vecu_survey::load_str(&text)
        .with_context(|| format!("{}: run `vecu survey check` first", definition.display()))?;
    let mut log = read_log(definition)?;
    let recorded = vecu_survey::record_translations(&text, &mut log, work)
        .with_context(|| definition.display().to_string())?;
    let path = log_path(definition);
    std::fs::write(&path, serde_json::to_string_pretty(&log)? + "\n")
        .with_context(|| format!("writing {}", path.display()))?;
    println!(
        "{}: {recorded} text(s) in {} recorded as translated from {} by {}{}",
        path.display(),
        work.lang,
        work.from,
        work.translated_by,
        work.checked_by
            .map(|by| format!(", checked by {by}"))
            .unwrap_or_default()
    );
    Ok(ExitCode::SUCCESS)
}

/// Prints every file's translation status, a line per language and a line per text that needs
/// work; exits 1 when a text changed after its translations were made or checked.
pub fn report(files: &[PathBuf]) -> anyhow::Result<ExitCode> {
    // Written, not printed: a closed pipe (`| head`) ends the command instead of a panic.
    let mut out = std::io::stdout().lock();
    let mut stale = 0;
    for file in files {
        let text =
            std::fs::read_to_string(file).with_context(|| format!("reading {}", file.display()))?;
        let log = read_log(file)?;
        let statuses = vecu_survey::translation_status(&text, &log)
            .with_context(|| file.display().to_string())?;
        let mut counts: BTreeMap<&str, [usize; 4]> = BTreeMap::new();
        for status in &statuses {
            let slot = match status.status {
                TranslationStatus::Checked { .. } => 0,
                TranslationStatus::NotChecked { .. } => 1,
                TranslationStatus::SourceChanged { .. } | TranslationStatus::EditedSinceCheck => {
                    stale += 1;
                    2
                }
                TranslationStatus::NoRecord => 3,
            };
            counts.entry(status.lang.as_str()).or_default()[slot] += 1;
        }
        for (lang, [checked, unchecked, changed, unrecorded]) in &counts {
            writeln!(
                out,
                "{}: {lang}: {checked} checked, {unchecked} not checked, {changed} changed since, {unrecorded} not recorded",
                file.display()
            )?;
        }
        // Texts merely not checked yet are counted above; the others are listed.
        for status in statuses.iter().filter(|status| {
            status.status.needs_work()
                && !matches!(status.status, TranslationStatus::NotChecked { .. })
        }) {
            writeln!(
                out,
                "{}: {} [{}]: {}",
                file.display(),
                status.text,
                status.lang,
                status.status
            )?;
        }
    }
    if stale == 0 {
        Ok(ExitCode::SUCCESS)
    } else {
        eprintln!(
            "{stale} translation(s) changed since they were made or checked: translate or check them again, then record it with `vecu survey translations`"
        );
        Ok(ExitCode::FAILURE)
    }
}
