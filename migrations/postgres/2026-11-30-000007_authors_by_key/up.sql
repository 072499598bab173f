-- People are identified by their key's id, not by a display name that two keys can share
-- (issue 12): two keys named alike are two approvers, and neither edits the other's block.
-- The columns that named an author now hold the author's key id; names are looked up in
-- `api_keys` when shown. A name written before this migration becomes its key's id when
-- exactly one key has that name; otherwise it stays as written (and matches no key).
ALTER TABLE report_blocks RENAME COLUMN author TO author_key;
ALTER TABLE report_block_versions RENAME COLUMN author TO author_key;
ALTER TABLE report_comments RENAME COLUMN author TO author_key;
ALTER TABLE report_marks RENAME COLUMN author TO author_key;
ALTER TABLE report_approvals RENAME COLUMN author TO author_key;
ALTER TABLE contributions RENAME COLUMN recorded_by TO recorded_by_key;
ALTER TABLE item_comments RENAME COLUMN author TO author_key;
ALTER TABLE item_comments RENAME COLUMN answered_by TO answered_by_key;

UPDATE report_blocks SET author_key = (SELECT k.id FROM api_keys k WHERE k.name = report_blocks.author_key)
WHERE (SELECT count(*) FROM api_keys k WHERE k.name = report_blocks.author_key) = 1;
UPDATE report_block_versions SET author_key = (SELECT k.id FROM api_keys k WHERE k.name = report_block_versions.author_key)
WHERE (SELECT count(*) FROM api_keys k WHERE k.name = report_block_versions.author_key) = 1;
UPDATE report_comments SET author_key = (SELECT k.id FROM api_keys k WHERE k.name = report_comments.author_key)
WHERE (SELECT count(*) FROM api_keys k WHERE k.name = report_comments.author_key) = 1;
UPDATE report_marks SET author_key = (SELECT k.id FROM api_keys k WHERE k.name = report_marks.author_key)
WHERE (SELECT count(*) FROM api_keys k WHERE k.name = report_marks.author_key) = 1;
UPDATE report_approvals SET author_key = (SELECT k.id FROM api_keys k WHERE k.name = report_approvals.author_key)
WHERE (SELECT count(*) FROM api_keys k WHERE k.name = report_approvals.author_key) = 1;
UPDATE contributions SET recorded_by_key = (SELECT k.id FROM api_keys k WHERE k.name = contributions.recorded_by_key)
WHERE (SELECT count(*) FROM api_keys k WHERE k.name = contributions.recorded_by_key) = 1;
UPDATE item_comments SET author_key = (SELECT k.id FROM api_keys k WHERE k.name = item_comments.author_key)
WHERE (SELECT count(*) FROM api_keys k WHERE k.name = item_comments.author_key) = 1;
UPDATE item_comments SET answered_by_key = (SELECT k.id FROM api_keys k WHERE k.name = item_comments.answered_by_key)
WHERE (SELECT count(*) FROM api_keys k WHERE k.name = item_comments.answered_by_key) = 1;
