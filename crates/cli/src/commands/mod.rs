//! What each command does. Commands return an exit code; errors get context here, at the edge.

mod survey;

use std::process::ExitCode;

use crate::args::{Args, Command};

pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    match args.command {
        Command::Survey(command) => survey::run(command),
    }
}
