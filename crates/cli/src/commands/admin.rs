//! `vecu admin ...`: API keys.

use std::process::ExitCode;

use anyhow::bail;
use vecu_store::Role;

use super::{open_store, Database, Need};
use crate::args::AdminCommand;

pub fn run(database: &Database, command: AdminCommand) -> anyhow::Result<ExitCode> {
    match command {
        AdminCommand::CreateKey { role, name, site } => {
            let Some(role) = Role::parse(&role) else {
                bail!(
                    "unknown role \"{role}\": use admin, researcher, patient-partner, data-entry or hospital"
                );
            };
            match (role, site.is_empty()) {
                (Role::Hospital, true) => bail!(
                    "a hospital key sees its own sites only: name them with --site H01 (repeat it for several)"
                ),
                (Role::Hospital, false) | (_, true) => {}
                (_, false) => bail!(
                    "--site binds hospital keys only; a {} key is not bound to sites",
                    role.as_str().replace('_', "-")
                ),
            }
            let store = open_store(database, Need::Existing)?;
            let (holder, key) = if role == Role::Hospital {
                store.create_hospital_key(&name, &site)?
            } else {
                store.create_api_key(&name, role)?
            };
            println!("{key}");
            let scope = if holder.sites.is_empty() {
                String::new()
            } else {
                format!(" (sites {})", holder.sites.join(", "))
            };
            eprintln!(
                "created {} key {} for {}{scope}; it is shown only now: store it safely",
                role.as_str(),
                holder.id,
                holder.name
            );
        }
        AdminCommand::ListKeys => {
            let keys = open_store(database, Need::Existing)?.api_keys()?;
            println!(
                "{:<32}  {:<15}  {:<10}  {:<10}  name",
                "id", "role", "created", "revoked"
            );
            for (holder, created, revoked) in &keys {
                let scope = if holder.sites.is_empty() {
                    String::new()
                } else {
                    format!(" (sites {})", holder.sites.join(", "))
                };
                println!(
                    "{:<32}  {:<15}  {:<10}  {:<10}  {}{scope}",
                    holder.id,
                    holder.role.as_str(),
                    created,
                    revoked.as_deref().unwrap_or("-"),
                    holder.name
                );
            }
        }
        AdminCommand::RevokeKey { id } => {
            if !open_store(database, Need::Existing)?.revoke_api_key(&id)? {
                bail!("no key {id} in use (unknown or already revoked): vecu admin list-keys shows the keys");
            }
            println!("key {id} is revoked: the API refuses it from its next request on");
        }
        AdminCommand::Backup { out } => {
            open_store(database, Need::Existing)?.backup(&out)?;
            println!(
                "wrote the backup {} (readable by you only); the encryption key is not in it: \
                 keep the key apart from every backup",
                out.display()
            );
        }
    }
    Ok(ExitCode::SUCCESS)
}
