//! `vecu survey ...`: check, show, diff, fhir, codebook, simulate.

use std::path::Path;
use std::process::ExitCode;

use anyhow::{bail, Context};
use vecu_survey::{Codebook, Lang, LoadError, Survey, TableFormat};

use crate::args::SurveyCommand;

pub fn run(command: SurveyCommand) -> anyhow::Result<ExitCode> {
    match command {
        SurveyCommand::Check {
            files,
            translations,
        } => {
            let checked = check(&files);
            if !translations || checked != ExitCode::SUCCESS {
                return Ok(checked);
            }
            super::translations::report(&files)
        }
        SurveyCommand::Translations {
            file,
            lang,
            from,
            translated_by,
            checked_by,
            method,
            on,
            texts,
        } => super::translations::record(
            &file,
            &vecu_survey::TranslationWork {
                lang: &lang,
                from: &from,
                translated_by: &translated_by,
                checked_by: checked_by.as_deref(),
                method: method.map(|method| match method {
                    crate::args::CheckMethodArg::ForwardReview => {
                        vecu_survey::CheckMethod::ForwardReview
                    }
                    crate::args::CheckMethodArg::BackTranslation => {
                        vecu_survey::CheckMethod::BackTranslation
                    }
                }),
                on: &on.unwrap_or_else(|| chrono::Utc::now().format("%Y-%m-%d").to_string()),
                texts: &texts,
            },
        ),
        SurveyCommand::Import {
            from,
            file,
            out,
            id,
            lang,
        } => super::import::run(from, &file, &out, id.as_deref(), &lang),
        SurveyCommand::Show { file, lang } => {
            let survey = load(&file)?;
            let lang = language(&survey, &file, lang)?;
            print!("{}", vecu_survey::outline(&survey, &lang));
            Ok(ExitCode::SUCCESS)
        }
        SurveyCommand::Diff { old, new, json } => diff(&old, &new, json),
        SurveyCommand::Fhir { file } => {
            let survey = load(&file)?;
            println!(
                "{}",
                serde_json::to_string_pretty(&vecu_survey::fhir_questionnaire(&survey))?
            );
            Ok(ExitCode::SUCCESS)
        }
        SurveyCommand::Codebook { file } => {
            let survey = load(&file)?;
            println!("{}", serde_json::to_string_pretty(&Codebook::new(&survey))?);
            Ok(ExitCode::SUCCESS)
        }
        SurveyCommand::Print {
            file,
            lang,
            large,
            out,
        } => {
            let survey = load(&file)?;
            let lang = language(&survey, &file, lang)?;
            let html = vecu_collect::paper_questionnaire(&survey, lang.as_str(), large);
            std::fs::write(&out, html)
                .with_context(|| format!("cannot write {}", out.display()))?;
            println!(
                "{}: the paper questionnaire in {}{}; print it from a browser, or make a PDF with `chromium --headless --no-pdf-header-footer --print-to-pdf=questionnaire.pdf {}`",
                out.display(),
                lang.as_str(),
                if large { ", large print" } else { "" },
                out.display()
            );
            Ok(ExitCode::SUCCESS)
        }
        SurveyCommand::Simulate { file, n, seed, out } => {
            let Some(format) = TableFormat::from_path(&out) else {
                bail!(
                    "{}: the output file must end in .csv or .parquet",
                    out.display()
                );
            };
            let survey = load(&file)?;
            let codebook = Codebook::new(&survey);
            // In chunks: a million responses as answer maps would not fit in memory.
            const CHUNK: usize = 50_000;
            let mut responses = vecu_survey::Simulator::new(&survey, seed);
            let chunks = (0..n).step_by(CHUNK).map(|start| {
                responses
                    .by_ref()
                    .take(CHUNK.min(n - start))
                    .map(|response| {
                        codebook.row(&response.response_id, &response.frame, &response.answers)
                    })
                    .collect::<Vec<_>>()
            });
            vecu_survey::write_table_in_chunks(&codebook, chunks, &out, format)
                .with_context(|| format!("writing {}", out.display()))?;
            eprintln!(
                "wrote {n} simulated responses ({} columns) to {}",
                codebook.columns.len(),
                out.display()
            );
            Ok(ExitCode::SUCCESS)
        }
    }
}

