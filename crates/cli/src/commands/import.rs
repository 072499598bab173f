//! `vecu survey import --from redcap`: a definition from another tool's, checked by vecu's loader,
//! with what did not map listed line by line.

use std::path::Path;
use std::process::ExitCode;

use anyhow::Context;

use crate::args::ImportSource;

pub fn run(
    from: ImportSource,
    file: &Path,
    out: &Path,
    id: Option<&str>,
    lang: &str,
) -> anyhow::Result<ExitCode> {
    let text =
        std::fs::read_to_string(file).with_context(|| format!("cannot read {}", file.display()))?;
    let id = match id {
        Some(id) => id.to_owned(),
        None => default_id(file),
    };
    let imported = match from {
        ImportSource::Redcap => vecu_survey::redcap_dictionary(&text, &id, lang)
            .with_context(|| format!("{} is not a REDCap data dictionary", file.display()))?,
        // A structure file names its own languages.
        ImportSource::Limesurvey => vecu_survey::limesurvey_structure(&text, &id)
            .with_context(|| format!("{} is not a LimeSurvey structure file", file.display()))?,
    };
    let json = serde_json::to_string_pretty(&imported.definition)?;
    std::fs::write(out, json + "\n").with_context(|| format!("writing {}", out.display()))?;
    println!("wrote {}", out.display());
    for unmapped in &imported.unmapped {
        println!("  {}: {unmapped}", file.display());
    }
    match vecu_survey::load_value(&imported.definition) {
        Ok(_) => {
            println!(
                "{} passes `vecu survey check`; {} thing(s) above to finish by hand",
                out.display(),
                imported.unmapped.len()
            );
            Ok(ExitCode::SUCCESS)
        }
        Err(error) => {
            eprintln!("{}: not yet a valid definition:\n{error}", out.display());
            Ok(ExitCode::from(1))
        }
    }
}

/// The file's name as a vecu id: lower case, letters, digits and underscores.
fn default_id(file: &Path) -> String {
    let stem = file
        .file_stem()
        .map(|stem| stem.to_string_lossy().to_lowercase())
        .unwrap_or_default();
    let id: String = stem
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
        .collect();
    match id.chars().next() {
        Some(c) if c.is_ascii_lowercase() => id,
        _ => format!("imported_{id}"),
    }
}
