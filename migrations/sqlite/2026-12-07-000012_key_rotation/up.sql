-- Key rotation (issue 16): access codes are looked up by a hash keyed with a key derived from
-- the encryption key, and the codes themselves are printed on letters, never stored, so their
-- hashes cannot be made again under a new key. `vecu admin rotate-key` keeps each earlier
-- lookup key here, sealed under the current encryption key (and re-sealed by each rotation), so
-- that letters printed before a rotation still open with the new key alone.
CREATE TABLE code_lookup_keys (
    id TEXT PRIMARY KEY NOT NULL,
    sealed BLOB NOT NULL
);
