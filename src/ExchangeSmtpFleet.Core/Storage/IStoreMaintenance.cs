namespace ExchangeSmtpFleet.Core.Storage;

/// <summary>The care of the database: its schema and what is kept how long (<c>esfleet db</c>).</summary>
public interface IStoreMaintenance : IStoreRole
{
    /// <summary>Creates or upgrades the schema; running it again changes nothing.</summary>
    /// <param name="cancellationToken">Cancels between scripts.</param>
    Task MigrateAsync(CancellationToken cancellationToken);

    /// <summary>
    /// The preflight a DBA runs before the first night: whether the database can be reached and used, and how its schema
    /// compares with this build's. Changes nothing and creates nothing; a database that cannot be reached is a failed check,
    /// not an exception.
    /// </summary>
    /// <param name="cancellationToken">Cancels the checks.</param>
    /// <returns>One line per check, in the order they ran.</returns>
    Task<IReadOnlyList<StoreCheck>> CheckAsync(CancellationToken cancellationToken);

    /// <summary>Drops the transcripts of runs that started before <paramref name="before"/>; verdicts, keywords and findings stay.</summary>
    /// <param name="before">The cut-off (UTC).</param>
    /// <param name="cancellationToken">Cancels the statement.</param>
    /// <returns>Results whose transcript was dropped.</returns>
    Task<int> PruneTranscriptsAsync(DateTimeOffset before, CancellationToken cancellationToken);

    /// <summary>Deletes whole runs that started before <paramref name="before"/>: results, keywords, findings, inventory snapshot, steps.</summary>
    /// <param name="before">The cut-off (UTC).</param>
    /// <param name="cancellationToken">Cancels the statements.</param>
    /// <returns>Runs deleted.</returns>
    Task<int> PruneRunsAsync(DateTimeOffset before, CancellationToken cancellationToken);
}
