//! `vecu wave ...`: create, import-frame, codes, open, status, reminders, close.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Context;
use vecu_store::{Letter, WaveStatus};
use vecu_survey::neutralise_csv_cell;

use super::{open_store, survey::load_with_text};
use crate::args::{Switch, WaveCommand};

pub fn run(database: &super::Database, command: WaveCommand) -> anyhow::Result<ExitCode> {
    // Importing contacts or refs seals them: the key is made on first use. The rest uses it
    // when it exists.
    let need = match command {
        WaveCommand::ImportFrame { .. } | WaveCommand::Codes { .. } => super::Need::Create,
        _ => super::Need::Existing,
    };
    let store = open_store(database, need)?;
    match command {
        WaveCommand::Create {
            survey,
            name,
            double_entry,
        } => {
            let (loaded, text) = load_with_text(&survey)?;
            let hash = store.add_survey(&loaded, &text)?;
            let wave = store.create_wave(&hash, &name)?;
            if double_entry {
                store.set_double_entry(&wave, true)?;
            }
            println!("{wave}");
            let keying = if double_entry {
                ", paper returns keyed twice"
            } else {
                ""
            };
            eprintln!("created wave {wave} of survey {} version {} (status draft{keying}); next: vecu wave import-frame --wave {wave} FRAME.csv", loaded.id, loaded.version);
        }
        WaveCommand::DoubleEntry { wave, setting } => {
            let on = setting == Switch::On;
            store.set_double_entry(&wave, on)?;
            if on {
                println!(
                    "wave {wave}: each paper return is keyed twice, blind, on the /entry pages"
                );
            } else {
                println!("wave {wave}: paper returns are keyed once (questionnaires with a first keying saved are finished the double way)");
            }
        }
        WaveCommand::Schedule {
            wave,
            after_days,
            contacts,
            off,
        } => {
            if off {
                store.set_reminder_schedule(&wave, None)?;
                println!("wave {wave}: no reminder schedule; reminders go out only when asked for");
            } else {
                let schedule = vecu_store::ReminderSchedule::new(after_days, contacts)?;
                store.set_reminder_schedule(&wave, Some(schedule))?;
                println!(
                    "wave {wave}: `vecu serve` reminds those who have not answered {after_days} \
                     days after each contact, {contacts} contacts in all with the invitation"
                );
            }
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
        WaveCommand::Codes {
            wave,
            frame,
            out,
            public_url,
        } => {
            let csv = std::fs::File::open(&frame)
                .with_context(|| format!("cannot read {}", frame.display()))?;
            let (summary, letters) = store
                .import_letter_frame(&wave, csv)
                .with_context(|| format!("importing {}", frame.display()))?;
            let public_url = public_url.unwrap_or_else(|| "http://127.0.0.1:8080".to_owned());
            let results = store.results_code(&wave)?.address(&public_url);
            write_letters(&letters, &out, &public_url, &results)?;
            println!(
                "{} letters with access codes written to {} (QR codes in {}); keep the file at the hospital and delete it after the mail-out",
                summary.rows,
                out.display(),
                qr_folder(&out).display()
            );
            for (site, n) in &summary.by_site {
                println!("  {site}: {n}");
            }
            println!(
                "the wave's results will be public at {results} once its report is published \
                 (column `results`)"
            );
        }
        WaveCommand::Reminders { wave, out } => {
            let references = store.letter_reminders(&wave)?;
            let mut writer = csv::Writer::from_path(&out)
                .with_context(|| format!("cannot write {}", out.display()))?;
            writer.write_record(["ref"])?;
            for reference in &references {
                writer.write_record([neutralise_csv_cell(reference).as_bytes()])?;
            }
            writer
                .flush()
                .with_context(|| format!("cannot write {}", out.display()))?;
            println!(
                "{} letters to remind, listed in {}",
                references.len(),
                out.display()
            );
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

/// The folder of the QR codes beside the letters: `letters.qr/` for `letters.csv`.
fn qr_folder(out: &Path) -> PathBuf {
    out.with_extension("qr")
}

/// Writes the mail-merge file and one QR code per letter (SVG, named by row number), each row
/// with the address of the wave's public results page.
fn write_letters(
    letters: &[Letter],
    out: &Path,
    public_url: &str,
    results: &str,
) -> anyhow::Result<()> {
    let folder = qr_folder(out);
    std::fs::create_dir_all(&folder)
        .with_context(|| format!("cannot create {}", folder.display()))?;
    let mut writer =
        csv::Writer::from_path(out).with_context(|| format!("cannot write {}", out.display()))?;
    writer.write_record([
        "ref", "language", "code", "address", "link", "qr", "results",
    ])?;
    for (idx, letter) in letters.iter().enumerate() {
        let code = letter.code.to_string();
        let (address, link) = letter.addresses(public_url);
        let svg = qrcode::QrCode::new(link.as_bytes())
            .context("making a QR code")?
            .render::<qrcode::render::svg::Color>()
            .min_dimensions(160, 160)
            .build();
        let name = format!("{:05}.svg", idx + 1);
        let path = folder.join(&name);
        std::fs::write(&path, svg).with_context(|| format!("cannot write {}", path.display()))?;
        let relative = format!(
            "{}/{name}",
            folder
                .file_name()
                .map(|n| n.to_string_lossy())
                .unwrap_or_default()
        );
        let cells = [
            letter.reference.as_str(),
            letter.language.as_str(),
            code.as_str(),
            address.as_str(),
            link.as_str(),
            relative.as_str(),
            results,
        ]
        .map(neutralise_csv_cell);
        writer.write_record(cells.iter().map(|cell| cell.as_bytes()))?;
    }
    writer
        .flush()
        .with_context(|| format!("cannot write {}", out.display()))?;
    Ok(())
}

/// What the paper rules changed and how double entry agreed, item by item.
fn print_paper(
    paper: &std::collections::BTreeMap<String, std::collections::BTreeMap<String, i64>>,
) {
    let count = |item: &str, kind: &str| {
        paper
            .get(item)
            .and_then(|kinds| kinds.get(kind))
            .copied()
            .unwrap_or_default()
    };
    println!(
        "  paper: {} questionnaires keyed, {} changed by the paper rules",
        count("*", "questionnaires"),
        count("*", "questionnaires_edited")
    );
    for (item, kinds) in paper.iter().filter(|(item, _)| item.as_str() != "*") {
        let mut parts: Vec<String> = ["routing_removed", "multiple_ticks", "unreadable"]
            .iter()
            .filter_map(|kind| kinds.get(*kind).map(|n| format!("{kind} {n}")))
            .collect();
        let (agree, disagree) = (count(item, "double_agree"), count(item, "double_disagree"));
        if agree + disagree > 0 {
            parts.push(format!(
                "double entry agreed {:.1}% ({agree} of {})",
                100.0 * agree as f64 / (agree + disagree) as f64,
                agree + disagree
            ));
        }
        println!("    {item}: {}", parts.join(", "));
    }
}

fn print_status(status: &WaveStatus) {
    println!(
        "wave {} ({}), {}; {} responses{}",
        status.wave.id,
        status.wave.name,
        status.wave.status,
        status.responses,
        if status.wave.double_entry {
            "; double data entry"
        } else {
            ""
        }
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
        let by_mode: Vec<String> = counts
            .response_rate_by_mode
            .iter()
            .map(|(mode, rate)| format!("{mode} {:.1}%", 100.0 * rate))
            .collect();
        println!(
            "  {:<8} response rate {rate:>6}  {}{}",
            counts.site,
            by_status.join(", "),
            if by_mode.is_empty() {
                String::new()
            } else {
                format!("; by mode: {}", by_mode.join(", "))
            }
        );
    }
    if !status.paper.is_empty() {
        print_paper(&status.paper);
    }
}
