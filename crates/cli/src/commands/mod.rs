//! What each command does. Commands return an exit code; errors get context here, at the edge.

mod admin;
mod analyse;
mod demo;
mod export;
mod report;
mod serve;
mod survey;
mod wave;

use std::process::ExitCode;

use crate::args::{Args, Command};

pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    match args.command {
        Command::Survey(command) => survey::run(command),
        Command::Wave(command) => wave::run(&database(&args.database), command),
        Command::Export(export) => export::run(&database(&args.database), export),
        Command::Serve(serve) => serve::run(args.database.as_deref(), serve),
        Command::Admin(admin) => admin::run(&database(&args.database), admin),
        Command::Analyse(analyse) => analyse::run(analyse),
        Command::Report(report) => report::run(&database(&args.database), report),
        Command::Demo {
            out,
            patients,
            seed,
        } => demo::run(&out, patients, seed),
    }
}

/// The database asked for, or `vecu.db` in the working directory.
pub fn database(asked: &Option<String>) -> String {
    asked.clone().unwrap_or_else(|| DEFAULT_DATABASE.to_owned())
}

/// The embedded default database.
pub const DEFAULT_DATABASE: &str = "vecu.db";

/// Opens the store; the encryption key comes from VECU_ENCRYPTION_KEY when set.
pub fn open_store(database: &str) -> anyhow::Result<vecu_store::Store> {
    use anyhow::Context;
    let key = match std::env::var("VECU_ENCRYPTION_KEY") {
        Ok(text) => {
            Some(vecu_store::EncryptionKey::from_base64(&text).context("VECU_ENCRYPTION_KEY")?)
        }
        Err(_) => None,
    };
    let user = std::env::var("USER").unwrap_or_else(|_| "unknown".to_owned());
    let config = vecu_store::StoreConfig {
        key,
        actor: format!("cli:{user}"),
        ..vecu_store::StoreConfig::default()
    };
    vecu_store::Store::open(database, config)
        .with_context(|| format!("opening the database {database}"))
}
