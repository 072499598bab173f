-- Mixed-mode fieldwork (issue 8): letters with access codes, paper returns keyed by staff.

-- How a contact is reached: by e-mail (`email` holds the sealed address) or by a letter that the
-- hospital mails (`email` then holds the hospital's own row reference, sealed: the vault never
-- holds a name or postal address). An access code's keyed hash goes in `invitations.token_hash`.
ALTER TABLE contacts ADD COLUMN channel TEXT NOT NULL DEFAULT 'email' CHECK (channel IN ('email', 'letter'));

-- Outcome of a paper return that holds no answers (vault side, erased at close like the rest).
ALTER TABLE invitations ADD COLUMN outcome TEXT CHECK (outcome IN ('blank', 'undelivered', 'deceased', 'refused'));

-- Paper questionnaires keyed by data-entry staff: the first and, in double entry, the second
-- keying, sealed like drafts, until the response is accepted.
CREATE TABLE paper_entries (
    invitation_id TEXT NOT NULL REFERENCES invitations (id) ON DELETE CASCADE,
    pass BIGINT NOT NULL CHECK (pass IN (1, 2)),
    entry TEXT NOT NULL,
    PRIMARY KEY (invitation_id, pass)
);

-- Response store: counts of the paper cleaning rules and of double-entry agreement, per wave
-- and item (no questionnaire, no time).
CREATE TABLE paper_counts (
    wave_id TEXT NOT NULL REFERENCES waves (id),
    item TEXT NOT NULL,
    kind TEXT NOT NULL,
    n BIGINT NOT NULL,
    PRIMARY KEY (wave_id, item, kind)
);

-- A new role: data entry of paper returns.
ALTER TABLE api_keys DROP CONSTRAINT api_keys_role_check;
ALTER TABLE api_keys ADD CONSTRAINT api_keys_role_check CHECK (role IN ('admin', 'researcher', 'patient_partner', 'data_entry'));
