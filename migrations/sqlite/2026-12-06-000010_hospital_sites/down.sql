DROP TABLE site_results;
DROP TABLE api_key_sites;
PRAGMA defer_foreign_keys = ON;
DELETE FROM sessions WHERE key_id IN (SELECT id FROM api_keys WHERE role = 'hospital');
CREATE TABLE api_keys_old (
    id TEXT PRIMARY KEY NOT NULL,
    name TEXT NOT NULL,
    role TEXT NOT NULL CHECK (role IN ('admin', 'researcher', 'patient_partner', 'data_entry')),
    key_hash BLOB NOT NULL UNIQUE,
    created_on TEXT NOT NULL,
    revoked_on TEXT
);
INSERT INTO api_keys_old SELECT id, name, role, key_hash, created_on, revoked_on FROM api_keys WHERE role <> 'hospital';
DROP TABLE api_keys;
ALTER TABLE api_keys_old RENAME TO api_keys;
