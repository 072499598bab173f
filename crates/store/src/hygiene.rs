//! What the database files keep after the rows have changed: SQLite's write-ahead log holds
//! whole pages of recent commits (a response beside the draft it replaced) until a checkpoint,
//! and PostgreSQL's heap holds dead row versions until VACUUM.
//!
//! SQLite: after a submission, a truncating checkpoint runs within [`CHECKPOINT_EVERY`], so the
//! WAL file never holds a submission for longer than that. PostgreSQL: closing a wave rewrites
//! every vault table (`VACUUM FULL`), so its old heap files with the erased rows are unlinked.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Weak};
use std::time::Duration;

use diesel::connection::SimpleConnection;
use diesel::RunQueryDsl;

use crate::connection::{AnyConnection, ConnectionPool};
use crate::error::Result;

/// Longest time a submission stays in SQLite's WAL file (the checkpoint may wait for a reader
/// to finish, then runs at the next tick).
pub const CHECKPOINT_EVERY: Duration = Duration::from_secs(10);

/// Every table of the identity vault, erased at close.
pub const VAULT_TABLES: [&str; 7] = [
    "contacts",
    "invitations",
    "contact_events",
    "drafts",
    "paper_entries",
    "releases",
    "sessions",
];

/// Marks submissions and, on SQLite, has a background thread checkpoint the WAL after them.
/// The thread ends within one tick once every clone of the store is dropped.
#[derive(Debug, Clone, Default)]
pub(crate) struct Checkpointer {
    dirty: Arc<AtomicBool>,
}

impl Checkpointer {
    /// Starts the schedule on a SQLite pool.
    pub(crate) fn start(pool: &ConnectionPool) -> Checkpointer {
        let checkpointer = Checkpointer::default();
        let dirty = Arc::downgrade(&checkpointer.dirty);
        let pool = pool.clone();
        std::thread::spawn(move || checkpoint_loop(&dirty, &pool));
        checkpointer
    }

    /// A submission was committed.
    pub(crate) fn submitted(&self) {
        self.dirty.store(true, Ordering::Release);
    }
}

fn checkpoint_loop(dirty: &Weak<AtomicBool>, pool: &ConnectionPool) {
    loop {
        std::thread::sleep(CHECKPOINT_EVERY);
        let Some(dirty) = dirty.upgrade() else {
            return;
        };
        if !dirty.swap(false, Ordering::AcqRel) {
            continue;
        }
        let done = pool
            .get()
            .map_err(|error| error.to_string())
            .and_then(|mut connection| {
                truncate_wal(&mut connection).map_err(|error| error.to_string())
            });
        match done {
            Ok(true) => {}
            Ok(false) => dirty.store(true, Ordering::Release),
            Err(error) => {
                dirty.store(true, Ordering::Release);
                tracing::warn!(%error, "checkpointing the WAL failed; retrying at the next tick");
            }
        }
    }
}

/// Copies the WAL into the database file and truncates it to zero bytes (SQLite); `false` when
/// a reader kept the checkpoint from completing.
pub(crate) fn truncate_wal(connection: &mut AnyConnection) -> Result<bool> {
    #[derive(diesel::QueryableByName)]
    struct Checkpoint {
        #[diesel(sql_type = diesel::sql_types::Integer)]
        busy: i32,
    }
    if !matches!(connection, AnyConnection::Sqlite(_)) {
        return Ok(true);
    }
    let rows: Vec<Checkpoint> =
        diesel::sql_query("PRAGMA wal_checkpoint(TRUNCATE)").load(connection)?;
    Ok(rows.first().is_some_and(|row| row.busy == 0))
}

/// After a close erased the vault rows of a wave: SQLite's secure_delete has overwritten them;
/// a truncating checkpoint and VACUUM also clear the WAL file and free pages. PostgreSQL
/// rewrites every vault table, so that no dead row version stays in a heap file.
pub(crate) fn scrub_after_erase(connection: &mut AnyConnection) -> Result<()> {
    match connection {
        AnyConnection::Sqlite(sqlite) => sqlite.batch_execute(
            "PRAGMA wal_checkpoint(TRUNCATE); VACUUM; PRAGMA wal_checkpoint(TRUNCATE);",
        )?,
        AnyConnection::Postgresql(pg) => {
            pg.batch_execute(&format!("VACUUM FULL {}", VAULT_TABLES.join(", ")))?
        }
    }
    Ok(())
}
