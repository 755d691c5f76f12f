-- Version 4: the nightly audit on Hangfire (issue 11). A run made by the job pipeline knows its batches; each batch, the
-- report and the mail is a step, claimed by the job that does it and marked done when it is (a retried or duplicated
-- job finds its step done and does nothing twice); one lock row lets a second audit see that one is running. Idempotent.

IF COL_LENGTH(N'dbo.runs', N'batch_count') IS NULL
ALTER TABLE dbo.runs ADD batch_count INT NULL, batch_size INT NULL;
GO

IF OBJECT_ID(N'dbo.run_steps') IS NULL
CREATE TABLE dbo.run_steps (
    run_id  NVARCHAR(64)  NOT NULL CONSTRAINT fk_run_steps_runs REFERENCES dbo.runs (run_id) ON DELETE CASCADE,
    step    NVARCHAR(32)  NOT NULL,
    job_id  NVARCHAR(64)  NULL,
    done_at DATETIME2(7)  NULL,
    CONSTRAINT pk_run_steps PRIMARY KEY (run_id, step)
);
GO

IF OBJECT_ID(N'dbo.audit_lock') IS NULL
CREATE TABLE dbo.audit_lock (
    name     NVARCHAR(32)  NOT NULL CONSTRAINT pk_audit_lock PRIMARY KEY,
    run_id   NVARCHAR(64)  NOT NULL,
    taken_at DATETIME2(7)  NOT NULL
);
GO

IF NOT EXISTS (SELECT 1 FROM dbo.audit_lock WHERE name = N'audit')
INSERT INTO dbo.audit_lock (name, run_id, taken_at) VALUES (N'audit', N'', '0001-01-01T00:00:00');
GO
