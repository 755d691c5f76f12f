using ExchangeSmtpFleet.Core.Auditing;
using ExchangeSmtpFleet.Core.Classification;
using ExchangeSmtpFleet.Infrastructure.Persistence;

namespace ExchangeSmtpFleet.Infrastructure.Tests.Persistence;

/// <summary>What the contract suites of every storage role share: a store of the dialect on an empty database of its own.</summary>
public abstract class StorageContract
{
    protected static CancellationToken Token => TestContext.Current.CancellationToken;

    /// <summary>The storage roles of a new, empty database of the dialect.</summary>
    protected abstract AuditStorage NewStorage();

    /// <summary>The finest time the dialect stores: a tick (100 ns), or a microsecond on PostgreSQL (timestamptz).</summary>
    protected virtual TimeSpan TimeResolution => TimeSpan.FromTicks(1);

    /// <summary><paramref name="time"/> as the dialect stores it: cut to <see cref="TimeResolution"/>.</summary>
    protected DateTimeOffset Stored(DateTimeOffset time) => time.AddTicks(-(time.Ticks % TimeResolution.Ticks));

    /// <summary>Stores a run (see <see cref="Outcomes.StoreRunAsync"/>).</summary>
    internal static Task StoreRunAsync(AuditStorage store, string runId, DateTimeOffset started, Verdict[] verdicts, int batches = 1, AuditRunStatus status = AuditRunStatus.Completed) =>
        Outcomes.StoreRunAsync(store, runId, started, verdicts, batches, status);
}
