//! Connections: one code base over SQLite (embedded default) and PostgreSQL, pooled with r2d2,
//! migrated at start-up.

use std::time::Duration;

use diesel::connection::SimpleConnection;
use diesel::r2d2::{ManageConnection, Pool, PooledConnection};
use diesel::{Connection, PgConnection, SqliteConnection};
use diesel_migrations::{embed_migrations, EmbeddedMigrations, MigrationHarness};

use crate::error::{Result, StoreError};

/// A connection to either backend; queries are written once against it.
#[derive(diesel::MultiConnection)]
pub enum AnyConnection {
    /// PostgreSQL, for scale.
    Postgresql(PgConnection),
    /// SQLite, the embedded default.
    Sqlite(SqliteConnection),
}

/// Which database a store runs on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    /// A SQLite file.
    Sqlite,
    /// A PostgreSQL server.
    Postgres,
}

impl Backend {
    /// `postgres://` and `postgresql://` URLs are PostgreSQL; anything else is a SQLite file path
    /// (an optional `sqlite://` prefix is removed).
    pub fn of_url(url: &str) -> (Backend, &str) {
        if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            (Backend::Postgres, url)
        } else {
            (
                Backend::Sqlite,
                url.strip_prefix("sqlite://").unwrap_or(url),
            )
        }
    }
}

const SQLITE_MIGRATIONS: EmbeddedMigrations = embed_migrations!("../../migrations/sqlite");
const POSTGRES_MIGRATIONS: EmbeddedMigrations = embed_migrations!("../../migrations/postgres");

/// Opens connections of a known backend (never guessing by trying one after the other, which
/// could create a SQLite file named like a PostgreSQL URL).
#[derive(Debug)]
pub(crate) struct Manager {
    backend: Backend,
    target: String,
}

// SQLite: WAL so readers never block the writer; a busy timeout so concurrent writers wait instead
// of failing; FULL sync so an acknowledged commit survives a crash of the machine, not only of the
// process; secure_delete so erased contact data is overwritten, not left in free pages.
// The busy timeout comes first: switching to WAL takes a lock that other new connections wait for.
const SQLITE_PRAGMAS: &str = "PRAGMA busy_timeout = 30000; PRAGMA journal_mode = WAL; \
    PRAGMA synchronous = FULL; PRAGMA foreign_keys = ON; PRAGMA secure_delete = ON;";

impl ManageConnection for Manager {
    type Connection = AnyConnection;
    type Error = diesel::r2d2::Error;

    fn connect(&self) -> std::result::Result<AnyConnection, Self::Error> {
        match self.backend {
            Backend::Postgres => PgConnection::establish(&self.target)
                .map(AnyConnection::Postgresql)
                .map_err(diesel::r2d2::Error::ConnectionError),
            Backend::Sqlite => {
                let mut connection = SqliteConnection::establish(&self.target)
                    .map_err(diesel::r2d2::Error::ConnectionError)?;
                connection
                    .batch_execute(SQLITE_PRAGMAS)
                    .map_err(diesel::r2d2::Error::QueryError)?;
                Ok(AnyConnection::Sqlite(connection))
            }
        }
    }

    fn is_valid(&self, connection: &mut AnyConnection) -> std::result::Result<(), Self::Error> {
        connection
            .batch_execute("SELECT 1")
            .map_err(diesel::r2d2::Error::QueryError)
    }

    /// A connection left inside a transaction (a panic in a closure, a failed COMMIT or
    /// ROLLBACK) must not go back to the pool: its next "transaction" would be a savepoint and
    /// its "commit" would not be durable.
    fn has_broken(&self, connection: &mut AnyConnection) -> bool {
        use diesel::connection::TransactionManager;
        std::thread::panicking()
            || <AnyConnection as Connection>::TransactionManager::is_broken_transaction_manager(
                connection,
            )
    }
}

pub(crate) type ConnectionPool = Pool<Manager>;
pub(crate) type PooledAny = PooledConnection<Manager>;

