-- Insiders (issue 12): nothing on the identity side may join a response.
--
-- Frame variables leave the vault's clear columns: `frame_sealed` holds them sealed under the
-- key (the contact id as associated data) and `site` alone stays clear so that counts per site
-- need no key. Both are emptied, with the address, when the patient answers (the vault forgets
-- respondents). Rows written before this migration keep their clear `frame` until the store
-- seals it at its next start with the key; new rows leave `frame` empty.
ALTER TABLE contacts ADD COLUMN site TEXT NOT NULL DEFAULT '';
ALTER TABLE contacts ADD COLUMN frame_sealed BYTEA;
UPDATE contacts SET site = COALESCE((frame::jsonb ->> 'site'), 'all') WHERE frame <> '';

-- What moves per response during fieldwork (status counts, reminder lists) is released once
-- per ISO week and per wave: the first request of a week computes it, every later request of
-- that week gets the same body. Vault side: erased at close.
CREATE TABLE releases (
    wave_id TEXT NOT NULL REFERENCES waves (id),
    kind TEXT NOT NULL,
    week TEXT NOT NULL,
    body BYTEA NOT NULL,
    PRIMARY KEY (wave_id, kind)
);
