-- Version 3: which run's report went to whom, so that a retried job does not mail management twice. Idempotent.
CREATE TABLE IF NOT EXISTS mails (
    run_id     varchar(64) NOT NULL CONSTRAINT pk_mails PRIMARY KEY
                           CONSTRAINT fk_mails_runs REFERENCES runs (run_id) ON DELETE CASCADE,
    sent_at    timestamptz NOT NULL,
    recipients text        NOT NULL
);
