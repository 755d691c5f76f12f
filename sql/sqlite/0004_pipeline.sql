-- Version 4: the nightly audit on Hangfire (issue 11). A run made by the job pipeline knows its batches; each batch, the
-- report and the mail is a step, claimed by the job that does it and marked done when it is (a retried or duplicated
-- job finds its step done and does nothing twice); one lock row lets a second audit see that one is running.
ALTER TABLE runs ADD COLUMN batch_count INTEGER NULL;
ALTER TABLE runs ADD COLUMN batch_size INTEGER NULL;

CREATE TABLE IF NOT EXISTS run_steps (
    run_id  TEXT NOT NULL REFERENCES runs (run_id) ON DELETE CASCADE,
    step    TEXT NOT NULL,
    job_id  TEXT NULL,
    done_at TEXT NULL,
    PRIMARY KEY (run_id, step)
);

CREATE TABLE IF NOT EXISTS audit_lock (
    name     TEXT NOT NULL PRIMARY KEY,
    run_id   TEXT NOT NULL,
    taken_at TEXT NOT NULL
);
INSERT OR IGNORE INTO audit_lock (name, run_id, taken_at) VALUES ('audit', '', '0001-01-01T00:00:00.0000000Z');
