//! The anonymising store of vecu: an identity vault and a response store in one database
//! (SQLite embedded by default, PostgreSQL for scale), with a typed API for the web service and
//! the CLI.
//!
//! Two worlds: the **identity vault** (contacts with encrypted e-mail addresses, invitations with
//! hashed tokens, contact history, drafts) lives only while a wave is fielded and is erased when
//! it closes; the **response store** (surveys, waves, responses, aggregate counts, audit log)
//! never holds a token or its hash, a contact or invitation id, an e-mail address, an IP address,
//! a user agent or a time finer than the ISO week.
//!
//! ```no_run
//! use vecu_store::{Store, StoreConfig};
//! let store = Store::open("vecu.db", StoreConfig::default())?;
//! # Ok::<(), vecu_store::StoreError>(())
//! ```
#![deny(missing_docs)]

mod access;
mod anonymity;
mod audit;
mod backup;
mod calendar;
mod code;
mod comments;
mod connection;
mod draft;
mod error;
mod export;
mod frame;
mod holders;
mod hygiene;
mod invitation;
mod letter;
mod mail_queue;
mod proposals;
mod public_results;
mod quotes;
mod release;
mod reports;
mod rotation;
mod schedule;
mod schema;
mod scrub;
mod secret;
mod sessions;
mod site_results;
mod submit;
mod surveys;
#[cfg(feature = "testing")]
pub mod testing;
mod vault;
mod wave;

use connection::{ConnectionPool, PooledAny};

pub use access::{ApiKey, Role};
pub use audit::AuditEntry;
pub use code::{AccessCode, CodeError, ResultsCode};
pub use comments::{CodedComment, CommentCode, DoubleCoded, FinalCode, ThemeVersion};
pub use connection::Backend;
pub use error::{FrameProblem, Result, StoreError};
pub use export::{
    AnonymityPolicy, AnonymityRefusal, Export, ExportOptions, ExportReport, Recoding, MIN_K,
};
pub use frame::{ImportSummary, Letter};
pub use hygiene::{CHECKPOINT_EVERY, VAULT_TABLES};
pub use invitation::{
    Invitation, IssuedToken, Mailing, ReminderDue, TokenState, MIN_REMINDER_DAYS,
};
pub use letter::{Outcome, PAPER_COUNT_KINDS};
pub use mail_queue::{MailOut, QueuedMailOut};
pub use proposals::{Decision, Proposal, ProposalComment, ProposalState, ProposalView};
pub use public_results::PublicResults;
pub use quotes::Quote;
pub use reports::{
    Approval, Block, BlockVersion, Comment, Contribution, ItemComment, Mark, NewReport, Report,
    ReportState, ACTIVITIES, BLOCK_KINDS, SUMMARY,
};
pub use rotation::{RotationPlan, RotationReport};
pub use schedule::{Lease, ReminderSchedule, ScheduledWave, MAX_CONTACTS};
pub use scrub::{scrub, SCRUBBER_LIMITS};
pub use secret::EncryptionKey;
pub use sessions::{
    Asker, PatientSession, Session, StaffSession, TeamSession, LOOKUP_WINDOW, SESSION_IDLE,
};
pub use submit::{Mode, SubmitOutcome};
pub use wave::{site_variable, CloseSummary, SiteCounts, WaveInfo, WaveStatus};

/// Settings of a store.
#[derive(Debug, Clone)]
pub struct StoreConfig {
    /// Key for contact data; required to import frames and to read e-mail addresses.
    pub key: Option<EncryptionKey>,
    /// PostgreSQL only: rewrite a wave's responses in random order after this many submissions
    /// (SQLite stores them in random-id order already).
    pub mix_every: u64,
    /// Days an invitation token stays valid after it is issued.
    pub token_valid_days: u32,
    /// Who acts, for the audit log (`key:<id>` for an API key, `cli`...).
    pub actor: String,
    /// What the actor may do; the store refuses the rest. The CLI and the service's own work
    /// (patient pages, the mail-out) act as admin; API callers as their key's role.
    pub role: Role,
}

impl Default for StoreConfig {
    fn default() -> Self {
        StoreConfig {
            key: None,
            mix_every: 32,
            token_valid_days: 120,
            actor: "system".to_owned(),
            role: Role::Admin,
        }
    }
}

/// Id of a wave (32 hex digits).
pub type WaveId = String;
/// Id of an invitation in the identity vault (32 hex digits).
pub type InvitationId = String;
/// Id of a response (32 random hex digits, unrelated to anything else).
pub type ResponseId = String;

