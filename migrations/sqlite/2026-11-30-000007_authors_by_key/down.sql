-- Back to names: each key id becomes its key's display name. Where two keys of one name both
-- approved a report (or marked one finding), the names count once again: one row is kept.
DELETE FROM report_approvals WHERE EXISTS (
    SELECT 1 FROM report_approvals o
    JOIN api_keys ko ON ko.id = o.author_key
    JOIN api_keys kt ON kt.id = report_approvals.author_key
    WHERE o.report_id = report_approvals.report_id
      AND ko.name = kt.name AND o.author_key < report_approvals.author_key);
DELETE FROM report_marks WHERE EXISTS (
    SELECT 1 FROM report_marks o
    JOIN api_keys ko ON ko.id = o.author_key
    JOIN api_keys kt ON kt.id = report_marks.author_key
    WHERE o.report_id = report_marks.report_id AND o.finding_id = report_marks.finding_id
      AND ko.name = kt.name AND o.author_key < report_marks.author_key);
UPDATE report_blocks SET author_key = COALESCE((SELECT k.name FROM api_keys k WHERE k.id = report_blocks.author_key), author_key);
UPDATE report_block_versions SET author_key = COALESCE((SELECT k.name FROM api_keys k WHERE k.id = report_block_versions.author_key), author_key);
UPDATE report_comments SET author_key = COALESCE((SELECT k.name FROM api_keys k WHERE k.id = report_comments.author_key), author_key);
UPDATE report_marks SET author_key = COALESCE((SELECT k.name FROM api_keys k WHERE k.id = report_marks.author_key), author_key);
UPDATE report_approvals SET author_key = COALESCE((SELECT k.name FROM api_keys k WHERE k.id = report_approvals.author_key), author_key);
UPDATE contributions SET recorded_by_key = COALESCE((SELECT k.name FROM api_keys k WHERE k.id = contributions.recorded_by_key), recorded_by_key);
UPDATE item_comments SET author_key = COALESCE((SELECT k.name FROM api_keys k WHERE k.id = item_comments.author_key), author_key);
UPDATE item_comments SET answered_by_key = COALESCE((SELECT k.name FROM api_keys k WHERE k.id = item_comments.answered_by_key), answered_by_key);

ALTER TABLE report_blocks RENAME COLUMN author_key TO author;
ALTER TABLE report_block_versions RENAME COLUMN author_key TO author;
ALTER TABLE report_comments RENAME COLUMN author_key TO author;
ALTER TABLE report_marks RENAME COLUMN author_key TO author;
ALTER TABLE report_approvals RENAME COLUMN author_key TO author;
ALTER TABLE contributions RENAME COLUMN recorded_by_key TO recorded_by;
ALTER TABLE item_comments RENAME COLUMN author_key TO author;
ALTER TABLE item_comments RENAME COLUMN answered_by_key TO answered_by;
