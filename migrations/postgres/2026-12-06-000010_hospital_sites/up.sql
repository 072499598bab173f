-- Hospital keys (issue 13): a key of role `hospital` sees the results of the sites listed here
-- and the all-sites benchmark, nothing else.
ALTER TABLE api_keys DROP CONSTRAINT api_keys_role_check;
ALTER TABLE api_keys ADD CONSTRAINT api_keys_role_check CHECK (role IN ('admin', 'researcher', 'patient_partner', 'data_entry', 'hospital'));

CREATE TABLE api_key_sites (
    key_id TEXT NOT NULL REFERENCES api_keys (id),
    site TEXT NOT NULL,
    PRIMARY KEY (key_id, site)
);

-- Each site's results of a wave as a researcher released them: the site's suppressed figures
-- with the all-sites benchmark, as vecu-report's JSON (aggregates only, never a response).
-- A hospital key reads the rows of its own sites.
CREATE TABLE site_results (
    wave_id TEXT NOT NULL REFERENCES waves (id),
    site TEXT NOT NULL,
    results_json TEXT NOT NULL,
    PRIMARY KEY (wave_id, site)
);
