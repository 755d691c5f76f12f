-- Version 5: a host's advertised keywords are stored as a keyword set, once for every host that advertises the same list
-- (see sql/sqlite/0005_keyword_sets.sql). A set's id is the hash of its content, written by the sinks ("k:" and 32 hex
-- digits); the view "keywords" still shows one row per keyword per phase per host. Idempotent.
CREATE TABLE IF NOT EXISTS keyword_sets (
    set_id     varchar(80)  NOT NULL,
    position   integer      NOT NULL,
    name       varchar(128) NOT NULL,
    parameters text         NOT NULL,
    CONSTRAINT pk_keyword_sets PRIMARY KEY (set_id, position)
);

ALTER TABLE results ADD COLUMN IF NOT EXISTS keywords_pre_tls varchar(80) NULL,
                    ADD COLUMN IF NOT EXISTS keywords_post_tls varchar(80) NULL;

-- Keywords stored before version 5 become one set per host and phase ("m:", a hash of run and host, the phase), as on SQL
-- Server. Only while "keywords" is still the table of version 1 (relkind 'r'); once it is the view below, this does
-- nothing. The statements inside are planned when they run, so they never meet the view.
DO $migrate$
BEGIN
    IF EXISTS (SELECT 1 FROM pg_class
               WHERE oid = to_regclass('keywords') AND relkind = 'r') THEN
        INSERT INTO keyword_sets (set_id, position, name, parameters)
            SELECT 'm:' || encode(sha256(convert_to(k.run_id || '/' || k.host_key, 'UTF8')), 'hex') || ':' || k.phase,
                   k.position, k.name, k.parameters
            FROM keywords AS k
        ON CONFLICT (set_id, position) DO NOTHING;
        UPDATE results AS r SET
            keywords_pre_tls = CASE WHEN EXISTS (SELECT 1 FROM keywords AS k
                                                 WHERE k.run_id = r.run_id AND k.host_key = r.host_key AND k.phase = 'pre-tls')
                THEN 'm:' || encode(sha256(convert_to(r.run_id || '/' || r.host_key, 'UTF8')), 'hex') || ':pre-tls' END,
            keywords_post_tls = CASE WHEN EXISTS (SELECT 1 FROM keywords AS k
                                                  WHERE k.run_id = r.run_id AND k.host_key = r.host_key AND k.phase = 'post-tls')
                THEN 'm:' || encode(sha256(convert_to(r.run_id || '/' || r.host_key, 'UTF8')), 'hex') || ':post-tls' END;
        DROP TABLE keywords;
    END IF;
END
$migrate$;

CREATE OR REPLACE VIEW keywords AS
    SELECT r.run_id, r.host_key, CAST('pre-tls' AS varchar(8)) AS phase, s.position, s.name, s.parameters
    FROM results AS r JOIN keyword_sets AS s ON s.set_id = r.keywords_pre_tls
    UNION ALL
    SELECT r.run_id, r.host_key, CAST('post-tls' AS varchar(8)) AS phase, s.position, s.name, s.parameters
    FROM results AS r JOIN keyword_sets AS s ON s.set_id = r.keywords_post_tls;

-- The history of a host reads ix_results_host_time (host_key, run_started_at); this older index said the same thing and
-- cost every result one more b-tree insert (as on SQLite).
DROP INDEX IF EXISTS ix_results_host;

-- No trigger replaces a rewritten host's findings (SQLite has results_rewritten): as on SQL Server, the run writer
-- replaces the findings of the hosts of a batch in the same transaction as their results.
