using ExchangeSmtpFleet.Core.Auditing;
using ExchangeSmtpFleet.Core.Classification;
using ExchangeSmtpFleet.Core.Probing;
using ExchangeSmtpFleet.Core.Storage;
using static ExchangeSmtpFleet.Infrastructure.Tests.Persistence.Outcomes;

namespace ExchangeSmtpFleet.Infrastructure.Tests.Persistence;

/// <summary>What every dialect's run writer must do: runs begun and finished, results written once per host whatever is retried. One suite, a subclass per dialect.</summary>
public abstract class RunWriterContract : StorageContract
{
    [Fact]
    public async Task Write_SameBatchTwice_KeepsOneResultPerHost()
    {
        var store = NewStorage();
        var inventory = Fleet(3);
        var run = Run("scan-retry", Night, 3);
        var outcomes = inventory.Hosts.Select(h => Outcome(h, Verdict.SuspectedMetabaseCorruption, Night)).ToList();
        var sink = await BeginAsync(store, run, inventory);

        await sink.WriteAsync(outcomes, Token);
        await sink.WriteAsync(outcomes, Token);
        await sink.DisposeAsync();

        var found = await store.History.FindRunAsync("scan-retry", Token);
        Assert.Equal(3, found!.Results);
        Assert.Equal(3, (await store.History.LackingAsync("scan-retry", "XEXCH50", Token)).Count);
        Assert.Empty(await store.History.HostsWithoutResultAsync("scan-retry", Token));
    }

    /// <summary>
    /// Issue 21, item 6: one host with 3,000-character keywords and version costs nothing else. SQL Server's bulk copy used
    /// to refuse the whole batch (every retry too); both dialects now store the text cut to the columns with a mark.
    /// </summary>
    [Fact]
    public async Task Write_AHostWith3000CharacterKeywords_StoresThemCut_AndTheWholeBatch()
    {
        var store = NewStorage();
        var inventory = Fleet(3);
        var outcomes = inventory.Hosts.Select(h => Outcome(h, Verdict.Healthy, Night)).ToList();
        var odd = outcomes[1].Classification;
        Core.Protocol.EhloKeyword[] huge = [Core.Protocol.EhloKeyword.Parse(new string('K', 3000)), Core.Protocol.EhloKeyword.Parse("X-" + new string('L', 2998) + " " + new string('p', 3000))];
        outcomes[1] = outcomes[1] with
        {
            Classification = odd with { Keywords = [.. odd.Keywords, .. huge], PostTlsKeywords = [.. huge], Version = new string('9', 3000) },
        };
        var sink = await BeginAsync(store, Run("scan-huge", Night, 3), inventory);

        await sink.WriteAsync(outcomes, Token);
        await sink.DisposeAsync();

        Assert.Equal(3, (await store.History.FindRunAsync("scan-huge", Token))!.Results);
        var keywords = new Dictionary<string, System.Collections.Immutable.ImmutableArray<string>>();
        await foreach (var (host, names) in store.History.ReadKeywordsAsync("scan-huge", Token))
        {
            keywords[host] = names;
        }

        var cut = keywords[inventory.Hosts[1].Key].Where(k => k.EndsWith(StoredLimits.CutMark, StringComparison.Ordinal)).ToList();
        Assert.Equal([new string('K', StoredLimits.KeywordName - 1) + StoredLimits.CutMark, "X-" + new string('L', StoredLimits.KeywordName - 3) + StoredLimits.CutMark], cut);
        Assert.Contains("XEXCH50", keywords[inventory.Hosts[1].Key]);
        Assert.Equal(3, keywords.Count);
        Assert.Empty(await store.History.LackingAsync("scan-huge", "XEXCH50", Token));
    }

    [Fact]
    public async Task Write_AHostAgain_ReplacesItsFindings_WithFewerOrMore()
    {
        var store = NewStorage();
        var inventory = Fleet(1);
        var plain = Outcome(inventory.Hosts[0], Verdict.Healthy, Night);
        Finding[] two = [new(FindingCode.UnexpectedKeywords, FindingSeverity.Info, ["exchange-2003", "X-ONE"]), new(FindingCode.KeywordAnomaly, FindingSeverity.Warning, ["X-TWO", "odd"])];
        HostOutcome With(params Finding[] findings) => plain with { Classification = plain.Classification with { Findings = [.. findings] } };
        var sink = await BeginAsync(store, Run("scan-findings", Night, 1), inventory);
        var seen = new List<int>();
        try
        {
            foreach (var findings in new[] { two, [], two, two[..1] })
            {
                await sink.WriteAsync([With(findings)], Token);
                await foreach (var evidence in store.History.ReadEvidenceAsync("scan-findings", Token))
                {
                    seen.Add(evidence.Findings.Length);
                }
            }
        }
        finally
        {
            await sink.DisposeAsync();
        }

        Assert.Equal([2, 0, 2, 1], seen);
    }

