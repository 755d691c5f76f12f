using Hangfire;
using Hangfire.States;
using Hangfire.Storage;

namespace ExchangeSmtpFleet.Jobs;

/// <summary>
/// The job storage as the dashboard sees it: the storage itself, except that a job's details carry the time the job was
/// created. Hangfire.Storage.SQLite 0.4.3 answers <c>JobDetails</c> with <c>CreatedAt = DateTime.UtcNow</c>
/// (<c>SQLiteMonitoringApi.JobDetails</c>), so the job page put "Created" at the moment it was drawn and every state
/// before it at a negative age ("Enqueued -45.779s"). The job's data (<c>GetJobData</c>) has the stored time.
/// </summary>
internal sealed class DashboardStorage : JobStorage
{
    private readonly JobStorage _inner;

    /// <summary>Wraps <paramref name="inner"/>.</summary>
    public DashboardStorage(JobStorage inner)
    {
        ArgumentNullException.ThrowIfNull(inner);
        _inner = inner;
        JobExpirationTimeout = inner.JobExpirationTimeout;
    }

    public override bool LinearizableReads => _inner.LinearizableReads;

    /// <summary>The dashboard's view of <paramref name="storage"/>: wrapped only where the storage needs it (the embedded SQLite one).</summary>
    public static JobStorage For(JobStorage storage) => JobServices.IsEmbedded(storage) ? new DashboardStorage(storage) : storage;

    public override IMonitoringApi GetMonitoringApi() => new CreatedAtMonitoringApi(_inner.GetMonitoringApi(), _inner);

    public override IStorageConnection GetConnection() => _inner.GetConnection();

    public override IStorageConnection GetReadOnlyConnection() => _inner.GetReadOnlyConnection();

    public override bool HasFeature(string featureId) => _inner.HasFeature(featureId);

    // The dashboard's buttons change job states through a client over this storage: the storage's own state handlers apply.
    public override IEnumerable<IStateHandler> GetStateHandlers() => _inner.GetStateHandlers();

    public override string ToString() => _inner.ToString() ?? nameof(DashboardStorage);
}
