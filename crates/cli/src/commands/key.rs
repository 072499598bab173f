//! Where the encryption key comes from: one rule for every command and for `vecu serve`.
//!
//! 1. `VECU_ENCRYPTION_KEY` (32 bytes in base64);
//! 2. else a key file named by `--key-file` / `VECU_KEY_FILE` (or `vecu serve`'s settings file);
//! 3. else the default key file of the database, `$XDG_CONFIG_HOME/vecu/keys/NAME.key` (or
//!    `$HOME/.config/vecu/keys/`), NAME derived from the database's canonical path or URL (so two
//!    databases get two keys). Commands that seal contact data create it (0600, folders 0700)
//!    when it does not exist yet, and say where it is.
//!
//! During a key rotation (`vecu admin rotate-key`), `VECU_PREVIOUS_KEY_FILE` names the key being
//! left: it still opens what it sealed until the rotation has finished, and never seals.
//!
//! A key file in the database's folder is refused, the old default `<database>.key` above all:
//! a backup of that folder would hold the sealed contacts and their key together.

use std::path::{Path, PathBuf};

use anyhow::{bail, Context};
use sha2::{Digest, Sha256};
use vecu_store::{Backend, EncryptionKey};

/// Whether a command needs a key it may create.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Need {
    /// The command seals new contact data (frames, letters, the service): the default key file
    /// is created when there is none.
    Create,
    /// The command uses a key when one exists, and never makes one up.
    Existing,
}

/// The encryption key of `database` by the rule above, with the previous key during a rotation;
/// `None` only with [`Need::Existing`] when no key exists yet.
pub fn encryption_key(
    database: &str,
    key_file: Option<&Path>,
    need: Need,
) -> anyhow::Result<Option<EncryptionKey>> {
    let key = current_key(database, key_file, need)?;
    let Some(previous) = std::env::var_os("VECU_PREVIOUS_KEY_FILE") else {
        return Ok(key);
    };
    let previous = Path::new(&previous);
    DatabasePlace::of(database)?.refuse_key_inside(previous)?;
    let previous = read_key_file(previous).context("VECU_PREVIOUS_KEY_FILE")?;
    Ok(key.map(|key| key.with_previous(previous)))
}

/// The new key of a rotation: read from `path`, or made there (0600) when the file does not
/// exist yet, so that a rerun after an interruption goes on with the same key.
pub fn rotation_key(database: &str, path: &Path) -> anyhow::Result<EncryptionKey> {
    DatabasePlace::of(database)?.refuse_key_inside(path)?;
    if path.exists() {
        read_key_file(path)
    } else {
        create_key_file(path, database)
    }
}

/// The key of `database` by the rule above, alone.
pub fn current_key(
    database: &str,
    key_file: Option<&Path>,
    need: Need,
) -> anyhow::Result<Option<EncryptionKey>> {
    let place = DatabasePlace::of(database)?;
    place.refuse_old_default_key()?;
    if let Ok(text) = std::env::var("VECU_ENCRYPTION_KEY") {
        return Ok(Some(
            EncryptionKey::from_base64(&text).context("VECU_ENCRYPTION_KEY")?,
        ));
    }
    if let Some(path) = key_file {
        place.refuse_key_inside(path)?;
        return read_key_file(path).map(Some);
    }
    let path = match (place.default_key_file(), need) {
        (Ok(path), _) => path,
        (Err(_), Need::Existing) => return Ok(None),
        (Err(error), Need::Create) => return Err(error),
    };
    if !path.exists() && need == Need::Existing {
        return Ok(None);
    }
    place.refuse_key_inside(&path)?;
    if path.exists() {
        read_key_file(&path).map(Some)
    } else {
        create_key_file(&path, database).map(Some)
    }
}

/// A database as the key rule sees it: a SQLite file (its folder matters) or a server URL.
enum DatabasePlace {
    /// The canonical path of the file (which may not exist yet) and its folder.
    File { path: PathBuf, folder: PathBuf },
    /// The URL without password, with its port, the way two spellings of one database agree.
    Server { url: String, database: String },
}

impl DatabasePlace {
    fn of(database: &str) -> anyhow::Result<DatabasePlace> {
        match Backend::of_url(database) {
            (Backend::Postgres, url) => server_place(url),
            (Backend::Sqlite, path) => {
                let path = Path::new(path);
                let folder = match path.parent() {
                    Some(parent) if !parent.as_os_str().is_empty() => parent.to_path_buf(),
                    _ => PathBuf::from("."),
                };
                let folder = folder
                    .canonicalize()
                    .with_context(|| format!("the folder of the database {}", path.display()))?;
                let name = path
                    .file_name()
                    .with_context(|| format!("the database {} names no file", path.display()))?;
                Ok(DatabasePlace::File {
                    path: folder.join(name),
                    folder,
                })
            }
        }
    }