/// Creates a new SQLite database file empty and readable by its owner only (0600), before
/// SQLite opens it: SQLite then gives its `-wal` and `-shm` files the same mode. An existing
/// file keeps its mode (a warning says when others may read it); `:memory:` and `file:` URIs
/// are left to SQLite.
fn create_private_sqlite_file(path: &str) -> Result<()> {
    use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
    if path.is_empty() || path == ":memory:" || path.starts_with("file:") {
        return Ok(());
    }
    let created = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(path);
    match created {
        Ok(_) => Ok(()),
        Err(error) if error.kind() == std::io::ErrorKind::AlreadyExists => {
            if let Ok(metadata) = std::fs::metadata(path) {
                let mode = metadata.permissions().mode() & 0o777;
                if mode & 0o077 != 0 {
                    tracing::warn!(
                        path,
                        mode = format!("{mode:o}"),
                        "the database file is readable by others than its owner: chmod 600 it"
                    );
                }
            }
            Ok(())
        }
        Err(error) => Err(StoreError::Connect {
            url: path.to_owned(),
            message: format!("cannot create the database file: {error}"),
        }),
    }
}

/// Opens the pool and applies pending migrations of the backend.
pub(crate) fn open_pool(url: &str) -> Result<(ConnectionPool, Backend)> {
    let (backend, target) = Backend::of_url(url);
    if backend == Backend::Sqlite {
        create_private_sqlite_file(target)?;
    }
    let manager = Manager {
        backend,
        target: target.to_owned(),
    };
    let max_size = match backend {
        Backend::Sqlite => 8,
        Backend::Postgres => 16,
    };
    // One connection first: a wrong URL or a server that is down fails at once with its cause,
    // instead of after the pool's 30 s wait for connections.
    manager.connect().map_err(|source| StoreError::Connect {
        url: redact(url),
        message: source.to_string(),
    })?;
    let pool = Pool::builder()
        .max_size(max_size)
        // Connections are opened as requests need them (r2d2 would otherwise open max_size at
        // once): several instances on one PostgreSQL, and its tools, share its max_connections
        // (100 by default), which idle connections of every instance would use up.
        .min_idle(Some(1))
        .connection_timeout(Duration::from_secs(30))
        // A failed connection comes back as `StoreError::Connect` with its cause; r2d2's own
        // log line would say the same cause a second time.
        .error_handler(Box::new(diesel::r2d2::NopErrorHandler))
        .build(manager)
        .map_err(|source| StoreError::Connect {
            url: redact(url),
            message: source.to_string(),
        })?;
    let mut connection = pool.get().map_err(|source| StoreError::Connect {
        url: redact(url),
        message: source.to_string(),
    })?;
    let applied = match &mut *connection {
        AnyConnection::Sqlite(sqlite) => sqlite
            .run_pending_migrations(SQLITE_MIGRATIONS)
            .map(|done| done.len()),
        AnyConnection::Postgresql(pg) => pg
            .run_pending_migrations(POSTGRES_MIGRATIONS)
            .map(|done| done.len()),
    }
    .map_err(|error| StoreError::Migration(error.to_string()))?;
    if applied > 0 {
        tracing::info!(applied, "database migrations applied");
    }
    Ok((pool, backend))
}

/// Whether every migration of this build has been applied.
pub(crate) fn migrations_current(connection: &mut AnyConnection) -> Result<bool> {
    let pending = match connection {
        AnyConnection::Sqlite(sqlite) => sqlite.has_pending_migration(SQLITE_MIGRATIONS),
        AnyConnection::Postgresql(pg) => pg.has_pending_migration(POSTGRES_MIGRATIONS),
    };
    pending
        .map(|pending| !pending)
        .map_err(|error| StoreError::Migration(error.to_string()))
}

/// Reverts every migration and applies them again (used by tests to prove down.sql works).
pub(crate) fn redo_migrations(connection: &mut AnyConnection) -> Result<()> {
    let outcome = match connection {
        AnyConnection::Sqlite(sqlite) => match sqlite.revert_all_migrations(SQLITE_MIGRATIONS) {
            Ok(_) => sqlite.run_pending_migrations(SQLITE_MIGRATIONS).map(|_| ()),
            Err(error) => Err(error),
        },
        AnyConnection::Postgresql(pg) => match pg.revert_all_migrations(POSTGRES_MIGRATIONS) {
            Ok(_) => pg.run_pending_migrations(POSTGRES_MIGRATIONS).map(|_| ()),
            Err(error) => Err(error),
        },
    };
    outcome.map_err(|error| StoreError::Migration(error.to_string()))
}

/// The URL without its password, for messages and logs.
pub(crate) fn redact(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(scheme_end), Some(at)) if at > scheme_end => {
            let credentials = &url[scheme_end + 3..at];
            match credentials.split_once(':') {
                Some((user, _)) => format!("{}{user}:***{}", &url[..scheme_end + 3], &url[at..]),
                None => url.to_owned(),
            }
        }
        _ => url.to_owned(),
    }
}
