-- Hospital keys (issue 13): a key of role `hospital` sees the results of the sites listed here
-- and the all-sites benchmark, nothing else.
-- A new role, hospital. SQLite cannot change a CHECK: the table is rebuilt; sessions refer to
-- it by name, and their foreign key is checked at commit (deferred), when the same rows are back.
PRAGMA defer_foreign_keys = ON;
CREATE TABLE api_keys_new (
    id TEXT PRIMARY KEY NOT NULL,
    name TEXT NOT NULL,
    role TEXT NOT NULL CHECK (role IN ('admin', 'researcher', 'patient_partner', 'data_entry', 'hospital')),
    key_hash BLOB NOT NULL UNIQUE,
    created_on TEXT NOT NULL,
    revoked_on TEXT
);
INSERT INTO api_keys_new SELECT id, name, role, key_hash, created_on, revoked_on FROM api_keys;
DROP TABLE api_keys;
ALTER TABLE api_keys_new RENAME TO api_keys;

CREATE TABLE api_key_sites (
    key_id TEXT NOT NULL REFERENCES api_keys (id),
    site TEXT NOT NULL,
    PRIMARY KEY (key_id, site)
);

-- Each site's results of a wave as a researcher released them: the site's suppressed figures
-- with the all-sites benchmark, as vecu-report's JSON (aggregates only, never a response).
-- A hospital key reads the rows of its own sites.
CREATE TABLE site_results (
    wave_id TEXT NOT NULL REFERENCES waves (id),
    site TEXT NOT NULL,
    results_json TEXT NOT NULL,
    PRIMARY KEY (wave_id, site)
);
