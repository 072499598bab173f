//! What each command does. Commands return an exit code; errors get context here, at the edge.

mod admin;
mod analyse;
mod demo;
mod demo_comments;
mod export;
mod import;
mod key;
mod report;
mod serve;
mod survey;
mod translations;
mod wave;

use std::process::ExitCode;

use crate::args::{Args, Command};

pub use key::Need;

pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    let place = Database {
        url: database(&args.database),
        key_file: args.key_file.clone(),
    };
    match args.command {
        Command::Survey(command) => survey::run(command),
        Command::Wave(command) => wave::run(&place, command),
        Command::Export(export) => export::run(&place, export),
        Command::Serve(serve) => serve::run(args.database.as_deref(), args.key_file, serve),
        Command::Admin(admin) => admin::run(&place, admin),
        Command::Analyse(analyse) => analyse::run(analyse),
        Command::Report(report) => report::run(&place, report),
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

/// The database a command works on, and the key file named on the command line, if any.
pub struct Database {
    /// A SQLite file path or a postgres:// URL.
    pub url: String,
    /// `--key-file` / `VECU_KEY_FILE`.
    pub key_file: Option<std::path::PathBuf>,
}

/// Opens the store with its encryption key from the one key source ([`key::encryption_key`]);
/// `need` says whether the command may create the default key.
pub fn open_store(database: &Database, need: Need) -> anyhow::Result<vecu_store::Store> {
    let key = key::encryption_key(&database.url, database.key_file.as_deref(), need)?;
    let user = std::env::var("USER").unwrap_or_else(|_| "unknown".to_owned());
    let config = vecu_store::StoreConfig {
        key,
        actor: format!("cli:{user}"),
        ..vecu_store::StoreConfig::default()
    };
    // The store's error names the database (password redacted) and the cause: no context here,
    // which would print the URL in clear and say it twice.
    Ok(vecu_store::Store::open(&database.url, config)?)
}
