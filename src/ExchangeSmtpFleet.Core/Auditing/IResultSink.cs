namespace ExchangeSmtpFleet.Core.Auditing;

/// <summary>
/// Receives the results of an audit run as they arrive: JSON Lines, the database, the report are sinks.
/// </summary>
/// <remarks>
/// <para>
/// Threading: <see cref="AuditService"/> never calls a sink on a probing thread. Each sink gets a bounded queue and one
/// task of its own that calls <see cref="WriteAsync"/> with every outcome that has arrived since the last call (one
/// outcome when results trickle in, up to <see cref="AuditService.MaxBatchSize"/> when they pour in), never two calls at
/// once. A slow sink (a database round trip per batch) therefore costs no probe anything until its queue is full;
/// then the probing waits for it (back-pressure, memory stays bounded) instead of blocking a thread.
/// </para>
/// <para>
/// Failure, by <see cref="OnFailure"/>: <see cref="SinkFailurePolicy.StopRun"/> ends the run as
/// <see cref="AuditRunStatus.Failed"/>, the other sinks are closed with that status and the exception reaches the caller
/// as <see cref="AuditSinkException"/>; <see cref="SinkFailurePolicy.Detach"/> drops the sink, the run goes on, and the
/// failure is in <see cref="AuditResult.SinkFailures"/>.
/// </para>
/// </remarks>
public interface IResultSink
{
    /// <summary>A short name for messages (<c>JSON Lines results.jsonl</c>).</summary>
    string Name { get; }

    /// <summary>What the run does when this sink fails; stop by default.</summary>
    SinkFailurePolicy OnFailure => SinkFailurePolicy.StopRun;

    /// <summary>Called once, before the first outcome.</summary>
    /// <param name="run">The run as it starts (status Running).</param>
    /// <param name="cancellationToken">Cancelled when the run is.</param>
    Task OpenAsync(AuditRun run, CancellationToken cancellationToken);

    /// <summary>Called with the outcomes in the order they arrived; the list is reused after the call returns.</summary>
    /// <param name="batch">One or more outcomes.</param>
    /// <param name="cancellationToken">Cancelled only when the run fails; an interrupted run still hands over what it has.</param>
    Task WriteAsync(IReadOnlyList<HostOutcome> batch, CancellationToken cancellationToken);

    /// <summary>Called once after the last batch, with the run's final status and figures.</summary>
    /// <param name="run">The run as it ended.</param>
    /// <param name="summary">Its figures.</param>
    /// <param name="cancellationToken">Not cancelled by an interruption: closing must complete.</param>
    Task CloseAsync(AuditRun run, RunSummary summary, CancellationToken cancellationToken);
}