    [Fact]
    public async Task Write_ABatchAgainByASecondSink_KeepsOneResultPerHostWithItsNewKeywordsOnce()
    {
        // A retried job writes its batch through a sink of its own (another process): nothing of the first write may stay twice.
        var store = NewStorage();
        var inventory = Fleet(3);
        var run = Run("scan-resumed", Night, 3);
        foreach (var verdict in new[] { Verdict.Healthy, Verdict.SuspectedMetabaseCorruption })
        {
            var sink = await BeginAsync(store, run, inventory);
            await sink.WriteAsync([.. inventory.Hosts.Select(h => Outcome(h, verdict, Night))], Token);
            await sink.DisposeAsync();
        }

        Assert.Equal(3, (await store.History.FindRunAsync("scan-resumed", Token))!.Results);
        Assert.Equal(3, (await store.History.LackingAsync("scan-resumed", "XEXCH50", Token)).Count);
        var keywords = new List<System.Collections.Immutable.ImmutableArray<string>>();
        await foreach (var (_, list) in store.History.ReadKeywordsAsync("scan-resumed", Token))
        {
            keywords.Add(list);
        }

        Assert.Equal(3, keywords.Count);
        Assert.All(keywords, k => Assert.Equal(k.Distinct().Count(), k.Length));
        Assert.All(keywords, k => Assert.DoesNotContain("XEXCH50", k));
    }

    [Fact]
    public async Task HostsWithoutResult_NameTheHostsARunStillOwes()
    {
        var store = NewStorage();
        var inventory = Fleet(4);
        var sink = await BeginAsync(store, Run("scan-died", Night, 4), inventory);
        await sink.WriteAsync([Outcome(inventory.Hosts[1], Verdict.Healthy, Night)], Token);
        await sink.DisposeAsync();

        var owed = await store.History.HostsWithoutResultAsync("scan-died", Token);

        Assert.Equal([inventory.Hosts[0].Key, inventory.Hosts[2].Key, inventory.Hosts[3].Key], owed);
        Assert.Equal(AuditRunStatus.Running, (await store.History.FindRunAsync("scan-died", Token))!.Status);
    }

    [Fact]
    public async Task Evidence_RoundTripsExactly_NonAsciiText_AnEmptyTranscript_AndMissingTimings()
    {
        var store = NewStorage();
        var inventory = Fleet(2);
        var run = Run("scan-evidence", Night, 2);
        var first = Outcome(inventory.Hosts[0], Verdict.Healthy, Night);
        first = first with
        {
            Probe = first.Probe with
            {
                Timings = new ProbeTimings(0.25, null, 3.5, null, 1234.5),
                Transcript =
                [
                    new TranscriptLine(TranscriptDirection.Server, "220 mail1 Grüße, Ünïcode ✓ ready", TimeSpan.FromMilliseconds(1.26)),
                    new TranscriptLine(TranscriptDirection.Client, "EHLO auditor.corp.example", TimeSpan.FromMilliseconds(4)),
                    new TranscriptLine(TranscriptDirection.Note, "closed \\x1B[31m", TimeSpan.FromMilliseconds(1234.56)),
                ],
            },
        };
        var second = Outcome(inventory.Hosts[1], Verdict.Unreachable, Night);
        second = second with { Probe = second.Probe with { Transcript = [], Address = null } };
        var sink = await BeginAsync(store, run, inventory);
        try
        {
            await sink.WriteAsync([first, second], Token);
        }
        finally
        {
            await sink.DisposeAsync();
        }

        var evidence = new List<StoredEvidence>();
        await foreach (var e in store.History.ReadEvidenceAsync("scan-evidence", Token))
        {
            evidence.Add(e);
        }

        Assert.Equal(2, evidence.Count);
        Assert.Equal("1.3 S: 220 mail1 Grüße, Ünïcode ✓ ready\n4.0 C: EHLO auditor.corp.example\n1234.6 *  closed \\x1B[31m", evidence[0].Transcript);
        Assert.Equal((0.25, (double?)null, 3.5, (double?)null, 1234.5), (evidence[0].ConnectMs!.Value, evidence[0].BannerMs, evidence[0].EhloMs!.Value, evidence[0].TlsMs, evidence[0].TotalMs));
        Assert.Equal("10.0.0.1", evidence[0].Address);
        Assert.Equal(string.Empty, evidence[1].Transcript);
        Assert.Null(evidence[1].Address);
        Assert.Equal(1, evidence[1].Attempts);
    }
}
