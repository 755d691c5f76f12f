-- Version 5: a host's advertised keywords are stored as a keyword set, once for every host that advertises the same list.
-- Servers of one build advertise the same keywords, so a night of 10,000 hosts stored 160,000 keyword rows that said the
-- same thing a few times over; now it stores a handful of sets, and each result names its set per phase. A set's id is
-- the hash of its content (written by the sinks: "k:" and 32 hex digits), so every process finds the same id for the
-- same list and a set never changes. The view "keywords" still shows one row per keyword per phase per host.
CREATE TABLE IF NOT EXISTS keyword_sets (
    set_id     TEXT    NOT NULL,
    position   INTEGER NOT NULL,
    name       TEXT    NOT NULL,
    parameters TEXT    NOT NULL,
    PRIMARY KEY (set_id, position)
) WITHOUT ROWID;

ALTER TABLE results ADD COLUMN keywords_pre_tls TEXT NULL;
ALTER TABLE results ADD COLUMN keywords_post_tls TEXT NULL;

-- Keywords stored before version 5 become one set per host and phase ("m:", the result's row number, the phase), so no
-- row is lost; `db prune` deletes them with their runs.
INSERT INTO keyword_sets (set_id, position, name, parameters)
    SELECT 'm:' || r.rowid || ':' || k.phase, k.position, k.name, k.parameters
    FROM keywords AS k JOIN results AS r ON r.run_id = k.run_id AND r.host_key = k.host_key;
UPDATE results SET
    keywords_pre_tls = CASE WHEN EXISTS (SELECT 1 FROM keywords AS k
                                         WHERE k.run_id = results.run_id AND k.host_key = results.host_key AND k.phase = 'pre-tls')
                            THEN 'm:' || rowid || ':pre-tls' END,
    keywords_post_tls = CASE WHEN EXISTS (SELECT 1 FROM keywords AS k
                                          WHERE k.run_id = results.run_id AND k.host_key = results.host_key AND k.phase = 'post-tls')
                             THEN 'm:' || rowid || ':post-tls' END;
DROP TABLE keywords;

CREATE VIEW IF NOT EXISTS keywords AS
    SELECT r.run_id, r.host_key, 'pre-tls' AS phase, s.position, s.name, s.parameters
    FROM results AS r JOIN keyword_sets AS s ON s.set_id = r.keywords_pre_tls
    UNION ALL
    SELECT r.run_id, r.host_key, 'post-tls' AS phase, s.position, s.name, s.parameters
    FROM results AS r JOIN keyword_sets AS s ON s.set_id = r.keywords_post_tls;

-- The history of a host reads ix_results_host_time (host_key, run_started_at); this older index said the same thing and
-- cost every result one more b-tree insert.
DROP INDEX IF EXISTS ix_results_host;

-- A host written again in the same run (a retried batch) replaces its result row through the sink's upsert, which sets
-- probed_at; its old findings go with the old row, so that the sink need not ask which hosts of a batch were written
-- before. No other statement updates probed_at (`db prune` clears transcripts only).
CREATE TRIGGER IF NOT EXISTS results_rewritten AFTER UPDATE OF probed_at ON results
BEGIN
    DELETE FROM findings WHERE run_id = NEW.run_id AND host_key = NEW.host_key;
END;
