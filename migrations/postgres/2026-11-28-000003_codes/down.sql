DELETE FROM api_keys WHERE role = 'data_entry';
ALTER TABLE api_keys DROP CONSTRAINT api_keys_role_check;
ALTER TABLE api_keys ADD CONSTRAINT api_keys_role_check CHECK (role IN ('admin', 'researcher', 'patient_partner'));
DROP TABLE paper_counts;
DROP TABLE paper_entries;
ALTER TABLE invitations DROP COLUMN outcome;
ALTER TABLE contacts DROP COLUMN channel;
