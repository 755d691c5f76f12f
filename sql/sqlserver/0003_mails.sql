-- Version 3: which run's report went to whom, so that a retried job does not mail management twice. Idempotent.

IF OBJECT_ID(N'dbo.mails') IS NULL
CREATE TABLE dbo.mails (
    run_id     NVARCHAR(64)   NOT NULL CONSTRAINT pk_mails PRIMARY KEY
                              CONSTRAINT fk_mails_runs REFERENCES dbo.runs (run_id) ON DELETE CASCADE,
    sent_at    DATETIME2(7)   NOT NULL,
    recipients NVARCHAR(MAX)  NOT NULL
);
GO
