using Dapper;
using ExchangeSmtpFleet.Core.Storage;

namespace ExchangeSmtpFleet.Infrastructure.Persistence;

/// <summary>The care of a SQL Server database (<see cref="IStoreMaintenance"/>): its schema and what is kept how long.</summary>
internal sealed class SqlServerMaintenance(SqlServerDatabase db) : IStoreMaintenance
{
    private const string PruneTranscripts = """
        UPDATE dbo.results SET transcript = NULL
        WHERE transcript IS NOT NULL AND run_id IN (SELECT run_id FROM dbo.runs WHERE started_at < @before);
        """;

    private const string CountRunsBefore = "SELECT COUNT(*) FROM dbo.runs WHERE started_at < @before;";

    /// <summary>The per-host keyword sets of upgraded runs (<c>m:</c> ids) go with their runs; steps and the mail record by cascade.</summary>
    private const string PruneRuns = """
        DELETE FROM dbo.keyword_sets WHERE set_id IN (
            SELECT keywords_pre_tls FROM dbo.results WHERE keywords_pre_tls LIKE N'm:%' AND run_id IN (SELECT run_id FROM dbo.runs WHERE started_at < @before)
            UNION ALL
            SELECT keywords_post_tls FROM dbo.results WHERE keywords_post_tls LIKE N'm:%' AND run_id IN (SELECT run_id FROM dbo.runs WHERE started_at < @before));
        DELETE FROM dbo.findings WHERE run_id IN (SELECT run_id FROM dbo.runs WHERE started_at < @before);
        DELETE FROM dbo.results WHERE run_id IN (SELECT run_id FROM dbo.runs WHERE started_at < @before);
        DELETE FROM dbo.run_hosts WHERE run_id IN (SELECT run_id FROM dbo.runs WHERE started_at < @before);
        DELETE FROM dbo.inventory_problems WHERE run_id IN (SELECT run_id FROM dbo.runs WHERE started_at < @before);
        DELETE FROM dbo.runs WHERE started_at < @before;
        """;

    public string Description => db.Description;

    public Task MigrateAsync(CancellationToken cancellationToken) => db.MigrateAsync(cancellationToken);

    /// <remarks>Connecting and the schema; the server's version, collation, the login's rights and RCSI are issue 21's.</remarks>
    public async Task<IReadOnlyList<StoreCheck>> CheckAsync(CancellationToken cancellationToken)
    {
        var checks = new List<StoreCheck>();
        try
        {
            await using var connection = await db.OpenConnectionAsync(create: false, cancellationToken).ConfigureAwait(false);
            checks.Add(new StoreCheck("connect", CheckOutcome.Pass, $"connected to {db.Description}"));
            checks.Add(await db.SchemaCheckAsync(connection, cancellationToken).ConfigureAwait(false));
        }
        catch (StoreException e)
        {
            checks.Add(new StoreCheck("connect", CheckOutcome.Fail, e.Message));
        }

        return checks;
    }

    public Task<int> PruneTranscriptsAsync(DateTimeOffset before, CancellationToken cancellationToken) =>
        db.WriteAsync((c, t) => c.ExecuteAsync(new CommandDefinition(
            PruneTranscripts, new { before = db.ToDatabase(before) }, t, cancellationToken: cancellationToken)), "drop old transcripts", cancellationToken);

    public Task<int> PruneRunsAsync(DateTimeOffset before, CancellationToken cancellationToken) =>
        db.WriteAsync(async (c, t) =>
        {
            var cutOff = new { before = db.ToDatabase(before) };
            var runs = await c.ExecuteScalarAsync<long>(new CommandDefinition(CountRunsBefore, cutOff, t, cancellationToken: cancellationToken)).ConfigureAwait(false);
            await c.ExecuteAsync(new CommandDefinition(PruneRuns, cutOff, t, cancellationToken: cancellationToken)).ConfigureAwait(false);
            return (int)runs;
        }, "delete old runs", cancellationToken);
}
