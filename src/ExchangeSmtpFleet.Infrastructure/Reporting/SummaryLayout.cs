namespace ExchangeSmtpFleet.Infrastructure.Reporting;

/// <summary>Where the summary sheet put the figures the charts show (1-based rows; columns start at A).</summary>
/// <param name="Sheet">The summary sheet's name.</param>
/// <param name="VerdictHeaderRow">The header row of the hosts-per-verdict table (verdicts in A, hosts in B below it).</param>
/// <param name="VerdictCount">How many verdict rows follow.</param>
/// <param name="TrendHeaderRow">The header row of the recent-runs table (dates in A, one column per verdict).</param>
/// <param name="TrendRows">How many runs follow.</param>
internal sealed record SummaryLayout(string Sheet, int VerdictHeaderRow, int VerdictCount, int TrendHeaderRow, int TrendRows);
