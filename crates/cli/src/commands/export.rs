//! `vecu export`: the wave's responses as a k-anonymous wide table, with codebook and report.

use std::process::ExitCode;

use anyhow::Context;
use vecu_store::{AnonymityPolicy, ExportOptions};
use vecu_survey::TableFormat;

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
    let format = match args.format {
        Format::Csv => TableFormat::Csv,
        Format::Parquet => TableFormat::Parquet,
    };
    export
        .write(&args.out, format)
        .with_context(|| format!("writing {}", args.out.display()))?;
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
    Ok(ExitCode::SUCCESS)
}
