//! Backups: a consistent copy of the whole database in one file, never with the encryption key
//! (it lives outside the database; a backup with its key would open every contact).
//!
//! SQLite: `VACUUM INTO` writes a fresh, compacted copy of the database as one transaction sees
//! it: no WAL to carry along, and no free pages, so rows erased at close do not survive in the
//! copy as they may in the live file's free space. PostgreSQL: `pg_dump --format=custom`, a
//! logical dump: rows as they are, never dead tuples or WAL; restore with `pg_restore`.

use std::path::Path;
use std::process::Command;

use diesel::prelude::*;
use diesel::sql_types::Text;

use crate::error::{Result, StoreError};
use crate::{Backend, Role, Store};

impl Store {
    /// Writes a consistent copy of the database to `path`, a file that must not exist yet
    /// (administrators only).
    pub fn backup(&self, path: &Path) -> Result<()> {
        self.require(|role| role == Role::Admin, "back up the database")?;
        let shown = path.display().to_string();
        // Made empty and readable by its owner only before anything is written into it; an
        // existing file is refused, never overwritten.
        {
            use std::os::unix::fs::OpenOptionsExt;
            std::fs::OpenOptions::new()
                .write(true)
                .create_new(true)
                .mode(0o600)
                .open(path)
                .map_err(|source| StoreError::Io {
                    path: shown.clone(),
                    source: std::io::Error::new(
                        source.kind(),
                        format!("{source}; name a new file (a backup never overwrites another)"),
                    ),
                })?;
        }
        match self.backend {
            Backend::Sqlite => {
                diesel::sql_query("VACUUM INTO ?")
                    .bind::<Text, _>(&shown)
                    .execute(&mut *self.connection()?)?;
            }
            Backend::Postgres => {
                let output = Command::new("pg_dump")
                    .args(["--format=custom", "--no-owner", "--file"])
                    .arg(path)
                    .arg("--dbname")
                    .arg(&*self.url)
                    .output()
                    .map_err(|source| StoreError::Io {
                        path: shown.clone(),
                        source: std::io::Error::new(
                            source.kind(),
                            format!(
                                "pg_dump could not run ({source}); install PostgreSQL's client \
                                 programs (Debian: postgresql-client) of the server's version"
                            ),
                        ),
                    })?;
                if !output.status.success() {
                    return Err(StoreError::Io {
                        path: shown,
                        source: std::io::Error::other(format!(
                            "pg_dump failed: {}",
                            String::from_utf8_lossy(&output.stderr).trim()
                        )),
                    });
                }
            }
        }
        Ok(())
    }
}
