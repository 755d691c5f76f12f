namespace ExchangeSmtpFleet.Infrastructure.Reporting;

/// <summary>Where the summary sheet put the figures the charts show, and where the charts go (1-based rows and columns).</summary>
/// <param name="Sheet">The summary sheet's name.</param>
/// <param name="VerdictHeaderRow">The header row of the hosts-per-verdict table (one row per verdict below it, in enum order).</param>
/// <param name="VerdictColumn">Its verdict names' column (the counts are in the next).</param>
/// <param name="VerdictCount">How many verdict rows follow.</param>
/// <param name="TrendHeaderRow">The header row of the recent-runs table (run labels, then one column per verdict).</param>
/// <param name="TrendColumn">Its run labels' column.</param>
/// <param name="TrendRows">How many runs follow.</param>
/// <param name="BarChart">The cells the bar chart covers: top-left and bottom-right (0-based column and row, as drawings count).</param>
/// <param name="TrendChart">The cells the trend chart covers.</param>
internal sealed record SummaryLayout(
    string Sheet, int VerdictHeaderRow, int VerdictColumn, int VerdictCount, int TrendHeaderRow, int TrendColumn, int TrendRows,
    ((int Column, int Row) From, (int Column, int Row) To) BarChart, ((int Column, int Row) From, (int Column, int Row) To) TrendChart)
{
    /// <summary>The last row that prints (below the trend chart).</summary>
    public int LastRow { get; init; }
}
