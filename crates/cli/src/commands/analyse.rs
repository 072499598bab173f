//! `vecu analyse`: the results table and charts of a wave's responses.

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

use anyhow::Context;
use indicatif::{ProgressBar, ProgressStyle};
use vecu_analysis::{
    analyse_waves, read_summary, write_charts, write_results, Earlier, FrameCounts, Method,
    Options, ReadOptions, Summary,
};

use super::survey::load;
use crate::args::AnalyseArgs;

pub fn run(args: AnalyseArgs) -> anyhow::Result<ExitCode> {
    let started = Instant::now();
    let survey = load(&args.survey)?;
    let read_options = ReadOptions {
        missing: if args.na.is_empty() {
            ReadOptions::default().missing
        } else {
            args.na.clone()
        },
        ignore_columns: args.ignore_columns.clone(),
    };
    let data = read_summary_noting(&survey, &args.responses, &read_options)?;
    let weighting = match &args.frame_counts {
        Some(path) => {
            let method = if args.rake {
                Method::Rake
            } else {
                Method::PostStratify
            };
            Some((FrameCounts::read(&survey, path)?, method))
        }
        None => None,
    };
    let previous_surveys = args
        .previous_survey
        .iter()
        .map(|path| load(path))
        .collect::<anyhow::Result<Vec<_>>>()?;
    if previous_surveys.len() > 1 && previous_surveys.len() != args.previous.len() {
        anyhow::bail!(
            "--previous-survey is given {} times for {} --previous: give it once for all the \
             earlier waves, or once for each, in the same order",
            previous_surveys.len(),
            args.previous.len()
        );
    }
    let survey_of = |index: usize| {
        previous_surveys
            .get(index)
            .or(previous_surveys.first())
            .unwrap_or(&survey)
    };
    let previous_data = args
        .previous
        .iter()
        .enumerate()
        .map(|(index, path)| {
            read_summary_noting(survey_of(index), path, &read_options)
                .with_context(|| format!("reading the earlier wave {}", path.display()))
        })
        .collect::<anyhow::Result<Vec<_>>>()?;
    let mut labels = wave_labels(
        &args
            .previous
            .iter()
            .chain([&args.responses])
            .collect::<Vec<_>>(),
    );
    let label = labels.pop().unwrap_or_default();
    let earlier: Vec<Earlier<'_>> = previous_data
        .iter()
        .zip(&labels)
        .enumerate()
        .map(|(index, (data, label))| Earlier {
            label,
            survey: survey_of(index),
            data,
        })
        .collect();
    let options = Options {
        threshold: args.threshold,
        weighting,
        mode_case_mix: args.mode_case_mix,
        funnel: args.funnel.into(),
    };
    std::fs::create_dir_all(&args.out)
        .with_context(|| format!("creating the output folder {}", args.out.display()))?;

    let bar = progress_bar("tables");
    let analysis = analyse_waves(
        &survey,
        &data,
        &options,
        &label,
        &earlier,
        &mut |done, total| {
            bar.set_length(total as u64);
            bar.set_position(done as u64);
        },
    )
    .context("analysing")?;
    bar.finish_and_clear();
    for notice in &analysis.notices {
        eprintln!("{}: warning {notice}", args.survey.display());
    }
    write_results(&analysis.rows, &args.out)?;
    let tables_done = started.elapsed();

    let mut charts = 0;
    if !args.no_charts {
        let lang = args
            .lang
            .clone()
            .unwrap_or_else(|| survey.default_language().to_string());
        let bar = progress_bar("charts");
        let files = write_charts(
            &survey,
            &analysis,
            &lang,
            &args.out.join("charts"),
            &mut |done, total| {
                bar.set_length(total as u64);
                bar.set_position(done as u64);
            },
        )?;
        bar.finish_and_clear();
        charts = files.len();
    }
    let suppressed = analysis.rows.iter().filter(|row| !row.is_shown()).count();
    println!(
        "analysed {} responses: {} results ({} suppressed below {} respondents) in {:.1} s; \
         {} chart files; wrote {}",
        analysis.respondents,
        analysis.rows.len(),
        suppressed,
        analysis.threshold,
        tables_done.as_secs_f64(),
        charts,
        args.out.join("results.csv").display()
    );
    Ok(ExitCode::SUCCESS)
}

/// Reads a responses file chunk by chunk into its summary (memory stays flat however many rows
/// it has) and prints what was read past (columns set aside) on stderr.
fn read_summary_noting(
    survey: &vecu_survey::Survey,
    path: &Path,
    options: &ReadOptions,
) -> anyhow::Result<Summary> {
    let bar = progress_bar("reading");
    let read = read_summary(survey, path, options, &mut |done, total| {
        if let Some(total) = total {
            bar.set_length(total as u64);
        }
        bar.set_position(done as u64);
    })?;
    bar.finish_and_clear();
    for notice in &read.notices {
        eprintln!("{}: notice: {notice}", path.display());
    }
    Ok(read.summary)
}

/// A label for each wave's file, as its charts and the `wave` column name it: the file name
/// without extension, with its folder when two files share a name (`2024/responses`).
fn wave_labels(paths: &[&PathBuf]) -> Vec<String> {
    let stem = |path: &Path| {
        path.file_stem().map_or_else(
            || path.display().to_string(),
            |stem| stem.to_string_lossy().into_owned(),
        )
    };
    let with_folder = |path: &Path| match path.parent().and_then(Path::file_name) {
        Some(folder) => format!("{}/{}", folder.to_string_lossy(), stem(path)),
        None => stem(path),
    };
    let unique = |labels: &[String]| {
        labels
            .iter()
            .enumerate()
            .all(|(index, label)| !labels[..index].contains(label))
    };
    for name in [&stem as &dyn Fn(&Path) -> String, &with_folder] {
        let labels: Vec<String> = paths.iter().map(|path| name(path)).collect();
        if unique(&labels) {
            return labels;
        }
    }
    paths
        .iter()
        .map(|path| path.display().to_string())
        .collect()
}

fn progress_bar(what: &'static str) -> ProgressBar {
    let bar = ProgressBar::new(1);
    let style = ProgressStyle::with_template("{msg:>7} [{bar:40}] {pos}/{len}")
        .unwrap_or_else(|_| ProgressStyle::default_bar())
        .progress_chars("=> ");
    bar.set_style(style);
    bar.set_message(what);
    bar
}
