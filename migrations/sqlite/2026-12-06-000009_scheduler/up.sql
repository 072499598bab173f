-- The scheduler inside `vecu serve` (issue 16): a wave's reminder schedule, and leases that let
-- exactly one instance at a time run a periodic job.
--
-- A wave with both columns set gets its reminders from the scheduler: each patient still
-- invited or opened, last contacted at least `reminder_after_days` days ago and contacted
-- fewer than `reminder_max_contacts` times (the invitation counts as one contact).
ALTER TABLE waves ADD COLUMN reminder_after_days INTEGER;
ALTER TABLE waves ADD COLUMN reminder_max_contacts INTEGER;

-- One row per job: the instance holding it and until when (Unix seconds). An instance takes or
-- renews a lease with a conditional write; an expired lease is anybody's.
CREATE TABLE leases (
    name TEXT PRIMARY KEY NOT NULL,
    holder TEXT NOT NULL,
    expires_at BIGINT NOT NULL
);
