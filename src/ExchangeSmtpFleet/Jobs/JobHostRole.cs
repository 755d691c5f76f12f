namespace ExchangeSmtpFleet.Jobs;

/// <summary>What a process that runs the audit's jobs is.</summary>
internal enum JobHostRole
{
    /// <summary><c>serve</c>: the schedule, the dashboard, every queue (start, report and mail need the inventory, the reports folder and the relay).</summary>
    Serve,

    /// <summary><c>serve --worker</c>: batches only, no dashboard, no schedule; a further machine on a shared job storage.</summary>
    Worker,

    /// <summary><c>demo</c>: <see cref="Serve"/> in one process for one audit of the simulated lab fleet, on a job storage of its own.</summary>
    Demo,
}
