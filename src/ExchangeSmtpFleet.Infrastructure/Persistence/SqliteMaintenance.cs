using Dapper;
using ExchangeSmtpFleet.Core.Storage;

namespace ExchangeSmtpFleet.Infrastructure.Persistence;

/// <summary>The care of a SQLite database (<see cref="IStoreMaintenance"/>): its schema and what is kept how long.</summary>
internal sealed class SqliteMaintenance(SqliteDatabase db) : IStoreMaintenance
{
    public string Description => db.Description;

    public Task MigrateAsync(CancellationToken cancellationToken) => db.MigrateAsync(cancellationToken);

    public Task<int> PruneTranscriptsAsync(DateTimeOffset before, CancellationToken cancellationToken) =>
        db.WriteAsync((c, t) => c.ExecuteAsync(new CommandDefinition(
            """
            UPDATE results SET transcript = NULL
            WHERE transcript IS NOT NULL AND run_id IN (SELECT run_id FROM runs WHERE started_at < @before)
            """, new { before = db.ToDatabase(before) }, t, cancellationToken: cancellationToken)), "drop old transcripts", cancellationToken);

    /// <remarks>
    /// The per-host keyword sets of runs upgraded to schema 5 (<c>m:</c> ids) go with their runs; content-addressed sets
    /// (<c>k:</c>) are shared by every run and stay. Steps and the mail record go by ON DELETE CASCADE.
    /// </remarks>
    public Task<int> PruneRunsAsync(DateTimeOffset before, CancellationToken cancellationToken) =>
        db.WriteAsync(async (c, t) =>
        {
            var cutOff = new { before = db.ToDatabase(before) };
            var runs = await c.ExecuteScalarAsync<long>(new CommandDefinition(
                "SELECT COUNT(*) FROM runs WHERE started_at < @before", cutOff, t, cancellationToken: cancellationToken)).ConfigureAwait(false);
            await c.ExecuteAsync(new CommandDefinition(
                """
                DELETE FROM keyword_sets WHERE set_id IN (
                    SELECT keywords_pre_tls FROM results WHERE keywords_pre_tls LIKE 'm:%' AND run_id IN (SELECT run_id FROM runs WHERE started_at < @before)
                    UNION ALL
                    SELECT keywords_post_tls FROM results WHERE keywords_post_tls LIKE 'm:%' AND run_id IN (SELECT run_id FROM runs WHERE started_at < @before));
                DELETE FROM findings WHERE run_id IN (SELECT run_id FROM runs WHERE started_at < @before);
                DELETE FROM results WHERE run_id IN (SELECT run_id FROM runs WHERE started_at < @before);
                DELETE FROM run_hosts WHERE run_id IN (SELECT run_id FROM runs WHERE started_at < @before);
                DELETE FROM inventory_problems WHERE run_id IN (SELECT run_id FROM runs WHERE started_at < @before);
                DELETE FROM runs WHERE started_at < @before;
                """, cutOff, t, cancellationToken: cancellationToken)).ConfigureAwait(false);
            return (int)runs;
        }, "delete old runs", cancellationToken);
}
