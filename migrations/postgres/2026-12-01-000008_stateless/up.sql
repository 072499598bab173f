-- Stateless instances (issue 16): sessions, failed look-ups and the deployment's secrets live in
-- the database, so that any instance serves any request and a restart signs nobody out.
--
-- A session row is keyed by the SHA-256 of the random id in its cookie, never the id itself;
-- it holds no address and no user agent. A patient's row names its invitation (vault side): it
-- goes in the transaction that stores the response, at opt-out and at close. A data-entry row
-- names the questionnaire being keyed, cleared at close.
CREATE TABLE sessions (
    id_hash BYTEA PRIMARY KEY NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('patient', 'staff', 'team')),
    invitation_id TEXT REFERENCES invitations (id),
    key_id TEXT REFERENCES api_keys (id),
    lang TEXT,
    mode TEXT,
    last_seen BIGINT NOT NULL
);
CREATE INDEX sessions_by_invitation ON sessions (invitation_id);
CREATE INDEX sessions_by_last_seen ON sessions (last_seen);

-- One row per failed look-up (unknown token, code or key), by an HMAC of who asked (a client
-- address or a data-entry key's id) under the day's salt; deleted once out of the window.
CREATE TABLE lookup_failures (
    id TEXT PRIMARY KEY NOT NULL,
    asker_hash BYTEA NOT NULL,
    at BIGINT NOT NULL
);
CREATE INDEX lookup_failures_by_asker ON lookup_failures (asker_hash, at);

-- Random secrets shared by every instance: `csrf` (the key of CSRF tokens) and `lookups:DAY`
-- (the salt of the look-up counters, replaced every day).
CREATE TABLE service_secrets (
    name TEXT PRIMARY KEY NOT NULL,
    secret BYTEA NOT NULL
);
