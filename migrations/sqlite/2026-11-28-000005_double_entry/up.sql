-- Double data entry of paper returns is a property of the wave: a second person keys each
-- questionnaire blind, and it is stored when both keyings agree.
ALTER TABLE waves ADD COLUMN double_entry BOOLEAN NOT NULL DEFAULT FALSE;
