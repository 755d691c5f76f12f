using System.Text.RegularExpressions;
using ExchangeSmtpFleet.Core.Classification;

namespace ExchangeSmtpFleet.Tests.Documentation;

/// <summary>The README documents the machine vocabulary that exports and reports depend on; it must not drift.</summary>
public sealed partial class ReadmeTests
{
    private static readonly string Readme = File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "README.md"));

    public static TheoryData<string> Reasons() => [.. Enum.GetNames<Reason>()];

    public static TheoryData<string> FindingCodes()
    {
        // Every code the sources create: new Finding("Code", ...) and the reply-anomaly codes.
        var sources = Directory.GetFiles(Path.Combine(AppContext.BaseDirectory, "sources"), "*.cs", SearchOption.AllDirectories);
        var codes = sources.SelectMany(f => FindingCode().Matches(File.ReadAllText(f)).Select(m => m.Groups[1].Value))
            .Concat(["ReplyCodeAnomaly", "ReplyTruncated", "ReplySyntaxAnomaly"])
            .Distinct(StringComparer.Ordinal);
        return [.. codes];
    }

    [Theory]
    [MemberData(nameof(Reasons))]
    public void Readme_DocumentsEveryReason(string reason)
    {
        Assert.Contains($"`{reason}`", Readme);
    }

    [Theory]
    [MemberData(nameof(FindingCodes))]
    public void Readme_DocumentsEveryFindingCode(string code)
    {
        Assert.Contains($"`{code}`", Readme);
    }

    [Fact]
    public void FindingCodes_AreFoundInTheSources()
    {
        Assert.True(FindingCodes().Count >= 15);
    }

    [GeneratedRegex(@"new Finding\(""([A-Za-z]+)""")]
    private static partial Regex FindingCode();
}
