-- ExchangeSmtpFleet schema, version 1 (SQL Server 2016 SP1 or later: version 5 uses CREATE OR ALTER). Idempotent: every
-- object is created only when no object of its name exists, so a DBA can run it by hand (esfleet db script --provider
-- sqlserver prints it with the journal) and esfleet can apply it again, also after later versions changed what it made.
-- Times are DATETIME2(7) in UTC; vocabulary (verdict, reason, status, severity) is stored by name.

IF OBJECT_ID(N'dbo.runs') IS NULL
CREATE TABLE dbo.runs (
    run_id          NVARCHAR(64)   NOT NULL CONSTRAINT pk_runs PRIMARY KEY,
    kind            NVARCHAR(16)   NOT NULL,
    started_at      DATETIME2(7)   NOT NULL,
    finished_at     DATETIME2(7)   NULL,
    status          NVARCHAR(16)   NOT NULL,
    inventory_path  NVARCHAR(1024) NOT NULL,
    inventory_hash  NVARCHAR(64)   NULL,
    host_count      INT            NOT NULL,
    problem_count   INT            NOT NULL,
    disabled_count  INT            NOT NULL,
    concurrency     INT            NOT NULL,
    probe_options   NVARCHAR(MAX)  NOT NULL,
    tool_version    NVARCHAR(128)  NOT NULL
);
GO

IF NOT EXISTS (SELECT 1 FROM sys.indexes WHERE name = N'ix_runs_started_at' AND object_id = OBJECT_ID(N'dbo.runs'))
CREATE INDEX ix_runs_started_at ON dbo.runs (started_at);
GO

IF OBJECT_ID(N'dbo.run_hosts') IS NULL
CREATE TABLE dbo.run_hosts (
    run_id       NVARCHAR(64)  NOT NULL CONSTRAINT fk_run_hosts_runs REFERENCES dbo.runs (run_id) ON DELETE CASCADE,
    host_key     NVARCHAR(300) NOT NULL,
    host         NVARCHAR(260) NOT NULL,
    port         INT           NOT NULL,
    name         NVARCHAR(256) NULL,
    site         NVARCHAR(256) NULL,
    owner        NVARCHAR(256) NULL,
    profile      NVARCHAR(64)  NOT NULL,
    ignore_verbs NVARCHAR(MAX) NOT NULL,
    line_number  INT           NOT NULL,
    CONSTRAINT pk_run_hosts PRIMARY KEY (run_id, host_key)
);
GO

IF OBJECT_ID(N'dbo.results') IS NULL
CREATE TABLE dbo.results (
    run_id          NVARCHAR(64)   NOT NULL CONSTRAINT fk_results_runs REFERENCES dbo.runs (run_id) ON DELETE CASCADE,
    host_key        NVARCHAR(300)  NOT NULL,
    verdict         NVARCHAR(40)   NOT NULL,
    reason          NVARCHAR(40)   NOT NULL,
    family          NVARCHAR(64)   NOT NULL,
    family_evidence NVARCHAR(MAX)  NOT NULL,
    version         NVARCHAR(64)   NULL,
    banner          NVARCHAR(MAX)  NULL,
    greeting        NVARCHAR(MAX)  NULL,
    missing         NVARCHAR(MAX)  NOT NULL,
    unexpected      NVARCHAR(MAX)  NOT NULL,
    detail          NVARCHAR(MAX)  NULL,
    tls             NVARCHAR(MAX)  NULL,
    address         NVARCHAR(64)   NULL,
    attempts        INT            NOT NULL,
    connect_ms      FLOAT          NULL,
    banner_ms       FLOAT          NULL,
    ehlo_ms         FLOAT          NULL,
    tls_ms          FLOAT          NULL,
    total_ms        FLOAT          NOT NULL,
    probed_at       DATETIME2(7)   NOT NULL,
    transcript      NVARCHAR(MAX)  NULL,
    CONSTRAINT pk_results PRIMARY KEY (run_id, host_key)
);
GO

-- ix_results_host (host_key, run_id), made here until version 5 dropped it again, is no longer made: the history of a host
-- reads ix_results_host_time (version 2). Version 5 drops it where an older esfleet made it.

IF NOT EXISTS (SELECT 1 FROM sys.indexes WHERE name = N'ix_results_verdict' AND object_id = OBJECT_ID(N'dbo.results'))
CREATE INDEX ix_results_verdict ON dbo.results (run_id, verdict);
GO

-- One row per advertised keyword per phase ('pre-tls', 'post-tls'): "which hosts lack XEXCH50" is a plain query. Version 5
-- replaces this table by a view of the same name: the guard checks for any object of the name, so that this script can run
-- again after version 5.
IF OBJECT_ID(N'dbo.keywords') IS NULL
CREATE TABLE dbo.keywords (
    run_id     NVARCHAR(64)  NOT NULL,
    host_key   NVARCHAR(300) NOT NULL,
    phase      NVARCHAR(8)   NOT NULL,
    position   INT           NOT NULL,
    name       NVARCHAR(128) NOT NULL,
    parameters NVARCHAR(MAX) NOT NULL,
    CONSTRAINT pk_keywords PRIMARY KEY (run_id, host_key, phase, position),
    CONSTRAINT fk_keywords_results FOREIGN KEY (run_id, host_key) REFERENCES dbo.results (run_id, host_key) ON DELETE CASCADE
);
GO

IF OBJECT_ID(N'dbo.findings') IS NULL
CREATE TABLE dbo.findings (
    run_id    NVARCHAR(64)  NOT NULL,
    host_key  NVARCHAR(300) NOT NULL,
    position  INT           NOT NULL,
    code      NVARCHAR(40)  NOT NULL,
    severity  NVARCHAR(16)  NOT NULL,
    arguments NVARCHAR(MAX) NOT NULL,
    message   NVARCHAR(MAX) NOT NULL,
    CONSTRAINT pk_findings PRIMARY KEY (run_id, host_key, position),
    CONSTRAINT fk_findings_results FOREIGN KEY (run_id, host_key) REFERENCES dbo.results (run_id, host_key) ON DELETE CASCADE
);
GO

IF OBJECT_ID(N'dbo.inventory_problems') IS NULL
CREATE TABLE dbo.inventory_problems (
    run_id      NVARCHAR(64)  NOT NULL CONSTRAINT fk_inventory_problems_runs REFERENCES dbo.runs (run_id) ON DELETE CASCADE,
    position    INT           NOT NULL,
    line_number INT           NOT NULL,
    reason      NVARCHAR(MAX) NOT NULL,
    raw_text    NVARCHAR(MAX) NULL,
    CONSTRAINT pk_inventory_problems PRIMARY KEY (run_id, position)
);
GO
