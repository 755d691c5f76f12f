using ExchangeSmtpFleet.Core.Probing;

namespace ExchangeSmtpFleet.Core.Tests.Probing;

public sealed class TranscriptTextTests
{
    [Theory]
    [InlineData("\u001b]0;pwned\u0007", "\\x1B]0;pwned\\x07")]
    [InlineData("a\rb", "a\\x0Db")]
    [InlineData("\u009b2J", "\\x9B2J")]
    [InlineData("evil\u202Etxt.exe", "evil\\u202Etxt.exe")]
    [InlineData("\u007f", "\\x7F")]
    public void ForTerminal_WhatATerminalActsOn_IsEscaped(string text, string expected)
    {
        Assert.Equal(expected, TranscriptText.ForTerminal(text));
    }

    [Theory]
    [InlineData("München, Düsseldorf")]
    [InlineData("line 3: unknown profile 'x'")]
    public void ForTerminal_PrintableText_IsUnchanged(string text)
    {
        Assert.Same(text, TranscriptText.ForTerminal(text));
    }

    [Fact]
    public void Escape_NetworkText_KeepsOnlyPrintableAscii()
    {
        Assert.Equal("220 \\x1B[2Jmail \\xE4", TranscriptText.Escape("220 \u001b[2Jmail \u00e4"));
    }
}
