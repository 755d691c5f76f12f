-- Version 2: each result knows the host's verdict in the run before and since when the host has had its verdict, so that
-- the report can say "in this verdict since" without reading the whole history. Written with each batch; rows of
-- version 1 keep NULL (unknown) until their host is written again.
ALTER TABLE results ADD COLUMN run_started_at TEXT NULL;
ALTER TABLE results ADD COLUMN previous_verdict TEXT NULL;
ALTER TABLE results ADD COLUMN verdict_since TEXT NULL;
UPDATE results SET run_started_at = (SELECT runs.started_at FROM runs WHERE runs.run_id = results.run_id) WHERE run_started_at IS NULL;
CREATE INDEX IF NOT EXISTS ix_results_host_time ON results (host_key, run_started_at);
