//! `vecu analyse`: the results table and charts of a wave's responses.

use std::process::ExitCode;
use std::time::Instant;

use anyhow::Context;
use indicatif::{ProgressBar, ProgressStyle};
use vecu_analysis::{
    analyse, read_responses, write_charts, write_results, FrameCounts, Method, Options, Previous,
};

use super::survey::load;
use crate::args::AnalyseArgs;

pub fn run(args: AnalyseArgs) -> anyhow::Result<ExitCode> {
    let started = Instant::now();
    let survey = load(&args.survey)?;
    let data = read_responses(&survey, &args.responses)?;
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
    let previous_survey = match &args.previous_survey {
        Some(path) => Some(load(path)?),
        None => None,
    };
    let previous_data = match &args.previous {
        Some(path) => Some(
            read_responses(previous_survey.as_ref().unwrap_or(&survey), path)
                .context("reading the earlier wave")?,
        ),
        None => None,
    };
    let previous = previous_data.as_ref().map(|data| Previous {
        survey: previous_survey.as_ref().unwrap_or(&survey),
        data,
    });
    let options = Options {
        threshold: args.threshold,
        weighting,
        mode_case_mix: args.mode_case_mix,
    };
    std::fs::create_dir_all(&args.out)
        .with_context(|| format!("creating the output folder {}", args.out.display()))?;

    let bar = progress_bar("tables");
    let analysis = analyse(&survey, &data, &options, previous, &mut |done, total| {
        bar.set_length(total as u64);
        bar.set_position(done as u64);
    })
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

fn progress_bar(what: &'static str) -> ProgressBar {
    let bar = ProgressBar::new(1);
    let style = ProgressStyle::with_template("{msg:>7} [{bar:40}] {pos}/{len}")
        .unwrap_or_else(|_| ProgressStyle::default_bar())
        .progress_chars("=> ");
    bar.set_style(style);
    bar.set_message(what);
    bar
}
