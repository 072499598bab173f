DROP TABLE releases;
ALTER TABLE contacts DROP COLUMN frame_sealed;
ALTER TABLE contacts DROP COLUMN site;
