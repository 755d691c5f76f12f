-- Version 2: each result knows the host's verdict in the run before and since when the host has had its verdict, so that
-- the report can say "in this verdict since" without reading the whole history. Written with each batch; rows of
-- version 1 keep NULL (unknown) until their host is written again. Idempotent.
ALTER TABLE results ADD COLUMN IF NOT EXISTS run_started_at timestamptz NULL;
ALTER TABLE results ADD COLUMN IF NOT EXISTS previous_verdict varchar(40) NULL;
ALTER TABLE results ADD COLUMN IF NOT EXISTS verdict_since timestamptz NULL;

UPDATE results AS r SET run_started_at = runs.started_at
FROM runs
WHERE runs.run_id = r.run_id AND r.run_started_at IS NULL;

CREATE INDEX IF NOT EXISTS ix_results_host_time ON results (host_key, run_started_at) INCLUDE (verdict, verdict_since);
