using Hangfire;
using Hangfire.Storage;
using Hangfire.Storage.Monitoring;

namespace ExchangeSmtpFleet.Jobs;

/// <summary>A storage's monitoring API whose job details carry the job's stored creation time (see <see cref="DashboardStorage"/>).</summary>
/// <param name="inner">The storage's monitoring API.</param>
/// <param name="storage">The storage, for the job's data.</param>
internal sealed class CreatedAtMonitoringApi(IMonitoringApi inner, JobStorage storage) : IMonitoringApi
{
    public JobDetailsDto? JobDetails(string jobId)
    {
        var details = inner.JobDetails(jobId);
        if (details is null)
        {
            return null;
        }

        using var connection = storage.GetConnection();
        if (connection.GetJobData(jobId) is { } data)
        {
            details.CreatedAt = data.CreatedAt;
        }

        return details;
    }

    public IList<QueueWithTopEnqueuedJobsDto> Queues() => inner.Queues();

    public IList<ServerDto> Servers() => inner.Servers();

    public StatisticsDto GetStatistics() => inner.GetStatistics();

    public JobList<EnqueuedJobDto> EnqueuedJobs(string queue, int from, int perPage) => inner.EnqueuedJobs(queue, from, perPage);

    public JobList<FetchedJobDto> FetchedJobs(string queue, int from, int perPage) => inner.FetchedJobs(queue, from, perPage);

    public JobList<ProcessingJobDto> ProcessingJobs(int from, int count) => inner.ProcessingJobs(from, count);

    public JobList<ScheduledJobDto> ScheduledJobs(int from, int count) => inner.ScheduledJobs(from, count);

    public JobList<SucceededJobDto> SucceededJobs(int from, int count) => inner.SucceededJobs(from, count);

    public JobList<FailedJobDto> FailedJobs(int from, int count) => inner.FailedJobs(from, count);

    public JobList<DeletedJobDto> DeletedJobs(int from, int count) => inner.DeletedJobs(from, count);

    public long ScheduledCount() => inner.ScheduledCount();

    public long EnqueuedCount(string queue) => inner.EnqueuedCount(queue);

    public long FetchedCount(string queue) => inner.FetchedCount(queue);

    public long FailedCount() => inner.FailedCount();

    public long ProcessingCount() => inner.ProcessingCount();

    public long SucceededListCount() => inner.SucceededListCount();

    public long DeletedListCount() => inner.DeletedListCount();

    public IDictionary<DateTime, long> SucceededByDatesCount() => inner.SucceededByDatesCount();

    public IDictionary<DateTime, long> FailedByDatesCount() => inner.FailedByDatesCount();

    public IDictionary<DateTime, long> HourlySucceededJobs() => inner.HourlySucceededJobs();

    public IDictionary<DateTime, long> HourlyFailedJobs() => inner.HourlyFailedJobs();
}
