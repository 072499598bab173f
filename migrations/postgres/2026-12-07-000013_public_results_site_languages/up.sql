-- The public results page of a wave (issue 13): `/results/{results_code}`, printed on letters
-- and shown after answering. A short code (7 random characters of Crockford's base32 and a
-- check character), so that the printed address is short and holds no wave id. Waves made
-- before this migration get theirs the first time it is asked for (`Store::results_code`).
ALTER TABLE waves ADD COLUMN results_code TEXT;
CREATE UNIQUE INDEX waves_results_code ON waves (results_code);

-- Each site's language (issue 13): its hospital report is written in it unless the reader asks
-- for another. Keyed by the site's code, the same hospital in every wave.
CREATE TABLE site_languages (
    site TEXT PRIMARY KEY NOT NULL,
    lang TEXT NOT NULL
);