    /// `$XDG_CONFIG_HOME/vecu/keys/NAME.key`, NAME being the database's name and a hash of its
    /// canonical path or URL.
    fn default_key_file(&self) -> anyhow::Result<PathBuf> {
        let (label, identity) = match self {
            DatabasePlace::File { path, .. } => (
                path.file_name()
                    .map(|name| name.to_string_lossy().into_owned())
                    .unwrap_or_default(),
                path.display().to_string(),
            ),
            DatabasePlace::Server { url, database } => (database.clone(), url.clone()),
        };
        let digest = Sha256::digest(identity.as_bytes());
        let hash: String = digest[..8].iter().map(|b| format!("{b:02x}")).collect();
        let label: String = label
            .chars()
            .map(|c| {
                if c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_') {
                    c
                } else {
                    '_'
                }
            })
            .collect();
        Ok(keys_folder()?.join(format!("{label}-{hash}.key")))
    }

    /// The key the service once created beside a SQLite database (`vecu.db.key`) is refused.
    fn refuse_old_default_key(&self) -> anyhow::Result<()> {
        let DatabasePlace::File { path, .. } = self else {
            return Ok(());
        };
        let old = PathBuf::from(format!("{}.key", path.display()));
        if !old.exists() {
            return Ok(());
        }
        let moved = self
            .default_key_file()
            .map(|new| {
                let folder = new.parent().map(Path::to_path_buf).unwrap_or_default();
                format!(
                    "mkdir -p -m 700 {} && mv {} {}",
                    folder.display(),
                    old.display(),
                    new.display()
                )
            })
            .unwrap_or_else(|_| format!("mv {} /a/folder/outside/it/", old.display()));
        bail!(
            "the encryption key {} lies beside the database {}: a backup of the folder would hold the contacts and the key that opens them. Move it out of the folder: {moved} (or keep it elsewhere and name it with --key-file or VECU_KEY_FILE; delete it if VECU_ENCRYPTION_KEY holds the same key), then run the command again",
            old.display(),
            path.display()
        );
    }

    /// A key file inside the database's folder (or below it) is refused.
    fn refuse_key_inside(&self, key: &Path) -> anyhow::Result<()> {
        let DatabasePlace::File { path, folder } = self else {
            return Ok(());
        };
        let absolute = resolved(key);
        if absolute.starts_with(folder) {
            bail!(
                "the encryption key file {} is inside the folder of the database {}: a backup of the folder would hold the contacts and the key that opens them. Keep the key outside it (--key-file or VECU_KEY_FILE naming a file elsewhere, XDG_CONFIG_HOME for the default key folder) or the database in a folder of its own (--database)",
                absolute.display(),
                path.display()
            );
        }
        Ok(())
    }
}

/// The absolute path of a file that may not exist yet: its nearest existing folder canonical
/// (symbolic links followed), the rest as written.
fn resolved(path: &Path) -> PathBuf {
    let absolute = std::env::current_dir()
        .map(|cwd| cwd.join(path))
        .unwrap_or_else(|_| path.to_path_buf());
    let mut existing = absolute.as_path();
    let mut rest = Vec::new();
    while existing.canonicalize().is_err() {
        match (existing.parent(), existing.file_name()) {
            (Some(parent), Some(name)) => {
                rest.push(name);
                existing = parent;
            }
            _ => break,
        }
    }
    let mut resolved = existing
        .canonicalize()
        .unwrap_or_else(|_| existing.to_path_buf());
    resolved.extend(rest.iter().rev());
    resolved
}

/// A PostgreSQL URL the same however it is spelled: no password, the port given, parameters
/// sorted (the password left out of them too).
fn server_place(url: &str) -> anyhow::Result<DatabasePlace> {
    let parsed = url::Url::parse(url).context("the database URL")?;
    let mut parameters: Vec<(String, String)> = parsed
        .query_pairs()
        .filter(|(name, _)| name != "password")
        .map(|(name, value)| (name.into_owned(), value.into_owned()))
        .collect();
    parameters.sort();
    let database = parsed.path().trim_start_matches('/').to_owned();
    let identity = format!(
        "postgres://{}@{}:{}/{database}?{}",
        parsed.username(),
        parsed.host_str().unwrap_or_default().to_ascii_lowercase(),
        parsed.port().unwrap_or(5432),
        parameters
            .iter()
            .map(|(name, value)| format!("{name}={value}"))
            .collect::<Vec<_>>()
            .join("&")
    );
    Ok(DatabasePlace::Server {
        url: identity,
        database: if database.is_empty() {
            "postgres".to_owned()
        } else {
            database
        },
    })
}

