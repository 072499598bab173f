-- Reports co-authored by researchers and patient partners (issue 6). These tables hold
-- people's names as authors and times of their edits: they are about the report, never about
-- patients, and live beside the response store, not in it.
CREATE TABLE reports (
    id TEXT PRIMARY KEY NOT NULL,
    wave_id TEXT NOT NULL REFERENCES waves (id),
    title TEXT NOT NULL,
    lang TEXT NOT NULL,
    state TEXT NOT NULL CHECK (state IN ('draft', 'in_review', 'approved', 'published')),
    -- Findings and methods as built from the analysis (JSON), frozen when the report is made.
    findings TEXT NOT NULL,
    methods TEXT NOT NULL,
    required_researchers INTEGER NOT NULL,
    required_partners INTEGER NOT NULL,
    created_at TEXT NOT NULL,
    published_at TEXT
);
CREATE TABLE report_findings (
    report_id TEXT NOT NULL REFERENCES reports (id),
    finding_id TEXT NOT NULL,
    PRIMARY KEY (report_id, finding_id)
);
-- Text blocks: interpretation, what it means for patients, recommended action, plain summary.
CREATE TABLE report_blocks (
    id TEXT PRIMARY KEY NOT NULL,
    report_id TEXT NOT NULL REFERENCES reports (id),
    finding_id TEXT NOT NULL,
    kind TEXT NOT NULL,
    author TEXT NOT NULL,
    role TEXT NOT NULL,
    text TEXT NOT NULL,
    version INTEGER NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
-- Every version of every block, the first one included.
CREATE TABLE report_block_versions (
    block_id TEXT NOT NULL REFERENCES report_blocks (id),
    version INTEGER NOT NULL,
    author TEXT NOT NULL,
    role TEXT NOT NULL,
    text TEXT NOT NULL,
    at TEXT NOT NULL,
    PRIMARY KEY (block_id, version)
);
CREATE TABLE report_comments (
    id TEXT PRIMARY KEY NOT NULL,
    block_id TEXT NOT NULL REFERENCES report_blocks (id),
    author TEXT NOT NULL,
    role TEXT NOT NULL,
    text TEXT NOT NULL,
    at TEXT NOT NULL
);
-- Partners mark findings as important to patients and rank their priorities.
CREATE TABLE report_marks (
    report_id TEXT NOT NULL REFERENCES reports (id),
    finding_id TEXT NOT NULL,
    author TEXT NOT NULL,
    important INTEGER NOT NULL,
    priority INTEGER,
    PRIMARY KEY (report_id, finding_id, author)
);
CREATE TABLE report_approvals (
    report_id TEXT NOT NULL REFERENCES reports (id),
    author TEXT NOT NULL,
    role TEXT NOT NULL,
    at TEXT NOT NULL,
    PRIMARY KEY (report_id, author)
);
-- Who did what, for the acknowledgements and for remuneration.
CREATE TABLE contributions (
    id TEXT PRIMARY KEY NOT NULL,
    wave_id TEXT NOT NULL REFERENCES waves (id),
    person TEXT NOT NULL,
    role TEXT NOT NULL,
    activity TEXT NOT NULL,
    minutes INTEGER NOT NULL CHECK (minutes >= 0),
    on_date TEXT NOT NULL,
    recorded_by TEXT NOT NULL
);
-- Co-design: partners comment on the items of a survey version before fielding.
CREATE TABLE item_comments (
    id TEXT PRIMARY KEY NOT NULL,
    survey_hash TEXT NOT NULL,
    item_id TEXT NOT NULL,
    author TEXT NOT NULL,
    role TEXT NOT NULL,
    text TEXT NOT NULL,
    at TEXT NOT NULL,
    answer TEXT,
    answered_by TEXT,
    resolved INTEGER NOT NULL
);
