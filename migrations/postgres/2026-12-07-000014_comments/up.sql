-- Patients' comments analysed with patient partners (issue 15). A wave's free-text answers are
-- copied here once the wave is closed: scrubbed, with their site and question only, under ids
-- drawn afresh (no response id, no other answer, no frame variable), inserted in random order.
CREATE TABLE comments (
    id TEXT PRIMARY KEY NOT NULL,
    wave_id TEXT NOT NULL REFERENCES waves (id),
    site TEXT NOT NULL,
    item_id TEXT NOT NULL,
    text TEXT NOT NULL,
    -- A co-author's flag that the comment still identifies someone; it leaves every output until
    -- a researcher reviews it ('cleared' brings it back, 'withdrawn' keeps it out).
    flagged_by_key TEXT REFERENCES api_keys (id),
    flag_reason TEXT,
    review TEXT CHECK (review IN ('cleared', 'withdrawn')),
    reviewed_by_key TEXT REFERENCES api_keys (id)
);
CREATE INDEX comments_by_wave ON comments (wave_id);

-- Each coder's themes and tone for a comment; one row per comment and coder.
CREATE TABLE comment_codes (
    comment_id TEXT NOT NULL REFERENCES comments (id),
    coder_key TEXT NOT NULL REFERENCES api_keys (id),
    role TEXT NOT NULL,
    themes TEXT NOT NULL,
    tone TEXT NOT NULL CHECK (tone IN ('positive', 'negative', 'mixed')),
    at TEXT NOT NULL,
    PRIMARY KEY (comment_id, coder_key)
);

-- The wave's coding frame with its history: every edit of a theme is a new version.
CREATE TABLE coding_themes (
    wave_id TEXT NOT NULL REFERENCES waves (id),
    theme_id TEXT NOT NULL,
    version INTEGER NOT NULL,
    theme_json TEXT NOT NULL,
    -- Where the theme stands in the frame (the starting frame's order; new themes last).
    position INTEGER NOT NULL,
    retired INTEGER NOT NULL,
    changed_by_key TEXT REFERENCES api_keys (id),
    at TEXT NOT NULL,
    PRIMARY KEY (wave_id, theme_id, version)
);

-- The quote bank: an excerpt of a comment proposed for reports by a researcher or a partner;
-- a report may show it only once a researcher and a partner approved it (the scrubber re-reads
-- it at each approval) and while its comment is not flagged or withdrawn.
CREATE TABLE quotes (
    id TEXT PRIMARY KEY NOT NULL,
    comment_id TEXT NOT NULL REFERENCES comments (id),
    text TEXT NOT NULL,
    -- The quote's language, as its proposer reads it, so that reports mark it (WCAG 3.1.2).
    lang TEXT NOT NULL,
    proposed_by_key TEXT NOT NULL REFERENCES api_keys (id),
    researcher_key TEXT REFERENCES api_keys (id),
    partner_key TEXT REFERENCES api_keys (id)
);

-- Disagreements settled: after discussion, the code a comment keeps, and who decided.
CREATE TABLE comment_settlements (
    comment_id TEXT PRIMARY KEY NOT NULL REFERENCES comments (id),
    themes TEXT NOT NULL,
    tone TEXT NOT NULL CHECK (tone IN ('positive', 'negative', 'mixed')),
    note TEXT NOT NULL,
    settled_by_key TEXT NOT NULL REFERENCES api_keys (id),
    at TEXT NOT NULL
);
