-- Co-design proposals (issue 18): a partner or researcher proposes a change to one item of a
-- survey version, with a reason; others comment; a researcher accepts it (which stores a new
-- version, `new_survey_hash`) or declines it, with a reason. Rows are never deleted: they are
-- the co-design history, and they credit their authors in the contributions ledger.
CREATE TABLE proposals (
    id TEXT PRIMARY KEY NOT NULL,
    survey_hash TEXT NOT NULL REFERENCES surveys (hash),
    item_id TEXT NOT NULL,
    change_json TEXT NOT NULL,
    reason TEXT NOT NULL,
    author_key TEXT NOT NULL REFERENCES api_keys (id),
    role TEXT NOT NULL,
    at TEXT NOT NULL,
    state TEXT NOT NULL CHECK (state IN ('open', 'accepted', 'declined')),
    decided_by_key TEXT REFERENCES api_keys (id),
    decision_reason TEXT,
    decided_at TEXT,
    new_survey_hash TEXT REFERENCES surveys (hash)
);
CREATE INDEX proposals_by_survey ON proposals (survey_hash);

CREATE TABLE proposal_comments (
    id TEXT PRIMARY KEY NOT NULL,
    proposal_id TEXT NOT NULL REFERENCES proposals (id),
    author_key TEXT NOT NULL REFERENCES api_keys (id),
    role TEXT NOT NULL,
    text TEXT NOT NULL,
    at TEXT NOT NULL
);
CREATE INDEX proposal_comments_by_proposal ON proposal_comments (proposal_id);
