using System.Globalization;

namespace ExchangeSmtpFleet.Smtp.Tests;

/// <summary>Hands out loopback addresses no other test of this process uses, so tests can run in parallel.</summary>
internal static class Loopback
{
    private static int _next;

    public static string Next()
    {
        var n = Interlocked.Increment(ref _next);
        return string.Create(CultureInfo.InvariantCulture, $"127.31.{n / 250}.{(n % 250) + 1}");
    }

    public static string Transcript(string name) => File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "transcripts", name));
}
