CREATE TABLE api_keys_old (
    id TEXT PRIMARY KEY NOT NULL,
    name TEXT NOT NULL,
    role TEXT NOT NULL CHECK (role IN ('admin', 'researcher', 'patient_partner')),
    key_hash BLOB NOT NULL UNIQUE,
    created_on TEXT NOT NULL,
    revoked_on TEXT
);
INSERT INTO api_keys_old SELECT id, name, role, key_hash, created_on, revoked_on FROM api_keys WHERE role <> 'data_entry';
DROP TABLE api_keys;
ALTER TABLE api_keys_old RENAME TO api_keys;
DROP TABLE paper_counts;
DROP TABLE paper_entries;
ALTER TABLE invitations DROP COLUMN outcome;
ALTER TABLE contacts DROP COLUMN channel;
