-- API keys of the researchers' API: only the SHA-256 of a key is stored.
CREATE TABLE api_keys (
    id TEXT PRIMARY KEY NOT NULL,
    name TEXT NOT NULL,
    role TEXT NOT NULL CHECK (role IN ('admin', 'researcher', 'patient_partner')),
    key_hash BYTEA NOT NULL UNIQUE,
    created_on TEXT NOT NULL,
    revoked_on TEXT
);
