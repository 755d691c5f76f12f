-- Version 5: a host's advertised keywords are stored as a keyword set, once for every host that advertises the same list
-- (see sql/sqlite/0005_keyword_sets.sql). A set's id is the hash of its content, written by the sinks ("k:" and 32 hex
-- digits); the view dbo.keywords still shows one row per keyword per phase per host. Idempotent.

IF OBJECT_ID(N'dbo.keyword_sets') IS NULL
CREATE TABLE dbo.keyword_sets (
    set_id     NVARCHAR(80)  NOT NULL,
    position   INT           NOT NULL,
    name       NVARCHAR(128) NOT NULL,
    parameters NVARCHAR(MAX) NOT NULL,
    CONSTRAINT pk_keyword_sets PRIMARY KEY (set_id, position)
);
GO

IF COL_LENGTH(N'dbo.results', N'keywords_pre_tls') IS NULL
ALTER TABLE dbo.results ADD keywords_pre_tls NVARCHAR(80) NULL, keywords_post_tls NVARCHAR(80) NULL;
GO

-- Keywords stored before version 5 become one set per host and phase ("m:", a hash of run and host, the phase).
IF OBJECT_ID(N'dbo.keywords', N'U') IS NOT NULL
BEGIN
    INSERT INTO dbo.keyword_sets (set_id, position, name, parameters)
        SELECT N'm:' + CONVERT(NVARCHAR(64), HASHBYTES('SHA2_256', k.run_id + N'/' + k.host_key), 2) + N':' + k.phase,
               k.position, k.name, k.parameters
        FROM dbo.keywords AS k;
    UPDATE r SET
        keywords_pre_tls = CASE WHEN EXISTS (SELECT 1 FROM dbo.keywords AS k
                                             WHERE k.run_id = r.run_id AND k.host_key = r.host_key AND k.phase = N'pre-tls')
            THEN N'm:' + CONVERT(NVARCHAR(64), HASHBYTES('SHA2_256', r.run_id + N'/' + r.host_key), 2) + N':pre-tls' END,
        keywords_post_tls = CASE WHEN EXISTS (SELECT 1 FROM dbo.keywords AS k
                                              WHERE k.run_id = r.run_id AND k.host_key = r.host_key AND k.phase = N'post-tls')
            THEN N'm:' + CONVERT(NVARCHAR(64), HASHBYTES('SHA2_256', r.run_id + N'/' + r.host_key), 2) + N':post-tls' END
    FROM dbo.results AS r;
    DROP TABLE dbo.keywords;
END
GO

CREATE OR ALTER VIEW dbo.keywords AS
    SELECT r.run_id, r.host_key, CAST(N'pre-tls' AS NVARCHAR(8)) AS phase, s.position, s.name, s.parameters
    FROM dbo.results AS r JOIN dbo.keyword_sets AS s ON s.set_id = r.keywords_pre_tls
    UNION ALL
    SELECT r.run_id, r.host_key, CAST(N'post-tls' AS NVARCHAR(8)) AS phase, s.position, s.name, s.parameters
    FROM dbo.results AS r JOIN dbo.keyword_sets AS s ON s.set_id = r.keywords_post_tls;
GO

-- The history of a host reads ix_results_host_time (host_key, run_started_at); ix_results_host (host_key, run_id), which
-- versions 1-4 made, said the same thing and cost every write a third b-tree (dropped on SQLite and PostgreSQL by their
-- version 5 too). Version 1 no longer makes it, so running the scripts again does not build it to drop it.
DROP INDEX IF EXISTS ix_results_host ON dbo.results;
GO
