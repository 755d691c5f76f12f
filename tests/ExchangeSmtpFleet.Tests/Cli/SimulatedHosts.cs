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
