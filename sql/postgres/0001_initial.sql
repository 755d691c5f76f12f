-- ExchangeSmtpFleet schema, version 1 (PostgreSQL 13 or later). Idempotent: every object is created only when missing, so a
-- DBA can run the scripts by hand, in order, and esfleet can apply them again. Tables are in the connection's schema (the
-- first of its search_path, "public" by default). Times are timestamptz (UTC instants); strings are varchar(n) where SQL
-- Server has NVARCHAR(n), so that a value too long for one dialect is too long for all, and text where it has NVARCHAR(MAX).
-- Vocabulary (verdict, reason, status, severity) is stored by name.

CREATE TABLE IF NOT EXISTS runs (
    run_id          varchar(64)      NOT NULL CONSTRAINT pk_runs PRIMARY KEY,
    kind            varchar(16)      NOT NULL,
    started_at      timestamptz      NOT NULL,
    finished_at     timestamptz      NULL,
    status          varchar(16)      NOT NULL,
    inventory_path  varchar(1024)    NOT NULL,
    inventory_hash  varchar(64)      NULL,
    host_count      integer          NOT NULL,
    problem_count   integer          NOT NULL,
    disabled_count  integer          NOT NULL,
    concurrency     integer          NOT NULL,
    probe_options   text             NOT NULL,
    tool_version    varchar(128)     NOT NULL
);
CREATE INDEX IF NOT EXISTS ix_runs_started_at ON runs (started_at);

-- The inventory of each run: which hosts it was to audit, as the inventory described them then.
CREATE TABLE IF NOT EXISTS run_hosts (
    run_id       varchar(64)  NOT NULL CONSTRAINT fk_run_hosts_runs REFERENCES runs (run_id) ON DELETE CASCADE,
    host_key     varchar(300) NOT NULL,
    host         varchar(260) NOT NULL,
    port         integer      NOT NULL,
    name         varchar(256) NULL,
    site         varchar(256) NULL,
    owner        varchar(256) NULL,
    profile      varchar(64)  NOT NULL,
    ignore_verbs text         NOT NULL,
    line_number  integer      NOT NULL,
    CONSTRAINT pk_run_hosts PRIMARY KEY (run_id, host_key)
);

-- One row per host per run; written again (a retried batch) it replaces itself.
CREATE TABLE IF NOT EXISTS results (
    run_id          varchar(64)      NOT NULL CONSTRAINT fk_results_runs REFERENCES runs (run_id) ON DELETE CASCADE,
    host_key        varchar(300)     NOT NULL,
    verdict         varchar(40)      NOT NULL,
    reason          varchar(40)      NOT NULL,
    family          varchar(64)      NOT NULL,
    family_evidence text             NOT NULL,
    version         varchar(64)      NULL,
    banner          text             NULL,
    greeting        text             NULL,
    missing         text             NOT NULL,
    unexpected      text             NOT NULL,
    detail          text             NULL,
    tls             text             NULL,
    address         varchar(64)      NULL,
    attempts        integer          NOT NULL,
    connect_ms      double precision NULL,
    banner_ms       double precision NULL,
    ehlo_ms         double precision NULL,
    tls_ms          double precision NULL,
    total_ms        double precision NOT NULL,
    probed_at       timestamptz      NOT NULL,
    transcript      text             NULL,
    CONSTRAINT pk_results PRIMARY KEY (run_id, host_key)
);
-- Superseded by ix_results_host_time (version 2) and dropped again by version 5, as on SQLite.
CREATE INDEX IF NOT EXISTS ix_results_host ON results (host_key, run_id);
CREATE INDEX IF NOT EXISTS ix_results_verdict ON results (run_id, verdict);

-- One row per advertised keyword per phase ('pre-tls', 'post-tls'). Replaced by keyword sets and a view of the same name in
-- version 5: on a database at version 5 "keywords" is that view, and this statement skips it (a relation of that name
-- exists).
CREATE TABLE IF NOT EXISTS keywords (
    run_id     varchar(64)  NOT NULL,
    host_key   varchar(300) NOT NULL,
    phase      varchar(8)   NOT NULL,
    position   integer      NOT NULL,
    name       varchar(128) NOT NULL,
    parameters text         NOT NULL,
    CONSTRAINT pk_keywords PRIMARY KEY (run_id, host_key, phase, position),
    CONSTRAINT fk_keywords_results FOREIGN KEY (run_id, host_key) REFERENCES results (run_id, host_key) ON DELETE CASCADE
);

CREATE TABLE IF NOT EXISTS findings (
    run_id    varchar(64)  NOT NULL,
    host_key  varchar(300) NOT NULL,
    position  integer      NOT NULL,
    code      varchar(40)  NOT NULL,
    severity  varchar(16)  NOT NULL,
    arguments text         NOT NULL,
    message   text         NOT NULL,
    CONSTRAINT pk_findings PRIMARY KEY (run_id, host_key, position),
    CONSTRAINT fk_findings_results FOREIGN KEY (run_id, host_key) REFERENCES results (run_id, host_key) ON DELETE CASCADE
);

CREATE TABLE IF NOT EXISTS inventory_problems (
    run_id      varchar(64) NOT NULL CONSTRAINT fk_inventory_problems_runs REFERENCES runs (run_id) ON DELETE CASCADE,
    position    integer     NOT NULL,
    line_number integer     NOT NULL,
    reason      text        NOT NULL,
    raw_text    text        NULL,
    CONSTRAINT pk_inventory_problems PRIMARY KEY (run_id, position)
);
