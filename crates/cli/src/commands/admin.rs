//! `vecu admin ...`: API keys.

use std::process::ExitCode;

use anyhow::bail;
use vecu_store::Role;

use super::open_store;
use crate::args::AdminCommand;

pub fn run(database: &str, command: AdminCommand) -> anyhow::Result<ExitCode> {
    match command {
        AdminCommand::CreateKey { role, name } => {
            let Some(role) = Role::parse(&role) else {
                bail!(
                    "unknown role \"{role}\": use admin, researcher, patient-partner or data-entry"
                );
            };
            let store = open_store(database)?;
            let (holder, key) = store.create_api_key(&name, role)?;
            println!("{key}");
            eprintln!(
                "created {} key {} for {}; it is shown only now: store it safely",
                role.as_str(),
                holder.id,
                holder.name
            );
        }
    }
    Ok(ExitCode::SUCCESS)
}