/// `$XDG_CONFIG_HOME/vecu/keys` (an absolute XDG_CONFIG_HOME only, as the XDG specification
/// says), else `$HOME/.config/vecu/keys`.
fn keys_folder() -> anyhow::Result<PathBuf> {
    let config = std::env::var_os("XDG_CONFIG_HOME")
        .map(PathBuf::from)
        .filter(|path| path.is_absolute())
        .or_else(|| {
            std::env::var_os("HOME")
                .map(PathBuf::from)
                .filter(|path| path.is_absolute())
                .map(|home| home.join(".config"))
        });
    match config {
        Some(config) => Ok(config.join("vecu").join("keys")),
        None => bail!(
            "no encryption key: set VECU_ENCRYPTION_KEY to 32 random bytes in base64 (head -c 32 /dev/urandom | base64), or name a key file with --key-file or VECU_KEY_FILE; the default key file lives under $XDG_CONFIG_HOME or $HOME, and neither is set"
        ),
    }
}

fn read_key_file(path: &Path) -> anyhow::Result<EncryptionKey> {
    use std::os::unix::fs::PermissionsExt;
    let text = std::fs::read_to_string(path).map_err(|error| {
        let fix = match error.kind() {
            // It exists: the user vecu runs as (a container's, a service's) must own it.
            std::io::ErrorKind::PermissionDenied => format!(
                "give it to the user vecu runs as, readable by that user only: chown USER {0}; chmod 600 {0} (in the container image the user is vecu, uid 10001)",
                path.display()
            ),
            _ => format!(
                "make one with: head -c 32 /dev/urandom | base64 > {0}; chmod 600 {0}",
                path.display()
            ),
        };
        anyhow::anyhow!(
            "cannot read the encryption key file {}: {error} ({fix})",
            path.display()
        )
    })?;
    if let Ok(metadata) = std::fs::metadata(path) {
        if metadata.permissions().mode() & 0o077 != 0 {
            eprintln!(
                "warning: others than its owner may read the encryption key file {}: chmod 600 it",
                path.display()
            );
        }
    }
    EncryptionKey::from_base64(&text)
        .with_context(|| format!("the encryption key file {}", path.display()))
}

/// Creates the default key file (its folders 0700, the file 0600) and says where it is.
fn create_key_file(path: &Path, database: &str) -> anyhow::Result<EncryptionKey> {
    use std::io::Write;
    use std::os::unix::fs::{DirBuilderExt, OpenOptionsExt};
    if let Some(folder) = path.parent() {
        std::fs::DirBuilder::new()
            .recursive(true)
            .mode(0o700)
            .create(folder)
            .with_context(|| format!("cannot create the key folder {}", folder.display()))?;
    }
    let text = EncryptionKey::generate_base64();
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(path)
        .with_context(|| format!("cannot create the key file {}", path.display()))?;
    file.write_all(format!("{text}\n").as_bytes())
        .and_then(|()| file.sync_all())
        .with_context(|| format!("cannot write the key file {}", path.display()))?;
    eprintln!(
        "created the encryption key of the database {} in {}: keep it safe (without it the contact data cannot be read), and keep it out of the database's backups (a backup holding both exposes every contact); set VECU_ENCRYPTION_KEY or --key-file to keep it elsewhere",
        printable(database),
        path.display()
    );
    EncryptionKey::from_base64(&text).context("the new encryption key")
}

/// The database as it may be printed: a URL's password left out.
fn printable(database: &str) -> String {
    match url::Url::parse(database) {
        Ok(mut url) if url.password().is_some() => {
            let _ = url.set_password(Some("***"));
            url.to_string()
        }
        _ => database.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn name(url: &str) -> String {
        let DatabasePlace::Server { url, .. } = server_place(url).expect("a URL") else {
            panic!("a server");
        };
        url
    }

    #[test]
    fn one_server_database_has_one_identity_however_it_is_spelled() {
        assert_eq!(
            name("postgres://vecu:secret@DB.example:5432/scape"),
            name("postgresql://vecu@db.example/scape")
        );
        assert_ne!(
            name("postgres://vecu@db.example/scape"),
            name("postgres://vecu@db.example/other")
        );
        assert!(!name("postgres://vecu:secret@db/scape?password=x").contains("secret"));
        assert!(!name("postgres://vecu:secret@db/scape?password=x").contains("=x"));
    }
}
