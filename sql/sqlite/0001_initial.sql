-- ExchangeSmtpFleet schema, version 1 (SQLite). Idempotent: every object is created only when missing.
-- Timestamps are ISO 8601 UTC text with seven fractional digits ('2026-11-30T02:00:00.0000000Z'): they sort as text
-- and round-trip exactly. Vocabulary (verdict, reason, status, severity) is stored by name.

CREATE TABLE IF NOT EXISTS runs (
    run_id          TEXT    NOT NULL PRIMARY KEY,
    kind            TEXT    NOT NULL,
    started_at      TEXT    NOT NULL,
    finished_at     TEXT    NULL,
    status          TEXT    NOT NULL,
    inventory_path  TEXT    NOT NULL,
    inventory_hash  TEXT    NULL,
    host_count      INTEGER NOT NULL,
    problem_count   INTEGER NOT NULL,
    disabled_count  INTEGER NOT NULL,
    concurrency     INTEGER NOT NULL,
    probe_options   TEXT    NOT NULL,
    tool_version    TEXT    NOT NULL
);
CREATE INDEX IF NOT EXISTS ix_runs_started_at ON runs (started_at);

-- The inventory of each run: which hosts it was to audit, as the inventory described them then.
CREATE TABLE IF NOT EXISTS run_hosts (
    run_id       TEXT    NOT NULL REFERENCES runs (run_id) ON DELETE CASCADE,
    host_key     TEXT    NOT NULL,
    host         TEXT    NOT NULL,
    port         INTEGER NOT NULL,
    name         TEXT    NULL,
    site         TEXT    NULL,
    owner        TEXT    NULL,
    profile      TEXT    NOT NULL,
    ignore_verbs TEXT    NOT NULL,
    line_number  INTEGER NOT NULL,
    PRIMARY KEY (run_id, host_key)
);

-- One row per host per run; written again (a retried batch) it replaces itself.
CREATE TABLE IF NOT EXISTS results (
    run_id          TEXT    NOT NULL REFERENCES runs (run_id) ON DELETE CASCADE,
    host_key        TEXT    NOT NULL,
    verdict         TEXT    NOT NULL,
    reason          TEXT    NOT NULL,
    family          TEXT    NOT NULL,
    family_evidence TEXT    NOT NULL,
    version         TEXT    NULL,
    banner          TEXT    NULL,
    greeting        TEXT    NULL,
    missing         TEXT    NOT NULL,
    unexpected      TEXT    NOT NULL,
    detail          TEXT    NULL,
    tls             TEXT    NULL,
    address         TEXT    NULL,
    attempts        INTEGER NOT NULL,
    connect_ms      REAL    NULL,
    banner_ms       REAL    NULL,
    ehlo_ms         REAL    NULL,
    tls_ms          REAL    NULL,
    total_ms        REAL    NOT NULL,
    probed_at       TEXT    NOT NULL,
    transcript      TEXT    NULL,
    PRIMARY KEY (run_id, host_key)
);
CREATE INDEX IF NOT EXISTS ix_results_host ON results (host_key, run_id);
CREATE INDEX IF NOT EXISTS ix_results_verdict ON results (run_id, verdict);

-- One row per advertised keyword per phase ('pre-tls', 'post-tls'): "which hosts lack XEXCH50" is a plain query. Clustered
-- on its key (WITHOUT ROWID) and without a second index: the keywords of a host are one range of the key, and a table
-- written 16 rows a host at 20,000 hosts a second cannot afford more b-trees (BENCHMARKS.md).
CREATE TABLE IF NOT EXISTS keywords (
    run_id     TEXT    NOT NULL,
    host_key   TEXT    NOT NULL,
    phase      TEXT    NOT NULL,
    position   INTEGER NOT NULL,
    name       TEXT    NOT NULL,
    parameters TEXT    NOT NULL,
    PRIMARY KEY (run_id, host_key, phase, position)
) WITHOUT ROWID;

CREATE TABLE IF NOT EXISTS findings (
    run_id    TEXT    NOT NULL,
    host_key  TEXT    NOT NULL,
    position  INTEGER NOT NULL,
    code      TEXT    NOT NULL,
    severity  TEXT    NOT NULL,
    arguments TEXT    NOT NULL,
    message   TEXT    NOT NULL,
    PRIMARY KEY (run_id, host_key, position),
    FOREIGN KEY (run_id, host_key) REFERENCES results (run_id, host_key) ON DELETE CASCADE
);

CREATE TABLE IF NOT EXISTS inventory_problems (
    run_id      TEXT    NOT NULL REFERENCES runs (run_id) ON DELETE CASCADE,
    position    INTEGER NOT NULL,
    line_number INTEGER NOT NULL,
    reason      TEXT    NOT NULL,
    raw_text    TEXT    NULL,
    PRIMARY KEY (run_id, position)
);
