//! `vecu`: the command-line tool of the vecu survey engine.

mod args;
mod commands;

use std::io::IsTerminal;
use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    let args = args::Args::parse();
    // The service logs what it does; the other commands tell their story in sentences on
    // standard output and log only warnings unless RUST_LOG asks for more. Colours only on a
    // terminal: a file, a pipe or journald gets plain text.
    let default_level = match args.command {
        args::Command::Serve(_) => "info",
        _ => "warn",
    };
    let logs = tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new(default_level)),
        )
        .with_writer(std::io::stderr);
    match args.log_format {
        args::LogFormat::Text => logs.with_ansi(std::io::stderr().is_terminal()).init(),
        args::LogFormat::Json => logs.json().with_ansi(false).init(),
    }
    match commands::run(args) {
        Ok(code) => code,
        Err(error) => {
            eprintln!("error: {}", said_once(&error));
            ExitCode::from(2)
        }
    }
}

/// The error and its causes, each cause said once: many errors already print their cause in
/// their own message, and a cause that the message holds is not repeated.
fn said_once(error: &anyhow::Error) -> String {
    let mut message = error.to_string();
    for cause in error.chain().skip(1) {
        let cause = cause.to_string();
        if !message.contains(&cause) {
            message.push_str(": ");
            message.push_str(&cause);
        }
    }
    message
}
