-- Version 4: the nightly audit on Hangfire (issue 11). A run made by the job pipeline knows its batches; each batch, the
-- report and the mail is a step, claimed by the job that does it and marked done when it is (a retried or duplicated
-- job finds its step done and does nothing twice); one lock row lets a second audit see that one is running. Idempotent.
ALTER TABLE runs ADD COLUMN IF NOT EXISTS batch_count integer NULL,
                 ADD COLUMN IF NOT EXISTS batch_size integer NULL;

CREATE TABLE IF NOT EXISTS run_steps (
    run_id  varchar(64) NOT NULL CONSTRAINT fk_run_steps_runs REFERENCES runs (run_id) ON DELETE CASCADE,
    step    varchar(32) NOT NULL,
    job_id  varchar(64) NULL,
    done_at timestamptz NULL,
    CONSTRAINT pk_run_steps PRIMARY KEY (run_id, step)
);

CREATE TABLE IF NOT EXISTS audit_lock (
    name     varchar(32) NOT NULL CONSTRAINT pk_audit_lock PRIMARY KEY,
    run_id   varchar(64) NOT NULL,
    taken_at timestamptz NOT NULL
);
INSERT INTO audit_lock (name, run_id, taken_at) VALUES ('audit', '', '0001-01-01T00:00:00Z') ON CONFLICT (name) DO NOTHING;
