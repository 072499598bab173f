DROP TABLE site_languages;
DROP INDEX waves_results_code;
ALTER TABLE waves DROP COLUMN results_code;
