//! Command-line arguments (clap).

use std::path::PathBuf;

use clap::{Parser, Subcommand};

/// vecu: patient-experience surveys, built with patient partners.
#[derive(Debug, Parser)]
#[command(name = "vecu", version, about)]
pub struct Args {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Work with survey definitions.
    #[command(subcommand)]
    Survey(SurveyCommand),
}

#[derive(Debug, Subcommand)]
pub enum SurveyCommand {
    /// Check survey definitions; exits 0 when all are valid, 1 with every problem otherwise.
    Check {
        /// Survey definition files (JSON).
        #[arg(required = true)]
        files: Vec<PathBuf>,
    },
    /// Print a readable outline: sections, items, answers and skip logic.
    Show {
        file: PathBuf,
        /// Language of the outline (default: the survey's first language).
        #[arg(long)]
        lang: Option<String>,
    },
    /// Print the survey as an HL7 FHIR R4 Questionnaire resource (JSON).
    Fhir { file: PathBuf },
    /// Print the JSON codebook of the survey's wide response table.
    Codebook { file: PathBuf },
    /// Write N random, valid responses as a wide table (.csv or .parquet).
    Simulate {
        file: PathBuf,
        /// Number of responses.
        #[arg(long)]
        n: usize,
        /// Seed of the random generator: the same seed gives the same responses.
        #[arg(long, default_value_t = 1)]
        seed: u64,
        /// Output file; its extension (.csv or .parquet) chooses the format.
        #[arg(long)]
        out: PathBuf,
    },
}
