//! Errors of the store: each says what happened and what to do about it.

use std::fmt;

/// Result alias of the store.
pub type Result<T, E = StoreError> = std::result::Result<T, E>;

/// Everything that can go wrong in the store.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The database cannot be reached or opened.
    #[error("cannot open the database {url}: {message}; check the URL (postgres://... or a SQLite file path) and that the server runs")]
    Connect {
        /// The URL, password removed.
        url: String,
        /// What the driver said.
        message: String,
    },
    /// Migrations could not be applied.
    #[error("database migrations failed: {0}")]
    Migration(String),
    /// A query failed.
    #[error("database error: {0}")]
    Database(#[from] diesel::result::Error),
    /// No connection could be taken from the pool in time.
    #[error("no database connection available: {0}")]
    Pool(#[from] diesel::r2d2::PoolError),
    /// The wave id is unknown.
    #[error("wave {0} does not exist; list waves with `vecu wave status` or create one with `vecu wave create`")]
    WaveNotFound(String),
    /// The wave is in the wrong state for the action.
    #[error("wave {wave} is {status}; {action} needs a wave that is {needed}")]
    WaveState {
        /// The wave.
        wave: String,
        /// Its status.
        status: String,
        /// What was attempted.
        action: &'static str,
        /// The status it needs.
        needed: &'static str,
    },
    /// No survey with that hash is stored.
    #[error("survey {0} is not stored")]
    SurveyNotFound(String),
    /// A survey version is stored with other content.
    #[error("survey {id} version {version} is already stored with different content; give the changed definition a new version number")]
    VersionConflict {
        /// Survey id.
        id: String,
        /// Version.
        version: String,
    },
    /// A stored definition no longer loads (a newer vecu with stricter rules?).
    #[error("the stored definition of survey {hash} does not load any more: {message}")]
    StoredSurvey {
        /// Survey hash.
        hash: String,
        /// Why.
        message: String,
    },
    /// Contact data needs the encryption key.
    #[error("no encryption key is configured: set VECU_ENCRYPTION_KEY to 32 random bytes in base64 (for example the output of `head -c 32 /dev/urandom | base64`) and keep it out of the database and its backups")]
    NoKey,
    /// The encryption key is malformed.
    #[error("the encryption key must be 32 bytes in base64 (44 characters); got {0} bytes")]
    BadKey(usize),
    /// Stored contact data cannot be decrypted.
    #[error("contact data cannot be decrypted: is this the key the contacts were imported with?")]
    Decrypt,
    /// A sealed value opens with neither key of a rotation.
    #[error("{0} opens with neither the old nor the new key; give the key the database was sealed with as the old key (nothing was changed in this row)")]
    RotationKey(String),
    /// The sample frame has problems; nothing was imported.
    #[error("the sample frame was not imported; {} problem(s):\n{}", .0.len(), list(.0))]
    Frame(Vec<FrameProblem>),
    /// The invitation id is unknown (or its contacts were erased).
    #[error("invitation {0} does not exist")]
    InvitationNotFound(String),
    /// The invitation cannot take this action in its state.
    #[error("invitation is {status}: {action} is not possible")]
    InvitationState {
        /// Its status.
        status: String,
        /// What was attempted.
        action: &'static str,
    },
    /// A response validated against another survey version than the wave's.
    #[error(
        "the response was validated against survey {response} but the wave fields survey {wave}"
    )]
    SurveyMismatch {
        /// Hash the response was validated against.
        response: String,
        /// Hash of the wave's survey.
        wave: String,
    },
    /// The export would break k-anonymity.
    #[error("{0}")]
    KAnonymity(Box<crate::export::AnonymityRefusal>),
    /// Data in the database is not what vecu wrote.
    #[error("stored data is corrupt: {0}")]
    Corrupt(String),
    /// Writing the export failed.
    #[error(transparent)]
    Table(#[from] vecu_survey::TableError),
    /// The caller's role may not do this.
    #[error("not allowed: {0}")]
    NotAllowed(String),
    /// A reminder schedule asks for too few or too many contacts.
    #[error("a wave's reminder schedule allows 2 to {most} contacts in all, the invitation included (asked: {asked}); give 2 for one reminder, 3 for two")]
    ReminderContacts {
        /// Contacts asked for.
        asked: u32,
        /// The most allowed.
        most: u32,
    },
    /// A privacy setting below its floor (k, days between reminders).
    #[error("{what} must be at least {floor} (asked: {asked}): {why}")]
    BelowFloor {
        /// What was asked.
        what: &'static str,
        /// The value asked for.
        asked: usize,
        /// The lowest value allowed.
        floor: usize,
        /// Why the floor exists, for the one who asked.
        why: &'static str,
    },
    /// The report id is unknown.
    #[error("report {0} does not exist")]
    ReportNotFound(String),
    /// No results of this site were released for this wave.
    #[error("no results of site {site} were released for wave {wave}; they are released when the wave's report is published, or by a researcher with `vecu report release-sites` or POST /api/v1/waves/{wave}/sites")]
    SiteResultsNotFound {
        /// The wave.
        wave: String,
        /// The site.
        site: String,
    },
    /// A proposed change does not apply to its survey version, or its result would not pass
    /// the survey check.
    #[error("the proposed change cannot be made: {0}")]
    Proposal(#[from] vecu_survey::ProposalError),
    /// Something the action needs is missing (a reason, a text).
    #[error("{0}")]
    Incomplete(String),
    /// The proposal was accepted or declined already.
    #[error("proposal {0} was decided already; propose the change again, with the new reason, to have it reconsidered")]
    ProposalDecided(String),
    /// The finding, item or comment named is not there.
    #[error("{0} is not part of this report or survey")]
    FindingNotFound(String),
    /// The block id is unknown.
    #[error("block {0} does not exist in this report")]
    BlockNotFound(String),
    /// The report is in the wrong state for the action.
    #[error("report {report} is {state}; {action} needs a report that is {needed}")]
    ReportState {
        /// The report.
        report: String,
        /// Its state.
        state: &'static str,
        /// What was attempted.
        action: &'static str,
        /// The state it needs.
        needed: &'static str,
    },
    /// Publishing without the approvals the report needs.
    #[error("publishing needs the approval of {needed_researchers} researcher(s) and {needed_partners} patient partner(s) of the report as it is now; it has {researchers} and {partners}")]
    NotApproved {
        /// Researchers who approved.
        researchers: i32,
        /// Partners who approved.
        partners: i32,
        /// Researchers needed.
        needed_researchers: i32,
        /// Partners needed.
        needed_partners: i32,
    },
    /// A file could not be written.
    #[error("cannot write {path}: {source}")]
    Io {
        /// The file.
        path: String,
        /// Why.
        source: std::io::Error,
    },
}

/// One problem in a sample frame file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FrameProblem {
    /// Line in the CSV file (the header is line 1); 0 for the file as a whole.
    pub line: u64,
    /// Column name, if the problem is in one cell.
    pub column: Option<String>,
    /// What is wrong and how to fix it.
    pub message: String,
}

impl fmt::Display for FrameProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (&self.column, self.line) {
            (Some(column), line) => write!(f, "line {line}, column {column}: {}", self.message),
            (None, 0) => write!(f, "{}", self.message),
            (None, line) => write!(f, "line {line}: {}", self.message),
        }
    }
}

fn list<T: fmt::Display>(items: &[T]) -> String {
    items
        .iter()
        .map(|item| format!("  - {item}"))
        .collect::<Vec<_>>()
        .join("\n")
}
