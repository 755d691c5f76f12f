-- Version 3: which run's report went to whom, so that a retried job does not mail management twice.
CREATE TABLE IF NOT EXISTS mails (
    run_id     TEXT NOT NULL PRIMARY KEY REFERENCES runs (run_id) ON DELETE CASCADE,
    sent_at    TEXT NOT NULL,
    recipients TEXT NOT NULL
);
