using System.Globalization;
using ExchangeSmtpFleet.Simulator;

namespace ExchangeSmtpFleet.Tests.Cli;

/// <summary>Starts simulated hosts for CLI tests, each test on loopback addresses of its own.</summary>
internal static class SimulatedHosts
{
    private static int _block;

    /// <summary><paramref name="count"/> healthy Exchange 2003 hosts, each reply delayed by <paramref name="latencyMs"/>.</summary>
    public static Task<SmtpSimulator> StartAsync(int count, int latencyMs) =>
        StartAsync([.. Enumerable.Repeat(("ex2003-healthy-real.txt", "none"), count)], latencyMs);

    public static Task<SmtpSimulator> StartAsync(params (string Transcript, string Fault)[] hosts) => StartAsync(hosts, 0);

    /// <summary>
    /// A host per transcript on fixed addresses, <paramref name="network"/>.1, .2, ... port 2525, so that a second scan of
    /// the same inventory meets the same hosts (with other transcripts, if the test wants its verdicts to change).
    /// </summary>
    /// <param name="network">The first three octets, e.g. <c>127.44.7</c>: a network no other test uses.</param>
    /// <param name="transcripts">The transcript of each host, by file name in samples/transcripts.</param>
    public static Task<SmtpSimulator> AtAsync(string network, params string[] transcripts) => SmtpSimulator.StartAsync(new FleetDefinition
    {
        Hosts = [.. transcripts.Select((t, i) => new SimulatedHostDefinition
        {
            Address = string.Create(CultureInfo.InvariantCulture, $"{network}.{i + 1}"),
            Port = 2525,
            TranscriptText = File.ReadAllText(CliRunner.Sample("transcripts", t)),
        })],
    }, TimeProvider.System);

    private static Task<SmtpSimulator> StartAsync((string Transcript, string Fault)[] hosts, int latencyMs)
    {
        var block = Interlocked.Increment(ref _block);
        var fleet = new FleetDefinition
        {
            Hosts = [.. hosts.Select((h, i) => new SimulatedHostDefinition
            {
                Address = string.Create(CultureInfo.InvariantCulture, $"127.41.{block}.{i + 1}"),
                Port = 0,
                Fault = h.Fault,
                LatencyMs = latencyMs,
                TranscriptText = File.ReadAllText(CliRunner.Sample("transcripts", h.Transcript)),
            })],
        };
        return SmtpSimulator.StartAsync(fleet, TimeProvider.System);
    }
}
