using ExchangeSmtpFleet.Core.Auditing;
using ExchangeSmtpFleet.Core.Classification;
using ExchangeSmtpFleet.Core.Inventory;
using ExchangeSmtpFleet.Core.Probing;
using ExchangeSmtpFleet.Core.Profiles;
using ExchangeSmtpFleet.Core.Protocol;
using ExchangeSmtpFleet.Core.Storage;
using ExchangeSmtpFleet.Infrastructure.Persistence;

namespace ExchangeSmtpFleet.Infrastructure.Tests.Persistence;

/// <summary>Builds runs and outcomes for store tests: a host's verdict is chosen by the keyword list it answers with.</summary>
internal static class Outcomes
{
    public static readonly DateTimeOffset Night = new(2026, 11, 30, 2, 0, 0, TimeSpan.Zero);

    private static readonly string[] Windows =
        ["TURN", "ATRN", "SIZE 5242880", "ETRN", "PIPELINING", "DSN", "ENHANCEDSTATUSCODES", "8bitmime", "BINARYMIME", "CHUNKING", "VRFY", "AUTH GSSAPI NTLM"];

    private static readonly string[] Exchange = ["X-EXPS GSSAPI NTLM", "X-EXPS=LOGIN", "X-LINK2STATE", "XEXCH50"];

    public static InventoryHost Host(int n) => new()
    {
        LineNumber = n + 1,
        Host = $"exch{n:00}.corp.example",
        Name = $"EXCH{n:00}",
        Site = "Berlin",
        Profile = ProfileCatalog.DefaultProfileId,
    };

    public static InventoryReadResult Fleet(int hosts) => new()
    {
        Hosts = [.. Enumerable.Range(1, hosts).Select(Host)],
        Problems = [new InventoryProblem(99, "port must be 1-65535", "mail9,99999")],
        ContentHash = "0badc0de",
    };

    public static AuditRun Run(string id, DateTimeOffset started, int hosts) => new()
    {
        RunId = id,
        StartedAt = started,
        InventoryPath = "/etc/esfleet/inventory.csv",
        InventoryHash = "0badc0de",
        HostCount = hosts,
        Concurrency = 64,
        Probe = new ProbeOptions { EhloName = "auditor.corp.example" },
        ToolVersion = "9.9.9-test",
    };

    /// <summary>Begins <paramref name="run"/> with its inventory and opens a result sink for it.</summary>
    public static async Task<IResultSink> BeginAsync(AuditStorage storage, AuditRun run, InventoryReadResult inventory, RunBatches? batches = null)
    {
        await storage.Writer.BeginRunAsync(run, inventory, batches, TestContext.Current.CancellationToken);
        return storage.Writer.OpenResultSink(run.RunId, run.StartedAt);
    }

    /// <summary>Stores a run of <paramref name="verdicts"/> (host n gets verdicts[n-1]): begun, written in batches, finished with <paramref name="status"/> 5 minutes after its start.</summary>
    public static async Task StoreRunAsync(
        AuditStorage storage, string runId, DateTimeOffset started, Verdict[] verdicts, int batches = 1, AuditRunStatus status = AuditRunStatus.Completed,
        Func<InventoryHost, InventoryHost>? rename = null)
    {
        var inventory = Fleet(verdicts.Length);
        inventory = rename is null ? inventory : inventory with { Hosts = [.. inventory.Hosts.Select(rename)] };
        var run = Run(runId, started, verdicts.Length);
        await using (var sink = await BeginAsync(storage, run, inventory))
        {
            var outcomes = verdicts.Select((v, i) => Outcome(inventory.Hosts[i], v, started)).ToList();
            foreach (var chunk in outcomes.Chunk(Math.Max(1, outcomes.Count / batches)))
            {
                await sink.WriteAsync(chunk, TestContext.Current.CancellationToken);
            }
        }

        if (status != AuditRunStatus.Running)
        {
            await storage.Writer.FinishRunAsync(runId, status, started.AddMinutes(5), TestContext.Current.CancellationToken);
        }
    }

    /// <summary>A host answering as healthy, without its Exchange keywords, or not at all.</summary>
    public static HostOutcome Outcome(InventoryHost host, Verdict verdict, DateTimeOffset at)
    {
        var observation = verdict switch
        {
            Verdict.Healthy => Dialogue([.. Windows, .. Exchange]),
            Verdict.MissingSinks => Dialogue(Windows),
            Verdict.SuspectedMetabaseCorruption => Dialogue([.. Windows, .. Exchange[..3]]),
            Verdict.Unreachable => new SmtpObservation { Failure = new ProbeFailure(Reason.ConnectionRefused, "refused") },
            _ => throw new ArgumentOutOfRangeException(nameof(verdict), verdict, "not built by this helper"),
        };
        var probe = new ProbeResult
        {
            Host = host.Host,
            Port = host.Port,
            Address = "10.0.0.1",
            Observation = observation,
            StartedAt = at,
            Timings = new ProbeTimings(1.5, 2.5, 3.5, null, 12.25),
            Transcript = [new TranscriptLine(TranscriptDirection.Client, "EHLO auditor.corp.example", TimeSpan.FromMilliseconds(4))],
        };
        var result = new Classifier(ProfileCatalog.BuiltIn).Classify(observation, ClassificationContext.Of(host, at));
        Assert.Equal(verdict, result.Verdict);
        return new HostOutcome(host, probe, result);
    }

    private static SmtpObservation Dialogue(string[] keywords)
    {
        var lines = new[] { "220 mail1 Microsoft ESMTP MAIL Service, Version: 6.0.3790.3959 ready" };
        var ehlo = new[] { "250-mail1 Hello [10.0.0.9]" }.Concat(keywords.Select(k => "250-" + k)).Append("250 OK").ToArray();
        return new SmtpObservation { Greeting = Reply(lines), EhloReply = Reply(ehlo) };
    }

    private static SmtpReply Reply(string[] lines)
    {
        var accumulator = new ReplyAccumulator();
        foreach (var line in lines)
        {
            if (accumulator.Add(line) is { IsComplete: true } step)
            {
                return step.Reply!.Value;
            }
        }

        throw new InvalidOperationException("reply without a final line");
    }
}
