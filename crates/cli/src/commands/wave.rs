//! `vecu wave ...`: create, import-frame, open, status, close.

use std::process::ExitCode;

use anyhow::Context;
use vecu_store::WaveStatus;

use super::{open_store, survey::load_with_text};
use crate::args::WaveCommand;

pub fn run(database: &str, command: WaveCommand) -> anyhow::Result<ExitCode> {
    let store = open_store(database)?;
    match command {
        WaveCommand::Create { survey, name } => {
            let (loaded, text) = load_with_text(&survey)?;
            let hash = store.add_survey(&loaded, &text)?;
            let wave = store.create_wave(&hash, &name)?;
            println!("{wave}");
            eprintln!("created wave {wave} of survey {} version {} (status draft); next: vecu wave import-frame --wave {wave} FRAME.csv", loaded.id, loaded.version);
        }
        WaveCommand::ImportFrame { wave, file } => {
            let csv = std::fs::File::open(&file)
                .with_context(|| format!("cannot read {}", file.display()))?;
            let summary = store
                .import_frame(&wave, csv)
                .with_context(|| format!("importing {}", file.display()))?;
            println!("imported {} patients into wave {wave}", summary.rows);
            for (site, n) in &summary.by_site {
                println!("  {site}: {n}");
            }
        }
        WaveCommand::Open { wave } => {
            store.open_wave(&wave)?;
            println!("wave {wave} is open");
        }
        WaveCommand::Status { wave: Some(wave) } => print_status(&store.wave_status(&wave)?),
        WaveCommand::Status { wave: None } => {
            for wave in store.waves()? {
                println!(
                    "{}  {:<7} {}  created {}",
                    wave.id, wave.status, wave.name, wave.created_on
                );
            }
        }
        WaveCommand::Close { wave } => {
            let summary = store.close_wave(&wave)?;
            println!(
                "wave {wave} is closed: {} contacts erased, {} aggregate counts kept",
                summary.contacts_erased, summary.counts_kept
            );
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn print_status(status: &WaveStatus) {
    println!(
        "wave {} ({}), {}; {} responses",
        status.wave.id, status.wave.name, status.wave.status, status.responses
    );
    for counts in std::iter::once(&status.overall).chain(&status.sites) {
        let rate = counts
            .response_rate
            .map_or("-".to_owned(), |rate| format!("{:.1}%", 100.0 * rate));
        let by_status: Vec<String> = counts
            .by_status
            .iter()
            .map(|(status, n)| format!("{status} {n}"))
            .collect();
        println!(
            "  {:<8} response rate {rate:>6}  {}",
            counts.site,
            by_status.join(", ")
        );
    }
}
