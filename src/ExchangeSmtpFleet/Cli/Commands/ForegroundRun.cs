namespace ExchangeSmtpFleet.Cli.Commands;

/// <summary>A run that a foreground command began.</summary>
/// <param name="RunId">The run.</param>
/// <param name="StartedAt">When it began.</param>
/// <param name="Stored">Whether it is in the database.</param>
/// <param name="StoreFailure">Why it is not, when it was to be: the database's one line.</param>
internal sealed record ForegroundRun(string RunId, DateTimeOffset StartedAt, bool Stored, string? StoreFailure);
