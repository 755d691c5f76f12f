namespace ExchangeSmtpFleet.Core.Auditing;

/// <summary>
/// Receives the outcomes of a run's probing as they arrive: the database, JSON Lines are sinks.
/// </summary>
/// <remarks>
/// <para>
/// Threading: <see cref="AuditWorkflow"/> never calls a sink on a probing thread. Each sink gets a bounded queue and one
/// task of its own that calls <see cref="WriteAsync"/> with every outcome that has arrived since the last call (one
/// outcome when results trickle in, up to <see cref="AuditWorkflow.MaxBatchSize"/> when they pour in), never two calls at
/// once. A slow sink (a database round trip per batch) therefore costs no probe anything until its queue is full;
/// then the probing waits for it (back-pressure, memory stays bounded) instead of blocking a thread.
/// </para>
/// <para>
/// Failure: what a failing sink does to the run is the caller's choice (<see cref="ProbeRequest"/>): the run stops and
/// fails, or the sink is dropped and said at the end.
/// </para>
/// </remarks>
public interface IResultSink : IAsyncDisposable
{
    /// <summary>A short name for messages (<c>JSON Lines results.jsonl</c>, the database).</summary>
    string Name { get; }

    /// <summary>Called with the outcomes in the order they arrived; the list is reused after the call returns.</summary>
    /// <param name="batch">One or more outcomes.</param>
    /// <param name="cancellationToken">Cancelled only when the run fails; an interrupted run still hands over what it has.</param>
    Task WriteAsync(IReadOnlyList<HostOutcome> batch, CancellationToken cancellationToken);

    /// <summary>Called once after the last batch (interrupted runs too): what is buffered goes out; a failure here is the sink's.</summary>
    /// <param name="cancellationToken">Not cancelled by an interruption: completing must finish.</param>
    Task CompleteAsync(CancellationToken cancellationToken);
}
