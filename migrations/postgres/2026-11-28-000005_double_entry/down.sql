ALTER TABLE waves DROP COLUMN double_entry;
