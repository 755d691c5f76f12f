using System.Globalization;

namespace ExchangeSmtpFleet.Cli;

/// <summary>"1 host", "2 hosts": a count with its noun, singular or plural.</summary>
internal static class Plural
{
    public static string Of(int count, string singular, string? plural = null) =>
        string.Create(CultureInfo.InvariantCulture, $"{count} {(count == 1 ? singular : plural ?? singular + "s")}");
}
