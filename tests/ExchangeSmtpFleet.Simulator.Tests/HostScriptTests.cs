namespace ExchangeSmtpFleet.Simulator.Tests;

public sealed class HostScriptTests
{
    private static string Sample(string name) => File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "samples", "transcripts", name));

    [Fact]
    public void From_TranscriptWithoutBanner_SynthesisesAnIisBanner()
    {
        var script = HostScript.From(Sample("seed-example-2-missing-sinks.txt"), null, false, "test");

        Assert.StartsWith("220 mail1.example.com Microsoft ESMTP MAIL Service, Version: 6.0", script.Greeting[0]);
    }

    [Fact]
    public void From_Name_ReplacesBannerAndGreetingName()
    {
        var script = HostScript.From(Sample("ex2003-healthy-real.txt"), "exch01.lab.example", false, "test");

        Assert.StartsWith("220 exch01.lab.example Microsoft ESMTP", script.Greeting[0]);
        Assert.Equal("250-exch01.lab.example Hello [X.X.X.X]", script.Ehlo[0]);
    }

    [Fact]
    public void From_ForcedStartTls_AdvertisesItBeforeTlsAndNotAfter()
    {
        var script = HostScript.From(Sample("ex2003-healthy-real.txt"), null, true, "test");

        Assert.True(script.AdvertisesStartTls);
        Assert.DoesNotContain(script.PostTlsEhlo, l => l.EndsWith("STARTTLS", StringComparison.Ordinal));
        Assert.StartsWith("250 ", script.PostTlsEhlo[^1]);
        Assert.All(script.PostTlsEhlo.SkipLast(1), l => Assert.Equal('-', l[3]));
    }

    [Fact]
    public void From_RecordedPostTlsList_IsReplayedAfterTls()
    {
        var script = HostScript.From(Sample("exchange-2010-edge-tls.txt"), null, false, "test");

        Assert.DoesNotContain(script.PostTlsEhlo, l => l.Contains("X-ANONYMOUSTLS", StringComparison.Ordinal));
        Assert.Contains(script.Ehlo, l => l.Contains("X-ANONYMOUSTLS", StringComparison.Ordinal));
    }

    [Fact]
    public void From_SeedAnomaly_IsReplayedVerbatim()
    {
        var script = HostScript.From(Sample("seed-example-1-healthy.txt"), null, false, "test");

        Assert.Contains("240-X-EXPS=LOGIN", script.Ehlo);
    }
}