/// The store: a connection pool and its configuration. Cheap to clone.
#[derive(Clone)]
pub struct Store {
    pool: ConnectionPool,
    backend: Backend,
    config: StoreConfig,
    /// Submissions per wave since the last mix (PostgreSQL), counted by this process.
    pending_mix:
        std::sync::Arc<std::sync::Mutex<std::collections::HashMap<String, submit::MixCounter>>>,
    /// SQLite: checkpoints the WAL soon after submissions.
    hygiene: hygiene::Checkpointer,
    /// The sites a hospital key acts for (empty for every other role).
    sites: std::sync::Arc<Vec<String>>,
    /// Where the database is (a SQLite path or a PostgreSQL URL), for backups.
    url: std::sync::Arc<str>,
}

impl std::fmt::Debug for Store {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Store")
            .field("backend", &self.backend)
            .finish_non_exhaustive()
    }
}

impl Store {
    /// Opens (creating if needed) the database at `url` and applies pending migrations.
    /// `postgres://...` selects PostgreSQL; anything else is a SQLite file path.
    pub fn open(url: &str, config: StoreConfig) -> Result<Store> {
        let (pool, backend) = connection::open_pool(url)?;
        let hygiene = match backend {
            Backend::Sqlite => hygiene::Checkpointer::start(&pool),
            Backend::Postgres => hygiene::Checkpointer::default(),
        };
        let store = Store {
            pool,
            backend,
            config,
            pending_mix: Default::default(),
            hygiene,
            sites: Default::default(),
            url: url.into(),
        };
        if let Some(key) = &store.config.key {
            let sealed = vault::seal_legacy_frames(&mut *store.connection()?, key)?;
            if sealed > 0 {
                tracing::info!(sealed, "frames of earlier imports sealed");
            }
        }
        store.mix_open_waves()?;
        Ok(store)
    }

    /// The backend in use.
    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// The same store acting as someone else (for the audit log), with the same role.
    pub fn with_actor(&self, actor: &str) -> Store {
        let mut store = self.clone();
        store.config.actor = actor.to_owned();
        store
    }

    /// The same store acting for the holder of an API key: the audit log names the key by its
    /// id (two keys may share a display name), and the store allows what the key's role allows.
    pub fn acting_as(&self, key: &ApiKey) -> Store {
        let mut store = self.clone();
        store.config.actor = format!("key:{}", key.id);
        store.config.role = key.role;
        store.sites = std::sync::Arc::new(key.sites.clone());
        store
    }

    /// The role the store acts with.
    pub fn role(&self) -> Role {
        self.config.role
    }

    /// Refuses `action` unless the acting role may do it.
    pub(crate) fn require(&self, allowed: fn(Role) -> bool, action: &str) -> Result<()> {
        if allowed(self.config.role) {
            Ok(())
        } else {
            Err(StoreError::NotAllowed(format!(
                "a {} key cannot {action}",
                self.config.role.as_str().replace('_', " ")
            )))
        }
    }

    /// Copies SQLite's WAL into the database file and truncates it now, as the schedule does
    /// within [`CHECKPOINT_EVERY`] of a submission; `false` when a reader kept it from
    /// completing. Nothing on PostgreSQL.
    pub fn checkpoint_now(&self) -> Result<bool> {
        hygiene::truncate_wal(&mut *self.connection()?)
    }

    pub(crate) fn connection(&self) -> Result<PooledAny> {
        Ok(self.pool.get()?)
    }

    pub(crate) fn key(&self) -> Result<&EncryptionKey> {
        self.config.key.as_ref().ok_or(StoreError::NoKey)
    }

    /// Whether the database answers and has every migration this build knows: what a readiness
    /// probe asks (`false` while a newer or older schema is in place). Waits at most
    /// `within` for a connection.
    pub fn migrations_current(&self, within: std::time::Duration) -> Result<bool> {
        let mut connection = self.pool.get_timeout(within)?;
        connection::migrations_current(&mut connection)
    }

    /// Reverts every migration and applies them again; for tests of the migrations themselves.
    #[doc(hidden)]
    pub fn redo_migrations(&self) -> Result<()> {
        connection::redo_migrations(&mut *self.connection()?)
    }

    /// Runs raw SQL and returns every row as text, for tests that inspect tables as a database
    /// administrator would (`SELECT * FROM responses`).
    #[doc(hidden)]
    pub fn raw_rows(&self, table: &str) -> Result<Vec<Vec<String>>> {
        raw_rows(&mut *self.connection()?, table)
    }
}

