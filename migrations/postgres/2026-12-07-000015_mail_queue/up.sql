-- The mail queue (issue 16): a mail-out a researcher asked for waits here until the scheduler of
-- whichever instance holds the `reminders` lease has sent it, so that a restart or a mail server
-- outage half-way neither loses it nor needs anyone to ask again. One row per wave and kind: the
-- messages themselves are the invitations still due one (the vault knows which), so the row
-- names no patient. It goes when the mail-out is done or the wave is no longer open.
CREATE TABLE mail_queue (
    wave_id TEXT NOT NULL REFERENCES waves (id),
    kind TEXT NOT NULL CHECK (kind IN ('invitations', 'reminders')),
    -- Drawn afresh each time the mail-out is asked for: a round finishes only the request it
    -- read, never one asked for while it was sending.
    request TEXT NOT NULL,
    -- Reminders only: days since the last contact, and contacts in all.
    after_days INTEGER,
    max_contacts INTEGER,
    PRIMARY KEY (wave_id, kind)
);
