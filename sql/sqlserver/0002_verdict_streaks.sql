-- Version 2: each result knows the host's verdict in the run before and since when the host has had its verdict, so that
-- the report can say "in this verdict since" without reading the whole history. Written with each batch; rows of
-- version 1 keep NULL (unknown) until their host is written again. Idempotent.

IF COL_LENGTH(N'dbo.results', N'run_started_at') IS NULL
ALTER TABLE dbo.results ADD run_started_at DATETIME2(7) NULL;
GO

IF COL_LENGTH(N'dbo.results', N'previous_verdict') IS NULL
ALTER TABLE dbo.results ADD previous_verdict NVARCHAR(40) NULL;
GO

IF COL_LENGTH(N'dbo.results', N'verdict_since') IS NULL
ALTER TABLE dbo.results ADD verdict_since DATETIME2(7) NULL;
GO

UPDATE r SET run_started_at = runs.started_at
FROM dbo.results AS r JOIN dbo.runs AS runs ON runs.run_id = r.run_id
WHERE r.run_started_at IS NULL;
GO

IF NOT EXISTS (SELECT 1 FROM sys.indexes WHERE name = N'ix_results_host_time' AND object_id = OBJECT_ID(N'dbo.results'))
CREATE INDEX ix_results_host_time ON dbo.results (host_key, run_started_at) INCLUDE (verdict, verdict_since);
GO
