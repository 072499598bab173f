-- vecu store, SQLite. Two worlds that never reference each other from the response side:
-- the response store (surveys, waves, responses, wave_counts, audit_log) and the identity vault
-- (contacts, invitations, contact_events, drafts), erased when a wave closes.

CREATE TABLE surveys (
    hash TEXT PRIMARY KEY NOT NULL,
    survey_id TEXT NOT NULL,
    version TEXT NOT NULL,
    definition TEXT NOT NULL,
    UNIQUE (survey_id, version)
);

CREATE TABLE waves (
    id TEXT PRIMARY KEY NOT NULL,
    survey_hash TEXT NOT NULL REFERENCES surveys (hash),
    name TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('draft', 'open', 'closed')),
    created_on TEXT NOT NULL,
    opened_on TEXT,
    closed_on TEXT
);

-- WITHOUT ROWID: rows are stored in the order of their random id, never in insertion order.
CREATE TABLE responses (
    id TEXT PRIMARY KEY NOT NULL,
    wave_id TEXT NOT NULL REFERENCES waves (id),
    survey_hash TEXT NOT NULL REFERENCES surveys (hash),
    mode TEXT NOT NULL,
    frame TEXT NOT NULL,
    answers TEXT NOT NULL,
    submitted_week TEXT NOT NULL
) WITHOUT ROWID;
CREATE INDEX responses_by_wave ON responses (wave_id);

CREATE TABLE wave_counts (
    wave_id TEXT NOT NULL REFERENCES waves (id),
    site TEXT NOT NULL,
    status TEXT NOT NULL,
    n BIGINT NOT NULL,
    PRIMARY KEY (wave_id, site, status)
);

-- Sequential ids order administrative actions; submissions are never logged.
CREATE TABLE audit_log (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    at TEXT NOT NULL,
    actor TEXT NOT NULL,
    action TEXT NOT NULL,
    wave_id TEXT,
    detail TEXT NOT NULL
);

CREATE TABLE contacts (
    id TEXT PRIMARY KEY NOT NULL,
    wave_id TEXT NOT NULL REFERENCES waves (id),
    email BLOB NOT NULL,
    language TEXT NOT NULL,
    frame TEXT NOT NULL
);
CREATE INDEX contacts_by_wave ON contacts (wave_id);

CREATE TABLE invitations (
    id TEXT PRIMARY KEY NOT NULL,
    wave_id TEXT NOT NULL REFERENCES waves (id),
    contact_id TEXT NOT NULL UNIQUE REFERENCES contacts (id) ON DELETE CASCADE,
    token_hash BLOB UNIQUE,
    token_sealed BLOB,
    status TEXT NOT NULL CHECK (status IN ('pending', 'invited', 'opened', 'submitted', 'opted_out', 'undeliverable')),
    expires_on TEXT,
    last_contact_on TEXT,
    contacts_made BIGINT NOT NULL DEFAULT 0
);
CREATE INDEX invitations_by_wave ON invitations (wave_id, status);

CREATE TABLE contact_events (
    id TEXT PRIMARY KEY NOT NULL,
    invitation_id TEXT NOT NULL REFERENCES invitations (id) ON DELETE CASCADE,
    kind TEXT NOT NULL,
    on_date TEXT NOT NULL
);
CREATE INDEX contact_events_by_invitation ON contact_events (invitation_id);

CREATE TABLE drafts (
    invitation_id TEXT PRIMARY KEY NOT NULL REFERENCES invitations (id) ON DELETE CASCADE,
    page BIGINT NOT NULL,
    answers TEXT NOT NULL
);
