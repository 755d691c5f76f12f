using ExchangeSmtpFleet.Core.Classification;
using ExchangeSmtpFleet.Core.Knowledge;

namespace ExchangeSmtpFleet.Core.Tests.Knowledge;

/// <summary>Issue 20, item 5: singular and plural right everywhere ("1 hosts" in <c>inventory check</c>).</summary>
public sealed class PluralTests
{
    [Theory]
    [InlineData(0, "0 hosts")]
    [InlineData(1, "1 host")]
    [InlineData(2, "2 hosts")]
    public void Of_Count_NounAgrees(int count, string expected) => Assert.Equal(expected, Plural.Of(count, "host"));

    [Fact]
    public void Of_IrregularPlural() => Assert.Equal("1 batch, 3 batches", $"{Plural.Of(1, "batch", "batches")}, {Plural.Of(3, "batch", "batches")}");

    [Theory]
    [InlineData(1.02, "1 hour")]
    [InlineData(1.5, "1.5 hours")]
    [InlineData(26.0, "26 hours")]
    public void Rounded_SingularWhenItReadsAsOne(double hours, string expected) => Assert.Equal(expected, Plural.Rounded(hours, "0.#", "hour"));

    [Theory]
    [InlineData("1", "1 line arrived early")]
    [InlineData("3", "3 lines arrived early")]
    public void Format_WordsOfACount(string count, string expected) =>
        Assert.Equal(expected, Plural.Format("{0:line arrived|lines arrived} early", count));

    [Theory]
    [InlineData(Language.English, "1 line sent after the greeting")]
    [InlineData(Language.German, "1 Zeile nach der Begrüßung")]
    public void Describe_UnsolicitedDataOfOneLine_IsSingular(Language language, string expected)
    {
        var text = KnowledgeBase.BuiltIn.Describe(Finding.Of(FindingCode.UnsolicitedData, "1", "250 early"), language);

        Assert.StartsWith(expected, text, StringComparison.Ordinal);
    }
}
