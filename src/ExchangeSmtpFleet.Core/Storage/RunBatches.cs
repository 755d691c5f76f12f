namespace ExchangeSmtpFleet.Core.Storage;

/// <summary>How the job pipeline splits a run: ranges of its inventory in file order.</summary>
/// <param name="Count">How many batches.</param>
/// <param name="Size">Hosts per batch (the last may have fewer).</param>
public sealed record RunBatches(int Count, int Size)
{
    /// <summary>The split of <paramref name="hosts"/> hosts into batches of up to <paramref name="size"/> (at least one host each).</summary>
    /// <param name="hosts">Hosts of the run.</param>
    /// <param name="size">Most hosts per batch.</param>
    public static RunBatches Of(int hosts, int size)
    {
        var perBatch = Math.Max(1, size);
        return new RunBatches((hosts + perBatch - 1) / perBatch, perBatch);
    }
}
