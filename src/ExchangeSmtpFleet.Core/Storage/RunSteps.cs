using System.Globalization;

namespace ExchangeSmtpFleet.Core.Storage;

/// <summary>The names of a run's steps in the ledger (<see cref="IJobLedger"/>): stored, so never renamed.</summary>
public static class RunSteps
{
    /// <summary>The run is stored and its batches are queued.</summary>
    public const string Begin = "begin";

    /// <summary>The run's final status is written and its report queued (claimed by the batch that completes the run).</summary>
    public const string Finish = "finish";

    /// <summary>The run's workbook is written.</summary>
    public const string Report = "report";

    /// <summary>The run's report is mailed.</summary>
    public const string Mail = "mail";

    private const string BatchPrefix = "batch-";

    /// <summary>Batch <paramref name="number"/> (from 1) is probed and stored: <c>batch-0003</c>.</summary>
    /// <param name="number">The batch's number.</param>
    public static string Batch(int number) => string.Create(CultureInfo.InvariantCulture, $"{BatchPrefix}{number:D4}");

    /// <summary>Whether <paramref name="step"/> is a batch's step.</summary>
    /// <param name="step">A step name.</param>
    public static bool IsBatch(string step) => step?.StartsWith(BatchPrefix, StringComparison.Ordinal) == true;
}
