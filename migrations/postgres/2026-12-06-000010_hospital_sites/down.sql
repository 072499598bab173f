DROP TABLE site_results;
DROP TABLE api_key_sites;
DELETE FROM sessions WHERE key_id IN (SELECT id FROM api_keys WHERE role = 'hospital');
DELETE FROM api_keys WHERE role = 'hospital';
ALTER TABLE api_keys DROP CONSTRAINT api_keys_role_check;
ALTER TABLE api_keys ADD CONSTRAINT api_keys_role_check CHECK (role IN ('admin', 'researcher', 'patient_partner', 'data_entry'));
