//! `vecu export`: the wave's responses as a k-anonymous wide table, with codebook and report.

use std::path::Path;
use std::process::ExitCode;

use anyhow::Context;
use vecu_store::{AnonymityPolicy, Export, ExportOptions, Store};
use vecu_survey::{Lang, TableFormat};

use super::open_store;
use crate::args::{ExportArgs, Format};

pub fn run(database: &super::Database, args: ExportArgs) -> anyhow::Result<ExitCode> {
    let store = open_store(database, super::Need::Existing)?;
    let policy = match (args.generalise, args.suppress) {
        (true, _) => AnonymityPolicy::Generalise,
        (_, true) => AnonymityPolicy::Suppress,
        _ => AnonymityPolicy::Refuse,
    };
    let options = ExportOptions {
        k: args.k,
        policy,
        free_text: args.free_text,
    };
    let export = store.export(&args.wave, &options)?;
    let lang = || labels_language(&store, &export, args.lang.as_deref());
    let writing = || format!("writing {}", args.out.display());
    match args.format {
        Format::Csv => {
            export
                .write(&args.out, TableFormat::Csv)
                .with_context(writing)?;
            let csv_name = args
                .out
                .file_name()
                .map(|name| name.to_string_lossy().into_owned())
                .unwrap_or_default();
            let script = vecu_survey::r_script(&export.codebook, &lang()?, &csv_name);
            let script_path = args.out.with_extension("R");
            std::fs::write(&script_path, script)
                .with_context(|| format!("writing {}", script_path.display()))?;
        }
        Format::Parquet => export
            .write(&args.out, TableFormat::Parquet)
            .with_context(writing)?,
        Format::Sav => write_with_codebook(
            &export,
            &args.out,
            vecu_survey::spss_sav(&export.codebook, &export.rows, &lang()?)?,
        )?,
        Format::Ddi => {
            let csv = args.out.with_extension("csv");
            export
                .write(&csv, TableFormat::Csv)
                .with_context(|| format!("writing {}", csv.display()))?;
            let survey = store.survey(&export.codebook.survey_hash)?;
            let file = vecu_survey::DdiFile {
                name: &csv
                    .file_name()
                    .map(|name| name.to_string_lossy().into_owned())
                    .unwrap_or_default(),
                rows: export.rows.len(),
            };
            let xml = vecu_survey::ddi_codebook(&survey, &export.codebook, file, &lang()?);
            std::fs::write(&args.out, xml).with_context(writing)?;
        }
        Format::Fhir => {
            let survey = store.survey(&export.codebook.survey_hash)?;
            let bundle =
                vecu_survey::fhir_questionnaire_responses(&survey, &export.codebook, &export.rows);
            write_with_codebook(
                &export,
                &args.out,
                serde_json::to_vec_pretty(&bundle).context("serialising the FHIR Bundle")?,
            )?;
        }
        Format::Dta => write_with_codebook(
            &export,
            &args.out,
            vecu_survey::stata_dta(&export.codebook, &export.rows, &lang()?)?,
        )?,
    }
    let report = &export.report;
    println!(
        "wrote {} of {} responses to {} (k = {})",
        report.records_out,
        report.records_in,
        args.out.display(),
        report.k
    );
    for recoding in &report.recodings {
        println!(
            "  {}: {} grouped into \"{}\" ({} records)",
            recoding.variable,
            recoding.values.join(", "),
            recoding.into,
            recoding.records
        );
    }
    if report.suppressed_records > 0 {
        println!(
            "  {} records left out: their combination of {} was too rare",
            report.suppressed_records,
            report.quasi_identifiers.join(", ")
        );
    }
    if !report.free_text_columns_removed.is_empty() {
        println!(
            "  free text left out: {} (use --free-text to include it, scrubbed)",
            report.free_text_columns_removed.join(", ")
        );
    }
    if let Some(limits) = &report.scrubber_limits {
        println!(
            "  free text scrubbed ({} replacements). {limits}",
            report.scrubbed_replacements
        );
    }
    println!(
        "  codebook: {}; report: {}",
        args.out.with_extension("codebook.json").display(),
        args.out.with_extension("report.json").display()
    );
    if matches!(args.format, Format::Csv) {
        println!(
            "  R script that labels it: {}",
            args.out.with_extension("R").display()
        );
    }
    Ok(ExitCode::SUCCESS)
}

/// The language of an export's labels: the one asked for if the survey has it, else its first.
fn labels_language(store: &Store, export: &Export, asked: Option<&str>) -> anyhow::Result<Lang> {
    let survey = store.survey(&export.codebook.survey_hash)?;
    match asked {
        None => Ok(survey.default_language().clone()),
        Some(asked) => survey.language(asked).cloned().with_context(|| {
            format!(
                "--lang {asked}: survey {} has no such language; it has {}",
                survey.id,
                survey
                    .languages
                    .iter()
                    .map(Lang::as_str)
                    .collect::<Vec<_>>()
                    .join(", ")
            )
        }),
    }
}

/// Writes a file of the export, and its codebook and report beside it.
fn write_with_codebook(export: &Export, path: &Path, bytes: Vec<u8>) -> anyhow::Result<()> {
    std::fs::write(path, bytes).with_context(|| format!("writing {}", path.display()))?;
    export
        .write_beside(path)
        .with_context(|| format!("writing beside {}", path.display()))?;
    Ok(())
}