impl Store {
    /// Runs SQL statements as a DBA would (`CHECKPOINT`), for the attack tests.
    #[doc(hidden)]
    pub fn raw_execute(&self, sql: &str) -> Result<()> {
        use diesel::connection::SimpleConnection;
        Ok(self.connection()?.batch_execute(sql)?)
    }

    /// Runs any SELECT as an insider would (a DBA at the SQL prompt) and returns every row as
    /// text, columns in the order selected (blobs as hex, NULL as empty); for the attack tests.
    #[doc(hidden)]
    pub fn raw_query(&self, select: &str) -> Result<Vec<Vec<String>>> {
        use diesel::connection::SimpleConnection;
        let mut connection = self.connection()?;
        match &mut *connection {
            connection::AnyConnection::Postgresql(_) => {
                raw_rows(&mut connection, &format!("({select})"))
            }
            connection::AnyConnection::Sqlite(sqlite) => {
                sqlite.batch_execute(&format!("CREATE TEMP VIEW insider AS {select}"))?;
                let rows = raw_rows(&mut connection, "insider");
                connection.batch_execute("DROP VIEW temp.insider")?;
                rows
            }
        }
    }
}

/// Every row of a table as text, in the order the database returns them without ORDER BY.
fn raw_rows(connection: &mut connection::AnyConnection, table: &str) -> Result<Vec<Vec<String>>> {
    use diesel::RunQueryDsl;
    // Tables are named by the caller's code, never by input; refuse anything else anyway
    // (but for the attack tests' own SELECTs, in parentheses).
    let subquery = table.starts_with('(') && table.ends_with(')');
    if !subquery && !table.chars().all(|c| c.is_ascii_lowercase() || c == '_') {
        return Err(StoreError::Corrupt(format!("not a table name: {table}")));
    }
    #[derive(diesel::QueryableByName)]
    struct Row {
        #[diesel(sql_type = diesel::sql_types::Text)]
        row: String,
    }
    let query = match connection {
        connection::AnyConnection::Postgresql(_) => {
            format!("SELECT row_to_json(t)::text AS row FROM {table} t")
        }
        connection::AnyConnection::Sqlite(_) => {
            return sqlite_rows(connection, table);
        }
    };
    let rows: Vec<Row> = diesel::sql_query(query).load(connection)?;
    rows.into_iter()
        .map(|row| {
            let value: serde_json::Value =
                serde_json::from_str(&row.row).map_err(|e| StoreError::Corrupt(e.to_string()))?;
            Ok(value
                .as_object()
                .map(|object| object.values().map(json_text).collect())
                .unwrap_or_default())
        })
        .collect()
}

fn sqlite_rows(
    connection: &mut connection::AnyConnection,
    table: &str,
) -> Result<Vec<Vec<String>>> {
    use diesel::RunQueryDsl;
    #[derive(diesel::QueryableByName)]
    struct Column {
        #[diesel(sql_type = diesel::sql_types::Text)]
        name: String,
    }
    #[derive(diesel::QueryableByName)]
    struct Row {
        #[diesel(sql_type = diesel::sql_types::Text)]
        row: String,
    }
    let columns: Vec<Column> =
        diesel::sql_query(format!("SELECT name FROM pragma_table_info('{table}')"))
            .load(connection)?;
    let pairs: Vec<String> = columns
        .iter()
        .map(|column| {
            format!(
                "'{0}', CASE WHEN typeof(\"{0}\") = 'blob' THEN hex(\"{0}\") ELSE \"{0}\" END",
                column.name
            )
        })
        .collect();
    let query = format!(
        "SELECT json_array({}) AS row FROM {table}",
        pairs.join(", ")
    );
    let rows: Vec<Row> = diesel::sql_query(query).load(connection)?;
    rows.into_iter()
        .map(|row| {
            let value: serde_json::Value =
                serde_json::from_str(&row.row).map_err(|e| StoreError::Corrupt(e.to_string()))?;
            let cells = value.as_array().cloned().unwrap_or_default();
            Ok(cells
                .chunks(2)
                .map(|pair| pair.get(1).map(json_text).unwrap_or_default())
                .collect())
        })
        .collect()
}

fn json_text(value: &serde_json::Value) -> String {
    match value {
        serde_json::Value::String(text) => text.clone(),
        serde_json::Value::Null => String::new(),
        other => other.to_string(),
    }
}
