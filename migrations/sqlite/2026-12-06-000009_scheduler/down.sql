DROP TABLE leases;
ALTER TABLE waves DROP COLUMN reminder_max_contacts;
ALTER TABLE waves DROP COLUMN reminder_after_days;
