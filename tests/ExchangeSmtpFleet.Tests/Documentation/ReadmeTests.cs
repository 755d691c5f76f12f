using ExchangeSmtpFleet.Core.Classification;

namespace ExchangeSmtpFleet.Tests.Documentation;

/// <summary>The README documents the machine vocabulary that exports and reports depend on; it must not drift.</summary>
public sealed class ReadmeTests
{
    private static readonly string Readme = File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "README.md"));

    public static TheoryData<string> Reasons() => [.. Enum.GetNames<Reason>()];

    public static TheoryData<string> FindingCodes() => [.. Enum.GetNames<FindingCode>()];

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
}