/// The language asked for, which the survey must have, or its first language.
fn language(survey: &Survey, file: &Path, asked: Option<String>) -> anyhow::Result<Lang> {
    match asked {
        Some(code) => survey.language(&code).cloned().with_context(|| {
            format!(
                "{} has no language \"{code}\"; choose one of {}",
                file.display(),
                languages(survey)
            )
        }),
        None => Ok(survey.default_language().clone()),
    }
}

fn languages(survey: &Survey) -> String {
    survey
        .languages
        .iter()
        .map(|lang| lang.as_str())
        .collect::<Vec<_>>()
        .join(", ")
}

fn read(path: &Path) -> anyhow::Result<String> {
    std::fs::read_to_string(path).with_context(|| format!("cannot read {}", path.display()))
}

pub(crate) fn load(path: &Path) -> anyhow::Result<Survey> {
    load_with_text(path).map(|(survey, _)| survey)
}

/// The survey and the text it was loaded from.
pub(crate) fn load_with_text(path: &Path) -> anyhow::Result<(Survey, String)> {
    let text = read(path)?;
    let survey = vecu_survey::load_str(&text)
        .with_context(|| format!("{} is not a valid survey definition", path.display()))?;
    Ok((survey, text))
}

/// Prints what changed from `old` to `new`; invalid definitions get every problem and exit 1,
/// as `check` does.
fn diff(old: &Path, new: &Path, json: bool) -> anyhow::Result<ExitCode> {
    let mut surveys = Vec::new();
    for file in [old, new] {
        match vecu_survey::load_str(&read(file)?) {
            Ok(survey) => surveys.push(survey),
            Err(error) => eprintln!("{}", describe(file, &error)),
        }
    }
    // Both files are read and every problem of both is said before giving up.
    let [old_survey, new_survey] = surveys.as_slice() else {
        eprintln!("no differences shown: fix the definitions first (`vecu survey check`)");
        return Ok(ExitCode::FAILURE);
    };
    let differences = vecu_survey::diff(old_survey, new_survey);
    if json {
        println!("{}", serde_json::to_string_pretty(&differences)?);
    } else {
        print!("{differences}");
    }
    Ok(ExitCode::SUCCESS)
}

/// Checks every file and reports every problem of every file, then the verdict.
fn check(files: &[impl AsRef<Path>]) -> ExitCode {
    let mut failed = 0;
    for file in files {
        let file = file.as_ref();
        let outcome = read(file)
            .map_err(|error| format!("{error:#}"))
            .and_then(|text| vecu_survey::load_str(&text).map_err(|error| describe(file, &error)));
        match outcome {
            Ok(survey) => {
                let warnings = survey.warnings();
                println!(
                    "{}: ok (survey {} version {}, {} questions){}",
                    file.display(),
                    survey.id,
                    survey.version,
                    survey.n_questions(),
                    match warnings.len() {
                        0 => String::new(),
                        1 => ", 1 warning".to_owned(),
                        n => format!(", {n} warnings"),
                    }
                );
                // A warning does not fail the check: older definitions stay usable.
                for warning in &warnings {
                    eprintln!("{}: warning {warning}", file.display());
                }
            }
            Err(report) => {
                failed += 1;
                eprintln!("{report}");
            }
        }
    }
    if failed == 0 {
        ExitCode::SUCCESS
    } else {
        eprintln!("{failed} of {} file(s) invalid", files.len());
        ExitCode::FAILURE
    }
}

fn describe(file: &Path, error: &LoadError) -> String {
    match error {
        LoadError::Syntax {
            line,
            column,
            message,
        } => {
            format!(
                "{}:{line}:{column}: not valid JSON: {message}",
                file.display()
            )
        }
        LoadError::Invalid(problems) => problems
            .iter()
            .map(|problem| format!("{}: {problem}", file.display()))
            .collect::<Vec<_>>()
            .join("\n"),
    }
}
