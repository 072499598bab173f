//! `vecu admin ...`: API keys, backups, key rotation.

use std::path::Path;
use std::process::ExitCode;

use anyhow::bail;
use vecu_store::Role;

use super::{key, open_store, Database, Need};
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
        AdminCommand::RotateKey {
            new_key_file,
            batch_rows,
        } => rotate_key(database, &new_key_file, batch_rows)?,
    }
    Ok(ExitCode::SUCCESS)
}

/// Re-seals the vault under the key in `new_key_file`; the old key is the database's own.
fn rotate_key(database: &Database, new_key_file: &Path, batch_rows: i64) -> anyhow::Result<()> {
    if batch_rows < 1 {
        bail!("--batch-rows must be 1 or more (rows per transaction); the default is 500");
    }
    let Some(old) = key::current_key(&database.url, database.key_file.as_deref(), Need::Existing)?
    else {
        bail!(
            "the database has no encryption key yet: there is nothing to rotate (give the key with VECU_ENCRYPTION_KEY or --key-file if it lives elsewhere)"
        );
    };
    let new = key::rotation_key(&database.url, new_key_file)?;
    let user = std::env::var("USER").unwrap_or_else(|_| "unknown".to_owned());
    let store = vecu_store::Store::open(
        &database.url,
        vecu_store::StoreConfig {
            key: Some(new),
            actor: format!("cli:{user}"),
            ..vecu_store::StoreConfig::default()
        },
    )?;
    let plan = vecu_store::RotationPlan {
        batch_rows,
        max_batches: None,
    };
    let report = store.rotate_key(&old, plan)?;
    println!(
        "sealed {} values again under the key in {} ({} were already); every command and instance \
         now needs that key alone: point VECU_KEY_FILE (or --key-file, or encryption_key_file) \
         at it, or put it in place of the old key file, and restart the instances. Keep the old \
         key only as long as backups taken before this rotation are kept: they open with it",
        report.resealed,
        new_key_file.display(),
        report.already_new
    );
    Ok(())
}
