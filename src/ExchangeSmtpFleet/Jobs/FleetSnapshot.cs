using ExchangeSmtpFleet.Core.Auditing;
using ExchangeSmtpFleet.Core.Storage;

namespace ExchangeSmtpFleet.Jobs;

/// <summary>Reads the fleet's state from the audit database into <see cref="AuditMeter.State"/> (before each scrape).</summary>
/// <param name="store">The stored runs.</param>
/// <param name="meter">The meter.</param>
internal sealed class FleetSnapshot(IAuditHistory store, AuditMeter meter)
{
    // The changes of a run against the one before never change: counted once per run, not at every scrape.
    // A reference, so that two scrapes at once read a whole pair.
    private volatile Tuple<string, int>? _changes;

    public async Task RefreshAsync(CancellationToken cancellationToken)
    {
        try
        {
            var latest = await store.FindRunAsync("latest", cancellationToken).ConfigureAwait(false);
            var completed = await store.LatestCompletedRunAsync(cancellationToken).ConfigureAwait(false);
            if (completed is null)
            {
                meter.State = FleetState.Unknown(databaseUp: true) with { LatestStatus = latest?.Status };
                return;
            }

            var counted = _changes;
            if (counted is null || counted.Item1 != completed.RunId)
            {
                var changes = await store.ChangesAsync(completed.RunId, null, cancellationToken).ConfigureAwait(false);
                counted = Tuple.Create(completed.RunId, changes.SinceRunId is null ? 0 : changes.Changes.Count(c => c.Kind == ChangeKind.NewProblem));
                _changes = counted;
            }

            var finished = completed.FinishedAt ?? completed.StartedAt;
            meter.State = new FleetState(
                true,
                completed.Counts.ToDictionary(c => c.Key, c => c.Value),
                counted.Item2,
                finished,
                finished - completed.StartedAt,
                latest?.Status ?? AuditRunStatus.Completed);
        }
        catch (Exception e) when (StoreFailure.Is(e))
        {
            // The scrape still answers: esfleet_database_up 0, and no fleet figures that could be stale.
            meter.State = FleetState.Unknown(databaseUp: false);
        }
    }
}
